"""The public transparency pages: no login, the checkpoint verbatim, keys, export (SH-RESP-5)."""

from __future__ import annotations

import html
import json

from django.test import Client

from sanxiang.ledger import keys, services
from sanxiang.ledger.checkpoint import NoteVerifier, open_checkpoint
from sanxiang.testing import factories


def test_page_before_any_checkpoint(db):
    response = Client().get("/transparency/")
    assert response.status_code == 200
    assert "尚未签署检查点" in response.content.decode()
    assert Client().get("/transparency/checkpoint.txt").status_code == 404


def test_page_shows_the_latest_note_verbatim_keys_and_how_to_verify(signed, province):
    older = signed
    factories.mine(agency=province["a"])
    latest = services.checkpoint_sign()
    response = Client().get("/transparency/")  # anonymous: no redirect to the login page
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index('<pre class="note" id="latest-note">') + len(
        '<pre class="note" id="latest-note">'
    )
    assert html.unescape(page[start : page.index("</pre>", start)]) == latest.note
    for key in keys.published_keys():
        assert key.vkey in page
        assert key.pem.strip() in page
    assert "sanxiang_verify.py inclusion --key keys.txt" in page
    assert f"{older.tree_size}.txt" in page and f"{latest.tree_size}.txt" in page
    assert "测试人员" not in page  # no entry content, only checkpoints and keys


def test_latest_checkpoint_text_verifies_with_the_standalone_tool(signed, run_tool):
    response = Client().get("/transparency/checkpoint.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    note = response.content.decode("utf-8")
    assert note == signed.note
    keys_response = Client().get("/transparency/keys.txt")
    assert keys_response["Content-Type"] == "text/plain; charset=utf-8"
    result = run_tool("checkpoint", note)
    assert result.returncode == 0, result.stderr
    assert f"树大小 tree size:   {signed.tree_size}" in result.stdout
    result = run_tool("checkpoint", note.replace(f"\n{signed.tree_size}\n", "\n1\n", 1))
    assert result.returncode == 1


def test_keys_file_is_what_the_tool_reads(signed, tmp_path, run_tool):
    text = Client().get("/transparency/keys.txt").content.decode()
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    verifiers = [NoteVerifier.from_vkey(line) for line in lines]
    assert {v.key.algorithm for v in verifiers} == {"sm2", "ed25519"}
    assert open_checkpoint(signed.note, verifiers).size == signed.tree_size
    path = tmp_path / "downloaded-keys.txt"
    path.write_text(text, encoding="utf-8")
    assert run_tool("checkpoint", signed.note, key=path).returncode == 0


def test_checkpoint_by_size(signed):
    response = Client().get(f"/transparency/checkpoints/{signed.tree_size}.txt")
    assert response.status_code == 200 and response.content.decode() == signed.note
    assert Client().get(f"/transparency/checkpoints/{signed.tree_size + 7}.txt").status_code == 404


def test_export_of_all_checkpoints(signed, province, settings):
    factories.mine(agency=province["a"])
    newer = services.checkpoint_sign()
    response = Client().get("/transparency/checkpoints.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["origin"] == settings.SANXIANG_LEDGER_ORIGIN and data["hash"] == "sm3"
    assert data["verifier_keys"] == [key.vkey for key in keys.published_keys()]
    assert [(c["tree_size"], c["note"]) for c in data["checkpoints"]] == [
        (signed.tree_size, signed.note),
        (newer.tree_size, newer.note),
    ]
    assert data["checkpoints"][0]["root_hash"] == bytes(signed.root_hash).hex()


def test_pages_only_answer_reads(signed):
    assert Client().post("/transparency/checkpoint.txt").status_code == 405
