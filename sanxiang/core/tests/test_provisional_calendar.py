"""The provisional calendar for a year whose State Council arrangement is not loaded (2027 on
chinesecalendar 1.11), and the recompute when it is loaded (ADR 0096)."""

from __future__ import annotations

import datetime
import json

import chinese_calendar
import pytest
from django.core.management import call_command
from django.utils import timezone

from sanxiang.cases import services as cases
from sanxiang.core import services, statutory_holidays
from sanxiang.core.models import StaffNotice
from sanxiang.core.workdays import add_days, add_working_days
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verification import verify_ledger
from sanxiang.org.roles import Role
from sanxiang.publicity import services as publicity
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

D = datetime.date
ONE_OFF_HOLIDAYS = {D(2015, 9, 3), D(2015, 9, 4)}  # 抗战胜利70周年纪念日, decided that year


def test_2027_is_not_in_the_package():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 6, 1))


def test_fixed_holidays_of_2027_lunar_and_solar_term():
    holidays = statutory_holidays.fixed_holidays(2027)
    assert holidays[D(2027, 1, 1)] == "元旦"
    # 除夕 Fri 5 Feb … 初三 Mon 8 Feb; 清明 is the solar term on Mon 5 April.
    assert [d for d, n in holidays.items() if n == "春节"] == [D(2027, 2, d) for d in (5, 6, 7, 8)]
    assert holidays[D(2027, 4, 5)] == "清明"
    assert holidays[D(2027, 6, 9)] == "端午" and holidays[D(2027, 9, 15)] == "中秋"
    assert {d for d, n in holidays.items() if n == "国庆"} == {D(2027, 10, d) for d in (1, 2, 3)}
    # 初一 and 初二 fall on the weekend: days off on the following Tuesday and Wednesday.
    assert statutory_holidays.substitute_days(2027)[D(2027, 2, 9)] == "春节"
    assert statutory_holidays.substitute_days(2027)[D(2027, 2, 10)] == "春节"


@pytest.mark.django_db
def test_new_year_2027():
    due = add_working_days(D(2026, 12, 30), 3)
    # Thu 31 Dec (1); Fri 1 Jan 元旦; weekend; Mon 4 (2); Tue 5 (3).
    assert due.date == D(2027, 1, 5)
    assert due.provisional and "暂定" in str(due) and "2027" in due.reasons[0]
    assert add_working_days(D(2026, 12, 30), 3, for_party=True).date == D(2027, 1, 5)


@pytest.mark.django_db
def test_spring_festival_2027():
    # Wed 3 Feb: Thu 4 (1); 5–8 Feb 春节; Tue 9, Wed 10 substitutes; Thu 11 (2); Fri 12 (3).
    due = add_working_days(D(2027, 2, 3), 3)
    assert due.provisional and due.date == D(2027, 2, 12)
    # The party's period also rests on the week around the festival (4 … 13 Feb).
    party = add_working_days(D(2027, 2, 3), 3, for_party=True)
    assert party.provisional and party.date == D(2027, 2, 17)
    assert "当事人" in party.reasons[0]
    # Fifteen calendar days ending on 初一 run to the first working day after.
    assert add_days(D(2027, 1, 22), 15).date == D(2027, 2, 11)


@pytest.mark.django_db
def test_qingming_2027():
    # Thu 1 Apr: Fri 2 (1); weekend; Mon 5 清明; Tue 6 (2); Wed 7 (3).
    assert add_working_days(D(2027, 4, 1), 3).date == D(2027, 4, 7)
    # For the party 3 … 7 April rest: Fri 2, Thu 8, Fri 9.
    assert add_working_days(D(2027, 4, 1), 3, for_party=True).date == D(2027, 4, 9)


def test_party_rest_days_cover_every_arrangement_since_2008():
    """ADR 0096: every day off the State Council gave 2008–2026 (bar one-off anniversaries) is a
    rest day of the party's provisional calendar, so counting on it is never shorter."""
    missed = []
    day = D(2008, 1, 1)
    while day.year < 2027:
        if (
            not chinese_calendar.is_workday(day)
            and statutory_holidays.provisional_rest(day, for_party=True) is None
            and day not in ONE_OFF_HOLIDAYS
        ):
            missed.append(day)
        day += datetime.timedelta(days=1)
    assert missed == []


