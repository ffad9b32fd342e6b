"""Which ledger events a look at a recording makes: one 查看 per page, one 播放 per playback.

ADR 0021 §4 logged every range request as a playback; a media element makes a handful per
playback and one per seek, so the ledger could not tell one viewing from several. ADR 0091:

* opening the recording's page is one ``recording.view`` (查看) when the content is shown, and
  one ``recording.access_refused`` when it is not — for every recording, secret or not;
* a byte range that starts at offset 0 (or a request without a range) starts a playback: one
  ``recording.stream`` (播放), for the original or a derived copy;
* a later range of the same playback (a seek, the rest of the file) is checked for access like
  any request but not logged again, provided the same person started playing the same recording
  within ``SANXIANG_EVIDENCE_PLAYBACK_WINDOW`` seconds; otherwise it counts as a new playback,
  so reading a file from the middle is never unlogged;
* every refused request is logged (``recording.access_refused``), as before.

These are services (JL-USE-2, JL-USE-3): the views call them and never decide access themselves.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from sanxiang.ledger.models import LedgerEntry

from . import access as access_rules
from . import services
from .conf import setting
from .models import DerivedFile, Recording

PLAY_ACTION = "recording.stream"
_FIRST_BYTE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-")


def range_start(range_header: str | None) -> int | None:
    """The first byte a Range header asks for: 0 without a header, None for a suffix range."""
    if not range_header:
        return 0
    match = _FIRST_BYTE.match(range_header)
    if match is None:
        return 0  # not a byte range we honour: the whole file is served
    return int(match.group(1)) if match.group(1) else None


def _playing(actor, recording: Recording) -> bool:
    since = timezone.now() - datetime.timedelta(
        seconds=setting("SANXIANG_EVIDENCE_PLAYBACK_WINDOW")
    )
    return LedgerEntry.objects.filter(
        object_type=recording._meta.label_lower,
        object_id=str(recording.pk),
        action=PLAY_ACTION,
        actor_id=actor.pk,
        recorded_at__gte=since,
    ).exists()


def recording_view(*, actor, recording: Recording) -> access_rules.Access:
    """The recording's page was opened: 查看 when its content is shown, a refusal otherwise."""
    return services.recording_access(actor=actor, recording=recording, mode=access_rules.VIEW)


@transaction.atomic
def recording_play(
    *,
    actor,
    recording: Recording,
    range_header: str | None,
    derived: DerivedFile | None = None,
) -> access_rules.Access:
    """One byte range of a playback: the first is a 播放 in the ledger, the rest are only checked."""
    if range_start(range_header) != 0 and _playing(actor, recording):
        decision = access_rules.access_for(actor, recording)
        if decision.view:
            return decision
    detail: dict[str, Any] = {"range": (range_header or "")[:60]}
    if derived is not None:
        detail["derived"] = derived.pk
    return services.recording_access(
        actor=actor, recording=recording, mode=access_rules.STREAM, detail=detail
    )
