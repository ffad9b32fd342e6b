"""Legal review of major decisions (法制审核, section 五 of the Measures).

A ``Review`` follows one proposed decision of a case (its kind; for an emergency measure
executed first, that one measure) through rounds. Each round is a frozen ``Submission``:
the proposal with its digest and content as submitted, the case report, the manifest of
documents and recordings with their digests, the case side's answer to the last opinion and
the submitting officer's declaration (SH-RESP-4). Later edits make a new submission; no service
ever changes one. Per round: checklist answers (SH-CONT-1), hearings of the party or
investigations (SH-RESP-2), and one written opinion (SH-CONT-2). Disagreement: a ``Contest``,
written ``Argument``s, and the heads' ``CollectiveDecision`` (SH-RESP-3).

Written only by ``services.py``; every write is a ledger event.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.cases.models import Case, Proposal, ProposalKind
from sanxiang.core.querysets import RestrictedManager
from sanxiang.documents.models import Document
from sanxiang.org.models import Agency, LegalAdviser

from .workflow import ReviewStatus

User = settings.AUTH_USER_MODEL


class Review(models.Model):
    """The legal review of one proposed decision, across its rounds."""

    scope_path_lookup = "case__agency__path"

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("决定类别"), max_length=30, choices=ProposalKind.choices)
    post_review = models.BooleanField(_("紧急措施事后审核"), default=False)
    reviewing_agency = models.ForeignKey(
        Agency, verbose_name=_("法制审核机构"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=30, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED
    )
    status_reason = models.TextField(_("退回补正或撤回理由"), blank=True)
    round = models.PositiveIntegerField(_("送审轮次"), default=1)
    reviewer = models.ForeignKey(
        User,
        verbose_name=_("审核人员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("分配时间"), null=True, blank=True)
    received_on = models.DateField(_("收到齐全材料日期"), null=True, blank=True)
    due_on = models.DateField(_("审核期限至"), null=True, blank=True)
    due_provisional = models.BooleanField(default=False)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("首次送审时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["reviewing_agency", "status"])]
        verbose_name = _("法制审核")
        verbose_name_plural = _("法制审核")

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()}"

    @property
    def current_submission(self) -> Submission | None:
        return self.submissions.filter(round=self.round).first()


class Submission(models.Model):
    """One round of a review: what the case side submitted, frozen (SH-CONT-2, SH-RESP-4)."""

    scope_path_lookup = "review__case__agency__path"

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="submissions")
    round = models.PositiveIntegerField(_("轮次"))
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("拟作出的决定"), on_delete=models.PROTECT, related_name="+"
    )
    proposal_digest = models.CharField(_("拟决定内容摘要（SM3）"), max_length=64)
    proposal_content = models.JSONField(_("拟决定内容"), default=dict)
    major_matches = models.JSONField(_("重大执法决定事项"), default=list, blank=True)
    case_report = models.ForeignKey(
        Document,
        verbose_name=_("案件处理呈报书"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    materials = models.JSONField(_("送审材料清单"), default=list, blank=True)
    materials_note = models.TextField(_("其他材料说明"), blank=True)
    response = models.TextField(_("对审核意见的研究处理情况"), blank=True)
    declaration = models.TextField(_("送审声明"))
    declared_by = models.ForeignKey(
        User, verbose_name=_("送审人"), on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField(_("送审时间"))
    digest = models.CharField(_("送审清单摘要（SM3）"), max_length=64)

    objects = RestrictedManager()

    class Meta:
        ordering = ["review", "round"]
        constraints = [
            models.UniqueConstraint(fields=["review", "round"], name="uniq_review_round")
        ]
        verbose_name = _("送审材料")
        verbose_name_plural = _("送审材料")

    def __str__(self) -> str:
        return _("第%(n)d轮送审") % {"n": self.round}


class ChecklistItem(models.TextChoices):
    """SH-CONT-1: what the review checks (实施办法五（三）1（1）–（9））."""

    SUBJECT = "subject", _("执法主体是否合法")
    CERTIFICATES = "certificates", _("执法人员的执法证件是否有效")
    PROCEDURE = "procedure", _("执法程序是否合法")
    FACTS_EVIDENCE = "facts_evidence", _("案件事实是否清楚，证据是否合法充分")
    LAW_DISCRETION = "law_discretion", _("适用法律、法规、规章是否准确，裁量基准运用是否适当")
    POWERS = "powers", _("执法是否超越法定权限")
    DOCUMENTS = "documents", _("执法文书是否完备、规范")
    CRIME_TRANSFER = "crime_transfer", _("违法行为是否涉嫌犯罪需要移送公安司法机关")
    OTHER = "other", _("其他需要审核的内容")


class Finding(models.TextChoices):
    OK = "ok", _("无问题")
    PROBLEM = "problem", _("有问题")
    NOT_APPLICABLE = "not_applicable", _("不涉及")


class ChecklistAnswer(models.Model):
    scope_path_lookup = "submission__review__case__agency__path"

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="answers")
    item = models.CharField(_("审核要点"), max_length=30, choices=ChecklistItem.choices)
    finding = models.CharField(_("审核结论"), max_length=20, choices=Finding.choices)
    notes = models.TextField(_("说明"), blank=True)
    answered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("填写时间"))

    objects = RestrictedManager()

    class Meta:
        ordering = ["submission", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "item"], name="uniq_checklist_item")
        ]
        verbose_name = _("审核要点")
        verbose_name_plural = _("审核要点")

    def __str__(self) -> str:
        return f"{self.get_item_display()}：{self.get_finding_display()}"


class InquiryKind(models.TextChoices):
    HEAR_PARTY = "hear_party", _("向当事人了解情况")
    INVESTIGATE = "investigate", _("调查取证")


class Inquiry(models.Model):
    """SH-RESP-2: review is mainly on paper; the reviewer may hear the party or investigate."""

    scope_path_lookup = "submission__review__case__agency__path"

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="inquiries")
    kind = models.CharField(_("方式"), max_length=20, choices=InquiryKind.choices)
    occurred_on = models.DateField(_("日期"))
    persons = models.CharField(_("对象和参加人"), max_length=300)
    content = models.TextField(_("情况记录"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["submission", "occurred_on", "pk"]
        verbose_name = _("了解情况和调查取证")
        verbose_name_plural = _("了解情况和调查取证")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class Extension(models.Model):
    """SH-RESP-2: the one extension of 5 working days a head may approve per round."""

    scope_path_lookup = "review__case__agency__path"

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="extensions")
    round = models.PositiveIntegerField(_("轮次"))
    reason = models.CharField(_("延长理由"), max_length=500)
    previous_due_on = models.DateField(_("原期限"))
    due_on = models.DateField(_("延长至"))
    due_provisional = models.BooleanField(default=False)
    approved_by = models.ForeignKey(
        User, verbose_name=_("批准人"), on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("批准时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["review", "round"]
        constraints = [
            models.UniqueConstraint(fields=["review", "round"], name="uniq_extension_round")
        ]
        verbose_name = _("延长审核期限")
        verbose_name_plural = _("延长审核期限")

    def __str__(self) -> str:
        return f"{self.previous_due_on} → {self.due_on}"


class OpinionKind(models.TextChoices):
    """SH-CONT-2: the four written opinions (实施办法五（三）2（1）–（4））."""

    APPROVE = "approve", _("同意")
    INVESTIGATE = "investigate", _("继续调查或不予作出决定")
    CHANGE = "change", _("变更")
    CORRECT = "correct", _("纠正")


class ChangeGround(models.TextChoices):
    CHARACTERISATION = "characterisation", _("定性不准")
    LAW = "law", _("适用法律不准确")
    DISCRETION = "discretion", _("执行裁量基准不当")


class Opinion(models.Model):
    """The written review opinion of one round (法制审核意见书), with the round's timing."""

    scope_path_lookup = "review__case__agency__path"

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="opinions")
    submission = models.OneToOneField(Submission, on_delete=models.PROTECT, related_name="opinion")
    kind = models.CharField(_("审核意见"), max_length=20, choices=OpinionKind.choices)
    do_not_decide = models.BooleanField(_("建议不予作出行政执法决定"), default=False)
    grounds = models.JSONField(_("变更理由类别"), default=list, blank=True)
    reasons = models.TextField(_("理由"))
    proposed_change = models.TextField(_("变更或纠正的具体意见"), blank=True)
    document = models.ForeignKey(
        Document, verbose_name=_("法制审核意见书"), on_delete=models.PROTECT, related_name="+"
    )
    reviewer = models.ForeignKey(
        User, verbose_name=_("审核人员"), on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(_("提出日期"))
    received_on = models.DateField(_("收到齐全材料日期"))
    due_on = models.DateField(_("审核期限至"))
    extended = models.BooleanField(_("经批准延长"), default=False)
    working_days = models.PositiveIntegerField(_("用时（工作日）"))
    overdue = models.BooleanField(_("超期"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["review", "pk"]
        verbose_name = _("法制审核意见")
        verbose_name_plural = _("法制审核意见")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.document.number or ''}".strip()

    @property
    def approves(self) -> bool:
        return self.kind == OpinionKind.APPROVE


class Contest(models.Model):
    """SH-RESP-3: the case side disagrees with an opinion."""

    scope_path_lookup = "review__case__agency__path"

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="contests")
    opinion = models.OneToOneField(Opinion, on_delete=models.PROTECT, related_name="contest")
    reasons = models.TextField(_("异议理由"))
    raised_by = models.ForeignKey(
        User, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["review", "pk"]
        verbose_name = _("对审核意见的异议")
        verbose_name_plural = _("对审核意见的异议")

    def __str__(self) -> str:
        return str(self.opinion)


class ArgumentSource(models.TextChoices):
    EXPERT = "expert", _("有关专家")
    LEGAL_ADVISER = "legal_adviser", _("法律顾问或公职律师")
    THIRD_PARTY = "third_party", _("第三方专业机构")


class Argument(models.Model):
    """A written argument (论证意见) by an expert, a legal adviser or a third party."""

    scope_path_lookup = "review__case__agency__path"

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="arguments")
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="arguments")
    source = models.CharField(_("论证方"), max_length=20, choices=ArgumentSource.choices)
    adviser = models.ForeignKey(
        LegalAdviser,
        verbose_name=_("法律顾问"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    author = models.CharField(_("论证人"), max_length=100)
    organisation = models.CharField(_("工作单位或机构"), max_length=200, blank=True)
    content = models.TextField(_("书面论证意见"))
    received_on = models.DateField(_("收到日期"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["review", "received_on", "pk"]
        verbose_name = _("论证意见")
        verbose_name_plural = _("论证意见")

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.author}"


class CollectiveOutcome(models.TextChoices):
    PROCEED = "proceed", _("按拟作出的决定办理")
    ADOPT_OPINION = "adopt_opinion", _("采纳法制审核意见")
    OTHER = "other", _("其他决定")


class CollectiveDecision(models.Model):
    """SH-RESP-3: the heads decide collectively (集体讨论记录)."""

    scope_path_lookup = "review__case__agency__path"

    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, related_name="collective_decisions"
    )
    contest = models.OneToOneField(
        Contest, on_delete=models.PROTECT, related_name="collective_decision"
    )
    held_on = models.DateField(_("讨论日期"))
    participants = models.ManyToManyField(
        User, verbose_name=_("参加讨论的负责人"), related_name="+"
    )
    attendees = models.CharField(_("列席人员"), max_length=500, blank=True)
    outcome = models.CharField(_("讨论决定"), max_length=20, choices=CollectiveOutcome.choices)
    decision = models.TextField(_("决定内容"))
    minutes = models.TextField(_("讨论记录"))
    proposal_digest = models.CharField(_("讨论的拟决定内容摘要"), max_length=64)
    document = models.ForeignKey(
        Document, verbose_name=_("集体讨论记录"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        User, verbose_name=_("主持人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["review", "pk"]
        verbose_name = _("集体讨论决定")
        verbose_name_plural = _("集体讨论决定")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.document.number or ''}".strip()


class AlertKind(models.TextChoices):
    DUE_SOON = "due_soon", _("审核期限即将届满")
    OVERDUE = "overdue", _("审核超期（已报负责人）")
    POST_REVIEW_DUE_SOON = "post_review_due_soon", _("紧急措施事后审核即将到期")
    POST_REVIEW_OVERDUE = "post_review_overdue", _("紧急措施事后审核超期（已报负责人）")


OVERDUE_KINDS = frozenset({AlertKind.OVERDUE, AlertKind.POST_REVIEW_OVERDUE})


class ReviewAlert(models.Model):
    """A reminder before a review's due date, or an escalation when it has passed.

    Computed by ``alerts.alerts_refresh`` (a task and ``manage.py review_alerts``): one row per
    review, round, due date and kind (``key``), so running it again changes nothing; resolved
    when the condition no longer holds. Dashboards are the channel (no mail server).
    """

    scope_path_lookup = "case__agency__path"

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(_("类别"), max_length=30, choices=AlertKind.choices)
    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="+"
    )
    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("法制审核机构"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("期限至"))
    message = models.CharField(_("内容"), max_length=300)
    raised_on = models.DateField(_("提醒日期"))
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["resolved_at", "due_on", "pk"]
        verbose_name = _("审核期限提醒")
        verbose_name_plural = _("审核期限提醒")

    def __str__(self) -> str:
        return self.message

    @property
    def escalated(self) -> bool:
        return self.kind in OVERDUE_KINDS
