"""GS-POST-2: appeals that reach the published record (ADR 0155) — a revoked decision's result
is withdrawn within 3 working days of receipt (行政处罚法第四十八条、第八十五条), a changed one is
republished with its own clock, a maintained one touches nothing; a pending appeal holds the
case's archive."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sanxiang.archive.models_disposal import HoldKind, LegalHold
from sanxiang.cases import appeals
from sanxiang.cases.models import Appeal, Case
from sanxiang.ledger.models import LedgerEntry
from sanxiang.publicity import services as publicity
from sanxiang.publicity.models import Publication
from sanxiang.publicity.workflow import PublicationStatus
from sanxiang.testing import factories

PDF = b"%PDF-1.4\n% effective decision (test)\n%%EOF\n"
DECIDED = datetime.date(2026, 9, 1)
# National Day 2026: 1–7 October off, 10 October (a Saturday) worked — the official calendar
# in core/workdays.
RECEIVED = datetime.date(2026, 9, 29)


def pdf(name="复议决定书.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def crew(team):
    return factories.publicity_team(agency=team["mine"].supervising_agency)


@pytest.fixture
def published(team, officers, crew, django_capture_on_commit_callbacks):
    """A decided case whose penalty result is published, the decision dated 1 Sep 2026."""
    with django_capture_on_commit_callbacks(execute=True):
        case = factories.decided_case(officers=officers, head=team["head"], mine=team["mine"])
    publication = Publication.objects.get(source_type="cases.case", source_id=str(case.pk))
    publication = publicity.publication_confirm(
        actor=crew["editor"], publication=publication, confirmed=True
    )
    publication = publicity.publication_review(actor=crew["reviewer"], publication=publication)
    publication = publicity.publication_approve(actor=crew["head"], publication=publication)
    # The decision fell earlier than today (a test of dates in the past, not a service path).
    Case.objects.filter(pk=case.pk).update(decided_on=DECIDED)
    Publication.objects.filter(pk=publication.pk).update(decided_on=DECIDED)
    case.refresh_from_db()
    publication.refresh_from_db()
    return case, publication


def register(case, actor, kind="reconsideration"):
    return appeals.appeal_register(
        actor=actor,
        case=case,
        kind=kind,
        applicant="测试省安泰煤业有限公司泰安煤矿",
        body="测试省应急管理厅",
        filed_on=datetime.date(2026, 9, 10),
        reference="测应复〔2026〕7号",
    )


def conclude(appeal, actor, outcome, **extra):
    return appeals.appeal_conclude(
        actor=actor,
        appeal=appeal,
        outcome=outcome,
        document_number="测应复决〔2026〕7号",
        decided_on=datetime.date(2026, 9, 25),
        effective_on=datetime.date(2026, 9, 28),
        received_on=RECEIVED,
        document=pdf(),
        **extra,
    )


@pytest.mark.django_db
def test_revoked_on_reconsideration_opens_the_withdrawal_due_3_working_days_after_receipt(
    published, team, crew
):
    """GS-POST-2: 撤销 → withdrawal opened, due across National Day; approval → tombstone 410."""
    case, publication = published
    appeal = register(case, crew["reviewer"])
    appeal = conclude(appeal, crew["reviewer"], "R-REVOKE")
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.WITHDRAWAL_PENDING
    assert publication.withdrawal_reason_kind == "revoked"
    assert publication.revoked_on == RECEIVED
    # 30 Sep (1), National Day off, 8 Oct (2), 9 Oct (3).
    assert publication.withdrawal_due == datetime.date(2026, 10, 9)
    assert appeal.withdrawal_due == datetime.date(2026, 10, 9)
    assert publication.withdrawal_requested_by is None  # opened by the system
    assert appeal.document_sha256 and appeal.document_path
    client = Client()
    assert client.get(f"/public/results/{publication.pk}/").status_code == 200  # still live
    publicity.publication_withdraw(
        actor=crew["head"], publication=publication, reason="复议决定撤销原处罚决定。"
    )
    response = client.get(f"/public/results/{publication.pk}/")
    assert response.status_code == 410
    page = response.content.decode()
    assert "决定被依法撤销" in page and "测应复决〔2026〕7号" in page
    actions = set(
        LedgerEntry.objects.filter(object_type="cases.appeal").values_list("action", flat=True)
    )
    assert actions == {"case.appeal_register", "case.appeal_conclude"}


@pytest.mark.django_db
def test_changed_decision_is_withdrawn_and_published_as_a_new_record_with_its_own_clock(
    published, crew
):
    case, publication = published
    appeal = register(case, crew["reviewer"])
    with pytest.raises(ValidationError) as error:  # the changed content is required
        conclude(appeal, crew["reviewer"], "R-CHANGE")
    assert "变更后的处罚决定内容" in str(error.value)
    appeal = conclude(appeal, crew["reviewer"], "R-CHANGE", summary="变更为罚款人民币3000元。")
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.WITHDRAWAL_PENDING
    assert publication.withdrawal_reason_kind == "changed"
    new = Publication.objects.get(pk=appeal.new_publication_id)
    assert new.pk != publication.pk and new.status == PublicationStatus.DRAFT
    assert new.source_type == "cases.appeal" and new.source_id == str(appeal.pk)
    assert new.fields["decision_number"] == "测应复决〔2026〕7号"
    assert new.fields["penalty_content"] == "变更为罚款人民币3000元。"
    assert new.decided_on == datetime.date(2026, 9, 25)
    # 7 working days from receipt: 30 Sep, 8, 9, 10 (the working Saturday), 12, 13, 14 Oct.
    assert new.due_on == datetime.date(2026, 10, 14)


@pytest.mark.django_db
def test_maintained_decision_touches_nothing_and_the_hold_follows_the_appeal(published, crew):
    case, publication = published
    before = LedgerEntry.objects.filter(object_type="publicity.publication").count()
    appeal = register(case, crew["head"], kind="litigation")
    (hold,) = LegalHold.objects.filter(case=case, released_at__isnull=True)
    assert (
        hold.kind == HoldKind.LITIGATION and hold.by_system and "测应复〔2026〕7号" in hold.reason
    )
    with pytest.raises(ValidationError):  # a reconsideration outcome on a lawsuit
        conclude(appeal, crew["head"], "R-MAINTAIN")
    conclude(appeal, crew["head"], "L-DISMISS")
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.PUBLISHED
    assert LedgerEntry.objects.filter(object_type="publicity.publication").count() == before
    hold.refresh_from_db()
    assert hold.released_at is not None and "驳回诉讼请求" in hold.release_reason
    assert Publication.objects.count() == 1


@pytest.mark.django_db
def test_bad_input_gets_field_errors_and_writes_nothing(published, team, crew):
    case, publication = published
    with pytest.raises(PermissionDenied):  # an officer does not record appeals
        register(case, team["officer"])
    with pytest.raises(ValidationError) as error:
        appeals.appeal_register(
            actor=crew["reviewer"],
            case=case,
            kind="petition",
            applicant=" ",
            body="",
            filed_on="2026-08-01",
        )
    assert set(error.value.message_dict) == {"kind", "applicant", "body", "filed_on"}
    assert "不能早于处罚决定日期" in str(error.value)
    appeal = register(case, crew["reviewer"])
    with pytest.raises(ValidationError) as error:
        appeals.appeal_conclude(
            actor=crew["reviewer"],
            appeal=appeal,
            outcome="NOPE",
            document_number="",
            decided_on="2099-01-01",
            effective_on="not a date",
            received_on=None,
            document=SimpleUploadedFile("x.pdf", b"<script>", content_type="application/pdf"),
        )
    fields = error.value.message_dict
    assert set(fields) == {
        "outcome",
        "document_number",
        "decided_on",
        "effective_on",
        "received_on",
        "document",
    }
    assert "PDF" in fields["document"][0] and "晚于今天" in fields["decided_on"][0]
    appeal.refresh_from_db()
    assert appeal.status == "pending" and not appeal.outcome
    assert Appeal.objects.count() == 1
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.PUBLISHED


@pytest.mark.django_db
def test_api_with_bearer_tokens_bad_input_is_4xx_in_chinese_never_500(published, team, crew):
    import base64

    from sanxiang.api.tokens import api_token_create

    case, _publication = published
    _t, legal = api_token_create(actor=crew["reviewer"], name="法制", scopes=["cases:write"])
    _t, officer = api_token_create(
        actor=team["officer"], name="承办", scopes=["cases:write", "cases:read"]
    )
    client = Client(enforce_csrf_checks=True)

    def post(url, payload, raw):
        return client.post(
            url,
            payload,
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw}"},
        )

    base = f"/api/cases/cases/{case.pk}/appeals"
    for bad in (
        [],
        {"kind": "x"},
        {"kind": "petition", "applicant": "", "authority": "", "filed_on": "2026-08-01"},
        {"kind": "litigation", "applicant": "甲", "authority": "乙", "filed_on": "2099-13-01"},
    ):
        response = post(base, bad, legal)
        assert 400 <= response.status_code < 500, (bad, response.content)
    assert "请选择救济方式" in post(
        base,
        {"kind": "petition", "applicant": "甲", "authority": "乙", "filed_on": "2026-09-10"},
        legal,
    ).content.decode("unicode_escape")
    assert (
        post(
            base,
            {"kind": "litigation", "applicant": "甲", "authority": "乙", "filed_on": "2026-09-10"},
            officer,
        ).status_code
        == 403
    )
    created = post(
        base,
        {
            "kind": "litigation",
            "applicant": "甲煤矿",
            "authority": "测试市中级人民法院",
            "filed_on": "2026-09-10",
        },
        legal,
    )
    assert created.status_code == 201, created.content
    appeal_id = created.json()["id"]
    conclude_url = f"/api/cases/appeals/{appeal_id}/conclude"
    body = {
        "outcome": "L-REVOKE",
        "document_number": "（2026）测行初1号",
        "decided_on": "2026-09-25",
        "effective_on": "2026-09-28",
        "received_on": "2026-09-29",
        "document_base64": "not base64!",
    }
    response = post(conclude_url, body, legal)
    assert response.status_code in (400, 422) and "base64" in response.content.decode(
        "unicode_escape"
    )
    body["document_base64"] = base64.b64encode(b"GIF89a").decode()
    response = post(conclude_url, body, legal)
    assert response.status_code in (400, 422) and "PDF" in response.content.decode("unicode_escape")
    body["document_base64"] = base64.b64encode(PDF).decode()
    response = post(conclude_url, body, legal)
    assert response.status_code == 200, response.content
    assert response.json()["withdrawal_due"] == "2026-10-09"
    assert post(conclude_url, body, legal).status_code in (400, 422)  # once only
    # Criminal transfer through the API.
    transfers_url = f"/api/cases/cases/{case.pk}/criminal-transfers"
    assert post(transfers_url, {"suspected_crime": "", "facts": ""}, officer).status_code in (
        400,
        422,
    )
    assert post(transfers_url, {"facts": 1}, officer).status_code in (400, 422)
    made = post(
        transfers_url, {"suspected_crime": "重大责任事故罪", "facts": "事实（测试）"}, officer
    )
    assert made.status_code == 201 and made.json()["overdue"] is False
    decide = f"/api/cases/criminal-transfers/{made.json()['id']}/decide"
    assert post(decide, {"approve": True}, officer).status_code == 403
    listing = client.get(transfers_url, headers={"Authorization": f"Bearer {officer}"})
    assert listing.status_code == 200 and listing.json()[0]["decision_due"]


@pytest.mark.django_db
def test_pages_show_appeals_and_transfers_and_forms_answer_in_chinese(published, team, crew):
    from sanxiang.testing.auth import sign_in

    case, _publication = published
    client = sign_in(Client(), crew["reviewer"])
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "行政复议、行政诉讼" in text and "登记复议申请或起诉" in text
    url = f"/cases/{case.pk}/appeals/new/"
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"kind": "reconsideration", "applicant": "甲", "body": "乙", "filed_on": "2026-08-01"}
    )
    assert bad.status_code == 400 and "不能早于处罚决定日期" in bad.content.decode()
    assert not Appeal.objects.exists()
    good = client.post(
        url, {"kind": "reconsideration", "applicant": "甲", "body": "乙", "filed_on": "2026-09-10"}
    )
    assert good.status_code == 302
    appeal = Appeal.objects.get()
    conclude_url = f"/cases/{case.pk}/appeals/{appeal.pk}/conclude/"
    assert "撤销并责令重新作出" in client.get(conclude_url).content.decode()
    bad = client.post(
        conclude_url,
        {
            "outcome": "R-REVOKE",
            "document_number": "甲",
            "decided_on": "2026-09-25",
            "effective_on": "2026-09-25",
            "received_on": "2026-09-29",
            "document": SimpleUploadedFile("a.pdf", b"not pdf"),
        },
    )
    assert bad.status_code == 400 and "PDF" in bad.content.decode()
    ok = client.post(
        conclude_url,
        {
            "outcome": "R-REVOKE",
            "document_number": "甲",
            "decided_on": "2026-09-25",
            "effective_on": "2026-09-25",
            "received_on": "2026-09-29",
            "document": pdf(),
        },
    )
    assert ok.status_code == 302
    text = client.get(f"/cases/{case.pk}/").content.decode()
    assert "2026-10-09" in text and "R-REVOKE" not in text
    officer = sign_in(Client(), team["officer"])
    report_url = f"/cases/{case.pk}/transfers/new/"
    assert officer.post(report_url, {"suspected_crime": "", "facts": ""}).status_code == 400
    assert (
        officer.post(report_url, {"suspected_crime": "重大责任事故罪", "facts": "事实"}).status_code
        == 302
    )
    text = officer.get(f"/cases/{case.pk}/").content.decode()
    assert "涉嫌犯罪案件移送" in text and "重大责任事故罪" in text
    editor = sign_in(Client(), crew["editor"])
    assert editor.get("/publicity/error-reports/").status_code == 200
