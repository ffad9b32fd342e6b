"""Writes of result publication: drafts, redaction, review, approval and release, revisions,
withdrawal, expiry. One transaction each; every state change is a ledger event.

GS-POST-1 / GS-REQ-3: drafts carry their due date from the calendar service. GS-REQ-2: the
editor confirms the redaction, a second person reviews, the head approves, and approval
publishes on the portal, in open data and in the feed at once (the search entry is written in
the same transaction). GS-POST-2: withdrawal within 3 working days with its reason, a
tombstone in place of the record; revisions keep every released version.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.language import in_legal_language
from sanxiang.core.permissions import is_superuser, require_role, require_scope
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.services import ledger_append, ledger_hasher
from sanxiang.org.models import Agency, Staff
from sanxiang.registry.models import CoalMine, Person

from . import redaction, rules, scanner, search, sources
from .fields import (
    AMOUNT,
    CHOICE,
    DATE,
    KIND_FIELD,
    OUTCOME_FIELD,
    PENALTY_CATEGORIES,
    Category,
    InfoClass,
    layout,
)
from .models import (
    MANUAL,
    PartyKind,
    Publication,
    PublicationVersion,
    PublicEntry,
    Redaction,
    RedactionGround,
    RedactionOrigin,
    WithdrawalReason,
)
from .workflow import (
    EDITOR_ROLES,
    PublicationStatus,
    Transition,
    transition_for,
)

S = PublicationStatus


def _today() -> datetime.date:
    return timezone.localdate()


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


# --- the workflow step helper --------------------------------------------------------------------


def _begin(
    actor: Staff | None, publication: Publication, action: str, reason: str = ""
) -> tuple[Publication, Transition, str]:
    """Lock the publication and check that ``actor`` may take ``action`` from its state."""
    publication = (
        Publication.objects.select_for_update().select_related("agency").get(pk=publication.pk)
    )
    transition = transition_for(publication.status, action)
    if transition is None:
        raise ValidationError(
            {
                "status": [
                    _("该公示当前状态为“%(s)s”，不能执行该操作。")
                    % {"s": publication.get_status_display()}
                ]
            }
        )
    if actor is None:
        if not transition.system_may_act:
            raise PermissionDenied(_("该操作须由有权限的人员办理。"))
    else:
        require_role(actor, transition.roles, str(transition.label))
        require_scope(actor, publication.agency)
    reason = _text(reason)
    if transition.needs_reason and not reason:
        raise ValidationError({"reason": [_("请说明理由。")]})
    if len(reason) > 500:
        raise ValidationError({"reason": [_("理由最多500个字符。")]})
    return publication, transition, reason


def _record(
    actor: Staff | None,
    publication: Publication,
    transition: Transition,
    reason: str = "",
    **details: Any,
) -> Publication:
    publication.status = transition.target
    publication.save()
    ledger_append(
        actor=actor,
        action=f"publication.{transition.action}",
        obj=publication,
        details={
            "category": publication.category,
            "revision": publication.revision,
            "from": transition.source,
            "to": transition.target,
            **({"reason": reason} if reason else {}),
            **details,
        },
    )
    return publication


# --- drafts -------------------------------------------------------------------------------------


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


# --- editing and redaction ----------------------------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _clean_values(
    category: str, changes: dict[str, Any], errors: dict[str, list[str]]
) -> dict[str, str]:
    """Validate typed values field by field (format only; completeness is checked at confirm)."""
    items = {item.key: item for item in layout(category)}
    values: dict[str, str] = {}
    for key, raw in changes.items():
        item = items.get(key)
        if item is None:
            _add(errors, key, _("该字段不属于本类别的公示格式。"))
            continue
        if raw is None:
            raw = ""
        if not isinstance(raw, str | int | Decimal | datetime.date):
            _add(errors, key, _("应为文本。"))
            continue
        value = raw.isoformat() if isinstance(raw, datetime.date) else str(raw).strip()
        if len(value) > item.max_length:
            _add(errors, key, _("内容过长，最多%(n)d个字符。") % {"n": item.max_length})
            continue
        if value and item.kind == DATE:
            try:
                if not _DATE.match(value):
                    raise ValueError
                datetime.date.fromisoformat(value)
            except ValueError:
                _add(errors, key, _("日期格式应为 YYYY-MM-DD。"))
                continue
        if value and item.kind == AMOUNT:
            try:
                amount = Decimal(value)
                if not amount.is_finite() or amount < 0 or amount > Decimal("1000000"):
                    raise InvalidOperation
            except InvalidOperation:
                _add(errors, key, _("应为不小于0的数字（单位：万元）。"))
                continue
        if value and item.kind == CHOICE and value not in {code for code, _l in item.choices}:
            _add(errors, key, _("取值无效。"))
            continue
        if value and key == "penalty_category":
            unknown = [
                v for v in re.split(r"[、，,;；\s]+", value) if v and v not in PENALTY_CATEGORIES
            ]
            if unknown:
                _add(errors, key, _("未知的处罚类别：%(k)s。") % {"k": "、".join(unknown)})
                continue
        values[key] = value
    return values


def _require_draft(actor: Staff, publication: Publication, doing: str) -> Publication:
    require_role(actor, EDITOR_ROLES, doing)
    publication = (
        Publication.objects.select_for_update().select_related("agency").get(pk=publication.pk)
    )
    require_scope(actor, publication.agency)
    if publication.status != S.DRAFT:
        raise ValidationError(
            {
                "status": [
                    _("该公示当前状态为“%(s)s”，只有待区分处理的草稿可以修改。")
                    % {"s": publication.get_status_display()}
                ]
            }
        )
    return publication


def _relocate(publication: Publication, key: str, old: str, new: str) -> None:
    """After an edit of field ``key``: proposals are recomputed, editor's marks follow their text."""
    current = publication.redactions.filter(revision=publication.revision, field=key)
    for mark in current.filter(start__isnull=False):
        fragment = old[mark.start : mark.end]
        if mark.origin == RedactionOrigin.SCAN:
            mark.delete()
            continue
        position = new.find(fragment) if fragment else -1
        if position < 0:
            mark.delete()
        else:
            mark.start, mark.end = position, position + len(fragment)
            mark.save()


