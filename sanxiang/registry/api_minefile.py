"""API router for a mine's file (一矿一档, JL-ARC-3, ADR 0126, 0256): the timeline the staff page
``/registry/mines/<id>/file/`` shows, read-only, for integrators holding a ``registry:read``
token.

It is the page, not a second reading of the records: the mine is found through the registry's
selector (out of scope answers as missing does, ADR 0065), the timeline is the one
:class:`~sanxiang.registry.timeline.MineTimeline` assembles from the apps' own selectors for the
same caller, and the filters go through the page's own form. The only difference is bad input:
the page reports a bad filter on its field and shows the file unfiltered, an API client gets a
422 problem with the same Chinese message on the field and nothing else — a client that sent a
filter must never mistake the whole file for the filtered one.
"""

import datetime
from dataclasses import asdict

from django.core.exceptions import ValidationError
from django.http import QueryDict
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from sanxiang.org.selectors import agency_list

from . import selectors
from .forms import MineFileFilterForm
from .timeline import MineTimeline, TimelineEvent, TimelineFilter

router = Router(tags=["一矿一档"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

# The form's field names and the API's parameter names, where they differ.
_API_FIELD = {"agency": "agency_id"}


class FileFilters(Schema):
    kind: str = Field(
        "", max_length=40, description="事件类别（见 /file/counts 的 kind）；空为全部"
    )
    date_from: datetime.date | None = Field(None, description="起始日期（含）")
    date_to: datetime.date | None = Field(None, description="截止日期（含）")
    agency_id: int | None = Field(None, description="执法机构（含其下级机构）")


class FileEventOut(Schema):
    """One line of the mine's file, as the page shows it: words, a link to the record's page,
    and the record's reference (``object_type``, ``object_id``) for the client's bookkeeping."""

    day: datetime.date
    at: datetime.datetime | None = Field(None, description="时刻（只有日期的事件为空）")
    kind: str
    kind_label: str
    title: str
    summary: str
    badge: str
    who: str
    agency: str
    url: str
    object_type: str
    object_id: str


class KindCountOut(Schema):
    kind: str
    label: str
    count: int
    selected: bool


class FileCountsOut(Schema):
    mine_id: int
    mine_name: str
    total: int = Field(description="所选类别在日期和机构范围内的事件数")
    kinds: list[KindCountOut]


def _event(event: TimelineEvent) -> dict:
    at = event.when if isinstance(event.when, datetime.datetime) else None
    return {
        "day": event.day,
        "at": at,
        "kind": event.kind,
        "kind_label": event.kind_label,
        "title": event.title,
        "summary": event.summary,
        "badge": event.badge,
        "who": event.who,
        "agency": event.agency,
        "url": event.url,
        "object_type": event.object_type,
        "object_id": event.object_id,
    }


class _Events:
    """The timeline as ninja's paginator slices it, each line shaped for :class:`FileEventOut`."""

    def __init__(self, timeline: MineTimeline):
        self.timeline = timeline

    def __len__(self) -> int:
        return self.timeline.count()

    def __getitem__(self, key: slice) -> list[dict]:
        return [_event(e) for e in self.timeline[key]]


def mine_timeline(request, mine_id: int, filters: FileFilters) -> MineTimeline:
    """The caller's timeline of the mine under ``filters``, checked by the page's form; a bad
    filter is a ``ValidationError`` on the API's field name (422), never applied or ignored."""
    user = request.user
    mine = selectors.mine_get(user=user, pk=mine_id)
    timeline = MineTimeline(user=user, mine=mine)
    data = QueryDict(mutable=True)
    for name, value in (
        ("kind", filters.kind),
        ("date_from", filters.date_from.isoformat() if filters.date_from else ""),
        ("date_to", filters.date_to.isoformat() if filters.date_to else ""),
        ("agency", "" if filters.agency_id is None else str(filters.agency_id)),
    ):
        data[name] = value
    form = MineFileFilterForm(
        data, kinds=timeline.kinds(), agencies=agency_list(user=user).order_by("path")
    )
    if not form.is_valid():
        raise ValidationError(
            {
                _API_FIELD.get(field, field): [str(m) for m in messages]
                for field, messages in form.errors.items()
            }
        )
    clean = form.cleaned_data
    return timeline.with_filter(
        TimelineFilter(
            kinds=frozenset({clean["kind"]}) if clean.get("kind") else frozenset(),
            date_from=clean.get("date_from"),
            date_to=clean.get("date_to"),
            agency=clean.get("agency"),
        )
    )


@router.get(
    "/mines/{mine_id}/file",
    response=list[FileEventOut],
    summary="一矿一档：执法时间线",
    description="煤矿的全部执法记录，按时间倒序，与页面相同的阅读规则和筛选条件；分页。",
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def mine_file(request, mine_id: int, filters: Query[FileFilters]):
    return _Events(mine_timeline(request, mine_id, filters))


@router.get(
    "/mines/{mine_id}/file/counts",
    response=FileCountsOut,
    summary="一矿一档：各类事件数",
    description="每一类事件在所选日期和机构范围内的数量（页面上的类别标签）。",
)
def mine_file_counts(request, mine_id: int, filters: Query[FileFilters]):
    timeline = mine_timeline(request, mine_id, filters)
    return {
        "mine_id": timeline.mine.pk,
        "mine_name": timeline.mine.name,
        "total": timeline.count(),
        "kinds": [asdict(c) for c in timeline.counts],
    }
