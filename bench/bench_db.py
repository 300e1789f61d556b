"""Benchmarks on the database named by DATABASE_URL (started by bench/run.py).

1. Division load: the whole country (five files, 664k rows) with `fupin divisions load`,
   again (idempotent upsert), and the raw engine inserting the same rows into a bare table.
2. Demo generation (`fupin demo --no-serve`) at each scale.
3. List pages at each scale: the household and member lists as a county administrator (first
   page, filters, searches, a deep page), rendered by Django in-process; the ratio compares with
   the raw engine running exactly the SQL the view ran.
4. Identification + MPI at each scale against the hand-written statement.
5. The household workbook import (1M member rows, CSV and xlsx) and department matching (a 1M-row
   list against 1M members): see bench_exchange.py. BENCH_IMPORT_ROWS=0 leaves it out.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from fupin.core.actions import SYSTEM  # noqa: E402
from fupin.divisions.loader import COLUMNS, read_rows  # noqa: E402

DIVISION_DIR = Path(os.environ.get("BENCH_DIVISIONS", ROOT.parent / "shared" / "data" / "divisions"))
FILES = [DIVISION_DIR / f"{n}.csv.gz" for n in ("provinces", "cities", "areas", "streets", "villages")]
SCALES = [int(s) for s in os.environ.get("BENCH_SCALES", "100000,1000000").split(",") if s]


def timed(fn, *args, **kwargs) -> float:
    started = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - started


def quiet(*args, **kwargs):
    with open(os.devnull, "w") as sink:
        call_command(*args, stdout=sink, **kwargs)


def bench_divisions() -> None:
    if not all(f.exists() for f in FILES):
        print(f"divisions: national files not found in {DIVISION_DIR}; skipped")
        return
    rows = [r for f in FILES for r in read_rows(f)]
    first = timed(quiet, "divisions", "load", *map(str, FILES))
    again = timed(quiet, "divisions", "load", *map(str, FILES))
    raw = timed(_raw_insert, rows)
    parse = timed(lambda: [r for f in FILES for r in read_rows(f)])
    print(f"divisions: {len(rows):,} rows (620k villages)")
    print(f"  first load      {first:6.1f} s  {len(rows) / first:9,.0f} rows/s  ratio to raw engine {first / raw:4.1f}x")
    print(f"  load again      {again:6.1f} s  {len(rows) / again:9,.0f} rows/s  (idempotent upsert, nothing changes)")
    print(f"  raw engine      {raw:6.1f} s  {len(rows) / raw:9,.0f} rows/s  "
          f"({'COPY' if connection.vendor == 'postgresql' else 'executemany'} into a table of the same shape and indexes, no upsert)")
    print(f"  reading the CSV {parse:6.1f} s  (part of both figures above)")


def _raw_insert(rows) -> None:
    """The engine loading the same rows into a table of the same shape and indexes, in one
    transaction, with no staging, no upsert and no change detection."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_division")
        if connection.vendor == "postgresql":
            cursor.execute("CREATE TABLE bench_raw_division (LIKE divisions_division INCLUDING ALL)")
            with cursor.cursor.copy(f"COPY bench_raw_division ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.execute("CREATE TABLE bench_raw_division AS SELECT * FROM divisions_division WHERE 0")
            cursor.execute("CREATE UNIQUE INDEX bench_raw_pk ON bench_raw_division (code)")
            cursor.execute("CREATE INDEX bench_raw_parent ON bench_raw_division (parent_code)")
            cursor.execute("CREATE INDEX bench_raw_county ON bench_raw_division (county_code, level)")
            connection.connection.executemany(
                f"INSERT INTO bench_raw_division ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})", rows)
        cursor.execute("DROP TABLE bench_raw_division")


PAGES = [
    ("household list, first page", "/households/"),
    ("household list, one township", "/households/?area=361022201"),
    ("household list, one village", "/households/?area=361022201205"),
    ("household list, poor, cause illness", "/households/?household_type=poor&cause=01"),
    ("household list, search by name", "/households/?q=%E9%BB%84%E5%BB%BA"),
    ("household list, search by ID", None),
    ("household list, page 2000", "/households/?page=2000"),
    ("member list, first page", "/members/"),
    ("member list, disabled", "/members/?health=disabled"),
    ("area page, county", "/areas/361022/"),
    ("household card", None),
    ("八个一 coverage, county", "/assistance/coverage/?area=361022&year=2023"),
    ("八个一 coverage, township", "/assistance/coverage/?area=361022201&year=2023"),
    ("helper worklist, county", "/assistance/worklist/?year=2023"),
    ("funds overview and checks", "/funds/?year=2023"),
    ("funds ledger, county", "/funds/ledger/?area=361022&year=2023"),
    ("white tea households", None),
    ("dibao: meets the rule, not covered", "/welfare/dibao/?year=2023"),
    ("zero-employment households", "/programmes/zero-employment/"),
    ("dashboard, county", "/insights/?area=361022&year=2023"),
    ("dashboard, township", "/insights/?area=361022201&year=2023"),
    ("dashboard, village", "/insights/?area=361022201205&year=2023"),
    ("dashboard part: income, county", "/insights/?area=361022&year=2023&part=income"),
    ("dashboard part: run results, county", "/insights/?area=361022&year=2023&part=results"),
    ("dashboard part: training, county", "/insights/?area=361022&year=2023&part=training"),
]


def bench_pages(scale: int) -> None:
    from fupin.accounts.models import User
    from fupin.registry.models import Household, Member

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="county"))
    member = Member.objects.filter(relation="head").order_by("id")[scale // 2: scale // 2 + 1].get()
    household = Household.objects.order_by("id")[scale // 3: scale // 3 + 1].get()
    print(f"pages at {scale:,} households (median of 7 runs, Django in-process; raw = the same SQL on the engine):")
    for name, url in PAGES:
        if name.endswith("by ID"):
            url = f"/households/?q={member.id_number}"
        elif name == "household card":
            url = f"/households/{household.pk}/"
        elif name == "white tea households":
            from fupin.programmes.models import Industry

            url = f"/programmes/industries/{Industry.objects.get(county_code='361022', name='白茶').pk}/?year=2023"
        client.get(url)  # warm
        times, raw_times = [], []
        for _ in range(7):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
            raw_times.append(_replay([q["sql"] for q in ctx.captured_queries]))
        page_ms = statistics.median(times) * 1000
        raw_ms = statistics.median(raw_times) * 1000
        print(f"  {name:<38} {page_ms:8.1f} ms   raw SQL {raw_ms:8.1f} ms   ratio {page_ms / max(raw_ms, 0.01):5.1f}x")


def _replay(statements: list[str]) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                cursor.execute(sql)
                cursor.fetchall()
    return time.perf_counter() - started


def bench_identification(scale: int) -> None:
    """A full identification + MPI run (results, village results, summary with MPI) against one
    hand-written statement computing the same per-capita income and guarantee flags."""
    from fupin.targeting import actions
    from fupin.targeting.models import RuleSet
    from fupin.targeting.params import Params

    rule_set = RuleSet.objects.get(region_code="361022", year=2023)
    params = Params.from_rule_set(rule_set)
    runs = []
    for _ in range(2):
        run = actions.start_run(actor=SYSTEM, area_code="361022", year=2023, rule_set=rule_set, dry_run=True,
                                enqueue=False)
        runs.append(timed(actions.execute_run, run))
    raw = [timed(_baseline, params) for _ in range(2)]
    same = [timed(_same_statement, params, rule_set) for _ in range(2)]
    full, hand, one = min(runs), min(raw), min(same)
    print(f"identification + MPI at {scale:,} households: {full:6.1f} s ({scale / full:,.0f} households/s)")
    print(f"  hand-written SQL (per-capita income and guarantee flags only) {hand:6.1f} s; ratio {full / hand:4.2f}x")
    print(f"  the run's own SQL as one raw statement (all results and explanations) {one:6.1f} s;"
          f" ratio {full / one:4.2f}x")


def _same_statement(params, rule_set) -> None:
    """The statement a run executes per township, executed once for the whole county, in one
    transaction, rolled back: what the engine alone needs for the same work."""
    from fupin.targeting import actions, compute

    run = actions.start_run(actor=SYSTEM, area_code="361022", year=2023, rule_set=rule_set, dry_run=True,
                            enqueue=False)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(compute.result_insert_sql(params, "361022"), [run.pk])
        transaction.set_rollback(True)


def _baseline(params, county: str = "") -> None:
    """One statement: per-capita net income and the guarantee flags of every household (of ``county``
    when given), written to a table."""
    from fupin.targeting.compute import EDUCATED, NOT_IN_SCHOOL, fen

    school_lo = params.years_before(params.school_age_to + 1).isoformat()
    school_hi = params.years_before(params.school_age_from).isoformat()
    not_in_school = ", ".join(f"'{v}'" for v in NOT_IN_SCHOOL)
    educated = ", ".join(f"'{v}'" for v in EDUCATED)
    net = "(i.wage_income + i.business_income + i.property_income + i.transfer_income - i.production_costs)"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_baseline")
        cursor.execute(f"""
        CREATE TABLE bench_baseline AS
        SELECT h.id AS household_id, m.n, {net} AS net, ROUND(1.0 * {net} / m.n, 2) AS per_capita,
          CASE WHEN CAST(ROUND({net} * 100) AS INTEGER) < {fen(params.income_line)} * m.n THEN 1 ELSE 0 END AS below,
          CASE WHEN CAST(ROUND({net} * 100) AS INTEGER) < {fen(params.food_min_income)} * m.n
               AND m.dibao = 0 THEN 0 ELSE 1 END AS food_ok,
          CASE WHEN m.out_of_school > 0 THEN 0 ELSE 1 END AS education_ok,
          CASE WHEN m.uninsured > 0 THEN 0 ELSE 1 END AS medical_ok,
          CASE WHEN h.house_grade IN ('C', 'D') AND NOT h.house_renovated AND NOT h.relocated THEN 0 ELSE 1 END
            AS housing_ok,
          CASE WHEN h.safe_water THEN 1 ELSE 0 END AS water_ok
        FROM registry_household h
        JOIN (SELECT county_code, household_id, COUNT(*) AS n,
                MAX(CASE WHEN dibao OR tekun THEN 1 ELSE 0 END) AS dibao,
                SUM(CASE WHEN medical_insurance AND critical_illness_insurance THEN 0 ELSE 1 END) AS uninsured,
                SUM(CASE WHEN birth_date > '{school_lo}' AND birth_date <= '{school_hi}'
                          AND schooling IN ({not_in_school}) AND education NOT IN ({educated})
                          AND NOT (disabled OR serious_illness) THEN 1 ELSE 0 END) AS out_of_school
              FROM registry_member WHERE status = 'active' {f"AND county_code = '{county}'" if county else ""}
              GROUP BY county_code, household_id) m ON m.county_code = h.county_code AND m.household_id = h.id
        LEFT JOIN registry_householdincome i
          ON i.county_code = h.county_code AND i.household_id = h.id AND i.year = {params.year}
        WHERE h.status = 'active' {f"AND h.county_code = '{county}'" if county else ""}""")
        cursor.execute("DROP TABLE bench_baseline")


def main() -> None:
    quiet("migrate")
    print(f"engine: {connection.vendor}")
    bench_divisions()
    for scale in SCALES:
        elapsed = timed(quiet, "demo", "--households", str(scale), "--no-serve", "--reset", "--no-identify")
        print(f"demo generation: {scale:,} households in {elapsed:6.1f} s ({scale / elapsed:,.0f} households/s,"
              " members, incomes and village registers included)")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        bench_pages(scale)
        bench_identification(scale)
    import bench_funds  # the ledger and policy checks over 100,000 payments on the last scale's county

    bench_funds.bench_funds()
    if int(os.environ.get("BENCH_IMPORT_ROWS", "1000000")):
        import bench_exchange  # the household workbook import and department matching (empties the registry)

        bench_exchange.bench_import()


if __name__ == "__main__":
    main()
