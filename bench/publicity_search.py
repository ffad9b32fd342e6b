#!/usr/bin/env python3
"""Result-search benchmark (ADR 0050; not run by the test suite; results in docs/benchmarks.md).

Builds ``--records`` synthetic released results (default 1,000,000) in a throw-away database —
a temporary SQLite file, or a PostgreSQL database created and dropped here — and measures:

1. per query type, the server time of the portal's search (``public.result_search``: the
   capped count, one page of keys, the entries of the page as value objects), median and p95,
   against the time of the very same SQL executed raw on the same connection (captured from the
   selector's own queries), and the whole search page through Django's test client;
2. with ``--wrk``, the throughput of the search page under concurrent load from a separate
   process (wrk, random queries from a list) against gunicorn serving the project.

Only the search table is loaded (what a search reads); the synthetic rows name agencies and
mines that exist, publications and versions that do not (foreign keys are not checked while
loading). Text comes from phrase pools shaped like real 双公示 records, so some bigrams are in
almost every row (煤矿, 安全) and others in a few.

Usage (from the project root)::

    .venv/bin/python bench/publicity_search.py --db sqlite --records 1000000 --wrk
    .venv/bin/python bench/publicity_search.py --db postgres --records 1000000 --wrk \\
        --pg-admin-url postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_DATABASE = "sanxiang_bench_publicity"
PORT = 8766

PLACES = [
    "大同",
    "朔州",
    "忻州",
    "阳泉",
    "晋中",
    "吕梁",
    "长治",
    "晋城",
    "临汾",
    "运城",
    "太原",
    "古交",
    "孝义",
    "介休",
    "灵石",
    "霍州",
    "蒲县",
    "乡宁",
    "襄垣",
    "沁源",
    "左权",
    "寿阳",
    "平定",
    "盂县",
    "河曲",
    "保德",
    "宁武",
    "静乐",
    "岚县",
    "兴县",
    "柳林",
    "中阳",
    "交口",
    "石楼",
    "汾西",
    "洪洞",
    "古县",
    "安泽",
    "浮山",
    "翼城",
    "沁水",
    "阳城",
    "高平",
    "陵川",
    "泽州",
    "武乡",
    "屯留",
    "长子",
    "黎城",
    "壶关",
    "平顺",
    "潞城",
    "原平",
    "代县",
    "繁峙",
    "五台",
    "定襄",
]
BRANDS = [
    "安泰",
    "泰安",
    "恒达",
    "鑫源",
    "永兴",
    "金鼎",
    "华晋",
    "兴旺",
    "福盛",
    "龙泉",
    "宏远",
    "瑞丰",
    "裕丰",
    "昌盛",
    "正元",
    "聚鑫",
    "万通",
    "宝山",
    "长青",
    "东升",
    "汇源",
    "德胜",
    "新峰",
    "广源",
    "天和",
    "润发",
    "盛泰",
    "鸿运",
    "凯达",
    "利民",
    "同心",
    "金山",
    "银河",
    "东辉",
    "西岭",
    "南山",
    "北岳",
    "中兴",
    "泽润",
    "晋丰",
    "三元",
    "四通",
    "五岳",
    "六合",
    "七星",
    "八方",
    "九鼎",
    "百盛",
    "千禧",
    "万隆",
    "大地",
    "青云",
    "紫金",
    "黄河",
    "汾河",
    "沁河",
    "漳河",
]
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红文斌辉鹏飞宇浩凯健波宁雪琳晨阳峰俊亮"
PLACES_UNDER = (
    "井下",
    "采煤工作面",
    "掘进工作面",
    "回风巷",
    "运输大巷",
    "变电所",
    "水泵房",
    "炸药库",
    "主斜井",
    "副立井",
)
PROBLEMS = (
    "未按规定对从业人员进行安全生产教育和培训",
    "瓦斯检查工漏检、假检",
    "安全监控系统传感器设置不符合规定",
    "未按规定设置安全出口",
    "超层越界开采",
    "特种作业人员未持证上岗",
    "局部通风机未实现双风机双电源自动切换",
    "使用国家明令禁止使用的设备",
    "未按规定进行瓦斯抽采",
    "防治水工作未落实探放水措施",
    "顶板管理不到位，支护不及时",
    "未建立事故隐患排查治理制度",
    "井下电气设备失爆",
    "采掘工作面风量不足",
    "未按规定编制作业规程",
    "带式输送机保护装置不全",
    "爆破作业未执行一炮三检制度",
    "主要负责人未履行安全生产管理职责",
)
DETAILS = (
    "抽查作业人员{n}名，均无培训记录",
    "现场检查发现{n}处隐患未整改",
    "经调取监控数据，{n}个班次存在违规",
    "询问当事人，其承认违规事实",
    "经现场勘验，相关设备已停止运行",
    "查阅台账，缺少{n}个月的记录",
)
OUTCOMES = (
    "罚款人民币{n}万元",
    "警告，并处罚款人民币{n}万元",
    "责令停产整顿，并处罚款人民币{n}万元",
    "没收违法所得{n}万元",
)
CATEGORIES = (("penalty", 55), ("inspection", 25), ("coercive", 8), ("licensing", 7), ("other", 5))


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _setup_database(args) -> tuple[str, callable, Path | None]:
    if args.db == "sqlite":
        if args.reuse:
            raise SystemExit("--reuse works with --db postgres only")
        directory = Path(tempfile.mkdtemp(prefix="sanxiang-bench-search-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'search.sqlite3'}"
        return f"SQLite file in {directory}", lambda: shutil.rmtree(directory), directory
    import psycopg

    if not args.reuse:
        with psycopg.connect(args.pg_admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
            admin.execute(f"CREATE DATABASE {PG_DATABASE}")
    os.environ["DATABASE_URL"] = f"{args.pg_admin_url.rsplit('/', 1)[0]}/{PG_DATABASE}"

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(args.pg_admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")

    return f"PostgreSQL database {PG_DATABASE} (dropped afterwards)", drop, None


# --- synthetic data --------------------------------------------------------------------------------


def make_world(rng: random.Random):
    """1 national, 1 provincial and 11 sub-bureaus; 3,000 mines with division codes."""
    from sanxiang.org.models import Agency, AgencyLevel
    from sanxiang.registry.models import CoalMine, MineStatus, MineType

    def agency(name, level, parent, n):
        a = Agency.objects.create(
            name=name,
            short_name=name[:1],
            level=level,
            parent=parent,
            credit_code=f"1114{n:014d}"[:18],
            path="",
        )
        a.path = (parent.path if parent else "/") + f"{a.pk}/"
        a.save()
        return a

    national = agency("国家矿山安全监察局（基准）", AgencyLevel.NATIONAL, None, 1)
    provincial = agency("基准省煤矿安全监察局", AgencyLevel.PROVINCIAL, national, 2)
    subs = [
        agency(f"基准省局{p}监察分局", AgencyLevel.SUB_BUREAU, provincial, 10 + i)
        for i, p in enumerate(PLACES[:11])
    ]
    mines = []
    for i in range(3000):
        sub = subs[i % len(subs)]
        name = f"{rng.choice(PLACES)}{rng.choice(BRANDS)}煤业有限公司{rng.choice(BRANDS)}煤矿"
        mines.append(
            CoalMine(
                name=name,
                credit_code=f"9114{i:014d}"[:18],
                division_code=f"14{(i % 11) + 1:02d}{(i % 7) + 21:02d}",
                address="基准省",
                mine_type=MineType.UNDERGROUND,
                status=MineStatus.PRODUCING,
                supervising_agency=sub,
            )
        )
    CoalMine.objects.bulk_create(mines, batch_size=1000)
    mines = list(
        CoalMine.objects.values_list("pk", "name", "division_code", "supervising_agency_id")
    )
    agencies = {a.pk: a for a in [national, provincial, *subs]}
    return agencies, mines


def rows(n: int, rng: random.Random, agencies, mines):
    """Yield search-table rows (the columns of PublicEntry, terms included)."""
    from sanxiang.publicity import search

    categories = [c for c, w in CATEGORIES for _ in range(w)]
    start = datetime.date(2019, 1, 1).toordinal()
    span = datetime.date(2026, 11, 1).toordinal() - start
    published = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    for pk in range(1, n + 1):
        mine_id, mine_name, region, agency_id = mines[rng.randrange(len(mines))]
        agency = agencies[agency_id]
        category = categories[rng.randrange(len(categories))]
        day = datetime.date.fromordinal(start + rng.randrange(span))
        individual = category == "penalty" and rng.random() < 0.2
        party = (
            (
                rng.choice(SURNAMES)
                + rng.choice(GIVEN)
                + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
            )
            if individual
            else mine_name
        )
        problem = rng.choice(PROBLEMS)
        facts = (
            f"经查，{mine_name}{rng.choice(PLACES_UNDER)}{problem}，"
            + rng.choice(DETAILS).format(n=rng.randint(2, 9))
            + "。"
            + (
                f"该矿{rng.choice(PLACES_UNDER)}{rng.choice(PROBLEMS)}。"
                if rng.random() < 0.5
                else ""
            )
        )
        number = f"基（{agency.name[4:6]}）煤安{'罚' if category == 'penalty' else '检'}〔{day.year}〕{pk % 9000 + 1}号"
        outcome = (
            rng.choice(OUTCOMES).format(n=rng.randint(1, 50))
            if category == "penalty"
            else "责令限期整改"
        )
        kind = (
            problem
            if category == "penalty"
            else {
                "inspection": "现场检查",
                "coercive": "查封",
                "licensing": "安全生产许可",
                "other": "责令限期整改",
            }[category]
        )
        terms = search.document_tokens(
            [party, number, kind, facts, outcome],
            search.filter_tokens(
                category=category,
                agency_ids=[int(p) for p in agency.path.strip("/").split("/")],
                region=region,
            ),
        )
        yield (
            search.sort_key(day, pk),
            pk,
            pk,
            agency_id,
            category,
            region,
            mine_id,
            day,
            published,
            party,
            number,
            kind,
            outcome[:300],
            # ADR 0097: fine (万元) and exact-match key; derived without drawing from ``rng``,
            # so the rest of the data is the same as before these columns existed.
            Decimal(pk % 500) / 10 if category == "penalty" else None,
            search.document_key(number),
            terms,
        )


COLUMNS = (
    "id",
    "publication_id",
    "version_id",
    "agency_id",
    "category",
    "region",
    "mine_id",
    "decision_date",
    "published_at",
    "party_name",
    "document_number",
    "kind_text",
    "outcome",
    "fine_amount",
    "document_key",
    "terms",
)


def load(n: int, seed: int) -> dict:
    from django.db import connection

    rng = random.Random(seed)
    agencies, mines = make_world(rng)
    started = time.perf_counter()
    if connection.vendor == "sqlite":
        from importlib import import_module

        migration = import_module("sanxiang.publicity.migrations.0002_search_index")
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys=OFF")
            for statement in migration.SQLITE_BACKWARD[:3]:  # the triggers: rebuilt in one go below
                cursor.execute(statement)
        sql = f"INSERT INTO publicity_publicentry ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
        batch: list = []
        with connection.cursor() as cursor:
            for row in rows(n, rng, agencies, mines):
                batch.append(row)
                if len(batch) == 20000:
                    cursor.executemany(sql, batch)
                    batch.clear()
            if batch:
                cursor.executemany(sql, batch)
        generated = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO publicity_fts(publicity_fts) VALUES ('rebuild')")
            cursor.execute("INSERT INTO publicity_fts(publicity_fts) VALUES ('optimize')")
            for statement in migration.SQLITE_FORWARD[1:]:
                cursor.execute(statement)
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA foreign_keys=ON")
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS publicity_searchvector_tsv")
            cursor.execute("SET session_replication_role = replica")  # no triggers: bulk below
            with cursor.copy(
                f"COPY publicity_publicentry ({', '.join(COLUMNS)}) FROM STDIN"
            ) as copy:
                for row in rows(n, rng, agencies, mines):
                    copy.write_row(row)
            cursor.execute("SET session_replication_role = DEFAULT")
        generated = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute(
                "INSERT INTO publicity_searchvector (id, tsv) "
                "SELECT id, to_tsvector('simple'::regconfig, terms) FROM publicity_publicentry"
            )
            cursor.execute(
                "CREATE INDEX publicity_searchvector_tsv ON publicity_searchvector "
                "USING gin (tsv) WITH (fastupdate = off)"
            )
        connection.connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE publicity_publicentry")
            cursor.execute("VACUUM ANALYZE publicity_searchvector")
    return {
        "records": n,
        "generate_and_insert_s": round(generated, 1),
        "load_total_s": round(time.perf_counter() - started, 1),
    }


# --- queries ---------------------------------------------------------------------------------------


def query_types(rng: random.Random, agencies, mines) -> dict[str, callable]:
    """Query families; each call returns one concrete query (words vary between runs)."""
    from sanxiang.publicity.search import SearchQuery

    subs = [a for a in agencies.values() if a.level == "sub_bureau"]
    brand = lambda: rng.choice(BRANDS)  # noqa: E731
    phrase = lambda: rng.choice(PROBLEMS)[2:6]  # noqa: E731
    span = lambda: (datetime.date(rng.randint(2019, 2025), rng.randint(1, 12), 1), None)  # noqa: E731

    def ranged(**kw):
        start, _ = span()
        return SearchQuery(date_from=start, date_to=start + datetime.timedelta(days=90), **kw)

    return {
        "2-char common (培训)": lambda: SearchQuery(q="培训"),
        "2-char brand": lambda: SearchQuery(q=brand()),
        "2-char surname+given": lambda: SearchQuery(q=rng.choice(SURNAMES) + rng.choice(GIVEN)),
        "4-char phrase": lambda: SearchQuery(q=phrase()),
        "mine name (party)": lambda: SearchQuery(q=rng.choice(mines)[1][:6]),
        "document number": lambda: SearchQuery(
            q=f"〔{rng.randint(2019, 2026)}〕{rng.randint(1, 9000)}号"
        ),
        "two keywords": lambda: SearchQuery(q=f"{brand()} {phrase()}"),
        "keyword + category": lambda: SearchQuery(
            q=phrase(), category=rng.choice(["penalty", "inspection", "coercive"])
        ),
        "keyword + agency": lambda: SearchQuery(q=brand(), agency_id=rng.choice(subs).pk),
        "keyword + region": lambda: SearchQuery(q=phrase(), region=f"14{rng.randint(1, 11):02d}"),
        "keyword + 90-day range": lambda: ranged(q=phrase()),
        "rare + category + agency + range": lambda: ranged(
            q=brand(), category="penalty", agency_id=rng.choice(subs).pk
        ),
        "filters only (category + range)": lambda: ranged(category="licensing"),
        "no filter, first page": lambda: SearchQuery(),
        # Last, so the families above draw the same queries as before it existed (ADR 0097).
        "whole document number (exact)": lambda: SearchQuery(
            q=f"基（{rng.choice(subs).name[4:6]}）煤安罚〔{rng.randint(2019, 2026)}〕{rng.randint(1, 9000)}号"
        ),
    }


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[max(int(len(ordered) * 0.95) - 1, 0)] * 1000, 2),
    }


def measure(results: dict, repeat: int, seed: int) -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from sanxiang.org.models import Agency
    from sanxiang.publicity import public
    from sanxiang.registry.models import CoalMine

    rng = random.Random(seed + 1)
    agencies = {a.pk: a for a in Agency.objects.all()}
    mines = list(
        CoalMine.objects.values_list("pk", "name", "division_code", "supervising_agency_id")
    )
    families = query_types(rng, agencies, mines)
    table = {}
    all_first, all_ratio = [], []
    for make in families.values():  # warm up: imports, statement caches
        public.result_search(make(), page=1)

    def timed_selector(query) -> float:
        started = time.perf_counter()
        public.result_search(query, page=1)
        return time.perf_counter() - started

    def timed_raw(statements) -> float:
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()  # inside a transaction, like the selector's
            for sql in statements:
                cursor.execute(sql.replace("%", "%%"))
                cursor.fetchall()
            return time.perf_counter() - started

    for name, make in families.items():
        first, server, raw, hits = [], [], [], []
        for i in range(repeat):
            query = make()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                page = public.result_search(query, page=1)
                first.append(time.perf_counter() - started)
            hits.append(page.total)
            statements = [  # BEGIN/COMMIT of the selector's transaction: replayed as such
                q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")
            ]
            if i % 2:  # alternate, so that neither side profits from the other's cache
                raw.append(timed_raw(statements))
                server.append(timed_selector(query))
            else:
                server.append(timed_selector(query))
                raw.append(timed_raw(statements))
        f, s, r = _stats(first), _stats(server), _stats(raw)
        ratio = round(s["median_ms"] / r["median_ms"], 2)
        table[name] = {
            **f,
            "again_median_ms": s["median_ms"],
            "raw_median_ms": r["median_ms"],
            "raw_p95_ms": r["p95_ms"],
            "ratio_median": ratio,
            "hits_median": int(statistics.median(hits)),
        }
        all_first += first
        all_ratio.append(ratio)
        log(
            f"{name:36s} first: median {f['median_ms']:7.2f} ms  p95 {f['p95_ms']:7.2f} ms"
            f"  | again {s['median_ms']:7.2f} ms  raw {r['median_ms']:7.2f} ms  ×{ratio}"
            f"  hits≈{table[name]['hits_median']}"
        )
    results["queries"] = table
    results["overall"] = {**_stats(all_first), "worst_ratio": max(all_ratio)}
    log(f"overall: {results['overall']}")


def measure_pages(results: dict, repeat: int, seed: int) -> None:
    """The whole search page (form, query, template) through Django's test client."""
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    rng = random.Random(seed + 2)
    client = Client()
    urls = page_urls(rng, repeat)
    samples = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    results["page"] = _stats(samples)
    log(f"search page via test client: {results['page']}")


