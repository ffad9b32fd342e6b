"""SH-SCOPE-2 / SH-SCOPE-3: classification at every statutory boundary, and the unit's catalog rules.

“以上” includes the number: 20,000 CNY on an individual and 50,000 CNY on a mine are major.
"""

from dataclasses import replace
from decimal import Decimal

import pytest

from sanxiang.catalog.major import (
    STATUTORY_BY_CODE,
    STATUTORY_ITEMS,
    DecisionFacts,
    MajorItem,
    MeasureKind,
    PartyKind,
    RuleKind,
    check_catalog,
    classify,
)

D = Decimal


def codes(facts, items=STATUTORY_ITEMS):
    return [match.code for match in classify(facts, items)]


@pytest.mark.parametrize(
    ("party", "amount", "expected"),
    [
        (PartyKind.INDIVIDUAL, "19999", []),
        (PartyKind.INDIVIDUAL, "19999.99", []),
        (PartyKind.INDIVIDUAL, "20000", ["SH2-02P"]),
        (PartyKind.INDIVIDUAL, "20000.01", ["SH2-02P"]),
        (PartyKind.INDIVIDUAL, "49999", ["SH2-02P"]),
        (PartyKind.INDIVIDUAL, "50000", ["SH2-02P"]),
        (PartyKind.MINE, "19999", []),
        (PartyKind.MINE, "20000", []),
        (PartyKind.MINE, "49999", []),
        (PartyKind.MINE, "49999.99", []),
        (PartyKind.MINE, "50000", ["SH2-02M"]),
        (PartyKind.MINE, "1000000", ["SH2-02M"]),
        (PartyKind.MINE, "0", []),
    ],
)
def test_fine_thresholds_sh_scope_2_item_2(party, amount, expected):
    """SH-SCOPE-2 (2): individual ≥ 20,000, coal mine ≥ 50,000 — boundaries included."""
    assert codes(DecisionFacts(party_kind=party, fine_amount=D(amount))) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", []), ("49999", []), ("49999.99", []), ("50000", ["SH2-03"]), ("50001", ["SH2-03"])],
)
@pytest.mark.parametrize("party", [PartyKind.INDIVIDUAL, PartyKind.MINE])
def test_confiscation_value_sh_scope_2_item_3(party, value, expected):
    """SH-SCOPE-2 (3): confiscation worth ≥ 50,000, whoever the party."""
    assert codes(DecisionFacts(party_kind=party, confiscation_value=D(value))) == expected


def test_reason_names_amount_and_threshold():
    (match,) = classify(DecisionFacts(party_kind=PartyKind.INDIVIDUAL, fine_amount=D("20000")))
    assert match.reason == "对个人罚款20,000元，达到20,000元以上的审核门槛。"
    assert match.statutory and match.title == "对个人罚款2万元以上"


@pytest.mark.parametrize(
    ("measure", "code"),
    [
        (MeasureKind.ORDER_SUSPEND_RECTIFICATION, "SH2-01"),
        (MeasureKind.ORDER_STOP_CONSTRUCTION, "SH2-01"),
        (MeasureKind.LICENCE_SUSPEND, "SH2-01"),
        (MeasureKind.LICENCE_REVOKE, "SH2-01"),
        (MeasureKind.SEALING, "SH2-05"),
        (MeasureKind.SEIZURE, "SH2-05"),
        (MeasureKind.STOP_POWER_SUPPLY, "SH2-06"),
        (MeasureKind.STOP_EXPLOSIVES_SUPPLY, "SH2-06"),
        (MeasureKind.ADDITIONAL_FINE, "SH2-07"),
    ],
)
def test_each_statutory_measure(measure, code):
    """SH-SCOPE-2 (1), (5), (6), (7): each named decision or measure alone makes it major."""
    matches = classify(DecisionFacts(measures=frozenset({measure})))
    assert [m.code for m in matches] == [code]
    assert str(MeasureKind(measure).label) in matches[0].reason


@pytest.mark.parametrize(
    ("flag", "code"),
    [("after_hearing", "SH2-04"), ("complex_case", "SH2-08"), ("court_enforcement", "SH2-09")],
)
def test_each_non_monetary_flag(flag, code):
    """SH-SCOPE-2 (4), (8), (9)."""
    assert codes(DecisionFacts(**{flag: True})) == [code]


def test_measure_not_in_any_item_is_not_major():
    assert codes(DecisionFacts(measures=frozenset({MeasureKind.WITHDRAW_WORKERS}))) == []
    assert classify(DecisionFacts()) == []


