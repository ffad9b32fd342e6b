"""Staff pages of 投诉举报 (/complaints/)."""

from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.complaint_register, name="register"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/take/", views.complaint_take, name="take"),
    path("<int:pk>/escalate/", views.complaint_escalate, name="escalate"),
    path("<int:pk>/decline/", views.complaint_decline, name="decline"),
    path("<int:pk>/assign/", views.complaint_assign, name="assign"),
    path("<int:pk>/transfer/", views.complaint_transfer, name="transfer"),
    path("<int:pk>/verify/", views.complaint_verify, name="verify"),
    path("<int:pk>/inspection/", views.complaint_convert, name="convert"),
    path("<int:pk>/reply/", views.complaint_reply, name="reply"),
    path("<int:pk>/reward/", views.complaint_reward, name="reward"),
    path("files/<int:pk>", views.file_view, name="file"),
    path("files/<int:pk>/adopt/", views.file_adopt, name="file_adopt"),
]