@transaction.atomic
def publication_edit(
    *,
    actor: Staff,
    publication: Publication,
    changes: dict[str, Any] | None = None,
    field_classes: dict[str, str] | None = None,
) -> Publication:
    """Correct the draft's values or classes; changed free text is scanned again."""
    publication = _require_draft(actor, publication, _("修改结果公示"))
    errors: dict[str, list[str]] = {}
    values = _clean_values(publication.category, changes or {}, errors)
    items = {item.key: item for item in layout(publication.category)}
    classes = dict(publication.field_classes)
    for key, info_class in (field_classes or {}).items():
        item = items.get(key)
        if item is None:
            _add(errors, key, _("该字段不属于本类别的公示格式。"))
        elif info_class not in InfoClass.values:
            _add(errors, key, _("未知的信息类别。"))
        elif item.locked and info_class != item.info_class:
            _add(
                errors,
                key,
                _("该字段固定为“%(c)s”，不能改为公开。") % {"c": InfoClass(item.info_class).label},
            )
        elif info_class == item.info_class:
            classes.pop(key, None)
        else:
            classes[key] = info_class
    if errors:
        raise ValidationError(errors)
    changed = [k for k, v in values.items() if str(publication.fields.get(k, "") or "") != v]
    old = dict(publication.fields)
    for key in changed:
        if values[key]:
            publication.fields[key] = values[key]
        else:
            publication.fields.pop(key, None)
        _relocate(publication, key, str(old.get(key, "") or ""), values[key])
    class_changes = sorted(
        k
        for k in set(classes) | set(publication.field_classes)
        if classes.get(k) != publication.field_classes.get(k)
    )
    publication.field_classes = classes
    if "decision_date" in changed and publication.fields.get("decision_date"):
        decided = datetime.date.fromisoformat(publication.fields["decision_date"])
        if publication.live_version_id is None:
            due = rules.publication_due(publication.category, decided)
            publication.decided_on, publication.due_on, publication.due_provisional = (
                decided,
                due.date,
                due.provisional,
            )
    if not changed and not class_changes:
        return publication
    publication.save()
    _scan(publication, keys=changed)
    ledger_append(
        actor=actor,
        action="publication.edit",
        obj=publication,
        details={
            "fields": sorted(changed),
            "classes": {k: classes.get(k, "") for k in class_changes},
        },
    )
    return publication


