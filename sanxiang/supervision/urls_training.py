"""Pages of BZ-3 (training, certificates' applications and 年审, legal qualification)."""

from django.urls import path

from .training import views

urlpatterns = [
    path("training/", views.training_home, name="training_home"),
    path("training/new/", views.training_create, name="training_create"),
    path("training/<int:pk>/evidence/", views.training_evidence, name="training_evidence"),
    path("training/requirement/", views.requirement_set, name="requirement_set"),
    path("certificates/applications/", views.application_list, name="application_list"),
    path("certificates/applications/new/", views.application_create, name="application_create"),
    path(
        "certificates/applications/<int:pk>/decide/",
        views.application_decide,
        name="application_decide",
    ),
    path("certificates/reviews/", views.review_list, name="review_list"),
    path("certificates/reviews/new/", views.review_create, name="review_create"),
    path("qualifications/", views.qualification_list, name="qualification_list"),
    path("qualifications/new/", views.qualification_create, name="qualification_create"),
    path(
        "qualifications/<int:pk>/evidence/",
        views.qualification_evidence,
        name="qualification_evidence",
    ),
]
