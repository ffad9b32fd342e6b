"""Every approve button says what it does — 批准, 退回, 不予批准 — never 保存 or 提交 (issue 13,
item 2).

A factory world with one of each thing waiting for a decision: an enforcement plan, an inspection
plan, a safety-supervision letter, a case waiting for its filing approval, one whose report waits,
one waiting for the penalty decision, a publication waiting for the head, a retrieval and a borrow
request, a certificate application and an annual assessment sheet. Each approver signs in, opens
his home page, the list pages and the pages of those things, follows every link to a decision
page (a route that approves, returns, refuses or decides) and reads every form that posts to
one: its submit buttons must name the decision. The test also checks it reached every kind of
decision page it set up, so that a page dropping out of the walk is noticed.

The steps of the transition tables (立案, 呈报, 公示, 归档, 审核, 许可 …) are labelled from the tables
themselves; a second test checks that no decision step there is labelled 保存 or 提交.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from sanxiang.inspections import letters
from sanxiang.inspections import services as inspections
from sanxiang.org.roles import Role
from sanxiang.publicity import services as publicity
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in
from sanxiang.testing.crawl import same_site

#: What a decision button must never say.
VAGUE = {"保存", "提交", "确定", "保存修改", "Save", "Submit", "OK"}
#: Pages whose only purpose is a decision.
DECISION_VIEWS = {
    "inspections:enforcement_plan_approve",
    "inspections:plan_approve",
    "inspections:plan_return",
    "inspections:letter_approve",
    "inspections:letter_return",
    "evidence:retrieval_decide",
    "documents:borrow_decide",
    "org:privilege_decide",
    "cases:transfer_decide",
    "archive:appraisal_decide",
    "supervision:application_decide",
    "supervision:sheet_approve",
    "supervision:evaluation_finding_decide",
}
#: Step routes (one URL per transition): a step is a decision when its action says so.
STEP_VIEWS = {
    "cases:step",
    "cases:branch_step",
    "publicity:action",
    "review:step",
    "archive:unit_step",
    "licensing:application_step",
    "supervision:evaluation_campaign_step",
    "inspections:draw_step",
}
DECISION_ACTION = re.compile(
    r"approve|return|refuse|reject|decide|grant|deny|collective|withdraw|^file$|^handle$"
)


def decision_of(path: str) -> str | None:
    """``view name`` (or ``view name:action``) when ``path`` is a decision, else None."""
    try:
        match = resolve(urlparse(path).path)
    except Resolver404:
        return None
    if match.view_name in DECISION_VIEWS:
        return match.view_name
    if match.view_name in STEP_VIEWS:
        action = match.kwargs.get("action") or match.kwargs.get("step") or ""
        if DECISION_ACTION.search(action):
            return f"{match.view_name}:{action}"
    return None


class _Forms(HTMLParser):
    """The POST forms of a page: their action and the labels of their submit buttons."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[tuple[str, list[str]]] = []
        self._form: tuple[str, list[str]] | None = None
        self._button: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = (attrs.get("action") or "", [])
        if self._form is None:
            return
        if tag == "button" and (attrs.get("type") or "submit") == "submit":
            self._button = []
        if tag == "input" and attrs.get("type") == "submit":
            self._form[1].append((attrs.get("value") or "").strip())

    def handle_endtag(self, tag):
        if tag == "button" and self._button is not None and self._form is not None:
            self._form[1].append(" ".join("".join(self._button).split()))
            self._button = None
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None

    def handle_data(self, data):
        if self._button is not None:
            self._button.append(data)


@pytest.fixture(autouse=True)
def _no_typesetting(monkeypatch):
    monkeypatch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)


