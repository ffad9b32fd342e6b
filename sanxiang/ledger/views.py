"""Public transparency pages: the signed checkpoints and the keys to check them. No login.

These pages are what the public and the superior agency hold the agency to: anyone can
save a checkpoint today and check tomorrow, with tools/sanxiang_verify.py, that the log
still extends it. They show nothing but checkpoints and public keys.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from . import cosigning, keys, rotation, selectors, witness
from .cosignature import witness_verifier
from .models import WitnessConflict, WitnessedLog
from .services import ledger_hasher

TEXT = "text/plain; charset=utf-8"
RECENT = 20


def _text(body: str, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type=TEXT)
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def transparency(request):
    latest = selectors.checkpoint_latest()
    return render(
        request,
        "ledger/transparency.html",
        {
            "latest": latest,
            "recent": selectors.checkpoint_list()[:RECENT],
            "keys": keys.published_keys(),
            "retired_keys": keys.retired_keys(),
            "cosignatures": list(latest.cosignatures.all()) if latest else [],
            "witness_key": witness_verifier(),
            "witnessed_logs": WitnessedLog.objects.all(),
            "witness_conflicts": WitnessConflict.objects.select_related("log")[:RECENT],
            "origin": settings.SANXIANG_LEDGER_ORIGIN,
            "hash_name": ledger_hasher().name,
        },
    )


@require_safe
def latest_checkpoint_note(request):
    latest = selectors.checkpoint_latest()
    if latest is None:
        raise Http404
    return _text(cosigning.cosigned_note(latest), "checkpoint.txt")


@require_safe
def checkpoint_note(request, size: int):
    try:
        checkpoint = selectors.checkpoint_get(tree_size=size)
    except selectors.LedgerLookupError:
        raise Http404 from None
    return _text(cosigning.cosigned_note(checkpoint), f"checkpoint-{size}.txt")


@require_safe
def verifier_keys(request):
    return _text(keys.verifier_key_file(), "sanxiang-keys.txt")


@require_safe
def checkpoint_export(request):
    """Every checkpoint with the keys and hash, as one file to archive or send upward."""
    checkpoints = [
        {
            "tree_size": size,
            "root_hash": bytes(root).hex(),
            "created_at": created.isoformat(),
            "note": note,
        }
        for size, root, created, note in selectors.checkpoint_list()
        .reverse()
        .values_list("tree_size", "root_hash", "created_at", "note")
    ]
    response = JsonResponse(
        {
            "origin": settings.SANXIANG_LEDGER_ORIGIN,
            "hash": ledger_hasher().name,
            "verifier_keys": [key.vkey for key in keys.published_keys()],
            "checkpoints": checkpoints,
        },
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
    response["Content-Disposition"] = 'attachment; filename="sanxiang-checkpoints.json"'
    return response


@require_safe
def rotation_statement(request, number: int):
    """A key rotation statement, signed by the retired and the new keys (ADR 0190)."""
    for found, note in rotation.statements():
        if found == number:
            return _text(note, f"key-rotation-{number:04d}.txt")
    raise Http404


@csrf_exempt
@require_POST
def witness_add_checkpoint(request):
    """c2sp.org/tlog-witness ``add-checkpoint``: no login, no cookie — the checkpoint's own
    signature authenticates the request; answers are plain text as the spec prescribes."""
    reply = witness.add_checkpoint(request.body)
    return HttpResponse(reply.body, status=reply.status, content_type=reply.content_type)


@require_safe
def witness_key(request):
    """This instance's witness key, for the logs that want it to cosign (ADR 0191)."""
    verifier = witness_verifier()
    if verifier is None:
        raise Http404
    return _text(verifier.vkey() + "\n", "witness-key.txt")
