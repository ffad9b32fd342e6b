"""Safety-supervision letters (issue 14, item 1): drafted by the team from its findings,
issued on the head's approval with a number and a PDF, the reply recorded, an overdue reply on
the officer's dashboard; and who may do what."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sanxiang.core import dashboard
from sanxiang.documents.models import Document
from sanxiang.inspections import letters
from sanxiang.inspections import services as inspections
from sanxiang.inspections.models import LetterKind, LetterStatus, SafetyLetter
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories
from sanxiang.testing.language import pdf_text

GOVERNMENT = "测试县人民政府应急管理局"


@pytest.fixture
def visit(team, officers):
    plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    inspection = factories.inspection(plan=plan)
    factories.finding(inspection=inspection)
    inspections.inspection_complete(actor=officers[0], inspection=inspection, summary="检查完毕。")
    return inspection


def draft(visit, actor, kind=LetterKind.SUPERVISION_ADVICE, addressee=GOVERNMENT, **extra):
    return letters.letter_draft(
        actor=actor,
        inspection=visit,
        kind=kind,
        addressee=addressee,
        findings=extra.pop("findings", list(visit.findings.all())),
        recommendations=extra.pop("recommendations", "督促煤矿建立从业人员安全培训档案。"),
    )


@pytest.mark.parametrize(
    ("kind", "addressee", "short"),
    [
        (LetterKind.SUPERVISION_ADVICE, GOVERNMENT, "建议"),
        (LetterKind.MANAGEMENT_OPINION, "测试省安泰煤业有限公司泰安煤矿", "意见"),
    ],
)
def test_both_letters_are_issued_with_number_pdf_and_ledger(
    team, visit, real_pdf, kind, addressee, short
):
    letter = draft(visit, team["officer"], kind=kind, addressee=addressee)
    assert letter.status == LetterStatus.PENDING and letter.document is None
    assert "WF-001" in letter.problems  # the problems name the findings they rest on
    assert letter.reply_days == letters.reply_rule(kind)["reply_days"]
    preview = letters.letter_preview(letter)
    assert preview.startswith(b"%PDF") and not Document.objects.filter(type_code=kind).exists()

    letter = letters.letter_approve(actor=team["head"], letter=letter)
    document = letter.document
    assert letter.status == LetterStatus.ISSUED
    assert (document.type_code, document.subject_type, document.subject_id) == (
        kind,
        "inspections.inspection",
        str(visit.pk),
    )
    assert f"煤安{short}〔" in document.number.text
    assert letter.reply_due == timezone.localdate() + datetime.timedelta(days=letter.reply_days)
    text = pdf_text(document.pdf_path)
    assert addressee in text and document.number.text in text
    assert str(kind.label) in text.replace("\n", "")
    actions = list(
        LedgerEntry.objects.filter(object_type="inspections.safetyletter").values_list(
            "action", flat=True
        )
    )
    assert actions == ["letter.draft", "letter.issue"]
    assert LedgerEntry.objects.filter(action="document.issue", object_id=str(document.pk)).exists()


def test_only_the_team_drafts_and_only_the_head_approves(team, visit, province):
    outsider = factories.officer(agency=province["a"], full_name="局外人")
    with pytest.raises(PermissionDenied):
        draft(visit, outsider)
    letter = draft(visit, team["partner"])
    with pytest.raises(PermissionDenied):
        letters.letter_approve(actor=team["officer"], letter=letter)
    other_head = factories.head(agency=province["b"])
    with pytest.raises(PermissionDenied):
        letters.letter_approve(actor=other_head, letter=letter)
    letters.letter_return(actor=team["head"], letter=letter, reason="建议内容不具体。")
    with pytest.raises(ValidationError) as refused:
        letters.letter_approve(actor=team["head"], letter=letter)
    assert "status" in refused.value.message_dict
    assert not Document.objects.filter(type_code=LetterKind.SUPERVISION_ADVICE).exists()


def test_bad_drafts_are_refused_field_by_field(team, visit, officers):
    other = factories.inspection(
        plan=factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    )
    foreign = factories.finding(inspection=other)
    with pytest.raises(ValidationError) as refused:
        letters.letter_draft(
            actor=team["officer"],
            inspection=visit,
            kind="letter",
            addressee=" ",
            findings=[foreign],
            recommendations="",
        )
    errors = refused.value.message_dict
    assert set(errors) == {"kind", "addressee", "findings", "recommendations"}
    assert errors["addressee"] == ["请填写主送单位。"]
    with pytest.raises(ValidationError) as still_open:
        draft(other, team["officer"], findings=[foreign])
    assert "inspection" in still_open.value.message_dict
    assert not SafetyLetter.objects.exists()


def test_reply_is_recorded_with_attachment_and_date_limits(team, visit):
    letter = letters.letter_approve(actor=team["head"], letter=draft(visit, team["officer"]))
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        letters.letter_reply_record(
            actor=team["officer"],
            letter=letter,
            received_on=today + datetime.timedelta(days=1),
            content="",
        )
    assert set(refused.value.message_dict) == {"received_on", "content"}
    letter = letters.letter_reply_record(
        actor=team["officer"],
        letter=letter,
        received_on=today,
        content="已责成乡镇应急办督促煤矿完善培训档案。",
        attachment=b"%PDF-1.4 reply scan",
        attachment_name="回复函.pdf",
    )
    assert letter.status == LetterStatus.REPLIED and letter.reply_attachment_sm3
    details = json.loads(LedgerEntry.objects.filter(action="letter.reply").get().body)["details"]
    assert details["attachment_sha256"] == letter.reply_attachment_sha256
    with pytest.raises(ValidationError):
        letters.letter_reply_record(
            actor=team["officer"], letter=letter, received_on=today, content="再次登记"
        )


def test_overdue_reply_shows_on_the_officers_dashboard_after_the_deadline_day(team, visit):
    letter = letters.letter_approve(actor=team["head"], letter=draft(visit, team["officer"]))
    today = timezone.localdate()

    def items(user):
        return [i for i in dashboard.my_deadlines(user=user, today=today) if "回复" in i.note]

    SafetyLetter.objects.filter(pk=letter.pk).update(reply_due=today)
    (due_today,) = items(team["officer"])
    assert not due_today.overdue  # the deadline day itself is not late
    SafetyLetter.objects.filter(pk=letter.pk).update(reply_due=today - datetime.timedelta(days=1))
    (late,) = items(team["officer"])
    assert late.overdue and late.due == today - datetime.timedelta(days=1)
    stranger = factories.officer(agency=team["officer"].agency, full_name="别组人员")
    assert items(stranger) == []


# --- pages and API -------------------------------------------------------------------------------


def test_the_inspection_page_leads_to_a_draft_the_head_previews_and_approves(team, visit, client):
    from sanxiang.testing.auth import sign_in

    sign_in(client, team["officer"])
    page = client.get(f"/inspections/{visit.pk}/").content.decode()
    assert "制作安全监管建议书" in page and "制作安全管理意见书" in page
    url = f"/inspections/{visit.pk}/letters/new/management_opinion/"
    form = client.get(url).content.decode()
    assert "测试省安泰煤业有限公司泰安煤矿" in form and "示例" in form
    empty = client.post(url, {"addressee": "", "recommendations": ""})
    assert empty.status_code == 400
    text = empty.content.decode()
    assert "请填写主送单位" in text or "这个字段是必填项" in text
    finding = visit.findings.get()
    done = client.post(
        url,
        {"addressee": "泰安煤矿", "findings": [finding.pk], "recommendations": "完善培训档案。"},
    )
    letter = SafetyLetter.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/inspections/letters/{letter.pk}/"
    assert client.post(f"/inspections/letters/{letter.pk}/approve/").status_code == 403
    assert SafetyLetter.objects.get().status == LetterStatus.PENDING  # an officer cannot

    head = sign_in(client.__class__(), team["head"])
    detail = head.get(f"/inspections/letters/{letter.pk}/").content.decode()
    assert "批准签发" in detail and "预览文书" in detail
    preview = head.get(f"/inspections/letters/{letter.pk}/preview.pdf")
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    head.post(f"/inspections/letters/{letter.pk}/approve/")
    letter.refresh_from_db()
    assert (
        letter.status == LetterStatus.ISSUED
        and letter.document.number.text
        in head.get(f"/inspections/letters/{letter.pk}/").content.decode()
    )


def test_api_drafts_approves_and_records_a_reply_and_hides_letters_elsewhere(team, visit, province):
    from django.test import Client

    from sanxiang.testing.auth import sign_in

    officer, head = sign_in(Client(), team["officer"]), sign_in(Client(), team["head"])
    url = f"/api/inspections/inspections/{visit.pk}/letters"
    bad = officer.post(
        url,
        {"kind": "supervision_advice", "addressee": "", "finding_ids": [], "recommendations": ""},
        content_type="application/json",
    )
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert {"addressee", "findings", "recommendations"} <= fields
    assert all("\u4e00" <= e["message"][0] <= "\u9fff" for e in bad.json()["errors"])
    unknown = officer.post(
        url,
        {"kind": "letter", "addressee": "x", "finding_ids": [], "recommendations": "y"},
        content_type="application/json",
    )
    assert unknown.status_code == 422
    created = officer.post(
        url,
        {
            "kind": "supervision_advice",
            "addressee": GOVERNMENT,
            "finding_ids": list(visit.findings.values_list("pk", flat=True)),
            "recommendations": "督促煤矿完善培训档案。",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    letter = created.json()
    path = f"/api/inspections/letters/{letter['id']}"
    other_head = sign_in(Client(), factories.head(agency=province["b"]))
    assert other_head.get(path).status_code == 404
    assert (
        other_head.post(
            f"{path}/approve", {"expected_status": "pending"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert head.get(f"{path}/preview")["Content-Type"] == "application/pdf"
    issued = head.post(
        f"{path}/approve", {"expected_status": "pending"}, content_type="application/json"
    )
    assert issued.status_code == 200 and issued.json()["document_number"]
    assert issued.json()["reply_overdue"] is False
    late_date = officer.post(
        f"{path}/reply",
        {"expected_status": "issued", "received_on": "2000-01-01", "content": "已整改"},
        content_type="application/json",
    )
    assert late_date.status_code == 422 and late_date.json()["errors"][0]["field"] == "received_on"
    replied = officer.post(
        f"{path}/reply",
        {
            "expected_status": "issued",
            "received_on": timezone.localdate().isoformat(),
            "content": "已整改",
        },
        content_type="application/json",
    )
    assert replied.status_code == 200 and replied.json()["status_label"] == "已回复"