def _ends(days: int, is_workday, first: D, last: D) -> list[D]:
    """End of a period of ``days`` working days from each day first … last (one pass)."""
    span = [first + datetime.timedelta(days=n) for n in range((last - first).days + 40)]
    working = [day for day in span if is_workday(day)]
    ends, index = [], 0
    for start in span[: (last - first).days + 1]:
        while working[index] <= start:
            index += 1
        ends.append(working[index + days - 1])
    return ends


def test_party_periods_never_end_before_the_real_calendar():
    """Counted as if each year 2016–2026 were unknown, a party's period of 3, 5 or 7 working
    days from any day ends no earlier than with the arrangement actually published."""
    first, last = D(2016, 1, 1), D(2026, 11, 15)
    for days in (3, 5, 7):
        provisional = _ends(
            days,
            lambda d: statutory_holidays.provisional_rest(d, for_party=True) is None,
            first,
            last,
        )
        real = _ends(days, chinese_calendar.is_workday, first, last)
        assert all(p >= r for p, r in zip(provisional, real, strict=True)), days


@pytest.fixture
def clock(monkeypatch):
    def set_(day: D, hour: int = 10):
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_


@pytest.fixture
def end_of_2026(province, clock, monkeypatch):
    """On Wed 30 Dec 2026: a prior notice served (statement 3 working days, party's) and a
    licensing result drafted (7 working days to publish, the agency's)."""
    monkeypatch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)
    factories.enforcement_catalogs(agency=province["provincial"])
    clock(D(2026, 12, 28))
    agency = province["a"]
    officers = [factories.officer(agency=agency), factories.officer(agency=agency)]
    head = factories.head(agency=agency)
    mine = factories.mine(agency=agency)
    case = factories.filed_case(officers=officers, mine=mine, head=head)
    case = factories.case_report(case=case, actor=officers[0])
    case = cases.case_report_approve(actor=head, case=case, opinion="同意。")
    clock(D(2026, 12, 30))
    factories.notice_recording(case=case, actor=officers[0])
    case = cases.prior_notice_issue(actor=officers[0], case=case, notified_at=timezone.now())
    editor = factories.staff(agency=agency, roles=[Role.PUBLICITY_EDITOR])
    publication = publicity.publication_manual_create(
        actor=editor,
        agency=agency,
        category="licensing",
        decided_on=D(2026, 12, 30),
        fields={"party_name": "暂定期限测试煤矿", "licence_content": "核发安全生产许可证"},
    )
    assert case.statement_due == D(2027, 1, 5) and case.statement_due_provisional
    assert publication.due_on == D(2027, 1, 11) and publication.due_provisional
    admin = factories.staff(agency=province["provincial"], roles=[Role.SYSTEM_ADMIN])
    return {
        "case": case,
        "publication": publication,
        "officers": officers,
        "editor": editor,
        "admin": admin,
    }


def _events(obj) -> list[dict]:
    entries = LedgerEntry.objects.filter(
        action="calendar.recompute", object_type=obj._meta.label_lower, object_id=str(obj.pk)
    )
    keys = ("deadline", "from", "to", "provisional")  # the ledger adds child listings of its own
    return [
        {k: v for k, v in json.loads(entry.body)["details"].items() if k in keys}
        for entry in entries.order_by("seq")
    ]


