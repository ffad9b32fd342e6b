"""Rules about who may act on site, each in one function with its clause ID."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext as _

from sanxiang.org.models import CertificateValidity, Staff
from sanxiang.org.roles import Role

# 行政处罚法第四十二条、安全生产法第六十四条：执法人员不得少于两人。
MIN_OFFICERS = 2


def certificate_problem(officer: Staff, day: datetime.date) -> str | None:
    """GS-MID-1: an officer acting on ``day`` must hold an enforcement certificate valid that day.

    Returns the Chinese reason he may not act, or None. Validity is a function of the date
    (``Certificate.validity_on``): expired, not yet valid, suspended and revoked all refuse.
    """
    certificates = list(officer.certificates.all())
    if any(c.validity_on(day) == CertificateValidity.VALID for c in certificates):
        return None
    if not certificates:
        return _("%(name)s没有登记执法证，不能参加执法活动（《实施办法》三（二）1）。") % {
            "name": officer
        }
    latest = max(certificates, key=lambda c: (c.expires_on, c.pk))
    validity = latest.validity_on(day)
    detail = {
        CertificateValidity.EXPIRED: _("已于%(date)s过期") % {"date": latest.expires_on},
        CertificateValidity.NOT_YET_VALID: _("自%(date)s起才生效") % {"date": latest.issued_on},
    }.get(validity, str(CertificateValidity(validity).label))
    return _(
        "%(name)s的执法证（证号 %(number)s）%(detail)s，在%(day)s不能出示有效执法证，"
        "不能参加执法活动（《实施办法》三（二）1）。"
    ) % {"name": officer, "number": latest.number, "detail": detail, "day": day}


def officers_present_problems(officers: Iterable[Staff], day: datetime.date) -> list[str]:
    """GS-MID-1: at least two officers act together, each with a certificate valid on ``day``."""
    officers = list(dict.fromkeys(officers))
    problems = []
    if len(officers) < MIN_OFFICERS:
        problems.append(
            _("执法人员不得少于%(n)d人，现只有%(have)d人。")
            % {"n": MIN_OFFICERS, "have": len(officers)}
        )
    for officer in officers:
        if not officer.has_role(Role.OFFICER):
            problems.append(_("%(name)s不是执法人员。") % {"name": officer})
            continue
        problem = certificate_problem(officer, day)
        if problem:
            problems.append(problem)
    return problems


def certificate_withdrawn_problem(officer: Staff, day: datetime.date) -> str | None:
    """BZ-3: an officer whose certificate is suspended (暂扣, e.g. after a failed annual review)
    or revoked may not be assigned to on-site work; the reason in words, or None."""
    from sanxiang.org.selectors import certificate_withdrawn

    certificate = certificate_withdrawn(officer, day)
    if certificate is None:
        return None
    return _("%(name)s的执法证（证号 %(number)s）%(state)s：%(reason)s，不能安排执法工作。") % {
        "name": officer,
        "number": certificate.number,
        "state": certificate.get_status_display(),
        "reason": certificate.status_reason or _("未说明"),
    }
