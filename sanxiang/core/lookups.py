"""Page views look objects up through selectors; what is missing or out of scope is a 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404


def get_or_404(selector: Callable[..., Any], **kwargs: Any) -> Any:
    """Call ``selector``; an object that does not exist or that the user may not see is a 404.

    The same answer for both, so a page never tells whether another unit's record exists.
    A malformed identifier (``ValueError``) is a 404 too.
    """
    try:
        return selector(**kwargs)
    except (ObjectDoesNotExist, ValueError):
        raise Http404 from None
