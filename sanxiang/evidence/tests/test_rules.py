"""JL-AV-2: stages of the mandatory kinds cannot complete without a covering recording."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sanxiang.evidence import rules, services
from sanxiang.evidence.models import Activity, RecordingRequirement
from sanxiang.evidence.rules import RecordingSpan, Window, recording_gaps
from sanxiang.testing import factories

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
H = datetime.timedelta(hours=1)


def span(activity: str, start_h: float | None, end_h: float | None) -> RecordingSpan:
    start = T0 + start_h * H if start_h is not None else None
    end = T0 + end_h * H if end_h is not None else None
    return RecordingSpan(activity, start, end)


WINDOW = Window(T0 + 1 * H, T0 + 2 * H)


def test_jl_av_2_overlapping_recording_of_the_activity_covers():
    assert recording_gaps(["sealing_seizure"], WINDOW, [span("sealing_seizure", 0.5, 1.5)]) == []
    assert recording_gaps(["sealing_seizure"], WINDOW, [span("sealing_seizure", 1.2, 1.4)]) == []
    assert recording_gaps(["sealing_seizure"], WINDOW, [span("sealing_seizure", 0, 3)]) == []


def test_jl_av_2_boundaries_touching_count_as_overlap():
    assert recording_gaps(["sampling"], WINDOW, [span("sampling", 0, 1)]) == []
    assert recording_gaps(["sampling"], WINDOW, [span("sampling", 2, 3)]) == []


def test_jl_av_2_no_overlap_wrong_activity_or_unknown_times_leave_a_gap():
    assert recording_gaps(["sampling"], WINDOW, [span("sampling", 0, 0.99)]) == ["sampling"]
    assert recording_gaps(["sampling"], WINDOW, [span("sampling", 2.01, 3)]) == ["sampling"]
    assert recording_gaps(["sampling"], WINDOW, [span("inspection", 1, 2)]) == ["sampling"]
    assert recording_gaps(["sampling"], WINDOW, [span("sampling", None, 2)]) == ["sampling"]
    assert recording_gaps(["sampling"], WINDOW, []) == ["sampling"]


def test_gaps_are_listed_once_in_order_of_the_requirements():
    required = ["evidence_preservation", "sampling", "evidence_preservation"]
    assert recording_gaps(required, WINDOW, [span("sampling", 1, 2)]) == ["evidence_preservation"]
    assert recording_gaps([], WINDOW, []) == []


def test_window_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Window(T0 + H, T0)


def test_statutory_defaults_are_data_and_loaded(db):
    statutory = {r["stage_kind"]: r["activity"] for r in rules.statutory_requirements()}
    assert statutory == {
        "evidence_preservation": "evidence_preservation",
        "sealing_seizure": "sealing_seizure",
        "sampling": "sampling",
        "opinion_notification": "opinion_notification",
    }
    loaded = RecordingRequirement.objects.filter(statutory=True, is_active=True)
    assert {(r.stage_kind, r.activity) for r in loaded} == set(statutory.items())
    assert rules.required_activities("sealing_seizure") == ["sealing_seizure"]
    assert rules.required_activities("hearing") == []


@pytest.fixture
def sealing(province):
    officer = factories.officer(agency=province["a"])
    mine = factories.mine(agency=province["a"])
    start = timezone.now().replace(microsecond=0) - 3 * H
    return {"officer": officer, "mine": mine, "window": Window(start, start + H)}


def test_jl_av_2_sealing_stage_cannot_complete_without_covering_recording(sealing):
    """The acceptance case with a coal mine as subject; the case workflow calls the same helper."""
    mine, window = sealing["mine"], sealing["window"]
    with pytest.raises(ValidationError) as refused:
        rules.require_covering_recordings(subject=mine, stage="sealing_seizure", window=window)
    message = refused.value.message_dict["recordings"][0]
    assert "查封、扣押" in message and "《实施办法》四（二）2" in message

    # A recording of another activity, or of this one outside the window, does not cover it.
    factories.recording(
        actor=sealing["officer"],
        activity=Activity.INSPECTION,
        subject=mine,
        started_at=window.start,
        ended_at=window.end,
    )
    factories.recording(
        actor=sealing["officer"],
        activity=Activity.SEALING_SEIZURE,
        subject=mine,
        started_at=window.end + H,
        ended_at=window.end + 2 * H,
    )
    with pytest.raises(ValidationError):
        rules.require_covering_recordings(subject=mine, stage="sealing_seizure", window=window)

    recording = factories.recording(
        actor=sealing["officer"], activity=Activity.SEALING_SEIZURE, subject=mine
    )
    with pytest.raises(ValidationError):  # linked, but its times are not known yet
        rules.require_covering_recordings(subject=mine, stage="sealing_seizure", window=window)
    services.recording_update(
        actor=sealing["officer"],
        recording=recording,
        started_at=window.start - H / 2,
        ended_at=window.start + H / 2,
        stage="sealing_seizure",
    )
    rules.require_covering_recordings(subject=mine, stage="sealing_seizure", window=window)
    rules.require_covering_recordings(
        subject=mine, stage="sealing_seizure", window=(window.start, window.end)
    )


def test_recording_linked_to_another_stage_does_not_count(sealing):
    mine, window = sealing["mine"], sealing["window"]
    factories.recording(
        actor=sealing["officer"],
        activity=Activity.SEALING_SEIZURE,
        subject=mine,
        stage="an-earlier-seizure",
        started_at=window.start,
        ended_at=window.end,
    )
    assert rules.stage_recording_gaps(subject=mine, stage="sealing_seizure", window=window) == [
        "sealing_seizure"
    ]


def test_stages_without_requirements_need_nothing(sealing):
    rules.require_covering_recordings(
        subject=sealing["mine"], stage="filing", window=sealing["window"]
    )


def test_an_agency_may_add_a_requirement(sealing):
    RecordingRequirement.objects.create(stage_kind="hearing", activity=Activity.HEARING)
    with pytest.raises(ValidationError) as refused:
        rules.require_covering_recordings(
            subject=sealing["mine"], stage="hearing", window=sealing["window"]
        )
    assert "听证" in refused.value.message_dict["recordings"][0]
