"""Simple bar charts as SVG, drawn on the server: the same markup on the portal page, in print
and in the PDF (WeasyPrint renders inline SVG). No JavaScript, no fonts or scripts from
outside; hand-written because the charts are plain bars (ADR 0051)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from sanxiang.core.flowchart import text_width

FONT = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif"
BAR = "#9b1c1c"
ROW = 26
PAD = 8


def bar_chart(
    title: str, items: list[tuple[str, float | int]], *, unit: str = "", width: int = 560
) -> SafeString:
    """Horizontal bars, one row per item, values written at the bar ends."""
    items = [(str(label), float(value or 0)) for label, value in items]
    label_width = max([text_width(label, 13) for label, _v in items] + [40]) + PAD * 2
    top = 30
    height = top + ROW * max(len(items), 1) + PAD
    peak = max([value for _l, value in items] + [0])
    room = width - label_width - 90
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="18" font-size="14" font-weight="bold" fill="#1f2933">{escape(title)}</text>',
    ]
    if not items:
        parts.append(f'<text x="0" y="{top + 16}" font-size="13" fill="#5f6b7a">无数据</text>')
    for index, (label, value) in enumerate(items):
        y = top + index * ROW
        length = 0 if peak <= 0 else max(room * value / peak, 1 if value else 0)
        shown = f"{value:g}{unit}"
        parts.append(
            f'<text x="{label_width - PAD}" y="{y + 16}" font-size="13" text-anchor="end" '
            f'fill="#1f2933">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{ROW - 10}" fill="{BAR}"/>'
        )
        parts.append(
            f'<text x="{label_width + length + 6:.1f}" y="{y + 16}" font-size="13" '
            f'fill="#1f2933">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
