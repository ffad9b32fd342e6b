"""Result publications (事后公开): the publication pipeline, its versions and redactions, the
public search table, and the annual enforcement report.

``Publication`` is the working copy, staff-only: its ``fields`` hold the 双公示 layout values as
drafted from the decision, personal data included. What the public sees is a
``PublicationVersion`` (redacted values only), fixed when the head approves; the portal reads
versions and the ``PublicEntry`` search table, never ``Publication.fields``. Written only by
``services.py``; every write is a ledger event.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanxiang.core.querysets import RestrictedManager
from sanxiang.org.models import Agency
from sanxiang.registry.models import CoalMine, Person

from .fields import Category, InfoClass
from .workflow import PublicationStatus, ReportStatus

User = settings.AUTH_USER_MODEL
MANUAL = "manual"


class PartyKind(models.TextChoices):
    MINE = "mine", _("煤矿（单位）")
    INDIVIDUAL = "individual", _("自然人")
    OTHER = "other", _("其他单位")


class WithdrawalReason(models.TextChoices):
    """GS-POST-2 / 行政处罚法第四十八条: why a published decision is taken down."""

    REVOKED = "revoked", _("决定被依法撤销")
    CONFIRMED_UNLAWFUL = "confirmed_unlawful", _("决定被确认违法")
    CONFIRMED_VOID = "confirmed_void", _("决定被确认无效")
    REMADE = "remade", _("决定被责令重新作出")
    CHANGED = "changed", _("决定被依法变更")
    ERROR = "error", _("公示信息有误")
    OTHER = "other", _("其他")


class Publication(models.Model):
    """One enforcement decision to be published, from draft to release and beyond."""

    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        Agency, verbose_name=_("公示机构"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    status = models.CharField(
        _("状态"),
        max_length=30,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
    )
    source_type = models.CharField(_("来源"), max_length=60, default=MANUAL)
    source_id = models.CharField(_("来源编号"), max_length=64, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    party_kind = models.CharField(
        _("当事人类别"), max_length=20, choices=PartyKind.choices, default=PartyKind.MINE
    )
    mine = models.ForeignKey(
        CoalMine,
        verbose_name=_("煤矿"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("自然人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    region = models.CharField(_("行政区划代码"), max_length=6, blank=True)
    decided_on = models.DateField(_("决定日期"))
    due_on = models.DateField(_("公示期限至"))
    due_provisional = models.BooleanField(default=False)
    fields = models.JSONField(_("公示字段（原文）"), default=dict)
    field_classes = models.JSONField(_("字段信息类别"), default=dict, blank=True)
    revision = models.PositiveIntegerField(_("版本"), default=1)
    change_note = models.CharField(_("修订说明"), max_length=500, blank=True)
    status_reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认区分处理时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    review_opinion = models.CharField(_("审查意见"), max_length=500, blank=True)
    approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    approval_opinion = models.CharField(_("审批意见"), max_length=500, blank=True)
    live_version = models.ForeignKey(
        "PublicationVersion",
        verbose_name=_("公示中的版本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    first_published_at = models.DateTimeField(_("首次公布时间"), null=True, blank=True)
    publicity_until = models.DateField(_("公示截止期"), null=True, blank=True)
    withdrawal_reason_kind = models.CharField(
        _("撤下事由"), max_length=30, choices=WithdrawalReason.choices, blank=True
    )
    withdrawal_reason = models.CharField(_("撤下理由"), max_length=500, blank=True)
    withdrawal_basis = models.CharField(_("撤下依据（文书）"), max_length=200, blank=True)
    revoked_on = models.DateField(_("决定被撤销（变更）日期"), null=True, blank=True)
    withdrawal_due = models.DateField(_("撤下期限至"), null=True, blank=True)
    withdrawal_due_provisional = models.BooleanField(default=False)
    withdrawal_requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_requested_at = models.DateTimeField(_("申请撤下时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        User,
        verbose_name=_("批准撤下人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)
    expired_at = models.DateTimeField(_("公示期满时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("结果公示")
        verbose_name_plural = _("结果公示")
        indexes = [
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["status", "due_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "category"],
                condition=~Q(source_type=MANUAL),
                name="uniq_publication_source",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.live_version_id is not None and self.status not in (
            PublicationStatus.WITHDRAWN,
            PublicationStatus.EXPIRED,
        )

    @property
    def was_public(self) -> bool:
        return self.first_published_at is not None


class PublicationVersion(models.Model):
    """One released version: the public values only, fixed when the head approved it."""

    scope_path_lookup = "publication__agency__path"

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    public_fields = models.JSONField(_("公示内容"), default=dict)
    withheld = models.JSONField(_("区分处理说明"), default=list)
    digest = models.CharField(_("内容摘要（SM3）"), max_length=64)
    change_note = models.CharField(_("修订说明"), max_length=500, blank=True)
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("公布时间"))
    superseded_at = models.DateTimeField(_("被替代时间"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["publication", "number"]
        verbose_name = _("公示版本")
        verbose_name_plural = _("公示版本")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "number"], name="uniq_publication_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.publication} v{self.number}"


class RedactionGround(models.TextChoices):
    """GS-REQ-2 and 政府信息公开条例第十四条、第十五条: why something is withheld."""

    PERSONAL = "personal", _("个人隐私（《政府信息公开条例》第十五条）")
    TRADE_SECRET = "trade_secret", _("商业秘密（《政府信息公开条例》第十五条）")
    STATE_SECRET = "state_secret", _("国家秘密（《政府信息公开条例》第十四条）")


CLASS_GROUNDS = {
    InfoClass.PERSONAL: RedactionGround.PERSONAL,
    InfoClass.TRADE_SECRET: RedactionGround.TRADE_SECRET,
    InfoClass.STATE_SECRET: RedactionGround.STATE_SECRET,
}


class RedactionOrigin(models.TextChoices):
    SCAN = "scan", _("系统识别")
    MANUAL = "manual", _("编辑标注")
    FIELD = "field", _("整项不予公开")
    RULE = "rule", _("规则")


class Redaction(models.Model):
    """What is withheld from one field of one revision, where, and on which ground.

    ``start``/``end`` locate the span in the working copy's text (both empty: the whole field).
    The withheld text itself is not copied here; ``text_digest`` (SM3) proves what it was.
    """

    scope_path_lookup = "publication__agency__path"

    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, related_name="redactions"
    )
    revision = models.PositiveIntegerField(_("版本"))
    field = models.CharField(_("字段"), max_length=60)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    kind = models.CharField(_("类别"), max_length=30)
    certain = models.BooleanField(_("确定"), default=True)
    # Why a scan finding is unsure (or how it was hidden), in words; shown with 待确认.
    reason = models.CharField(_("待确认原因"), max_length=200, blank=True)
    ground = models.CharField(_("依据"), max_length=20, choices=RedactionGround.choices)
    origin = models.CharField(_("来源"), max_length=10, choices=RedactionOrigin.choices)
    withheld = models.BooleanField(_("不予公开"), default=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    text_digest = models.CharField(max_length=64)
    replacement = models.CharField(_("公开文本中的替代文字"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["publication", "revision", "field", "start", "pk"]
        verbose_name = _("区分处理记录")
        verbose_name_plural = _("区分处理记录")
        indexes = [models.Index(fields=["publication", "revision"])]

    def __str__(self) -> str:
        return f"{self.field}[{self.start}:{self.end}] {self.kind}"

    @property
    def whole_field(self) -> bool:
        return self.start is None


class PublicEntry(models.Model):
    """The search table: one row per result shown on the portal now (public values only).

    ``id`` is the sort key (decision date × 10⁹ + publication id, ADR 0050). The full-text
    index lives beside it: an FTS5 table on SQLite, a generated ``tsvector`` column with a GIN
    index on PostgreSQL (migration 0002). Derived data: rebuilt from the live versions by
    ``manage.py publicity_reindex``.
    """

    id = models.BigIntegerField(primary_key=True)
    publication = models.OneToOneField(
        Publication, on_delete=models.CASCADE, related_name="public_entry"
    )
    version = models.ForeignKey(PublicationVersion, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=20, choices=Category.choices)
    region = models.CharField(max_length=6, blank=True)
    mine = models.ForeignKey(
        CoalMine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_date = models.DateField()
    published_at = models.DateTimeField()
    party_name = models.CharField(max_length=200)
    document_number = models.CharField(max_length=200, blank=True)
    kind_text = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(max_length=300, blank=True)
    # Nullable, no default: added by ALTER TABLE ADD COLUMN, which keeps the FTS5 triggers
    # (ADR 0050's caveat); a table rebuild would drop them.
    fine_amount = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    document_key = models.CharField(max_length=200, null=True, blank=True)
    terms = models.TextField()

    class Meta:
        verbose_name = _("公示检索条目")
        verbose_name_plural = _("公示检索条目")
        indexes = [
            models.Index(fields=["mine", "id"]),
            models.Index(fields=["published_at"]),
            models.Index(fields=["document_key"], name="publicentry_document_key"),
        ]

    def __str__(self) -> str:
        return f"{self.party_name} {self.document_number}"


class AnnualReport(models.Model):
    """GS-POST-3: an agency's annual enforcement report on one year (own + subordinates)."""

    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        Agency, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField(_("年度"))
    status = models.CharField(
        _("状态"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    data = models.JSONField(_("统计数据"), default=dict)
    digest = models.CharField(_("数据摘要（SM3）"), max_length=64)
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    reported_at = models.DateTimeField(_("报送上级时间"), null=True, blank=True)
    pdf_path = models.CharField(max_length=200, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_sm3 = models.CharField(max_length=64, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-year", "agency__path"]
        verbose_name = _("行政执法统计年报")
        verbose_name_plural = _("行政执法统计年报")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="uniq_annual_report")
        ]

    def __str__(self) -> str:
        return _("%(agency)s %(year)d年度行政执法统计年报") % {
            "agency": self.agency,
            "year": self.year,
        }


class ErrorReportStatus(models.TextChoices):
    RECEIVED = "received", _("待答复")
    REJECTED = "rejected", _("经核实无误")
    CORRECTING = "correcting", _("更正中")
    CORRECTED = "corrected", _("已更正")


class ReporterKind(models.TextChoices):
    VISITOR = "visitor", _("社会公众")
    PARTY = "party", _("当事人")


class ErrorReport(models.Model):
    """GS-POST-2 (“公开的信息可以更新”): someone flags an error on a published result; the
    editor answers; a correction is a new version through the normal pipeline (``corrections.py``).

    ``source_mac`` is a keyed MAC of the sender's address, kept only to count reports per address
    and hour (never the address itself)."""

    scope_path_lookup = "publication__agency__path"

    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, related_name="error_reports"
    )
    number = models.CharField(_("反馈编号"), max_length=20, unique=True)
    version_number = models.PositiveIntegerField(_("所指版本"))
    reporter_kind = models.CharField(
        _("反馈人"), max_length=20, choices=ReporterKind.choices, default=ReporterKind.VISITOR
    )
    field_label = models.CharField(_("有误的内容"), max_length=60, blank=True)
    description = models.TextField(_("错误说明"))
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=ErrorReportStatus.choices,
        default=ErrorReportStatus.RECEIVED,
    )
    reply = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    corrected_version = models.PositiveIntegerField(_("更正后的版本"), null=True, blank=True)
    corrected_at = models.DateTimeField(_("更正时间"), null=True, blank=True)
    source_mac = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("反馈时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("公示信息纠错反馈")
        verbose_name_plural = _("公示信息纠错反馈")
        indexes = [models.Index(fields=["source_mac", "created_at"])]

    def __str__(self) -> str:
        return self.number