@pytest.fixture
def waiting(province):
    """One of each thing waiting for a decision in sub-bureau A."""
    factories.enforcement_catalogs(agency=province["provincial"])
    sub = province["a"]
    officer = factories.officer(agency=sub, full_name="李承办")
    partner = factories.officer(agency=sub, full_name="王协办")
    colleague = factories.officer(agency=sub, full_name="周同事")
    head = factories.head(agency=sub, full_name="赵局长")
    custodian = factories.custodian(agency=sub, full_name="钱保管")
    reviewer = factories.legal_reviewer(agency=sub, full_name="孙审核")
    editor = factories.staff(agency=sub, roles=[Role.PUBLICITY_EDITOR], full_name="吴编辑")
    officers = [officer, partner]
    mines = [factories.mine(agency=sub, name=f"按钮测试{n}号煤矿") for n in range(1, 5)]
    today = timezone.localdate()
    inspections.enforcement_plan_create(
        actor=officer,
        agency=sub,
        kind="annual",
        year=today.year,
        title="按钮测试年度监察执法计划",
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
    )
    plan = factories.inspection_plan(officers=officers, mine=mines[0], approved=False)
    inspections.inspection_plan_submit(actor=officer, plan=plan)
    to_file = factories.filed_case(officers=officers, mine=mines[1], head=head, approve=False)
    reported = factories.case_report(
        case=factories.filed_case(officers=officers, mine=mines[2], head=head), actor=officer
    )
    to_decide = factories.case_to_decision(
        case=factories.filed_case(officers=officers, mine=mines[3], head=head),
        officer=officer,
        head=head,
    )
    letter = letters.letter_draft(
        actor=officer,
        inspection=to_file.inspection,
        kind="supervision_advice",
        addressee="按钮测试县人民政府",
        findings=list(to_file.findings.all()),
        recommendations="督促煤矿整改（测试）。",
    )
    publication = publicity.publication_manual_create(
        actor=editor,
        agency=sub,
        category="licensing",
        decided_on=today,
        mine=mines[0],
        fields={
            "licence_document_name": "安全生产许可证核发决定书",
            "decision_number": "按钮〔2026〕1号",
            "licence_category": "01",
            "licence_content": "核发安全生产许可证",
            "valid_from": today.isoformat(),
            "valid_to": "2030-01-01",
            "current_status": "有效",
        },
    )
    publication = publicity.publication_confirm(
        actor=editor, publication=publication, confirmed=True
    )
    publication = publicity.publication_review(actor=reviewer, publication=publication)
    recording = factories.recording(actor=officer, title="按钮测试现场记录")
    retrieval = factories.retrieval(recording=recording, requester=colleague)
    borrow = factories.borrow_request(requester=colleague, issuer=officer)
    supervision = factories.supervision_world(province=province)
    return {
        "officer": officer,
        "file_page": f"/cases/new/?inspection={to_file.inspection_id}",
        "head": head,
        "custodian": custodian,
        "superuser": factories.superuser(),
        "pages": {
            "head": [
                "/",
                "/inspections/",
                "/inspections/plans/",
                "/inspections/enforcement-plans/",
                "/cases/all/",
                "/publicity/",
                f"/inspections/plans/{plan.pk}/",
                f"/inspections/letters/{letter.pk}/",
                f"/cases/{to_file.pk}/",
                f"/cases/{reported.pk}/",
                f"/cases/{to_decide.pk}/",
                f"/publicity/{publication.pk}/",
            ],
            "custodian": [
                "/",
                "/evidence/retrievals/",
                "/documents/borrow/",
                f"/evidence/retrievals/{retrieval.pk}/decide/",
                f"/documents/borrow/{borrow.pk}/decide/",
            ],
            "superuser": [
                "/supervision/certificates/applications/",
                f"/supervision/assessment/{supervision['sheet_id']}/",
                f"/supervision/assessment/{supervision['sheet_id']}/approve/",
            ],
        },
        "expected": {
            "inspections:enforcement_plan_approve",
            "inspections:plan_approve",
            "inspections:plan_return",
            "inspections:letter_approve",
            "inspections:letter_return",
            "cases:step:approve_filing",
            "cases:step:refuse_filing",
            "cases:step:approve_report",
            "cases:step:return_report",
            "cases:step:decide",
            "publicity:action:approve",
            "publicity:action:return",
            "evidence:retrieval_decide",
            "documents:borrow_decide",
            "supervision:application_decide",
            "supervision:sheet_approve",
        },
    }


def test_every_decision_button_names_the_decision(waiting):
    reached: set[str] = set()
    problems: list[str] = []
    for who, start in waiting["pages"].items():
        client = sign_in(Client(), waiting[who])
        queue, seen = list(start), set()
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            response = client.get(path)
            assert response.status_code == 200, f"{who} GET {path} → {response.status_code}"
            page = _Forms()
            page.feed(response.content.decode())
            for action, labels in page.forms:
                target = same_site(path, action or path) or ""
                decision = decision_of(target)
                if decision is None:
                    continue
                reached.add(decision)
                vague = [label for label in labels if label in VAGUE or not label]
                if vague or not labels:
                    problems.append(f"{who} {path}: form to {target} has buttons {labels}")
            if path not in start:
                continue  # one step from the start pages: the decision pages they lead to
            for link in page.links:
                target = same_site(path, link)
                if target and decision_of(target) and target not in seen:
                    queue.append(target)
    assert not problems, "\n".join(problems)
    missing = waiting["expected"] - reached
    assert not missing, f"decision pages not reached: {sorted(missing)}"
    # A request for a decision says what it asks for too: 提请立案, not 保存.
    page = _Forms()
    page.feed(sign_in(Client(), waiting["officer"]).get(waiting["file_page"]).content.decode())
    assert ["提请立案"] in [labels for _action, labels in page.forms]


def test_no_decision_step_of_a_transition_table_is_labelled_save():
    """The step pages take their button from the table row's label."""
    import importlib

    tables = [
        "sanxiang.cases.workflow",
        "sanxiang.cases.branch_workflow",
        "sanxiang.publicity.workflow",
        "sanxiang.archive.workflow",
        "sanxiang.review.workflow",
        "sanxiang.licensing.workflow",
    ]
    rows = []
    for path in tables:
        table = importlib.import_module(path).TRANSITIONS
        for row in table.values() if isinstance(table, dict) else table:
            rows.extend(row if isinstance(row, (list, tuple)) else [row])
    decisions = [r for r in rows if DECISION_ACTION.search(r.action)]
    assert len(decisions) >= 15
    vague = [(r.action, str(r.label)) for r in decisions if str(r.label).strip() in VAGUE]
    assert not vague, vague


def test_the_check_catches_a_decision_form_that_says_save():
    """The shared form page says 保存 when a view gives no label: on a decision route that is
    what the sweep must find (and does not find on a plain edit)."""
    from django.template.loader import render_to_string

    def buttons(action: str, **context) -> list[tuple[str, list[str]]]:
        html = render_to_string("core/form.html", {"form": None, "title": "测试", **context})
        page = _Forms()
        page.feed(
            html.replace('<form method="post" novalidate', f'<form action="{action}" method="post"')
        )
        return [form for form in page.forms if form[0] == action]

    [(action, labels)] = buttons("/inspections/plans/1/return/")
    assert decision_of(action) == "inspections:plan_return" and labels == ["保存"]
    assert set(labels) & VAGUE
    [(_action, labels)] = buttons("/inspections/plans/1/return/", submit_label="退回")
    assert labels == ["退回"]
    assert decision_of("/cases/1/do/approve_filing/") == "cases:step:approve_filing"
    assert decision_of("/cases/1/do/notify/") is None
    assert decision_of("/inspections/plans/1/edit/") is None
