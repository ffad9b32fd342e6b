"""Enforcement documents and their numbers (`A+(B)煤安+C〔YYYY〕D号`).

Numbers are allocated per agency, document-type short code and year without gaps: the
counter row is locked in the issuing transaction, so a failed issuance rolls the number
back with it. An issued number is never deleted; a voided one stays visible as voided.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.confidentiality import Confidentiality
from sanxiang.core.querysets import RestrictedManager
from sanxiang.org.models import Agency


class NumberSequence(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    type_code = models.CharField(max_length=10)
    year = models.PositiveIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "type_code", "year"], name="uniq_number_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.type_code}/{self.year}: {self.last_value}"


class NumberStatus(models.TextChoices):
    ISSUED = "issued", _("已使用")
    VOIDED = "voided", _("已作废")


class DocumentNumber(models.Model):
    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        Agency, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="document_numbers"
    )
    type_code = models.CharField(_("文书简称"), max_length=10)
    year = models.PositiveIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    text = models.CharField(_("文号"), max_length=80, unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=NumberStatus.choices, default=NumberStatus.ISSUED
    )
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    allocated_at = models.DateTimeField(_("取号时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["agency", "type_code", "year", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "type_code", "year", "sequence"], name="uniq_document_number"
            )
        ]
        verbose_name = _("文号")
        verbose_name_plural = _("文号")

    def __str__(self) -> str:
        return self.text


class DocumentStatus(models.TextChoices):
    ISSUED = "issued", _("已签发")
    VOIDED = "voided", _("已作废")


class Document(models.Model):
    """An issued enforcement document: its number, the data it was filled from, its PDF digest."""

    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        Agency, verbose_name=_("制作机关"), on_delete=models.PROTECT, related_name="documents"
    )
    type_code = models.CharField(_("文书种类"), max_length=40)
    title = models.CharField(_("文书名称"), max_length=100)
    number = models.OneToOneField(
        DocumentNumber,
        verbose_name=_("文号"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document",
    )
    subject_type = models.CharField(_("所属对象类型"), max_length=60, blank=True)
    subject_id = models.CharField(_("所属对象ID"), max_length=64, blank=True)
    content = models.JSONField(_("文书内容"), default=dict)
    status = models.CharField(
        _("状态"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.ISSUED
    )
    confidentiality = models.CharField(
        _("密级"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.ORDINARY,
    )
    pdf_path = models.CharField(max_length=200)
    pdf_sha256 = models.CharField(max_length=64)
    pdf_sm3 = models.CharField(max_length=64)
    pdf_size = models.PositiveIntegerField()
    issued_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = RestrictedManager()

    class Meta:
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        verbose_name = _("执法文书")
        verbose_name_plural = _("执法文书")

    def __str__(self) -> str:
        return f"{self.title} {self.number or ''}".strip()


class DigestAlgorithm(models.TextChoices):
    SM3 = "sm3", "SM3"
    SHA256 = "sha256", "SHA-256"


class ItemKind(models.TextChoices):
    DOCUMENT = "document", _("执法文书")
    RECORDING = "recording", _("音像记录")
    OTHER = "other", _("其他材料")


class ClassifiedRegistration(models.Model):
    """涉密件登记 (ADR 0128): a state-secret item kept outside this system, by reference only.

    Holds where the classified original is (register number, custodian unit, location) and its
    digest, never its content; the archive lists it among the items of its case or inspection.
    """

    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        Agency, verbose_name=_("登记机构"), on_delete=models.PROTECT, related_name="+"
    )
    subject_type = models.CharField(_("所属对象类型"), max_length=60)
    subject_id = models.CharField(_("所属对象ID"), max_length=64)
    item_kind = models.CharField(_("材料类别"), max_length=20, choices=ItemKind.choices)
    type_code = models.CharField(_("文书种类"), max_length=40, blank=True)
    title = models.CharField(_("题名"), max_length=200)
    register_number = models.CharField(_("涉密件登记编号"), max_length=80)
    custodian_unit = models.CharField(_("保管单位"), max_length=200)
    location = models.CharField(_("存放位置"), max_length=200)
    digest_algorithm = models.CharField(
        _("摘要算法"), max_length=10, choices=DigestAlgorithm.choices, default=DigestAlgorithm.SM3
    )
    digest = models.CharField(_("原件摘要值"), max_length=64)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["registered_at", "pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "register_number"], name="uniq_classified_register_number"
            )
        ]
        verbose_name = _("涉密件登记")
        verbose_name_plural = _("涉密件登记")

    def __str__(self) -> str:
        return f"{self.title}（{self.register_number}）"

    @property
    def confidentiality(self) -> str:
        return Confidentiality.STATE_SECRET


class BorrowScope(models.TextChoices):
    VIEW = "view", _("在线查看")
    DOWNLOAD = "download", _("查看并下载")


class BorrowStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不予批准")


class BorrowRequest(models.Model):
    """A request to borrow (借阅) a text record one has no ground to read (JL-USE-2, ADR 0123).

    The subject is generic — ``subject_type`` + ``subject_id`` — so a document
    (``documents.document``) and, from the archive, an archive unit are borrowed the same way;
    each kind registers how it is found (``borrowing.register_borrowable``). ``agency`` is the
    agency that holds the record: its heads and custodians decide, and the request is read in
    that agency's scope. ``subject_label`` keeps what the requester picked, as he saw it.
    Approval holds only inside ``[valid_from, valid_until]``; expiry is a function of the time.
    """

    scope_path_lookup = "agency__path"

    subject_type = models.CharField(_("借阅对象类型"), max_length=60)
    subject_id = models.CharField(_("借阅对象"), max_length=64)
    subject_label = models.CharField(_("借阅材料"), max_length=200)
    agency = models.ForeignKey(
        Agency, verbose_name=_("保管机构"), on_delete=models.PROTECT, related_name="+"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="borrow_requests",
    )
    purpose = models.CharField(_("借阅事由"), max_length=300)
    scope = models.CharField(_("借阅方式"), max_length=10, choices=BorrowScope.choices)
    valid_from = models.DateTimeField(_("借阅起始"))
    valid_until = models.DateTimeField(_("借阅截止"))
    status = models.CharField(
        _("状态"), max_length=10, choices=BorrowStatus.choices, default=BorrowStatus.PENDING
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "requester"])]
        verbose_name = _("借阅申请")
        verbose_name_plural = _("借阅申请")

    def __str__(self) -> str:
        return f"{self.requester} → {self.subject_label}"

    def is_active_at(self, moment=None) -> bool:
        from django.utils import timezone

        moment = moment or timezone.now()
        return (
            self.status == BorrowStatus.APPROVED and self.valid_from <= moment <= self.valid_until
        )

    @property
    def is_expired(self) -> bool:
        from django.utils import timezone

        return self.status == BorrowStatus.APPROVED and timezone.now() > self.valid_until


class PaperScan(models.Model):
    """The scan of a document's paper copy that was signed by hand on site (ADR 0226, 0233).

    The paper is the original where the party signed it; the PDF signed on return is its
    electronic counterpart. The scan is stored write-once in the blob store with its SHA-256 and
    SM3, and the ledger event ``document.paper_attach`` binds the counterpart's digest, the
    scan's digests and where the paper is kept. A rescan adds a row; none is ever changed."""

    scope_path_lookup = "document__agency__path"

    document = models.ForeignKey(
        Document, verbose_name=_("执法文书"), on_delete=models.PROTECT, related_name="paper_scans"
    )
    scan_path = models.CharField(max_length=200)
    scan_sha256 = models.CharField(_("扫描件SHA-256"), max_length=64)
    scan_sm3 = models.CharField(_("扫描件SM3"), max_length=64)
    scan_size = models.PositiveIntegerField(_("扫描件大小"))
    content_type = models.CharField(_("文件类型"), max_length=40)
    file_name = models.CharField(_("文件名"), max_length=200)
    signed_on = models.DateField(_("手写签名日期"))
    kept_at = models.CharField(_("纸质原件存放位置"), max_length=200)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    attached_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["document", "attached_at", "pk"]
        verbose_name = _("手签纸质原件扫描件")
        verbose_name_plural = _("手签纸质原件扫描件")

    def __str__(self) -> str:
        return _("%(document)s 手签原件扫描件") % {"document": self.document}
