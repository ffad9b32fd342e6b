"""The publication layouts ("双公示", Credit China v2): one data definition for every use.

Each category of result publication has a layout: an ordered tuple of fields, each with a
stable English key (API, JSON, tests), its Chinese header (pages, CSV, XLSX), whether it is
required, its default information class (public / personal privacy / trade secret / state
secret) and whether its free text is scanned for personal data and indexed for search.
Forms, the redaction editor, the portal, open data and exports all read these tuples, so a
column can never be named differently in two places.

Penalty and licensing follow domain reference §1; the other enforcement results (inspection
results, coercive measures, other decisions) use a layout built from what GS-POST-1 requires
(agency, target, category, conclusion) with the same keys where the meaning is the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    PENALTY = "penalty", _("行政处罚")
    LICENSING = "licensing", _("行政许可")
    INSPECTION = "inspection", _("行政检查")
    COERCIVE = "coercive", _("行政强制")
    OTHER = "other", _("其他执法决定")


class InfoClass(models.TextChoices):
    """GS-REQ-2: how a field is treated before release (作区分处理)."""

    PUBLIC = "public", _("公开")
    PERSONAL = "personal", _("个人隐私")
    TRADE_SECRET = "trade_secret", _("商业秘密")
    STATE_SECRET = "state_secret", _("国家秘密")


TEXT, LONGTEXT, DATE, AMOUNT, CHOICE = "text", "longtext", "date", "amount", "choice"


@dataclass(frozen=True)
class LayoutField:
    key: str
    label: str
    required: bool = False
    kind: str = TEXT
    info_class: str = InfoClass.PUBLIC
    locked: bool = False  # the class cannot be changed (ID numbers are never public)
    scan: bool = False  # free text: scanned for personal data
    search: bool = False  # indexed for the portal's search (public version only)
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    max_length: int = 200

    def choice_label(self, value: str) -> str:
        for code, label in self.choices:
            if code == value:
                return str(label)
        return value


PENALTY_PARTY_CATEGORIES = (
    ("法人及非法人组织", _("法人及非法人组织")),
    ("自然人", _("自然人")),
    ("个体工商户", _("个体工商户")),
)
LICENSING_PARTY_CATEGORIES = (
    ("01", _("自然人")),
    ("02", _("法人")),
    ("03", _("非法人组织")),
    ("04", _("个体工商户")),
)
ID_TYPES = (
    ("01", _("身份证")),
    ("02", _("护照号")),
    ("03", _("港澳居民来往内地通行证")),
    ("04", _("台湾居民来往大陆通行证")),
    ("05", _("外国人永久居留身份证")),
)
LICENCE_CATEGORIES = (
    ("01", _("普通")),
    ("02", _("特许")),
    ("03", _("认可")),
    ("04", _("核准")),
    ("05", _("登记")),
    ("06", _("其他")),
)
# 行政处罚法第九条 (2021): the 处罚类别 values of the penalty layout.
PENALTY_CATEGORIES = (
    "警告",
    "通报批评",
    "罚款",
    "没收违法所得",
    "没收非法财物",
    "暂扣许可证件",
    "降低资质等级",
    "吊销许可证件",
    "限制开展生产经营活动",
    "责令停产停业",
    "责令关闭",
    "限制从业",
    "行政拘留",
    "其他",
)
LONG_TERM = "2099-12-31"  # 处罚有效期 "长期" in the Credit China layout


def _codes(party_categories, id_types=ID_TYPES) -> tuple[LayoutField, ...]:
    """The party block shared by penalty and licensing."""
    return (
        LayoutField("party_name", _("行政相对人名称"), required=True, search=True),
        LayoutField(
            "party_category",
            _("行政相对人类别"),
            required=True,
            kind=CHOICE,
            choices=party_categories,
        ),
        LayoutField("party_code_1", _("行政相对人代码_1（统一社会信用代码）"), search=True),
        LayoutField("party_code_2", _("行政相对人代码_2（工商注册号）")),
        LayoutField("party_code_3", _("行政相对人代码_3（组织机构代码）")),
        LayoutField("party_code_4", _("行政相对人代码_4（税务登记号）")),
        LayoutField("party_code_5", _("行政相对人代码_5（事业单位证书号）")),
        LayoutField("party_code_6", _("行政相对人代码_6（社会组织登记证号）")),
        LayoutField("legal_representative", _("法定代表人")),
        LayoutField(
            "legal_representative_id_type",
            _("法定代表人证件类型"),
            kind=CHOICE,
            choices=id_types,
        ),
        LayoutField(
            "legal_representative_id_number",
            _("法定代表人证件号码"),
            info_class=InfoClass.PERSONAL,
            locked=True,
            help=_("不予公开。"),
        ),
        LayoutField("id_type", _("证件类型"), kind=CHOICE, choices=id_types),
        LayoutField(
            "id_number",
            _("证件号码"),
            info_class=InfoClass.PERSONAL,
            locked=True,
            help=_("自然人的证件号码，不予公开。"),
        ),
    )


def _agency_block(authority_label) -> tuple[LayoutField, ...]:
    return (
        LayoutField("authority", authority_label, required=True),
        LayoutField(
            "authority_credit_code",
            _("%(label)s统一社会信用代码") % {"label": authority_label},
            required=True,
        ),
        LayoutField("source_unit", _("数据来源单位"), required=True),
        LayoutField("source_unit_credit_code", _("数据来源单位统一社会信用代码"), required=True),
    )


PENALTY_LAYOUT: tuple[LayoutField, ...] = (
    *_codes(PENALTY_PARTY_CATEGORIES),
    LayoutField("decision_number", _("行政处罚决定书文号"), required=True, search=True),
    LayoutField("violation_type", _("违法行为类型"), required=True, search=True, max_length=500),
    LayoutField(
        "violation_facts",
        _("违法事实"),
        required=True,
        kind=LONGTEXT,
        scan=True,
        search=True,
        max_length=5000,
    ),
    LayoutField("penalty_basis", _("处罚依据"), required=True, kind=LONGTEXT, scan=True),
    LayoutField(
        "penalty_category",
        _("处罚类别"),
        required=True,
        help=_("可多选，以“、”分隔：") + "、".join(PENALTY_CATEGORIES),
    ),
    LayoutField(
        "penalty_content",
        _("处罚内容"),
        required=True,
        kind=LONGTEXT,
        scan=True,
        search=True,
        max_length=2000,
    ),
    LayoutField("fine_amount", _("罚款金额（万元）"), kind=AMOUNT),
    LayoutField("confiscation_amount", _("没收违法所得、没收非法财物的金额（万元）"), kind=AMOUNT),
    LayoutField("licence_affected", _("暂扣或吊销证照名称及编号")),
    LayoutField("decision_date", _("处罚决定日期"), required=True, kind=DATE),
    LayoutField(
        "valid_until",
        _("处罚有效期"),
        required=True,
        kind=DATE,
        help=_("2099-12-31 表示长期。"),
    ),
    LayoutField("publicity_until", _("公示截止期"), kind=DATE),
    *_agency_block(_("处罚机关")),
    LayoutField("remarks", _("备注"), kind=LONGTEXT, scan=True, max_length=1000),
)

LICENSING_LAYOUT: tuple[LayoutField, ...] = (
    *_codes(LICENSING_PARTY_CATEGORIES),
    LayoutField("licence_document_name", _("行政许可决定文书名称"), required=True),
    LayoutField("decision_number", _("行政许可决定文书号"), required=True, search=True),
    LayoutField(
        "licence_category",
        _("许可类别"),
        required=True,
        kind=CHOICE,
        choices=LICENCE_CATEGORIES,
    ),
    LayoutField("licence_certificate_name", _("许可证书名称"), search=True),
    LayoutField("licence_number", _("许可编号"), search=True),
    LayoutField(
        "licence_content",
        _("许可内容"),
        required=True,
        kind=LONGTEXT,
        scan=True,
        search=True,
        max_length=2000,
    ),
    LayoutField("decision_date", _("许可决定日期"), required=True, kind=DATE),
    LayoutField("valid_from", _("有效期自"), required=True, kind=DATE),
    LayoutField("valid_to", _("有效期至"), required=True, kind=DATE),
    LayoutField("publicity_until", _("公示截止期"), kind=DATE),
    *_agency_block(_("许可机关")),
    LayoutField("current_status", _("当前状态"), required=True, help=_("如：有效、注销、撤销。")),
    LayoutField("remarks", _("备注"), kind=LONGTEXT, scan=True, max_length=1000),
)

RESULT_PARTY_CATEGORIES = PENALTY_PARTY_CATEGORIES


def _result_layout(type_label, conclusion_label) -> tuple[LayoutField, ...]:
    """GS-POST-1 for the other decisions: agency, target, category, conclusion."""
    return (
        LayoutField("party_name", _("执法对象名称"), required=True, search=True),
        LayoutField(
            "party_category",
            _("执法对象类别"),
            required=True,
            kind=CHOICE,
            choices=RESULT_PARTY_CATEGORIES,
        ),
        LayoutField("party_code_1", _("执法对象统一社会信用代码"), search=True),
        LayoutField("decision_number", _("执法文书文号"), search=True),
        LayoutField("enforcement_type", type_label, required=True, search=True),
        LayoutField(
            "conclusion",
            conclusion_label,
            required=True,
            kind=LONGTEXT,
            scan=True,
            search=True,
            max_length=5000,
        ),
        LayoutField("legal_basis", _("执法依据"), kind=LONGTEXT, scan=True),
        LayoutField("decision_date", _("执法决定日期"), required=True, kind=DATE),
        LayoutField("publicity_until", _("公示截止期"), kind=DATE),
        *_agency_block(_("执法机关")),
        LayoutField("remarks", _("备注"), kind=LONGTEXT, scan=True, max_length=1000),
    )


LAYOUTS: dict[str, tuple[LayoutField, ...]] = {
    Category.PENALTY: PENALTY_LAYOUT,
    Category.LICENSING: LICENSING_LAYOUT,
    Category.INSPECTION: _result_layout(_("检查类别"), _("检查结果")),
    Category.COERCIVE: _result_layout(_("强制措施类别"), _("强制措施内容")),
    Category.OTHER: _result_layout(_("执法决定类别"), _("执法结论")),
}

# The field whose text names the violation (or its equivalent), for lists and the search table.
KIND_FIELD = {
    Category.PENALTY: "violation_type",
    Category.LICENSING: "licence_content",
    Category.INSPECTION: "enforcement_type",
    Category.COERCIVE: "enforcement_type",
    Category.OTHER: "enforcement_type",
}
# The field whose text is the outcome, for lists, the feed and the report.
OUTCOME_FIELD = {
    Category.PENALTY: "penalty_content",
    Category.LICENSING: "licence_content",
    Category.INSPECTION: "conclusion",
    Category.COERCIVE: "conclusion",
    Category.OTHER: "conclusion",
}


def layout(category: str) -> tuple[LayoutField, ...]:
    try:
        return LAYOUTS[category]
    except KeyError:
        raise ValueError(f"unknown publication category {category!r}") from None


def field_of(category: str, key: str) -> LayoutField:
    for item in layout(category):
        if item.key == key:
            return item
    raise KeyError(key)


def keys(category: str) -> list[str]:
    return [f.key for f in layout(category)]


def display_value(item: LayoutField, value: str) -> str:
    """A stored value as the page and CSV show it (labels for coded choices)."""
    if item.kind == CHOICE and item.choices and value:
        return item.choice_label(value)
    return value or ""
