from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("", views.transparency, name="transparency"),
    path("checkpoint.txt", views.latest_checkpoint_note, name="checkpoint_latest"),
    path("checkpoints/<int:size>.txt", views.checkpoint_note, name="checkpoint_note"),
    path("checkpoints.json", views.checkpoint_export, name="checkpoint_export"),
    path("keys.txt", views.verifier_keys, name="verifier_keys"),
]
