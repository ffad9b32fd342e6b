from django.urls import path

from . import views, views_appeals, views_branches

app_name = "cases"
urlpatterns = [
    path("", views.home, name="home"),
    path("all/", views.case_list, name="list"),
    path("new/", views.case_file, name="file"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/do/<slug:action>/", views.case_step, name="step"),
    path("<int:pk>/confidentiality/", views.case_confidentiality, name="confidentiality"),
    path("<int:pk>/appeals/new/", views_appeals.appeal_register, name="appeal_register"),
    path(
        "<int:pk>/appeals/<int:appeal_id>/conclude/",
        views_appeals.appeal_conclude,
        name="appeal_conclude",
    ),
    path(
        "<int:pk>/appeals/<int:appeal_id>/new-decision/",
        views_appeals.appeal_new_decision,
        name="appeal_new_decision",
    ),
    path("<int:pk>/transfers/new/", views_appeals.transfer_report, name="transfer_report"),
    path(
        "<int:pk>/transfers/<int:transfer_id>/decide/",
        views_appeals.transfer_decide,
        name="transfer_decide",
    ),
    path(
        "<int:pk>/transfers/<int:transfer_id>/transfer/",
        views_appeals.transfer_complete,
        name="transfer_complete",
    ),
    path("<int:pk>/branches/new/<slug:kind>/", views_branches.branch_start, name="branch_start"),
    path("<int:pk>/branches/<int:branch_id>/", views_branches.branch_detail, name="branch"),
    path(
        "<int:pk>/branches/<int:branch_id>/do/<slug:action>/",
        views_branches.branch_step,
        name="branch_step",
    ),
    path("<int:pk>/decision-preview/", views.decision_preview, name="decision_preview"),
    path(
        "<int:pk>/decision-preview.pdf",
        views.decision_preview,
        {"as_pdf": True},
        name="decision_preview_pdf",
    ),
]
