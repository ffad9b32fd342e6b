"""The mine's file (一矿一档, JL-ARC-3): its whole enforcement history on one page, and the
timeline as a spreadsheet. The mine is looked up through the registry's selector, so a mine out
of the viewer's scope is a 404 like a missing one; every line comes from the owning app's
selector for the same viewer (ADR 0126)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from sanxiang.core.listing import paginate
from sanxiang.core.lookups import get_or_404

from . import selectors
from .minefile import XLSX_CONTENT_TYPE, filtered, timeline_csv, timeline_xlsx

PAGE_SIZE = 50


@login_required
def mine_file(request, pk: int):
    mine = get_or_404(selectors.mine_get, user=request.user, pk=pk)
    form, timeline = filtered(user=request.user, mine=mine, data=request.GET.copy())
    context = paginate(request, timeline, per_page=PAGE_SIZE)
    filters = request.GET.copy()
    filters.pop("page", None)
    filters.pop("kind", None)
    context.update(
        section="mines",
        mine=mine,
        form=form,
        counts=timeline.counts,
        total=sum(c.count for c in timeline.counts),
        kind=next(iter(timeline.flt.kinds), ""),
        without_kind=filters.urlencode(),
        show_agency=form.fields["agency"].queryset.count() > 1,
        can_export_all=_may_export_all(request.user, mine),
    )
    return render(request, "registry/mine_file.html", context)


def _may_export_all(user, mine) -> bool:
    """“导出全部” (一矿一档 package): custodians and heads in scope; the archive's service decides."""
    from sanxiang.archive.export import EXPORTERS
    from sanxiang.core.permissions import in_scope, is_superuser

    return in_scope(user, mine.supervising_agency) and (
        is_superuser(user) or user.has_role(*EXPORTERS)
    )


@login_required
def mine_file_export(request, pk: int, fmt: str):
    """The filtered timeline, every line (not one page), as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    mine = get_or_404(selectors.mine_get, user=request.user, pk=pk)
    events = filtered(user=request.user, mine=mine, data=request.GET.copy())[1].events()
    stamp = timezone.localdate().isoformat()
    name = _("%(mine)s执法档案时间线-%(day)s") % {"mine": mine.name, "day": stamp}
    if fmt == "csv":
        response = StreamingHttpResponse(timeline_csv(events), content_type="text/csv")
    else:
        title = _("%(mine)s 一矿一档 执法时间线（导出于%(day)s）") % {
            "mine": mine.name,
            "day": stamp,
        }
        response = HttpResponse(timeline_xlsx(events, title=title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{fmt}")
    response["Cache-Control"] = "private, no-store"
    return response
