"""Loading a year's arrangement recomputes every stored provisional due date (issue 13, item 10;
ADR 0096), not only the case's statement period and the publication's: the legal review's due
date and its extension, an order to rectify within a time limit (整改期限), the handling limit of
an evidence preservation and the withdrawal period an appeal's outcome opened. Each change is a
ledger event on the row that changed and a notice to its owner; the ledger still verifies.

The arrangement loaded for 2027 (a test one): 1 and 4 January off, Saturday 9 January worked.
Counted provisionally only 1 January is a holiday, so every period running over 4 January ends
a working day later once the arrangement is in.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sanxiang.cases import appeals
from sanxiang.cases.branch_workflow import BranchKind
from sanxiang.cases.branches import branch_start
from sanxiang.core import services
from sanxiang.core.models import StaffNotice
from sanxiang.inspections import services as inspections
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verification import verify_ledger
from sanxiang.org.roles import Role
from sanxiang.publicity import services as publicity
from sanxiang.publicity.models import Publication
from sanxiang.review import services as review_services
from sanxiang.testing import factories

D = datetime.date
PDF = b"%PDF-1.4\n% effective decision (test)\n%%EOF\n"


@pytest.fixture
def clock(monkeypatch):
    def set_(day: D, hour: int = 10):
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_


@pytest.fixture
def december(province, clock, monkeypatch, django_capture_on_commit_callbacks):
    """Periods started in the last fortnight of 2026 and running into 2027, all provisional."""
    monkeypatch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)
    factories.enforcement_catalogs(agency=province["provincial"])
    sub = province["a"]
    officers = [factories.officer(agency=sub), factories.officer(agency=sub)]
    head = factories.head(agency=sub)
    reviewer = factories.legal_reviewer(agency=sub)
    crew = factories.publicity_team(agency=sub)

    # Two major cases at “pending decision”, each submitted for legal review.
    clock(D(2026, 12, 14))
    early = factories.major_case(officers=officers, mine=factories.mine(agency=sub), head=head)
    late = factories.major_case(officers=officers, mine=factories.mine(agency=sub), head=head)
    # A case whose penalty result is published (for the appeal).
    with django_capture_on_commit_callbacks(execute=True):
        decided = factories.decided_case(
            officers=officers, head=head, mine=factories.mine(agency=sub)
        )
    publication = Publication.objects.get(source_type="cases.case", source_id=str(decided.pk))
    publication = publicity.publication_confirm(
        actor=crew["editor"], publication=publication, confirmed=True
    )
    publication = publicity.publication_review(actor=crew["reviewer"], publication=publication)
    publication = publicity.publication_approve(actor=crew["head"], publication=publication)

    # Received 21 Dec: due Mon 28 Dec; the head extends it that day by 5 working days.
    clock(D(2026, 12, 18))
    extended = factories.review_submitted(case=early, officer=officers[0])
    clock(D(2026, 12, 21))
    extended = factories.review_in_progress(
        review=extended, reviewer=reviewer, received_on=D(2026, 12, 21)
    )
    assert (extended.due_on, extended.due_provisional) == (D(2026, 12, 28), False)
    clock(D(2026, 12, 28))
    extension = review_services.review_extend(
        actor=head, review=extended, reason="案情复杂，需补充核实（测试）。"
    )

    # An order to rectify within 10 days, given on Tue 22 Dec: the 10th day is New Year's Day.
    clock(D(2026, 12, 22))
    plan = factories.inspection_plan(officers=officers, mine=factories.mine(agency=sub), head=head)
    visit = factories.inspection(plan=plan)
    measure = inspections.onsite_measure_take(
        actor=officers[0],
        inspection=visit,
        kind="rectify_within_limit",
        finding=factories.finding(inspection=visit),
        content="限期整改通风设施（测试）。",
        days=10,
    )

    # A review received on Wed 30 Dec; an evidence preservation noticed on Tue 29 Dec.
    clock(D(2026, 12, 29))
    received = factories.review_submitted(case=late, officer=officers[0])
    preserved_case = factories.filed_case(
        officers=officers, mine=factories.mine(agency=sub), head=head
    )
    clock(D(2026, 12, 30))
    received = factories.review_in_progress(
        review=received, reviewer=reviewer, received_on=D(2026, 12, 30)
    )
    branch = branch_start(
        actor=officers[0],
        case=preserved_case,
        kind=BranchKind.PRESERVATION,
        subject="皮带机保护装置1套（测试）",
        started_on=D(2026, 12, 29),
        items=[{"name": "皮带机保护装置", "quantity": "1套"}],
    )
    # The reconsideration body revokes the decision; received on 30 Dec: 3 working days.
    appeal = appeals.appeal_register(
        actor=crew["reviewer"],
        case=decided,
        kind="reconsideration",
        applicant=decided.mine.name,
        body="测试省应急管理厅",
        filed_on=D(2026, 12, 20),
        reference="测应复〔2026〕9号",
    )
    appeal = appeals.appeal_conclude(
        actor=crew["reviewer"],
        appeal=appeal,
        outcome="R-REVOKE",
        document_number="测应复决〔2026〕9号",
        decided_on=D(2026, 12, 25),
        effective_on=D(2026, 12, 28),
        received_on=D(2026, 12, 30),
        document=SimpleUploadedFile("复议决定书.pdf", PDF, content_type="application/pdf"),
    )
    publication.refresh_from_db()
    admin = factories.staff(agency=province["provincial"], roles=[Role.SYSTEM_ADMIN])
    return {
        "officers": officers,
        "reviewer": reviewer,
        "review": received,
        "extended": extended,
        "extension": extension,
        "measure": measure,
        "branch": branch,
        "appeal": appeal,
        "publication": publication,
        "crew": crew,
        "admin": admin,
    }


def _moves(obj, deadline: str) -> list[tuple[str, str, bool]]:
    entries = LedgerEntry.objects.filter(
        action="calendar.recompute", object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("seq")
    details = [json.loads(e.body)["details"] for e in entries]
    return [(d["from"], d["to"], d["provisional"]) for d in details if d["deadline"] == deadline]


def _dated(obj, field: str) -> tuple[D, bool]:
    obj.refresh_from_db()
    flag = "due_provisional" if field == "due_on" else f"{field}_provisional"
    return getattr(obj, field), getattr(obj, flag)


def _notices(user) -> str:
    return "\n".join(StaffNotice.objects.filter(recipient=user).values_list("message", flat=True))


def test_loading_2027_recomputes_reviews_rectification_preservation_and_appeals(december):
    world = december
    review, extended, extension = world["review"], world["extended"], world["extension"]
    measure, branch, appeal = world["measure"], world["branch"], world["appeal"]
    # Before: every period counted with 1 January as the only holiday, provisional.
    assert _dated(review, "due_on") == (D(2027, 1, 7), True)  # 31 Dec, 4–7 Jan
    assert _dated(extension, "due_on") == (D(2027, 1, 5), True)  # 29–31 Dec, 4–5 Jan
    assert _dated(extended, "due_on") == (D(2027, 1, 5), True)  # the review follows it
    assert _dated(measure, "due_on") == (D(2027, 1, 4), True)  # 1 Jan off → Mon 4 Jan
    assert _dated(branch, "due_on") == (D(2027, 1, 8), True)  # 30–31 Dec, 4–8 Jan
    assert _dated(appeal, "withdrawal_due") == (D(2027, 1, 5), True)  # 31 Dec, 4–5 Jan
    assert _dated(world["publication"], "withdrawal_due") == (D(2027, 1, 5), True)

    services.holiday_arrangement_load(
        actor=world["admin"],
        year=2027,
        title="国务院办公厅关于2027年部分节假日安排的通知（测试）",
        document_number="",
        published_on=D(2026, 12, 30),
        rest_days=[D(2027, 1, 1), D(2027, 1, 4)],
        working_days=[D(2027, 1, 9)],
    )

    # After: each date follows the loaded calendar, no longer provisional, one event each.
    assert _dated(review, "due_on") == (D(2027, 1, 8), False)
    assert _moves(review, "due_on") == [("2027-01-07", "2027-01-08", False)]
    assert _dated(extension, "due_on") == (D(2027, 1, 6), False)
    assert _moves(extension, "due_on") == [("2027-01-05", "2027-01-06", False)]
    assert _dated(extended, "due_on") == (D(2027, 1, 6), False)
    assert _moves(extended, "due_on") == [("2027-01-05", "2027-01-06", False)]
    assert _dated(measure, "due_on") == (D(2027, 1, 5), False)  # the party's: never earlier
    assert _moves(measure, "due_on") == [("2027-01-04", "2027-01-05", False)]
    assert _dated(branch, "due_on") == (D(2027, 1, 9), False)  # Sat 9 Jan is worked
    assert _moves(branch, "due_on") == [("2027-01-08", "2027-01-09", False)]
    assert _dated(appeal, "withdrawal_due") == (D(2027, 1, 6), False)
    assert _moves(appeal, "withdrawal_due") == [("2027-01-05", "2027-01-06", False)]
    assert _dated(world["publication"], "withdrawal_due") == (D(2027, 1, 6), False)

    # The owners are told: the reviewer and the officer who submitted, the officers of the case.
    reviewer_notes = _notices(world["reviewer"])
    assert "法制审核期限由 2027-01-07（暂定）改为 2027-01-08" in reviewer_notes
    assert "延长后的法制审核期限由 2027-01-05（暂定）改为 2027-01-06" in reviewer_notes
    officer_notes = _notices(world["officers"][0])
    for words in (
        "法制审核期限由 2027-01-07（暂定）改为 2027-01-08",
        "整改期限由 2027-01-04（暂定）改为 2027-01-05",
        "先行登记保存处理决定期限由 2027-01-08（暂定）改为 2027-01-09",
        "撤下公示期限由 2027-01-05（暂定）改为 2027-01-06",
    ):
        assert words in officer_notes, words
    assert "改为 2027-01-09" in _notices(world["officers"][1])  # both officers of the case
    sent = LedgerEntry.objects.filter(action="staff_notice.send").count()
    assert sent == StaffNotice.objects.count() >= 8

    report = verify_ledger()
    assert report.ok, report.text()
