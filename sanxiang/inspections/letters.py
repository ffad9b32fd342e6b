"""Safety-supervision letters issued from an inspection (issue 14, item 1).

加强和改善安全监管建议书 go to the local people's government or its safety department, 安全管理意见书
to the mine. The inspection team drafts one from its findings; the head approves issuance,
which numbers, renders and ledgers it as any enforcement document (``paperwork.issue_document``,
subject ``inspections.inspection``, type codes ``supervision_advice`` / ``management_opinion``);
the team then records the addressee's reply. A letter whose reply is overdue shows on the
officer's dashboard.

The reply period is not statutory: it comes from ``data/letter_reply.json`` (示例 values the
agency replaces), overridable by ``SANXIANG_LETTER_REPLY_DAYS``.
"""

from __future__ import annotations

import datetime
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.blobstore import blob_put
from sanxiang.core.language import in_legal_language
from sanxiang.core.permissions import in_scope, is_superuser, require_role, require_scope
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from . import paperwork
from .models import Finding, Inspection, LetterKind, LetterStatus, SafetyLetter
from .signals import letter_issued
from .workflow import OFFICERS_OR_HEADS, InspectionStatus

DATA_FILE = Path(__file__).resolve().parent / "data" / "letter_reply.json"
LIMITS = {"addressee": 200, "problems": 5000, "recommendations": 5000, "content": 5000}
ATTACHMENT_MAX = 20 * 1024 * 1024


@cache
def _reply_catalog() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))["letters"]


def reply_rule(kind: str) -> dict[str, Any]:
    """{reply_days, statutory, note} for ``kind``; settings may override the days."""
    rule = dict(_reply_catalog()[kind])
    override = getattr(settings, "SANXIANG_LETTER_REPLY_DAYS", {}).get(kind)
    if override:
        rule.update(reply_days=int(override), note="")
    return rule


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _require_team(actor: Staff, inspection: Inspection, doing: str) -> None:
    """The inspection's officers act; a head of its agency (or above) may act for them."""
    require_role(actor, OFFICERS_OR_HEADS, doing)
    require_scope(actor, inspection.agency)
    if is_superuser(actor) or actor.has_role(Role.HEAD):
        return
    if not inspection.officers.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("您不是本次检查的检查人员，不能%(doing)s。") % {"doing": doing})


def default_addressee(inspection: Inspection, kind: str) -> str:
    """The mine for a 安全管理意见书; the local government is for the team to name."""
    return inspection.mine.name if kind == LetterKind.MANAGEMENT_OPINION else ""