def test_several_items_at_once_in_catalog_order():
    facts = DecisionFacts(
        party_kind=PartyKind.MINE,
        fine_amount=D("50000"),
        measures=frozenset({MeasureKind.ORDER_SUSPEND_RECTIFICATION}),
        after_hearing=True,
    )
    assert codes(facts) == ["SH2-01", "SH2-02M", "SH2-04"]


def test_statutory_catalog_is_valid():
    assert check_catalog(STATUTORY_ITEMS) == {}


def test_unit_added_item_and_stricter_threshold():
    """SH-SCOPE-3: a unit adds an item and lowers a threshold; both take effect."""
    catalog = [
        replace(STATUTORY_BY_CODE["SH2-02M"], threshold=D("30000")) if i.code == "SH2-02M" else i
        for i in STATUTORY_ITEMS
    ] + [
        MajorItem(
            "U-01",
            "责令从危险区域撤出作业人员",
            RuleKind.MEASURE,
            measures=frozenset({MeasureKind.WITHDRAW_WORKERS}),
        ),
        MajorItem(
            "U-02", "涉及重大社会影响的", RuleKind.CIRCUMSTANCE, circumstance="social_impact"
        ),
    ]
    assert check_catalog(catalog) == {}
    mine = PartyKind.MINE
    assert codes(DecisionFacts(party_kind=mine, fine_amount=D("29999")), catalog) == []
    assert codes(DecisionFacts(party_kind=mine, fine_amount=D("30000")), catalog) == ["SH2-02M"]
    withdraw = DecisionFacts(measures=frozenset({MeasureKind.WITHDRAW_WORKERS}))
    (match,) = classify(withdraw, catalog)
    assert (match.code, match.statutory) == ("U-01", False)
    social = DecisionFacts(circumstances=frozenset({"social_impact"}))
    assert codes(social, catalog) == ["U-02"]


def test_loosening_a_threshold_is_refused_with_a_clear_message():
    catalog = [
        replace(i, threshold=D("30000")) if i.code == "SH2-02P" else i for i in STATUTORY_ITEMS
    ]
    problems = check_catalog(catalog)
    assert problems == {
        "SH2-02P": [
            "“SH2-02P 对个人罚款2万元以上”是法定审核事项，门槛只能降低（从严），"
            "不得高于法定的20,000元；您填写的是30,000元。"
        ]
    }


def test_dropping_a_statutory_item_is_refused():
    catalog = [i for i in STATUTORY_ITEMS if i.code != "SH2-04"]
    problems = check_catalog(catalog)
    assert problems[""] == [
        "“SH2-04 经过听证程序作出行政执法决定”是《实施办法》规定的法定审核事项，不得删除。"
    ]


def test_removing_a_statutory_measure_or_changing_the_rule_is_refused():
    fewer = [
        replace(i, measures=frozenset({MeasureKind.SEALING})) if i.code == "SH2-05" else i
        for i in STATUTORY_ITEMS
    ]
    assert "不得去掉法定的决定或措施：扣押" in check_catalog(fewer)["SH2-05"][0]
    changed = [
        replace(i, rule=RuleKind.CIRCUMSTANCE, circumstance="x") if i.code == "SH2-08" else i
        for i in STATUTORY_ITEMS
    ]
    assert "认定方式不得改为" in check_catalog(changed)["SH2-08"][0]


def test_adding_measures_to_a_statutory_item_is_stricter_and_allowed():
    more = [
        replace(i, measures=i.measures | {MeasureKind.ORDER_STOP_USE}) if i.code == "SH2-05" else i
        for i in STATUTORY_ITEMS
    ]
    assert check_catalog(more) == {}
    assert codes(DecisionFacts(measures=frozenset({MeasureKind.ORDER_STOP_USE})), more) == [
        "SH2-05"
    ]


def test_malformed_unit_items_are_reported():
    catalog = [
        *STATUTORY_ITEMS,
        MajorItem("U-1", "无门槛", RuleKind.FINE_MINE),
        MajorItem("U-2", "无措施", RuleKind.MEASURE),
        MajorItem("U-3", "无情形", RuleKind.CIRCUMSTANCE),
        MajorItem("U-3", "重复", RuleKind.COMPLEX_CASE),
    ]
    problems = check_catalog(catalog)
    assert "门槛金额" in problems["U-1"][0]
    assert "至少列明一种" in problems["U-2"][0]
    assert any("重复" in m for m in problems["U-3"])
