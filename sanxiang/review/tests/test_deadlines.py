"""SH-RESP-2: 5 working days from receipt of complete materials, one extension of 5 working days
approved by the head, reminders before the due date and escalation once it has passed — across
the National Day holiday of 2026 (1–7 October, with Saturday 10 October a working day)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client

from sanxiang.cases import selectors as case_selectors
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verification import verify_ledger
from sanxiang.review import rules, selectors, services
from sanxiang.review.alerts import alerts_refresh
from sanxiang.review.models import AlertKind, ReviewAlert
from sanxiang.review.workflow import ReviewStatus
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

from .conftest import emergency_measure

EVE_OF_NATIONAL_DAY = datetime.date(2026, 9, 30)  # Wednesday; 1–7 October are holidays
DUE = datetime.date(2026, 10, 13)  # 8, 9, 10 (adjusted Saturday), 12, 13 October
EXTENDED = datetime.date(2026, 10, 20)  # 14, 15, 16, 19, 20 October


def test_five_working_days_skip_the_holiday_and_count_the_adjusted_saturday(db):
    due = rules.review_due(EVE_OF_NATIONAL_DAY)
    assert due.date == DUE and not due.provisional
    assert rules.extended_due(DUE).date == EXTENDED
    # Before the Spring Festival of 2026 (15–23 February; Saturday 14 February is worked).
    assert rules.review_due(datetime.date(2026, 2, 13)).date == datetime.date(2026, 2, 27)


def test_reminder_is_one_working_day_before_the_due_date(db):
    assert not rules.remind(datetime.date(2026, 10, 10), DUE)  # Saturday, worked: 2 days left
    assert not rules.remind(datetime.date(2026, 10, 11), DUE)  # Sunday: still 2 working days
    assert rules.remind(datetime.date(2026, 10, 12), DUE)
    assert rules.remind(DUE, DUE)
    assert not rules.remind(DUE + datetime.timedelta(days=1), DUE)


@pytest.fixture
def received_on_the_eve(team, officers, clock):
    """A major case submitted and received on 30 September 2026."""
    clock.set(EVE_OF_NATIONAL_DAY)
    case = factories.major_case(officers=officers, mine=team["mine"], head=team["head"])
    review = factories.review_submitted(case=case, officer=team["officer"])
    return factories.review_in_progress(review=review, reviewer=team["reviewer"])


def test_received_the_day_before_a_long_holiday(received_on_the_eve):
    review = received_on_the_eve
    assert review.received_on == EVE_OF_NATIONAL_DAY
    assert review.due_on == DUE and not review.due_provisional
    entry = LedgerEntry.objects.get(action="review.receive")
    assert '"due_on":"2026-10-13"' in entry.body


def test_one_extension_adds_exactly_five_working_days_and_a_second_is_refused(
    received_on_the_eve, team, province, clock
):
    review, head = received_on_the_eve, team["head"]
    clock.set(datetime.date(2026, 10, 12))
    for outsider in (team["reviewer"], factories.head(agency=province["b"])):
        with pytest.raises(PermissionDenied):
            services.review_extend(actor=outsider, review=review, reason="案情复杂")
    with pytest.raises(ValidationError) as exc:
        services.review_extend(actor=head, review=review, reason="")
    assert "reason" in exc.value.message_dict
    extension = services.review_extend(
        actor=head, review=review, reason="需向当事人了解情况，案情复杂。"
    )
    review.refresh_from_db()
    assert (extension.previous_due_on, extension.due_on, review.due_on) == (DUE, EXTENDED, EXTENDED)
    with pytest.raises(ValidationError) as exc:
        services.review_extend(actor=head, review=review, reason="仍需时间")
    message = exc.value.message_dict["status"][0]
    assert "延长只能批准一次（《实施办法》五（四）2）" in message and "2026-10-20" in message
    review.refresh_from_db()
    assert review.due_on == EXTENDED


def test_no_extension_once_the_time_limit_has_run_out(received_on_the_eve, team, clock):
    clock.set(DUE + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        services.review_extend(actor=team["head"], review=received_on_the_eve, reason="补救")
    assert "已于2026-10-13届满" in exc.value.message_dict["status"][0]


def test_reminder_then_escalation_shown_on_dashboards_and_idempotent(
    received_on_the_eve, team, clock, django_capture_on_commit_callbacks
):
    review, reviewer, head = received_on_the_eve, team["reviewer"], team["head"]
    assert not alerts_refresh(today=datetime.date(2026, 10, 9)).raised
    run = alerts_refresh(today=datetime.date(2026, 10, 12))
    (reminder,) = run.raised
    assert reminder.kind == AlertKind.DUE_SOON and reminder.agency == review.reviewing_agency
    assert not alerts_refresh(today=datetime.date(2026, 10, 12)).raised  # idempotent

    clock.set(datetime.date(2026, 10, 14))
    out = io.StringIO()
    call_command("review_alerts", stdout=out)
    assert "新增提醒 1 条，解除 1 条" in out.getvalue()
    overdue = ReviewAlert.objects.get(resolved_at__isnull=True)
    assert overdue.kind == AlertKind.OVERDUE and overdue.escalated
    out = io.StringIO()
    call_command("review_alerts", stdout=out)
    assert "新增提醒 0 条，解除 0 条" in out.getvalue()

    for user, expected in ((reviewer, "审核超期"), (head, "已报负责人")):
        client = Client()
        sign_in(client, user)
        html = client.get("/").content.decode()
        assert expected in html and review.case.cause in html

    # The opinion, late, records it; its commit refreshes the alerts (a task) and clears them.
    factories.review_checklist(review=review, reviewer=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        opinion = services.opinion_issue(
            actor=reviewer, review=review, kind="approve", reasons="同意。"
        )
    assert opinion.overdue and opinion.working_days == 6  # 8, 9, 10, 12, 13, 14 October
    assert not ReviewAlert.objects.filter(resolved_at__isnull=True).exists()
    review.refresh_from_db()
    assert review.status == ReviewStatus.CLEARED
    assert verify_ledger().ok


def test_extending_a_post_review_moves_the_cases_deadline_across_the_holiday(team, officers, clock):
    """SH-SCOPE-1 with SH-RESP-2: an emergency measure on Tuesday 22 September 2026 is
    reviewed afterwards by 30 September; the head's extension runs over the National Day
    holiday to 13 October, and the case, its queue item and its alerts follow."""
    clock.set(datetime.date(2026, 9, 22))
    case, act = emergency_measure(team, officers)
    # 23, 24, (25 Mid-Autumn Festival, 26–27 weekend) 28, 29, 30 September
    assert case.post_review_due == EVE_OF_NATIONAL_DAY
    review = services.review_submit(
        actor=team["officer"], case=case, proposal=act.proposal, declaration=True
    )
    review = factories.review_in_progress(review=review, reviewer=team["reviewer"])
    assert review.due_on == EVE_OF_NATIONAL_DAY

    clock.set(EVE_OF_NATIONAL_DAY)  # the last day: still in time to extend
    extension = services.review_extend(
        actor=team["head"], review=review, reason="需调取查封现场的音像记录核实。"
    )
    assert (extension.previous_due_on, extension.due_on) == (EVE_OF_NATIONAL_DAY, DUE)
    review.refresh_from_db()
    case.refresh_from_db()
    assert review.due_on == case.post_review_due == DUE
    assert not case.post_review_due_provisional
    event = LedgerEntry.objects.get(action="case.post_review_extended")
    assert event.object_id == str(case.pk) and event.actor_id == team["head"].pk
    assert '"due_on":"2026-10-13"' in event.body and '"previous_due_on":"2026-09-30"' in event.body

    deadlines = {d.label: d.date for d in case_selectors.case_deadlines(case)}
    assert deadlines["紧急措施事后法制审核"] == DUE
    (item,) = selectors.post_review_items(user=team["reviewer"])
    assert item.due.date == DUE and item.review == review
    # 1 October, the first holiday: no longer overdue; 12 October: due the next working day.
    assert not alerts_refresh(today=datetime.date(2026, 10, 1)).raised
    kinds = {a.kind for a in alerts_refresh(today=datetime.date(2026, 10, 12)).raised}
    assert kinds == {AlertKind.DUE_SOON, AlertKind.POST_REVIEW_DUE_SOON}
    assert verify_ledger().ok


def test_extending_an_ordinary_review_leaves_the_case_alone(received_on_the_eve, team, clock):
    case_before = received_on_the_eve.case
    clock.set(datetime.date(2026, 10, 12))
    services.review_extend(actor=team["head"], review=received_on_the_eve, reason="案情复杂")
    case_before.refresh_from_db()
    assert case_before.post_review_due is None
    assert not LedgerEntry.objects.filter(action="case.post_review_extended").exists()


def test_incomplete_materials_do_not_start_the_clock(team, officers, clock):
    clock.set(EVE_OF_NATIONAL_DAY)
    case = factories.major_case(officers=officers, mine=team["mine"], head=team["head"])
    review = factories.review_submitted(case=case, officer=team["officer"])
    reviewer = team["reviewer"]
    with pytest.raises(ValidationError):
        services.review_return_incomplete(actor=reviewer, review=review, missing=" ")
    review = services.review_return_incomplete(
        actor=reviewer, review=review, missing="缺少当事人营业执照复印件。"
    )
    assert review.status == ReviewStatus.INCOMPLETE and review.due_on is None
    clock.set(datetime.date(2026, 10, 9))
    review = services.review_resubmit(
        actor=team["officer"], review=review, response="已补充营业执照复印件。", declaration=True
    )
    review = services.review_receive(actor=reviewer, review=review)
    assert review.received_on == datetime.date(2026, 10, 9)
    assert review.due_on == datetime.date(2026, 10, 15)  # 10 (Saturday, worked), 12–15 October
