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
from sanxiang.publicity import opendata, public, search
from sanxiang.publicity.annual import report_charts
from sanxiang.publicity.fields import Category

from . import selectors
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
    region = forms.RegexField(
        label=_("行政区划代码"),
        regex=r"^(\d{2}|\d{4}|\d{6})$",
        required=False,
        error_messages={"invalid": _("行政区划代码应为2、4或6位数字。")},
    )
    date_from = forms.DateField(label=_("决定日期自"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("至"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("全部"))] + [
            (a.id, ("　" * a.depth) + a.name) for a in selectors.public_agencies()
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
        if page_number is None or page_number < 1:
            results = public.SearchPage([], 0, False, 1, 0)
        else:
            results = public.result_search(query, page=page_number)
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
        },
        status=status,
    )
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


@require_GET
def mine_page(request, pk: int):
    return _render(
        request, "portal/results/mine.html", {"section": "results", "mine": public.mine_page(pk)}
    )


@require_GET
def feed(request):
    """Atom feed of the latest released results (withdrawn ones leave it at once)."""
    atom = feedgenerator.Atom1Feed(
        title="煤矿安全监察执法结果公示",
        link=request.build_absolute_uri(reverse("portal:results")),
        description="行政处罚、行政许可、行政检查、行政强制等执法决定信息",
        language="zh-hans",
        feed_url=request.build_absolute_uri(reverse("portal:results_feed")),
    )
    for hit, published_at, _values in public.feed_entries():
        link = request.build_absolute_uri(reverse("portal:result", args=[hit.id]))
        summary = "；".join(
            part
            for part in (
                f"执法机构：{hit.agency}",
                f"文号：{hit.document_number}" if hit.document_number else "",
                f"决定日期：{hit.decision_date:%Y-%m-%d}",
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
