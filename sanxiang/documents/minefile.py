"""What the documents app adds to a mine's file (一矿一档, JL-ARC-3, ADR 0126): every issued
document whose subject is about the mine (its inspection plans, inspections, cases, or the
mine itself), voided ones marked, in the user's scope; the PDF opens on a reading ground
(ADR 0123), and offers borrowing to anyone without one.

A document's confidentiality level (密级, ADR 0128) is on its line as a badge. Its title is the
kind of document and its number, which ADR 0065 lets everyone in scope see whatever the level
(ground 1); the content behind the link is what the level and the grounds guard (ADR 0257).

State-secret items are not here at all, only registered by reference (涉密件登记, ADR 0128); the
file lists each registration as the level and its register number with the kind of item and
the unit that keeps the original — never its title nor where it is stored, which travel no
further than the classified register — linked to the case or inspection it belongs to.
"""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.core.confidentiality import Confidentiality
from sanxiang.registry.models import CoalMine
from sanxiang.registry.timeline import Feed, TimelineEvent, mine_subject_q

from .models import ClassifiedRegistration, Document, DocumentStatus

# The page of the subjects a classified item may belong to (``classified_register`` takes a case
# or an inspection).
SUBJECT_PAGES = {
    "cases.case": "cases:detail",
    "inspections.inspection": "inspections:inspection_detail",
}


@cache
def subject_kind(object_type: str) -> str:
    """What a document belongs to, in words (“现场检查”), from the model's name."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return ""


def _documents(rows: list[Document]) -> list[TimelineEvent]:
    out = []
    for d in rows:
        kind = subject_kind(d.subject_type) if d.subject_type else ""
        out.append(
            TimelineEvent(
                when=d.issued_at,
                title=f"{d.title} {d.number or ''}".strip(),
                summary=_("%(kind)s的文书") % {"kind": kind} if kind else "",
                badge="、".join(
                    str(label)
                    for label in (
                        d.get_status_display() if d.status == DocumentStatus.VOIDED else "",
                        d.get_confidentiality_display()
                        if d.confidentiality != Confidentiality.ORDINARY
                        else "",
                    )
                    if label
                ),
                who=str(d.issued_by),
                agency=str(d.agency),
                url=reverse("documents:pdf", args=[d.pk]),
                object_type="documents.document",
                object_id=str(d.pk),
            )
        )
    return out


def mine_documents(*, user, mine: CoalMine):
    """The documents about ``mine`` that ``user`` may see (voided ones included): the agency
    scope; opening one needs a ground (``documents.access``)."""
    return (
        Document.objects.restrict(user)
        .filter(mine_subject_q(mine))
        .select_related("number", "agency", "issued_by")
    )


def classified_label(item: ClassifiedRegistration) -> str:
    """What stands for a classified item on the file: its level and its register number."""
    return f"（{Confidentiality(item.confidentiality).label}）{item.register_number}"


def _classified(rows: list[ClassifiedRegistration]) -> list[TimelineEvent]:
    out = []
    for c in rows:
        page = SUBJECT_PAGES.get(c.subject_type)
        out.append(
            TimelineEvent(
                when=c.registered_at,
                title=classified_label(c),
                summary=_("%(kind)s；原件由%(unit)s保管，本系统只存其登记信息和摘要值")
                % {"kind": c.get_item_kind_display(), "unit": c.custodian_unit},
                badge=str(Confidentiality(c.confidentiality).label),
                who=str(c.registered_by),
                agency=str(c.agency),
                url=reverse(page, args=[c.subject_id]) if page else "",
                object_type="documents.classifiedregistration",
                object_id=str(c.pk),
            )
        )
    return out


def feeds(user, mine: CoalMine) -> list[Feed]:
    classified = (
        ClassifiedRegistration.objects.restrict(user)
        .filter(mine_subject_q(mine))
        .select_related("agency", "registered_by")
    )
    return [
        Feed(
            kind="document",
            label=_("执法文书"),
            order=60,
            rows=mine_documents(user=user, mine=mine),
            date_field="issued_at",
            to_events=_documents,
        ),
        Feed(
            kind="classified",
            label=_("涉密件登记"),
            order=75,
            rows=classified,
            date_field="registered_at",
            to_events=_classified,
        ),
    ]
