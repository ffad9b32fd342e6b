from django.urls import path

from . import views, views_errors

app_name = "publicity"
urlpatterns = [
    path("", views.publication_list, name="list"),
    path("new/", views.publication_new, name="new"),
    path("timeliness/", views.timeliness, name="timeliness"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>.pdf", views.report_pdf, name="report_pdf"),
    path("reports/<int:pk>/do/<slug:action>/", views.report_action, name="report_action"),
    path("error-reports/", views_errors.error_report_list, name="error_reports"),
    path("error-reports/<int:pk>/", views_errors.error_report_answer, name="error_answer"),
    path("<int:pk>/", views.publication_detail, name="detail"),
    path("<int:pk>/edit/", views.publication_edit, name="edit"),
    path("<int:pk>/do/<slug:action>/", views.publication_action, name="action"),
    path("<int:pk>/redactions/", views.redaction_add, name="redaction_add"),
    path("<int:pk>/redactions/<int:redaction_id>/", views.redaction_set, name="redaction_set"),
]
