"""Drafts of result publications: from a penalty decision, a closed inspection, a licensing
grant, a coercive measure or by hand, each once per source with its due date from the calendar
service (GS-POST-1, GS-REQ-3), the redaction scan, and the daily backfill of missed signals.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.language import in_legal_language
from sanxiang.core.permissions import require_role, require_scope
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Agency, Staff
from sanxiang.registry.models import CoalMine, Person

from .. import redaction, rules, scanner, sources
from ..fields import (
    Category,
    layout,
)
from ..models import (
    MANUAL,
    PartyKind,
    Publication,
    Redaction,
    RedactionGround,
    RedactionOrigin,
)
from ..workflow import (
    EDITOR_ROLES,
)
from .common import _add, _clean_values, _today


def _region(mine: CoalMine | None, person: Person | None, agency: Agency) -> str:
    if mine is not None:
        return mine.division_code
    if person is not None and person.employer_id:
        return person.employer.division_code
    return agency.division_code


def _scan_context(publication: Publication) -> dict[str, Any]:
    """Who the register knows around this publication: names and addresses to look for, and
    names that may be published (officers — GS-PRE-2.1 — and the party where the rule allows)."""
    persons = Person.objects.filter(agency__path__startswith=publication.agency.path)
    if publication.mine_id:
        persons = Person.objects.filter(
            Q(agency__path__startswith=publication.agency.path) | Q(employer_id=publication.mine_id)
        )
    known_names = set(persons.values_list("name", flat=True))
    known_addresses = set(persons.exclude(address="").values_list("address", flat=True))
    allowed = set(
        Staff.objects.filter(
            agency__path__startswith=publication.agency.path.split("/", 3)[0] or "/"
        )
        .exclude(full_name="")
        .values_list("full_name", flat=True)
    )
    party = publication.person
    if party is not None:
        known_addresses.add(party.address)
        if rules.individual_name_public(publication.category):
            allowed.add(party.name)
            known_names.discard(party.name)
        else:
            known_names.add(party.name)
    return {
        "known_names": known_names - allowed,
        "allowed_names": allowed,
        "known_addresses": {a for a in known_addresses if a},
    }


def _registry_names(text: str, *, exclude: set[str]) -> set[str]:
    """Names of natural persons anywhere in the register that occur in ``text`` (also split by
    spaces or dots): looked up from the text's 2–4 character runs, not by loading the register.
    The scanner flags them as unsure (ADR 0081)."""
    candidates = sorted(scanner.name_candidates(text) - exclude)
    found: set[str] = set()
    for start in range(0, len(candidates), 500):
        chunk = candidates[start : start + 500]
        found.update(Person.objects.filter(name__in=chunk).values_list("name", flat=True))
    return found


@in_legal_language
def _scan(publication: Publication, *, keys: list[str] | None = None) -> int:
    """Propose redactions for the free text of the current revision (keys: only those fields);
    their replacements and notes are recorded in the legal language."""
    context = _scan_context(publication)
    existing = [
        r
        for r in publication.redactions.filter(revision=publication.revision)
        if r.start is not None
    ]
    created = 0
    for item in layout(publication.category):
        if not item.scan or (keys is not None and item.key not in keys):
            continue
        text = str(publication.fields.get(item.key, "") or "")
        taken = [(r.start, r.end) for r in existing if r.field == item.key]
        others = _registry_names(text, exclude=context["allowed_names"])
        for finding in scanner.scan(text, registry_names=others, **context):
            if any(finding.start < end and finding.end > start for start, end in taken):
                continue
            Redaction.objects.create(
                publication=publication,
                revision=publication.revision,
                field=item.key,
                start=finding.start,
                end=finding.end,
                kind=finding.kind,
                certain=finding.certain,
                reason=finding.reason[:200],
                ground=RedactionGround.PERSONAL,
                origin=RedactionOrigin.SCAN,
                withheld=True,
                text_digest=redaction.text_digest(finding.text),
                replacement=redaction.replacement_for(
                    finding.kind, finding.text, RedactionGround.PERSONAL
                ),
            )
            created += 1
    if keys is None or "party_name" in keys:
        publication.redactions.filter(
            revision=publication.revision, origin=RedactionOrigin.RULE
        ).delete()
        name = str(publication.fields.get("party_name", "") or "")
        if (
            publication.party_kind == PartyKind.INDIVIDUAL
            and name
            and not rules.individual_name_public(publication.category)
        ):
            Redaction.objects.create(
                publication=publication,
                revision=publication.revision,
                field="party_name",
                kind=scanner.PERSON_NAME,
                ground=RedactionGround.PERSONAL,
                origin=RedactionOrigin.RULE,
                text_digest=redaction.text_digest(name),
                replacement=scanner.mask_name(name),
                note=_("当事人为自然人，按规则不公开其姓名。"),
            )
            created += 1
    return created


def _create(
    actor: Staff | None, draft: sources.Draft, *, action: str = "publication.draft"
) -> Publication:
    # A changed or remade decision's clock runs from the day the agency received it (ADR 0155).
    due = rules.publication_due(draft.category, draft.extra.get("clock_from", draft.decided_on))
    publication = Publication(
        agency=draft.agency,
        category=draft.category,
        source_type=draft.source_type,
        source_id=draft.source_id,
        title=draft.title[:200],
        party_kind=draft.party_kind,
        mine=draft.mine,
        person=draft.person,
        region=_region(draft.mine, draft.person, draft.agency),
        decided_on=draft.decided_on,
        due_on=due.date,
        due_provisional=due.provisional,
        fields={k: v for k, v in draft.fields.items() if v not in (None, "")},
        created_by=actor,
    )
    until = rules.publicity_until(
        draft.category, draft.decided_on, publication.fields.get("penalty_category", "")
    )
    if until is not None and "publicity_until" not in publication.fields:
        publication.fields["publicity_until"] = until.isoformat()
    publication.save()
    found = _scan(publication)
    ledger_append(
        actor=actor,
        action=action,
        obj=publication,
        details={
            "category": publication.category,
            "source": f"{publication.source_type}:{publication.source_id}",
            "decided_on": publication.decided_on,
            "due_on": publication.due_on,
            "due_provisional": publication.due_provisional,
            "proposed_redactions": found,
        },
    )
    return publication


def _existing(source_type: str, source_id: str, category: str) -> Publication | None:
    return Publication.objects.filter(
        source_type=source_type, source_id=source_id, category=category
    ).first()


def _create_once(draft: sources.Draft, actor: Staff | None = None) -> Publication:
    existing = _existing(draft.source_type, draft.source_id, draft.category)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _create(actor, draft)
    except IntegrityError:  # a concurrent hook created it first
        return _existing(draft.source_type, draft.source_id, draft.category)


@transaction.atomic
def publication_draft_for_case(*, case_id: int, actor: Staff | None = None) -> Publication | None:
    """GS-POST-1: the draft of a penalty decision, due 7 working days after the decision.

    Called when ``cases.signals.decision_issued`` fires (and by the daily sweep, for decisions
    whose signal was missed). Idempotent: one publication per case.
    """
    from sanxiang.cases.models import Case

    case = (
        Case.objects.select_related("agency", "mine", "person", "decision_document__number")
        .filter(pk=case_id, decided_on__isnull=False)
        .first()
    )
    if case is None:
        return None
    return _create_once(sources.penalty_draft(case), actor)


@transaction.atomic
def publication_draft_for_inspection(
    *, inspection_id: int, actor: Staff | None = None
) -> Publication | None:
    """GS-POST-1: the result of a closed inspection, due 20 working days after closure."""
    from sanxiang.inspections.models import Inspection
    from sanxiang.inspections.workflow import InspectionStatus

    inspection = (
        Inspection.objects.select_related("agency", "mine", "plan", "record_document__number")
        .filter(pk=inspection_id, status=InspectionStatus.CLOSED)
        .first()
    )
    if inspection is None:
        return None
    return _create_once(sources.inspection_draft(inspection), actor)


@transaction.atomic
def publication_draft_for_licensing(
    *, application_id: int, actor: Staff | None = None
) -> Publication | None:
    """GS-POST-1: a licensing grant, drafted when decided, due 7 working days after the decision.
    Idempotent: one publication per application."""
    from sanxiang.licensing.models import Application
    from sanxiang.licensing.workflow import Outcome

    application = (
        Application.objects.select_related("agency", "mine")
        .filter(pk=application_id, outcome=Outcome.GRANT, decided_on__isnull=False)
        .first()
    )
    if application is None:
        return None
    return _create_once(sources.licensing_draft(application), actor)


# On-site measures that are coercive (行政强制) and so published as such; the others are part of
# the inspection result.
COERCIVE_ONSITE_MEASURES = frozenset({"withdraw_workers", "order_stop_use"})


COERCIVE_CASE_MEASURES = frozenset(
    {
        "sealing",
        "seizure",
        "order_stop_use",
        "withdraw_workers",
        "stop_power_supply",
        "stop_explosives_supply",
    }
)


@transaction.atomic
def publication_draft_for_measure(
    *, measure_id: int | None = None, case_act_id: int | None = None, actor: Staff | None = None
) -> Publication | None:
    """GS-POST-1: a coercive measure — an on-site measure (撤出作业人员, 暂停使用) or a case's
    emergency measure (查封、扣押…) — due 20 working days after it was taken."""
    if measure_id is not None:
        from sanxiang.inspections.models import OnsiteMeasure

        measure = (
            OnsiteMeasure.objects.select_related(
                "inspection__agency", "inspection__mine", "document__number"
            )
            .filter(pk=measure_id)
            .first()
        )
        if measure is None or measure.kind not in COERCIVE_ONSITE_MEASURES:
            return None
        return _create_once(sources.onsite_measure_draft(measure), actor)
    from sanxiang.cases.models import CaseAct

    act = (
        CaseAct.objects.select_related("case__agency", "case__mine", "document__number", "proposal")
        .filter(pk=case_act_id)
        .first()
    )
    if act is None or act.measure not in COERCIVE_CASE_MEASURES:
        return None
    return _create_once(sources.case_act_draft(act), actor)


@transaction.atomic
def publication_manual_create(
    *,
    actor: Staff,
    agency: Agency,
    category: str,
    decided_on: datetime.date,
    fields: dict[str, Any],
    mine: CoalMine | None = None,
    person: Person | None = None,
) -> Publication:
    """A draft typed in by the editor: licensing decisions made outside the online window (a
    decision of the window drafts its own and is refused here) and any other decision to publish. Due as GS-POST-1 says for its category."""
    require_role(actor, EDITOR_ROLES, _("新建结果公示"))
    require_scope(actor, agency)
    errors: dict[str, list[str]] = {}
    if category not in Category.values:
        raise ValidationError({"category": [_("未知的公示类别。")]})
    if not isinstance(decided_on, datetime.date):
        _add(errors, "decided_on", _("请填写决定日期。"))
    elif decided_on > _today():
        _add(errors, "decided_on", _("决定日期不能晚于今天。"))
    if mine is not None and not CoalMine.objects.restrict(actor).filter(pk=mine.pk).exists():
        _add(errors, "mine", _("所选煤矿不存在或不在您的管辖范围内。"))
    if person is not None and not Person.objects.restrict(actor).filter(pk=person.pk).exists():
        _add(errors, "person", _("所选自然人不存在或不在您的管辖范围内。"))
    if (
        category == Category.LICENSING
        and mine is not None
        and isinstance(decided_on, datetime.date)
    ):
        from sanxiang.licensing.models import Application

        if (
            Application.objects.filter(mine=mine, decided_on=decided_on)
            .exclude(outcome="")
            .exists()
        ):
            _add(
                errors,
                "category",
                _("该煤矿当日的行政许可决定已由行政许可网上办理生成公示草稿，请在该草稿上编辑。"),
            )
    values = _clean_values(category, fields or {}, errors)
    if errors:
        raise ValidationError(errors)
    if mine is None and person is not None and person.employer_id:
        mine = person.employer  # 一矿一页: a result on a miner belongs on his mine's page
    party = person.name if person else (mine.name if mine else values.get("party_name", ""))
    base = sources._party_fields(mine=mine, person=person) if (mine or person) else {}
    with in_legal_language():
        title = f"{Category(category).label} · {party}"
    draft = sources.Draft(
        category=category,
        agency=agency,
        source_type=MANUAL,
        source_id="",
        title=title,
        decided_on=decided_on,
        fields={
            **sources._agency_fields(agency),
            **base,
            "decision_date": decided_on.isoformat(),
            **{k: v for k, v in values.items() if v},
        },
        party_kind=PartyKind.INDIVIDUAL
        if person
        else (PartyKind.MINE if mine else PartyKind.OTHER),
        mine=mine,
        person=person,
    )
    return _create(actor, draft)


def drafts_backfill(*, since: datetime.date | None = None) -> list[Publication]:
    """Create the drafts a missed signal did not (daily sweep, GS-POST-1): decided cases,
    closed inspections and coercive measures — on-site or a case's emergency measure — without
    one, decided on or after ``since``."""
    from sanxiang.cases.models import ActKind, Case, CaseAct
    from sanxiang.inspections.models import Inspection, OnsiteMeasure
    from sanxiang.inspections.workflow import InspectionStatus

    start = (
        timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
        if since is not None
        else None
    )
    cases = Case.objects.filter(decided_on__isnull=False)
    inspections = Inspection.objects.filter(status=InspectionStatus.CLOSED)
    measures = OnsiteMeasure.objects.filter(kind__in=COERCIVE_ONSITE_MEASURES)
    acts = CaseAct.objects.filter(
        kind=ActKind.EMERGENCY_MEASURE, measure__in=COERCIVE_CASE_MEASURES
    )
    if since is not None:
        cases = cases.filter(decided_on__gte=since)
        inspections = inspections.filter(closed_at__gte=start)
        measures = measures.filter(created_at__gte=start)
        acts = acts.filter(started_at__gte=start)
    sweeps = (
        ("cases.case", cases, lambda pk: publication_draft_for_case(case_id=pk)),
        (
            "inspections.inspection",
            inspections,
            lambda pk: publication_draft_for_inspection(inspection_id=pk),
        ),
        (
            "inspections.onsitemeasure",
            measures,
            lambda pk: publication_draft_for_measure(measure_id=pk),
        ),
        ("cases.caseact", acts, lambda pk: publication_draft_for_measure(case_act_id=pk)),
    )
    created = []
    for source_type, rows, draft in sweeps:
        have = set(
            Publication.objects.filter(source_type=source_type).values_list("source_id", flat=True)
        )
        for pk in rows.order_by("pk").values_list("pk", flat=True):
            if str(pk) not in have:
                publication = draft(pk)
                if publication is not None:
                    created.append(publication)
    return created
