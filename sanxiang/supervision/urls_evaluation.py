"""Pages of 案卷评查 under /supervision/evaluation/ (ADR 0160)."""

from django.urls import path

from .evaluation import views

urlpatterns = [
    path("evaluation/", views.campaign_list, name="evaluation_campaigns"),
    path("evaluation/new/", views.campaign_new, name="evaluation_campaign_new"),
    path("evaluation/<int:pk>/", views.campaign_detail, name="evaluation_campaign"),
    path(
        "evaluation/<int:pk>/do/<slug:action>/",
        views.campaign_step,
        name="evaluation_campaign_step",
    ),
    path("evaluation/<int:pk>/inputs.json", views.campaign_inputs, name="evaluation_inputs"),
    path("evaluation/<int:pk>/report.pdf", views.campaign_report, name="evaluation_report"),
    path("evaluation/files/<int:pk>/", views.file_detail, name="evaluation_file"),
    path(
        "evaluation/files/<int:pk>/findings/new/", views.finding_add, name="evaluation_finding_add"
    ),
    path("evaluation/files/<int:pk>/score/", views.file_score, name="evaluation_file_score"),
    path("evaluation/files/<int:pk>/assign/", views.file_assign, name="evaluation_file_assign"),
    path(
        "evaluation/files/<int:pk>/rectify/",
        views.rectification_new,
        name="evaluation_rectification_new",
    ),
    path(
        "evaluation/findings/<int:pk>/decide/",
        views.finding_decide,
        name="evaluation_finding_decide",
    ),
    path(
        "evaluation/rectifications/",
        views.rectification_list,
        name="evaluation_rectifications",
    ),
    path(
        "evaluation/rectifications/<int:pk>/reply/",
        views.rectification_reply,
        name="evaluation_rectification_reply",
    ),
]
