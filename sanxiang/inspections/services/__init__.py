"""Writes for inspections: enforcement plans, conflict declarations, double-random draws,
inspection plans (检查方案), on-site inspections, findings and on-site measures.

Each service is one transaction: it checks permission and preconditions, validates every
field (all errors at once, nothing saved on error), changes state and appends the ledger event.
Closing an inspection and taking an on-site measure send their signal (``signals.py``) on commit.

Re-exported here so that callers import ``sanxiang.inspections.services``; the modules split by
workflow: ``plans`` (enforcement and inspection plans, conflict declarations), ``draws``
(双随机), ``onsite`` (inspections, findings, the on-site record, closing) and ``measures``
(on-site measures); ``common`` holds what they share.
"""

from .common import MEASURE_DOCUMENTS, check_citations, citation_problems
from .draws import (
    draw_commit,
    draw_create,
    draw_exclusion_add,
    draw_publish,
    draw_run,
    draw_share_minimums,
    published_inputs,
)
from .measures import (
    MAX_RECTIFICATION_DAYS,
    ONSITE_MEASURE_BASIS,
    measure_major_matches,
    onsite_measure_take,
    onsite_measure_verify,
)
from .onsite import (
    finding_add,
    inspection_checklists,
    inspection_close,
    inspection_complete,
    inspection_open,
    plan_approval_entry,
)
from .plans import (
    conflict_declare,
    enforcement_plan_approve,
    enforcement_plan_create,
    inspection_plan_approve,
    inspection_plan_create,
    inspection_plan_return,
    inspection_plan_submit,
)

__all__ = [
    "MAX_RECTIFICATION_DAYS",
    "MEASURE_DOCUMENTS",
    "ONSITE_MEASURE_BASIS",
    "check_citations",
    "citation_problems",
    "conflict_declare",
    "draw_commit",
    "draw_create",
    "draw_exclusion_add",
    "draw_publish",
    "draw_run",
    "draw_share_minimums",
    "enforcement_plan_approve",
    "enforcement_plan_create",
    "finding_add",
    "inspection_checklists",
    "inspection_close",
    "inspection_complete",
    "inspection_open",
    "inspection_plan_approve",
    "inspection_plan_create",
    "inspection_plan_return",
    "inspection_plan_submit",
    "measure_major_matches",
    "onsite_measure_take",
    "onsite_measure_verify",
    "plan_approval_entry",
    "published_inputs",
]
