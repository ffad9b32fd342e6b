"""GS-MID-3: the licensing periods on the official calendar (行政许可法 arts. 32, 42, 45, 82),
including National Day 2026 (1–7 October) and the adjusted working Saturday 10 October."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sanxiang.licensing import rules, services
from sanxiang.licensing.workflow import ApplicationStatus, PauseKind

from .conftest import materials

D = datetime.date


@pytest.mark.django_db
def test_acceptance_and_decision_on_the_official_calendar():
    assert rules.acceptance_due(D(2026, 9, 29), 5).date == D(2026, 10, 12)
    assert rules.decision_due(D(2026, 10, 12), 20).date == D(2026, 11, 9)
    assert rules.decision_due(D(2026, 10, 12), 20, extension=10).date == D(2026, 11, 23)
    # deemed accepted on receipt (29 September): the 20 days run from then
    assert rules.decision_due(D(2026, 9, 29), 20).date == D(2026, 11, 2)
    assert rules.licence_due(D(2026, 11, 9), 10).date == D(2026, 11, 23)


@pytest.mark.django_db
def test_paused_days_count_working_days_only():
    # a hearing from Friday 30 Oct to Wednesday 4 Nov: 2, 3, 4 November are not counted
    assert rules.paused_working_days(D(2026, 10, 30), D(2026, 11, 4)) == 3
    # over National Day: 8, 9 and the working Saturday 10 October
    assert rules.paused_working_days(D(2026, 9, 30), D(2026, 10, 10)) == 3


@pytest.mark.django_db
def test_deemed_acceptance_and_a_hearing_that_pauses_the_clock(window):
    """行政许可法 arts. 32, 45: received 29 Sep 2026, no action in time → accepted on receipt,
    decision due 2 Nov; a hearing pauses the clock and the due date moves by its working days."""
    officer, item = window["officer"], window["item"]
    application = services.submit_application(
        mine=window["mine"],
        item=item,
        materials=materials(item),
        request="申请办理（测试）",
        registered_by=officer,
        received_on=D(2026, 9, 29),
    )
    assert application.acceptance_due == D(2026, 10, 12)
    # on the last day the agency could still act; the day after it cannot
    assert services.applications_deem_accepted(today=D(2026, 10, 12)) == []
    [application] = services.applications_deem_accepted(today=D(2026, 10, 13))
    assert application.status == ApplicationStatus.REVIEWING and application.deemed_accepted
    assert application.accepted_on == D(2026, 9, 29)
    assert application.decision_due == D(2026, 11, 2)
    with pytest.raises(ValidationError):  # it is no longer awaiting acceptance
        services.accept(actor=officer, application=application, on=D(2026, 10, 13))

    services.pause(
        actor=officer, application=application, kind=PauseKind.HEARING, on=D(2026, 10, 16)
    )
    application = services.resume(actor=officer, application=application, on=D(2026, 10, 21))
    # 19, 20, 21 October are not counted: 2 Nov + 3 working days
    assert application.paused_days == 3
    assert application.decision_due == D(2026, 11, 5)
    steps = [s.action for s in application.steps.all()]
    assert steps == ["submit", "deem_accepted", "pause", "resume"]


@pytest.mark.django_db
def test_acceptance_then_extension_on_the_application(window):
    officer, head, item = window["officer"], window["head"], window["item"]
    application = services.submit_application(
        mine=window["mine"],
        item=item,
        materials=materials(item),
        request="申请办理（测试）",
        registered_by=officer,
        received_on=D(2026, 9, 29),
    )
    application = services.accept(actor=officer, application=application, on=D(2026, 10, 12))
    assert application.decision_due == D(2026, 11, 9)
    with pytest.raises(PermissionDenied):  # the head approves extensions, not the officer
        services.extend(actor=officer, application=application, reason="情况复杂")
    application = services.extend(
        actor=head, application=application, reason="需现场核查，情况复杂", on=D(2026, 11, 2)
    )
    assert application.decision_due == D(2026, 11, 23)
    last = application.steps.order_by("pk").last()
    assert last.next_due == D(2026, 11, 23) and "情况复杂" in last.note


@pytest.mark.django_db
def test_item_with_its_own_period(window):
    """安全生产许可证条例 art. 7: the item's own 45 days, no extension in its catalog row."""
    officer, item = window["officer"], window["item45"]
    assert (item.decision_days, item.extension_days) == (45, None)
    application = services.submit_application(
        mine=window["mine"],
        item=item,
        materials=materials(item),
        request="首次申请（测试）",
        registered_by=officer,
        received_on=D(2026, 9, 29),
    )
    application = services.accept(actor=officer, application=application, on=D(2026, 10, 12))
    assert application.decision_due == rules.decision_due(D(2026, 10, 12), 45).date
    with pytest.raises(ValidationError):
        services.extend(actor=window["head"], application=application, reason="x")


