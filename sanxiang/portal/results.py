"""The public portal's result pages (GS-POST-1…3, GS-REQ-1): search, one page per result (or
its tombstone), one page per coal mine, the Atom feed, open data and the annual reports.

Reads only through ``sanxiang.publicity.public`` (released, redacted data). No login, no
JavaScript, printable. Bad input never reaches a query: the search form validates every
parameter and answers 400 with the form's messages, or an empty page for out-of-range pages.
"""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from sanxiang.core.blobstore import blob_read
from sanxiang.core.forms import DateInput
from sanxiang.core.regions import region_options
from sanxiang.core.tabular import csv_stream
from sanxiang.publicity import opendata, public, search
from sanxiang.publicity.annual import report_charts
from sanxiang.publicity.fields import Category

from . import exports, selectors
from .views import _page

# Results change state (a withdrawal must show at once): caches may keep a copy but must ask
# again every time (ADR 0050).
CACHE_CONTROL = "public, no-cache"
MAX_PAGE_PARAM = 6


class ResultSearchForm(forms.Form):
    q = forms.CharField(label=_("关键词"), max_length=100, required=False, strip=True)
    category = forms.ChoiceField(
        label=_("类别"), choices=[("", _("全部")), *Category.choices], required=False
    )
    agency = forms.TypedChoiceField(
        label=_("执法机构"), coerce=int, required=False, empty_value=None
    )
    # Chosen by name from the regions that have results (ADR 0097); the value sent is the code.
    region = forms.ChoiceField(
        label=_("地区"),
        required=False,
        error_messages={"invalid_choice": _("请从列表中选择地区。")},
    )
    date_from = forms.DateField(label=_("决定日期自"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("至"), required=False, widget=DateInput())
    sort = forms.ChoiceField(
        label=_("排序"),
        choices=[
            (public.Sort.DATE, _("决定日期（新→旧）")),
            (public.Sort.AMOUNT, _("罚款金额（高→低）")),
        ],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("全部"))] + [
            (a.id, ("　" * a.depth) + a.name) for a in selectors.public_agencies()
        ]
        self.fields["region"].choices = [("", _("全部"))] + [
            (code, ("　" * (len(code) // 2 - 1)) + name)
            for code, name in region_options(public.region_choices())
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return data

    def query(self) -> search.SearchQuery:
        data = self.cleaned_data
        return search.SearchQuery(
            q=data.get("q") or "",
            category=data.get("category") or "",
            agency_id=data.get("agency"),
            region=data.get("region") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


def _render(request, template: str, context: dict, status: int = 200):
    response = _page(request, template, context, status=status)
    response["Cache-Control"] = CACHE_CONTROL
    return response


def _page_number(request) -> int | None:
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or len(raw) > MAX_PAGE_PARAM:
        return None if raw else 1
    return int(raw)


@require_GET
def search_page(request):
    form = ResultSearchForm(request.GET or None)
    page_number = _page_number(request)
    status, results, ignored = 200, None, []
    if request.GET and not form.is_valid():
        status = 400
    else:
        query = form.query() if request.GET else search.SearchQuery()
        ignored = query.ignored
        sort = (form.cleaned_data.get("sort") if request.GET else "") or public.Sort.DATE
        if page_number is None or page_number < 1:
            results = public.SearchPage([], 0, False, 1, 0)
        else:
            results = public.result_search(query, page=page_number, sort=sort)
    params = request.GET.copy()
    params.pop("page", None)
    response = _render(
        request,
        "portal/results/search.html",
        {
            "section": "results",
            "form": form,
            "results": results,
            "ignored": ignored,
            "querystring": params.urlencode(),
            "max_page": public.MAX_PAGE,
            "categories": Category.choices,
            "export_limit": EXPORT_LIMIT,
        },
        status=status,
    )
    return response


EXPORT_LIMIT = search.COUNT_CAP
EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
def export(request, fmt: str):
    """The current result set (the search form's query and order) as CSV or XLSX, at most
    ``EXPORT_LIMIT`` rows, streamed; cells neutralised against formula injection (ADR 0097)."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    form = ResultSearchForm(request.GET or None)
    if request.GET and not form.is_valid():
        return _render(
            request,
            "portal/results/search.html",
            {"section": "results", "form": form, "results": None, "ignored": []},
            status=400,
        )
    query = form.query() if request.GET else search.SearchQuery()
    sort = (form.cleaned_data.get("sort") if request.GET else "") or public.Sort.DATE
    hits, _total = public.result_export_rows(query, sort=sort, limit=EXPORT_LIMIT)
    rows = exports.result_rows(hits, base=request.build_absolute_uri("/")[:-1])
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "csv":
        response = StreamingHttpResponse(csv_stream(rows), content_type=EXPORT_FORMATS[fmt])
    else:
        response = StreamingHttpResponse(
            exports.xlsx_stream(rows, title=str(_("执法结果公示"))),
            content_type=EXPORT_FORMATS[fmt],
        )
    response["Content-Disposition"] = f'attachment; filename="results-{stamp}.{fmt}"'
    response["Cache-Control"] = CACHE_CONTROL
    return response


@require_GET
def record_page(request, pk: int):
    record = public.result_get(pk)
    status = 200 if record.state == "live" else 410
    return _render(
        request,
        "portal/results/record.html",
        {"section": "results", "record": record, "current": True},
        status=status,
    )


@require_GET
def version_page(request, pk: int, number: int):
    record = public.result_version(pk, number)
    return _render(
        request,
        "portal/results/record.html",
        {"section": "results", "record": record, "current": False},
    )


class MineSearchForm(forms.Form):
    q = forms.CharField(label=_("煤矿名称、统一社会信用代码或地区"), max_length=100, required=False)
    region = forms.ChoiceField(
        label=_("地区"),
        required=False,
        error_messages={"invalid_choice": _("请从列表中选择地区。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("全部"))] + [
            (code, ("　" * (len(code) // 2 - 1)) + name) for code, name in selectors.mine_regions()
        ]


@require_GET
def mine_directory(request):
    """The public directory of coal mines: search by name, credit code or region name."""
    form = MineSearchForm(request.GET or None)
    status, mines = 200, None
    if request.GET and not form.is_valid():
        status = 400
    else:
        data = form.cleaned_data if request.GET else {}
        mines = selectors.mine_directory(
            q=data.get("q") or "", region=data.get("region") or "", page=_page_number(request) or 1
        )
    params = request.GET.copy()
    params.pop("page", None)
    return _render(
        request,
        "portal/results/mines.html",
        {"section": "mines", "form": form, "mines": mines, "querystring": params.urlencode()},
        status=status,
    )


@require_GET
def mine_page(request, pk: int):
    return _render(
        request, "portal/results/mine.html", {"section": "mines", "mine": public.mine_page(pk)}
    )


@require_GET
def mine_feed(request, pk: int):
    """Atom feed of one mine's released results."""
    mine = public.mine_page(pk)
    return _atom(
        request,
        title=f"{mine.name} · 执法结果公示",
        link=reverse("portal:mine", args=[pk]),
        feed_url=reverse("portal:mine_feed", args=[pk]),
        entries=public.feed_entries(mine_id=pk),
    )


@require_GET
def subscribe(request):
    """What a feed is and how to subscribe (the page the 订阅 links open)."""
    mine = None
    raw = request.GET.get("mine", "")
    if raw.isdigit() and len(raw) < 10:
        mine = public.mine_page(int(raw))
    feed_path = (
        reverse("portal:mine_feed", args=[mine.id]) if mine else reverse("portal:results_feed")
    )
    return _render(
        request,
        "portal/results/subscribe.html",
        {
            "section": "mines" if mine else "results",
            "mine": mine,
            "feed_url": request.build_absolute_uri(feed_path),
        },
    )


@require_GET
def feed(request):
    """Atom feed of the latest released results (withdrawn ones leave it at once)."""
    return _atom(
        request,
        title="煤矿安全监察执法结果公示",
        link=reverse("portal:results"),
        feed_url=reverse("portal:results_feed"),
        entries=public.feed_entries(),
    )


def _atom(request, *, title: str, link: str, feed_url: str, entries) -> HttpResponse:
    atom = feedgenerator.Atom1Feed(
        title=title,
        link=request.build_absolute_uri(link),
        description="行政处罚、行政许可、行政检查、行政强制等执法决定信息",
        language="zh-hans",
        feed_url=request.build_absolute_uri(feed_url),
    )
    for hit, published_at, _values in entries:
        link = request.build_absolute_uri(reverse("portal:result", args=[hit.id]))
        summary = "；".join(
            part
            for part in (
                f"执法机构：{hit.agency}",
                f"文号：{hit.document_number}" if hit.document_number else "",
                f"决定日期：{hit.decision_date:%Y-%m-%d}",
                f"罚款金额：{hit.fine_amount}万元" if hit.fine_amount else "",
                hit.kind_text,
                hit.outcome,
            )
            if part
        )
        atom.add_item(
            title=f"{hit.category_label}：{hit.party_name}",
            link=link,
            description=summary,
            unique_id=link,
            updateddate=published_at,
            pubdate=published_at,
            categories=[hit.category_label],
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    atom.write(response, "utf-8")
    response["Cache-Control"] = CACHE_CONTROL
    return response


def _int_param(request, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 7 else None


@require_GET
def dataset(request, category: str, fmt: str):
    """Open data of one category in the 双公示 layout: CSV, JSON or XLSX (?year=, ?agency=)."""
    if category not in Category.values or fmt not in opendata.FORMATS:
        raise Http404
    filters = {"year": _int_param(request, "year"), "agency_id": _int_param(request, "agency")}
    if filters["year"] is not None and not 1900 <= filters["year"] <= 2100:
        filters["year"] = None
    name = f"results-{category}"
    if fmt == "xlsx":
        response = HttpResponse(
            opendata.xlsx_bytes(category, **filters), content_type=opendata.FORMATS[fmt]
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        stream = opendata.csv_stream if fmt == "csv" else opendata.json_stream
        response = StreamingHttpResponse(
            stream(category, **filters), content_type=opendata.FORMATS[fmt]
        )
        response["Content-Disposition"] = f'inline; filename="{name}.{fmt}"'
    response["Cache-Control"] = CACHE_CONTROL
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def reports(request):
    return _render(
        request,
        "portal/results/reports.html",
        {"section": "reports", "reports": public.public_reports(), "today": timezone.localdate()},
    )


@require_GET
def report_page(request, pk: int):
    report = public.public_report(pk)
    return _render(
        request,
        "portal/results/report.html",
        {
            "section": "reports",
            "report": report,
            "data": report.data,
            "charts": report_charts(report.data),
            "categories": dict(Category.choices),
        },
    )


@require_GET
def report_pdf(request, pk: int):
    report = public.public_report(pk)
    response = HttpResponse(blob_read(report.pdf_path), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="annual-report-{report.agency_id}-{report.year}.pdf"'
    )
    response["Cache-Control"] = CACHE_CONTROL
    return response
