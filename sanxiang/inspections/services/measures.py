"""On-site measures (现场处理措施): taking one with its document and showings, and verifying it
after its deadline. Taking one sends ``onsite_measure_taken`` on commit.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.catalog.major import DecisionFacts, PartyKind, classify
from sanxiang.catalog.selectors import (
    major_items_for,
)
from sanxiang.core.language import in_legal_language
from sanxiang.core.validation import clean_and_save
from sanxiang.core.workdays import add_days
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Agency, Staff

from .. import paperwork
from .. import showings as showing_rules
from ..models import (
    Finding,
    Inspection,
    OnsiteMeasure,
    OnsiteMeasureKind,
    Verification,
)
from ..signals import onsite_measure_taken
from ..workflow import (
    InspectionStatus,
)
from .common import (
    MEASURE_DOCUMENTS,
    _add,
    _errors,
    _onsite_time_problems,
    _raise_if,
    _require_inspection,
    _require_team,
    _text,
    _wrong_state,
    citation_problems,
)

# The power on-site measures rest on; an agency checks it against its legal-basis catalog.
ONSITE_MEASURE_BASIS = "《中华人民共和国安全生产法》第六十五条"


MAX_RECTIFICATION_DAYS = 365


def measure_major_matches(agency: Agency, kind: str):
    """SH-SCOPE-2: whether an on-site measure is a major decision in the agency's catalog."""
    return classify(
        DecisionFacts(party_kind=PartyKind.MINE, measures=frozenset({kind})),
        major_items_for(agency=agency),
    )


@in_legal_language
def _measure_document_content(
    inspection: Inspection,
    finding: Finding | None,
    legal_basis: str,
    content: str,
    days: int | None,
    due,
) -> dict[str, Any]:
    """The on-site measure's document (现场处理措施决定书, 责令限期整改指令书, …). The measure is
    taken during the inspection, where the officers showed their certificates: the document
    prints those showings from the inspection's rows (GS-MID-1, ADR 0210, 0231)."""
    return {
        "party": paperwork.party_lines(mine=inspection.mine),
        "table": [
            {
                "label": _("出示证件"),
                "value": "；".join(
                    showing_rules.showing_lines(showing_rules.showings_of(inspection))
                )
                or "—",
            }
        ],
        "sections": [
            {
                "heading": _("检查发现的问题"),
                "paragraphs": [f"{finding.description}（{finding.facts}）"]
                if finding
                else [_("见现场检查记录。")],
            },
            {"heading": _("依据"), "paragraphs": [legal_basis]},
            {
                "heading": _("处理决定"),
                "paragraphs": [content]
                + (
                    [
                        _("整改期限：自本指令书送达之日起%(days)d日内（至%(due)s）完成整改。")
                        % {"days": days, "due": paperwork.cn_date(due.date)}
                    ]
                    if due
                    else []
                ),
            },
        ],
        "remedies": paperwork.remedies_text(agency=inspection.agency),
        "signatures": [_("被检查单位负责人（签名）"), _("执法人员（签名）")],
    }


