"""Funds benchmarks on the database named by DATABASE_URL (call ``bench_funds()``, or run alone).

Generates a year of funds over the county's villages: BENCH_FUNDS_PROJECTS projects (default 300),
their allocations (one to the project's area and one per village under it) and
BENCH_FUNDS_PAYMENTS payments (default 100,000, three in four to households), then times

1. the county ledger (``funds.selectors.ledger``: per kind of source, per project, per township,
   the county's own items and the totals, every sum exact in whole fen), and
2. the three yearly policy checks (``funds.selectors.policy_checks``),

each against a raw SQL baseline doing the same aggregation with plain ``SUM(amount)`` over the
same tables (no scope, no exact fen sums, no Python objects). The funds tables are emptied first.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from fupin.core.actions import SYSTEM  # noqa: E402

PROJECTS = int(os.environ.get("BENCH_FUNDS_PROJECTS", "300"))
PAYMENTS = int(os.environ.get("BENCH_FUNDS_PAYMENTS", "100000"))
REPEAT = int(os.environ.get("BENCH_FUNDS_REPEAT", "5"))
COUNTY = "361022"
YEAR = 2023


def _best(fn) -> tuple[float, float, object]:
    """(best, median) seconds over REPEAT runs, and the last result."""
    times, result = [], None
    for _ in range(REPEAT):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times), result


def _households(n: int) -> list[tuple[int, str]]:
    from fupin.registry.models import Household

    rows = list(Household.objects.filter(county_code=COUNTY).order_by("pk").values_list("pk", "division_id")[:n])
    if rows:
        return rows
    from fupin.demo import generator

    generator.generate(generator.DemoConfig(households=5000, seed=11))
    return list(Household.objects.filter(county_code=COUNTY).order_by("pk").values_list("pk", "division_id")[:n])


def _user():
    from fupin.accounts import actions
    from fupin.accounts.models import User
    from fupin.accounts.roles import Department, Role

    user = User.objects.filter(username="bench_finance").first()
    return user or actions.create_user(actor=SYSTEM, username="bench_finance", password="Bench-Passw0rd!",
                                       role=Role.DEPARTMENT, department=Department.FINANCE, prefixes=[COUNTY],
                                       full_name="财政局", must_change_password=False)


def generate() -> dict:
    """Empty the funds tables and write one year: sources, projects, allocations, payments."""
    from fupin.core import bulk
    from fupin.divisions.models import Division, Level
    from fupin.funds import demo
    from fupin.funds.models import (
        Allocation,
        Disbursement,
        DisbursementMode,
        FundSource,
        Project,
        ProjectStatus,
        ProjectType,
        SourceKind,
    )

    rng = random.Random(2023)
    with transaction.atomic(), connection.cursor() as cursor:
        for table in demo.TABLES:
            cursor.execute(f"DELETE FROM {table}")
    townships = list(Division.objects.filter(parent_code=COUNTY, level=Level.TOWNSHIP).values_list("code", flat=True))
    villages = list(Division.objects.filter(county_code=COUNTY, level=Level.VILLAGE).values_list("code", flat=True))
    households = _households(40_000)
    by_village: dict[str, list[int]] = {}
    for pk, village in households:
        by_village.setdefault(village, []).append(pk)
    now = django.utils.timezone.now()
    with transaction.atomic():
        kinds = [(SourceKind.CENTRAL_INDUSTRY, "60000000.00"), (SourceKind.PROVINCIAL_VILLAGE, "30000000.00"),
                 (SourceKind.COUNTY_INTEGRATED, "30000000.00"), (SourceKind.DEPARTMENT, "20000000.00"),
                 (SourceKind.SOCIAL, "5000000.00"), (SourceKind.OTHER, "5000000.00")]
        sources = FundSource.objects.bulk_create([
            FundSource(county_code=COUNTY, division_code=COUNTY, year=YEAR, kind=k, name=str(k.label), amount=Decimal(a),
                       department="agriculture" if k == SourceKind.DEPARTMENT else "") for k, a in kinds])
        projects = []
        for i in range(PROJECTS):
            area = (COUNTY if i % 30 == 0 else rng.choice(townships) if i % 5 == 0 else rng.choice(villages))
            kind = ProjectType.INFRASTRUCTURE if i % 4 == 0 else ProjectType.INDUSTRY
            projects.append(Project(county_code=COUNTY, division_code=area, year=YEAR, code=f"B{i:05d}",
                                    name=f"项目{i}", type=kind, budget=Decimal("400000.00"), lead_unit="县财政局",
                                    status=ProjectStatus.IMPLEMENTING))
        Project.objects.bulk_create(projects, batch_size=1000)
        allocations = []
        for i, p in enumerate(projects):
            source = sources[i % len(sources)]
            under = [v for v in villages if v.startswith(p.division_code)][:3] if len(p.division_code) < 12 else []
            for area in [p.division_code, *under]:
                allocations.append(Allocation(county_code=COUNTY, division_code=area, year=YEAR, source=source,
                                              project=p, amount=Decimal("90000.00"), allocated_on=dt.date(YEAR, 4, 1)))
        Allocation.objects.bulk_create(allocations, batch_size=2000)
        next_id = bulk.next_id(Disbursement)
        fields = ["id", "county_code", "division_code", "year", "allocation_id", "source_id", "project_id",
                  "allocation_area", "amount", "mode", "household_id", "paid_on", "voucher_no", "reason",
                  "created_at"]
        per_allocation = PAYMENTS // len(allocations) + 1
        rows = []
        for a in allocations:
            payees = [pk for v, pks in by_village.items() if v.startswith(a.division_code) for pk in pks[:50]] \
                if len(a.division_code) == 12 else []
            for j in range(per_allocation):
                if len(rows) >= PAYMENTS:
                    break
                household = payees[j % len(payees)] if payees and j % 4 else None
                mode = DisbursementMode.REWARD if household else DisbursementMode.LOAN_RISK
                rows.append((next_id + len(rows), COUNTY, a.division_code, YEAR, a.pk, a.source_id, a.project_id, a.division_code,
                             Decimal(rng.randrange(1, 30000)) / 100, mode, household, dt.date(YEAR, 6, 1),
                             f"V{len(rows)}", "", now))
        bulk.insert_rows(Disbursement, fields, rows)
        bulk.reset_sequence(Disbursement)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"projects": len(projects), "allocations": len(allocations), "payments": len(rows)}


# --- raw SQL baselines ---------------------------------------------------------------------------

def raw_ledger() -> list:
    length = "LENGTH" if connection.vendor == "sqlite" else "CHAR_LENGTH"
    statements = [
        f"SELECT s.kind, SUM(a.amount) FROM funds_allocation a JOIN funds_fundsource s ON s.id = a.source_id "
        f"WHERE a.year = {YEAR} AND a.status = 'active' AND a.division_code >= '{COUNTY}' AND a.division_code < "
        f"'361023' GROUP BY s.kind",
        f"SELECT s.kind, SUM(d.amount) FROM funds_disbursement d JOIN funds_fundsource s ON s.id = d.source_id "
        f"WHERE d.year = {YEAR} AND d.allocation_area >= '{COUNTY}' AND d.allocation_area < '361023' GROUP BY s.kind",
        f"SELECT kind, SUM(amount) FROM funds_fundsource WHERE year = {YEAR} AND status = 'active' "
        f"AND division_code = '{COUNTY}' GROUP BY kind",
        f"SELECT p.id, p.code, p.name, p.budget, a.s, d.s FROM funds_project p "
        f"LEFT JOIN (SELECT project_id, SUM(amount) s FROM funds_allocation WHERE year = {YEAR} AND status = 'active' "
        f"GROUP BY project_id) a ON a.project_id = p.id "
        f"LEFT JOIN (SELECT project_id, SUM(amount) s FROM funds_disbursement WHERE year = {YEAR} "
        f"GROUP BY project_id) d ON d.project_id = p.id WHERE p.year = {YEAR} ORDER BY p.division_code, p.code",
        f"SELECT SUBSTR(division_code, 1, 9), SUM(amount) FROM funds_allocation WHERE year = {YEAR} "
        f"AND status = 'active' AND {length}(division_code) >= 9 GROUP BY 1",
        f"SELECT SUBSTR(allocation_area, 1, 9), SUM(amount) FROM funds_disbursement WHERE year = {YEAR} "
        f"AND {length}(allocation_area) >= 9 GROUP BY 1",
        f"SELECT SUM(amount) FROM funds_allocation WHERE year = {YEAR} AND status = 'active' "
        f"AND division_code = '{COUNTY}'",
        f"SELECT SUM(amount) FROM funds_disbursement WHERE year = {YEAR} AND allocation_area = '{COUNTY}'",
        f"SELECT SUM(amount) FROM funds_allocation WHERE year = {YEAR} AND status = 'active'",
        f"SELECT SUM(amount) FROM funds_disbursement WHERE year = {YEAR}",
        f"SELECT code, name FROM divisions_division WHERE parent_code = '{COUNTY}' ORDER BY code",
    ]
    out = []
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            out.append(cursor.fetchall())
    return out


def raw_checks() -> list:
    length = "LENGTH" if connection.vendor == "sqlite" else "CHAR_LENGTH"
    statements = [
        f"SELECT SUM(amount) FROM funds_fundsource WHERE year = {YEAR} AND status = 'active' "
        f"AND kind = 'central_industry' AND county_code = '{COUNTY}'",
        f"SELECT SUM(d.amount) FROM funds_disbursement d JOIN funds_fundsource s ON s.id = d.source_id "
        f"WHERE d.year = {YEAR} AND d.county_code = '{COUNTY}' AND s.kind = 'central_industry' AND d.mode = 'reward' "
        f"AND d.household_id IS NOT NULL",
        f"SELECT v.division_code, a.s FROM registry_villageprofile v LEFT JOIN (SELECT x.division_code, SUM(x.amount) s "
        f"FROM funds_allocation x JOIN funds_fundsource s ON s.id = x.source_id WHERE x.year = {YEAR} "
        f"AND x.status = 'active' AND s.kind = 'provincial_village' AND {length}(x.division_code) = 12 "
        f"GROUP BY x.division_code) a ON a.division_code = v.division_code WHERE v.county_code = '{COUNTY}' "
        f"AND v.poverty_status = 'poor'",
        f"SELECT SUM(a.amount), COUNT(DISTINCT a.project_id) FROM funds_allocation a "
        f"JOIN funds_fundsource s ON s.id = a.source_id JOIN funds_project p ON p.id = a.project_id "
        f"WHERE a.year = {YEAR} AND a.status = 'active' AND s.kind = 'county_integrated' "
        f"AND p.type = 'infrastructure' AND {length}(p.division_code) = 12",
        f"SELECT SUM(d.amount) FROM funds_disbursement d JOIN funds_fundsource s ON s.id = d.source_id "
        f"JOIN funds_project p ON p.id = d.project_id WHERE d.year = {YEAR} AND s.kind = 'county_integrated' "
        f"AND p.type = 'infrastructure' AND {length}(p.division_code) = 12",
    ]
    out = []
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            out.append(cursor.fetchall())
    return out


def bench_funds() -> None:
    from fupin.funds import selectors

    started = time.perf_counter()
    made = generate()
    print(f"funds: {made['projects']:,} projects, {made['allocations']:,} allocations, {made['payments']:,} payments "
          f"generated in {time.perf_counter() - started:.1f} s")
    user = _user()
    best, median, led = _best(lambda: selectors.ledger(user, COUNTY, YEAR))
    raw_best, raw_median, _raw = _best(raw_ledger)
    exact = sum((c["disbursed"] for c in led.children), led.own["disbursed"]) == led.totals["disbursed"]
    print(f"  county ledger: {best * 1000:7.1f} ms (median {median * 1000:.1f}); {len(led.projects)} projects, "
          f"{len(led.children)} townships, disbursed {led.totals['disbursed']:,.2f} (reconciles: {exact}); "
          f"raw SQL {raw_best * 1000:7.1f} ms (median {raw_median * 1000:.1f}); ratio {best / raw_best:.1f}x")
    best, median, (found, _limits) = _best(lambda: selectors.policy_checks(user, COUNTY, YEAR))
    raw_best, raw_median, _ = _best(raw_checks)
    print(f"  policy checks: {best * 1000:7.1f} ms (median {median * 1000:.1f}); "
          f"{', '.join(f'{c.key}={c.passed}' for c in found)}; raw SQL {raw_best * 1000:7.1f} ms "
          f"(median {raw_median * 1000:.1f}); ratio {best / raw_best:.1f}x")


def main() -> None:
    call_command("migrate", verbosity=0)
    from fupin.divisions.models import Division

    if not Division.objects.filter(code=COUNTY).exists():
        from fupin.divisions.loader import load_files

        load_files(sorted((ROOT / "src" / "fupin" / "divisions" / "data" / COUNTY).glob("*.csv")))
    print(f"engine: {connection.vendor}")
    bench_funds()


if __name__ == "__main__":
    main()
