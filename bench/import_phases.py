"""Where the household import's time goes: the 300,000-member-row CSV of one county (南丰县) into an
empty registry on the database named by DATABASE_URL, timed phase by phase (the import's own progress
steps), beside the raw engine loading the same rows (COPY into a bare table) and the engine alone
writing the households, members and incomes (bench_exchange.floor). Run alone:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fupin_import .venv/bin/python bench/import_phases.py
"""

from __future__ import annotations

import itertools
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
os.environ.setdefault("BENCH_IMPORT_ROWS", "300000")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

ROWS = int(os.environ["BENCH_IMPORT_ROWS"])
COUNTY = "361023"


def main() -> None:
    import bench_exchange
    from fupin.demo.management.commands.demo import PREFECTURE
    from fupin.divisions.loader import load_files
    from fupin.divisions.models import Division, Level
    from fupin.exchange import importer

    call_command("migrate", verbosity=0)
    load_files(sorted(PREFECTURE.glob("*.csv")))
    villages = sorted(Division.objects.filter(county_code=COUNTY, level=Level.VILLAGE).values_list("code", flat=True))
    out = ROOT / "var" / "bench" / "exchange"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"import-phases-{ROWS}.csv"
    bench_exchange.household_frame(ROWS, villages).write_csv(path)
    data = path.read_bytes()
    for attempt in ("new", "again"):
        if attempt == "new":
            bench_exchange.empty_registry()
        marks = [(time.perf_counter(), "开始")]

        def mark(_percent, message, marks=marks):
            marks.append((time.perf_counter(), message))

        result = importer.import_households(path, data, progress=mark)
        marks.append((time.perf_counter(), "结束"))
        assert result.ok, result.problems.head(5)
        total = marks[-1][0] - marks[0][0]
        print(f"import ({attempt}): {ROWS:,} rows in {total:.1f} s ({ROWS / total:,.0f} rows/s)")
        for (t0, label), (t1, _next) in itertools.pairwise(marks):
            print(f"  {label:<24} {t1 - t0:6.2f} s  {100 * (t1 - t0) / total:5.1f} %")
    raw, _ = bench_exchange.timed(bench_exchange.raw_csv, path)
    bench_exchange.drop_raw()
    print(f"raw engine: COPY of the rows into a bare table {raw:.1f} s ({ROWS / raw:,.0f} rows/s)")
    print(f"the engine alone writing the households, members and incomes with the registry's indexes: "
          f"{bench_exchange.floor():.1f} s")


if __name__ == "__main__":
    main()
