"""案卷评查 (case-file evaluation, JL-USE-1; ADR 0160): rubrics, campaigns, drawn files, their
findings and the rectification requests sent back to the handling units."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.querysets import RestrictedManager
from sanxiang.org.models import Agency

User = settings.AUTH_USER_MODEL
ZERO = Decimal("0")


class Rubric(models.Model):
    """A version of an evaluation standard (评查标准): basic standards, form and content items,
    grade thresholds — a catalog an agency replaces (the shipped one is marked 示例)."""

    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        Agency, verbose_name=_("制定机构"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("标准代码"), max_length=40)
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("评查标准名称"), max_length=200)
    sample = models.BooleanField(_("示例"), default=False)
    effective_from = models.DateField(_("施行日期"))
    content = models.JSONField(_("评查项目"), default=dict)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["agency", "code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "code", "version"], name="uniq_rubric_version"
            )
        ]
        verbose_name = _("案卷评查标准")
        verbose_name_plural = _("案卷评查标准")

    def __str__(self) -> str:
        label = _("%(name)s（第%(v)d版）") % {"name": self.name, "v": self.version}
        return f"{label}{_('（示例）')}" if self.sample else label


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("草稿（待公布承诺值）")
    COMMITTED = "committed", _("已公布承诺值（待抽取）")
    RUNNING = "running", _("评查中")
    CLOSED = "closed", _("已结束")


class Campaign(models.Model):
    """A 案卷评查 campaign: the files of ``units`` closed in the period, a share of them drawn
    verifiably (ADR 0030, 0160), evaluated by ``evaluators`` between ``starts_on`` and
    ``ends_on``."""

    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        Agency, verbose_name=_("组织机构"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("评查活动名称"), max_length=200)
    period_from = models.DateField(_("案卷办结起始日"))
    period_to = models.DateField(_("案卷办结截止日"))
    units = models.ManyToManyField(Agency, verbose_name=_("被评查单位"), related_name="+")
    share = models.DecimalField(_("抽取比例"), max_digits=4, decimal_places=3)
    include_cases = models.BooleanField(_("抽取行政处罚案卷"), default=True)
    include_inspections = models.BooleanField(_("抽取检查案卷"), default=True)
    evaluators = models.ManyToManyField(User, verbose_name=_("评查人员"), related_name="+")
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("评查标准"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("评查开始日期"))
    ends_on = models.DateField(_("评查结束日期"))
    status = models.CharField(
        _("状态"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    commitment = models.CharField(_("随机种子承诺值（SM3）"), max_length=64, blank=True)
    seed_hex = models.CharField(max_length=64, blank=True)
    inputs = models.JSONField(_("抽取输入"), default=dict, blank=True)
    inputs_digest = models.CharField(_("抽取输入摘要（SM3）"), max_length=64, blank=True)
    result = models.JSONField(_("抽取结果"), default=dict, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    committed_at = models.DateTimeField(_("公布承诺值时间"), null=True, blank=True)
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("案卷评查活动")
        verbose_name_plural = _("案卷评查活动")

    def __str__(self) -> str:
        return self.title


class FileKind(models.TextChoices):
    CASE = "case", _("行政处罚案卷")
    INSPECTION = "inspection", _("检查案卷")


class FileStatus(models.TextChoices):
    ASSIGNED = "assigned", _("待评查")
    SCORED = "scored", _("已评定")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class EvaluationFile(models.Model):
    """One drawn file of a campaign, its evaluator and, once scored, its result."""

    scope_path_lookup = "unit__path"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="files")
    key = models.CharField(_("抽取编号"), max_length=40)
    kind = models.CharField(_("案卷类别"), max_length=20, choices=FileKind.choices)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("案件"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    inspection = models.ForeignKey(
        "inspections.Inspection",
        verbose_name=_("现场检查"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    archive_unit = models.ForeignKey(
        "archive.ArchiveUnit",
        verbose_name=_("档案案卷"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("案卷题名"), max_length=300)
    unit = models.ForeignKey(
        Agency, verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+"
    )
    evaluator = models.ForeignKey(
        User,
        verbose_name=_("评查人员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=FileStatus.choices, default=FileStatus.ASSIGNED
    )
    basic_failed = models.BooleanField(_("基本标准不达标"), default=False)
    form_score = models.DecimalField(
        _("卷面得分"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    content_score = models.DecimalField(
        _("内容得分"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=1, null=True, blank=True)
    grade = models.CharField(_("评查等次"), max_length=20, choices=Grade.choices, blank=True)
    opinion = models.TextField(_("评查意见"), blank=True)
    scored_at = models.DateTimeField(_("评定时间"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["campaign", "unit", "key"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "key"], name="uniq_evaluation_file")
        ]
        verbose_name = _("评查案卷")
        verbose_name_plural = _("评查案卷")

    def __str__(self) -> str:
        return self.title


class ItemKind(models.TextChoices):
    BASIC = "basic", _("基本标准")
    FORM = "form", _("卷面")
    CONTENT = "content", _("内容")


class FindingSource(models.TextChoices):
    PREFILL = "prefill", _("系统预填")
    EVALUATOR = "evaluator", _("评查人员")


class FindingState(models.TextChoices):
    PROPOSED = "proposed", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    OVERRIDDEN = "overridden", _("不予采纳")


class EvaluationFinding(models.Model):
    """A defect of a file against one rubric item: pre-filled from the records with its
    evidence link, or added by the evaluator; confirmed, or overridden with a reason."""

    scope_path_lookup = "file__unit__path"

    file = models.ForeignKey(EvaluationFile, on_delete=models.PROTECT, related_name="findings")
    item_code = models.CharField(_("评查项目"), max_length=40)
    item_kind = models.CharField(_("项目类别"), max_length=20, choices=ItemKind.choices)
    item_label = models.CharField(_("评查项目名称"), max_length=200)
    check_code = models.CharField(max_length=40, blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=FindingSource.choices)
    text = models.CharField(_("问题"), max_length=500)
    evidence_label = models.CharField(_("依据记录"), max_length=200, blank=True)
    evidence_url = models.CharField(_("依据记录链接"), max_length=300, blank=True)
    deduction = models.DecimalField(_("扣分"), max_digits=5, decimal_places=1, default=ZERO)
    state = models.CharField(
        _("状态"), max_length=20, choices=FindingState.choices, default=FindingState.PROPOSED
    )
    reason = models.CharField(_("不予采纳理由"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["file", "pk"]
        verbose_name = _("评查发现的问题")
        verbose_name_plural = _("评查发现的问题")

    def __str__(self) -> str:
        return self.text


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    REPLIED = "replied", _("已回复")


class Rectification(models.Model):
    """A rectification request (整改要求) sent to the unit that handled a file, with its due
    date and the unit's reply."""

    scope_path_lookup = "unit__path"

    file = models.ForeignKey(
        EvaluationFile, on_delete=models.PROTECT, related_name="rectifications"
    )
    unit = models.ForeignKey(
        Agency, verbose_name=_("整改单位"), on_delete=models.PROTECT, related_name="+"
    )
    requirements = models.TextField(_("整改要求"))
    due_on = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("提出时间"))
    reply = models.TextField(_("整改情况"), blank=True)
    replied_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("评查整改")
        verbose_name_plural = _("评查整改")

    def __str__(self) -> str:
        return _("%(file)s 整改") % {"file": self.file}
