"""The database, keys, fixture data and one API token per role for the schemathesis pass
(tools/schemathesis-run.sh, ADR 0078).

``prepare`` runs in one ``manage.py shell`` on a fresh SQLite database (one Django start-up
instead of four): ``migrate`` — or, when a copy migrated by the same migration files is cached,
that copy and a no-op ``migrate`` (migrating from nothing is about 35 s of CPU, the largest part
of the set-up) — then the ledger keys and the signing CA, then ``build``.

``build`` makes the hostile-input test's worlds (sanxiang/api/tests/test_bad_input.py) so that
generated requests reach real rows of every router: inspections and cases, a legal review, a
publication and an error report, an archive unit and a disposal appraisal with a legal hold, an
appeal and a criminal transfer, an evaluation campaign, a certificate application, an
assessment sheet and a 督办 notice, a borrow request, a complaint, licensing applications and a
licence, a procedure branch. Each role's token holder works at the provincial bureau, so its
scope takes in both the province's own rows (licensing, evaluation) and sub-bureau A's. Two
shortcuts keep it small, neither visible to the fuzzed server's checks: passwords are hashed
with MD5 while building (argon2 is about 0.8 s per account and these accounts sign in by token
only) and the world's documents are issued as rendered HTML instead of typeset PDF, as the
hostile-input test does (the disposal world still typesets its unit's, which filing opens).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import shutil
import sys
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import override_settings

from sanxiang.api.tokens import ALL_SCOPES, api_token_create
from sanxiang.core.audit import audit_context
from sanxiang.org.roles import Role
from sanxiang.testing import factories
from sanxiang.testing import front_door_worlds as front_door

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def province() -> dict:
    national = factories.agency(name="国家局（接口测试）", short="国")
    provincial = factories.agency(parent=national, name="接口测试省局", short="测")
    sub_a = factories.agency(parent=provincial, name="接口测试省局甲分局", short="甲")
    sub_b = factories.agency(parent=provincial, name="接口测试省局乙分局", short="乙")
    return {"national": national, "provincial": provincial, "a": sub_a, "b": sub_b}


def migrations_digest() -> str:
    """A digest of every migration file on disk (the project's and the installed apps'), naming
    the migrated database a cached copy may stand in for."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    digest = hashlib.sha256()
    for key in sorted(loader.disk_migrations):
        digest.update(repr(key).encode())
        digest.update(
            Path(inspect.getfile(sys.modules[loader.disk_migrations[key].__module__])).read_bytes()
        )
    return digest.hexdigest()[:16]


def migrate(cache_dir: str | None) -> None:
    database = Path(settings.DATABASES["default"]["NAME"])
    cached = Path(cache_dir) / f"migrated-{migrations_digest()}.sqlite3" if cache_dir else None
    if cached is not None and cached.exists() and not database.exists():
        shutil.copyfile(cached, database)
    call_command("migrate", interactive=False, verbosity=0)
    if cached is not None and not cached.exists():
        connections.close_all()
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")
        shutil.copyfile(database, partial)
        partial.replace(cached)


def prepare(out_path: str, cache_dir: str | None = None) -> dict[str, str]:
    """Also writes the OpenAPI document beside ``out_path`` (``openapi.json``): the server would
    build the same one, slowly under load, once per request for it."""
    from ninja.responses import NinjaJSONEncoder

    from sanxiang.api.api import api

    with open(Path(out_path).with_name("openapi.json"), "w", encoding="utf-8") as handle:
        json.dump(api.get_openapi_schema(), handle, cls=NinjaJSONEncoder)
    migrate(cache_dir)
    with open(Path(out_path).with_suffix(".keys.log"), "w", encoding="utf-8") as log:
        call_command("ledger_keys", stdout=log)
        call_command("signing_ca", stdout=log)
    return build(out_path)


def build(out_path: str) -> dict[str, str]:
    with (
        audit_context(channel="command"),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        mock.patch("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf),
    ):
        agencies = province()
        sub = agencies["a"]
        case_id = factories.enforcement_world(province=agencies)["case_id"]
        factories.review_world(province=agencies)
        factories.error_report_world(province=agencies)  # with its publication
        factories.disposal_world(province=agencies)  # with its archive unit
        factories.appeal_world(case_id=case_id)
        factories.evaluation_world(province=agencies)
        factories.supervision_world(province=agencies, case_id=case_id)
        factories.borrow_request(requester=factories.officer(agency=sub))
        front_door.complaint_world(province=agencies)
        front_door.licensing_world(province=agencies)
        front_door.branch_world(province=agencies)
        officer = factories.officer(agency=sub)
        factories.person(agency=sub)
        recording = factories.recording(actor=officer)
        factories.retrieval(recording=recording, requester=factories.officer(agency=sub))
        tokens = {}
        for role in Role:
            holder = factories.staff(
                agency=agencies["provincial"], roles=[role], username=f"schemathesis_{role}"
            )
            _token, raw = api_token_create(
                actor=holder, name="接口模糊测试", scopes=sorted(ALL_SCOPES), valid_days=1
            )
            tokens[str(role)] = raw
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(tokens, handle)
    return tokens


if __name__ == "__main__":  # pragma: no cover - run through manage.py shell
    prepare(sys.argv[1])
