"""axe-core in the browser tests (vendored under ``tests/browser/vendor``; never served by the app)."""

from __future__ import annotations

import json
from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
SERIOUS = {"serious", "critical"}


def axe_violations(page, *, impacts=SERIOUS) -> list[dict]:
    """Run axe-core on the page as it is now; the violations of the given impacts."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Served from this site's origin by the test itself, so the page's CSP ('self') lets it run.
        origin = page.evaluate("location.origin")
        page.route(f"{origin}/__axe-core.js", lambda route: route.fulfill(path=str(AXE)))
        page.add_script_tag(url=f"{origin}/__axe-core.js")
    result = page.evaluate(
        "async () => JSON.stringify(await axe.run(document, {resultTypes: ['violations']}))"
    )
    violations = json.loads(result)["violations"]
    return [v for v in violations if v.get("impact") in impacts]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [", ".join(n["target"]) for n in v["nodes"][:5]]
        lines.append(f"{v['impact']} {v['id']}: {v['help']} — {targets}")
    return "\n".join(lines)
