from django.urls import path

from . import tus, upload_views, views

app_name = "evidence"
urlpatterns = [
    path("", views.recording_list, name="recording_list"),
    path("recordings/new/", upload_views.recording_upload, name="recording_upload"),
    path("recordings/new/form/", views.recording_upload_form, name="recording_upload_form"),
    path("recordings/<int:pk>/", views.recording_detail, name="recording_detail"),
    path("recordings/<int:pk>/edit/", views.recording_edit, name="recording_edit"),
    path("recordings/<int:pk>/custodian/", views.recording_custodian, name="recording_custodian"),
    path(
        "recordings/<int:pk>/confidentiality/",
        views.recording_confidentiality,
        name="recording_confidentiality",
    ),
    path("recordings/<int:pk>/redacted/", views.recording_redacted, name="recording_redacted"),
    path("recordings/<int:pk>/stream", views.recording_stream, name="recording_stream"),
    path("recordings/<int:pk>/download", views.recording_download, name="recording_download"),
    path("devices/", views.device_list, name="device_list"),
    path("devices/new/", views.device_create, name="device_create"),
    path("devices/<int:pk>/edit/", views.device_edit, name="device_edit"),
    path("retrievals/", views.retrieval_list, name="retrieval_list"),
    path("retrievals/new/", views.retrieval_create, name="retrieval_create"),
    path("retrievals/<int:pk>/decide/", views.retrieval_decide, name="retrieval_decide"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("uploads/", views.upload_list, name="upload_list"),
    path("uploads/check", upload_views.upload_check, name="upload_check"),
    path(
        "uploads/<str:upload_id>/recording", upload_views.upload_recording, name="upload_recording"
    ),
    path("receipt-keys.txt", views.receipt_keys, name="receipt_keys"),
    path("tus/", tus.tus_collection, name="tus_collection"),
    path("tus/<str:upload_id>", tus.tus_upload, name="tus_upload"),
    path("tus/<str:upload_id>/receipt", tus.tus_receipt, name="tus_receipt"),
]
