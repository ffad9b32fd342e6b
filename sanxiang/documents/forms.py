"""Forms of the borrowing pages: the request (the document picked, never typed) and the decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxiang.core.forms import ApprovalDecisionForm, DateTimeInput

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
