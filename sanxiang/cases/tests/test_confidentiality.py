"""JL-ARC-2 (ADR 0128): the confidentiality level of cases and documents — its defaults, the
head's change with a reason in the ledger, and state secrets kept out: no document is made for
a state-secret case and no state-secret recording is uploaded; a 涉密件登记 records the
reference and the digest instead."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sanxiang.cases import services
from sanxiang.cases.confidentiality import case_set_confidentiality
from sanxiang.catalog.major import PartyKind
from sanxiang.core.confidentiality import Confidentiality
from sanxiang.documents.classified import classified_items_of, classified_register
from sanxiang.documents.models import ClassifiedRegistration, Document, DocumentNumber
from sanxiang.documents.services import document_set_confidentiality
from sanxiang.inspections import services as inspections
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

DIGEST = hashlib.sha256(b"classified original").hexdigest()


@pytest.fixture
def mine_case(team, officers):
    return factories.filed_case(officers=officers, mine=team["mine"], head=team["head"])


@pytest.fixture
def person_case(team, officers):
    plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    visit = factories.inspection(plan=plan)
    found = factories.finding(inspection=visit)
    inspections.inspection_complete(actor=officers[0], inspection=visit, summary="检查完毕。")
    person = factories.person(agency=team["officer"].agency)
    case = services.case_file(
        actor=officers[0],
        findings=[found],
        cause="张某违章指挥案",
        officers=officers,
        party_kind=PartyKind.INDIVIDUAL,
        person=person,
    )
    return services.case_filing_approve(actor=team["head"], case=case)


def test_defaults_personal_for_an_individual_party_otherwise_ordinary(mine_case, person_case):
    assert mine_case.confidentiality == Confidentiality.ORDINARY
    assert person_case.confidentiality == Confidentiality.PERSONAL
    (mine_doc,) = Document.objects.filter(subject_id=str(mine_case.pk), subject_type="cases.case")
    (person_doc,) = Document.objects.filter(
        subject_id=str(person_case.pk), subject_type="cases.case"
    )
    assert mine_doc.confidentiality == Confidentiality.ORDINARY
    assert person_doc.confidentiality == Confidentiality.PERSONAL
    entry = LedgerEntry.objects.get(action="document.issue", object_id=str(person_doc.pk))
    assert json.loads(entry.body)["details"]["confidentiality"] == "personal"


def test_only_the_head_changes_a_level_and_gives_a_reason(team, mine_case, province):
    with pytest.raises(PermissionDenied):
        case_set_confidentiality(
            actor=team["officer"], case=mine_case, level="trade_secret", reason="含工艺参数"
        )
    with pytest.raises(PermissionDenied):
        case_set_confidentiality(
            actor=factories.head(agency=province["b"]),
            case=mine_case,
            level="trade_secret",
            reason="含工艺参数",
        )
    with pytest.raises(ValidationError) as refused:
        case_set_confidentiality(actor=team["head"], case=mine_case, level="secret", reason=" ")
    assert set(refused.value.message_dict) == {"level", "reason"}
    case = case_set_confidentiality(
        actor=team["head"], case=mine_case, level="trade_secret", reason="含煤矿工艺参数"
    )
    assert case.confidentiality == Confidentiality.TRADE_SECRET
    entry = json.loads(LedgerEntry.objects.filter(action="case.confidentiality").get().body)
    assert entry["details"]["reason"] == "含煤矿工艺参数" and entry["actor_id"] == team["head"].pk

    document = Document.objects.filter(subject_type="cases.case").first()
    with pytest.raises(PermissionDenied):
        document_set_confidentiality(
            actor=team["officer"], document=document, level="personal", reason="含身份证号"
        )
    with pytest.raises(ValidationError) as no_secret:
        document_set_confidentiality(
            actor=team["head"], document=document, level="state_secret", reason="定密"
        )
    assert "作废" in no_secret.value.message_dict["level"][0]
    document = document_set_confidentiality(
        actor=team["head"], document=document, level="personal", reason="含身份证号"
    )
    assert document.get_confidentiality_display() == "含个人信息"


def test_a_state_secret_case_gets_no_document_but_a_registration(team, officers, mine_case):
    case = case_set_confidentiality(
        actor=team["head"], case=mine_case, level="state_secret", reason="涉及国家秘密"
    )
    numbers = DocumentNumber.objects.count()
    documents = Document.objects.count()
    with pytest.raises(ValidationError) as refused:
        factories.case_report(case=case, actor=officers[0])  # issues the 案件处理呈报书
    assert "涉密件登记" in str(refused.value)
    assert (DocumentNumber.objects.count(), Document.objects.count()) == (numbers, documents)

    with pytest.raises(ValidationError) as bad:
        classified_register(
            actor=officers[0],
            subject=case,
            item_kind="document",
            title="",
            register_number="",
            custodian_unit="",
            location="",
            digest="xyz",
        )
    assert set(bad.value.message_dict) == {
        "title",
        "register_number",
        "custodian_unit",
        "location",
        "digest",
    }
    item = classified_register(
        actor=officers[0],
        subject=case,
        item_kind="document",
        type_code="case_report",
        title="案件处理呈报书（涉密）",
        register_number="密登〔2026〕3号",
        custodian_unit="测试省局保密室",
        location="保密室2号柜",
        digest=DIGEST.upper(),
    )
    assert item.digest == DIGEST and item.confidentiality == Confidentiality.STATE_SECRET
    assert classified_items_of(case) == [item]
    details = json.loads(LedgerEntry.objects.get(action="classified.register").body)["details"]
    assert (details["digest"], details["register_number"]) == (DIGEST, "密登〔2026〕3号")
    with pytest.raises(ValidationError) as again:
        classified_register(
            actor=officers[0],
            subject=case,
            item_kind="document",
            title="另一件",
            register_number="密登〔2026〕3号",
            custodian_unit="测试省局保密室",
            location="保密室2号柜",
            digest=DIGEST,
        )
    assert "register_number" in again.value.message_dict
    assert ClassifiedRegistration.objects.count() == 1


def test_a_state_secret_recording_is_not_uploaded(team):
    with pytest.raises(ValidationError) as refused:
        factories.recording(actor=team["officer"], title="涉密录像", confidentiality="state_secret")
    assert "涉密件登记" in refused.value.message_dict["confidentiality"][0]


def test_levels_show_in_words_on_the_case_page_and_in_the_api(team, person_case, client):
    sign_in(client, team["officer"])
    page = client.get(f"/cases/{person_case.pk}/").content.decode()
    assert "含个人信息" in page and "personal" not in page
    body = client.get(f"/api/cases/cases/{person_case.pk}").json()
    assert (body["confidentiality"], body["confidentiality_label"]) == ("personal", "含个人信息")
    documents = client.get(f"/api/cases/cases/{person_case.pk}/documents").json()
    assert {d["confidentiality_label"] for d in documents} == {"含个人信息"}

    head = sign_in(client.__class__(), team["head"])
    changed = head.post(
        f"/api/cases/cases/{person_case.pk}/confidentiality",
        {"level": "trade_secret", "reason": ""},
        content_type="application/json",
    )
    assert changed.status_code == 422
    officer_try = client.post(
        f"/api/cases/cases/{person_case.pk}/confidentiality",
        {"level": "trade_secret", "reason": "含工艺"},
        content_type="application/json",
    )
    assert officer_try.status_code == 403
    registered = client.post(
        "/api/documents/classified",
        {
            "subject_type": "cases.case",
            "subject_id": person_case.pk,
            "item_kind": "recording",
            "title": "涉密询问录像",
            "register_number": "密登〔2026〕9号",
            "custodian_unit": "测试省局保密室",
            "location": "保密室1号柜",
            "digest": "abc",
        },
        content_type="application/json",
    )
    assert registered.status_code == 422
    assert registered.json()["errors"][0]["field"] == "digest"
