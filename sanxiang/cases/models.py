"""Administrative penalty cases: the case, its proposed decisions, the legal-review clearances
that let a major decision through, and the records of its steps.

Written only by ``services.py`` and ``gate.py``; every write is a ledger event. Deadlines are
stored with their ``*_provisional`` flag (the calendar could not confirm the year, ADR 0002).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.catalog.major import MeasureKind, PartyKind
from sanxiang.core.confidentiality import Confidentiality
from sanxiang.core.querysets import RestrictedManager
from sanxiang.documents.models import Document
from sanxiang.inspections.models import Finding, Inspection
from sanxiang.org.models import Agency
from sanxiang.registry.models import CoalMine, Person

from .appeal_workflow import AppealKind, AppealStatus, TransferStatus
from .branch_workflow import BranchKind, BranchStatus
from .workflow import CaseStatus

User = settings.AUTH_USER_MODEL
ZERO = Decimal("0.00")


class PenaltyKind(models.TextChoices):
    """处罚类别 (行政处罚法第九条; 行政拘留 is not a coal-mine safety agency's)."""

    WARNING = "warning", _("警告")
    CRITICISM = "criticism", _("通报批评")
    FINE = "fine", _("罚款")
    CONFISCATE_GAINS = "confiscate_gains", _("没收违法所得")
    CONFISCATE_PROPERTY = "confiscate_property", _("没收非法财物")
    LICENCE_SUSPEND = "licence_suspend", _("暂扣许可证件")
    DOWNGRADE = "downgrade", _("降低资质等级")
    LICENCE_REVOKE = "licence_revoke", _("吊销许可证件")
    RESTRICT_BUSINESS = "restrict_business", _("限制开展生产经营活动")
    SUSPEND_PRODUCTION = "suspend_production", _("责令停产停业")
    ORDER_CLOSURE = "order_closure", _("责令关闭")
    RESTRICT_PRACTICE = "restrict_practice", _("限制从业")
    OTHER = "other", _("其他行政处罚")


# 行政处罚法第六十三条: kinds always within the hearing scope. Whether a fine or confiscation is
# of a "较大数额" is set by local rules, so for those the officer decides (the form suggests).
HEARING_KINDS = frozenset(
    {
        PenaltyKind.DOWNGRADE,
        PenaltyKind.LICENCE_REVOKE,
        PenaltyKind.SUSPEND_PRODUCTION,
        PenaltyKind.ORDER_CLOSURE,
        PenaltyKind.RESTRICT_PRACTICE,
    }
)


class Case(models.Model):
    """A penalty case (行政处罚案件) against one party, filed from findings."""

    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        Agency, verbose_name=_("办案机构"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=30, choices=CaseStatus.choices, default=CaseStatus.FILING_PENDING
    )
    cause = models.CharField(_("案由"), max_length=200)
    party_kind = models.CharField(_("当事人类别"), max_length=20, choices=PartyKind.choices)
    mine = models.ForeignKey(
        CoalMine,
        verbose_name=_("当事煤矿"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("当事人（自然人）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("案件来源（现场检查）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    findings = models.ManyToManyField(Finding, verbose_name=_("违法事实"), related_name="cases")
    officers = models.ManyToManyField(User, verbose_name=_("承办人员"), related_name="+")
    complex_case = models.BooleanField(_("涉及多个法律关系或疑难复杂"), default=False)
    complex_reason = models.CharField(_("疑难复杂情形说明"), max_length=300, blank=True)
    status_reason = models.CharField(_("退回、补充调查或不予立案理由"), max_length=500, blank=True)
    confidentiality = models.CharField(
        _("密级"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.ORDINARY,
    )

    filed_on = models.DateField(_("立案日期"), null=True, blank=True)
    notified_at = models.DateTimeField(_("告知时间"), null=True, blank=True)
    statement_due = models.DateField(_("陈述申辩期限至"), null=True, blank=True)
    statement_due_provisional = models.BooleanField(default=False)
    hearing_applicable = models.BooleanField(_("属于听证范围"), default=False)
    hearing_request_due = models.DateField(_("听证申请期限至"), null=True, blank=True)
    hearing_request_due_provisional = models.BooleanField(default=False)
    rights_waived = models.BooleanField(_("当事人放弃陈述申辩和听证"), default=False)
    hearing_requested_on = models.DateField(_("申请听证日期"), null=True, blank=True)
    hearing_held_on = models.DateField(_("听证日期"), null=True, blank=True)
    hearing_host = models.ForeignKey(
        User,
        verbose_name=_("听证主持人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decision_document = models.ForeignKey(
        Document,
        verbose_name=_("行政处罚决定书"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    publication_due = models.DateField(_("公示期限至"), null=True, blank=True)
    publication_due_provisional = models.BooleanField(default=False)
    fine_amount = models.DecimalField(
        _("罚款金额（元）"), max_digits=14, decimal_places=2, default=ZERO
    )
    served_on = models.DateField(_("送达日期"), null=True, blank=True)
    payment_due = models.DateField(_("缴款期限至"), null=True, blank=True)
    payment_due_provisional = models.BooleanField(default=False)
    additional_fine_total = models.DecimalField(
        _("加处罚款（元）"), max_digits=14, decimal_places=2, default=ZERO
    )
    paid_total = models.DecimalField(_("已缴（元）"), max_digits=14, decimal_places=2, default=ZERO)
    enforcement_applied_on = models.DateField(_("申请强制执行日期"), null=True, blank=True)

    needs_post_review = models.BooleanField(_("紧急措施待事后法制审核"), default=False)
    post_review_due = models.DateField(_("事后法制审核期限至"), null=True, blank=True)
    post_review_due_provisional = models.BooleanField(default=False)

    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    closure_summary = models.TextField(_("结案情况"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("提请立案时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["agency", "status"]),
            # the statistics count filed / decided / closed cases by date (ADR 0170)
            models.Index(fields=["filed_on"]),
            models.Index(fields=["decided_on"]),
            models.Index(fields=["closed_on"]),
        ]
        verbose_name = _("行政处罚案件")
        verbose_name_plural = _("行政处罚案件")

    def __str__(self) -> str:
        return self.cause

    @property
    def party(self) -> CoalMine | Person | None:
        return self.person if self.party_kind == PartyKind.INDIVIDUAL else self.mine

    @property
    def amount_due(self) -> Decimal:
        return self.fine_amount + self.additional_fine_total

    @property
    def outstanding(self) -> Decimal:
        return max(self.amount_due - self.paid_total, ZERO)


class ProposalKind(models.TextChoices):
    PENALTY = "penalty", _("行政处罚决定")
    ADDITIONAL_FINE = "additional_fine", _("加处罚款决定")
    COURT_ENFORCEMENT = "court_enforcement", _("申请人民法院强制执行")
    EMERGENCY_MEASURE = "emergency_measure", _("紧急措施")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("拟作出")
    DECIDED = "decided", _("已作出")
    SUPERSEDED = "superseded", _("已被替代")


class Proposal(models.Model):
    """A decision the case side proposes (拟作出的决定): what legal review reviews.

    ``content`` is canonical and ``digest`` its SM3: a review clearance names the digest it
    passed, so a proposal changed after review no longer passes the gate.
    """

    scope_path_lookup = "case__agency__path"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="proposals")
    kind = models.CharField(_("决定类别"), max_length=30, choices=ProposalKind.choices)
    content = models.JSONField(_("拟决定内容"), default=dict)
    digest = models.CharField(_("内容摘要（SM3）"), max_length=64)
    major = models.BooleanField(_("重大执法决定"), default=False)
    major_matches = models.JSONField(_("重大执法决定事项"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("作出时间"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["case", "pk"]
        indexes = [models.Index(fields=["kind", "status", "decided_at"])]  # statistics (ADR 0170)
        verbose_name = _("拟作出的决定")
        verbose_name_plural = _("拟作出的决定")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.digest[:12]}"


class ReviewClearance(models.Model):
    """SH-SCOPE-1: a passed legal review of one proposal, as its digest stood when reviewed.

    Written only by :func:`sanxiang.cases.gate.review_clearance_record`, which the legal-review
    app calls when a review opinion approves (or, for an emergency measure, reviews afterwards).
    """

    scope_path_lookup = "case__agency__path"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="clearances")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="clearances")
    proposal_digest = models.CharField(_("所审内容摘要"), max_length=64)
    reviewer = models.ForeignKey(
        User, verbose_name=_("法制审核人员"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"))
    opinion_reference = models.CharField(_("法制审核意见书（文号或编号）"), max_length=100)
    opinion_summary = models.TextField(_("审核意见摘要"), blank=True)
    post_review = models.BooleanField(_("事后审核"), default=False)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("法制审核通过记录")
        verbose_name_plural = _("法制审核通过记录")

    def __str__(self) -> str:
        return self.opinion_reference


class ActKind(models.TextChoices):
    INQUIRY = "inquiry", _("询问")
    SURVEY = "survey", _("勘验")
    EVIDENCE_PRESERVATION = "evidence_preservation", _("证据先行登记保存")
    SAMPLING = "sampling", _("抽样取证")
    EMERGENCY_MEASURE = "emergency_measure", _("紧急措施")


class EmergencyMeasure(models.TextChoices):
    """Measures for a major hazard that may be executed first and reviewed afterwards."""

    SEALING = MeasureKind.SEALING.value, MeasureKind.SEALING.label
    SEIZURE = MeasureKind.SEIZURE.value, MeasureKind.SEIZURE.label
    STOP_POWER_SUPPLY = MeasureKind.STOP_POWER_SUPPLY.value, MeasureKind.STOP_POWER_SUPPLY.label
    STOP_EXPLOSIVES_SUPPLY = (
        MeasureKind.STOP_EXPLOSIVES_SUPPLY.value,
        MeasureKind.STOP_EXPLOSIVES_SUPPLY.label,
    )
    WITHDRAW_WORKERS = MeasureKind.WITHDRAW_WORKERS.value, MeasureKind.WITHDRAW_WORKERS.label
    ORDER_STOP_USE = MeasureKind.ORDER_STOP_USE.value, MeasureKind.ORDER_STOP_USE.label


class CaseAct(models.Model):
    """An investigation act or an emergency measure, with the officers present and its window."""

    scope_path_lookup = "case__agency__path"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="acts")
    kind = models.CharField(_("类别"), max_length=30, choices=ActKind.choices)
    measure = models.CharField(
        _("措施"), max_length=40, choices=EmergencyMeasure.choices, blank=True
    )
    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content = models.TextField(_("内容"))
    location = models.CharField(_("地点"), max_length=200, blank=True)
    # 询问笔录: the person questioned (name, gender, ID number, work, address, phone) and his
    # answer to the recusal question, as printed in the record's identity block (ADR 0211)
    questioned = models.JSONField(_("被询问人"), default=dict, blank=True)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"))
    officers = models.ManyToManyField(User, verbose_name=_("执法人员"), related_name="+")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["case", "started_at", "pk"]
        verbose_name = _("调查取证和紧急措施")
        verbose_name_plural = _("调查取证和紧急措施")

    def __str__(self) -> str:
        return self.get_measure_display() or self.get_kind_display()


class StatementKind(models.TextChoices):
    STATEMENT = "statement", _("陈述")
    DEFENCE = "defence", _("申辩")
    WAIVER = "waiver", _("放弃陈述申辩和听证")


class Statement(models.Model):
    """The party's statement, defence, or written waiver after the prior notice (GS-MID-2)."""

    scope_path_lookup = "case__agency__path"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="statements")
    kind = models.CharField(_("类别"), max_length=20, choices=StatementKind.choices)
    content = models.TextField(_("内容"))
    received_on = models.DateField(_("收到日期"))
    adopted = models.BooleanField(_("意见被采纳"), default=False)
    handling = models.TextField(_("复核意见"), blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["case", "received_on", "pk"]
        verbose_name = _("陈述申辩")
        verbose_name_plural = _("陈述申辩")

    def __str__(self) -> str:
        return self.get_kind_display()


class ServiceMethod(models.TextChoices):
    DIRECT = "direct", _("直接送达")
    LEFT = "left", _("留置送达")
    MAIL = "mail", _("邮寄送达")
    ELECTRONIC = "electronic", _("电子送达")
    ENTRUSTED = "entrusted", _("委托送达")
    PUBLIC_NOTICE = "public_notice", _("公告送达")


IN_PERSON_METHODS = frozenset({ServiceMethod.DIRECT, ServiceMethod.LEFT})


class ServiceRecord(models.Model):
    """Service of a document on the party, with the receipt issued for it (送达回执)."""

    scope_path_lookup = "case__agency__path"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="services")
    document = models.ForeignKey(
        Document, verbose_name=_("送达文书"), on_delete=models.PROTECT, related_name="+"
    )
    served_on = models.DateField(_("送达日期"))
    method = models.CharField(_("送达方式"), max_length=20, choices=ServiceMethod.choices)
    recipient = models.CharField(_("受送达人（签收人）"), max_length=100)
    place = models.CharField(_("送达地点"), max_length=200, blank=True)
    officers = models.ManyToManyField(User, verbose_name=_("送达人"), related_name="+")
    receipt = models.ForeignKey(
        Document, verbose_name=_("送达回执"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["case", "served_on", "pk"]
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.served_on}"


class Payment(models.Model):
    """A payment of the fine (and additional fine), with the bank's receipt reference."""

    scope_path_lookup = "case__agency__path"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("缴款日期"))
    reference = models.CharField(_("缴款凭证号"), max_length=100)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["case", "paid_on", "pk"]
        indexes = [models.Index(fields=["paid_on"])]  # statistics: fines collected (ADR 0170)
        verbose_name = _("缴款记录")
        verbose_name_plural = _("缴款记录")

    def __str__(self) -> str:
        return f"{self.amount} {self.paid_on}"


class Appeal(models.Model):
    """GS-POST-2: a reconsideration or a lawsuit against the case's decision, and its effective
    outcome (``appeals.py``). While pending it holds the case's archive (ADR 0130)."""

    scope_path_lookup = "case__agency__path"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="appeals")
    kind = models.CharField(_("救济方式"), max_length=20, choices=AppealKind.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    applicant = models.CharField(_("申请人（原告）"), max_length=200)
    body = models.CharField(_("复议机关（人民法院）"), max_length=200)
    reference = models.CharField(_("案号"), max_length=100, blank=True)
    filed_on = models.DateField(_("申请（起诉）日期"))
    outcome = models.CharField(_("结果"), max_length=20, blank=True)
    outcome_name = models.CharField(_("结果"), max_length=100, blank=True)
    outcome_effect = models.CharField(max_length=10, blank=True)
    outcome_document_number = models.CharField(_("生效文书文号"), max_length=100, blank=True)
    outcome_decided_on = models.DateField(_("作出日期"), null=True, blank=True)
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    received_on = models.DateField(_("本机关收到日期"), null=True, blank=True)
    outcome_summary = models.TextField(_("结果摘要"), blank=True)
    document_path = models.CharField(max_length=200, blank=True)
    document_name = models.CharField(_("生效文书"), max_length=200, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    document_sm3 = models.CharField(max_length=64, blank=True)
    withdrawal_due = models.DateField(_("撤下公示期限至"), null=True, blank=True)
    withdrawal_due_provisional = models.BooleanField(default=False)
    publication_id_withdrawn = models.PositiveIntegerField(null=True, blank=True)
    new_publication_id = models.PositiveIntegerField(null=True, blank=True)
    hold_id = models.PositiveIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    concluded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    concluded_at = models.DateTimeField(_("登记结果时间"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["case", "filed_on", "pk"]
        verbose_name = _("行政复议、行政诉讼")
        verbose_name_plural = _("行政复议、行政诉讼")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference or self.filed_on}"


class CriminalTransfer(models.Model):
    """行刑衔接: a suspected crime found in the case, the head's decision within 3 days of the
    report and the transfer to the public security organ within 24 hours of approval
    (《行政执法机关移送涉嫌犯罪案件的规定》第五条; ``transfers.py``)."""

    scope_path_lookup = "case__agency__path"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="criminal_transfers")
    status = models.CharField(
        _("状态"), max_length=20, choices=TransferStatus.choices, default=TransferStatus.REPORTED
    )
    suspected_crime = models.CharField(_("涉嫌罪名"), max_length=100)
    facts = models.TextField(_("涉嫌犯罪的事实和理由"))
    reported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("报告时间"))
    decision_due = models.DateField(_("负责人决定期限至"))
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_late = models.BooleanField(_("决定逾期"), default=False)
    opinion = models.CharField(_("负责人意见"), max_length=500, blank=True)
    transfer_due = models.DateTimeField(_("移送期限至"), null=True, blank=True)
    receiving_organ = models.CharField(_("接收的公安机关"), max_length=200, blank=True)
    transferred_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    transferred_at = models.DateTimeField(_("移送时间"), null=True, blank=True)
    transfer_late = models.BooleanField(_("移送逾期"), default=False)
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RestrictedManager()

    class Meta:
        ordering = ["case", "reported_at", "pk"]
        verbose_name = _("涉嫌犯罪案件移送")
        verbose_name_plural = _("涉嫌犯罪案件移送")

    def __str__(self) -> str:
        return f"{self.suspected_crime}（{self.get_status_display()}）"


class CaseBranch(models.Model):
    """A procedure branch of a case (ADR 0205, ``branch_workflow``): a simple-procedure decision,
    an evidence preservation, a sealing with its term, a payment deferral, a recusal or an
    extension of the case time limit. ``due_on`` is the branch's limit (the handling decision,
    the end of the sealing term); ``late`` records a step taken after it. Written only by
    ``branches.py``."""

    scope_path_lookup = "case__agency__path"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="branches")
    kind = models.CharField(_("类别"), max_length=20, choices=BranchKind.choices)
    status = models.CharField(_("状态"), max_length=20, choices=BranchStatus.choices)
    started_on = models.DateField(_("开始日期"))
    due_on = models.DateField(_("期限至"), null=True, blank=True)
    due_provisional = models.BooleanField(default=False)
    extended = models.BooleanField(_("已延长"), default=False)
    late = models.BooleanField(_("逾期"), default=False)
    subject = models.CharField(_("事项"), max_length=500)
    details = models.JSONField(_("内容"), default=dict, blank=True)
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["case", "started_on", "pk"]
        verbose_name = _("程序分支")
        verbose_name_plural = _("程序分支")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.get_status_display()}）"
