"""The schemathesis pass (tools/schemathesis-run.sh, ADR 0078) fuzzes each router with the token
of the role that works with it, as listed in tools/schemathesis-roles.txt. A router added later
must be given to a role there, or it would silently never be fuzzed."""

from __future__ import annotations

from pathlib import Path

from sanxiang.api.api import api
from sanxiang.org.roles import Role

ROLES_FILE = Path(__file__).resolve().parents[3] / "tools" / "schemathesis-roles.txt"


def role_tags() -> dict[str, list[str]]:
    """The table as the script reads it: ``role|tag,tag`` per line, ``#`` comments."""
    table = {}
    for line in ROLES_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        role, tags = line.split("|")
        table[role.strip()] = [tag.strip() for tag in tags.split(",") if tag.strip()]
    return table


def operation_tags() -> dict[str, set[str]]:
    schema = api.get_openapi_schema()
    tags: dict[str, set[str]] = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for tag in operation.get("tags") or ["(no tag)"]:
                tags.setdefault(tag, set()).add(f"{method.upper()} {path}")
    return tags


def test_every_operation_is_fuzzed_by_some_role():
    covered = {tag for tags in role_tags().values() for tag in tags}
    missing = {tag: sorted(ops)[:3] for tag, ops in operation_tags().items() if tag not in covered}
    assert not missing, f"give these routers to a role in {ROLES_FILE.name}: {missing}"


def test_roles_file_names_real_roles_and_tags_once():
    table = role_tags()
    assert set(table) <= {str(role) for role in Role}
    named = [tag for tags in table.values() for tag in tags]
    assert len(named) == len(set(named)), "a router is fuzzed by one role"
    assert set(named) <= set(operation_tags()), "a tag in the roles file names no router"
