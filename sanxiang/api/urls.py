from django.urls import path

from . import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.token_list, name="list"),
    path("issue/", views.token_issue, name="issue"),
    path("issue-device/", views.device_token_issue, name="issue_device"),
    path("<int:token_id>/revoke/", views.token_revoke, name="revoke"),
]
