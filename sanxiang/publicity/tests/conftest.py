import pytest

from sanxiang.demo.identities import id_card
from sanxiang.testing import factories


@pytest.fixture
def catalogs(province):
    return factories.enforcement_catalogs(agency=province["provincial"])


@pytest.fixture
def team(province):
    """Sub-bureau A: two officers, a head, a publicity team, a mine and a miner."""
    import random

    sub = province["a"]
    mine = factories.mine(agency=sub, name="测试省安泰煤业有限公司泰安煤矿", division_code="140105")
    return {
        "officers": [
            factories.officer(agency=sub, full_name="李明"),
            factories.officer(agency=sub, full_name="王强"),
        ],
        "head": factories.head(agency=sub, full_name="赵局长"),
        "mine": mine,
        "person": factories.person(
            agency=sub,
            name="张三丰",
            id_number=id_card(random.Random(11), "140105"),
            phone="13912345678",
            address="山西省太原市小店区平阳路88号2单元301室",
            employer=mine,
        ),
        **factories.publicity_team(agency=sub),
    }


FACTS_TEMPLATE = (
    "经查，当事人张三丰（居民身份证号码{id_number}，联系电话13912345678，"
    "住址：山西省太原市小店区平阳路88号2单元301室）系该矿井下作业人员，"
    "未经安全生产教育和培训即上岗作业，并指使工人李四光违章进入采空区。"
)


@pytest.fixture
def individual_facts(team):
    return FACTS_TEMPLATE.format(id_number=team["person"].id_number)


@pytest.fixture
def penalty_publication(team, individual_facts):
    """A penalty draft on an individual, typed in (fast; the same layout the hook fills)."""
    from django.utils import timezone

    from sanxiang.publicity import services

    return services.publication_manual_create(
        actor=team["editor"],
        agency=team["mine"].supervising_agency,
        category="penalty",
        decided_on=timezone.localdate(),
        person=team["person"],
        fields={
            "decision_number": "测（甲）煤安罚〔2026〕1号",
            "violation_type": "未按规定对从业人员进行安全生产教育和培训",
            "violation_facts": individual_facts,
            "penalty_basis": "《中华人民共和国安全生产法》第九十七条",
            "penalty_category": "罚款",
            "penalty_content": "对张三丰处以罚款人民币5000元。",
            "fine_amount": "0.5",
            "valid_until": "2099-12-31",
        },
    )


@pytest.fixture
def decided_publication(team, catalogs, individual_facts, django_capture_on_commit_callbacks):
    """A penalty decision on an individual; the hook (on commit) drafts its publication."""
    from sanxiang.publicity.models import Publication

    with django_capture_on_commit_callbacks(execute=True):
        case = factories.decided_case(
            officers=team["officers"],
            head=team["head"],
            mine=team["mine"],
            person=team["person"],
            facts=individual_facts,
        )
    return Publication.objects.get(source_type="cases.case", source_id=str(case.pk))