@transaction.atomic
def onsite_measure_take(
    *,
    actor: Staff,
    inspection: Inspection,
    kind: str,
    content: str,
    finding: Finding | None = None,
    days: int | None = None,
    legal_basis: str = ONSITE_MEASURE_BASIS,
    made_on_site_at: datetime.datetime | None = None,
) -> OnsiteMeasure:
    """Take an on-site measure and issue its document at once (order to rectify within a time
    limit, withdraw workers, stop using equipment, …). A measure the unit's catalog lists as a
    major decision is refused here: it goes through legal review, or — for a major hazard — the
    case's emergency path (SH-SCOPE-1). ``made_on_site_at``: the decision was made on site or
    underground, where nothing can be signed, and is signed now on return (ADR 0226)."""
    inspection = _require_inspection(
        actor, inspection, _("采取现场处理措施"), status=InspectionStatus.OPEN
    )
    errors = _errors()
    if kind not in OnsiteMeasureKind.values:
        raise ValidationError({"kind": [_("未知的现场处理措施。")]})
    if finding is not None and finding.inspection_id != inspection.pk:
        _add(errors, "finding", _("所选问题不属于本次检查。"))
    matches = measure_major_matches(inspection.agency, kind)
    if matches:
        _add(
            errors,
            "kind",
            _(
                "“%(kind)s”属于本单位重大执法决定（%(items)s），须经法制审核后作出；"
                "存在重大事故隐患需要立即执行的，请立案后按紧急措施办理（先执行、后审核，《实施办法》五（二）1）。"
            )
            % {
                "kind": OnsiteMeasureKind(kind).label,
                "items": "；".join(m.title for m in matches),
            },
        )
    if not _text(content):
        _add(errors, "content", _("请写明措施的具体内容。"))
    for problem in citation_problems(
        agency=inspection.agency, text=legal_basis or "", on=inspection.inspected_on
    ):
        _add(errors, "legal_basis", problem)
    if not _text(legal_basis):
        _add(errors, "legal_basis", _("请写明采取措施的法律依据。"))
    due = None
    if kind == OnsiteMeasureKind.RECTIFY_WITHIN_LIMIT:
        if not isinstance(days, int) or not 1 <= days <= MAX_RECTIFICATION_DAYS:
            _add(
                errors,
                "days",
                _("责令限期整改须给出1至%(n)d日的整改期限。") % {"n": MAX_RECTIFICATION_DAYS},
            )
        else:
            due = add_days(inspection.inspected_on, days, for_party=True)
    elif days not in (None, ""):
        _add(errors, "days", _("只有限期整改需要整改期限。"))
        days = None
    for problem in _onsite_time_problems(inspection, made_on_site_at):
        _add(errors, "made_on_site_at", problem)
    _raise_if(errors)
    document = paperwork.issue_document(
        actor=actor,
        agency=inspection.agency,
        type_code=MEASURE_DOCUMENTS[kind],
        content=_measure_document_content(
            inspection, finding, _text(legal_basis), _text(content), days, due
        ),
        subject=inspection,
        made_on_site_at=made_on_site_at,
    )
    measure = OnsiteMeasure(
        inspection=inspection,
        finding=finding,
        kind=kind,
        content=_text(content),
        days=days if due else None,
        due_on=due.date if due else None,
        due_provisional=bool(due and due.provisional),
        document=document,
        created_by=actor,
    )
    clean_and_save(measure)
    ledger_append(
        actor=actor,
        action="measure.create",
        obj=measure,
        details={"kind": kind, "document": document.number.text, "due_on": measure.due_on},
    )
    measure_id = measure.pk
    transaction.on_commit(
        lambda: onsite_measure_taken.send(sender=OnsiteMeasure, measure_id=measure_id)
    )
    return measure


@transaction.atomic
def onsite_measure_verify(
    *,
    actor: Staff,
    measure: OnsiteMeasure,
    verification: str,
    verified_on: datetime.date,
    note: str,
) -> OnsiteMeasure:
    """Record the follow-up (整改复查) of a measure with a time limit."""
    inspection = measure.inspection
    _require_team(
        actor, inspection.agency, inspection.officers.values_list("pk", flat=True), _("整改复查")
    )
    measure = OnsiteMeasure.objects.select_for_update().get(pk=measure.pk)
    errors = _errors()
    if inspection.status == InspectionStatus.CLOSED:
        raise _wrong_state(inspection.get_status_display(), _("整改复查"))
    if measure.due_on is None:
        raise ValidationError({"measure": [_("该措施没有整改期限，无需复查。")]})
    if measure.verification:
        raise ValidationError({"measure": [_("该措施已复查。")]})
    if verification not in Verification.values:
        _add(errors, "verification", _("请选择复查结果。"))
    if verified_on is None:
        _add(errors, "verified_on", _("请填写复查日期。"))
    elif verified_on < inspection.inspected_on or verified_on > timezone.localdate():
        _add(errors, "verified_on", _("复查日期应在检查日期之后、今天之前。"))
    if not _text(note):
        _add(errors, "note", _("请写明复查情况。"))
    _raise_if(errors)
    measure.verification = verification
    measure.verified_on = verified_on
    measure.verification_note = _text(note)
    measure.verified_by = actor
    measure.save()
    ledger_append(
        actor=actor,
        action="measure.verify",
        obj=measure,
        details={"verification": verification, "verified_on": verified_on},
    )
    return measure
