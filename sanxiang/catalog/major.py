"""SH-SCOPE-2, SH-SCOPE-3: which enforcement decisions are major and need legal review.

Pure code: no database. The statutory items of the Measures (五（二）2) are data with codes;
each unit's catalog (目录清单) starts from them, may add items and may make thresholds
stricter, but may never drop or loosen a statutory item (:func:`check_catalog`).
:func:`classify` matches a decision's facts against a catalog and says why.

"以上" includes the number: a fine of exactly 20,000 CNY on an individual is major.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class PartyKind(models.TextChoices):
    INDIVIDUAL = "individual", gettext_lazy("个人")
    MINE = "mine", gettext_lazy("煤矿（单位）")


class MeasureKind(models.TextChoices):
    """Decisions and measures a major-decision item can name."""

    ORDER_SUSPEND_RECTIFICATION = "order_suspend_rectification", gettext_lazy("责令停产整顿")
    ORDER_STOP_CONSTRUCTION = "order_stop_construction", gettext_lazy("责令停止建设")
    LICENCE_SUSPEND = "licence_suspend", gettext_lazy("暂扣安全生产许可证")
    LICENCE_REVOKE = "licence_revoke", gettext_lazy("吊销安全生产许可证")
    SEALING = "sealing", gettext_lazy("查封")
    SEIZURE = "seizure", gettext_lazy("扣押")
    STOP_POWER_SUPPLY = "stop_power_supply", gettext_lazy("通知停止供电")
    STOP_EXPLOSIVES_SUPPLY = "stop_explosives_supply", gettext_lazy("通知停止供应民用爆炸物品")
    ADDITIONAL_FINE = "additional_fine", gettext_lazy("加处罚款等执行罚措施")
    ORDER_STOP_USE = "order_stop_use", gettext_lazy("责令停止使用相关设施、设备")
    WITHDRAW_WORKERS = "withdraw_workers", gettext_lazy("责令从危险区域撤出作业人员")
    PROPOSE_CLOSURE = "propose_closure", gettext_lazy("提请地方人民政府予以关闭")
    RESTRICT_PRACTICE = "restrict_practice", gettext_lazy("限制从业")


class RuleKind(models.TextChoices):
    """How an item recognises a decision."""

    MEASURE = "measure", gettext_lazy("采取所列决定或措施之一")
    FINE_INDIVIDUAL = "fine_individual", gettext_lazy("对个人罚款达到门槛")
    FINE_MINE = "fine_mine", gettext_lazy("对煤矿罚款达到门槛")
    CONFISCATION = "confiscation", gettext_lazy("没收财物价值达到门槛")
    AFTER_HEARING = "after_hearing", gettext_lazy("经过听证程序")
    COMPLEX_CASE = "complex_case", gettext_lazy("涉及多个法律关系或疑难复杂")
    COURT_ENFORCEMENT = "court_enforcement", gettext_lazy("申请人民法院强制执行")
    CIRCUMSTANCE = "circumstance", gettext_lazy("具有本单位列明的其他情形")


MONEY_RULES = frozenset({RuleKind.FINE_INDIVIDUAL, RuleKind.FINE_MINE, RuleKind.CONFISCATION})


@dataclass(frozen=True)
class MajorItem:
    """One catalog item. ``threshold`` for money rules, ``measures`` for measure rules,
    ``circumstance`` (a code the unit defines) for circumstance rules."""

    code: str
    title: str
    rule: str
    threshold: Decimal | None = None
    measures: frozenset[str] = frozenset()
    circumstance: str = ""


# SH-SCOPE-2 (1)–(9); item (10) "其他需要审核的" is whatever a unit adds to its catalog.
STATUTORY_ITEMS: tuple[MajorItem, ...] = (
    MajorItem(
        "SH2-01",
        "责令停产整顿，责令停止建设，暂扣、吊销安全生产许可证",
        RuleKind.MEASURE,
        measures=frozenset(
            {
                MeasureKind.ORDER_SUSPEND_RECTIFICATION,
                MeasureKind.ORDER_STOP_CONSTRUCTION,
                MeasureKind.LICENCE_SUSPEND,
                MeasureKind.LICENCE_REVOKE,
            }
        ),
    ),
    MajorItem("SH2-02P", "对个人罚款2万元以上", RuleKind.FINE_INDIVIDUAL, Decimal("20000")),
    MajorItem("SH2-02M", "对煤矿罚款5万元以上", RuleKind.FINE_MINE, Decimal("50000")),
    MajorItem(
        "SH2-03",
        "没收违法所得、没收非法开采的煤炭产品或者采掘设备价值5万元以上",
        RuleKind.CONFISCATION,
        Decimal("50000"),
    ),
    MajorItem("SH2-04", "经过听证程序作出行政执法决定", RuleKind.AFTER_HEARING),
    MajorItem(
        "SH2-05",
        "对不符合国家标准或者行业标准的安全生产设施、设备、器材和场所予以查封或扣押",
        RuleKind.MEASURE,
        measures=frozenset({MeasureKind.SEALING, MeasureKind.SEIZURE}),
    ),
    MajorItem(
        "SH2-06",
        "对存在重大隐患的煤矿通知有关单位采取停止供电、停止供应民用爆炸物品措施",
        RuleKind.MEASURE,
        measures=frozenset({MeasureKind.STOP_POWER_SUPPLY, MeasureKind.STOP_EXPLOSIVES_SUPPLY}),
    ),
    MajorItem(
        "SH2-07",
        "对当事人不履行监察执法决定的加处罚款等措施",
        RuleKind.MEASURE,
        measures=frozenset({MeasureKind.ADDITIONAL_FINE}),
    ),
    MajorItem("SH2-08", "案件涉及多个法律关系、情况疑难复杂", RuleKind.COMPLEX_CASE),
    MajorItem("SH2-09", "申请人民法院强制执行监察执法决定", RuleKind.COURT_ENFORCEMENT),
)
STATUTORY_BY_CODE = {item.code: item for item in STATUTORY_ITEMS}


@dataclass(frozen=True)
class DecisionFacts:
    """What classification needs to know about a proposed decision."""

    party_kind: str = PartyKind.MINE
    fine_amount: Decimal = Decimal("0")
    confiscation_value: Decimal = Decimal("0")
    measures: frozenset[str] = frozenset()
    after_hearing: bool = False
    complex_case: bool = False
    court_enforcement: bool = False
    circumstances: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Match:
    code: str
    title: str
    reason: str
    statutory: bool


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}".rstrip("0").rstrip(".")


def _match(item: MajorItem, facts: DecisionFacts) -> str | None:
    """The reason ``item`` applies to ``facts``, or None."""
    rule = item.rule
    if rule == RuleKind.MEASURE:
        hit = sorted(set(facts.measures) & set(item.measures))
        if hit:
            names = "、".join(str(MeasureKind(m).label) for m in hit)
            return _("拟采取%(names)s。") % {"names": names}
        return None
    if rule in MONEY_RULES:
        if rule == RuleKind.CONFISCATION:
            amount, what = facts.confiscation_value, _("没收财物价值")
        else:
            wanted = PartyKind.INDIVIDUAL if rule == RuleKind.FINE_INDIVIDUAL else PartyKind.MINE
            if facts.party_kind != wanted:
                return None
            amount = facts.fine_amount
            what = _("对个人罚款") if wanted == PartyKind.INDIVIDUAL else _("对煤矿罚款")
        if item.threshold is not None and amount > 0 and amount >= item.threshold:
            return _("%(what)s%(amount)s元，达到%(threshold)s元以上的审核门槛。") % {
                "what": what,
                "amount": _yuan(amount),
                "threshold": _yuan(item.threshold),
            }
        return None
    if rule == RuleKind.AFTER_HEARING and facts.after_hearing:
        return _("决定经过听证程序作出。")
    if rule == RuleKind.COMPLEX_CASE and facts.complex_case:
        return _("案件涉及多个法律关系或情况疑难复杂。")
    if rule == RuleKind.COURT_ENFORCEMENT and facts.court_enforcement:
        return _("拟申请人民法院强制执行。")
    if (
        rule == RuleKind.CIRCUMSTANCE
        and item.circumstance
        and item.circumstance in facts.circumstances
    ):
        return _("具有本单位目录列明的情形：%(title)s。") % {"title": item.title}
    return None


def classify(facts: DecisionFacts, items: Iterable[MajorItem] = STATUTORY_ITEMS) -> list[Match]:
    """SH-SCOPE-2: the catalog items ``facts`` fall under, each with its reason, in catalog order.

    An empty list means the decision is not major under this catalog.
    """
    matches = []
    for item in items:
        reason = _match(item, facts)
        if reason is not None:
            matches.append(
                Match(
                    code=item.code,
                    title=item.title,
                    reason=reason,
                    statutory=item.code in STATUTORY_BY_CODE,
                )
            )
    return matches


def check_catalog(items: Sequence[MajorItem]) -> dict[str, list[str]]:
    """SH-SCOPE-3: a unit's catalog keeps every statutory item and loosens none.

    Returns problems keyed by item code ("" for the catalog as a whole); empty when valid.
    A stricter catalog is welcome: lower thresholds, more measures, extra items.
    """
    problems: dict[str, list[str]] = {}
    by_code: dict[str, MajorItem] = {}
    for item in items:
        if item.code in by_code:
            problems.setdefault(item.code, []).append(
                _("事项编码“%(code)s”重复。") % {"code": item.code}
            )
        by_code[item.code] = item
        problems_of_item = _item_shape_problems(item)
        if problems_of_item:
            problems.setdefault(item.code, []).extend(problems_of_item)
    for statutory in STATUTORY_ITEMS:
        own = by_code.get(statutory.code)
        if own is None:
            problems.setdefault("", []).append(
                _("“%(code)s %(title)s”是《实施办法》规定的法定审核事项，不得删除。")
                % {"code": statutory.code, "title": statutory.title}
            )
            continue
        problems_of_item = _loosening_problems(statutory, own)
        if problems_of_item:
            problems.setdefault(own.code, []).extend(problems_of_item)
    return problems


def _item_shape_problems(item: MajorItem) -> list[str]:
    if item.rule not in RuleKind.values:
        return [_("未知的认定方式“%(rule)s”。") % {"rule": item.rule}]
    if item.rule in MONEY_RULES and (item.threshold is None or item.threshold <= 0):
        return [_("按金额认定的事项须填写大于0的门槛金额。")]
    if item.rule == RuleKind.MEASURE:
        if not item.measures:
            return [_("按决定或措施认定的事项须至少列明一种决定或措施。")]
        unknown = sorted(set(item.measures) - set(MeasureKind.values))
        if unknown:
            return [_("未知的决定或措施：%(names)s。") % {"names": "、".join(unknown)}]
    if item.rule == RuleKind.CIRCUMSTANCE and not item.circumstance:
        return [_("按其他情形认定的事项须填写情形代码。")]
    return []


def _loosening_problems(statutory: MajorItem, own: MajorItem) -> list[str]:
    name = f"“{statutory.code} {statutory.title}”"
    if own.rule != statutory.rule:
        return [
            _("%(name)s是法定审核事项，认定方式不得改为“%(rule)s”。")
            % {
                "name": name,
                "rule": RuleKind(own.rule).label if own.rule in RuleKind.values else own.rule,
            }
        ]
    if (
        statutory.rule in MONEY_RULES
        and own.threshold is not None
        and own.threshold > statutory.threshold
    ):
        return [
            _(
                "%(name)s是法定审核事项，门槛只能降低（从严），不得高于法定的%(legal)s元；"
                "您填写的是%(own)s元。"
            )
            % {
                "name": name,
                "legal": _yuan(statutory.threshold),
                "own": _yuan(own.threshold),
            }
        ]
    if statutory.rule == RuleKind.MEASURE:
        missing = sorted(set(statutory.measures) - set(own.measures))
        if missing:
            return [
                _("%(name)s是法定审核事项，不得去掉法定的决定或措施：%(names)s。")
                % {"name": name, "names": "、".join(str(MeasureKind(m).label) for m in missing)}
            ]
    return []
