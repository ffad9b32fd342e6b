"""Fixture data and one API token per role for the schemathesis pass (tools/schemathesis-run.sh).

Run inside ``manage.py shell`` on a fresh SQLite database: it builds the same small world the
hostile-input test uses (agencies, staff of every role, a mine, a person, a device and a
recording, an inspection and a case, a legal review and a publication) so that generated
requests reach real objects, then issues each role a token carrying every scope and writes
``{role: raw token}`` as JSON to the path given.
"""

from __future__ import annotations

import json
import sys

from sanxiang.api.tokens import ALL_SCOPES, api_token_create
from sanxiang.core.audit import audit_context
from sanxiang.org.roles import Role
from sanxiang.testing import factories


def province() -> dict:
    national = factories.agency(name="国家局（接口测试）", short="国")
    provincial = factories.agency(parent=national, name="接口测试省局", short="测")
    sub_a = factories.agency(parent=provincial, name="接口测试省局甲分局", short="甲")
    sub_b = factories.agency(parent=provincial, name="接口测试省局乙分局", short="乙")
    return {"national": national, "provincial": provincial, "a": sub_a, "b": sub_b}


def build(out_path: str) -> dict[str, str]:
    with audit_context(channel="command"):
        agencies = province()
        sub = agencies["a"]
        factories.enforcement_world(province=agencies)
        factories.review_world(province=agencies)
        factories.publication_world(province=agencies)
        officer = factories.officer(agency=sub)
        factories.person(agency=sub)
        recording = factories.recording(actor=officer)
        factories.retrieval(recording=recording, requester=factories.officer(agency=sub))
        tokens = {}
        for role in Role:
            holder = factories.staff(agency=sub, roles=[role], username=f"schemathesis_{role}")
            _token, raw = api_token_create(
                actor=holder, name="接口模糊测试", scopes=sorted(ALL_SCOPES), valid_days=1
            )
            tokens[str(role)] = raw
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(tokens, handle)
    return tokens


if __name__ == "__main__":  # pragma: no cover - run through manage.py shell
    build(sys.argv[1])
