"""Writes to catalogs: versions, their items, import, and the approval workflow.

Every function is one transaction that checks permission and scope, validates everything
before writing, and appends a ledger event. A published version is never changed: items can
be edited only while their version is a draft, and a change to a published catalog starts a
new version (GS-PRE-3). Publication needs legal review and the head's approval (GS-REQ-2).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import replace
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.permissions import require_role, require_scope
from sanxiang.core.validation import apply_changes, clean_and_save
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.services import ledger_append, ledger_hasher
from sanxiang.org.models import Agency, Staff

from . import importers, selectors
from .columns import CellError, Problem, Row
from .exporters import content_rows
from .kinds import Context, KindSpec, rows_from_db, spec_for, statutory_rows, validate_rows
from .models import CatalogKind, CatalogVersion
from .workflow import EDITOR_ROLES, OPEN_STATUSES, Transition, VersionStatus, transition_for

logger = logging.getLogger(__name__)
MAX_MESSAGES = 200
VERSION_FIELDS = ("title", "change_note", "effective_from")


def _today() -> datetime.date:
    return timezone.localdate()


def _messages(problems: list[Problem]) -> list[str]:
    texts = [p.text() for p in problems[:MAX_MESSAGES]]
    if len(problems) > MAX_MESSAGES:
        texts.append(_("另有%(n)d处问题未列出。") % {"n": len(problems) - MAX_MESSAGES})
    return texts


def content_digest(spec: KindSpec, version: CatalogVersion) -> str:
    """Digest of the version's items in canonical form: what was reviewed is what is published."""
    rows = content_rows(spec, rows_from_db(spec, version))
    return ledger_hasher().hash(canonical_json(rows)).hex()


def _latest_published(agency: Agency, kind: str) -> CatalogVersion | None:
    return (
        CatalogVersion.objects.filter(agency=agency, kind=kind, status=VersionStatus.PUBLISHED)
        .order_by("-effective_from", "-number")
        .first()
    )


def _effective_date_errors(version: CatalogVersion) -> dict[str, list[str]]:
    current = _latest_published(version.agency, version.kind)
    if (
        current is not None
        and version.effective_from
        and current.pk != version.pk
        and version.effective_from <= current.effective_from
    ):
        return {
            "effective_from": [
                _("生效日期应晚于现行第%(n)d版的生效日期（%(date)s）。")
                % {"n": current.number, "date": current.effective_from.isoformat()}
            ]
        }
    return {}


def _require_editable(actor: Staff, version: CatalogVersion) -> None:
    require_role(actor, EDITOR_ROLES, _("编辑目录"))
    require_scope(actor, version.agency)
    if not version.is_editable:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("第%(n)d版当前状态为“%(s)s”，不能修改；已公布的版本只能通过新建版本修订。")
                    % {"n": version.number, "s": version.get_status_display()}
                ]
            }
        )


def _copy_rows(spec: KindSpec, version: CatalogVersion, rows: list[Row]) -> None:
    built, problems = importers.build_all(spec, version, rows)
    if problems:  # rows come from a valid version or from statutory data
        raise ValidationError({NON_FIELD_ERRORS: _messages(problems)})
    importers.save_all(spec, built)


