"""JL-AV-2 in the case workflow: the steps that must be recorded in full, and their check.

The rule and its data are the evidence app's (``evidence.rules``, ADR 0022); this module only
says which case stage is which recorded activity, and is the one place the workflow asks.
"""

from __future__ import annotations

import datetime

from sanxiang.catalog.stages import Stage
from sanxiang.evidence.models import Activity
from sanxiang.evidence.rules import Window, require_covering_recordings, stage_recording_gaps

from .models import Case

# Case stage → the evidence app's stage kind (activity) whose recording is mandatory.
RECORDED_STAGES = {
    Stage.EVIDENCE_PRESERVATION: Activity.EVIDENCE_PRESERVATION,
    Stage.SEALING_SEIZURE: Activity.SEALING_SEIZURE,
    Stage.SAMPLING: Activity.SAMPLING,
    Stage.PRIOR_NOTICE: Activity.OPINION_NOTIFICATION,
}


def require_stage_recordings(
    *, case: Case, stage: str, start: datetime.datetime, end: datetime.datetime
) -> None:
    """JL-AV-2: refuse to complete ``stage`` unless recordings linked to the case cover it."""
    kind = RECORDED_STAGES.get(stage)
    if kind is None:
        return
    require_covering_recordings(subject=case, stage=stage, window=(start, end), kind=kind)


def recording_gaps(
    *, case: Case, stage: str, start: datetime.datetime, end: datetime.datetime
) -> list[str]:
    """What is still missing for ``stage`` in the window (for the case page)."""
    kind = RECORDED_STAGES.get(stage)
    if kind is None:
        return []
    return stage_recording_gaps(subject=case, stage=stage, window=Window(start, end), kind=kind)