def _clean(
    inspection: Inspection, kind: str, addressee: str, findings: list[Finding], recommendations: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in LetterKind.values:
        errors["kind"] = [_("请选择文书种类。")]
    if not _text(addressee):
        errors["addressee"] = [_("请填写主送单位。")]
    elif len(_text(addressee)) > LIMITS["addressee"]:
        errors["addressee"] = [_("内容过长，最多 %(n)s 个字符。") % {"n": LIMITS["addressee"]}]
    if not findings:
        errors["findings"] = [_("请选择建议所依据的检查发现的问题。")]
    elif any(f.inspection_id != inspection.pk for f in findings):
        errors["findings"] = [_("所选问题不属于本次检查。")]
    if not _text(recommendations):
        errors["recommendations"] = [_("请写明建议或意见。")]
    elif len(_text(recommendations)) > LIMITS["recommendations"]:
        errors["recommendations"] = [
            _("内容过长，最多 %(n)s 个字符。") % {"n": LIMITS["recommendations"]}
        ]
    if inspection.status == InspectionStatus.OPEN:
        errors["inspection"] = [_("请先结束现场检查，再制作建议书或意见书。")]
    return errors


def problems_text(findings: list[Finding]) -> str:
    """The problems found, one line per finding, naming the compendium entry it rests on."""
    return "\n".join(
        f"{n}. {f.description.replace('【示例】', '')}（{f.entry_code}）具体事实：{f.facts}"
        f"{'（重大事故隐患）' if f.is_major_hazard else ''}"
        for n, f in enumerate(findings, start=1)
    )


@in_legal_language
def letter_content(
    *,
    inspection: Inspection,
    kind: str,
    addressee: str,
    problems: str,
    recommendations: str,
    reply_days: int,
    issued_on: datetime.date,
) -> dict[str, Any]:
    """What the letter says (the ``enforcement_base`` content blocks)."""
    due = issued_on + datetime.timedelta(days=reply_days)
    noun = _("建议") if kind == LetterKind.SUPERVISION_ADVICE else _("意见")
    return {
        "party": [{"label": _("主送"), "value": addressee}],
        "sections": [
            {
                "heading": "",
                "paragraphs": [
                    _("%(day)s，本机关对%(mine)s进行了现场检查，发现以下问题：")
                    % {"day": paperwork.cn_date(inspection.inspected_on), "mine": inspection.mine}
                ],
            },
            {"heading": _("一、发现的问题"), "paragraphs": problems.splitlines()},
            {
                "heading": _("二、%(noun)s") % {"noun": noun},
                "paragraphs": recommendations.splitlines(),
            },
            {
                "heading": _("三、回复要求"),
                "paragraphs": [
                    _(
                        "请于收到本文书之日起%(days)s日内（%(due)s前），将采纳%(noun)s和整改落实情况"
                        "书面回复本机关。"
                    )
                    % {"days": reply_days, "due": paperwork.cn_date(due), "noun": noun}
                ],
            },
        ],
    }


@transaction.atomic
def letter_draft(
    *,
    actor: Staff,
    inspection: Inspection,
    kind: str,
    addressee: str,
    findings: list[Finding],
    recommendations: str,
) -> SafetyLetter:
    """The team drafts a letter from findings of its inspection; the head approves issuance."""
    _require_team(actor, inspection, _("制作安全监管建议书或安全管理意见书"))
    inspection = Inspection.objects.select_related("mine", "agency").get(pk=inspection.pk)
    findings = list(dict.fromkeys(findings or []))
    errors = _clean(inspection, kind, addressee, findings, recommendations)
    if errors:
        raise ValidationError(errors)
    findings.sort(key=lambda f: f.pk)
    letter = SafetyLetter.objects.create(
        inspection=inspection,
        kind=kind,
        addressee=_text(addressee),
        problems=problems_text(findings),
        recommendations=_text(recommendations),
        reply_days=reply_rule(kind)["reply_days"],
        drafted_by=actor,
    )
    letter.findings.set(findings)
    ledger_append(
        actor=actor,
        action="letter.draft",
        obj=letter,
        details={
            "inspection": inspection.pk,
            "kind": kind,
            "addressee": letter.addressee,
            "findings": [f.pk for f in findings],
        },
    )
    return letter


def letter_preview(letter: SafetyLetter, *, as_html: bool = False) -> bytes | str:
    """The letter as it would be issued today, unnumbered, for the head to read before approving."""
    inspection = letter.inspection
    return paperwork.preview_document(
        agency=inspection.agency,
        type_code=letter.kind,
        content=letter_content(
            inspection=inspection,
            kind=letter.kind,
            addressee=letter.addressee,
            problems=letter.problems,
            recommendations=letter.recommendations,
            reply_days=letter.reply_days,
            issued_on=timezone.localdate(),
        ),
        as_html=as_html,
    )


def _require_head(actor: Staff, letter: SafetyLetter, doing: str) -> SafetyLetter:
    require_role(actor, {Role.HEAD}, doing)
    require_scope(actor, letter.inspection.agency)
    letter = SafetyLetter.objects.select_for_update(of=("self",)).get(pk=letter.pk)
    if letter.status != LetterStatus.PENDING:
        raise ValidationError(
            {
                "status": [
                    _("当前状态为“%(state)s”，不能%(doing)s。")
                    % {"state": letter.get_status_display(), "doing": doing}
                ]
            }
        )
    return letter


@transaction.atomic
def letter_approve(*, actor: Staff, letter: SafetyLetter) -> SafetyLetter:
    """The head approves: the letter is numbered, rendered and stored; the reply period starts."""
    letter = _require_head(actor, letter, _("批准签发"))
    inspection = Inspection.objects.select_related("mine", "agency").get(pk=letter.inspection_id)
    issued_on = timezone.localdate()
    letter.document = paperwork.issue_document(
        actor=actor,
        agency=inspection.agency,
        type_code=letter.kind,
        content=letter_content(
            inspection=inspection,
            kind=letter.kind,
            addressee=letter.addressee,
            problems=letter.problems,
            recommendations=letter.recommendations,
            reply_days=letter.reply_days,
            issued_on=issued_on,
        ),
        subject=inspection,
    )
    letter.reply_due = issued_on + datetime.timedelta(days=letter.reply_days)
    letter.status = LetterStatus.ISSUED
    letter.decided_by, letter.decided_at = actor, timezone.now()
    letter.save()
    ledger_append(
        actor=actor,
        action="letter.issue",
        obj=letter,
        details={"document": letter.document.number.text, "reply_due": letter.reply_due},
    )
    # Same transaction: the archive assembles the letter's unit (JL-ARC-1), or the issue fails.
    letter_issued.send(sender=SafetyLetter, letter=letter, document=letter.document, actor=actor)
    return letter


@transaction.atomic
def letter_return(*, actor: Staff, letter: SafetyLetter, reason: str) -> SafetyLetter:
    """The head does not approve; the team may draft a new letter."""
    letter = _require_head(actor, letter, _("不予批准"))
    if not _text(reason):
        raise ValidationError({"reason": [_("请说明不予批准的理由。")]})
    letter.status = LetterStatus.RETURNED
    letter.return_reason = _text(reason)[:500]
    letter.decided_by, letter.decided_at = actor, timezone.now()
    letter.save()
    ledger_append(
        actor=actor, action="letter.return", obj=letter, details={"reason": letter.return_reason}
    )
    return letter


@transaction.atomic
def letter_reply_record(
    *,
    actor: Staff,
    letter: SafetyLetter,
    received_on: datetime.date | None,
    content: str,
    attachment: bytes | None = None,
    attachment_name: str = "",
) -> SafetyLetter:
    """Record the addressee's written reply (date, what it says, the reply itself if scanned)."""
    _require_team(actor, letter.inspection, _("登记回复"))
    letter = (
        SafetyLetter.objects.select_for_update(of=("self",))
        .select_related("document")
        .get(pk=letter.pk)
    )
    if letter.status != LetterStatus.ISSUED:
        raise ValidationError(
            {
                "status": [
                    _("当前状态为“%(state)s”，不能登记回复。")
                    % {"state": letter.get_status_display()}
                ]
            }
        )
    errors: dict[str, list[str]] = {}
    issued_on = timezone.localdate(letter.document.issued_at)
    if received_on is None:
        errors["received_on"] = [_("请填写收到回复的日期。")]
    elif received_on < issued_on or received_on > timezone.localdate():
        errors["received_on"] = [_("收到回复的日期应在签发之日和今天之间。")]
    if not _text(content):
        errors["content"] = [_("请写明回复的主要内容。")]
    elif len(_text(content)) > LIMITS["content"]:
        errors["content"] = [_("内容过长，最多 %(n)s 个字符。") % {"n": LIMITS["content"]}]
    if attachment is not None and len(attachment) > ATTACHMENT_MAX:
        errors["attachment"] = [_("附件不能超过20 MB。")]
    if attachment is not None and not attachment:
        errors["attachment"] = [_("附件是空文件。")]
    if errors:
        raise ValidationError(errors)
    letter.reply_received_on = received_on
    letter.reply_content = _text(content)
    details: dict[str, Any] = {"received_on": received_on, "late": received_on > letter.reply_due}
    if attachment:
        blob = blob_put(attachment)
        letter.reply_attachment_name = (_text(attachment_name) or _("回复附件"))[:200]
        letter.reply_attachment_path = blob.path
        letter.reply_attachment_sha256, letter.reply_attachment_sm3 = blob.sha256, blob.sm3
        details.update(attachment_sha256=blob.sha256, attachment_sm3=blob.sm3)
    letter.status = LetterStatus.REPLIED
    letter.reply_recorded_by = actor
    letter.save()
    ledger_append(actor=actor, action="letter.reply", obj=letter, details=details)
    return letter


# --- reading ---------------------------------------------------------------------------------


def letter_list(*, user: Staff) -> QuerySet[SafetyLetter]:
    return SafetyLetter.objects.restrict(user).select_related(
        "inspection", "inspection__mine", "document__number"
    )


def letter_get(*, user: Staff, pk: int) -> SafetyLetter:
    return letter_list(user=user).get(pk=pk)


def replies_due(*, user: Staff, until: datetime.date) -> QuerySet[SafetyLetter]:
    """Issued letters still without a reply, due by ``until``, of the user's inspections (a head:
    of his scope), soonest first. Overdue are those due before today."""
    letters = letter_list(user=user).filter(status=LetterStatus.ISSUED, reply_due__lte=until)
    if not (is_superuser(user) or user.has_role(Role.HEAD)):
        letters = letters.filter(Q(inspection__officers=user) | Q(drafted_by=user))
    return letters.distinct().order_by("reply_due", "pk")


def pending_approval(*, user: Staff) -> QuerySet[SafetyLetter]:
    """Drafts waiting for a head's approval, in his scope."""
    if not (is_superuser(user) or user.has_role(Role.HEAD)):
        return SafetyLetter.objects.none()
    return letter_list(user=user).filter(status=LetterStatus.PENDING).order_by("pk")


def may_draft(user: Staff, inspection: Inspection) -> bool:
    if not in_scope(user, inspection.agency):
        return False
    if is_superuser(user) or user.has_role(Role.HEAD):
        return True
    return user.has_role(Role.OFFICER) and inspection.officers.filter(pk=user.pk).exists()
