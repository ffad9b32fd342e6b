"""What the training, notices and assessment parts register when the app is ready: the reading
rule of assessment sheets (ADR 0065, 0167) and the kinds of record a notice can be about."""

from sanxiang.core.readable import register_readable

from .assessment.selectors import line_list, sheet_list
from .notices import targets  # noqa: F401  registers the built-in notice targets

register_readable("supervision.assessmentsheet", lambda user: sheet_list(user=user))
register_readable("supervision.assessmentline", lambda user: line_list(user=user))
