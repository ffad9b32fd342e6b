"""ADR 0081 end to end: a draft whose facts hide personal data gets redactions that cut the
right spans, and the editor sees the unsure ones as 待确认 with the reason in words."""

import pytest
from django.test import Client
from django.utils import timezone

from sanxiang.publicity import redaction, services
from sanxiang.publicity.models import Redaction
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

SPLIT_ID = "110105 19750904 6066"
DOTTED_PHONE = "139.1234.5678"


@pytest.mark.django_db
def test_hidden_personal_data_is_withheld_and_unsure_finds_are_shown_for_confirmation(
    team, province
):
    factories.person(agency=province["b"], name="刘大海")  # registered by another bureau
    facts = f"经查，该矿未按规定培训。工人身份证{SPLIT_ID}，电话{DOTTED_PHONE}，工友刘 大 海在场。"
    publication = services.publication_manual_create(
        actor=team["editor"],
        agency=team["mine"].supervising_agency,
        category="penalty",
        decided_on=timezone.localdate(),
        mine=team["mine"],
        fields={
            "decision_number": "测（甲）煤安罚〔2026〕7号",
            "violation_type": "未按规定对从业人员进行安全生产教育和培训",
            "violation_facts": facts,
            "penalty_basis": "《中华人民共和国安全生产法》第九十七条",
            "penalty_category": "罚款",
            "penalty_content": "罚款人民币5000元。",
            "fine_amount": "0.5",
            "valid_until": "2099-12-31",
        },
    )
    marks = {
        facts[r.start : r.end]: r
        for r in Redaction.objects.filter(publication=publication, field="violation_facts")
    }
    assert set(marks) == {SPLIT_ID, DOTTED_PHONE, "刘 大 海"}
    assert marks[SPLIT_ID].certain and marks[DOTTED_PHONE].certain
    assert not marks["刘 大 海"].certain and "其他自然人同名" in marks["刘 大 海"].reason

    public = redaction.public_view(publication).values["violation_facts"]
    assert SPLIT_ID not in public and "19750904" not in public and "5678" not in public
    assert "刘 大 海" not in public and "大 海" not in public
    assert public.startswith("经查，该矿未按规定培训。工人身份证") and public.endswith("在场。")

    client = Client()
    sign_in(client, team["editor"])
    page = client.get(f"/publicity/{publication.pk}/").content.decode()
    assert "待确认" in page and "与人员登记中的其他自然人同名，请确认是否指此人" in page