def test_loading_2027_recomputes_but_never_shortens_the_partys_period(end_of_2026):
    """A loaded arrangement with Sat 2 Jan as an adjusted working day: the agency's publication
    period ends earlier (Fri 8 Jan) and follows the calendar; the party's statement period would
    end on Mon 4 Jan, but keeps the Tue 5 Jan it was told — now confirmed, no longer provisional."""
    world = end_of_2026
    services.holiday_arrangement_load(
        actor=world["admin"],
        year=2027,
        title="国务院办公厅关于2027年部分节假日安排的通知（测试）",
        document_number="",
        published_on=D(2026, 12, 30),
        rest_days=[D(2027, 1, 1)],
        working_days=[D(2027, 1, 2)],
    )
    case, publication = world["case"], world["publication"]
    case.refresh_from_db()
    publication.refresh_from_db()
    assert (case.statement_due, case.statement_due_provisional) == (D(2027, 1, 5), False)
    assert (publication.due_on, publication.due_provisional) == (D(2027, 1, 8), False)
    [moved] = [e for e in _events(publication) if e["deadline"] == "due_on"]
    assert moved == {
        "deadline": "due_on",
        "from": "2027-01-11",
        "to": "2027-01-08",
        "provisional": False,
    }
    [confirmed] = [e for e in _events(case) if e["deadline"] == "statement_due"]
    assert confirmed["to"] == "2027-01-05" and not confirmed["provisional"]
    note = StaffNotice.objects.get(recipient=world["editor"])
    assert "公示期限由 2027-01-11（暂定）改为 2027-01-08" in note.message
    for officer in world["officers"]:
        assert "已确认" in StaffNotice.objects.get(recipient=officer).message
    # Every change is in the ledger: the table walk finds no row changed behind its back.
    report = verify_ledger()
    assert report.ok, report.text()
    # Loading again changes nothing: no date is provisional any more.
    before = LedgerEntry.objects.filter(action="calendar.recompute").count()
    from sanxiang.core.deadline_recompute import provisional_deadlines_recompute

    assert provisional_deadlines_recompute(actor=world["admin"], year=2027) == []
    assert LedgerEntry.objects.filter(action="calendar.recompute").count() == before


def test_loading_by_command_with_a_bridge_day_gives_the_party_more_time(end_of_2026, client):
    """The arrangement gives Mon 4 Jan off as well: the statement period now ends Wed 6 Jan."""
    world = end_of_2026
    call_command(
        "calendar_load_arrangement",
        "--year=2027",
        f"--actor={world['admin'].username}",
        "--title=国务院办公厅关于2027年部分节假日安排的通知（测试）",
        "--published-on=2026-12-30",
        "--rest=2027-01-01..2027-01-04",
        "--work=2027-01-09",
    )
    case = world["case"]
    case.refresh_from_db()
    assert (case.statement_due, case.statement_due_provisional) == (D(2027, 1, 6), False)
    officer = world["officers"][0]
    note = StaffNotice.objects.get(recipient=officer)
    assert "由 2027-01-05（暂定）改为 2027-01-06" in note.message
    # The officer sees it on the dashboard and can dismiss it.
    sign_in(client, officer)
    assert "改为 2027-01-06" in client.get("/").content.decode()
    client.post(f"/notices/{note.pk}/read/")
    assert "改为 2027-01-06" not in client.get("/").content.decode()
    assert LedgerEntry.objects.filter(action="staff_notice.read", object_id=str(note.pk)).exists()
    assert verify_ledger().ok


def test_an_override_after_loading_recomputes_the_periods_it_falls_in(end_of_2026):
    """The notice first (the year is known: Mon–Fri), then the days: each day entered moves
    the periods it falls in, and never shortens the party's."""
    world = end_of_2026
    services.holiday_notice_create(
        actor=world["admin"],
        year=2027,
        title="国务院办公厅关于2027年部分节假日安排的通知（测试）",
        document_number="",
        published_on=D(2026, 12, 30),
    )
    publication = world["publication"]
    publication.refresh_from_db()
    # Without overrides 2027 is Mon–Fri: 7 working days after 30 Dec end on Fri 8 Jan.
    assert (publication.due_on, publication.due_provisional) == (D(2027, 1, 8), False)
    services.calendar_override_set(
        actor=world["admin"], date=D(2027, 1, 1), is_workday=False, name="元旦"
    )
    services.calendar_override_set(
        actor=world["admin"], date=D(2027, 1, 4), is_workday=False, name="元旦调休"
    )
    publication.refresh_from_db()
    case = world["case"]
    case.refresh_from_db()
    assert publication.due_on == D(2027, 1, 12)
    assert case.statement_due == D(2027, 1, 6)  # Dec 31, Jan 5, Jan 6
    moves = [(e["from"], e["to"]) for e in _events(publication)]
    assert moves == [
        ("2027-01-11", "2027-01-08"),
        ("2027-01-08", "2027-01-11"),
        ("2027-01-11", "2027-01-12"),
    ]