@transaction.atomic
def redaction_add(
    *,
    actor: Staff,
    publication: Publication,
    field: str,
    text: str,
    ground: str = RedactionGround.PERSONAL,
    note: str = "",
) -> list[Redaction]:
    """The editor withholds more: every occurrence of ``text`` in ``field`` (GS-REQ-2)."""
    publication = _require_draft(actor, publication, _("标注不予公开的内容"))
    errors: dict[str, list[str]] = {}
    items = {item.key: item for item in layout(publication.category)}
    fragment = _text(text)
    if field not in items:
        _add(errors, "field", _("请选择字段。"))
    if ground not in RedactionGround.values:
        _add(errors, "ground", _("请选择不予公开的依据。"))
    if not fragment:
        _add(errors, "text", _("请填写要隐去的文字（须与原文一致）。"))
    elif len(fragment) > 500:
        _add(errors, "text", _("内容过长，最多500个字符。"))
    if errors:
        raise ValidationError(errors)
    original = str(publication.fields.get(field, "") or "")
    positions = [m.start() for m in re.finditer(re.escape(fragment), original)]
    if not positions:
        raise ValidationError(
            {"text": [_("在“%(f)s”中找不到这段文字，请从原文复制。") % {"f": items[field].label}]}
        )
    existing = list(
        publication.redactions.filter(
            revision=publication.revision, field=field, start__isnull=False
        )
    )
    created = []
    for start in positions:
        end = start + len(fragment)
        for mark in existing:  # a proposal inside the new mark is covered by it
            if mark.origin == RedactionOrigin.SCAN and mark.start >= start and mark.end <= end:
                mark.delete()
        created.append(
            Redaction.objects.create(
                publication=publication,
                revision=publication.revision,
                field=field,
                start=start,
                end=end,
                kind="manual",
                ground=ground,
                origin=RedactionOrigin.MANUAL,
                withheld=True,
                note=_text(note)[:300],
                text_digest=redaction.text_digest(fragment),
                replacement=f"〔{redaction.GROUND_MARKERS[ground]}已隐去〕",
                created_by=actor,
            )
        )
    ledger_append(
        actor=actor,
        action="publication.redact",
        obj=publication,
        details={
            "field": field,
            "ground": ground,
            "spans": [[r.start, r.end] for r in created],
            "text_digest": created[0].text_digest,
        },
    )
    return created


@transaction.atomic
def redaction_set(
    *, actor: Staff, redaction_mark: Redaction, withheld: bool, note: str = ""
) -> Redaction:
    """Withhold or release one span. Releasing a proposal needs a reason (it is then published)."""
    publication = _require_draft(actor, redaction_mark.publication, _("调整不予公开的内容"))
    mark = Redaction.objects.select_for_update().get(pk=redaction_mark.pk, publication=publication)
    if mark.revision != publication.revision or mark.origin == RedactionOrigin.RULE:
        raise ValidationError({"redaction": [_("该项不能调整。")]})
    note = _text(note)
    if not withheld and not note:
        raise ValidationError({"note": [_("公开系统识别出的个人信息，须说明理由。")]})
    if mark.withheld == bool(withheld):
        return mark
    if mark.origin == RedactionOrigin.MANUAL and not withheld:
        mark.delete()
        ledger_append(
            actor=actor,
            action="publication.unredact",
            obj=publication,
            details={"field": mark.field, "span": [mark.start, mark.end], "note": note[:300]},
        )
        return mark
    mark.withheld = bool(withheld)
    mark.note = note[:300]
    mark.save()
    ledger_append(
        actor=actor,
        action="publication.redact" if withheld else "publication.release",
        obj=publication,
        details={
            "field": mark.field,
            "kind": mark.kind,
            "span": [mark.start, mark.end],
            "text_digest": mark.text_digest,
            **({"note": note[:300]} if note else {}),
        },
    )
    return mark


