"""BZ-1, BZ-5: 督办 on an overdue rectification reaches the subordinate head's dashboard, the
reply takes it off, the issuer closes it; accountability records name their facts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from sanxiang.inspections import services as inspections
from sanxiang.inspections.models import OnsiteMeasure
from sanxiang.ledger.models import LedgerEntry
from sanxiang.supervision.notices import selectors, services, targets
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


@pytest.fixture
def overdue(province, catalogs, monkeypatch):
    """Sub-bureau A's rectification whose time limit passed three days ago, not followed up."""
    monkeypatch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)
    sub = province["a"]
    crew = [factories.officer(agency=sub), factories.officer(agency=sub)]
    head = factories.head(agency=sub, full_name="甲分局负责人")
    plan = factories.inspection_plan(officers=crew, mine=factories.mine(agency=sub), head=head)
    visit = factories.inspection(plan=plan)
    measure = inspections.onsite_measure_take(
        actor=crew[0],
        inspection=visit,
        kind="rectify_within_limit",
        finding=factories.finding(inspection=visit),
        content="责令限期整改（测试）。",
        days=10,
    )
    # The time limit is past: as if the measure had been taken a fortnight ago.
    OnsiteMeasure.objects.filter(pk=measure.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    return {
        "measure": measure,
        "head": head,
        "officer": crew[0],
        "province_head": factories.head(agency=province["provincial"], full_name="省局负责人"),
    }


def _home(user) -> str:
    client = Client()
    sign_in(client, user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_notice_on_an_overdue_rectification_reaches_the_subordinate_head_and_the_reply_closes_it(
    overdue, province
):
    province_head, head = overdue["province_head"], overdue["head"]
    value = f"inspections.onsitemeasure:{overdue['measure'].pk}"
    assert value in {v for _, opts in targets.choices(province_head) for v, _label in opts}
    assert "本机构及下级的逾期事项" in _home(province_head)
    officer_home = _home(overdue["officer"])  # an officer sees the training hours he owes
    assert 'id="training-due"' in officer_home and "差40学时" in officer_home

    due = timezone.localdate() + datetime.timedelta(days=5)
    notice = services.notice_issue(
        actor=province_head, target=value, requirement="五日内完成复查并报告。", due_on=due
    )
    assert notice.agency == overdue["officer"].agency
    assert notice.issuing_agency == province_head.agency
    home = _home(head)
    assert "待办督办" in home and notice.target_label in home

    with pytest.raises(PermissionDenied):  # the issuer does not answer his own notice
        services.notice_reply(actor=province_head, notice=notice, reply="已办。")
    notice = services.notice_reply(actor=head, notice=notice, reply="已组织复查，整改完成。")
    assert notice.status == "replied" and notice.answered_on_time
    assert notice not in selectors.notices_for_head(user=head)
    assert 'id="supervision-notices"' not in _home(head)

    assert notice in selectors.notices_for_head(user=province_head)  # awaits closing
    with pytest.raises(PermissionDenied):
        services.notice_close(actor=head, notice=notice, accept=True)
    notice = services.notice_close(actor=province_head, notice=notice, accept=True)
    assert notice.status == "closed"
    assert notice not in selectors.notices_for_head(user=province_head)
    actions = list(
        LedgerEntry.objects.filter(
            object_id=str(notice.pk), object_type="supervision.supervisionnotice"
        )
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["notice.issue", "notice.reply", "notice.close"]

    # Accountability on the facts of the notice.
    with pytest.raises(ValidationError) as exc:
        services.accountability_record(actor=province_head, kind="nope", facts="", decided_on=None)
    assert {"kind", "facts", "decided_on", "notice"} <= set(exc.value.message_dict)
    record = services.accountability_record(
        actor=province_head,
        kind="circulated",
        facts="逾期未复查，督办后仍未按期办理。",
        decided_on=timezone.localdate(),
        notice=notice,
        person=overdue["officer"],
    )
    assert record.kind_label == "通报批评" and record.agency == notice.agency

    # Bad input: every field named; another sub-bureau's record is not a head's to pick.
    with pytest.raises(ValidationError) as exc:
        services.notice_issue(
            actor=province_head,
            target="cases.case:999999",
            requirement="",
            due_on=datetime.date(2000, 1, 1),
        )
    assert set(exc.value.message_dict) == {"target", "requirement", "due_on"}
    outsider = factories.head(agency=province["b"])
    with pytest.raises(ValidationError):
        services.notice_issue(actor=outsider, target=value, requirement="x", due_on=due)
    with pytest.raises(PermissionDenied):
        services.notice_issue(actor=overdue["officer"], target=value, requirement="x", due_on=due)
