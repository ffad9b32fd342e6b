#!/usr/bin/env python3
"""The enforcement statistics page (issue 16, ADR 0170) on a province with ten years of records.

Not run by the test suite. On PostgreSQL (database ``statistics_bench`` or ``--database``,
dropped and re-created), builds a province (a provincial bureau and ``--subs`` sub-bureaus)
through the services — one decided and paid case, one inspection with a finding and a
time-limited measure — then clones those rows in SQL (``INSERT … SELECT … generate_series``, a
benchmark's shortcut: the rows are what the services write, without their ledger events) to
``--inspections`` inspections (and as many approved plans), 1.5 findings and 0.5 measures per
inspection, ``--cases`` cases (80 % decided, their penalty decisions with random 处罚种类, 60 % paid)
and ``--documents`` documents, spread over ten years and all agencies. Measured through Django's
test client as the provincial head: the statistics page for the current year, a quarter and a
month, and a sub-bureau's page, ``--runs`` times each (p50 / p95). Then every figure of the
year page's 合计 and each sub-bureau column is compared with a plain SQL count written by hand.

Usage (from the project root)::

    .venv/bin/python bench/supervision_statistics.py [--inspections 200000 --cases 50000 \
        --documents 500000 --runs 20] [--database statistics_bench]

``--database NAME`` builds in that database instead (dropped and re-created); ``--reuse`` measures
what a previous run left there (after migrating it), ``--recount`` with it rebuilds the count rows
first — for profiling one change after another without rebuilding the ten years.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql], check=True)


def _build(args):
    """The province through the services, then its ten years cloned in SQL."""
    from django.db import connection
    from django.utils import timezone

    from sanxiang.cases import execution
    from sanxiang.documents import services as documents
    from sanxiang.inspections import services as inspections
    from sanxiang.ledger import keys
    from sanxiang.org.models import Agency
    from sanxiang.testing import factories

    keys.ensure_keys()
    documents.render_pdf = factories.html_instead_of_pdf
    started = time.perf_counter()
    national = factories.agency(name="国家局（基准）", short="国")
    province = factories.agency(parent=national, name="基准省局", short="省")
    subs = [
        factories.agency(parent=province, name=f"基准第{i + 1}分局", short=f"分{i + 1}")
        for i in range(args.subs)
    ]
    factories.enforcement_catalogs(agency=province)
    sub = subs[0]
    crew = [factories.officer(agency=sub), factories.officer(agency=sub)]
    boss = factories.head(agency=sub)
    head = factories.head(agency=province, username="bench_province_head")
    for index in range(200):
        factories.mine(agency=subs[index % len(subs)], name=f"基准煤矿{index:03d}")
    mine = factories.mine(agency=sub, name="基准模板煤矿")
    case = factories.decided_case(officers=crew, head=boss, mine=mine, fine="20000")
    execution.service_record(
        actor=crew[0],
        case=case,
        served_on=timezone.localdate(),
        method="direct",
        recipient="矿长",
        officers=crew,
        identity_shown=True,
        shown_at=timezone.now(),
    )
    case.refresh_from_db()
    execution.payment_record(
        actor=crew[0], case=case, amount="20000", paid_on=timezone.localdate(), reference="B-1"
    )
    visit = factories.inspection(
        plan=factories.inspection_plan(officers=crew, mine=mine, head=boss)
    )
    found = factories.finding(inspection=visit)
    inspections.onsite_measure_take(
        actor=crew[0],
        inspection=visit,
        kind="rectify_within_limit",
        finding=found,
        content="限期整改（基准）。",
        days=10,
    )
    print(f"seed world through the services: {time.perf_counter() - started:.1f} s")

    agency_ids = list(
        Agency.objects.filter(path__startswith=province.path).values_list("pk", flat=True)
    )
    agencies_sql = "ARRAY[" + ",".join(map(str, agency_ids)) + "]"
    pick_agency = f"({agencies_sql})[(1 + (g * 7919) % {len(agency_ids)})::int]"
    day = "(CURRENT_DATE - ((g * 104729) % 3650)::int)"

    def clone(table: str, template_id: int, count: int, overrides: dict[str, str]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "ORDER BY ordinal_position",
                [table],
            )
            columns = [row[0] for row in cursor.fetchall()]
            values = [overrides.get(c, f'"{c}"') for c in columns]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(f'{chr(34)}{c}{chr(34)}' for c in columns)}) "
                f"SELECT {', '.join(values)} FROM {table}, generate_series(1::bigint, {count}) AS g "
                f"WHERE {table}.id = {template_id}"
            )
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )

    started = time.perf_counter()
    n = args.inspections
    base = 1_000_000
    clone(
        "inspections_inspectionplan",
        visit.plan_id,
        n,
        {"id": f"{base} + g", "agency_id": pick_agency, "planned_start": day, "planned_end": day},
    )
    clone(
        "inspections_inspection",
        visit.pk,
        n,
        {
            "id": f"{base} + g",
            "plan_id": f"{base} + g",
            "agency_id": pick_agency,
            "inspected_on": day,
            "status": "CASE WHEN g % 10 = 0 THEN 'completed' ELSE 'closed' END",
        },
    )
    clone(
        "inspections_finding",
        found.pk,
        n * 3 // 2,
        {
            "id": f"{base * 10} + g",
            "inspection_id": f"{base} + 1 + (g % {n})",
            "kind": "CASE WHEN g % 3 = 0 THEN 'violation' ELSE 'hazard' END",
            "is_major_hazard": "(g % 50 = 0)",
        },
    )
    clone(
        "inspections_onsitemeasure",
        visit.measures.get().pk,
        n // 2,
        {
            "id": f"{base} + g",
            "inspection_id": f"{base} + 1 + ((g * 2) % {n})",
            "finding_id": "NULL",
            "due_on": "(CURRENT_DATE - ((((g * 2 + 1) * 104729) % 3650)::int) + 10)",
            "verification": "CASE WHEN g % 5 = 0 THEN '' ELSE 'rectified' END",
            "verified_on": "CASE WHEN g % 5 = 0 THEN NULL ELSE (CURRENT_DATE - ((((g * 2 + 1) * 104729) % 3650)::int) + 5 + (g % 10)::int) END",
        },
    )
    c = args.cases
    decided = f"CASE WHEN g % 5 = 0 THEN NULL ELSE {day} + 40 END"
    clone(
        "cases_case",
        case.pk,
        c,
        {
            "id": f"{base} + g",
            "agency_id": pick_agency,
            "filed_on": day,
            "decided_on": decided,
            "closed_on": f"CASE WHEN g % 5 IN (0, 1) THEN NULL ELSE {day} + 90 END",
            "status": "CASE WHEN g % 5 = 0 THEN 'investigating' WHEN g % 5 = 1 THEN 'served' ELSE 'closed' END",
        },
    )
    kinds = 'ARRAY[\'["fine"]\',\'["warning"]\',\'["fine", "suspend_production"]\',\'["fine", "confiscate_gains"]\']'
    proposal = case.proposals.filter(kind="penalty", status="decided").get()
    clone(
        "cases_proposal",
        proposal.pk,
        c,
        {
            "id": f"{base} + g",
            "case_id": f"{base} + g",
            "status": "CASE WHEN g % 5 = 0 THEN 'pending' ELSE 'decided' END",
            "decided_at": f"CASE WHEN g % 5 = 0 THEN NULL ELSE ({day} + 40)::timestamptz + interval '10 hours' END",
            "content": f"jsonb_set(content::jsonb, '{{penalty_kinds}}', ({kinds})[(1 + g % 4)::int]::jsonb)",
        },
    )
    clone(
        "cases_payment",
        case.payments.get().pk,
        c * 3 // 5,
        {
            "id": f"{base} + g",
            "case_id": f"{base} + g",
            "paid_on": f"{day} + 60",
            "amount": "1000 + (g % 50) * 1000",
        },
    )
    clone(
        "documents_document",
        visit.record_document_id or case.decision_document_id,
        args.documents,
        {
            "id": f"{base * 10} + g",
            "number_id": "NULL",
            "content": "'{}'::jsonb",  # the rows' count matters here, not their text
            "agency_id": pick_agency,
            "issued_at": f"({day})::timestamptz + interval '9 hours'",
        },
    )
    print(f"cloned in SQL: {time.perf_counter() - started:.1f} s")
    # The SQL clones bypass the services, so their count rows (ADR 0172) are rebuilt once here,
    # as after a restore; a service write keeps them in step by itself.
    from sanxiang.supervision.statistics.counts import recount_all

    started = time.perf_counter()
    rows = recount_all()
    print(f"count rows rebuilt: {rows} in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return province, subs, head


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inspections", type=int, default=200_000)
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--documents", type=int, default=500_000)
    parser.add_argument("--subs", type=int, default=10)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database", default="statistics_bench", help="dropped and re-created")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the data a previous run left (no rebuild)"
    )
    parser.add_argument(
        "--recount", action="store_true", help="with --reuse: rebuild the count rows first"
    )
    args = parser.parse_args()
    DB = args.database
    if not args.reuse:
        _psql(f"DROP DATABASE IF EXISTS {DB}")
        _psql(f"CREATE DATABASE {DB}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    call_command("migrate", verbosity=0)

    from sanxiang.org.models import Agency
    from sanxiang.supervision.statistics import figures
    from sanxiang.testing.auth import sign_in

    if args.reuse:
        province = Agency.objects.get(name="基准省局")
        subs = list(province.children.order_by("path"))
        from django.contrib.auth import get_user_model

        head = get_user_model().objects.get(username="bench_province_head")
        if args.recount:
            from sanxiang.supervision.statistics.counts import recount_all

            started = time.perf_counter()
            rows = recount_all()
            print(f"count rows rebuilt: {rows} in {time.perf_counter() - started:.1f} s")
    else:
        province, subs, head = _build(args)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    load = os.getloadavg()

    client = sign_in(Client(), head)
    today = timezone.localdate()
    pages = {
        "year": figures.Period("year", today.year),
        "quarter": figures.Period("quarter", today.year, (today.month - 1) // 3 + 1),
        "month": figures.Period("month", today.year, today.month),
    }
    results = {}
    for label, period in pages.items():
        url = figures.page_url(province, period)
        client.get(url)  # warm
        times = []
        for _run in range(args.runs):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        results[label] = times
    url = figures.page_url(subs[0], pages["year"])
    times = []
    for _run in range(args.runs):
        t0 = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
    results["sub-bureau year"] = times

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM inspections_inspection")
        counts = {"inspections": cursor.fetchone()[0]}
        cursor.execute("SELECT count(*) FROM cases_case")
        counts["cases"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM documents_document")
        counts["documents"] = cursor.fetchone()[0]
    print("rows:", counts)
    after = os.getloadavg()[0]
    print(f"load average before / after the timed runs: {load[0]:.1f} / {after:.1f}")
    for label, times in results.items():
        times.sort()
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        print(f"{label:16s} p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms")

    # The figures against plain SQL written by hand.
    year = pages["year"]
    table = figures.compute(user=head, agency=province, period=year, today=today)
    start, end = year.start.isoformat(), year.end.isoformat()
    plain = {
        "inspections_done": "SELECT count(*) FROM inspections_inspection x JOIN org_agency a ON a.id = x.agency_id "
        "WHERE a.path LIKE %(p)s AND x.inspected_on BETWEEN %(s)s AND %(e)s",
        "inspections_closed": "SELECT count(*) FROM inspections_inspection x JOIN org_agency a ON a.id = x.agency_id "
        "WHERE a.path LIKE %(p)s AND x.inspected_on BETWEEN %(s)s AND %(e)s AND x.status = 'closed'",
        "plans_approved": "SELECT count(*) FROM inspections_inspectionplan x JOIN org_agency a ON a.id = x.agency_id "
        "WHERE a.path LIKE %(p)s AND x.planned_start BETWEEN %(s)s AND %(e)s AND x.status = 'approved'",
        "hazards_found": "SELECT count(*) FROM inspections_finding f JOIN inspections_inspection x ON x.id = f.inspection_id "
        "JOIN org_agency a ON a.id = x.agency_id WHERE a.path LIKE %(p)s AND x.inspected_on BETWEEN %(s)s AND %(e)s "
        "AND f.kind = 'hazard'",
        "rectifications_due": "SELECT count(*) FROM inspections_onsitemeasure m JOIN inspections_inspection x ON x.id = m.inspection_id "
        "JOIN org_agency a ON a.id = x.agency_id WHERE a.path LIKE %(p)s AND m.due_on BETWEEN %(s)s AND %(e)s",
        "rectified_on_time": "SELECT count(*) FROM inspections_onsitemeasure m JOIN inspections_inspection x ON x.id = m.inspection_id "
        "JOIN org_agency a ON a.id = x.agency_id WHERE a.path LIKE %(p)s AND m.due_on BETWEEN %(s)s AND %(e)s "
        "AND m.verification = 'rectified' AND m.verified_on <= m.due_on",
        "rectifications_overdue": "SELECT count(*) FROM inspections_onsitemeasure m JOIN inspections_inspection x ON x.id = m.inspection_id "
        "JOIN org_agency a ON a.id = x.agency_id WHERE a.path LIKE %(p)s AND m.due_on BETWEEN %(s)s AND %(e)s "
        "AND m.due_on < CURRENT_DATE AND NOT (m.verification = 'rectified' AND m.verified_on IS NOT NULL "
        "AND m.verified_on <= m.due_on)",
        "cases_filed": "SELECT count(*) FROM cases_case x JOIN org_agency a ON a.id = x.agency_id "
        "WHERE a.path LIKE %(p)s AND x.filed_on BETWEEN %(s)s AND %(e)s",
        "cases_decided": "SELECT count(*) FROM cases_case x JOIN org_agency a ON a.id = x.agency_id "
        "WHERE a.path LIKE %(p)s AND x.decided_on BETWEEN %(s)s AND %(e)s",
        "cases_closed": "SELECT count(*) FROM cases_case x JOIN org_agency a ON a.id = x.agency_id "
        "WHERE a.path LIKE %(p)s AND x.closed_on BETWEEN %(s)s AND %(e)s",
        "penalty_fine": "SELECT count(*) FROM cases_proposal x JOIN cases_case c ON c.id = x.case_id "
        "JOIN org_agency a ON a.id = c.agency_id WHERE a.path LIKE %(p)s AND x.kind = 'penalty' "
        "AND x.status = 'decided' AND (x.decided_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN %(s)s AND %(e)s "
        "AND x.content -> 'penalty_kinds' ? 'fine'",
        "fines_collected": "SELECT coalesce(sum(x.amount), 0) FROM cases_payment x JOIN cases_case c ON c.id = x.case_id "
        "JOIN org_agency a ON a.id = c.agency_id WHERE a.path LIKE %(p)s AND x.paid_on BETWEEN %(s)s AND %(e)s",
    }
    mismatches = 0
    checked = 0
    with connection.cursor() as cursor:
        for key, sql in plain.items():
            row = table.row(key)
            for column, cell in zip(table.columns, row.cells, strict=True):
                if column.kind == "own":
                    continue  # the province's own records: in 合计 minus the subordinates
                cursor.execute(sql, {"p": column.agency.path + "%", "s": start, "e": end})
                expected = cursor.fetchone()[0]
                checked += 1
                if float(expected) != float(cell.value):
                    mismatches += 1
                    print(f"MISMATCH {key} {column.agency.name}: page {cell.value}, SQL {expected}")
    print(f"figures checked against plain SQL: {checked}, mismatches: {mismatches}")
    print(
        f"year 合计: inspections {table.row('inspections_done').total.value}, "
        f"cases filed {table.row('cases_filed').total.value}, "
        f"overdue {table.row('rectifications_overdue').total.value}"
    )


if __name__ == "__main__":
    main()
