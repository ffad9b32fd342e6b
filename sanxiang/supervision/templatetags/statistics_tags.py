"""The figure cells of the statistics table (ADR 0243).

A province page has some sixty indicators × (本级, every sub-bureau, 合计, 上年同期, 增减): about a
thousand linked cells. Rendered node by node by the template engine (and ``format_html`` per cell)
they cost as much as reading the figures; one tag per row writes the same markup, every link
escaped and numbers localized as ``{{ value }}`` would, in a fraction of that.
"""

from django import template
from django.conf import settings
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _number(value) -> str:
    # an integer prints as itself unless thousand separators are on; the rest as the template would
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return escape(localize(value))


@register.simple_tag
def figure_cells(row) -> SafeString:
    """``<td>`` per column (the last one is 合计), then 上年同期 and 增减 of one table row."""
    last = len(row.cells) - 1
    parts = [
        f'<td class="num{" total" if index == last else ""}">'
        f'<a href="{escape(cell.url)}">{_number(cell.value)}</a></td>'
        for index, cell in enumerate(row.cells)
    ]
    change = row.change
    parts.append(
        f'<td class="num previous"><a href="{escape(row.previous.url)}">'
        f"{_number(row.previous.value)}</a></td>"
        f'<td class="num">{_number(change) + "%" if change is not None else "—"}</td>'
    )
    return mark_safe("".join(parts))  # every value above is escaped
