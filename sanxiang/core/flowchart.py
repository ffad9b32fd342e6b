"""Draw a workflow's transition table as an SVG flowchart, server-side (GS-PRE-2.4).

Any app's ``workflow.py`` table can be drawn: states become boxes in layers (longest path from
the initial state), forward transitions are labelled arrows downwards, transitions back to an
earlier state are routed along the right-hand side. Text is Chinese, set in the system's CJK
font; nothing is loaded from outside. Hand-written because no packaged library draws a
layered graph to SVG without Graphviz binaries or JavaScript (see ADR 0012).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif"
FONT_SIZE = 14
BOX_HEIGHT = 40
BOX_PADDING = 18
LAYER_GAP = 78
BOX_GAP = 40
MARGIN = 16
LANE_GAP = 22


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str


def text_width(text: str, size: int = FONT_SIZE) -> float:
    """Estimated width: CJK and full-width characters are one em, others about 0.6 em."""
    width = 0.0
    for char in text:
        wide = unicodedata.east_asian_width(char) in ("W", "F")
        width += size if wide else size * 0.6
    return width


def edges_of(transitions: Any) -> list[Edge]:
    """Normalise a transition table: objects with source/target/label, ``{(source, action): target}``,
    or ``(source, target, label)`` tuples."""
    edges: list[Edge] = []
    if isinstance(transitions, Mapping):
        for (source, action), target in transitions.items():
            edges.append(Edge(str(source), str(target), str(action)))
        return edges
    for item in transitions:
        if isinstance(item, tuple | list):
            source, target, label = item[0], item[1], item[2] if len(item) > 2 else ""
        else:
            source, target = item.source, item.target
            label = getattr(item, "label", "") or getattr(item, "action", "")
        edges.append(Edge(str(source), str(target), str(label)))
    return edges


def _labels_of(states: Any) -> dict[str, str]:
    if states is None:
        return {}
    if isinstance(states, Mapping):
        return {str(k): str(v) for k, v in states.items()}
    choices = getattr(states, "choices", states)
    return {str(value): str(label) for value, label in choices}


def _layers(order: list[str], edges: list[Edge], initial: str) -> tuple[dict[str, int], set[int]]:
    """Layer of each state, and the indexes of back edges (those closing a cycle)."""
    outgoing: dict[str, list[tuple[int, Edge]]] = {state: [] for state in order}
    for index, edge in enumerate(edges):
        outgoing.setdefault(edge.source, []).append((index, edge))
    back: set[int] = set()
    visited: set[str] = set()
    on_stack: set[str] = set()

    def visit(state: str) -> None:
        visited.add(state)
        on_stack.add(state)
        for index, edge in outgoing.get(state, []):
            if edge.target in on_stack:
                back.add(index)
            elif edge.target not in visited:
                visit(edge.target)
        on_stack.discard(state)

    for start in [initial, *order]:
        if start not in visited:
            visit(start)
    layer = {state: 0 for state in order}
    for _ in range(len(order)):  # longest path over the forward edges (a DAG)
        changed = False
        for index, edge in enumerate(edges):
            if index in back or edge.source == edge.target:
                continue
            if layer[edge.target] < layer[edge.source] + 1:
                layer[edge.target] = layer[edge.source] + 1
                changed = True
        if not changed:
            break
    return layer, back


def render_svg(
    *,
    states: Any,
    transitions: Any,
    initial: str | None = None,
    title: str = "",
) -> SafeString:
    """The flowchart of ``transitions`` as inline SVG markup."""
    edges = [edge for edge in edges_of(transitions) if edge.source != edge.target]
    labels = _labels_of(states)
    order: list[str] = []
    for state in [*labels, *(e.source for e in edges), *(e.target for e in edges)]:
        if state not in order and (
            state == initial or any(state in (e.source, e.target) for e in edges)
        ):
            order.append(state)
    if not order:
        return mark_safe("")
    initial = initial if initial in order else order[0]
    layer, back = _layers(order, edges, initial)
    rows: dict[int, list[str]] = {}
    for state in order:
        rows.setdefault(layer[state], []).append(state)

    def box_width(state: str) -> float:
        return max(96.0, text_width(labels.get(state, state)) + 2 * BOX_PADDING)

    forward_label_room = max(
        [text_width(e.label, FONT_SIZE - 2) + 12 for i, e in enumerate(edges) if i not in back]
        or [0]
    )
    row_widths = {
        n: sum(box_width(s) for s in states_) + BOX_GAP * (len(states_) - 1)
        for n, states_ in rows.items()
    }
    content_width = max(row_widths.values()) + forward_label_room
    back_label_room = max([text_width(edges[i].label, FONT_SIZE - 2) + 16 for i in back] or [0])
    centre_x = MARGIN + content_width / 2
    boxes: dict[str, tuple[float, float, float]] = {}  # state → (x, y, width)
    for n in sorted(rows):
        x = centre_x - row_widths[n] / 2
        y = MARGIN + n * (BOX_HEIGHT + LAYER_GAP)
        for state in rows[n]:
            width = box_width(state)
            boxes[state] = (x, y, width)
            x += width + BOX_GAP
    right_edge = max(x + w for x, _, w in boxes.values())
    lanes_start = right_edge + back_label_room + 8
    total_width = lanes_start + LANE_GAP * (len(back) + 1) + MARGIN
    total_height = MARGIN * 2 + (max(rows) + 1) * BOX_HEIGHT + max(rows) * LAYER_GAP

    uid = "fc" + hashlib.sha1(f"{title}{order}{edges}".encode()).hexdigest()[:8]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flowchart" role="img" '
        f'aria-labelledby="{uid}-title {uid}-desc" viewBox="0 0 {total_width:.0f} {total_height:.0f}" '
        f'width="{total_width:.0f}" height="{total_height:.0f}" '
        f'font-family="{escape(FONT)}" font-size="{FONT_SIZE}">',
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<desc id="{uid}-desc">'
        + escape(
            "；".join(
                f"{labels.get(e.source, e.source)} → {labels.get(e.target, e.target)}：{e.label}"
                for e in edges
            )
        )
        + "</desc>",
        f'<defs><marker id="{uid}-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#1f2933"/></marker></defs>',
    ]
    marker = f'marker-end="url(#{uid}-arrow)"'
    for index, edge in enumerate(edges):
        sx, sy, sw = boxes[edge.source]
        tx, ty, tw = boxes[edge.target]
        label = escape(edge.label)
        if index in back:
            lane = lanes_start + LANE_GAP * (sorted(back).index(index) + 1)
            y1 = sy + BOX_HEIGHT / 2 + 6
            y2 = ty + BOX_HEIGHT / 2 - 6
            points = f"{sx + sw:.1f},{y1:.1f} {lane:.1f},{y1:.1f} {lane:.1f},{y2:.1f} {tx + tw:.1f},{y2:.1f}"
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="#9b1c1c" '
                f'stroke-dasharray="5 3" stroke-width="1.4" {marker}/>'
            )
            parts.append(
                f'<text x="{sx + sw + 6:.1f}" y="{y1 + FONT_SIZE:.1f}" font-size="{FONT_SIZE - 2}" '
                f'fill="#9b1c1c">{label}</text>'
            )
        else:
            x1, y1 = sx + sw / 2, sy + BOX_HEIGHT
            x2, y2 = tx + tw / 2, ty
            parts.append(
                f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2 - 1:.1f}" '
                f'stroke="#1f2933" stroke-width="1.4" {marker}/>'
            )
            parts.append(
                f'<text x="{(x1 + x2) / 2 + 8:.1f}" y="{(y1 + y2) / 2 + 4:.1f}" '
                f'font-size="{FONT_SIZE - 2}" fill="#1f2933">{label}</text>'
            )
    for state, (x, y, width) in boxes.items():
        start = state == initial
        final = not any(e.source == state for e in edges)
        fill = "#fdf2f2" if start else ("#e7f4ec" if final else "#ffffff")
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{BOX_HEIGHT}" rx="6" '
            f'fill="{fill}" stroke="#1f2933" stroke-width="{2 if start or final else 1.2}"/>'
        )
        parts.append(
            f'<text x="{x + width / 2:.1f}" y="{y + BOX_HEIGHT / 2 + 5:.1f}" '
            f'text-anchor="middle">{escape(labels.get(state, state))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def render_workflow(module: Any, *, title: str = "") -> SafeString:
    """Draw a ``workflow.py`` module: its ``TRANSITIONS``, with ``STATES`` and ``INITIAL`` if given."""
    return render_svg(
        states=getattr(module, "STATES", None),
        transitions=module.TRANSITIONS,
        initial=str(getattr(module, "INITIAL", "") or "") or None,
        title=title,
    )


def transition_rows(
    transitions: Iterable[Any], states: Any = None
) -> Sequence[tuple[str, str, str]]:
    """(from, action, to) rows with state labels: the flowchart as a table, for print and screen readers."""
    labels = _labels_of(states)
    return [
        (labels.get(e.source, e.source), e.label, labels.get(e.target, e.target))
        for e in edges_of(transitions)
    ]