def _completeness_errors(
    publication: Publication, view: redaction.PublicView
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for item in layout(publication.category):
        if item.required and not str(publication.fields.get(item.key, "") or "").strip():
            _add(errors, item.key, _("“%(f)s”为必填项。") % {"f": item.label})
    return errors


@transaction.atomic
def publication_confirm(
    *, actor: Staff, publication: Publication, confirmed: bool, note: str = ""
) -> Publication:
    """GS-REQ-2: the editor has compared the original and the public version and confirms it."""
    publication, transition, _reason = _begin(actor, publication, "confirm")
    if confirmed is not True:
        raise ValidationError({"confirmed": [_("请核对原文与公开文本后勾选确认。")]})
    redactions = redaction.current_redactions(publication)
    view = redaction.public_view(publication, redactions)
    errors = _completeness_errors(publication, view)
    if errors:
        raise ValidationError(errors)
    publication.confirmed_by, publication.confirmed_at = actor, timezone.now()
    publication.status_reason = ""
    return _record(
        actor,
        publication,
        transition,
        note=_text(note)[:300],
        redactions=[
            {
                "field": r.field,
                "span": [r.start, r.end] if r.start is not None else None,
                "kind": r.kind,
                "ground": r.ground,
                "origin": r.origin,
                "withheld": r.withheld,
                "text_digest": r.text_digest,
            }
            for r in redactions
        ],
        withheld=view.withheld,
        public_digest=_digest(view.values),
    )


def _digest(values: dict[str, str]) -> str:
    return ledger_hasher().hash(canonical_json(values)).hex()


@transaction.atomic
def publication_review(*, actor: Staff, publication: Publication, opinion: str = "") -> Publication:
    """GS-REQ-2 (审查): a second person checks the public version; never the one who confirmed."""
    publication, transition, _reason = _begin(actor, publication, "review")
    if publication.confirmed_by_id == actor.pk and not is_superuser(actor):
        raise PermissionDenied(_("确认区分处理的人员不能审查自己确认的公示。"))
    publication.reviewed_by, publication.reviewed_at = actor, timezone.now()
    with in_legal_language():  # recorded as the opinion
        publication.review_opinion = (_text(opinion) or _("同意公开。"))[:500]
    return _record(actor, publication, transition, opinion=publication.review_opinion)


@transaction.atomic
def publication_return(*, actor: Staff, publication: Publication, reason: str) -> Publication:
    publication, transition, reason = _begin(actor, publication, "return", reason)
    publication.status_reason = reason
    publication.confirmed_by = publication.confirmed_at = None
    publication.reviewed_by = publication.reviewed_at = None
    return _record(actor, publication, transition, reason)


def _agency_ids(agency: Agency) -> list[int]:
    return [int(part) for part in agency.path.strip("/").split("/") if part.isdigit()]


def _amount(value) -> Decimal | None:
    """The fine in 万元 as a number, for sorting and summing on the portal (None if not one)."""
    try:
        amount = Decimal(str(value).strip().replace(",", "")) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        return None
    return amount if amount is not None and amount.is_finite() and amount >= 0 else None


def _index(publication: Publication, version: PublicationVersion) -> PublicEntry:
    """Write the search entry of the live version (public values only)."""
    PublicEntry.objects.filter(publication=publication).delete()
    entry = public_entry_for(publication, version)
    entry.save(force_insert=True)
    return entry


def public_entry_for(publication: Publication, version: PublicationVersion) -> PublicEntry:
    """The search entry (unsaved) that the live ``version`` of ``publication`` makes: derived
    data, which ``ledger_verify`` rebuilds this way to check the table (ADR 0060)."""
    values = version.public_fields
    decision_date = publication.decided_on
    if values.get("decision_date"):
        decision_date = datetime.date.fromisoformat(values["decision_date"])
    texts = [
        values.get(item.key, "")
        for item in layout(publication.category)
        if item.search and values.get(item.key)
    ]
    return PublicEntry(
        id=search.sort_key(decision_date, publication.pk),
        publication=publication,
        version=version,
        agency=publication.agency,
        category=publication.category,
        region=publication.region,
        mine=publication.mine,
        decision_date=decision_date,
        published_at=version.published_at,
        party_name=values.get("party_name", "")[:200],
        document_number=values.get("decision_number", "")[:200],
        kind_text=values.get(KIND_FIELD[publication.category], "")[:500],
        outcome=values.get(OUTCOME_FIELD[publication.category], "")[:300],
        fine_amount=_amount(values.get("fine_amount")),
        document_key=search.document_key(values.get("decision_number", ""))[:200] or None,
        terms=search.document_tokens(
            texts,
            search.filter_tokens(
                category=publication.category,
                agency_ids=_agency_ids(publication.agency),
                region=publication.region,
            ),
        ),
    )


def _publish(actor: Staff | None, publication: Publication) -> Publication:
    publication, transition, _reason = _begin(actor, publication, "publish")
    now = timezone.now()
    view = redaction.public_view(publication)
    previous = publication.live_version
    if previous is not None:
        previous.superseded_at = now
        previous.save()
    version = PublicationVersion.objects.create(
        publication=publication,
        number=publication.revision,
        public_fields=view.values,
        withheld=view.withheld,
        digest=_digest(view.values),
        change_note=publication.change_note,
        approved_by=publication.approved_by,
        published_at=now,
    )
    publication.live_version = version
    publication.first_published_at = publication.first_published_at or now
    until = view.values.get("publicity_until") or publication.fields.get("publicity_until")
    publication.publicity_until = datetime.date.fromisoformat(until) if until else None
    _index(publication, version)
    from .corrections import error_reports_mark_corrected

    corrected = error_reports_mark_corrected(publication) if previous is not None else 0
    return _record(
        actor,
        publication,
        transition,
        version=version.number,
        **({"corrects_reports": corrected} if corrected else {}),
        public_digest=version.digest,
        on_time=timezone.localdate(now) <= publication.due_on,
        due_on=publication.due_on,
        publicity_until=publication.publicity_until,
    )


@transaction.atomic
def publication_approve(
    *, actor: Staff, publication: Publication, opinion: str = ""
) -> Publication:
    """GS-REQ-2: the head approves; the result is published at once (portal, open data, feed)."""
    publication, transition, _reason = _begin(actor, publication, "approve")
    publication.approved_by, publication.approved_at = actor, timezone.now()
    with in_legal_language():  # recorded as the opinion
        publication.approval_opinion = (_text(opinion) or _("同意公开。"))[:500]
    _record(actor, publication, transition, opinion=publication.approval_opinion)
    return _publish(actor, publication)


@transaction.atomic
def publication_revise(*, actor: Staff, publication: Publication, reason: str) -> Publication:
    """GS-POST-2: start a new version of a published result; the released one stays visible
    until the new one is approved. Due 20 working days after the change (GS-REQ-3)."""
    publication, transition, reason = _begin(actor, publication, "revise", reason)
    previous = publication.revision
    publication.revision = previous + 1
    publication.change_note = reason
    publication.status_reason = ""
    for field_name in (
        "confirmed_by",
        "confirmed_at",
        "reviewed_by",
        "reviewed_at",
        "approved_by",
        "approved_at",
    ):
        setattr(publication, field_name, None)
    due = rules.revision_due(_today())
    publication.due_on, publication.due_provisional = due.date, due.provisional
    for mark in publication.redactions.filter(revision=previous):
        mark.pk = None
        mark.revision = publication.revision
        mark.save()
    return _record(actor, publication, transition, reason, due_on=publication.due_on)


def _withdrawal_details(
    publication: Publication,
    *,
    reason_kind: str | None,
    revoked_on: datetime.date | None,
    basis: str | None,
    errors: dict[str, list[str]],
) -> None:
    if reason_kind is not None:
        if reason_kind not in WithdrawalReason.values:
            _add(errors, "reason_kind", _("请选择撤下事由。"))
        else:
            publication.withdrawal_reason_kind = reason_kind
    elif not publication.withdrawal_reason_kind:
        _add(errors, "reason_kind", _("请选择撤下事由。"))
    if revoked_on is not None:
        if not isinstance(revoked_on, datetime.date) or revoked_on > _today():
            _add(errors, "revoked_on", _("日期不能晚于今天。"))
        elif revoked_on < publication.decided_on:
            _add(errors, "revoked_on", _("日期不能早于原决定日期。"))
        else:
            publication.revoked_on = revoked_on
    publication.revoked_on = publication.revoked_on or _today()
    if basis is not None:
        publication.withdrawal_basis = _text(basis)[:200]
    due = rules.withdrawal_due(publication.revoked_on)
    publication.withdrawal_due, publication.withdrawal_due_provisional = due.date, due.provisional


@transaction.atomic
def publication_withdrawal_request(
    *,
    actor: Staff,
    publication: Publication,
    reason_kind: str,
    reason: str,
    revoked_on: datetime.date | None = None,
    basis: str = "",
) -> Publication:
    """GS-POST-2: ask the head to take a published result down (3 working days from the day
    the decision was revoked, changed or found unlawful, ``rules.withdrawal_due``)."""
    publication, transition, reason = _begin(actor, publication, "request_withdrawal", reason)
    errors: dict[str, list[str]] = {}
    _withdrawal_details(
        publication, reason_kind=reason_kind, revoked_on=revoked_on, basis=basis, errors=errors
    )
    if errors:
        raise ValidationError(errors)
    publication.withdrawal_reason = reason
    publication.withdrawal_requested_by, publication.withdrawal_requested_at = actor, timezone.now()
    return _record(
        actor,
        publication,
        transition,
        reason,
        reason_kind=publication.withdrawal_reason_kind,
        revoked_on=publication.revoked_on,
        withdrawal_due=publication.withdrawal_due,
    )


@transaction.atomic
def publication_withdrawal_reject(
    *, actor: Staff, publication: Publication, reason: str
) -> Publication:
    publication, transition, reason = _begin(actor, publication, "reject_withdrawal", reason)
    publication.withdrawal_due = None
    publication.withdrawal_due_provisional = False
    return _record(actor, publication, transition, reason)


@transaction.atomic
def publication_withdraw(
    *,
    actor: Staff,
    publication: Publication,
    reason: str,
    reason_kind: str | None = None,
    revoked_on: datetime.date | None = None,
    basis: str | None = None,
) -> Publication:
    """GS-POST-2: the head takes the result down. Search, feed and open data drop it in this
    transaction; its page becomes a tombstone (what, when, why, on whose approval)."""
    publication, transition, reason = _begin(actor, publication, "withdraw", reason)
    errors: dict[str, list[str]] = {}
    _withdrawal_details(
        publication, reason_kind=reason_kind, revoked_on=revoked_on, basis=basis, errors=errors
    )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    publication.withdrawal_reason = reason
    publication.withdrawn_by, publication.withdrawn_at = actor, now
    PublicEntry.objects.filter(publication=publication).delete()
    late = (
        publication.withdrawal_due is not None
        and timezone.localdate(now) > publication.withdrawal_due
    )
    return _record(
        actor,
        publication,
        transition,
        reason,
        reason_kind=publication.withdrawal_reason_kind,
        revoked_on=publication.revoked_on,
        basis=publication.withdrawal_basis,
        withdrawal_due=publication.withdrawal_due,
        late=late,
        was_public=publication.was_public,
    )


@transaction.atomic
def publication_expire(*, publication: Publication) -> Publication:
    """GS-POST-2: publicity ends at 公示截止期 (system)."""
    publication, transition, _reason = _begin(None, publication, "expire")
    publication.expired_at = timezone.now()
    PublicEntry.objects.filter(publication=publication).delete()
    return _record(None, publication, transition, publicity_until=publication.publicity_until)


def publications_expire_due(*, today: datetime.date | None = None) -> list[Publication]:
    """Every published result whose 公示截止期 has passed (run daily)."""
    today = today or _today()
    due = Publication.objects.filter(status=S.PUBLISHED, publicity_until__lt=today)
    return [publication_expire(publication=p) for p in due]


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
