"""What the records prove about a drawn file, before anyone reads it (ADR 0160).

Each check reads the owning app's selectors and returns findings that name the fact and link to
the record that proves it: a stage document missing or voided, steps out of order, a period not
observed, a certificate not valid on the day of the act, a legal review late or missing, a
publication late, a gap in the archive unit's numbering or in a register of document numbers, a recording missing where the rules
require one. The evaluator confirms or overrides each with a reason; nothing here scores.

Check codes (``check``) are what the rubric's items take (``data/evaluation_rubric_sample.json``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.org.models import Certificate, CertificateValidity

DECISION_DAYS = 90  # 行政处罚法 art. 60: decision within 90 days of filing (unless rules say more)


@dataclass(frozen=True)
class Proposed:
    check: str
    text: str
    evidence_label: str = ""
    evidence_url: str = ""


def _day(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value


def certificate_on(staff, day: datetime.date) -> tuple[bool, Certificate | None]:
    """Whether ``staff`` held a certificate valid on ``day``; else his latest one (or None)."""
    certificates = list(Certificate.objects.filter(holder=staff).order_by("-expires_on"))
    if any(c.validity_on(day) == CertificateValidity.VALID for c in certificates):
        return True, None
    return False, certificates[0] if certificates else None


def certificates_invalid(acts: Iterable[tuple[str, datetime.date, list]]) -> list[Proposed]:
    """GS-MID-1 / domain-reference §5 basic standard: every officer who acted held a certificate
    valid on the day. ``acts`` are (label, day, officers); one finding per officer."""
    seen: set[int] = set()
    out = []
    for label, day, officers in acts:
        if day is None:
            continue
        for officer in officers:
            if officer.pk in seen:
                continue
            valid, latest = certificate_on(officer, day)
            if valid:
                continue
            seen.add(officer.pk)
            if latest is None:
                state = _("无执法证")
            else:
                state = _("执法证%(n)s%(v)s（有效期%(a)s至%(b)s）") % {
                    "n": latest.number,
                    "v": latest.validity_on(day).label,
                    "a": latest.issued_on,
                    "b": latest.expires_on,
                }
            out.append(
                Proposed(
                    "certificate_invalid",
                    _("%(who)s在%(act)s之日（%(day)s）%(state)s，不具备执法资格")
                    % {
                        "who": officer.full_name or officer.username,
                        "act": label,
                        "day": day,
                        "state": state,
                    },
                    _("执法证登记"),
                    reverse("org:staff_detail", args=[officer.pk]),
                )
            )
    return out


def too_few_officers(acts: Iterable[tuple[str, datetime.date, list]], url: str) -> list[Proposed]:
    return [
        Proposed(
            "too_few_officers",
            _("%(act)s（%(day)s）执法人员只有%(n)d人，少于两人")
            % {"act": label, "day": day, "n": len(officers)},
            label,
            url,
        )
        for label, day, officers in acts
        if len(officers) < 2
    ]


def documents(issued, checklists, url: str) -> list[Proposed]:
    """JL-TXT-3b: documents a reached stage required that were never issued, and voided ones
    (``issued``: the file's documents, ``paperwork.documents_of``)."""
    out = []
    for checklist in checklists:
        for item in checklist.missing:
            out.append(
                Proposed(
                    "document_missing",
                    _("「%(stage)s」环节缺少《%(doc)s》")
                    % {"stage": checklist.label, "doc": item.name},
                    _("环节文书清单"),
                    url,
                )
            )
    for document in issued:
        if document.status == "voided":
            out.append(
                Proposed(
                    "document_voided",
                    _("《%(title)s》%(number)s已作废")
                    % {"title": document.title, "number": document.number or ""},
                    document.title,
                    reverse("documents:pdf", args=[document.pk]),
                )
            )
    return out


def _case_acts(case) -> list[tuple[str, datetime.date, list]]:
    acts = [
        (act.get_kind_display(), _day(act.started_at), list(act.officers.all()))
        for act in case.acts.prefetch_related("officers").order_by("started_at", "pk")
    ]
    officers = list(case.officers.all())
    for label, day in ((_("告知"), _day(case.notified_at)), (_("作出决定"), case.decided_on)):
        if day:
            acts.append((label, day, officers))
    return acts


def steps_out_of_order(case, url: str) -> list[Proposed]:
    steps = [
        (_("立案"), case.filed_on),
        (_("告知"), _day(case.notified_at)),
        (_("作出决定"), case.decided_on),
        (_("送达"), case.served_on),
        (_("结案"), case.closed_on),
    ]
    dated = [(label, day) for label, day in steps if day]
    return [
        Proposed(
            "steps_out_of_order",
            _("%(b)s（%(bd)s）早于%(a)s（%(ad)s），环节顺序颠倒")
            % {"a": a, "ad": ad, "b": b, "bd": bd},
            _("案件办理过程"),
            url,
        )
        for (a, ad), (b, bd) in pairwise(dated)
        if bd < ad
    ]


def periods(case, url: str) -> list[Proposed]:
    """行政处罚法 arts. 44–45, 63–64: no decision before the statement (and hearing request)
    period ended unless the party waived; art. 60: decision within 90 days of filing."""
    out = []
    if case.decided_on and not case.rights_waived:
        for label, due in (
            (_("陈述申辩期限"), case.statement_due),
            (_("听证申请期限"), case.hearing_request_due if case.hearing_applicable else None),
        ):
            if due and case.decided_on <= due and not case.hearing_held_on:
                out.append(
                    Proposed(
                        "period_not_observed",
                        _("%(label)s至%(due)s届满前（%(day)s）即作出决定")
                        % {"label": label, "due": due, "day": case.decided_on},
                        _("案件期限"),
                        url,
                    )
                )
    if case.decided_on and case.filed_on:
        days = (case.decided_on - case.filed_on).days
        if days > DECISION_DAYS:
            out.append(
                Proposed(
                    "decision_overdue",
                    _("立案（%(f)s）后第%(n)d日才作出决定，超过九十日期限")
                    % {"f": case.filed_on, "n": days},
                    _("案件期限"),
                    url,
                )
            )
    return out


def review(case) -> list[Proposed]:
    """SH-SCOPE-1: a major decision reviewed in time; missing when it was never reviewed."""
    from sanxiang.cases import gate
    from sanxiang.cases.models import ReviewClearance
    from sanxiang.review.models import Opinion

    out = []
    for opinion in Opinion.objects.filter(review__case=case, overdue=True).select_related("review"):
        out.append(
            Proposed(
                "review_late",
                _("法制审核超期：期限至%(due)s，%(day)s才提出审核意见")
                % {"due": opinion.due_on, "day": opinion.issued_on},
                _("法制审核意见"),
                reverse("review:detail", args=[opinion.review_id]),
            )
        )
    if not ReviewClearance.objects.filter(proposal__case=case).exists():
        for proposal in case.proposals.order_by("pk"):
            matches = gate.major_matches(proposal)
            if matches:
                out.append(
                    Proposed(
                        "review_missing",
                        _("属于重大执法决定（%(items)s），未经法制审核")
                        % {"items": "；".join(m.title for m in matches)},
                        _("案件办理过程"),
                        reverse("cases:detail", args=[case.pk]),
                    )
                )
                break
    return out


def publication(subject_type: str, subject_id: int, due: datetime.date | None) -> list[Proposed]:
    """GS-POST-1: the decision published by its due date (7 working days)."""
    from sanxiang.publicity.models import Publication

    pub = (
        Publication.objects.filter(source_type=subject_type, source_id=str(subject_id))
        .order_by("pk")
        .first()
    )
    due = pub.due_on if pub is not None else due
    if due is None:
        return []
    url = reverse("publicity:detail", args=[pub.pk]) if pub else ""
    if pub is not None and pub.first_published_at:
        day = timezone.localdate(pub.first_published_at)
        if day > due:
            return [
                Proposed(
                    "publication_late",
                    _("执法决定公示逾期：期限至%(due)s，%(day)s才公示") % {"due": due, "day": day},
                    _("执法结果公示"),
                    url,
                )
            ]
        return []
    if due < timezone.localdate():
        return [
            Proposed(
                "publication_late",
                _("执法决定公示逾期：期限至%(due)s，至今未公示") % {"due": due},
                _("执法结果公示"),
                url,
            )
        ]
    return []


def numbering(archive_unit) -> list[Proposed]:
    """The archive unit's 件号 and 页号 run without gaps."""
    if archive_unit is None:
        return []
    url = reverse("archive:unit_detail", args=[archive_unit.pk])
    items = list(archive_unit.items.order_by("seq").values_list("seq", "page_from", "page_to"))
    seqs = [s for s, _a, _b in items]
    out = []
    missing = [s for s in range(1, max(seqs, default=0) + 1) if s not in set(seqs)]
    if missing:
        out.append(
            Proposed(
                "numbering_gap",
                _("卷内件号不连续：缺少%(s)s") % {"s": "、".join(f"第{s}件" for s in missing)},
                _("卷内目录"),
                url,
            )
        )
    expected = 1
    for seq, first, last in items:
        if first is None or last is None:
            continue
        if first != expected:
            out.append(
                Proposed(
                    "numbering_gap",
                    _("第%(seq)d件起始页为%(f)d，应为%(e)d，页号不连续")
                    % {"seq": seq, "f": first, "e": expected},
                    _("卷内目录"),
                    url,
                )
            )
        expected = last + 1
    return out


GAPS_NAMED = 10  # a register missing more numbers names the first ten and the count


def register_gaps(issued, url: str) -> list[Proposed]:
    """Numbers missing from the registers the file's documents were numbered in (JL-TXT-3b).

    Numbers are taken without gaps and a voided number keeps its row with the reason, so a
    number below the register's last value without a row means a row went missing: the
    evaluator sees which, in every register (agency, document type, year) this file used."""
    from sanxiang.documents.models import DocumentNumber, NumberSequence

    registers = {
        (number.agency_id, number.type_code, number.year)
        for document in issued
        if (number := document.number) is not None
    }
    out = []
    for agency_id, type_code, year in sorted(registers):
        register = {"agency_id": agency_id, "type_code": type_code, "year": year}
        last = (
            NumberSequence.objects.filter(**register).values_list("last_value", flat=True).first()
        )
        taken = set(DocumentNumber.objects.filter(**register).values_list("sequence", flat=True))
        missing = [n for n in range(1, (last or 0) + 1) if n not in taken]
        if not missing:
            continue
        named = "、".join(_("%(n)d号") % {"n": n} for n in missing[:GAPS_NAMED])
        if len(missing) > GAPS_NAMED:
            named = _("%(named)s等%(count)d个") % {"named": named, "count": len(missing)}
        out.append(
            Proposed(
                "document_number_gap",
                _("%(year)d年“%(type)s”字文号不连续：已取号至%(last)d号，缺少%(missing)s的登记")
                % {"year": year, "type": type_code, "last": last, "missing": named},
                _("本案文书"),
                url,
            )
        )
    return out


def recordings(case, url: str) -> list[Proposed]:
    """JL-AV-2: the acts that must be recorded in full have covering recordings."""
    from sanxiang.cases.recordings import RECORDED_STAGES, recording_gaps

    out = []
    for act in case.acts.order_by("started_at", "pk"):
        if act.kind not in RECORDED_STAGES:
            continue
        for gap in recording_gaps(
            case=case, stage=act.kind, start=act.started_at, end=act.ended_at
        ):
            out.append(
                Proposed(
                    "recording_missing",
                    _("%(act)s（%(day)s）应全过程音像记录：%(gap)s")
                    % {"act": act.get_kind_display(), "day": _day(act.started_at), "gap": gap},
                    _("音像记录"),
                    url,
                )
            )
    return out


def for_case(case, archive_unit=None) -> list[Proposed]:
    from sanxiang.cases.steps import case_checklists
    from sanxiang.inspections.paperwork import documents_of

    url = reverse("cases:detail", args=[case.pk])
    acts = _case_acts(case)
    issued = documents_of(case)
    return [
        *certificates_invalid(acts),
        *too_few_officers([a for a in acts if a[0] not in (_("告知"), _("作出决定"))], url),
        *documents(issued, case_checklists(case), url),
        *steps_out_of_order(case, url),
        *periods(case, url),
        *review(case),
        *(publication("cases.case", case.pk, case.publication_due) if case.decided_on else []),
        *numbering(archive_unit),
        *register_gaps(issued, url),
        *recordings(case, url),
    ]


def for_inspection(inspection, archive_unit=None) -> list[Proposed]:
    from sanxiang.inspections.paperwork import documents_of
    from sanxiang.inspections.services import inspection_checklists

    url = reverse("inspections:inspection_detail", args=[inspection.pk])
    issued = documents_of(inspection)
    acts = [(_("现场检查"), inspection.inspected_on, list(inspection.officers.all()))]
    return [
        *certificates_invalid(acts),
        *too_few_officers(acts, url),
        *documents(issued, inspection_checklists(inspection), url),
        *(
            publication("inspections.inspection", inspection.pk, None)
            if inspection.closed_at
            else []
        ),
        *numbering(archive_unit),
        *register_gaps(issued, url),
    ]