@transaction.atomic
def catalog_version_create(
    *,
    actor: Staff,
    agency: Agency,
    kind: str,
    effective_from: datetime.date,
    title: str,
    change_note: str = "",
    is_sample: bool = False,
) -> CatalogVersion:
    """Start a new version (a draft) of ``agency``'s catalog of ``kind``.

    The draft starts as a copy of the catalog that governs the agency today (its own, or the
    nearest superior's), so a unit edits what changes rather than retyping everything. A first
    major-decision catalog starts from the statutory items of SH-SCOPE-2.
    """
    require_role(actor, EDITOR_ROLES, _("新建目录版本"))
    require_scope(actor, agency)
    errors: dict[str, list[str]] = {}
    if kind not in CatalogKind.values:
        raise ValidationError({"kind": [_("未知的目录类别。")]})
    open_version = CatalogVersion.objects.filter(
        agency=agency, kind=kind, status__in=OPEN_STATUSES
    ).first()
    if open_version is not None:
        errors["kind"] = [
            _("该目录已有正在办理的第%(n)d版（%(s)s），请先完成或撤销该版本。")
            % {"n": open_version.number, "s": open_version.get_status_display()}
        ]
    number = (
        CatalogVersion.objects.filter(agency=agency, kind=kind).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    base = _latest_published(agency, kind) or selectors.applicable_version(agency=agency, kind=kind)
    version = CatalogVersion(
        agency=agency,
        kind=kind,
        number=number,
        title=(title or "").strip(),
        change_note=(change_note or "").strip(),
        effective_from=effective_from,
        is_sample=is_sample,
        based_on=base,
        created_by=actor,
    )
    errors.update(_effective_date_errors(version))
    clean_and_save(version, extra_errors=errors)
    spec = spec_for(kind)
    if base is not None:
        _copy_rows(spec, version, rows_from_db(spec, base))
    elif kind == CatalogKind.MAJOR_DECISION:
        _copy_rows(spec, version, statutory_rows())
    ledger_append(
        actor=actor,
        action="catalog.create",
        obj=version,
        details={"kind": kind, "number": number, "based_on": base.pk if base else None},
    )
    return version


@transaction.atomic
def catalog_version_update(
    *, actor: Staff, version: CatalogVersion, **changes: Any
) -> CatalogVersion:
    """Change a draft's name, note or effective date."""
    _require_editable(actor, version)
    version = CatalogVersion.objects.select_for_update().get(pk=version.pk)
    changed = apply_changes(version, changes, VERSION_FIELDS)
    if isinstance(version.title, str):
        version.title = version.title.strip()
    clean_and_save(version, extra_errors=_effective_date_errors(version))
    if changed:
        ledger_append(
            actor=actor, action="catalog.update", obj=version, details={"fields": changed}
        )
    return version


@transaction.atomic
def catalog_version_discard(*, actor: Staff, version: CatalogVersion) -> None:
    """Throw away a draft. The ledger keeps the record that it existed and was discarded."""
    _require_editable(actor, version)
    version = CatalogVersion.objects.select_for_update().get(pk=version.pk)
    ledger_append(
        actor=actor,
        action="catalog.discard",
        obj=version,
        details={"kind": version.kind, "number": version.number},
        deleted=True,
    )
    version.delete()


def _parse_values(entity, values: dict[str, Any]) -> tuple[Row, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    parsed: dict[str, Any] = {}
    unknown = set(values) - {column.key for column in entity.columns}
    for key in sorted(unknown):
        errors[key] = [_("该字段不允许修改。")]
    for column in entity.columns:
        try:
            parsed[column.key] = column.read(values.get(column.key))
        except CellError as exc:
            errors.setdefault(column.key, []).append(str(exc))
    return Row(values=parsed), errors


def _item_problems(
    spec: KindSpec, version: CatalogVersion, obj: models.Model | None
) -> dict[str, list[str]]:
    """Cross-row problems concerning ``obj`` (or the catalog as a whole), by column key."""
    ctx = Context(
        agency=version.agency, on=max(_today(), version.effective_from), kind=version.kind
    )
    errors: dict[str, list[str]] = {}
    for problem in validate_rows(spec, ctx, rows_from_db(spec, version)):
        concerns_obj = (
            obj is not None
            and problem.ref is not None
            and problem.ref.pk == obj.pk
            and type(problem.ref) is type(obj)
        )
        if concerns_obj:
            key = problem.column.key if problem.column is not None else NON_FIELD_ERRORS
            errors.setdefault(key, []).append(problem.message)
        elif problem.ref is None:
            errors.setdefault(NON_FIELD_ERRORS, []).append(problem.message)
    return errors


@transaction.atomic
def catalog_item_save(
    *,
    actor: Staff,
    version: CatalogVersion,
    entity: str,
    values: dict[str, Any],
    item: models.Model | None = None,
    parent: models.Model | None = None,
) -> models.Model:
    """Add or change one item (or a child row: an article, a benchmark) of a draft.

    ``values`` are keyed by the kind's column keys and read exactly as an imported row.
    """
    _require_editable(actor, version)
    spec = spec_for(version.kind)
    target = spec.entity(entity)
    row, errors = _parse_values(target, values)
    if target is spec.child and (
        parent is None or getattr(parent, "version_id", None) != version.pk
    ):
        errors.setdefault("parent", []).append(_("请选择所属事项。"))
    if errors:
        raise ValidationError(errors)
    if item is not None:
        owner = item if target is spec.primary else getattr(item, target.parent_field)
        if owner.version_id != version.pk:
            raise PermissionDenied(_("该条目不属于此版本。"))
    parents = {"version": version} if target is spec.primary else {target.parent_field: parent}
    obj, problems = importers.build_instance(target, row, obj=item, **parents)
    if problems:
        raise ValidationError(
            {(p.column.key if p.column else NON_FIELD_ERRORS): [p.message] for p in problems}
        )
    if item is None:
        siblings = (
            getattr(version, spec.primary.related_name)
            if target is spec.primary
            else getattr(parent, target.related_name)
        )
        if hasattr(obj, "position"):
            obj.position = (siblings.aggregate(n=Max("position"))["n"] or 0) + 1
    obj.save()
    errors = _item_problems(spec, version, obj)
    if errors:
        raise ValidationError(errors)
    ledger_append(
        actor=actor,
        action="catalog.item_change" if item is not None else "catalog.item_add",
        obj=version,
        details={"entity": entity, "item_id": obj.pk, "label": str(obj)[:80]},
    )
    return obj


@transaction.atomic
def catalog_item_delete(
    *, actor: Staff, version: CatalogVersion, entity: str, item: models.Model
) -> None:
    """Remove one item of a draft (refused when the catalog would break a rule, e.g. SH-SCOPE-3)."""
    _require_editable(actor, version)
    spec = spec_for(version.kind)
    target = spec.entity(entity)
    owner = item if target is spec.primary else getattr(item, target.parent_field)
    if owner.version_id != version.pk:
        raise PermissionDenied(_("该条目不属于此版本。"))
    label = str(item)[:80]
    item.delete()
    errors = _item_problems(spec, version, None)
    if errors:
        raise ValidationError(errors)
    ledger_append(
        actor=actor,
        action="catalog.item_delete",
        obj=version,
        details={"entity": entity, "label": label},
    )


@transaction.atomic
def catalog_import(*, actor: Staff, version: CatalogVersion, content: bytes, filename: str) -> int:
    """Replace a draft's items with a file's (XLSX or CSV); all rows valid, or nothing changes.

    Every problem is reported with its row and column ("第3行「施行日期」：…").
    Returns the number of items imported.
    """
    _require_editable(actor, version)
    version = CatalogVersion.objects.select_for_update().get(pk=version.pk)
    spec = spec_for(version.kind)
    result = importers.parse_file(spec, content, filename)
    problems = list(result.problems)
    built: list[importers.Built] = []
    if result.rows:
        built, build_problems = importers.build_all(spec, version, result.rows)
        problems += build_problems
        ctx = Context(
            agency=version.agency, on=max(_today(), version.effective_from), kind=version.kind
        )
        rule_problems = validate_rows(spec, ctx, result.rows)
        if result.cell_errors:  # rows that could not be read would make catalog-wide rules misfire
            rule_problems = [p for p in rule_problems if p.line is not None]
        problems += rule_problems
    if problems:
        problems.sort(key=lambda p: (p.line is not None, p.line or 0))
        raise ValidationError({"file": _messages(problems)})
    getattr(version, spec.primary.related_name).all().delete()
    importers.save_all(spec, built)
    ledger_append(
        actor=actor,
        action="catalog.import",
        obj=version,
        details={
            "filename": filename[:200],
            "format": importers.file_format(filename),
            "lines": result.line_count,
            "items": len(built),
            "sha256": hashlib.sha256(content).hexdigest(),
        },
    )
    return len(built)


# ── the approval workflow (sanxiang/catalog/workflow.py) ─────────────────────


def _begin(
    actor: Staff | None, version: CatalogVersion, action: str, reason: str = ""
) -> tuple[CatalogVersion, Transition, str]:
    """Lock the version and check that ``actor`` may take ``action`` from its current state."""
    version = CatalogVersion.objects.select_for_update().select_related("agency").get(pk=version.pk)
    transition = transition_for(version.status, action)
    if transition is None:
        raise ValidationError(
            {
                "status": [
                    _("第%(n)d版当前状态为“%(s)s”，不能执行该操作。")
                    % {"n": version.number, "s": version.get_status_display()}
                ]
            }
        )
    if actor is None:
        if not transition.system_may_act:
            raise PermissionDenied(_("该操作须由有权限的人员办理。"))
    else:
        require_role(actor, transition.roles, str(transition.label))
        require_scope(actor, version.agency)
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise ValidationError({"reason": [_("请说明理由。")]})
    if len(reason) > 500:
        raise ValidationError({"reason": [_("理由最多500个字符。")]})
    return version, transition, reason


def _record(
    actor: Staff | None,
    version: CatalogVersion,
    transition: Transition,
    reason: str = "",
    **details: Any,
) -> None:
    version.status = transition.target
    version.save()
    ledger_append(
        actor=actor,
        action=f"catalog.{transition.action}",
        obj=version,
        details={
            "kind": version.kind,
            "number": version.number,
            "from": transition.source,
            "to": transition.target,
            "effective_from": version.effective_from,
            **({"reason": reason} if reason else {}),
            **details,
        },
    )


def _content_errors(version: CatalogVersion) -> list[str]:
    spec = spec_for(version.kind)
    rows = rows_from_db(spec, version)
    if not rows:
        return [_("目录中没有任何条目。")]
    ctx = Context(
        agency=version.agency, on=max(_today(), version.effective_from), kind=version.kind
    )
    problems = [
        replace(p, item_label=f"“{p.ref}”") if p.ref is not None else p
        for p in validate_rows(spec, ctx, rows)
    ]
    return _messages(problems)


@transaction.atomic
def catalog_version_submit(*, actor: Staff, version: CatalogVersion) -> CatalogVersion:
    """Draft → submitted for legal review; the content is checked and its digest fixed."""
    version, transition, _reason = _begin(actor, version, "submit")
    errors = _effective_date_errors(version)
    content = _content_errors(version)
    if content:
        errors[NON_FIELD_ERRORS] = content
    if errors:
        raise ValidationError(errors)
    version.content_digest = content_digest(spec_for(version.kind), version)
    version.submitted_by, version.submitted_at = actor, timezone.now()
    version.return_reason = ""
    _record(actor, version, transition, digest=version.content_digest)
    return version


@transaction.atomic
def catalog_version_return(*, actor: Staff, version: CatalogVersion, reason: str) -> CatalogVersion:
    """Submitted or reviewed → back to draft, with the reason (reviewer or head)."""
    version, transition, reason = _begin(actor, version, "return", reason)
    version.return_reason = reason
    version.reviewed_by, version.reviewed_at = None, None
    _record(actor, version, transition, reason)
    return version


@transaction.atomic
def catalog_version_review(*, actor: Staff, version: CatalogVersion) -> CatalogVersion:
    """Submitted → reviewed: a legal reviewer other than the submitter passes it."""
    version, transition, _reason = _begin(actor, version, "review")
    if version.submitted_by_id == actor.pk:
        raise PermissionDenied(_("不能审核自己提交的版本。"))
    version.reviewed_by, version.reviewed_at = actor, timezone.now()
    _record(actor, version, transition)
    return version


@transaction.atomic
def catalog_version_approve(
    *, actor: Staff, version: CatalogVersion, today: datetime.date | None = None
) -> CatalogVersion:
    """Reviewed → approved by the head; published at once when its effective date has come.

    A version may not take effect before the day it is approved (no retroactive change of a
    published catalog), except the first version of a catalog, which records since when the
    agency's existing (paper) catalog has applied.
    """
    today = today or _today()
    version, transition, _reason = _begin(actor, version, "approve")
    first = not CatalogVersion.objects.filter(
        agency=version.agency, kind=version.kind, status=VersionStatus.PUBLISHED
    ).exists()
    errors = _effective_date_errors(version)
    if not first and version.effective_from < today:
        errors.setdefault("effective_from", []).append(
            _("生效日期（%(date)s）不能早于批准之日，请退回修改生效日期。")
            % {"date": version.effective_from.isoformat()}
        )
    if errors:
        raise ValidationError(errors)
    version.approved_by, version.approved_at = actor, timezone.now()
    _record(actor, version, transition)
    if version.effective_from <= today:
        return _publish(actor, version)
    transaction.on_commit(lambda: _schedule_publication(version.effective_from))
    return version


def _publish(actor: Staff | None, version: CatalogVersion) -> CatalogVersion:
    version, transition, _reason = _begin(actor, version, "publish")
    digest = content_digest(spec_for(version.kind), version)
    if digest != version.content_digest:
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("目录内容与提交审核时不一致，不能公布。请退回重新审核。")]}
        )
    version.published_at = timezone.now()
    _record(actor, version, transition, digest=digest)
    return version


