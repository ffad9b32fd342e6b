from django.urls import include, path

from sanxiang.documents.public_views import document_check
from sanxiang.publicity import error_views

from . import results, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("agencies/", views.agencies, name="agencies"),
    path("officers/", views.officers, name="officers"),
    path("certificate-check/", views.certificate_check, name="certificate_check"),
    path("document-check/", document_check, name="document_check"),  # ADR 0224
    path("versions/<int:pk>/", views.version_page, name="version"),
    path("data/", views.open_data, name="open_data"),
    path("data/results/<slug:category>.<str:fmt>", results.dataset, name="results_dataset"),
    path("data/<slug:name>.<str:fmt>", views.dataset, name="dataset"),
    path("results/", results.search_page, name="results"),
    path("results/feed.atom", results.feed, name="results_feed"),
    path("results/export.<str:fmt>", results.export, name="results_export"),
    path("results/subscribe/", results.subscribe, name="subscribe"),
    path("results/<int:pk>/", results.record_page, name="result"),
    path("results/<int:pk>/v<int:number>/", results.version_page, name="result_version"),
    path("results/<int:pk>/report-error/", error_views.report_page, name="result_error"),
    path("corrections/<str:number>/", error_views.status_page, name="error_status"),
    path("mines/", results.mine_directory, name="mines"),
    path("mines/<int:pk>/", results.mine_page, name="mine"),
    path("mines/<int:pk>/feed.atom", results.mine_feed, name="mine_feed"),
    path("reports/", results.reports, name="reports"),
    path("reports/<int:pk>/", results.report_page, name="report"),
    path("reports/<int:pk>.pdf", results.report_pdf, name="report_pdf"),
    path("licensing/", include("sanxiang.licensing.public_urls")),
    path("complaints/", include("sanxiang.complaints.public_urls")),  # issue 15: 投诉举报
    path("<slug:slug>/", views.catalog_page, name="catalog"),
    path("<slug:slug>/history/", views.catalog_history, name="history"),
]
