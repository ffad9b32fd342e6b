"""What each catalog kind holds: its entities, columns and cross-row rules.

The specs here drive everything that is the same for all kinds: import and export
(XLSX/CSV), the item forms, open data, copying items into a new version, and validation.
Validation is one path: a spreadsheet row, a form and a stored row are all turned into
:class:`~sanxiang.catalog.columns.Row` values and checked by the same functions.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.cases.models import PenaltyKind
from sanxiang.org.models import Agency, AgencyLevel

from . import columns as c
from .columns import Column, Entity, Problem, Row
from .legalrefs import article_label, normalise_title, parse_citations
from .major import MONEY_RULES, STATUTORY_BY_CODE, MajorItem, MeasureKind, RuleKind, check_catalog
from .models import (
    CatalogKind,
    DiscretionBenchmark,
    DocumentType,
    FindingKind,
    InspectionWeight,
    LegalArticle,
    LegalBasis,
    LegalCategory,
    MajorDecisionItem,
    PartyScope,
    PowerCategory,
    PowerItem,
    ProcedureGuide,
    ProcedureKind,
    RandomInspectionItem,
    RemedyItem,
    RemedyKind,
    RetentionPeriod,
    RetentionRule,
    Severity,
    StageRule,
    UnitKind,
    ViolationEntry,
)
from .models.retention import CODE_PLACEHOLDERS
from .procedures import WORKFLOW_NAMES
from .stages import Obligation, RequirementKind, Stage

MONEY_MAX = Decimal("100000000000")


def _col(key, header, field_name, parse, **kwargs) -> Column:
    return Column(key=key, header=header, field=field_name, parse=parse, **kwargs)


def _choice_col(key, header, field_name, choices, aliases=None, **kwargs) -> Column:
    return _col(
        key,
        header,
        field_name,
        c.choice(choices, aliases),
        widget="select",
        choices=tuple((v, str(label)) for v, label in choices.choices),
        render=c.render_label(choices),
        **kwargs,
    )


def _multi_col(key, header, field_name, choices, **kwargs) -> Column:
    return _col(
        key,
        header,
        field_name,
        c.multi_choice(choices),
        widget="multiselect",
        choices=tuple((v, str(label)) for v, label in choices.choices),
        render=c.render_labels(choices),
        empty=list,
        **kwargs,
    )


def _code(header=None) -> Column:
    return _col("code", header or gettext_lazy("事项编码"), "code", c.code_text(40))


def _note() -> Column:
    return _col("note", gettext_lazy("备注"), "note", c.text(500), required=False)


def _basis(header=None, field_name="legal_basis", required=True) -> Column:
    return _col(
        field_name,
        header or gettext_lazy("依据"),
        field_name,
        c.citations,
        required=required,
        widget="textarea",
        help=gettext_lazy("如：《安全生产法》第一百一十条；多条用分号分隔"),
    )


# ── validation context ────────────────────────────────────────────────────────


@dataclass
class Context:
    """What cross-row rules need to know: whose catalog, from when."""

    agency: Agency
    on: datetime.date
    kind: str = ""

    @cached_property
    def legal_index(self) -> dict[str, list[tuple[LegalBasis, set[int]]]]:
        from .selectors import applicable_version

        version = applicable_version(
            agency=self.agency, kind=CatalogKind.LEGAL_BASIS, on=self.on, include_approved=True
        )
        index: dict[str, list[tuple[LegalBasis, set[int]]]] = {}
        if version is None:
            return index
        for basis in version.legal_bases.prefetch_related("articles"):
            numbers = {article.number for article in basis.articles.all()}
            for title in {basis.title, basis.short_title}:
                if title:
                    index.setdefault(normalise_title(title), []).append((basis, numbers))
        return index

    @cached_property
    def document_codes(self) -> set[str] | None:
        from .selectors import applicable_version

        version = applicable_version(
            agency=self.agency, kind=CatalogKind.DOCUMENT_TYPE, on=self.on, include_approved=True
        )
        if version is None:
            return None
        return set(version.document_types.values_list("code", flat=True))


def _citation_problems(ctx: Context, rows: list[Row], column: Column) -> list[Problem]:
    problems = []
    for row in rows:
        text = row.values.get(column.key) or ""
        if not text:
            continue
        for citation in parse_citations(text):
            revisions = ctx.legal_index.get(normalise_title(citation.title))
            message = None
            if not revisions:
                message = _(
                    "未找到执法依据《%(title)s》：请先在本单位适用的执法依据目录中登记并公布。"
                ) % {"title": citation.title}
            elif citation.article and not any(citation.article in nums for _, nums in revisions):
                message = _("执法依据《%(title)s》中没有%(article)s。") % {
                    "title": citation.title,
                    "article": citation.label().removeprefix(f"《{citation.title}》"),
                }
            if message:
                problems.append(_problem(row, column, message))
    return problems


def _problem(row: Row, column: Column | None, message: str) -> Problem:
    return Problem(message=message, line=row.line, column=column, ref=row.ref)


def _duplicate_problems(rows: list[Row], column: Column) -> list[Problem]:
    seen: dict[Any, Row] = {}
    problems = []
    for row in rows:
        value = row.values.get(column.key)
        if value in (None, ""):
            continue
        if value in seen:
            first = seen[value]
            where = _("第%(n)d行") % {"n": first.line} if first.line else _("已有事项")
            problems.append(
                _problem(
                    row, column, _("与%(where)s重复：“%(v)s”。") % {"where": where, "v": value}
                )
            )
        else:
            seen[value] = row
    return problems


# ── kinds ─────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class KindSpec:
    kind: str
    primary: Entity
    child: Entity | None = None
    rules: tuple[Callable[[Context, list[Row], KindSpec], list[Problem]], ...] = ()
    search_fields: tuple[str, ...] = ()
    sample_file: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(CatalogKind(self.kind).label)

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.primary.columns + (self.child.columns if self.child else ())

    def entity(self, name: str) -> Entity:
        if name == self.primary.name:
            return self.primary
        if self.child is not None and name == self.child.name:
            return self.child
        raise KeyError(name)

    def citation_columns(self) -> list[tuple[Entity, Column]]:
        return [
            (entity, column)
            for entity in filter(None, (self.primary, self.child))
            for column in entity.columns
            if column.parse is c.citations
        ]


def _rule_citations(ctx: Context, rows: list[Row], spec: KindSpec) -> list[Problem]:
    problems = []
    for entity, column in spec.citation_columns():
        targets = rows if entity is spec.primary else [ch for row in rows for ch in row.children]
        problems += _citation_problems(ctx, targets, column)
    return problems


def _rule_unique_code(ctx: Context, rows: list[Row], spec: KindSpec) -> list[Problem]:
    return _duplicate_problems(rows, spec.primary.column("code"))


def _rule_legal_revisions(ctx: Context, rows: list[Row], spec: KindSpec) -> list[Problem]:
    """Dates in order, and revisions of one title in force one after another, never together."""
    problems = []
    col = spec.primary.column
    for row in rows:
        v = row.values
        promulgated, effective, repealed = (
            v["promulgated_on"],
            v["effective_from"],
            v["repealed_on"],
        )
        if promulgated and effective and effective < promulgated:
            problems.append(_problem(row, col("effective_from"), _("施行日期不能早于公布日期。")))
        if repealed and effective and repealed <= effective:
            problems.append(_problem(row, col("repealed_on"), _("失效日期应晚于施行日期。")))
    by_title: dict[str, list[Row]] = {}
    for row in rows:
        by_title.setdefault(normalise_title(row.values["title"]), []).append(row)
    for revisions in by_title.values():
        revisions = sorted(
            (r for r in revisions if r.values["effective_from"]),
            key=lambda r: r.values["effective_from"],
        )
        for earlier, later in itertools.pairwise(revisions):
            ends = earlier.values["repealed_on"]
            if ends is None or ends > later.values["effective_from"]:
                problems.append(
                    _problem(
                        earlier,
                        col("repealed_on"),
                        _("同名执法依据有%(date)s施行的新版本，本版本的失效日期应不晚于该日期。")
                        % {"date": later.values["effective_from"].isoformat()},
                    )
                )
    seen_short: dict[str, str] = {}
    for row in rows:
        short, title = row.values["short_title"], normalise_title(row.values["title"])
        if short:
            owner = seen_short.setdefault(normalise_title(short), title)
            if owner != title:
                problems.append(
                    _problem(
                        row,
                        col("short_title"),
                        _("简称“%(s)s”已用于另一部执法依据。") % {"s": short},
                    )
                )
    for row in rows:
        numbers = [child.values["article"] for child in row.children]
        seen: set[int] = set()
        for child, number in zip(row.children, numbers, strict=True):
            if number in seen:
                problems.append(
                    _problem(child, spec.child.column("article"), _("同一执法依据中条文序号重复。"))
                )
            seen.add(number)
    return problems


def _rule_benchmarks(ctx: Context, rows: list[Row], spec: KindSpec) -> list[Problem]:
    problems = []
    col = spec.child.column
    for row in rows:
        for child in row.children:
            v = child.values
            if (
                v["fine_min"] is not None
                and v["fine_max"] is not None
                and v["fine_min"] > v["fine_max"]
            ):
                problems.append(_problem(child, col("fine_max"), _("罚款上限不能低于下限。")))
            if v["fine_min"] is None and v["fine_max"] is None and not v["measure"]:
                problems.append(
                    _problem(child, col("measure"), _("裁量基准须写明罚款幅度或处罚、措施。"))
                )
    return problems


def _rule_major(ctx: Context, rows: list[Row], spec: KindSpec) -> list[Problem]:
    """SH-SCOPE-3: the unit keeps every statutory item and loosens none."""
    col = spec.primary.column
    problems = []
    items = []
    for row in rows:
        v = row.values
        items.append(
            MajorItem(
                code=v["code"],
                title=v["title"],
                rule=v["rule"],
                threshold=v["threshold"],
                measures=frozenset(v["measures"] or ()),
                circumstance=v["circumstance"],
            )
        )
        if v["rule"] not in MONEY_RULES and v["threshold"] is not None:
            problems.append(
                _problem(row, col("threshold"), _("只有按金额认定的事项才填写门槛金额。"))
            )
    by_code = {row.values["code"]: row for row in rows}
    for code, messages in check_catalog(items).items():
        row = by_code.get(code)
        for message in messages:
            if row is None:
                problems.append(Problem(message=message))
            else:
                column = col("threshold") if "门槛" in message else col("code")
                if "决定或措施" in message:
                    column = col("measures")
                if "认定方式" in message:
                    column = col("rule")
                problems.append(_problem(row, column, message))
    return problems


def _rule_stage(ctx: Context, rows: list[Row], spec: KindSpec) -> list[Problem]:
    col = spec.primary.column
    problems = []
    known = ctx.document_codes
    seen: dict[tuple, Row] = {}
    for row in rows:
        v = row.values
        if v["requirement"] == RequirementKind.DOCUMENT:
            if not v["document_code"]:
                problems.append(
                    _problem(row, col("document_code"), _("要求执法文书时须填写文书代码。"))
                )
            elif known is None:
                problems.append(
                    _problem(
                        row, col("document_code"), _("尚未公布执法文书种类目录，无法核对文书代码。")
                    )
                )
            elif v["document_code"] not in known:
                problems.append(
                    _problem(
                        row,
                        col("document_code"),
                        _("文书代码“%(code)s”不在执法文书种类目录中。")
                        % {"code": v["document_code"]},
                    )
                )
        elif v["document_code"]:
            problems.append(_problem(row, col("document_code"), _("音像记录要求不填写文书代码。")))
        if v["obligation"] == Obligation.CONDITIONAL and not v["condition"]:
            problems.append(_problem(row, col("condition"), _("“视情形”的要求须写明适用情形。")))
        key = (v["stage"], v["requirement"], v["document_code"], v["condition"])
        if key in seen:
            problems.append(_problem(row, col("stage"), _("与前面的要求重复。")))
        seen[key] = row
    return problems


def _rule_document_types(ctx: Context, rows: list[Row], spec: KindSpec) -> list[Problem]:
    return _duplicate_problems(rows, spec.primary.column("short_code"))


def code_pattern_problem(pattern: str) -> str:
    """Why an archival-code pattern cannot be used, or "" (DA/T 13: the 件号 must be in it)."""
    import string

    try:
        names = [f for _t, f, _s, _c in string.Formatter().parse(pattern) if f is not None]
    except ValueError:
        return _("档号格式中的花括号不配对。")
    unknown = [n for n in names if n.split(":")[0] not in CODE_PLACEHOLDERS]
    if unknown:
        return _("档号格式中有无法识别的项目：%(names)s；可用：%(known)s。") % {
            "names": "、".join(unknown),
            "known": "、".join("{" + n + "}" for n in CODE_PLACEHOLDERS),
        }
    if "number" not in names:
        return _("档号格式须含案卷号 {number}。")
    try:
        pattern.format(fonds="X", category="X", year=2026, period="X", agency="X", number=1)
    except (ValueError, KeyError, IndexError):
        return _("档号格式无法使用，请检查花括号中的写法，如 {number:04d}。")
    return ""


def _rule_retention(ctx: Context, rows: list[Row], spec: KindSpec) -> list[Problem]:
    col = spec.primary.column
    problems = _duplicate_problems(rows, col("code"))
    for row in rows:
        v = row.values
        problem = code_pattern_problem(v["code_pattern"] or "")
        if problem:
            problems.append(_problem(row, col("code_pattern"), problem))
        if v["unit_kind"] != UnitKind.PENALTY and (v["penalty_kinds"] or v["fine_at_least"]):
            problems.append(
                _problem(
                    row, col("penalty_kinds"), _("只有行政处罚案卷可以按处罚种类或罚款金额区分。")
                )
            )
    kinds = {row.values["unit_kind"] for row in rows}
    for kind in UnitKind:
        fallback = [
            row
            for row in rows
            if row.values["unit_kind"] == kind
            and not row.values["penalty_kinds"]
            and row.values["fine_at_least"] is None
        ]
        if kind in kinds and not fallback and rows:
            problems.append(
                _problem(
                    rows[0],
                    col("unit_kind"),
                    _("“%(kind)s”须有一行不设条件的规则，适用于其他情形。") % {"kind": kind.label},
                )
            )
    return problems


LEGAL_BASIS = KindSpec(
    kind=CatalogKind.LEGAL_BASIS,
    primary=Entity(
        name="basis",
        label=gettext_lazy("执法依据"),
        model=LegalBasis,
        related_name="legal_bases",
        identity=("title", "effective_from"),
        columns=(
            _col("title", gettext_lazy("名称"), "title", c.text(200)),
            _col("short_title", gettext_lazy("简称"), "short_title", c.text(100), required=False),
            _choice_col("category", gettext_lazy("效力层级"), "category", LegalCategory),
            _col("issuing_body", gettext_lazy("制定机关"), "issuing_body", c.text(200)),
            _col(
                "document_number",
                gettext_lazy("文号"),
                "document_number",
                c.text(100),
                required=False,
            ),
            _col("revision", gettext_lazy("版本说明"), "revision", c.text(100), required=False),
            _col(
                "promulgated_on",
                gettext_lazy("公布日期"),
                "promulgated_on",
                c.date_value,
                widget="date",
            ),
            _col(
                "effective_from",
                gettext_lazy("施行日期"),
                "effective_from",
                c.date_value,
                widget="date",
            ),
            _col(
                "repealed_on",
                gettext_lazy("失效日期"),
                "repealed_on",
                c.date_value,
                required=False,
                empty=None,
                widget="date",
            ),
            _note(),
        ),
    ),
    child=Entity(
        name="article",
        label=gettext_lazy("条文"),
        model=LegalArticle,
        related_name="articles",
        parent_field="basis",
        identity=("article",),
        columns=(
            _col(
                "article",
                gettext_lazy("条"),
                "number",
                c.article_number,
                render=lambda n: article_label(n) if n else "",
            ),
            _col("article_text", gettext_lazy("条文"), "text", c.text(5000), widget="textarea"),
        ),
    ),
    rules=(_rule_legal_revisions,),
    search_fields=("title", "short_title", "articles__text"),
    sample_file="legal_basis.csv",
)


def _licensing_period_cols() -> tuple[Column, ...]:
    """The periods and materials of a licensing item (行政许可法 arts. 32, 42, 44; blank on the
    other powers). Periods are working days (art. 82)."""
    days = c.integer_value(1, 365)
    return (
        _col(
            "acceptance_days",
            gettext_lazy("受理期限（工作日）"),
            "acceptance_days",
            days,
            required=False,
            empty=None,
        ),
        _col(
            "decision_days",
            gettext_lazy("决定期限（工作日）"),
            "decision_days",
            days,
            required=False,
            empty=None,
        ),
        _col(
            "extension_days",
            gettext_lazy("经负责人批准可延长（工作日）"),
            "extension_days",
            days,
            required=False,
            empty=None,
        ),
        _col(
            "issue_days",
            gettext_lazy("发证期限（工作日）"),
            "issue_days",
            days,
            required=False,
            empty=None,
        ),
        _col("period_basis", gettext_lazy("期限依据"), "period_basis", c.text(300), required=False),
        _col(
            "required_materials",
            gettext_lazy("申请材料"),
            "required_materials",
            c.text(3000),
            required=False,
            widget="textarea",
        ),
        _col(
            "sample_materials",
            gettext_lazy("申请材料示范文本"),
            "sample_materials",
            c.text(5000),
            required=False,
            widget="textarea",
        ),
    )


POWER_LIST = KindSpec(
    kind=CatalogKind.POWER_LIST,
    primary=Entity(
        name="power_item",
        label=gettext_lazy("权责事项"),
        model=PowerItem,
        related_name="power_items",
        identity=("code",),
        columns=(
            _code(),
            _col("name", gettext_lazy("事项名称"), "name", c.text(200)),
            _choice_col("category", gettext_lazy("权力类型"), "category", PowerCategory),
            _basis(gettext_lazy("设定依据")),
            _multi_col(
                "responsible_levels", gettext_lazy("实施层级"), "responsible_levels", AgencyLevel
            ),
            _choice_col("procedure", gettext_lazy("适用程序"), "procedure", ProcedureKind),
            _col(
                "responsibilities",
                gettext_lazy("责任事项"),
                "responsibilities",
                c.text(2000),
                required=False,
                widget="textarea",
            ),
            _note(),
            *_licensing_period_cols(),
        ),
    ),
    rules=(_rule_unique_code, _rule_citations),
    search_fields=("code", "name", "legal_basis"),
    sample_file="power_list.csv",
)

VIOLATION_COMPENDIUM = KindSpec(
    kind=CatalogKind.VIOLATION_COMPENDIUM,
    primary=Entity(
        name="violation",
        label=gettext_lazy("违法违规行为描述"),
        model=ViolationEntry,
        related_name="violation_entries",
        identity=("code",),
        columns=(
            _code(gettext_lazy("编码")),
            _choice_col("kind", gettext_lazy("类别"), "kind", FindingKind),
            _col("specialty", gettext_lazy("专业"), "specialty", c.text(50), required=False),
            _col(
                "description",
                gettext_lazy("标准描述"),
                "description",
                c.text(2000),
                widget="textarea",
            ),
            _basis(gettext_lazy("违反条款"), "violated_provision"),
            _basis(gettext_lazy("处罚依据"), "penalty_provision", required=False),
            _col("keywords", gettext_lazy("关键词"), "keywords", c.text(200), required=False),
            _note(),
        ),
    ),
    child=Entity(
        name="benchmark",
        label=gettext_lazy("裁量基准"),
        model=DiscretionBenchmark,
        related_name="benchmarks",
        parent_field="entry",
        columns=(
            _choice_col("severity", gettext_lazy("违法情节"), "severity", Severity),
            _col(
                "circumstance",
                gettext_lazy("具体情形"),
                "circumstance",
                c.text(1000),
                widget="textarea",
            ),
            _choice_col(
                "party_scope",
                gettext_lazy("适用对象"),
                "party_scope",
                PartyScope,
                aliases={"煤矿": PartyScope.MINE, "单位": PartyScope.MINE},
                required=False,
                empty=PartyScope.ANY,
            ),
            _col(
                "fine_min",
                gettext_lazy("罚款下限（元）"),
                "fine_min",
                c.decimal_value(Decimal(0), MONEY_MAX),
                required=False,
                empty=None,
            ),
            _col(
                "fine_max",
                gettext_lazy("罚款上限（元）"),
                "fine_max",
                c.decimal_value(Decimal(0), MONEY_MAX),
                required=False,
                empty=None,
            ),
            _col("measure", gettext_lazy("处罚或措施"), "measure", c.text(300), required=False),
        ),
    ),
    rules=(_rule_unique_code, _rule_citations, _rule_benchmarks),
    search_fields=("code", "description", "keywords", "specialty"),
    sample_file="violation_compendium.csv",
)

RANDOM_INSPECTION = KindSpec(
    kind=CatalogKind.RANDOM_INSPECTION,
    primary=Entity(
        name="random_item",
        label=gettext_lazy("随机抽查事项"),
        model=RandomInspectionItem,
        related_name="random_inspection_items",
        identity=("code",),
        columns=(
            _code(),
            _col("name", gettext_lazy("抽查事项"), "name", c.text(200)),
            _col(
                "content",
                gettext_lazy("抽查内容"),
                "content",
                c.text(2000),
                required=False,
                widget="textarea",
            ),
            _col("subject", gettext_lazy("抽查主体"), "subject", c.text(200)),
            _basis(gettext_lazy("抽查依据")),
            _choice_col(
                "weight",
                gettext_lazy("事项类别"),
                "weight",
                InspectionWeight,
                aliases={"重点": InspectionWeight.KEY, "一般": InspectionWeight.GENERAL},
            ),
            _col(
                "share_percent",
                gettext_lazy("抽查比例（%）"),
                "share_percent",
                c.decimal_value(Decimal(0), Decimal(100), exclusive_minimum=True),
            ),
            _col("method", gettext_lazy("检查方式"), "method", c.text(200), required=False),
            _note(),
        ),
    ),
    rules=(_rule_unique_code, _rule_citations),
    search_fields=("code", "name", "content"),
    sample_file="random_inspection.csv",
)


class WorkflowKey:
    """The workflow keys a procedure guide may name, as choices (built or planned)."""

    @staticmethod
    def parse(raw: Any) -> str:
        value = c.text(40)(raw)
        for key, label in WORKFLOW_NAMES.items():
            if value in (key, str(label)):
                return key
        raise c.CellError(
            _("取值无效，可选值：%(options)s。")
            % {"options": "、".join(str(label) for label in WORKFLOW_NAMES.values())}
        )

    @staticmethod
    def render(value: str) -> str:
        return str(WORKFLOW_NAMES.get(value, value or ""))


PROCEDURE_GUIDE = KindSpec(
    kind=CatalogKind.PROCEDURE_GUIDE,
    primary=Entity(
        name="procedure",
        label=gettext_lazy("执法程序与服务指南"),
        model=ProcedureGuide,
        related_name="procedure_guides",
        identity=("code",),
        columns=(
            _code(gettext_lazy("指南编码")),
            _choice_col("kind", gettext_lazy("程序类别"), "kind", ProcedureKind),
            _col("title", gettext_lazy("名称"), "title", c.text(200)),
            _col(
                "summary",
                gettext_lazy("适用范围"),
                "summary",
                c.text(2000),
                required=False,
                widget="textarea",
            ),
            _col(
                "steps",
                gettext_lazy("办理流程"),
                "steps",
                c.text(5000),
                widget="textarea",
                help=gettext_lazy("每行一个步骤"),
            ),
            _col(
                "time_limit",
                gettext_lazy("办理时限"),
                "time_limit",
                c.text(1000),
                required=False,
                widget="textarea",
            ),
            _col(
                "materials",
                gettext_lazy("申请材料或当事人须知"),
                "materials",
                c.text(3000),
                required=False,
                widget="textarea",
            ),
            _col(
                "service_window",
                gettext_lazy("办理地点、咨询和投诉"),
                "service_window",
                c.text(1000),
                required=False,
                widget="textarea",
            ),
            _basis(gettext_lazy("依据")),
            _col(
                "workflow",
                gettext_lazy("流程图"),
                "workflow",
                WorkflowKey.parse,
                required=False,
                widget="select",
                choices=tuple((k, str(v)) for k, v in WORKFLOW_NAMES.items()),
                render=WorkflowKey.render,
            ),
            _note(),
        ),
    ),
    rules=(_rule_unique_code, _rule_citations),
    search_fields=("code", "title", "summary"),
    sample_file="procedure_guide.csv",
)

REMEDY = KindSpec(
    kind=CatalogKind.REMEDY,
    primary=Entity(
        name="remedy",
        label=gettext_lazy("救济途径"),
        model=RemedyItem,
        related_name="remedies",
        identity=("code",),
        columns=(
            _code(gettext_lazy("编码")),
            _choice_col("kind", gettext_lazy("救济方式"), "kind", RemedyKind),
            _col("title", gettext_lazy("名称"), "title", c.text(200)),
            _col("body", gettext_lazy("受理机关"), "body", c.text(2000), widget="textarea"),
            _col(
                "time_limit",
                gettext_lazy("申请期限"),
                "time_limit",
                c.text(1000),
                widget="textarea",
            ),
            _col(
                "how_to_apply",
                gettext_lazy("申请方式"),
                "how_to_apply",
                c.text(3000),
                widget="textarea",
            ),
            _basis(gettext_lazy("依据")),
            _note(),
        ),
    ),
    rules=(_rule_unique_code, _rule_citations),
    search_fields=("code", "title"),
    sample_file="remedy.csv",
)

MAJOR_DECISION = KindSpec(
    kind=CatalogKind.MAJOR_DECISION,
    primary=Entity(
        name="major_item",
        label=gettext_lazy("重大执法决定审核事项"),
        model=MajorDecisionItem,
        related_name="major_items",
        identity=("code",),
        columns=(
            _code(),
            _col("title", gettext_lazy("审核事项"), "title", c.text(300)),
            _choice_col("rule", gettext_lazy("认定方式"), "rule", RuleKind),
            _col(
                "threshold",
                gettext_lazy("门槛金额（元）"),
                "threshold",
                c.decimal_value(Decimal(0), MONEY_MAX, exclusive_minimum=True),
                required=False,
                empty=None,
                help=gettext_lazy("“以上”包含本数；只能低于法定门槛（从严）"),
            ),
            _multi_col(
                "measures", gettext_lazy("决定或措施"), "measures", MeasureKind, required=False
            ),
            _col(
                "circumstance",
                gettext_lazy("情形代码"),
                "circumstance",
                c.code_text(50),
                required=False,
                help=gettext_lazy("认定方式为“其他情形”时填写，如 social_impact"),
            ),
            _note(),
        ),
    ),
    rules=(_rule_major,),
    search_fields=("code", "title"),
    sample_file="major_decision.csv",
)

DOCUMENT_TYPE = KindSpec(
    kind=CatalogKind.DOCUMENT_TYPE,
    primary=Entity(
        name="document_type",
        label=gettext_lazy("执法文书种类"),
        model=DocumentType,
        related_name="document_types",
        identity=("code",),
        columns=(
            _code(gettext_lazy("文书代码")),
            _col("name", gettext_lazy("文书名称"), "name", c.text(100)),
            _col("short_code", gettext_lazy("编号简称"), "short_code", c.code_text(10)),
            _note(),
        ),
    ),
    rules=(_rule_unique_code, _rule_document_types),
    search_fields=("code", "name", "short_code"),
    sample_file="document_type.csv",
)

STAGE_RULE = KindSpec(
    kind=CatalogKind.STAGE_RULE,
    primary=Entity(
        name="stage_rule",
        label=gettext_lazy("环节要求"),
        model=StageRule,
        related_name="stage_rules",
        columns=(
            _choice_col("stage", gettext_lazy("环节"), "stage", Stage),
            _choice_col("requirement", gettext_lazy("要求类别"), "requirement", RequirementKind),
            _col(
                "document_code",
                gettext_lazy("文书代码"),
                "document_code",
                c.code_text(40),
                required=False,
            ),
            _choice_col("obligation", gettext_lazy("要求程度"), "obligation", Obligation),
            _col("condition", gettext_lazy("适用情形"), "condition", c.text(300), required=False),
            _col("basis", gettext_lazy("依据"), "basis", c.text(300), required=False),
        ),
    ),
    rules=(_rule_stage,),
    search_fields=("stage", "document_code"),
    sample_file="stage_rule.csv",
)

RETENTION_SCHEDULE = KindSpec(
    kind=CatalogKind.RETENTION_SCHEDULE,
    primary=Entity(
        name="retention_rule",
        label=gettext_lazy("保管期限规则"),
        model=RetentionRule,
        related_name="retention_rules",
        identity=("code",),
        columns=(
            _code(gettext_lazy("编码")),
            _choice_col("unit_kind", gettext_lazy("案卷类别"), "unit_kind", UnitKind),
            _multi_col(
                "penalty_kinds",
                gettext_lazy("处罚种类（任一即适用）"),
                "penalty_kinds",
                PenaltyKind,
                required=False,
            ),
            _col(
                "fine_at_least",
                gettext_lazy("罚款金额不低于（元）"),
                "fine_at_least",
                c.decimal_value(Decimal(0), MONEY_MAX),
                required=False,
                empty=None,
            ),
            _choice_col("period", gettext_lazy("保管期限"), "period", RetentionPeriod),
            _col("period_code", gettext_lazy("保管期限代码"), "period_code", c.code_text(10)),
            _col("category_code", gettext_lazy("门类代码"), "category_code", c.code_text(10)),
            _col("fonds_code", gettext_lazy("全宗号"), "fonds_code", c.code_text(20)),
            _col(
                "code_pattern",
                gettext_lazy("档号格式"),
                "code_pattern",
                c.text(120),
                help=gettext_lazy(
                    "可用 {fonds} 全宗号、{category} 门类、{year} 年度、{period} 保管期限代码、"
                    "{agency} 机构、{number:04d} 案卷号"
                ),
            ),
            _col(
                "filing_days",
                gettext_lazy("归档期限（办结后日数）"),
                "filing_days",
                c.integer_value(1, 3650),
            ),
            _note(),
        ),
    ),
    rules=(_rule_retention,),
    search_fields=("code", "note"),
    sample_file="retention_schedule.csv",
)

SPECS: dict[str, KindSpec] = {
    spec.kind: spec
    for spec in (
        LEGAL_BASIS,
        POWER_LIST,
        VIOLATION_COMPENDIUM,
        RANDOM_INSPECTION,
        PROCEDURE_GUIDE,
        REMEDY,
        MAJOR_DECISION,
        DOCUMENT_TYPE,
        STAGE_RULE,
        RETENTION_SCHEDULE,
    )
}

# Order in which the demo loads sample catalogs: what others cite comes first.
LOAD_ORDER = (
    CatalogKind.LEGAL_BASIS,
    CatalogKind.DOCUMENT_TYPE,
    CatalogKind.POWER_LIST,
    CatalogKind.VIOLATION_COMPENDIUM,
    CatalogKind.RANDOM_INSPECTION,
    CatalogKind.PROCEDURE_GUIDE,
    CatalogKind.REMEDY,
    CatalogKind.MAJOR_DECISION,
    CatalogKind.STAGE_RULE,
    CatalogKind.RETENTION_SCHEDULE,
)


def spec_for(kind: str) -> KindSpec:
    return SPECS[kind]


def validate_rows(spec: KindSpec, ctx: Context, rows: list[Row]) -> list[Problem]:
    """Every cross-row rule of the kind, over complete rows."""
    problems: list[Problem] = []
    for rule in spec.rules:
        problems += rule(ctx, rows, spec)
    return problems


def rows_from_db(spec: KindSpec, version) -> list[Row]:
    """The version's stored items as rows, children attached, in order."""
    primaries = getattr(version, spec.primary.related_name).all()
    if spec.child is not None:
        primaries = primaries.prefetch_related(spec.child.related_name)
    rows = []
    for obj in primaries:
        children = []
        if spec.child is not None:
            children = [
                Row(values=c.values_of(child, spec.child.columns), ref=child)
                for child in getattr(obj, spec.child.related_name).all()
            ]
        rows.append(Row(values=c.values_of(obj, spec.primary.columns), ref=obj, children=children))
    return rows


def statutory_rows() -> list[Row]:
    """SH-SCOPE-2's items as the rows of a new major-decision catalog."""
    return [
        Row(
            values={
                "code": item.code,
                "title": item.title,
                "rule": item.rule,
                "threshold": item.threshold,
                "measures": sorted(item.measures, key=list(MeasureKind.values).index),
                "circumstance": "",
                "note": _("法定审核事项"),
            }
        )
        for item in STATUTORY_BY_CODE.values()
    ]
