"""Reading text records (JL-USE-2, JL-USE-3; ADR 0065, 0123): a document's PDF opens on a
ground — the case team, the reviewer of an open round, the head whose approval is next, the
custodians, an approved borrowing — and every view, download and refusal is in the ledger with
its ground; anyone else borrows (借阅) and reads a watermarked copy until the period ends."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from sanxiang.api.tokens import api_token_create
from sanxiang.documents import services as documents
from sanxiang.documents.models import BorrowRequest, BorrowStatus
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verification import verify_ledger
from sanxiang.review import services as review_services
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

pytestmark = pytest.mark.django_db
PURPOSE = "执法监督检查抽阅案卷"


@pytest.fixture
def world(province, monkeypatch):
    """A major case of sub-bureau A at “pending decision” (documents typeset as stand-ins, to
    be fast) and one real PDF issued for it, as WeasyPrint typesets it."""
    sub = province["a"]
    factories.enforcement_catalogs(agency=province["provincial"])
    people = {
        "officer": factories.officer(agency=sub, full_name="李明"),
        "partner": factories.officer(agency=sub, full_name="王强"),
        "outsider": factories.officer(agency=sub, full_name="周外"),
        "head": factories.head(agency=sub, full_name="赵局长"),
        "custodian": factories.custodian(agency=sub, full_name="钱档案"),
        "reviewer": factories.legal_reviewer(agency=sub, full_name="孙审核"),
        "stranger": factories.officer(agency=province["b"], full_name="吴乙"),
    }
    with monkeypatch.context() as patch:
        patch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)
        case = factories.major_case(
            officers=[people["officer"], people["partner"]],
            mine=factories.mine(agency=sub),
            head=people["head"],
        )
    document = documents.document_issue(
        actor=people["partner"],
        agency=sub,
        type_code="inquiry_record",
        short_code="询",
        title="询问笔录",
        content={"sections": [{"heading": "询问内容", "paragraphs": ["问：姓名？答：张三。"]}]},
        subject=case,
    )
    return {**people, "case": case, "document": document}


def _client(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _bearer(user, scopes=("documents:write",)) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, name="测试", scopes=list(scopes))
    return {"Authorization": f"Bearer {raw}"}


def _last(document) -> LedgerEntry:
    return (
        LedgerEntry.objects.filter(object_type="documents.document", object_id=str(document.pk))
        .order_by("-seq")
        .first()
    )


def _ground(entry: LedgerEntry) -> str:
    return json.loads(entry.body)["details"]["ground"]


def _text(response) -> str:
    """The PDF's text, whether the original was streamed or a copy made."""
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


class Clock:
    """Now, as the services see it, moved by an offset."""

    def __init__(self, monkeypatch):
        self._monkeypatch, self._real = monkeypatch, timezone.now

    def advance(self, delta: datetime.timedelta) -> None:
        real = self._real
        self._monkeypatch.setattr(timezone, "now", lambda: real() + delta)


def test_team_member_reads_without_asking_and_the_ledger_names_the_ground(world):
    document, officer = world["document"], world["officer"]
    url = f"/documents/{document.pk}.pdf"
    response = _client(officer).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    entry = _last(document)
    assert (entry.action, entry.actor_id) == ("document.view", officer.pk)
    assert _ground(entry) == f"team:case:{world['case'].pk}"
    assert "借阅" not in _text(response)  # the team reads the original, unmarked

    download = _client(officer).get(url + "?download=1")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert _last(document).action == "document.download"

    # The issuer, the custodian and the head whose decision is next read on their own grounds.
    assert _client(world["partner"]).get(url).status_code == 200
    assert _ground(_last(document)) == "issuer"
    assert _client(world["custodian"]).get(url).status_code == 200
    assert _ground(_last(document)) == "custodian"
    assert _client(world["head"]).get(url).status_code == 200
    assert _ground(_last(document)) == f"head-approval:case:{world['case'].pk}:decide"

    # The older link of the inspection pages goes through the same check.
    assert _client(officer).get(f"/inspections/documents/{document.pk}.pdf").status_code == 200
    assert _ground(_last(document)).startswith("team:case:")

    # The case page shows the team the PDF links and an outsider the way to borrow.
    case_url = f"/cases/{world['case'].pk}/"
    team_page = _client(officer).get(case_url).content.decode()
    assert f'href="/documents/{document.pk}.pdf"' in team_page
    outsider_page = _client(world["outsider"]).get(case_url).content.decode()
    assert f'href="/documents/{document.pk}.pdf"' not in outsider_page
    assert f"/documents/borrow/new/?document={document.pk}" in outsider_page
    assert "申请借阅" in outsider_page
    # Listing titles is not a read: the two page views added no document event.
    assert _last(document).actor_id == officer.pk


