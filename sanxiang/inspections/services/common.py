"""What the inspection services share: field-error collection, the team and head checks, the
wrong-state error, the inspection guard, citation checks of legal-basis text, the on-site time
check, and the document that carries each on-site measure.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from sanxiang.catalog.legalrefs import CitationError, parse_citations
from sanxiang.catalog.models import CatalogKind
from sanxiang.catalog.selectors import (
    applicable_version,
    legal_article_in_force,
)
from sanxiang.core.permissions import in_scope, is_superuser, require_role, require_scope
from sanxiang.documents.services import made_on_site_problems
from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import Role

from ..models import (
    Inspection,
    OnsiteMeasureKind,
)
from ..workflow import (
    OFFICERS_OR_HEADS,
)

# On-site measure → the document that carries it (document-type codes of the catalog).
MEASURE_DOCUMENTS = {
    OnsiteMeasureKind.RECTIFY_WITHIN_LIMIT: "rectification_order",
    OnsiteMeasureKind.ELIMINATE_IMMEDIATELY: "onsite_decision",
    OnsiteMeasureKind.WITHDRAW_WORKERS: "withdraw_order",
    OnsiteMeasureKind.STOP_USE: "onsite_decision",
}


def _errors() -> dict[str, list[str]]:
    return {}


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _text(value: Any) -> str:
    return (value or "").strip() if isinstance(value, str) else ""


def _is_head_in_scope(actor: Staff, agency: Agency) -> bool:
    return is_superuser(actor) or (actor.has_role(Role.HEAD) and in_scope(actor, agency))


def _require_team(actor: Staff, agency: Agency, team_ids: Iterable[int], doing: str) -> None:
    """Officers of the team act; a head of the agency (or above) may act for them."""
    require_role(actor, OFFICERS_OR_HEADS, doing)
    require_scope(actor, agency)
    if _is_head_in_scope(actor, agency) or actor.pk in set(team_ids):
        return
    raise PermissionDenied(_("您不是本次检查的检查人员，不能%(doing)s。") % {"doing": doing})


def _wrong_state(label: str, doing: str) -> ValidationError:
    return ValidationError(
        {"status": [_("当前状态为“%(state)s”，不能%(doing)s。") % {"state": label, "doing": doing}]}
    )


def check_citations(*, agency: Agency, text: str, on: datetime.date) -> tuple[list[str], list[str]]:
    """(citations with the revision in force on ``on``, problems) for legal-basis ``text``.

    A citation that cannot be read, or that the agency's legal-basis catalog does not have in
    force that day, is a problem; a unit without such a catalog cannot be checked.
    """
    if not text.strip():
        return [], []
    try:
        citations = parse_citations(text)
    except CitationError:
        return [], [_("无法识别的法律依据，应写作如《中华人民共和国安全生产法》第九十七条。")]
    if applicable_version(agency=agency, kind=CatalogKind.LEGAL_BASIS) is None:
        return [], []
    labels, problems = [], []
    for citation in citations:
        found = legal_article_in_force(agency=agency, citation=citation, on=on)
        if found is None:
            problems.append(
                _("%(citation)s在%(day)s不在施行中，或未收录于本单位执法依据目录。")
                % {"citation": citation.label(), "day": on}
            )
            continue
        basis = getattr(found, "basis", found)
        labels.append(f"{citation.label()}（{basis.revision or basis.effective_from}）")
    return labels, problems


def citation_problems(*, agency: Agency, text: str, on: datetime.date) -> list[str]:
    return check_citations(agency=agency, text=text, on=on)[1]


def _require_inspection(
    actor: Staff, inspection: Inspection, doing: str, *, status: str | None = None
) -> Inspection:
    _require_team(actor, inspection.agency, inspection.officers.values_list("pk", flat=True), doing)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if status is not None and inspection.status != status:
        raise _wrong_state(inspection.get_status_display(), doing)
    return inspection


def _onsite_time_problems(
    inspection: Inspection, made_on_site_at: datetime.datetime | None
) -> list[str]:
    return made_on_site_problems(
        made_on_site_at, not_before=inspection.started_at, act=_("检查开始时间")
    )
