"""Proofs from the API and the CLI verify with tools/sanxiang_verify.py run isolated (JL-USE-3).

The tool runs as a subprocess with ``python -I`` from a temporary directory: it sees nothing
of the project but the JSON the API returned and the public keys the public page offers.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from sanxiang.ledger import selectors, services
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import Agency
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

INCLUSION_FIELDS = {"hash", "leaf_index", "tree_size", "entry", "leaf_hash", "proof", "checkpoint"}
CONSISTENCY_FIELDS = {"hash", "old_checkpoint", "new_checkpoint", "proof"}


@pytest.fixture
def staff_client(officer) -> Client:
    client = Client()
    sign_in(client, officer)
    return client


@pytest.fixture
def two_checkpoints(mines, province):
    """Checkpoints at the current size and after five more mines."""
    old = services.checkpoint_sign()
    for _ in range(5):
        factories.mine(agency=province["b"])
    return old, services.checkpoint_sign()


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


def _readable_seq() -> int:
    """An entry the officer of sub-bureau A may read: the registration of one of its mines."""
    return LedgerEntry.objects.filter(action="mine.create").order_by("seq").first().seq


def _other_agency_seq() -> int:
    """An entry the officer of sub-bureau A may not read: the registration of sub-bureau B."""
    sub_b = Agency.objects.get(name="测试省局乙分局")
    return LedgerEntry.objects.get(action="agency.create", object_id=str(sub_b.pk)).seq


def test_inclusion_proofs_from_the_api_verify_with_the_standalone_tool(
    staff_client, officer, two_checkpoints, run_tool
):
    """ADR 0065: the body comes with the proof only for whoever may read the record; the leaf
    hash alone verifies the same with the standalone tool, for anyone, signed in or not."""
    old, new = two_checkpoints
    other = _other_agency_seq()
    cases = [(other, None), (_readable_seq(), None), (new.tree_size, None), (3, old.tree_size)]
    for client in (staff_client, Client()):
        for seq, size in cases:
            query = f"seq={seq}" + (f"&size={size}" if size else "")
            response = client.get(f"/api/ledger/proofs/inclusion?{query}")
            assert response.status_code == 200, response.content
            proof = response.json()
            entry = LedgerEntry.objects.get(seq=seq)
            readable = client is staff_client and selectors.entry_readable(officer, entry)
            assert set(proof) == (INCLUSION_FIELDS if readable else INCLUSION_FIELDS - {"entry"})
            assert proof["leaf_index"] == seq - 1 and proof["tree_size"] == (size or new.tree_size)
            assert proof["leaf_hash"] == bytes(entry.leaf_hash).hex()
            if readable:
                assert proof["entry"] == entry.body
            result = run_tool("inclusion", proof)
            assert result.returncode == 0, result.stderr
            assert f"叶子 {seq - 1}" in result.stdout
    # Sub-bureau B's registration is not the officer's to read; his mine's entry is.
    assert not selectors.entry_readable(officer, LedgerEntry.objects.get(seq=other))
    assert selectors.entry_readable(officer, LedgerEntry.objects.get(seq=_readable_seq()))


def test_consistency_proof_from_the_api_verifies_with_the_standalone_tool(
    staff_client, two_checkpoints, run_tool
):
    old, new = two_checkpoints
    response = staff_client.get(
        f"/api/ledger/proofs/consistency?from={old.tree_size}&to={new.tree_size}"
    )
    assert response.status_code == 200, response.content
    proof = response.json()
    assert set(proof) == CONSISTENCY_FIELDS
    assert (proof["old_checkpoint"], proof["new_checkpoint"]) == (old.note, new.note)
    result = run_tool("consistency", proof)
    assert result.returncode == 0, result.stderr
    assert f"从 {old.tree_size} 条到 {new.tree_size} 条" in result.stdout


def _flip(hex_string: str) -> str:
    return ("0" if hex_string[0] != "0" else "1") + hex_string[1:]


def test_corrupted_api_proofs_fail_in_the_standalone_tool(staff_client, two_checkpoints, run_tool):
    old, new = two_checkpoints
    inclusion = staff_client.get(f"/api/ledger/proofs/inclusion?seq={_readable_seq()}").json()
    consistency = staff_client.get(
        f"/api/ledger/proofs/consistency?from={old.tree_size}&to={new.tree_size}"
    ).json()
    entry = json.loads(inclusion["entry"])
    corruptions = [
        (
            "inclusion",
            dict(inclusion, proof=[_flip(inclusion["proof"][0]), *inclusion["proof"][1:]]),
        ),
        ("inclusion", dict(inclusion, proof=inclusion["proof"][:-1])),
        ("inclusion", dict(inclusion, leaf_index=inclusion["leaf_index"] + 1)),
        ("inclusion", dict(inclusion, entry=json.dumps(dict(entry, actor="他人")))),
        ("inclusion", dict(inclusion, checkpoint=old.note)),
        ("consistency", dict(consistency, proof=[_flip(consistency["proof"][0])])),
        ("consistency", dict(consistency, old_checkpoint=new.note, new_checkpoint=old.note)),
    ]
    for command, payload in corruptions:
        result = run_tool(command, payload)
        assert result.returncode == 1, (command, payload, result.stdout)
        assert "验证失败" in result.stderr


def test_entry_endpoint_returns_the_hashed_body_without_personal_data(staff_client, province):
    person = factories.person(agency=province["a"], id_number="11010519491231002X")
    entry = LedgerEntry.objects.get(object_type="registry.person", object_id=str(person.pk))
    response = staff_client.get(f"/api/ledger/entries/{entry.seq}")
    assert response.status_code == 200
    data = response.json()
    assert data["body"] == entry.body and data["action"] == "person.create"
    assert data["action_label"] == "登记自然人"
    hasher = services.ledger_hasher()
    assert data["leaf_hash"] == hasher.leaf(entry.body.encode()).hex()
    assert person.id_number not in response.content.decode()
    assert person.phone not in data["body"] and person.name not in data["body"]


def test_entries_need_a_login_proofs_checkpoints_and_keys_do_not(two_checkpoints):
    anonymous = Client()
    assert _problem(anonymous.get("/api/ledger/entries/1"), 401)["title"] == "未登录或令牌无效。"
    proof = anonymous.get("/api/ledger/proofs/inclusion?seq=1")
    assert proof.status_code == 200 and "entry" not in proof.json()
    consistency = anonymous.get(
        f"/api/ledger/proofs/consistency?from={two_checkpoints[0].tree_size}"
        f"&to={two_checkpoints[1].tree_size}"
    )
    assert consistency.status_code == 200 and set(consistency.json()) == CONSISTENCY_FIELDS
    latest = anonymous.get("/api/ledger/checkpoints/latest")
    assert latest.status_code == 200 and latest.json()["note"] == two_checkpoints[1].note
    listing = anonymous.get("/api/ledger/checkpoints").json()
    assert [c["tree_size"] for c in listing["items"]] == [
        two_checkpoints[1].tree_size,
        two_checkpoints[0].tree_size,
    ]
    keys = anonymous.get("/api/ledger/keys").json()
    assert {k["algorithm"] for k in keys} == {"sm2", "ed25519"}
    assert all(k["pem"].startswith("-----BEGIN PUBLIC KEY-----") for k in keys)


def test_the_schema_documents_the_public_proof_as_optionally_authenticated():
    """Credentials are optional (``{}`` beside the schemes), as the endpoint behaves: the
    schemathesis pass (ADR 0078) otherwise reads its anonymous 200 as ignored authentication."""
    from sanxiang.api.api import api

    operation = api.get_openapi_schema()["paths"]["/api/ledger/proofs/inclusion"]["get"]
    assert {} in operation["security"] and len(operation["security"]) > 1
    entry = api.get_openapi_schema()["paths"]["/api/ledger/entries/{seq}"]["get"]
    assert {} not in entry["security"]


def test_bad_proof_requests_get_chinese_problems(staff_client, two_checkpoints):
    old, new = two_checkpoints
    size = new.tree_size
    missing = _problem(staff_client.get("/api/ledger/entries/999999"), 404)["title"]
    assert "没有序号为 999999" in missing
    # Another agency's entry answers as a missing one would (ADR 0065).
    other = _other_agency_seq()
    assert _problem(staff_client.get(f"/api/ledger/entries/{other}"), 404)[
        "title"
    ] == missing.replace("999999", str(other))
    assert (
        "没有序号为"
        in _problem(staff_client.get("/api/ledger/proofs/inclusion?seq=999999"), 404)["title"]
    )
    assert (
        "没有树大小为 3 的检查点"
        in _problem(staff_client.get("/api/ledger/proofs/inclusion?seq=1&size=3"), 404)["title"]
    )
    assert (
        "不在树大小为"
        in _problem(
            staff_client.get(f"/api/ledger/proofs/inclusion?seq={size}&size={old.tree_size}"), 422
        )["title"]
    )
    assert (
        "旧树大小不能大于新树大小"
        in _problem(
            staff_client.get(f"/api/ledger/proofs/consistency?from={size}&to={old.tree_size}"), 422
        )["title"]
    )
    errors = _problem(staff_client.get("/api/ledger/proofs/consistency?from=abc"), 422)["errors"]
    assert {e["field"] for e in errors} == {"from", "to"}
    errors = _problem(staff_client.get("/api/ledger/proofs/inclusion?seq=0"), 422)["errors"]
    assert errors == [{"field": "seq", "message": "应不小于 1。"}]


def test_entry_not_yet_under_a_checkpoint_is_a_conflict(staff_client, two_checkpoints, province):
    factories.mine(agency=province["a"])
    seq = LedgerEntry.objects.count()
    body = _problem(staff_client.get(f"/api/ledger/proofs/inclusion?seq={seq}"), 409)
    assert "尚未被已签署的检查点覆盖" in body["title"]
    with pytest.raises(CommandError, match="尚未被已签署的检查点覆盖"):
        call_command("ledger_prove", "inclusion", "--seq", str(seq))


def test_cli_prints_the_same_proofs_as_the_api(staff_client, two_checkpoints, run_tool, capsys):
    old, new = two_checkpoints
    # Sub-bureau B's registration: the operator's command prints its body, the API gives the
    # officer of A the same proof without it; his own mine's entry he gets in full.
    for seq, readable in ((_other_agency_seq(), False), (_readable_seq(), True)):
        call_command("ledger_prove", "inclusion", "--seq", str(seq), "--size", str(old.tree_size))
        cli = json.loads(capsys.readouterr().out)
        api = staff_client.get(f"/api/ledger/proofs/inclusion?seq={seq}&size={old.tree_size}")
        assert cli == (api.json() if readable else {**api.json(), "entry": cli["entry"]})
        assert run_tool("inclusion", cli).returncode == 0

    call_command(
        "ledger_prove", "consistency", "--from", str(old.tree_size), "--to", str(new.tree_size)
    )
    cli = json.loads(capsys.readouterr().out)
    query = f"from={old.tree_size}&to={new.tree_size}"
    assert cli == staff_client.get(f"/api/ledger/proofs/consistency?{query}").json()
    assert run_tool("consistency", cli).returncode == 0
