"""The prefecture bench: 抚州市's 11 counties in one database, on one PostgreSQL node and on a 3-node
Citus cluster (started by bench/run.py with BENCH_DATABASES=prefecture or prefecture-citus, or alone
with DATABASE_URL set; on a cluster run ``fupin citus distribute`` is done here after migrating).

BENCH_PREFECTURE_HOUSEHOLDS (default 1,000,000) households in all: ten counties generated (the demo's
generator, their share of the prefecture's rural population each), and 南丰县 registered by importing
its household workbook (BENCH_PREFECTURE_IMPORT_ROWS member rows, default 300,000, about 91,000
households) from CSV. Timed, each with the raw engine doing the same work beside it:

1. generation of the ten counties (households, members, incomes, village registers), against the
   engine copying the same rows into bare tables of the same shape (INSERT ... SELECT);
2. the import of 南丰县's workbook (full validation), against the engine loading the same rows
   (COPY into a bare table);
3. identification of all 11 counties (one official 2023 run each: results, village results, MPI),
   against one hand-written statement per county computing the per-capita income and the flags;
4. the prefecture dashboard as the prefecture user (``city``): the page with its core figures and each
   part, median of 3, against the same SQL replayed on the engine.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from fupin.core.actions import SYSTEM  # noqa: E402
from fupin.core.citus import is_citus  # noqa: E402

TOTAL = int(os.environ.get("BENCH_PREFECTURE_HOUSEHOLDS", "1000000"))
IMPORT_ROWS = int(os.environ.get("BENCH_PREFECTURE_IMPORT_ROWS", "300000"))
IMPORTED = "361023"  # 南丰县: registered by its workbook (the bench's ID numbers carry its code)
OUT = ROOT / "var" / "bench" / "prefecture"


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def analyze() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def setup() -> None:
    call_command("migrate", verbosity=0)
    if is_citus():
        call_command("citus", "distribute", stdout=open(os.devnull, "w"))
    from fupin.core import clock
    from fupin.core.models import Setting
    from fupin.demo import accounts
    from fupin.demo.management.commands.demo import PREFECTURE, TODAY
    from fupin.divisions.loader import load_files

    load_files(sorted(PREFECTURE.glob("*.csv")))
    Setting.put("dataset", "demo")
    clock.store_today(TODAY)
    accounts.ensure_accounts()


def generate(frame) -> dict[str, int]:
    """The ten counties, their shares of TOTAL less what the import brings (ID numbers of the file
    reserved, so nobody is born twice)."""
    from fupin.demo import generator
    from fupin.demo.management.commands.demo import RURAL_POPULATION

    imported_households = frame.get_column("户编号").n_unique()
    counties = [c for c in sorted(RURAL_POPULATION) if c != IMPORTED]
    weights = [RURAL_POPULATION[c] for c in counties]
    sizes = dict(zip(counties, generator.apportion(TOTAL - imported_households, [w / sum(weights) for w in weights]),
                     strict=True))
    used = set(frame.get_column("证件号码").to_list())
    for county, size in sizes.items():
        generator.Generator(generator.DemoConfig(households=size, seed=2023, county=county), used_ids=used).run()
    return sizes


def raw_copy() -> float:
    """The engine alone writing the same rows: INSERT ... SELECT of the three tables into bare copies
    (same columns and indexes, no constraints to other tables)."""
    tables = ("registry_household", "registry_member", "registry_householdincome")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for t in tables:
            cursor.execute(f"DROP TABLE IF EXISTS bench_raw_{t}")
            if connection.vendor == "postgresql":
                cursor.execute(f"CREATE TABLE bench_raw_{t} (LIKE {t} INCLUDING INDEXES INCLUDING DEFAULTS)")
                if is_citus():
                    cursor.execute(f"SELECT create_distributed_table('bench_raw_{t}', 'county_code', "
                                   "colocate_with => 'registry_household')")
            else:
                cursor.execute(f"CREATE TABLE bench_raw_{t} AS SELECT * FROM {t} WHERE 0")
            cursor.execute(f"INSERT INTO bench_raw_{t} SELECT * FROM {t} WHERE county_code <> %s", [IMPORTED])
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        for t in tables:
            cursor.execute(f"DROP TABLE bench_raw_{t}")
    return elapsed


def identify() -> tuple[float, float, int]:
    """One official 2023 run per county (as the demo makes them), and the hand-written statement per county."""
    import bench_db
    from fupin.demo import rules
    from fupin.demo.management.commands.demo import RURAL_POPULATION
    from fupin.targeting import actions
    from fupin.targeting.params import Params

    total = raw = 0.0
    poor = 0
    for county in sorted(RURAL_POPULATION):
        rule_set = rules.ensure_rule_sets(county)[2023]
        run = actions.start_run(actor=SYSTEM, area_code=county, year=2023, rule_set=rule_set, enqueue=False)
        elapsed, run = timed(actions.execute_run, run)
        total += elapsed
        poor += run.summary["poor"]
        raw += timed(bench_db._baseline, Params.from_rule_set(rule_set), county)[0]
    return total, raw, poor


PAGES = [("dashboard", "/insights/?area=3610&year=2023"),
         *[(f"  part {p}", f"/insights/?area=3610&year=2023&part={p}") for p in
           ("income", "results", "coverage", "housing", "funds", "training")],
         ("targets", "/insights/targets/?area=3610&year=2023"), ("yearly report", "/insights/report/?area=3610&year=2023"),
         ("funds ledger", "/funds/ledger/?area=3610&year=2023"), ("API indicators", "/api/v1/indicators/?area=3610"),
         ("households list", "/households/?area=3610")]


def dashboard() -> list[tuple[str, float, float, float]]:
    """Each page: the first request (every county's kept figures computed: ``core.kept``), then the
    median of 3 (kept), and the SQL of those replayed on the engine."""
    from django.core.cache import cache

    from fupin.accounts.models import User

    cache.clear()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="city"))
    rows = []
    for name, url in PAGES:
        started = time.perf_counter()
        assert client.get(url).status_code == 200, url
        first = time.perf_counter() - started
        times, raw_times = [], []
        for _ in range(3):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
            raw_times.append(bench_db_replay([q["sql"] for q in ctx.captured_queries]))
        rows.append((name, first, statistics.median(times), statistics.median(raw_times)))
    return rows


def bench_db_replay(statements):
    import bench_db

    return bench_db._replay(statements)


def main() -> None:
    import bench_exchange

    if os.environ.get("BENCH_PREFECTURE_ONLY") == "pages":  # the pages alone, on a database the bench filled
        print_pages()
        return

    from fupin.divisions.models import Division, Level
    from fupin.exchange import importer
    from fupin.registry.models import Household, Member

    setup()
    engine = "Citus (coordinator + 2 workers)" if is_citus() else connection.vendor
    print(f"prefecture bench on {engine}: 抚州市, {TOTAL:,} households in 11 counties", flush=True)
    villages = sorted(Division.objects.filter(county_code=IMPORTED, level=Level.VILLAGE)
                      .values_list("code", flat=True))
    frame = bench_exchange.household_frame(IMPORT_ROWS, villages)
    OUT.mkdir(parents=True, exist_ok=True)
    csv_path = OUT / f"nanfeng-{IMPORT_ROWS}.csv"
    frame.write_csv(csv_path)

    elapsed, sizes = timed(generate, frame)
    analyze()
    households = sum(sizes.values())
    members = Member.objects.exclude(county_code=IMPORTED).count()
    raw = raw_copy()
    print(f"  generation of 10 counties: {households:,} households, {members:,} members in {elapsed:7.1f} s "
          f"({households / elapsed:,.0f} households/s); raw engine copying the same rows {raw:6.1f} s; "
          f"ratio {elapsed / raw:.1f}x", flush=True)

    elapsed, result = timed(importer.import_households, csv_path, csv_path.read_bytes())
    assert result.ok and result.counts["members_created"] == IMPORT_ROWS, (result.problems.head(5), result.counts)
    raw_time, _ = timed(bench_exchange.raw_csv, csv_path)
    bench_exchange.drop_raw()
    analyze()
    print(f"  import of 南丰县's workbook (CSV): {IMPORT_ROWS:,} member rows in {elapsed:6.1f} s "
          f"({IMPORT_ROWS / elapsed:,.0f} rows/s) into a registry of {households:,} households; raw engine "
          f"loading the rows {raw_time:5.1f} s; ratio {elapsed / raw_time:.1f}x", flush=True)

    total_households = Household.objects.count()
    elapsed, raw, poor = identify()
    print(f"  identification of all 11 counties ({total_households:,} households): {elapsed:6.1f} s "
          f"({total_households / elapsed:,.0f} households/s, {poor:,} poor households); hand-written "
          f"statement per county {raw:6.1f} s; ratio {elapsed / raw:.2f}x", flush=True)
    analyze()
    print_pages()


def print_pages() -> None:
    print("  prefecture pages as 市级用户 (area 3610): first request (every county's figures computed), then "
          "median of 3 (kept per county); raw = the same SQL replayed on the engine:")
    for name, first, page, raw in dashboard():
        print(f"    {name:<18} first {first * 1000:7.0f} ms   then {page * 1000:6.0f} ms   raw SQL {raw * 1000:6.0f} ms"
              f"   ratio {page / max(raw, 1e-4):5.1f}x", flush=True)


if __name__ == "__main__":
    main()
