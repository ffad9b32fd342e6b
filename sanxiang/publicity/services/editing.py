"""Editing and redaction of a draft: the values of its layout, the redactions (added by hand or
set by the scan) and the editor's confirmation of the redaction (GS-REQ-2).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.permissions import require_role, require_scope
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff

from .. import redaction, rules
from ..fields import (
    InfoClass,
    layout,
)
from ..models import (
    Publication,
    Redaction,
    RedactionGround,
    RedactionOrigin,
)
from ..workflow import (
    EDITOR_ROLES,
)
from .common import S, _add, _begin, _clean_values, _digest, _record, _text
from .drafts import _scan


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
