"""URLs of disposal (ADR 0130), added to the archive's (namespace ``archive``)."""

from django.urls import path

from . import views_disposal as views

urlpatterns = [
    path("disposal/", views.disposal_home, name="disposal_home"),
    path("disposal/appraise/", views.appraisal_new, name="appraisal_new"),
    path("disposal/<int:pk>/", views.appraisal_detail, name="appraisal_detail"),
    path("disposal/<int:pk>/decide/", views.appraisal_decide, name="appraisal_decide"),
    path("disposal/<int:pk>/execute/", views.appraisal_execute, name="appraisal_execute"),
    path("disposal/tombstones/", views.tombstone_list, name="tombstone_list"),
    path("<int:pk>/hold/", views.hold_new, name="hold_new"),
    path("holds/<int:pk>/release/", views.hold_release, name="hold_release"),
]
