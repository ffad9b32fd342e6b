from django.urls import path

from . import letter_views, views

app_name = "inspections"
urlpatterns = [
    path("", views.home, name="home"),
    path("all/", views.inspection_list, name="inspection_list"),
    path("enforcement-plans/", views.enforcement_plan_list, name="enforcement_plan_list"),
    path("enforcement-plans/new/", views.enforcement_plan_create, name="enforcement_plan_create"),
    path(
        "enforcement-plans/<int:pk>/approve/",
        views.enforcement_plan_approve,
        name="enforcement_plan_approve",
    ),
    path("conflicts/", views.conflict_list, name="conflict_list"),
    path("conflicts/new/", views.conflict_create, name="conflict_create"),
    path("draws/", views.draw_list, name="draw_list"),
    path("draws/new/", views.draw_create, name="draw_create"),
    path("draws/<int:pk>/", views.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/exclusions/new/", views.draw_exclusion_add, name="draw_exclusion_add"),
    path("draws/<int:pk>/inputs.json", views.draw_inputs, name="draw_inputs"),
    path("draws/<int:pk>/<slug:step>/", views.draw_step, name="draw_step"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/return/", views.plan_return, name="plan_return"),
    path("plans/<int:pk>/open/", views.inspection_open, name="inspection_open"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<int:pk>/findings/new/", views.finding_add, name="finding_add"),
    path("<int:pk>/measures/new/", views.measure_add, name="measure_add"),
    path("<int:pk>/complete/", views.inspection_complete, name="inspection_complete"),
    path("<int:pk>/close/", views.inspection_close, name="inspection_close"),
    path("measures/<int:pk>/verify/", views.measure_verify, name="measure_verify"),
    path("documents/<int:pk>.pdf", views.document_pdf, name="document_pdf"),
    path("<int:pk>/letters/new/<slug:kind>/", letter_views.letter_create, name="letter_create"),
    path("letters/<int:pk>/", letter_views.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/preview.pdf", letter_views.letter_preview, name="letter_preview"),
    path("letters/<int:pk>/approve/", letter_views.letter_approve, name="letter_approve"),
    path("letters/<int:pk>/return/", letter_views.letter_return, name="letter_return"),
    path("letters/<int:pk>/reply/", letter_views.letter_reply, name="letter_reply"),
    path(
        "letters/<int:pk>/reply-file",
        letter_views.letter_reply_attachment,
        name="letter_reply_attachment",
    ),
]
