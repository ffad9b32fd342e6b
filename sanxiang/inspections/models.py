"""Inspections: enforcement plans, double-random draws, inspection plans (检查方案), on-site
inspections, findings (hazards and violations) and on-site measures with their follow-up.

Rows are written only by ``services.py``; every write is a ledger event. A finding keeps a
snapshot of the compendium entry it was described with (JL-TXT-3c), so a case cites the
version in force on the inspection's date even after the compendium changes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.catalog.models import FindingKind, ViolationEntry
from sanxiang.core.querysets import RestrictedManager
from sanxiang.documents.models import Document
from sanxiang.org.models import Agency
from sanxiang.registry.models import CoalMine

from .workflow import DrawStatus, EnforcementPlanStatus, InspectionStatus, PlanStatus

User = settings.AUTH_USER_MODEL


class EnforcementPlanKind(models.TextChoices):
    ANNUAL = "annual", _("年度监察执法计划")
    PERIODIC = "periodic", _("阶段监察执法计划")


class EnforcementPlan(models.Model):
    """An agency's annual or periodic enforcement plan (监察执法计划); draws belong to one."""

    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        Agency, verbose_name=_("制定机构"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("计划类别"), max_length=20, choices=EnforcementPlanKind.choices)
    year = models.PositiveIntegerField(_("年度"))
    title = models.CharField(_("计划名称"), max_length=200)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    content = models.TextField(_("主要任务"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=EnforcementPlanStatus.choices,
        default=EnforcementPlanStatus.DRAFT,
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    approval_opinion = models.CharField(_("审批意见"), max_length=500, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-year", "-period_start", "-pk"]
        verbose_name = _("监察执法计划")
        verbose_name_plural = _("监察执法计划")

    def __str__(self) -> str:
        return self.title


class RelationKind(models.TextChoices):
    """Conflicts of interest that exclude an inspector from a mine (domain reference §2)."""

    LAST_INSPECTION = "last_inspection", _("上次检查过该矿")
    KINSHIP = "kinship", _("近亲属在该矿任职")
    FORMER_EMPLOYMENT = "former_employment", _("曾在该矿任职")
    OTHER = "other", _("其他利害关系")


DECLARABLE_RELATIONS = (
    RelationKind.KINSHIP,
    RelationKind.FORMER_EMPLOYMENT,
    RelationKind.OTHER,
)


class ConflictDeclaration(models.Model):
    """An officer's declared relation to a mine; excludes him from draws for it while active."""

    scope_path_lookup = "officer__agency__path"

    officer = models.ForeignKey(
        User, verbose_name=_("执法人员"), on_delete=models.PROTECT, related_name="+"
    )
    mine = models.ForeignKey(
        CoalMine, verbose_name=_("煤矿"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(
        _("关系类别"),
        max_length=30,
        choices=[(k.value, k.label) for k in DECLARABLE_RELATIONS],
    )
    reason = models.CharField(_("说明"), max_length=300)
    declared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-declared_at", "-pk"]
        verbose_name = _("利害关系申报")
        verbose_name_plural = _("利害关系申报")

    def __str__(self) -> str:
        return f"{self.officer} — {self.mine}"


class RandomDraw(models.Model):
    """A verifiable double-random draw (双随机): seed committed first, then drawn, then published.

    ``inputs`` is frozen at commitment (mine and inspector directories, exclusions, shares);
    ``seed_hex`` stays undisclosed until the draw is run; ``result`` is what
    :func:`sanxiang.inspections.draw.run_draw` returned.
    """

    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        Agency, verbose_name=_("抽取机构"), on_delete=models.PROTECT, related_name="+"
    )
    enforcement_plan = models.ForeignKey(
        EnforcementPlan,
        verbose_name=_("所属执法计划"),
        on_delete=models.PROTECT,
        related_name="draws",
    )
    title = models.CharField(_("抽取名称"), max_length=200)
    items = models.JSONField(_("抽查事项"), default=list)
    share_key = models.DecimalField(_("重点监管煤矿抽查比例（%）"), max_digits=5, decimal_places=2)
    share_general = models.DecimalField(_("一般煤矿抽查比例（%）"), max_digits=5, decimal_places=2)
    inspectors_per_mine = models.PositiveSmallIntegerField(_("每矿检查人员数"), default=2)
    status = models.CharField(
        _("状态"), max_length=20, choices=DrawStatus.choices, default=DrawStatus.DRAFT
    )
    commitment = models.CharField(_("种子承诺值（SM3）"), max_length=64, blank=True)
    seed_hex = models.CharField(max_length=64, blank=True)
    inputs = models.JSONField(_("抽取输入"), default=dict, blank=True)
    inputs_digest = models.CharField(_("输入摘要（SM3）"), max_length=64, blank=True)
    result = models.JSONField(_("抽取结果"), default=dict, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    committed_at = models.DateTimeField(_("承诺时间"), null=True, blank=True)
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("双随机抽取")
        verbose_name_plural = _("双随机抽取")

    def __str__(self) -> str:
        return self.title


class DrawExclusion(models.Model):
    """One inspector excluded for one mine, with the reason; published with the draw."""

    draw = models.ForeignKey(RandomDraw, on_delete=models.CASCADE, related_name="exclusions")
    mine = models.ForeignKey(CoalMine, on_delete=models.PROTECT, related_name="+")
    inspector = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("回避事由"), max_length=30, choices=RelationKind.choices)
    reason = models.CharField(_("说明"), max_length=300)
    automatic = models.BooleanField(_("系统识别"), default=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["draw", "mine_id", "inspector_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "mine", "inspector"], name="uniq_draw_exclusion"
            )
        ]
        verbose_name = _("回避记录")
        verbose_name_plural = _("回避记录")

    def __str__(self) -> str:
        return f"{self.mine_id}/{self.inspector_id} {self.get_kind_display()}"


class DrawTask(models.Model):
    """One drawn mine with its drawn inspectors: the task an inspection plan is made for."""

    draw = models.ForeignKey(RandomDraw, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveIntegerField()
    mine = models.ForeignKey(CoalMine, on_delete=models.PROTECT, related_name="+")
    inspectors = models.ManyToManyField(User, related_name="+")
    understaffed = models.BooleanField(_("人员不足"), default=False)

    class Meta:
        ordering = ["draw", "position"]
        verbose_name = _("抽查任务")
        verbose_name_plural = _("抽查任务")

    def __str__(self) -> str:
        return f"{self.draw_id}#{self.position} {self.mine_id}"


class InspectionPlan(models.Model):
    """The inspection plan (检查方案) every on-site inspection needs first (JL-TXT-3a)."""

    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        Agency, verbose_name=_("执法机构"), on_delete=models.PROTECT, related_name="+"
    )
    mine = models.ForeignKey(
        CoalMine, verbose_name=_("被检查煤矿"), on_delete=models.PROTECT, related_name="+"
    )
    items = models.JSONField(_("检查事项"), default=list)
    content = models.TextField(_("检查内容和重点"))
    legal_basis = models.TextField(_("检查依据"), blank=True)
    officers = models.ManyToManyField(User, verbose_name=_("检查人员"), related_name="+")
    planned_start = models.DateField(_("计划开始日期"))
    planned_end = models.DateField(_("计划结束日期"))
    enforcement_plan = models.ForeignKey(
        EnforcementPlan,
        verbose_name=_("所属执法计划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    draw_task = models.OneToOneField(
        DrawTask,
        verbose_name=_("抽查任务"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["planned_start", "agency"])]  # statistics (ADR 0170)
        verbose_name = _("检查方案")
        verbose_name_plural = _("检查方案")

    def __str__(self) -> str:
        return _("%(mine)s检查方案") % {"mine": self.mine}


class Inspection(models.Model):
    """An on-site inspection (现场检查), opened on an approved plan by ≥ 2 certified officers."""

    scope_path_lookup = "agency__path"

    plan = models.OneToOneField(
        InspectionPlan,
        verbose_name=_("检查方案"),
        on_delete=models.PROTECT,
        related_name="inspection",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("执法机构"), on_delete=models.PROTECT, related_name="+"
    )
    mine = models.ForeignKey(
        CoalMine, verbose_name=_("被检查煤矿"), on_delete=models.PROTECT, related_name="+"
    )
    officers = models.ManyToManyField(User, verbose_name=_("检查人员"), related_name="+")
    inspected_on = models.DateField(_("检查日期"))
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    location = models.CharField(_("检查地点"), max_length=200)
    party_present = models.CharField(_("煤矿陪同人员"), max_length=200, blank=True)
    identity_shown = models.BooleanField(_("已出示执法证、表明身份、说明依据和理由"), default=False)
    summary = models.TextField(_("检查情况"), blank=True)
    result_summary = models.TextField(_("检查结果（可公开）"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=InspectionStatus.choices, default=InspectionStatus.OPEN
    )
    record_document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-inspected_on", "-pk"]
        # the statistics (ADR 0170) count by date within an agency subtree
        indexes = [models.Index(fields=["inspected_on", "agency"])]
        verbose_name = _("现场检查")
        verbose_name_plural = _("现场检查")

    def __str__(self) -> str:
        return _("%(mine)s现场检查（%(day)s）") % {"mine": self.mine, "day": self.inspected_on}


class Finding(models.Model):
    """A hazard or violation found, described with a compendium entry plus the concrete facts."""

    scope_path_lookup = "inspection__agency__path"

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    entry = models.ForeignKey(
        ViolationEntry,
        verbose_name=_("汇编条目"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    compendium_version_id = models.PositiveIntegerField(_("汇编版本"))
    entry_code = models.CharField(_("编码"), max_length=40)
    kind = models.CharField(_("类别"), max_length=20, choices=FindingKind.choices)
    description = models.TextField(_("标准描述"))
    violated_provision = models.TextField(_("违反条款"))
    penalty_provision = models.TextField(_("处罚依据"), blank=True)
    facts = models.TextField(_("具体事实"))
    location = models.CharField(_("地点"), max_length=200, blank=True)
    is_major_hazard = models.BooleanField(_("重大事故隐患"), default=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["inspection", "pk"]
        verbose_name = _("检查发现的问题")
        verbose_name_plural = _("检查发现的问题")

    def __str__(self) -> str:
        return f"{self.entry_code} {self.description[:40]}"


class OnsiteMeasureKind(models.TextChoices):
    RECTIFY_WITHIN_LIMIT = "rectify_within_limit", _("责令限期整改")
    ELIMINATE_IMMEDIATELY = "eliminate_immediately", _("责令立即排除事故隐患")
    WITHDRAW_WORKERS = "withdraw_workers", _("责令从危险区域撤出作业人员")
    STOP_USE = "order_stop_use", _("责令暂时停止使用相关设施、设备")


class Verification(models.TextChoices):
    RECTIFIED = "rectified", _("已整改")
    NOT_RECTIFIED = "not_rectified", _("逾期未整改")


class OnsiteMeasure(models.Model):
    """An on-site measure (现场处理措施) with its document and, if it has one, its time limit."""

    scope_path_lookup = "inspection__agency__path"

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="measures")
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("针对的问题"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
    )
    kind = models.CharField(_("措施"), max_length=30, choices=OnsiteMeasureKind.choices)
    content = models.TextField(_("措施内容"))
    days = models.PositiveIntegerField(_("整改期限（日）"), null=True, blank=True)
    due_on = models.DateField(_("整改期限至"), null=True, blank=True)
    due_provisional = models.BooleanField(default=False)
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("作出时间"), auto_now_add=True)
    verification = models.CharField(
        _("复查结果"), max_length=20, choices=Verification.choices, blank=True
    )
    verified_on = models.DateField(_("复查日期"), null=True, blank=True)
    verification_note = models.TextField(_("复查情况"), blank=True)
    verified_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RestrictedManager()

    class Meta:
        ordering = ["inspection", "pk"]
        indexes = [models.Index(fields=["due_on"])]  # statistics: time limits due (ADR 0170)
        verbose_name = _("现场处理措施")
        verbose_name_plural = _("现场处理措施")

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def needs_follow_up(self) -> bool:
        return self.due_on is not None and not self.verification


class LetterKind(models.TextChoices):
    """The two letters an inspection may lead to; the values are document-type catalog codes."""

    SUPERVISION_ADVICE = "supervision_advice", _("加强和改善安全监管建议书")
    MANAGEMENT_OPINION = "management_opinion", _("安全管理意见书")


class LetterStatus(models.TextChoices):
    PENDING = "pending", _("待负责人批准签发")
    ISSUED = "issued", _("已签发，待回复")
    REPLIED = "replied", _("已回复")
    RETURNED = "returned", _("负责人未批准")


class SafetyLetter(models.Model):
    """A 加强和改善安全监管建议书 (to the local government or its safety department) or a
    安全管理意见书 (to the mine), drafted by the inspection team from its findings, issued as a
    numbered document on the head's approval, and followed until the addressee replies."""

    scope_path_lookup = "inspection__agency__path"

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("现场检查"),
        on_delete=models.PROTECT,
        related_name="letters",
    )
    kind = models.CharField(_("文书种类"), max_length=30, choices=LetterKind.choices)
    addressee = models.CharField(_("主送单位"), max_length=200)
    findings = models.ManyToManyField(Finding, verbose_name=_("所依据的问题"), related_name="+")
    problems = models.TextField(_("发现的问题"))
    recommendations = models.TextField(_("建议或意见"))
    reply_days = models.PositiveIntegerField(_("回复期限（日）"))
    reply_due = models.DateField(_("回复期限至"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=LetterStatus.choices, default=LetterStatus.PENDING
    )
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    drafted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    return_reason = models.CharField(_("未批准理由"), max_length=500, blank=True)
    reply_received_on = models.DateField(_("收到回复日期"), null=True, blank=True)
    reply_content = models.TextField(_("回复内容"), blank=True)
    reply_attachment_name = models.CharField(_("回复附件"), max_length=200, blank=True)
    reply_attachment_path = models.CharField(max_length=200, blank=True)
    reply_attachment_sha256 = models.CharField(max_length=64, blank=True)
    reply_attachment_sm3 = models.CharField(max_length=64, blank=True)
    reply_recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RestrictedManager()

    class Meta:
        ordering = ["inspection", "pk"]
        indexes = [models.Index(fields=["status", "reply_due"])]
        verbose_name = _("安全监管建议书和安全管理意见书")
        verbose_name_plural = _("安全监管建议书和安全管理意见书")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.addressee}）"


class KeyMineFlag(models.Model):
    """A head's flag: this mine is a key mine (重点监管) for the random-inspection draws committed
    on or before ``expires_on`` (BZ-6, ADR 0171). The flag moves the mine into the key group of
    the lawful 重点/一般 split; the draw's frozen inputs list every flag in force with its reason,
    so a flag cannot quietly target a mine. Never edited: a new flag is a new row."""

    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        Agency, verbose_name=_("标记机构"), on_delete=models.PROTECT, related_name="+"
    )
    mine = models.ForeignKey(
        CoalMine, verbose_name=_("煤矿"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("标记理由"), max_length=300)
    expires_on = models.DateField(_("有效期至"))
    flagged_by = models.ForeignKey(
        User, verbose_name=_("标记人"), on_delete=models.PROTECT, related_name="+"
    )
    flagged_at = models.DateTimeField(_("标记时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-flagged_at", "-pk"]
        verbose_name = _("重点煤矿标记")
        verbose_name_plural = _("重点煤矿标记")
        indexes = [models.Index(fields=["mine", "expires_on"])]

    def __str__(self) -> str:
        return _("%(mine)s 列为重点监管煤矿（至%(day)s）") % {
            "mine": self.mine,
            "day": self.expires_on,
        }


class ShowingAct(models.TextChoices):
    """The on-site acts at which officers show their certificates (GS-MID-1)."""

    INSPECTION = "inspection", _("现场检查")
    INQUIRY = "inquiry", _("询问")
    SURVEY = "survey", _("勘验")
    EVIDENCE_PRESERVATION = "evidence_preservation", _("证据先行登记保存")
    SAMPLING = "sampling", _("抽样取证")
    SEALING = "sealing", _("查封扣押")
    EMERGENCY_MEASURE = "emergency_measure", _("紧急措施")
    SERVICE = "service", _("送达")


class CertificateShowing(models.Model):
    """One officer's showing of his enforcement certificate, with the statement of identity,
    basis and reasons, at one on-site act (GS-MID-1; ADR 0210).

    The certificate number is copied as it was valid that day, so the printed record keeps
    saying which certificate was shown after the certificate is renewed or withdrawn. The act
    is referred to as the ledger refers to objects (``subject_type``/``subject_id``): the acts
    live in two apps (inspections, cases)."""

    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        Agency, verbose_name=_("执法机构"), on_delete=models.PROTECT, related_name="+"
    )
    act = models.CharField(_("执法环节"), max_length=30, choices=ShowingAct.choices)
    subject_type = models.CharField(_("对象类别"), max_length=60)
    subject_id = models.CharField(_("对象"), max_length=40)
    officer = models.ForeignKey(
        User, verbose_name=_("出示证件的执法人员"), on_delete=models.PROTECT, related_name="+"
    )
    certificate = models.ForeignKey(
        "org.Certificate", verbose_name=_("执法证"), on_delete=models.PROTECT, related_name="+"
    )
    certificate_number = models.CharField(_("执法证号"), max_length=30)
    shown_at = models.DateTimeField(_("出示时间"))
    shown_to = models.CharField(_("出示对象"), max_length=200)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["shown_at", "pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        verbose_name = _("出示执法证件记录")
        verbose_name_plural = _("出示执法证件记录")

    def __str__(self) -> str:
        return _("%(officer)s出示执法证（%(number)s）") % {
            "officer": self.officer,
            "number": self.certificate_number,
        }