@transaction.atomic
def catalog_version_publish(
    *, actor: Staff | None, version: CatalogVersion, today: datetime.date | None = None
) -> CatalogVersion:
    """Approved → published, on or after the effective date (by the head, or the system)."""
    today = today or _today()
    if version.effective_from > today:
        raise ValidationError(
            {
                "effective_from": [
                    _("尚未到生效日期（%(date)s），到期后自动公布。")
                    % {"date": version.effective_from.isoformat()}
                ]
            }
        )
    return _publish(actor, version)


@transaction.atomic
def catalog_version_revoke(*, actor: Staff, version: CatalogVersion, reason: str) -> CatalogVersion:
    """Approved (not yet in effect) → back to draft, with the reason."""
    version, transition, reason = _begin(actor, version, "revoke", reason)
    version.return_reason = reason
    version.approved_by, version.approved_at = None, None
    version.reviewed_by, version.reviewed_at = None, None
    _record(actor, version, transition, reason)
    return version


def catalog_version_transition(
    *, actor: Staff, version: CatalogVersion, action: str, reason: str = ""
) -> CatalogVersion:
    """Dispatch a workflow action by name (for the pages and the API)."""
    if action == "submit":
        return catalog_version_submit(actor=actor, version=version)
    if action == "return":
        return catalog_version_return(actor=actor, version=version, reason=reason)
    if action == "review":
        return catalog_version_review(actor=actor, version=version)
    if action == "approve":
        return catalog_version_approve(actor=actor, version=version)
    if action == "publish":
        return catalog_version_publish(actor=actor, version=version)
    if action == "revoke":
        return catalog_version_revoke(actor=actor, version=version, reason=reason)
    raise ValidationError({"action": [_("未知的操作。")]})


def catalog_publish_due(*, today: datetime.date | None = None) -> list[CatalogVersion]:
    """Publish every approved version whose effective date has come (run daily, and by a task)."""
    today = today or _today()
    published = []
    due = CatalogVersion.objects.filter(
        status=VersionStatus.APPROVED, effective_from__lte=today
    ).order_by("effective_from", "pk")
    for version in due:
        try:
            published.append(catalog_version_publish(actor=None, version=version, today=today))
        except ValidationError:
            logger.exception("catalog version %s could not be published", version.pk)
    return published


def _schedule_publication(day: datetime.date) -> None:
    from django_tasks import default_task_backend

    from .tasks import publish_due_catalogs

    if not default_task_backend.supports_defer:
        return
    run_after = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 0, 5)))
    publish_due_catalogs.using(run_after=run_after).enqueue()
