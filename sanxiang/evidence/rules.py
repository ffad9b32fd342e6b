"""Mandatory-recording rules (JL-AV-2): which stages need a covering recording, and which are missing.

The rule itself is a pure function, :func:`recording_gaps`; the requirements are data
(:class:`~sanxiang.evidence.models.RecordingRequirement`, statutory defaults loaded from
``data/recording_requirements.json``); :func:`require_covering_recordings` is the precondition
the case workflow calls before it completes a stage.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Activity, Recording, RecordingRequirement

DATA_FILE = Path(__file__).resolve().parent / "data" / "recording_requirements.json"


@dataclass(frozen=True)
class Window:
    """The time a stage's event took place, inclusive at both ends."""

    start: datetime.datetime
    end: datetime.datetime

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a window cannot end before it starts")


@dataclass(frozen=True)
class RecordingSpan:
    """What the rule needs to know about a recording."""

    activity: str
    start: datetime.datetime | None
    end: datetime.datetime | None

    @classmethod
    def of(cls, recording: Recording) -> RecordingSpan:
        return cls(recording.activity, recording.started_at, recording.ended_at)


def covers(span: RecordingSpan, window: Window) -> bool:
    """JL-AV-2: a recording covers a stage when its time span overlaps the stage's window."""
    if span.start is None or span.end is None:
        return False
    return span.start <= window.end and span.end >= window.start


def recording_gaps(
    required_activities: Iterable[str], stage_window: Window, recordings: Iterable[RecordingSpan]
) -> list[str]:
    """JL-AV-2: the required activities that no recording of that activity covers, in order."""
    spans = list(recordings)
    missing = []
    for activity in dict.fromkeys(required_activities):
        if not any(s.activity == activity and covers(s, stage_window) for s in spans):
            missing.append(activity)
    return missing


def statutory_requirements() -> list[dict]:
    """The statutory defaults of JL-AV-2 as shipped in the data file."""
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))["requirements"]


def required_activities(stage_kind: str) -> list[str]:
    """JL-AV-2: activities that must be recorded in full for a stage of ``stage_kind``."""
    return list(
        RecordingRequirement.objects.filter(stage_kind=stage_kind, is_active=True)
        .order_by("activity")
        .values_list("activity", flat=True)
    )


def subject_reference(subject: models.Model) -> tuple[str, str]:
    return subject._meta.label_lower, str(subject.pk)


def recordings_linked(
    *, subject_type: str, subject_id: str, stage: str | None = None
) -> models.QuerySet[Recording]:
    """Recordings linked to a subject (and, when given, to one of its stages or to no stage).

    Not cut by user: this answers a rule about the case, not a person's request to see them.
    """
    recordings = Recording.objects.filter(subject_type=subject_type, subject_id=subject_id)
    if stage is not None:
        recordings = recordings.filter(stage__in=[stage, ""])
    return recordings


def activity_labels(activities: Sequence[str]) -> str:
    return "、".join(str(Activity(a).label) if a in Activity.values else a for a in activities)


def stage_recording_gaps(
    *, subject: models.Model, stage: str, window: Window, kind: str | None = None
) -> list[str]:
    """JL-AV-2: what is missing for one stage of a subject (for the case page)."""
    subject_type, subject_id = subject_reference(subject)
    spans = [
        RecordingSpan.of(r)
        for r in recordings_linked(subject_type=subject_type, subject_id=subject_id, stage=stage)
    ]
    return recording_gaps(required_activities(kind or stage), window, spans)


def require_covering_recordings(
    *,
    subject: models.Model,
    stage: str,
    window: Window | tuple[datetime.datetime, datetime.datetime],
    kind: str | None = None,
) -> None:
    """JL-AV-2 precondition: raise ValidationError (Chinese) naming every missing recording.

    ``stage`` is the stage code recordings are linked with; ``kind`` the stage kind whose
    requirements apply (defaults to ``stage``). A recording linked to the subject without a
    stage also counts, when its time span overlaps the window.
    """
    if not isinstance(window, Window):
        window = Window(*window)
    missing = stage_recording_gaps(subject=subject, stage=stage, window=window, kind=kind)
    if missing:
        raise ValidationError(
            {
                "recordings": [
                    _(
                        "本环节须全过程音像记录，缺少覆盖 %(start)s 至 %(end)s 的记录：%(missing)s"
                        "（《实施办法》四（二）2）。请上传并关联相应的音像记录后再完成本环节。"
                    )
                    % {
                        "start": _local(window.start),
                        "end": _local(window.end),
                        "missing": activity_labels(missing),
                    }
                ]
            }
        )


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
