"""GS-POST-2 (“公开的信息可以更新”): error reports on published results, like EPA ECHO's (ADR 0157).

A visitor or the party flags an error on a live result from the portal (no login; limited per
address and per hour, counted by a keyed MAC of the address, never the address itself). The
publicity editor answers: no error (with the reply), or a correction — which starts a new
version through the normal revision pipeline (``services.publication_revise``; the editor edits,
a second person reviews, the head approves). When that version is published the report is
marked corrected, and the public record says it was corrected, and when.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from sanxiang.core.permissions import require_role, require_scope
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff

from . import services
from .fields import layout
from .models import ErrorReport, ErrorReportStatus, Publication, ReporterKind
from .workflow import EDITOR_ROLES, PublicationStatus

PER_ADDRESS_PER_HOUR = 5
PER_HOUR = 200
MAX_DESCRIPTION = 2000
NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class TooManyReports(Exception):
    """The address (or everyone together) sent more reports this hour than allowed (429)."""


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def address_mac(address: str) -> str:
    """A keyed MAC of the sender's address: counts reports per address, reveals nothing."""
    return salted_hmac("sanxiang.publicity.error-report", address or "-").hexdigest()


def _number() -> str:
    day = timezone.localdate().strftime("%Y%m%d")
    return "JC" + day + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))


def field_choices(category: str) -> list[tuple[str, str]]:
    return [(str(item.label), str(item.label)) for item in layout(category)]


def _throttle(mac: str) -> None:
    since = timezone.now() - datetime.timedelta(hours=1)
    recent = ErrorReport.objects.filter(created_at__gte=since)
    if recent.filter(source_mac=mac).count() >= _limit(
        "SANXIANG_ERROR_REPORTS_PER_ADDRESS_PER_HOUR", PER_ADDRESS_PER_HOUR
    ) or recent.count() >= _limit("SANXIANG_ERROR_REPORTS_PER_HOUR", PER_HOUR):
        raise TooManyReports


def _clean(value: Any, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


@transaction.atomic
def error_report_submit(
    *,
    publication_id: int,
    description: str,
    field_label: str = "",
    reporter_kind: str = ReporterKind.VISITOR,
    address: str = "",
) -> ErrorReport:
    """Flag an error on a live result (public, no login). Raises ``TooManyReports`` over the
    hourly limits, ``ValidationError`` with field errors otherwise; nothing is half-saved."""
    publication = Publication.objects.filter(
        pk=publication_id, live_version__isnull=False, first_published_at__isnull=False
    ).first()
    errors: dict[str, list[str]] = {}
    if publication is None or not publication.is_live:
        raise ValidationError({"publication": [_("该公示信息不存在或已不再公示。")]})
    mac = address_mac(address)
    _throttle(mac)
    description = description.strip() if isinstance(description, str) else ""
    if not description:
        errors["description"] = [_("请说明哪里有误、正确的应是什么。")]
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = [_("说明不能超过 %(n)s 个字。") % {"n": MAX_DESCRIPTION}]
    label = _clean(field_label, 60)
    if label and label not in dict(field_choices(publication.category)):
        errors["field_label"] = [_("请从列表中选择有误的内容。")]
    if reporter_kind not in ReporterKind.values:
        errors["reporter_kind"] = [_("请选择反馈人身份。")]
    if errors:
        raise ValidationError(errors)
    report = ErrorReport.objects.create(
        publication=publication,
        number=_number(),
        version_number=publication.live_version.number,
        reporter_kind=reporter_kind,
        field_label=label,
        description=description,
        source_mac=mac,
    )
    ledger_append(
        actor=None,
        action="publication.error_report",
        obj=report,
        details={"publication": publication.pk, "version": report.version_number},
    )
    return report


@transaction.atomic
def error_report_answer(
    *, actor: Staff, report: ErrorReport, correct: bool, reply: str
) -> ErrorReport:
    """The editor answers: no error (the reply says why), or a correction — a new version of
    the result through the normal pipeline (revise → edit → review → head's approval)."""
    report = (
        ErrorReport.objects.select_for_update()
        .select_related("publication__agency")
        .get(pk=report.pk)
    )
    require_role(actor, EDITOR_ROLES, _("答复纠错反馈"))
    require_scope(actor, report.publication.agency)
    errors: dict[str, list[str]] = {}
    if report.status != ErrorReportStatus.RECEIVED:
        errors["status"] = [_("该反馈已经答复。")]
    reply = _clean(reply, 2000)
    if not reply:
        errors["reply"] = [_("请填写答复。")]
    publication = report.publication
    if (
        correct
        and publication.status not in (PublicationStatus.PUBLISHED,)
        and not (publication.status == PublicationStatus.DRAFT and publication.revision > 1)
    ):
        errors["correct"] = [
            _("该公示当前状态为“%(s)s”，不能更正。") % {"s": publication.get_status_display()}
        ]
    if errors:
        raise ValidationError(errors)
    if correct and publication.status == PublicationStatus.PUBLISHED:
        services.publication_revise(
            actor=actor,
            publication=publication,
            reason=(_("根据纠错反馈（%(n)s）更正：%(r)s") % {"n": report.number, "r": reply})[:500],
        )
    report.status = ErrorReportStatus.CORRECTING if correct else ErrorReportStatus.REJECTED
    report.reply = reply
    report.answered_by, report.answered_at = actor, timezone.now()
    report.save()
    ledger_append(
        actor=actor,
        action="publication.error_report_answer",
        obj=report,
        details={"correct": bool(correct), "publication": publication.pk},
    )
    return report


def error_reports_mark_corrected(publication: Publication) -> int:
    """Called by ``services.release._publish``: the reports being corrected are now corrected."""
    now = timezone.now()
    count = 0
    for report in ErrorReport.objects.filter(
        publication=publication, status=ErrorReportStatus.CORRECTING
    ):
        report.status = ErrorReportStatus.CORRECTED
        report.corrected_version = publication.revision
        report.corrected_at = now
        report.save()
        ledger_append(
            actor=None,
            action="publication.error_report_corrected",
            obj=report,
            details={"publication": publication.pk, "version": publication.revision},
        )
        count += 1
    return count


def public_status(number: str) -> ErrorReport | None:
    """The report by its number, for the reporter's status page (state and reply only)."""
    if not isinstance(number, str) or len(number) > 20:
        return None
    return ErrorReport.objects.filter(number=number.strip().upper()).first()


def corrections_shown(publication: Publication) -> list[dict[str, Any]]:
    """What the public record says about corrections: when, which version, which item."""
    return [
        {"when": r.corrected_at, "version": r.corrected_version, "field": r.field_label}
        for r in publication.error_reports.filter(status=ErrorReportStatus.CORRECTED).order_by(
            "corrected_at", "pk"
        )
    ]
