"""The publication pipeline: drafts from decisions (GS-POST-1), redaction and four-eyes release
(GS-REQ-2), versions and withdrawal (GS-POST-2), every step a ledger event."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from sanxiang.cases.signals import decision_issued
from sanxiang.core.workdays import add_working_days
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verification import verify_ledger
from sanxiang.publicity import public, redaction, services
from sanxiang.publicity.models import Publication, PublicEntry, RedactionOrigin
from sanxiang.publicity.workflow import PublicationStatus as S
from sanxiang.testing import factories


def actions(publication):
    return list(
        LedgerEntry.objects.filter(
            object_type="publicity.publication", object_id=str(publication.pk)
        ).values_list("action", flat=True)
    )


def release(publication, team):
    publication = services.publication_confirm(
        actor=team["editor"], publication=publication, confirmed=True
    )
    publication = services.publication_review(actor=team["reviewer"], publication=publication)
    return services.publication_approve(actor=team["head"], publication=publication)


def secrets(team):
    return [team["person"].id_number, "13912345678", "平阳路88号", "李四光"]


@pytest.mark.django_db
def test_decision_drafts_a_publication_due_in_7_working_days(decided_publication, team):
    """GS-POST-1: the hook on ``decision_issued`` drafts the 双公示 record with its due date."""
    p = decided_publication
    case_decided = p.decided_on
    assert p.category == "penalty" and p.status == S.DRAFT
    assert p.due_on == add_working_days(case_decided, 7).date
    assert p.fields["party_name"] == "张三丰" and p.fields["party_category"] == "自然人"
    assert p.fields["id_number"] == team["person"].id_number
    assert p.fields["decision_number"].startswith("测（甲）煤安罚〔")
    assert p.fields["violation_type"].endswith(
        "未按规定对从业人员进行安全生产教育和培训，或者未如实记录安全生产教育和培训情况。"
    )
    assert p.fields["fine_amount"] == "0.5" and p.fields["penalty_category"] == "罚款"
    assert p.fields["authority"] == team["mine"].supervising_agency.name
    assert p.fields["valid_until"] == "2099-12-31"
    assert p.mine == team["mine"] and p.person == team["person"] and p.region == "140105"
    kinds = {(r.field, r.kind) for r in p.redactions.all()}
    assert kinds == {
        ("violation_facts", "id_card"),
        ("violation_facts", "mobile"),
        ("violation_facts", "address"),
        ("violation_facts", "person_name"),
    }
    assert actions(p) == ["publication.draft"]
    again = services.publication_draft_for_case(case_id=int(p.source_id))
    assert again.pk == p.pk and Publication.objects.count() == 1


@pytest.mark.django_db
def test_release_needs_confirmation_review_by_another_and_the_head(
    penalty_publication, team, province
):
    """GS-REQ-2: confirmed redaction → reviewed (not by the confirmer) → head approval → public."""
    p = penalty_publication
    with pytest.raises(ValidationError) as error:
        services.publication_confirm(actor=team["editor"], publication=p, confirmed=False)
    assert "confirmed" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.publication_confirm(actor=team["reviewer"], publication=p, confirmed=True)
    p = services.publication_confirm(actor=team["editor"], publication=p, confirmed=True)
    with pytest.raises(PermissionDenied):
        services.publication_review(actor=team["editor"], publication=p)
    with pytest.raises(ValidationError):  # not reviewed yet
        services.publication_approve(actor=team["head"], publication=p)
    p = services.publication_review(actor=team["editor2"], publication=p, opinion="同意。")
    with pytest.raises(PermissionDenied):
        services.publication_approve(actor=team["editor"], publication=p)
    with pytest.raises(PermissionDenied):  # a head of another sub-bureau
        services.publication_approve(actor=factories.head(agency=province["b"]), publication=p)
    assert not PublicEntry.objects.exists()
    p = services.publication_approve(actor=team["head"], publication=p)
    assert p.status == S.PUBLISHED and p.live_version.number == 1
    assert p.first_published_at is not None and p.publicity_until is not None
    entry = PublicEntry.objects.get(publication=p)
    text = str(p.live_version.public_fields) + entry.terms
    assert not [s for s in secrets(team) if s in text]
    assert "〔身份证号码已隐去〕" in p.live_version.public_fields["violation_facts"]
    assert p.live_version.public_fields["id_number"] == ""
    assert {w["what"] for w in p.live_version.withheld} >= {
        "身份证号码",
        "手机号码",
        "住址",
        "整项",
    }
    assert actions(p) == [
        "publication.draft",
        "publication.confirm",
        "publication.review",
        "publication.approve",
        "publication.publish",
    ]
    confirm = LedgerEntry.objects.get(object_id=str(p.pk), action="publication.confirm")
    assert '"ground":"personal"' in confirm.body and team["person"].id_number not in confirm.body
    assert verify_ledger().ok


@pytest.mark.django_db
def test_return_goes_back_to_draft_with_a_reason(penalty_publication, team):
    p = services.publication_confirm(
        actor=team["editor"], publication=penalty_publication, confirmed=True
    )
    with pytest.raises(ValidationError):
        services.publication_return(actor=team["reviewer"], publication=p, reason="")
    p = services.publication_return(
        actor=team["reviewer"], publication=p, reason="请核对处罚依据。"
    )
    assert p.status == S.DRAFT and p.status_reason == "请核对处罚依据。" and p.confirmed_by is None


@pytest.mark.django_db
def test_editor_redacts_more_releases_with_reason_and_edits(penalty_publication, team):
    p = penalty_publication
    [mark] = services.redaction_add(
        actor=team["editor"], publication=p, field="violation_facts", text="采空区", note="位置信息"
    )
    assert mark.origin == RedactionOrigin.MANUAL
    with pytest.raises(ValidationError):
        services.redaction_add(
            actor=team["editor"], publication=p, field="violation_facts", text="不存在的文字"
        )
    suspected = p.redactions.get(kind="person_name")
    with pytest.raises(ValidationError):
        services.redaction_set(actor=team["editor"], redaction_mark=suspected, withheld=False)
    services.redaction_set(
        actor=team["editor"],
        redaction_mark=suspected,
        withheld=False,
        note="经核实为化名，可以公开",
    )
    view = redaction.public_view(Publication.objects.get(pk=p.pk))
    assert "李四光" in view.values["violation_facts"]
    assert "〔个人信息已隐去〕" in view.values["violation_facts"]
    # editing the facts re-scans them; the editor's own mark follows its text
    facts = p.fields["violation_facts"].replace("联系电话13912345678，", "")
    p = services.publication_edit(
        actor=team["editor"], publication=p, changes={"violation_facts": facts}
    )
    kinds = sorted(r.kind for r in p.redactions.filter(revision=1))
    assert kinds == ["address", "id_card", "manual", "person_name"]
    moved = p.redactions.get(kind="manual")
    assert p.fields["violation_facts"][moved.start : moved.end] == "采空区"
    assert "publication.redact" in actions(p) and "publication.release" in actions(p)
    assert "publication.edit" in actions(p)


@pytest.mark.django_db
def test_edit_validates_every_field_at_once(penalty_publication, team):
    with pytest.raises(ValidationError) as error:
        services.publication_edit(
            actor=team["editor"],
            publication=penalty_publication,
            changes={
                "decision_date": "2026-13-01",
                "fine_amount": "-1",
                "party_category": "外星人",
                "penalty_category": "罚款、打板子",
                "nonsense": "x",
            },
            field_classes={"id_number": "public"},
        )
    assert set(error.value.message_dict) == {
        "decision_date",
        "fine_amount",
        "party_category",
        "penalty_category",
        "nonsense",
        "id_number",
    }


@pytest.mark.django_db
def test_field_class_withholds_a_whole_field(penalty_publication, team):
    p = services.publication_edit(
        actor=team["editor"],
        publication=penalty_publication,
        field_classes={"penalty_basis": "trade_secret"},
    )
    view = redaction.public_view(p)
    assert view.values["penalty_basis"] == ""
    assert any(w["field"] == "penalty_basis" and "商业秘密" in w["ground"] for w in view.withheld)


@pytest.mark.django_db
def test_individual_name_withheld_where_the_rule_says_so(
    settings, team, catalogs, individual_facts, django_capture_on_commit_callbacks
):
    settings.SANXIANG_INDIVIDUAL_NAME_PUBLIC = {"penalty": False}
    with django_capture_on_commit_callbacks(execute=True):
        factories.decided_case(
            officers=team["officers"],
            head=team["head"],
            mine=team["mine"],
            person=team["person"],
            facts=individual_facts,
        )
    p = release(Publication.objects.get(), team)
    values = p.live_version.public_fields
    assert values["party_name"] == "张某某"
    assert "张三丰" not in str(values)


@pytest.mark.django_db
def test_revision_keeps_every_released_version(penalty_publication, team):
    """GS-POST-2: published information can be updated; each released version is kept."""
    p = release(penalty_publication, team)
    with pytest.raises(ValidationError):
        services.publication_revise(actor=team["editor"], publication=p, reason="")
    p = services.publication_revise(actor=team["editor"], publication=p, reason="更正处罚依据条款")
    assert p.status == S.DRAFT and p.revision == 2 and p.live_version.number == 1
    assert p.due_on == add_working_days(timezone.localdate(), 20).date
    assert public.result_get(p.pk).version == 1  # still public while revised
    p = services.publication_edit(
        actor=team["editor"],
        publication=p,
        changes={"penalty_basis": "《中华人民共和国安全生产法》第九十七条第一项"},
    )
    assert p.redactions.filter(revision=2).count() == 4  # carried over with the revision
    p = release(p, team)
    assert p.live_version.number == 2 and p.versions.count() == 2
    first = p.versions.get(number=1)
    assert first.superseded_at is not None
    record = public.result_get(p.pk)
    assert record.version == 2 and len(record.versions) == 2
    assert "第一项" in record.values["penalty_basis"]
    assert "第一项" not in public.result_version(p.pk, 1).values["penalty_basis"]
    assert PublicEntry.objects.get(publication=p).version.number == 2


@pytest.mark.django_db
def test_withdrawal_request_then_approval_within_three_days(penalty_publication, team):
    """GS-POST-2: revoked → withdrawal requested (3-day clock) → head approves → tombstone."""
    p = release(penalty_publication, team)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.publication_withdrawal_request(
            actor=team["editor"], publication=p, reason_kind="nonsense", reason="撤销"
        )
    assert "reason_kind" in error.value.message_dict
    p = services.publication_withdrawal_request(
        actor=team["editor"],
        publication=p,
        reason_kind="revoked",
        reason="原处罚决定经行政复议被撤销。",
        revoked_on=today,
        basis="复议决定书〔2026〕1号",
    )
    assert p.status == S.WITHDRAWAL_PENDING
    assert p.withdrawal_due == add_working_days(today, 3).date
    assert public.result_get(p.pk).state == "live"  # still shown until the head approves
    with pytest.raises(PermissionDenied):
        services.publication_withdraw(actor=team["editor"], publication=p, reason="撤下")
    p = services.publication_withdraw(
        actor=team["head"], publication=p, reason="原处罚决定经行政复议被撤销。"
    )
    assert p.status == S.WITHDRAWN and p.withdrawn_by == team["head"]
    assert not PublicEntry.objects.filter(publication=p).exists()
    record = public.result_get(p.pk)
    assert record.state == "withdrawn" and record.fields == []
    assert record.tombstone["reason_kind"] == "revoked"
    assert record.tombstone["reason_kind_label"] == "决定被依法撤销"
    assert "负责人丁" in record.tombstone["approved_by"]
    entry = LedgerEntry.objects.get(object_id=str(p.pk), action="publication.withdraw")
    assert '"late":false' in entry.body and '"reason_kind":"revoked"' in entry.body


@pytest.mark.django_db
def test_late_withdrawal_is_recorded_as_late(penalty_publication, team):
    p = release(penalty_publication, team)
    Publication.objects.filter(pk=p.pk).update(
        decided_on=timezone.localdate() - datetime.timedelta(days=30)
    )
    p = services.publication_withdraw(
        actor=team["head"],
        publication=p,
        reason="经诉讼确认违法。",
        reason_kind="confirmed_unlawful",
        revoked_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    entry = LedgerEntry.objects.get(object_id=str(p.pk), action="publication.withdraw")
    assert '"late":true' in entry.body


@pytest.mark.django_db
def test_draft_withdrawn_before_release_has_no_public_trace(penalty_publication, team):
    p = services.publication_withdraw(
        actor=team["head"],
        publication=penalty_publication,
        reason="决定已撤销。",
        reason_kind="revoked",
    )
    assert p.status == S.WITHDRAWN
    with pytest.raises(Http404):
        public.result_get(p.pk)


@pytest.mark.django_db
def test_publicity_ends_at_its_end_date(penalty_publication, team):
    p = release(penalty_publication, team)
    Publication.objects.filter(pk=p.pk).update(
        publicity_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert [x.pk for x in services.publications_expire_due()] == [p.pk]
    p.refresh_from_db()
    assert p.status == S.EXPIRED and not PublicEntry.objects.exists()
    assert public.result_get(p.pk).tombstone["kind"] == "expired"
    assert services.publications_expire_due() == []


@pytest.mark.django_db
def test_manual_licensing_draft(team, province):
    """Licensing has no source in the system yet: the editor types it in the licensing layout."""
    with pytest.raises(ValidationError) as error:
        services.publication_manual_create(
            actor=team["editor"],
            agency=province["a"],
            category="licensing",
            decided_on=timezone.localdate(),
            fields={"licence_category": "99", "valid_from": "明天"},
        )
    assert set(error.value.message_dict) == {"licence_category", "valid_from"}
    p = services.publication_manual_create(
        actor=team["editor"],
        agency=province["a"],
        category="licensing",
        decided_on=timezone.localdate(),
        mine=team["mine"],
        fields={
            "licence_document_name": "安全生产许可证核发决定书",
            "decision_number": "测（甲）煤安许〔2026〕3号",
            "licence_category": "01",
            "licence_content": "核发煤矿安全生产许可证（联系人手机13800138000）",
        },
    )
    assert p.due_on == add_working_days(timezone.localdate(), 7).date
    assert (
        p.fields["party_name"] == team["mine"].name
        and p.fields["party_category"] == "法人及非法人组织"
    )
    assert p.redactions.get().kind == "mobile"
    with pytest.raises(ValidationError) as error:
        services.publication_confirm(actor=team["editor"], publication=p, confirmed=True)
    assert {"valid_from", "valid_to", "current_status"} <= set(error.value.message_dict)
    services.publication_edit(
        actor=team["editor"],
        publication=p,
        changes={"valid_from": "2026-01-01", "valid_to": "2028-12-31", "current_status": "有效"},
    )
    p = release(Publication.objects.get(pk=p.pk), team)
    assert p.publicity_until is None and p.status == S.PUBLISHED


@pytest.mark.django_db
def test_signal_receiver_is_connected_and_never_raises(team):
    receivers = [r[1]() for r in decision_issued.receivers]
    assert any(getattr(r, "__name__", "") == "on_decision_issued" for r in receivers)
    decision_issued.send(sender=None, case_id=999999, document_id=None)
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_backfill_creates_missed_drafts(team, catalogs, individual_facts):
    case = factories.decided_case(
        officers=team["officers"],
        head=team["head"],
        mine=team["mine"],
        person=team["person"],
        facts=individual_facts,
    )  # on_commit never runs in this test: the signal is "missed"
    assert not Publication.objects.exists()
    created = services.drafts_backfill()
    assert [p.source_id for p in created] == [str(case.pk)]
    assert services.drafts_backfill() == []
