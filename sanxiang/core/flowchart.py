"""Draw a workflow's transition table as an SVG flowchart, server-side (GS-PRE-2.4).

Any app's ``workflow.py`` table can be drawn. Graphviz ``dot`` lays the graph out (ADR 0095,
superseding ADR 0012): states are boxes, transitions labelled arrows, and ``dot`` places each
edge label as a node of its own so labels never sit on each other or on a box; edges that go
back to an earlier state are drawn dashed. Text is set in the system's CJK font, which ``dot``
also measures with, so boxes fit their words. The SVG is cleaned for inline use (no per-node
titles that would show internal state keys as tooltips, no ids that would clash when a page
shows several charts) and cached by its DOT source, so ``dot`` runs once per chart and process,
not on every request.
"""

from __future__ import annotations

import logging
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import graphviz
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

FONT_NAME = "Noto Sans CJK SC"
FONT = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif"
FONT_SIZE = 14
DOT_TIMEOUT = 20  # seconds; the largest table lays out in well under one
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
LABEL_WIDTH = 10  # em: longer labels are wrapped
NO_LINE_START = "）)，,。.、；;：:！？”』」"
INK = "#1f2933"
BACK = "#9b1c1c"


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


def _back_edges(order: list[str], edges: list[Edge], initial: str) -> set[int]:
    """Indexes of the edges that close a cycle in a depth-first walk from the initial state:
    the steps back to an earlier state (return, revoke), drawn dashed."""
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
    return back


def _wrapped(text: str, width: float = LABEL_WIDTH) -> str:
    """DOT label text broken into lines of at most ``width`` (in em of CJK text), so a long
    step name does not widen the chart past a phone screen."""
    lines, line = [], ""
    for char in text:
        if line and text_width(line + char, 1) > width and char not in NO_LINE_START:
            lines.append(line)
            line = ""
        line += char
    lines.append(line)
    # nohtml: a label such as "<x>" is text, not a Graphviz HTML-like label.
    return graphviz.nohtml("\\n".join(graphviz.escape(part) for part in lines))


def dot_source(
    *, states: Any, transitions: Any, initial: str | None = None, title: str = ""
) -> str | None:
    """The DOT text of the flowchart (None for an empty table). Node names are positions
    (``s0``, ``s1``…), so no internal state key reaches the drawing."""
    edges = [edge for edge in edges_of(transitions) if edge.source != edge.target]
    labels = _labels_of(states)
    order: list[str] = []
    for state in [*labels, *(e.source for e in edges), *(e.target for e in edges)]:
        if state not in order and (
            state == initial or any(state in (e.source, e.target) for e in edges)
        ):
            order.append(state)
    if not order:
        return None
    initial = initial if initial in order else order[0]
    back = _back_edges(order, edges, initial)
    name = {state: f"s{index}" for index, state in enumerate(order)}
    graph = graphviz.Digraph(
        graph_attr={
            "rankdir": "TB",
            "nodesep": "0.45",
            "ranksep": "0.5",
            "pad": "0.15",
            "bgcolor": "transparent",
            "fontname": FONT_NAME,
            "label": "",
        },
        node_attr={
            "shape": "box",
            "style": "rounded,filled",
            "fillcolor": "#ffffff",
            "color": INK,
            "fontname": FONT_NAME,
            "fontsize": str(FONT_SIZE),
            "margin": "0.18,0.08",
            "height": "0.45",
        },
        edge_attr={
            "fontname": FONT_NAME,
            "fontsize": str(FONT_SIZE - 2),
            "color": INK,
            "fontcolor": INK,
            "arrowsize": "0.7",
        },
    )
    finals = {state for state in order if not any(e.source == state for e in edges)}
    for state in order:
        attrs = {}
        if state == initial:
            attrs = {"fillcolor": "#fdf2f2", "penwidth": "2"}
        elif state in finals:
            attrs = {"fillcolor": "#e7f4ec", "penwidth": "2"}
        graph.node(name[state], _wrapped(labels.get(state, state)), **attrs)
    for index, edge in enumerate(edges):
        attrs = {"label": _wrapped(edge.label)} if edge.label else {}
        if index in back:
            attrs |= {"style": "dashed", "color": BACK, "fontcolor": BACK}
        graph.edge(name[edge.source], name[edge.target], **attrs)
    return graph.source


@lru_cache(maxsize=128)
def _layout(source: str) -> str:
    """``dot -Tsvg`` of one DOT text; cached, so each chart is laid out once per process."""
    return graphviz.Source(source).pipe(format="svg", encoding="utf-8")


def _clean(svg: str, *, title: str, desc: str) -> str:
    """Inline-ready SVG: accessible title and description, no per-element titles or ids."""
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.fromstring(svg)
    for parent in root.iter():
        for child in list(parent):
            if child.tag == f"{{{SVG_NS}}}title":
                parent.remove(child)
        parent.attrib.pop("id", None)
        if parent.get("font-family") == FONT_NAME:
            parent.set("font-family", FONT)
    # Graphviz sizes in points with one user unit per point: show one unit as one pixel.
    _, _, width, height = (float(v) for v in root.get("viewBox", "0 0 0 0").split())
    root.set("width", f"{width:.0f}")
    root.set("height", f"{height:.0f}")
    root.set("class", "flowchart")
    root.set("role", "img")
    title_el = ET.Element(f"{{{SVG_NS}}}title")
    title_el.text = title
    desc_el = ET.Element(f"{{{SVG_NS}}}desc")
    desc_el.text = desc
    root.insert(0, desc_el)
    root.insert(0, title_el)
    return ET.tostring(root, encoding="unicode")


def render_svg(
    *,
    states: Any,
    transitions: Any,
    initial: str | None = None,
    title: str = "",
) -> SafeString:
    """The flowchart of ``transitions`` as inline SVG markup ("" when there is nothing to draw,
    or when ``dot`` is missing — the page then shows the table of steps alone)."""
    source = dot_source(states=states, transitions=transitions, initial=initial, title=title)
    if source is None:
        return mark_safe("")
    labels = _labels_of(states)
    desc = "；".join(
        f"{labels.get(e.source, e.source)} → {labels.get(e.target, e.target)}：{e.label}"
        for e in edges_of(transitions)
        if e.source != e.target
    )
    try:
        svg = _layout(source)
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError):
        logger.exception("flowchart: Graphviz dot failed; run tools/system-deps.sh")
        return mark_safe("")
    return mark_safe(_clean(svg, title=title, desc=desc))


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
