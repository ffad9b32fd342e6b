"""行刑衔接 (ADR 0156): the head decides within 3 days of the report, the case is transferred within
24 hours of approval (《行政执法机关移送涉嫌犯罪案件的规定》第五条), with a numbered 移送书;
late steps are flagged, at their boundaries."""

import datetime
import json
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sanxiang.cases import transfers
from sanxiang.cases.models import CriminalTransfer
from sanxiang.documents.models import Document
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories

TZ = timezone.get_default_timezone()


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


@pytest.mark.django_db
def test_head_decision_due_3_days_after_the_report_at_its_boundaries():
    """Counted from the day after the report; a period ending on a rest day runs on."""
    due = transfers.transfer_decision_due
    assert due(at(2026, 12, 7, 9)) == datetime.date(2026, 12, 10)  # Mon → Thu
    assert due(at(2026, 12, 7, 23, 59)) == datetime.date(2026, 12, 10)  # same day, late hour
    assert due(at(2026, 12, 8, 0, 0)) == datetime.date(2026, 12, 11)  # next day → next due
    assert due(at(2026, 12, 2, 9)) == datetime.date(2026, 12, 7)  # ends Sat → Monday
    assert due(at(2026, 9, 29, 9)) == datetime.date(2026, 10, 8)  # ends in National Day


def test_transfer_due_24_hours_after_approval_and_overdue_at_the_boundary():
    approved = at(2026, 12, 7, 10, 0)
    assert transfers.transfer_due(approved) == at(2026, 12, 8, 10, 0)
    row = CriminalTransfer(
        status="approved",
        decision_due=datetime.date(2026, 12, 10),
        transfer_due=transfers.transfer_due(approved),
    )
    assert not transfers.transfer_overdue(row, at(2026, 12, 8, 10, 0))
    assert transfers.transfer_overdue(row, at(2026, 12, 8, 10, 0, 1))
    row.status = "reported"
    assert not transfers.transfer_overdue(row, at(2026, 12, 10, 23, 59))
    assert transfers.transfer_overdue(row, at(2026, 12, 11, 0, 0))


@pytest.fixture
def case(team, officers, django_capture_on_commit_callbacks):
    return factories.decided_case(officers=officers, head=team["head"], mine=team["mine"])


def report(case, actor):
    return transfers.transfer_report(
        actor=actor,
        case=case,
        suspected_crime="重大责任事故罪",
        facts="经查，该矿在生产作业中违反有关安全管理的规定，涉嫌重大责任事故罪（测试）。",
    )


@pytest.mark.django_db
def test_transfer_on_time_issues_the_numbered_transfer_letter(case, team, real_pdf):
    transfer = report(case, team["officer"])
    assert transfer.decision_due == transfers.transfer_decision_due(transfer.reported_at)
    with pytest.raises(PermissionDenied):  # only the head decides
        transfers.transfer_approve(actor=team["partner"], transfer=transfer)
    transfer = transfers.transfer_approve(actor=team["head"], transfer=transfer)
    assert not transfer.decision_late
    assert transfer.transfer_due == transfer.decided_at + datetime.timedelta(hours=24)
    with pytest.raises(ValidationError) as error:
        transfers.transfer_complete(actor=team["officer"], transfer=transfer, receiving_organ=" ")
    assert "公安机关" in str(error.value)
    transfer = transfers.transfer_complete(
        actor=team["officer"], transfer=transfer, receiving_organ="测试市公安局"
    )
    assert transfer.status == "transferred" and not transfer.transfer_late
    document = Document.objects.get(pk=transfer.document_id)
    assert document.type_code == "criminal_transfer" and "移" in document.number.text
    from sanxiang.core.blobstore import blob_local_path

    text = subprocess.run(
        ["pdftotext", str(blob_local_path(document.pdf_path)), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "涉嫌犯罪案件移送书" in text and "重大责任事故罪" in text and "测试市公安局" in text
    actions = list(
        LedgerEntry.objects.filter(object_type="cases.criminaltransfer")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["case.transfer_report", "case.transfer_approve", "case.transfer_transfer"]


@pytest.mark.django_db
def test_late_decision_and_late_transfer_are_flagged(case, team):
    transfer = report(case, team["officer"])
    with pytest.raises(ValidationError):  # one open report per case
        report(case, team["partner"])
    # The report was received four days ago: the decision falls due before today.
    CriminalTransfer.objects.filter(pk=transfer.pk).update(
        decision_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    transfer.refresh_from_db()
    assert transfers.transfer_overdue(transfer)
    transfer = transfers.transfer_approve(actor=team["head"], transfer=transfer)
    assert transfer.decision_late
    CriminalTransfer.objects.filter(pk=transfer.pk).update(
        transfer_due=timezone.now() - datetime.timedelta(seconds=1)
    )
    transfer.refresh_from_db()
    assert transfers.transfer_overdue(transfer)
    transfer = transfers.transfer_complete(
        actor=team["officer"], transfer=transfer, receiving_organ="测试市公安局"
    )
    assert transfer.transfer_late and transfers.transfer_overdue(transfer)
    late = LedgerEntry.objects.filter(
        object_type="cases.criminaltransfer",
        action__in=("case.transfer_approve", "case.transfer_transfer"),
    )
    assert all(json.loads(e.body)["details"]["late"] for e in late)


@pytest.mark.django_db
def test_refusal_needs_reasons_and_ends_the_report(case, team):
    transfer = report(case, team["officer"])
    with pytest.raises(ValidationError) as error:
        transfers.transfer_refuse(actor=team["head"], transfer=transfer, opinion="")
    assert "理由" in str(error.value)
    transfer = transfers.transfer_refuse(
        actor=team["head"], transfer=transfer, opinion="尚不构成犯罪，依法给予行政处罚。"
    )
    assert transfer.status == "refused"
    with pytest.raises(ValidationError):
        transfers.transfer_complete(actor=team["officer"], transfer=transfer, receiving_organ="x")
    with pytest.raises(ValidationError) as error:  # an officer not on the case
        report(case, factories.officer(agency=case.agency))
    assert "承办人员" in str(error.value)
