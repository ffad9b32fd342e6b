"""Template helpers of the public portal."""

from django import template

from sanxiang.ledger.selectors import checkpoint_latest

register = template.Library()


@register.simple_tag
def current_checkpoint():
    """The latest signed checkpoint of the ledger, shown in every portal page's footer, so the
    public can hold the agency to its record (GS-REQ-1; ADR 0004)."""
    return checkpoint_latest()
