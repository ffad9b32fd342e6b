"""Forms of the borrowing pages: the request (the document picked, never typed) and the decision."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxiang.core.forms import ApprovalDecisionForm, DateInput, DateTimeInput

from .models import BorrowScope, Document

# The picker lists the newest documents the requester may see; the one asked for from its link
# is always among them.
PICKER_LIMIT = 300


class DocumentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Document) -> str:
        return f"{obj.title} {obj.number or ''}（{obj.agency.name}）".strip()


class BorrowTermsForm(forms.Form):
    """What every borrow request states: purpose, way and period (the record is carried)."""

    purpose = forms.CharField(
        label=_("借阅事由"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )
    scope = forms.ChoiceField(label=_("借阅方式"), choices=BorrowScope.choices)
    valid_from = forms.DateTimeField(label=_("借阅起始"), widget=DateTimeInput())
    valid_until = forms.DateTimeField(label=_("借阅截止"), widget=DateTimeInput())


class BorrowRequestForm(BorrowTermsForm):
    subject = DocumentChoice(
        label=_("借阅文书"),
        queryset=Document.objects.none(),
        error_messages={
            "required": _("请选择要借阅的文书。"),
            "invalid_choice": _("请选择要借阅的文书。"),
        },
        widget=forms.Select(
            attrs={
                "data-picker": "document",
                "data-placeholder": _("输入文书名称或文号搜索"),
                "data-no-results": _("没有匹配的文书"),
            }
        ),
    )
    field_order = ["subject", "purpose", "scope", "valid_from", "valid_until"]

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = documents


BorrowDecisionForm = ApprovalDecisionForm


class SignatureVerifyForm(forms.Form):
    """A PDF to verify (ADR 0200): its seals and signatures, and the ledger's record of it."""

    MAX_BYTES = 30 * 1024 * 1024

    pdf = forms.FileField(label=_("PDF 文书"), help_text=_("选择要核验的 PDF 文件（30 MB 以内）。"))

    def clean_pdf(self):
        upload = self.cleaned_data["pdf"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("文件超过 30 MB。"))
        data = upload.read()
        if not data.startswith(b"%PDF-"):
            raise forms.ValidationError(_("这不是 PDF 文件。"))
        return data


class PublicCheckForm(forms.Form):
    """The public page (ADR 0224): the served PDF, or its number and SHA-256."""

    MAX_BYTES = 10 * 1024 * 1024

    pdf = forms.FileField(
        label=_("PDF 文书"),
        required=False,
        help_text=_("选择收到的 PDF 文书（10 MB 以内）；或者不上传，填写下面的文号和摘要。"),
    )
    number = forms.CharField(label=_("文号"), max_length=80, required=False)
    sha256 = forms.CharField(
        label=_("文件摘要（SHA-256）"),
        max_length=80,
        required=False,
        help_text=_("64 位十六进制字符，可用常见的摘要工具对收到的文件计算得出。"),
    )

    def clean_pdf(self):
        upload = self.cleaned_data.get("pdf")
        if not upload:
            return None
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("文件超过 10 MB。"))
        data = upload.read()
        if not data.startswith(b"%PDF-"):
            raise forms.ValidationError(_("这不是 PDF 文件。"))
        return data

    def clean_sha256(self):
        value = "".join(self.cleaned_data.get("sha256", "").split()).lower()
        if value and not re.fullmatch(r"[0-9a-f]{64}", value):
            raise forms.ValidationError(_("摘要应为 64 位十六进制字符（0–9、a–f）。"))
        return value

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not data.get("pdf"):
            if not data.get("number"):
                self.add_error("number", _("请上传 PDF 文书，或者填写文号和摘要。"))
            if not data.get("sha256"):
                self.add_error("sha256", _("请填写文件摘要。"))
        return data


class PaperAttachForm(forms.Form):
    """The scan of a paper copy signed by hand on site (ADR 0226, 0233); the service checks it."""

    scan = forms.FileField(
        label=_("手签纸质原件扫描件"),
        help_text=_("PDF、JPEG 或 PNG，20 MB 以内。"),
    )
    signed_on = forms.DateField(label=_("当事人手写签名日期"), widget=DateInput())
    kept_at = forms.CharField(
        label=_("纸质原件存放位置"),
        max_length=200,
        required=False,  # the service says what is missing (one message for page and API)
        help_text=_("如：案卷第1卷第12页。"),
    )
    note = forms.CharField(
        label=_("说明"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("现场手写更正、当事人拒签等与电子文书不一致之处。"),
    )

    def clean_scan(self):
        from .paper import MAX_SCAN_BYTES

        upload = self.cleaned_data["scan"]
        if upload.size > MAX_SCAN_BYTES:
            raise forms.ValidationError(_("扫描件不能超过20MB。"))
        return {"data": upload.read(), "name": upload.name}
