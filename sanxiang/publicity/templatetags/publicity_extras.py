"""Template helpers of result publication."""

from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    """``{{ data.totals|lookup:code }}``: a dict value by a variable key ("" when missing)."""
    try:
        return mapping.get(str(key), mapping.get(key, ""))
    except AttributeError:
        return ""
