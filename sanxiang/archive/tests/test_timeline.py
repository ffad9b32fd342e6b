"""一矿一档 (JL-ARC-3, ADR 0126): a mine's file lists its archive units — filed ones with their
档号, drafts too — for those who may read them, each linked to a unit page that opens."""

from __future__ import annotations

from django.test import Client

from sanxiang.archive import services
from sanxiang.registry.timeline import MineTimeline, TimelineFilter
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

from .test_filing import _units


def _archive_events(user, mine):
    flt = TimelineFilter(kinds=frozenset({"archive_unit"}))
    return MineTimeline(user=user, mine=mine, flt=flt).events()


def test_units_are_in_the_mine_file_with_their_code_and_status(team, province):
    filed, draft = _units(team, 2)
    services.unit_submit(actor=team["custodian"], unit=filed)
    filed = services.unit_approve(actor=team["head"], unit=filed)

    events = {e.object_id: e for e in _archive_events(team["head"], team["mine"])}
    assert set(events) == {str(filed.pk), str(draft.pk)}
    shown = events[str(filed.pk)]
    assert shown.badge == "已归档" and f"档号：{filed.archival_code}" in shown.summary
    assert shown.when == filed.approved_at and shown.who == str(team["head"])
    assert events[str(draft.pk)].badge == "草稿" and "档号" not in events[str(draft.pk)].summary
    counts = {c.kind: c.count for c in MineTimeline(user=team["head"], mine=team["mine"]).counts}
    assert counts["archive_unit"] == 2

    client = Client()
    sign_in(client, team["officer"])
    for event in events.values():
        page = client.get(event.url)
        assert page.status_code == 200 and event.title in page.content.decode()

    outsider = factories.officer(agency=province["b"], full_name="孙外局")
    assert _archive_events(outsider, team["mine"]) == []
