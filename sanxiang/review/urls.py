from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.home, name="home"),
    path("all/", views.review_list, name="list"),
    path("statistics/", views.statistics, name="statistics"),
    path("submit/<int:proposal_pk>/", views.review_submit, name="submit"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/do/<slug:action>/", views.review_step, name="step"),
    path("<int:pk>/documents/<int:document_pk>.pdf", views.document_pdf, name="document_pdf"),
]