def page_urls(rng: random.Random, count: int) -> list[str]:
    from urllib.parse import urlencode

    words = ["培训", "瓦斯", "通风", "安全出口", "超层越界", "特种作业", *BRANDS[:20]]
    urls = []
    for _ in range(count):
        params = {"q": rng.choice(words)}
        if rng.random() < 0.3:
            params["category"] = rng.choice(["penalty", "inspection"])
        if rng.random() < 0.2:
            params["date_from"] = f"{rng.randint(2019, 2025)}-01-01"
        urls.append("/public/results/?" + urlencode(params))
    return urls


def run_wrk(results: dict, args, data_dir: Path | None) -> None:
    if not shutil.which("wrk"):
        log("wrk not installed (apt-get install -y wrk): skipping the load test")
        return
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SANXIANG_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                import urllib.request

                urllib.request.urlopen(
                    f"http://127.0.0.1:{PORT}/public/results/?q=%E5%9F%B9%E8%AE%AD", timeout=5
                )
                break
            except OSError:
                time.sleep(0.2)
        script = Path(tempfile.mkstemp(suffix=".lua")[1])
        from urllib.parse import quote

        urls = [quote(u, safe="/?=&") for u in page_urls(random.Random(7), 500)]
        script.write_text(
            "paths = {" + ",".join(f'"{u}"' for u in urls) + "}\n"
            "math.randomseed(7)\nrequest = function()\n  return wrk.format(nil, paths[math.random(#paths)])\nend\n"
        )
        command = [
            "wrk",
            "-t",
            "2",
            "-c",
            str(args.connections),
            "-d",
            f"{args.duration}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{PORT}",
        ]
        log(" ".join(command))
        output = subprocess.run(
            command, capture_output=True, text=True, timeout=args.duration + 60
        ).stdout
        print(output)
        results["wrk"] = {
            "command": " ".join([*command[:-3], "<random search URLs>", command[-1]]),
            "workers": args.workers,
            "output": output,
        }
        script.unlink()
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=40, help="queries per query family")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--wrk", action="store_true", help="also run wrk against gunicorn")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the database (prints where)")
    parser.add_argument(
        "--reuse", action="store_true", help="PostgreSQL: measure a database kept by --keep"
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ["SANXIANG_TASK_BACKEND"] = "immediate"
    where, cleanup, data_dir = _setup_database(args)
    results: dict = {"database": args.db, "where": where, "machine": f"{os.cpu_count()} cores"}
    try:
        import django

        django.setup()
        from django.core.management import call_command

        if args.reuse:
            results["load"] = {"records": "reused", "where": where}
        else:
            log(f"migrating {where}")
            call_command("migrate", verbosity=0)
            log(f"loading {args.records:,} records")
            results["load"] = load(args.records, args.seed)
            log(f"loaded: {results['load']}")
        from django.db import connection

        if connection.vendor == "sqlite":
            size = Path(connection.settings_dict["NAME"]).stat().st_size
        else:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_total_relation_size('publicity_publicentry') + sum("
                    "pg_total_relation_size(inhrelid)) FROM pg_inherits "
                    "WHERE inhparent = 'publicity_searchvector'::regclass"
                )
                size = cursor.fetchone()[0]
        results["load"]["size_mib"] = round(size / 2**20)
        measure(results, args.repeat, args.seed)
        measure_pages(results, args.repeat * 2, args.seed)
        if args.wrk:
            connection.close()
            run_wrk(results, args, data_dir)
    finally:
        if args.json:
            Path(args.json).write_text(
                json.dumps(results, ensure_ascii=False, indent=1, default=str)
            )
        if args.keep:
            log(f"kept: {where}")
        else:
            cleanup()


if __name__ == "__main__":
    main()
