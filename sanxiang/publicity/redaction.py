"""GS-REQ-2: from the working copy to the public version (作区分处理).

A field whose information class is not public (ID numbers always; any other field the editor
classes as personal privacy, trade secret or state secret) is withheld whole. In the free text
of public fields each withheld span is replaced: names by the surname and 某 (李四光 → 李某某),
everything else by a marker naming what was withheld (〔身份证号码已隐去〕). The public version
carries a list of what was withheld, where and on which ground — never the text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sanxiang.core.language import in_legal_language

from . import scanner
from .fields import CHOICE, InfoClass, LayoutField, display_value, layout
from .models import CLASS_GROUNDS, Publication, Redaction, RedactionGround

GROUND_MARKERS = {
    RedactionGround.PERSONAL: "个人信息",
    RedactionGround.TRADE_SECRET: "商业秘密",
    RedactionGround.STATE_SECRET: "国家秘密",
}


def text_digest(text: str) -> str:
    return hashlib.new("sm3", (text or "").encode("utf-8")).hexdigest()


@in_legal_language
def replacement_for(kind: str, text: str, ground: str) -> str:
    if kind == scanner.PERSON_NAME:
        return scanner.mask_name(text)
    label = scanner.KIND_LABELS.get(kind) or GROUND_MARKERS.get(ground, "")
    return f"〔{label}已隐去〕"


def field_class(publication: Publication, item: LayoutField) -> str:
    if item.locked:
        return item.info_class
    return publication.field_classes.get(item.key, item.info_class)


def current_redactions(publication: Publication) -> list[Redaction]:
    return list(
        publication.redactions.filter(revision=publication.revision).order_by(
            "field", "start", "pk"
        )
    )


def _spans(redactions: list[Redaction], key: str) -> list[Redaction]:
    spans = [r for r in redactions if r.field == key and r.withheld and r.start is not None]
    spans.sort(key=lambda r: (r.start, -r.end))
    kept: list[Redaction] = []
    for span in spans:  # overlapping manual marks: the earlier, longer one covers
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept


def apply_spans(text: str, spans: list[Redaction]) -> str:
    out, position = [], 0
    for span in spans:
        out.append(text[position : span.start])
        out.append(
            span.replacement or replacement_for(span.kind, text[span.start : span.end], span.ground)
        )
        position = span.end
    out.append(text[position:])
    return "".join(out)


@dataclass(frozen=True)
class PublicView:
    values: dict[str, str]
    withheld: list[dict[str, Any]]


@in_legal_language
def public_view(publication: Publication, redactions: list[Redaction] | None = None) -> PublicView:
    """The values the public will see, and the list of what is withheld (no withheld text);
    in the legal language, as published, whatever the editor's UI language."""
    if redactions is None:
        redactions = current_redactions(publication)
    values: dict[str, str] = {}
    withheld: list[dict[str, Any]] = []
    for item in layout(publication.category):
        original = str(publication.fields.get(item.key, "") or "")
        info_class = field_class(publication, item)
        if info_class != InfoClass.PUBLIC:
            values[item.key] = ""
            if original:
                withheld.append(
                    {
                        "field": item.key,
                        "label": str(item.label),
                        "what": _("整项"),
                        "ground": str(CLASS_GROUNDS[info_class].label),
                        "count": 1,
                    }
                )
            continue
        spans = _spans(redactions, item.key)
        rule = [r for r in redactions if r.field == item.key and r.withheld and r.start is None]
        if rule:  # a rule replaces the whole value (an individual's name → 张某某)
            values[item.key] = rule[0].replacement
        else:
            values[item.key] = apply_spans(original, spans)
        counts: dict[tuple[str, str], int] = {}
        for span in spans + rule:
            label = str(scanner.KIND_LABELS.get(span.kind, _("其他信息")))
            key = (label, str(RedactionGround(span.ground).label))
            counts[key] = counts.get(key, 0) + 1
        for (what, ground), count in sorted(counts.items()):
            withheld.append(
                {
                    "field": item.key,
                    "label": str(item.label),
                    "what": what,
                    "ground": ground,
                    "count": count,
                }
            )
    return PublicView(values=values, withheld=withheld)


@dataclass(frozen=True)
class DiffPiece:
    text: str
    mark: str = ""  # "" | "withheld" | "released" | "replacement"
    kind: str = ""


def diff(
    publication: Publication, redactions: list[Redaction] | None = None
) -> list[dict[str, Any]]:
    """Side by side, per field: the original with withheld spans marked, and the public text."""
    if redactions is None:
        redactions = current_redactions(publication)
    view = public_view(publication, redactions)
    rows = []
    for item in layout(publication.category):
        original = str(publication.fields.get(item.key, "") or "")
        info_class = field_class(publication, item)
        left: list[DiffPiece] = []
        right: list[DiffPiece] = []
        if info_class != InfoClass.PUBLIC:
            if original:
                left = [DiffPiece(original, "withheld", str(InfoClass(info_class).label))]
                right = [
                    DiffPiece(
                        _("（不予公开：%(c)s）") % {"c": InfoClass(info_class).label}, "replacement"
                    )
                ]
        else:
            marks = sorted(
                [r for r in redactions if r.field == item.key and r.start is not None],
                key=lambda r: (r.start, -r.end),
            )
            position = 0
            for mark in marks:
                if mark.start < position:
                    continue
                left.append(DiffPiece(original[position : mark.start]))
                left.append(
                    DiffPiece(
                        original[mark.start : mark.end],
                        "withheld" if mark.withheld else "released",
                        str(scanner.KIND_LABELS.get(mark.kind, mark.kind)),
                    )
                )
                position = mark.end
            left.append(DiffPiece(original[position:]))
            public = view.values.get(item.key, "")
            right = _public_pieces(original, _spans(redactions, item.key), public)
        changed = any(p.mark for p in left + right)
        if item.kind == CHOICE and info_class == InfoClass.PUBLIC:
            left = [DiffPiece(display_value(item, original))] if original else []
            right = [DiffPiece(display_value(item, view.values.get(item.key, "")))]
        rows.append(
            {
                "field": item,
                "info_class": info_class,
                "info_class_label": str(InfoClass(info_class).label),
                "left": [p for p in left if p.text],
                "right": [p for p in right if p.text],
                "changed": changed,
                "empty": not original,
            }
        )
    return rows


def _public_pieces(original: str, spans: list[Redaction], public: str) -> list[DiffPiece]:
    if not spans:
        if public != original:  # a whole-value rule (an individual's name)
            return [DiffPiece(public, "replacement")]
        return [DiffPiece(public)]
    pieces, position = [], 0
    for span in spans:
        pieces.append(DiffPiece(original[position : span.start]))
        pieces.append(
            DiffPiece(
                span.replacement
                or replacement_for(span.kind, original[span.start : span.end], span.ground),
                "replacement",
            )
        )
        position = span.end
    pieces.append(DiffPiece(original[position:]))
    return pieces