@pytest.mark.django_db
def test_periods_into_an_unloaded_year_are_provisional_until_it_is_loaded(
    window, province, monkeypatch
):
    """ADR 0096 for the window: periods running into 2027 before its arrangement is loaded are
    counted with 1 January as the only holiday and marked 暂定 (on the staff list and the
    progress timeline). Loading 2027 (1 and 4 January off, Saturday 9 January worked) recounts
    them: an acceptance period moves a day and carries the timeline's next due date with it; a
    decision period that lands on the same day is confirmed. The ledger still verifies."""
    from django.test import Client
    from django.utils import timezone

    from sanxiang.core import services as core_services
    from sanxiang.core.models import StaffNotice
    from sanxiang.ledger.verification import verify_ledger
    from sanxiang.licensing.selectors import progress
    from sanxiang.org.roles import Role
    from sanxiang.testing import factories
    from sanxiang.testing.auth import sign_in

    def clock(day):
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
        monkeypatch.setattr(timezone, "now", lambda: moment)

    officer, item = window["officer"], window["item"]

    def apply(on):
        clock(on)
        return services.submit_application(
            mine=window["mine"],
            item=item,
            materials=materials(item),
            request="申请办理（测试）",
            registered_by=officer,
            received_on=on,
        )

    reviewing = apply(D(2026, 12, 14))
    assert (reviewing.acceptance_due, reviewing.acceptance_due_provisional) == (
        D(2026, 12, 21),
        False,
    )
    clock(D(2026, 12, 22))
    [reviewing] = services.applications_deem_accepted(today=D(2026, 12, 22))
    # 20 working days from 14 Dec, 1 January off: Tue 12 January, provisional
    assert (reviewing.decision_due, reviewing.decision_due_provisional) == (D(2027, 1, 12), True)
    waiting = apply(D(2026, 12, 28))
    # 5 working days from Mon 28 Dec: 29–31 Dec, 4–5 Jan
    assert (waiting.acceptance_due, waiting.acceptance_due_provisional) == (D(2027, 1, 5), True)
    shown = progress(waiting)
    assert (shown.next_due, shown.next_due_provisional) == (D(2027, 1, 5), True)
    client = Client()
    sign_in(client, officer)
    listing = client.get("/licensing/").content.decode()
    assert listing.count("暂定</span>") == 2  # the acceptance due date and the decision due date
    assert "暂定</span>" in client.get(f"/licensing/{waiting.pk}/").content.decode()

    core_services.holiday_arrangement_load(
        actor=factories.staff(agency=province["provincial"], roles=[Role.SYSTEM_ADMIN]),
        year=2027,
        title="国务院办公厅关于2027年部分节假日安排的通知（测试）",
        document_number="",
        published_on=D(2026, 12, 10),
        rest_days=[D(2027, 1, 1), D(2027, 1, 4)],
        working_days=[D(2027, 1, 9)],
    )
    waiting.refresh_from_db()
    reviewing.refresh_from_db()
    assert (waiting.acceptance_due, waiting.acceptance_due_provisional) == (D(2027, 1, 6), False)
    assert waiting.steps.order_by("-pk").first().next_due == D(2027, 1, 6)
    shown = progress(waiting)
    assert (shown.next_due, shown.next_due_provisional) == (D(2027, 1, 6), False)
    assert (reviewing.decision_due, reviewing.decision_due_provisional) == (D(2027, 1, 12), False)
    notes = "\n".join(
        StaffNotice.objects.filter(recipient=officer).values_list("message", flat=True)
    )
    assert "许可受理决定期限由 2027-01-05（暂定）改为 2027-01-06" in notes
    assert "许可决定期限 2027-01-12 已确认" in notes
    assert "暂定</span>" not in client.get("/licensing/").content.decode()
    assert verify_ledger().ok
