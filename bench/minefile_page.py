#!/usr/bin/env python3
"""The mine's file (一矿一档, ADR 0126) with thousands of events: page time and query count.

Not run by the test suite; results go to the report (the lead merges them into
docs/benchmarks.md). Builds, in a throw-away SQLite database, one mine with a decided case and an
open inspection made through the services, then clones ``--per-kind`` findings, recordings and
documents of it with ``bulk_create`` (a benchmark's shortcut: the rows are what the services
write, without their ledger events), and measures through Django's test client, best of
``--runs``: the first page, a deep page, one kind, and the CSV export of every event.

Usage (from the project root)::

    .venv/bin/python bench/minefile_page.py --per-kind 1000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="sanxiang-bench-minefile-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)

    from sanxiang.documents import services as documents
    from sanxiang.documents.models import Document
    from sanxiang.evidence.models import Recording
    from sanxiang.inspections.models import Finding
    from sanxiang.ledger import keys
    from sanxiang.registry.timeline import MineTimeline
    from sanxiang.testing import factories
    from sanxiang.testing.auth import sign_in

    keys.ensure_keys()
    documents.render_pdf = factories.html_instead_of_pdf
    national = factories.agency(name="国家局（基准）", short="国")
    provincial = factories.agency(parent=national, name="基准省局", short="基")
    sub = factories.agency(parent=provincial, name="基准分局", short="分")
    factories.enforcement_catalogs(agency=provincial)
    crew = [factories.officer(agency=sub), factories.officer(agency=sub)]
    head = factories.head(agency=sub)
    mine = factories.mine(agency=sub)
    factories.decided_case(officers=crew, head=head, mine=mine)
    visit = factories.inspection(
        plan=factories.inspection_plan(officers=crew, mine=mine, head=head)
    )
    factories.finding(inspection=visit)
    factories.recording(actor=crew[0], subject=mine, title="基准记录")

    def clone(model, **reset):
        original = model.objects.filter(**reset.pop("where")).first()
        rows = []
        for _n in range(args.per_kind):
            row = model.objects.get(pk=original.pk)
            row.pk = None
            for name, value in reset.items():
                setattr(row, name, value)
            rows.append(row)
        model.objects.bulk_create(rows, batch_size=500)

    clone(Finding, where={"inspection": visit})
    clone(Recording, where={"subject_type": "registry.coalmine"})
    clone(Document, where={"subject_type": "cases.case"}, number=None)

    viewer = factories.head(agency=provincial)
    client = Client()
    sign_in(client, viewer)
    total = MineTimeline(user=viewer, mine=mine).count()
    base = f"/registry/mines/{mine.pk}/"
    print(f"mine with {total} events (SQLite, {args.runs} runs, best)")
    for label, url in (
        ("first page", base + "file/"),
        ("page 20", base + "file/?page=20"),
        ("one kind (documents), page 1", base + "file/?kind=document"),
        ("CSV export, every event", base + "file.csv"),
    ):
        times, queries = [], 0
        for _run in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(captured)
        print(f"  {label:32s} {min(times) * 1000:8.1f} ms  {queries:3d} queries")


if __name__ == "__main__":
    main()
