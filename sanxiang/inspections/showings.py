"""GS-MID-1: officers show their enforcement certificates, state who they are and the basis and
reasons of the act — recorded per on-site act and printed from the record (ADR 0210).

A showing is one officer, the certificate valid that day (its number copied), the time and the
person it was shown to. The services of the on-site acts (inspection, inquiry, survey,
evidence preservation, sampling) take the showings with the act and refuse the act without
them: a record that claims a showing nobody recorded is not issued. The document builders
print :func:`showing_lines` from the stored rows, never a fixed sentence.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.language import in_legal_language
from sanxiang.ledger.services import ledger_append, object_type_of
from sanxiang.org.models import Agency, Certificate, CertificateValidity, Staff

from .models import CertificateShowing

FIELD = "showings"


@dataclass(frozen=True)
class ShowingDraft:
    officer: Staff
    certificate: Certificate
    shown_at: datetime.datetime
    shown_to: str


def _valid_certificate(officer: Staff, day: datetime.date) -> Certificate | None:
    for certificate in officer.certificates.order_by("-expires_on", "-pk"):
        if certificate.validity_on(day) == CertificateValidity.VALID:
            return certificate
    return None


def showings_for_all(
    officers: Iterable[Staff], *, shown_at: datetime.datetime, shown_to: str
) -> list[dict[str, Any]]:
    """The usual case, as the forms put it: every officer present showed at the act's start to
    the same person. The officer who submits confirms it for the team."""
    return [{"officer": o, "shown_at": shown_at, "shown_to": shown_to} for o in officers]


def showings_check(
    showings: Iterable[dict[str, Any]] | None,
    *,
    officers: Iterable[Staff],
    start: datetime.datetime | None,
    end: datetime.datetime | None = None,
    errors: dict[str, list[str]],
) -> list[ShowingDraft]:
    """Check the showings of one act: one for every officer present and only for them, on the
    act's day, not after its end nor in the future, with a certificate valid that day and the
    person shown to. Problems go into ``errors`` under ``showings``; nothing is written."""
    problems: list[str] = []
    officers = list(dict.fromkeys(officers))
    drafts: list[ShowingDraft] = []
    showings = list(showings or [])
    if not showings:
        errors.setdefault(FIELD, []).append(
            _(
                "未登记执法人员出示执法证件、表明身份、说明依据和理由，不能制作本次执法活动的"
                "记录（《实施办法》三（二）1）。"
            )
        )
        return []
    seen: set[int] = set()
    now = timezone.now()
    for item in showings:
        officer, shown_at = item.get("officer"), item.get("shown_at")
        shown_to = (item.get("shown_to") or "").strip()
        if officer is None or officer.pk not in {o.pk for o in officers}:
            problems.append(_("出示证件的人员应为本次到场的执法人员。"))
            continue
        if officer.pk in seen:
            problems.append(_("%(name)s的出示证件记录重复。") % {"name": officer})
            continue
        seen.add(officer.pk)
        if not isinstance(shown_at, datetime.datetime):
            problems.append(_("请填写%(name)s出示执法证件的时间。") % {"name": officer})
            continue
        if shown_at > now or (end is not None and shown_at > end):
            problems.append(
                _("%(name)s出示执法证件的时间不能晚于执法活动结束或当前时间。") % {"name": officer}
            )
        if start is not None and timezone.localdate(shown_at) != timezone.localdate(start):
            problems.append(_("%(name)s出示执法证件的时间应在执法活动当日。") % {"name": officer})
        if not shown_to:
            problems.append(_("请填写%(name)s向谁出示了执法证件。") % {"name": officer})
        if len(shown_to) > 200:
            problems.append(_("出示对象不能超过200字。"))
        certificate = _valid_certificate(officer, timezone.localdate(shown_at))
        if certificate is None:
            problems.append(_("%(name)s在出示当日没有有效的执法证。") % {"name": officer})
            continue
        drafts.append(ShowingDraft(officer, certificate, shown_at, shown_to[:200]))
    missing = [o for o in officers if o.pk not in seen]
    if missing:
        problems.append(
            _("以下执法人员未登记出示执法证件：%(names)s。")
            % {"names": "、".join(str(o) for o in missing)}
        )
    if problems:
        errors.setdefault(FIELD, []).extend(problems)
    return drafts


def showing_rows(
    drafts: Iterable[ShowingDraft], *, agency: Agency, act: str, actor: Staff
) -> list[CertificateShowing]:
    """The rows of checked showings, not yet stored: the act's record is printed from them in
    the same transaction that stores them with the act (:func:`showings_record`)."""
    return [
        CertificateShowing(
            agency=agency,
            act=act,
            officer=draft.officer,
            certificate=draft.certificate,
            certificate_number=draft.certificate.number,
            shown_at=draft.shown_at,
            shown_to=draft.shown_to,
            recorded_by=actor,
        )
        for draft in drafts
    ]


def showings_record(
    *, actor: Staff, subject: Any, rows: Iterable[CertificateShowing]
) -> list[CertificateShowing]:
    """Store the showings of ``subject`` (an inspection or a case act), one ledger event each."""
    stored = []
    for row in rows:
        row.subject_type, row.subject_id = object_type_of(subject), str(subject.pk)
        row.save()
        ledger_append(
            actor=actor,
            action="showing.record",
            obj=row,
            details={
                "act": row.act,
                "subject": f"{row.subject_type}:{row.subject_id}",
                "officer": row.officer_id,
                "certificate": row.certificate_number,
                "shown_at": row.shown_at,
                "shown_to": row.shown_to,
            },
        )
        stored.append(row)
    return stored


def showings_of(subject: Any) -> list[CertificateShowing]:
    return list(
        CertificateShowing.objects.filter(
            subject_type=object_type_of(subject), subject_id=str(subject.pk)
        ).select_related("officer")
    )


def _moment(value: datetime.datetime) -> str:
    local = timezone.localtime(value)
    return f"{local.year}年{local.month}月{local.day}日{local.hour}时{local.minute:02d}分"


@in_legal_language
def showing_lines(showings: Iterable[CertificateShowing]) -> list[str]:
    """One sentence per showing, from the record: who, which certificate, when, to whom."""
    return [
        _("%(name)s（执法证号 %(number)s）于%(at)s向%(to)s出示执法证件，表明身份，说明依据和理由。")
        % {
            "name": s.officer,
            "number": s.certificate_number,
            "at": _moment(s.shown_at),
            "to": s.shown_to,
        }
        for s in showings
    ]