def test_acceptance_outsider_refused_borrows_reads_until_expiry_refused_again(world, monkeypatch):
    """JL-USE-2 acceptance: refused (logged) → requests → approved → reads a watermarked copy →
    the period ends → refused again; each step in the ledger."""
    document, outsider, custodian = world["document"], world["outsider"], world["custodian"]
    url = f"/documents/{document.pk}.pdf"
    reader = _client(outsider)

    refused = reader.get(url)
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "申请借阅" in page and f"/documents/borrow/new/?document={document.pk}" in page
    entry = _last(document)
    assert (entry.action, entry.actor_id) == ("document.access_refused", outsider.pk)

    # The form comes with the document picked; he does not type it.
    form = reader.get(f"/documents/borrow/new/?document={document.pk}")
    assert form.status_code == 200
    assert form.context["form"].initial["subject"] == document
    assert f'<option value="{document.pk}" selected>' in form.content.decode()
    now = timezone.localtime().replace(second=0, microsecond=0)
    posted = reader.post(
        f"/documents/borrow/new/?document={document.pk}",
        {
            "subject": document.pk,
            "purpose": PURPOSE,
            "scope": "download",
            "valid_from": (now - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
            "valid_until": (now + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert posted.status_code == 302
    borrow = BorrowRequest.objects.get(requester=outsider)
    assert borrow.status == BorrowStatus.PENDING and borrow.agency == document.agency
    assert reader.get(url).status_code == 403  # pending grants nothing

    # The custodian sees it waiting and approves it (a step-up action, as signed in).
    approver = _client(custodian)
    listing = approver.get("/documents/borrow/").content.decode()
    assert "待我审批" in listing and f"/documents/borrow/{borrow.pk}/decide/" in listing
    for home in (approver.get("/"), _client(world["head"]).get("/")):  # first on the dashboards
        assert f"/documents/borrow/{borrow.pk}/decide/" in home.content.decode()
    assert f"/documents/borrow/{borrow.pk}/decide/" not in reader.get("/").content.decode()
    decided = approver.post(
        f"/documents/borrow/{borrow.pk}/decide/", {"decision": "approve", "note": ""}
    )
    assert decided.status_code == 302
    borrow.refresh_from_db()
    assert borrow.status == BorrowStatus.APPROVED and borrow.decided_by_id == custodian.pk

    copy = reader.get(url + "?download=1")
    assert copy.status_code == 200
    text = _text(copy)
    assert "周外" in text and PURPOSE in text and "借阅" in text
    assert "答：张三。" in text  # the document itself is still there under the mark
    entry = _last(document)
    assert entry.action == "document.download" and _ground(entry) == f"borrow:{borrow.pk}"
    assert json.loads(entry.body)["details"]["watermarked"] is True

    Clock(monkeypatch).advance(datetime.timedelta(hours=3))
    assert reader.get(url).status_code == 403
    entry = _last(document)
    assert (entry.action, entry.actor_id) == ("document.access_refused", outsider.pk)

    borrow_events = list(
        LedgerEntry.objects.filter(object_type="documents.borrowrequest", object_id=str(borrow.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert borrow_events == ["borrow.request", "borrow.approve"]
    reads = list(
        LedgerEntry.objects.filter(
            object_type="documents.document", object_id=str(document.pk), actor_id=outsider.pk
        )
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert reads == [
        "document.access_refused",
        "document.access_refused",
        "document.download",
        "document.access_refused",
    ]
    assert verify_ledger().ok


def test_reviewer_reads_while_the_round_is_open_and_not_after(world):
    document, reviewer, officer = world["document"], world["reviewer"], world["officer"]
    url = f"/documents/{document.pk}.pdf"
    review = factories.review_submitted(case=world["case"], officer=officer)
    assert _client(reviewer).get(url).status_code == 403  # not assigned yet

    review = factories.review_in_progress(review=review, reviewer=reviewer)
    assert _client(reviewer).get(url).status_code == 200
    assert _ground(_last(document)) == f"review:{review.pk}"

    factories.review_checklist(review=review, reviewer=reviewer)
    review_services.opinion_issue(
        actor=reviewer, review=review, kind="approve", reasons="事实清楚，证据确凿。"
    )
    assert _client(reviewer).get(url).status_code == 403
    entry = _last(document)
    assert (entry.action, entry.actor_id) == ("document.access_refused", reviewer.pk)


def test_another_agency_gets_the_answer_of_a_missing_document(world):
    document, stranger = world["document"], world["stranger"]
    assert _client(stranger).get(f"/documents/{document.pk}.pdf").status_code == 404
    assert _last(document).action == "document.access_refused"  # logged all the same
    assert _client(stranger).get("/documents/999999.pdf").status_code == 404
    # Nor can he ask for it: the picker does not offer it and a forged choice is refused.
    response = _client(stranger).post(
        "/documents/borrow/new/",
        {"subject": document.pk, "purpose": PURPOSE, "scope": "view"},
    )
    assert response.status_code == 400 and not BorrowRequest.objects.exists()
    assert "请选择要借阅的文书。" in response.content.decode()


def test_api_reads_with_a_token_and_borrowing_is_decided_in_person(world):
    document, outsider, officer = world["document"], world["outsider"], world["officer"]
    client = Client()
    pdf_url = f"/api/documents/documents/{document.pk}/pdf"

    team = client.get(pdf_url, headers=_bearer(officer, ["documents:read"]))
    assert team.status_code == 200 and team["Content-Type"] == "application/pdf"
    entry = _last(document)
    assert entry.action == "document.view" and _ground(entry).startswith("team:case:")
    assert json.loads(entry.body)["details"]["via"] == "api"

    headers = _bearer(outsider)
    refused = client.get(pdf_url, headers=headers)
    assert refused.status_code == 403 and "借阅" in refused.json()["title"]
    assert _last(document).action == "document.access_refused"

    bad = client.post(
        "/api/documents/borrow-requests",
        data={
            "document_id": document.pk,
            "purpose": " ",
            "scope": "view",
            "valid_from": timezone.now().isoformat(),
            "valid_until": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        },
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code in (400, 422)
    fields = {e["field"]: e["message"] for e in bad.json()["errors"]}
    assert fields["purpose"] == "请说明借阅事由。" and "借阅截止时间" in fields["valid_until"]
    assert not BorrowRequest.objects.exists()

    now = timezone.now()
    created = client.post(
        "/api/documents/borrow-requests",
        data={
            "document_id": document.pk,
            "purpose": PURPOSE,
            "scope": "download",
            "valid_from": (now - datetime.timedelta(minutes=1)).isoformat(),
            "valid_until": (now + datetime.timedelta(hours=1)).isoformat(),
        },
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201, created.content
    borrow_id = created.json()["id"]
    assert created.json()["status"] == "pending" and not created.json()["active"]

    # A token cannot approve (session only); the head does it signed in.
    decision = {"decision": "approve", "note": ""}
    by_token = client.post(
        f"/api/documents/borrow-requests/{borrow_id}/decision",
        data=decision,
        content_type="application/json",
        headers=_bearer(world["head"]),
    )
    assert by_token.status_code == 403
    head = _client(world["head"])
    approved = head.post(
        f"/api/documents/borrow-requests/{borrow_id}/decision",
        data=decision,
        content_type="application/json",
    )
    assert approved.status_code == 200 and approved.json()["active"] is True

    copy = client.get(pdf_url + "?download=true", headers=headers)
    assert copy.status_code == 200 and PURPOSE in _text(copy)
    assert _ground(_last(document)) == f"borrow:{borrow_id}"


def test_later_work_adds_its_ground_through_the_hook(world, monkeypatch):
    """P12's evaluators (and any later ground) register a resolver; nothing else changes."""
    from sanxiang.core import grounds

    document, outsider, case = world["document"], world["outsider"], world["case"]
    url = f"/documents/{document.pk}.pdf"
    monkeypatch.setattr(grounds, "_GROUNDS", {k: list(v) for k, v in grounds._GROUNDS.items()})
    grounds.register_subject_ground(
        "cases.case",
        "evaluation",
        lambda subject_id, user: f"evaluation:{subject_id}" if user.pk == outsider.pk else None,
    )
    assert _client(outsider).get(url).status_code == 200
    assert _ground(_last(document)) == f"evaluation:{case.pk}"
    assert _client(world["stranger"]).get(url).status_code == 404


def test_inspection_plan_team_reads_the_plan(province):
    sub = province["a"]
    factories.enforcement_catalogs(agency=province["provincial"])
    crew = [factories.officer(agency=sub), factories.officer(agency=sub)]
    plan = factories.inspection_plan(
        officers=crew, mine=factories.mine(agency=sub), head=factories.head(agency=sub)
    )
    url = f"/documents/{plan.document.pk}.pdf"
    assert _client(crew[1]).get(url).status_code == 200
    assert _ground(_last(plan.document)) == f"team:inspectionplan:{plan.pk}"
    assert _client(factories.officer(agency=sub)).get(url).status_code == 403


def test_the_decision_preview_needs_a_ground_too(world):
    url = f"/cases/{world['case'].pk}/decision-preview/"
    assert _client(world["head"]).get(url).status_code == 200  # his decision is next
    assert _client(world["officer"]).get(url).status_code == 200  # the team
    assert _client(world["outsider"]).get(url).status_code == 403


def test_the_editor_of_a_publication_being_prepared_reads_the_decision(province, monkeypatch):
    from sanxiang.publicity import services as publicity

    sub = province["a"]
    factories.enforcement_catalogs(agency=province["provincial"])
    monkeypatch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)
    case = factories.decided_case(
        officers=[factories.officer(agency=sub), factories.officer(agency=sub)],
        head=factories.head(agency=sub),
        mine=factories.mine(agency=sub),
    )
    editor = factories.publicity_team(agency=sub)["editor"]
    url = f"/documents/{case.decision_document_id}.pdf"
    assert _client(editor).get(url).status_code == 403  # no publication yet
    publication = publicity.publication_draft_for_case(case_id=case.pk)
    assert _client(editor).get(url).status_code == 200
    assert _ground(_last(case.decision_document)) == f"publication:{publication.pk}"
