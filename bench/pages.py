"""Page timings on an existing demo database (issue 15 item 5: every page under 1 s).

Run on its own against a database the demo filled (``fupin demo --no-serve --households N``):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/speed .venv/bin/python bench/pages.py
    BENCH_PAGES_QUERIES=5 ...   also print, per page, the 5 slowest statements of the last run
    BENCH_PAGES_EXPLAIN=1 ...   and EXPLAIN ANALYZE of the slowest one (PostgreSQL)
    BENCH_PAGES_ONLY=targets,report   only the pages whose name contains one of these words
    BENCH_PAGES_AREA=3610 BENCH_PAGES_USER=city   the pages of a prefecture as its user

Logged in as the demo user ``county`` (``force_login``; DEBUG off), Django in-process. Per page:
the median of BENCH_PAGES_REPEAT runs (default 3) after one warm-up, each the first visit after a
change in the county (the kept figures of ``core.kept`` forgotten before it: all computed), the
number of statements, the time spent in the database (the same statements replayed on the engine)
and the ratio of the page to that replay; then the median of as many visits with nothing changed
in between (the county's figures kept); above the counties also the visit after a change in one
county (an event on its audit chain: that county's figures computed, the others' kept). The bench
records those events ("bench.touch") in the database it measures.
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
os.environ["FUPIN_DEBUG"] = ""

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

COUNTY = os.environ.get("BENCH_PAGES_AREA", "361022")  # a prefecture (3610) with BENCH_PAGES_USER=city
USER = os.environ.get("BENCH_PAGES_USER", "county")
YEAR = 2023
REPEAT = int(os.environ.get("BENCH_PAGES_REPEAT", "3"))
TOP = int(os.environ.get("BENCH_PAGES_QUERIES", "0"))
EXPLAIN = os.environ.get("BENCH_PAGES_EXPLAIN", "") not in ("", "0")
ONLY = [w for w in os.environ.get("BENCH_PAGES_ONLY", "").split(",") if w]

PAGES = [
    ("dashboard", f"/insights/?area={COUNTY}&year={YEAR}"),
    ("targets", f"/insights/targets/?area={COUNTY}&year={YEAR}"),
    ("yearly report", f"/insights/report/?area={COUNTY}&year={YEAR}"),
    ("yearly report, public", f"/insights/report/?area={COUNTY}&year={YEAR}&public=on"),
    ("welfare overview", f"/welfare/?area={COUNTY}&year={YEAR}"),
    ("household list", f"/households/?area={COUNTY}"),
    ("八个一 coverage", f"/assistance/coverage/?area={COUNTY}&year={YEAR}"),
    ("funds ledger", f"/funds/ledger/?area={COUNTY}&year={YEAR}"),
]


def _time_statements(statements: list[str]) -> list[float]:
    """Each SELECT replayed on the engine: its time in seconds (0 for the others)."""
    out = []
    with connection.cursor() as cursor:
        for sql in statements:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                out.append(0.0)
                continue
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            out.append(time.perf_counter() - started)
    return out


def _explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(r[0] for r in cursor.fetchall())


def _touch(county: str) -> None:
    """A change in ``county`` as far as the kept figures go: one event on its audit chain."""
    from django.db import transaction

    from fupin.core import audit
    from fupin.core.actions import SYSTEM

    with transaction.atomic():
        audit.record(actor=SYSTEM, verb="bench.touch", county_code=county, summary="bench/pages.py")


def main() -> None:
    from fupin.accounts.models import User
    from fupin.registry.models import Household

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=USER))
    households = Household.objects.filter(county_code__startswith=COUNTY[:6]).count()
    first_county = Household.objects.filter(county_code__startswith=COUNTY).order_by("county_code").values_list(
        "county_code", flat=True).first()
    print(f"pages at {households:,} households on {connection.vendor} "
          f"(median of {REPEAT}, Django in-process, user {USER}, area {COUNTY}; first visit after a change; SQL = the "
          f"page's statements replayed; kept = again with nothing changed):")
    for name, url in PAGES:
        if ONLY and not any(w in name for w in ONLY):
            continue
        client.get(url)  # warm
        times = []
        for _ in range(REPEAT):
            cache.clear()  # as after a change in the county: no kept figure is used
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        statements = [q["sql"] for q in ctx.captured_queries]  # (the next request forgets them)
        kept_times = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            client.get(url)
            kept_times.append(time.perf_counter() - started)
        one = ""
        if len(COUNTY) < 6:  # above the counties: the usual first visit follows a change in one county
            one_times = []
            for _ in range(REPEAT):
                _touch(first_county)
                started = time.perf_counter()
                client.get(url)
                one_times.append(time.perf_counter() - started)
            one = f"  one county changed {statistics.median(one_times) * 1000:7.1f} ms"
        sql_times = _time_statements(statements)
        page_ms, sql_ms = statistics.median(times) * 1000, sum(sql_times) * 1000
        print(f"  {name:<24} {page_ms:8.1f} ms  {len(statements):4d} statements  SQL {sql_ms:8.1f} ms  "
              f"ratio {page_ms / max(sql_ms, 0.01):5.1f}x  kept {statistics.median(kept_times) * 1000:7.1f} ms{one}",
              flush=True)
        if TOP:
            worst = sorted(range(len(statements)), key=lambda i: -sql_times[i])[:TOP]
            for i in worst:
                print(f"      {sql_times[i] * 1000:8.1f} ms  #{i:<3d} {statements[i][:220]}")
            if EXPLAIN and worst and connection.vendor == "postgresql":
                print("      EXPLAIN ANALYZE of the slowest:")
                print("\n".join("        " + line for line in _explain(statements[worst[0]]).splitlines()))


if __name__ == "__main__":
    main()
