"""The filing gate with the real four-property check (ADR 0230): each named defect refuses
提交归档 and leaves the unit a draft; the check runs again at 批准归档, so what breaks between
submission and approval refuses the approval, and the refusal takes no 档号.

Inspection units are the cheapest real units (a plan and an on-site record, both issued and
typeset); nothing here fakes ``run_checks``.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sanxiang.archive import services
from sanxiang.archive.models import ArchivalCodeSequence, ArchiveUnit, CheckRun, UnitStatus
from sanxiang.core.blobstore import blob_local_path
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories

from .test_export import _change_original


def _unit(
    team,
    *,
    recording: bool = False,
    recording_data: bytes | None = None,
    broken_record: bool = False,
    monkeypatch=None,
):
    """An inspection closed without a case; optionally with a recording of the visit (its bytes
    ``recording_data`` when given), or with an on-site record whose stored PDF does not open
    (issued like that, unsigned)."""
    from sanxiang.inspections import services as inspections

    plan = factories.inspection_plan(
        officers=[team["officer"], team["partner"]], mine=team["mine"], head=team["head"]
    )
    visit = factories.inspection(plan=plan)
    if recording or recording_data is not None:
        factories.recording(
            actor=team["officer"],
            data=recording_data,
            title="现场检查录像",
            activity="inspection",
            subject=visit,
        )
    if broken_record:
        from django.conf import settings

        from sanxiang.documents import services as documents

        monkeypatch.setattr(
            documents, "render_pdf", lambda *_a, **_k: b"%PDF-1.7\n1 0 obj <<\n% cut off\n"
        )
        monkeypatch.setattr(settings, "SANXIANG_DOCUMENT_SIGNING", False)
    inspections.inspection_complete(actor=team["officer"], inspection=visit, summary="无问题。")
    inspections.inspection_close(actor=team["officer"], inspection=visit, result_summary="无。")
    if broken_record:
        monkeypatch.undo()
    return ArchiveUnit.objects.get(inspection=visit, kind="inspection")


def _refused_submission(team, unit, *defects: str) -> str:
    with pytest.raises(ValidationError) as error:
        services.unit_submit(actor=team["custodian"], unit=unit)
    message = " ".join(error.value.message_dict["check"])
    assert message.startswith("四性检测未通过，不能提交归档："), message
    for defect in defects:
        assert defect in message, (defect, message)
    unit.refresh_from_db()
    assert unit.status == UnitStatus.DRAFT and unit.archival_code == ""
    run = CheckRun.objects.get(unit=unit)
    assert not run.passed and run.trigger == "filing"
    assert LedgerEntry.objects.filter(action="archive.check", object_id=str(run.pk)).exists()
    assert not LedgerEntry.objects.filter(action="archive.submit", object_id=str(unit.pk))
    return message


def test_a_missing_stage_document_refuses_submission(team):
    """The on-site record is not in the unit (as if it had never been issued): the check
    names the stage and the document the procedure required."""
    unit = _unit(team)
    unit.items.get(title="现场检查记录").delete()
    _refused_submission(team, unit, "缺少「", "阶段应有的文书《现场检查记录》")


def test_a_recording_whose_stored_bytes_changed_refuses_submission(team):
    unit = _unit(team, recording=True)
    item = unit.items.get(kind="recording")
    stored = blob_local_path(item.file_path)
    stored.chmod(0o644)  # originals are read-only; someone with shell access is not
    data = bytearray(stored.read_bytes())
    data[-20:] = b"\x00" * 20
    stored.write_bytes(bytes(data))
    _refused_submission(team, unit, f"第{item.seq}件", "原件内容已改变", "音像记录存储内容")


def test_a_pdf_that_does_not_open_refuses_submission(team, monkeypatch):
    unit = _unit(team, broken_record=True, monkeypatch=monkeypatch)
    seq = unit.items.get(title="现场检查记录").seq
    _refused_submission(team, unit, f"第{seq}件 现场检查记录", "PDF 无法打开")


def test_a_recording_carrying_the_eicar_string_refuses_submission_on_the_page(team):
    """The custodian presses 提交归档 on the unit page (a real CSRF-checked form post): a
    recording uploaded through the evidence service (the browser upload's service) carries the
    EICAR test string in its title tag — a playable MP4, so only ClamAV (``clamscan`` with the
    shipped test database) can object. The page answers 400 naming the item and the signature,
    the unit stays a draft without a number, and the failed run is stored and ledgered."""
    from django.test import Client

    from sanxiang.testing.auth import sign_in

    from .checks_world import EICAR, real_mp4

    carrier = real_mp4(EICAR)  # the string in the MP4's title tag
    unit = _unit(team, recording_data=carrier)
    item = unit.items.get(kind="recording")
    assert EICAR.encode("ascii") in carrier
    client = sign_in(Client(enforce_csrf_checks=True), team["custodian"])
    form = client.get(f"/archive/{unit.pk}/do/submit/")
    assert form.status_code == 200 and "提交归档" in form.content.decode()
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"/archive/{unit.pk}/do/submit/", {"confirm": "on", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "四性检测未通过，不能提交归档：" in page
    named = f"第{item.seq}件 现场检查录像（{item.doc_number}）"  # its evidence number
    assert named in page, page
    assert "发现病毒或恶意代码：Sanxiang.Test.EICAR-NDB.UNOFFICIAL" in page
    unit.refresh_from_db()
    assert unit.status == UnitStatus.DRAFT and unit.archival_code == ""
    run = CheckRun.objects.get(unit=unit)
    assert not run.passed and run.trigger == "filing"
    failed = [
        (key, f["code"], f["item"])
        for key in ("authenticity", "integrity", "usability", "security")
        for f in run.report[key]
        if not f["ok"]
    ]
    assert failed == [("security", "virus", named)]  # the MP4 itself plays and is intact
    assert LedgerEntry.objects.filter(action="archive.check", object_id=str(run.pk)).exists()
    assert not LedgerEntry.objects.filter(action="archive.submit", object_id=str(unit.pk))


def _approval_refused(team, unit, *defects: str) -> None:
    with pytest.raises(ValidationError) as error:
        services.unit_approve(actor=team["head"], unit=unit)
    message = " ".join(error.value.message_dict["check"])
    assert message.startswith("四性检测未通过，不能批准归档："), message
    for defect in defects:
        assert defect in message, (defect, message)
    unit.refresh_from_db()
    assert unit.status == UnitStatus.SUBMITTED
    assert unit.archival_code == "" and unit.code_number is None
    assert not ArchivalCodeSequence.objects.filter(last_value__gt=0).exists()
    assert not LedgerEntry.objects.filter(action="archive.file", object_id=str(unit.pk))
    passed, failed = CheckRun.objects.filter(unit=unit).order_by("pk")
    assert passed.passed and not failed.passed  # submission, then approval
    assert LedgerEntry.objects.filter(action="archive.check", object_id=str(failed.pk)).exists()


def test_a_document_voided_after_submission_refuses_approval_without_a_number(team):
    from sanxiang.documents.services import document_void

    unit = _unit(team)
    services.unit_submit(actor=team["custodian"], unit=unit)
    record = unit.items.get(title="现场检查记录").document
    document_void(actor=team["head"], document=record, reason="记录有误（测试）。")
    _approval_refused(team, unit, "现场检查记录")
    # The head returns it; re-assembled and submitted again it is refused at submission now.
    services.unit_return(actor=team["head"], unit=unit, reason="文书已作废，请重新组卷。")
    unit.refresh_from_db()
    assert unit.status == UnitStatus.RETURNED and unit.code_number is None


def test_an_original_changed_after_submission_refuses_approval(team):
    unit = _unit(team)
    services.unit_submit(actor=team["custodian"], unit=unit)
    _change_original(unit)
    _approval_refused(team, unit, "第1件", "原件内容已改变")
    # A second unit filed afterwards takes number 1: the refusal took none.
    other = _unit(team)
    services.unit_submit(actor=team["custodian"], unit=other)
    assert services.unit_approve(actor=team["head"], unit=other).code_number == 1
