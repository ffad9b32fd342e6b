from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("", views.transparency, name="transparency"),
    path("checkpoint.txt", views.latest_checkpoint_note, name="checkpoint_latest"),
    path("checkpoints/<int:size>.txt", views.checkpoint_note, name="checkpoint_note"),
    path("checkpoints.json", views.checkpoint_export, name="checkpoint_export"),
    path("keys.txt", views.verifier_keys, name="verifier_keys"),
    path("witness-key.txt", views.witness_key, name="witness_key"),
    path("witness/add-checkpoint", views.witness_add_checkpoint, name="witness_add_checkpoint"),
    path("rotations/<int:number>.txt", views.rotation_statement, name="rotation_statement"),
]
