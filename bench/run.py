"""`make bench`: run the benchmarks on SQLite and PostgreSQL and print figures and ratios.

Each database runs in its own process (settings are read at start-up). Sizes come from the
environment so a quick run is possible:

    BENCH_SCALES=100000,1000000   households generated for the demo and page timings
    BENCH_DATABASES=sqlite,postgresql
    BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/fupin_bench
    BENCH_DIVISIONS=../shared/data/divisions   the national division files
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    databases = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    pg_url = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/fupin_bench")
    status = 0
    for db in databases:
        env = dict(os.environ)
        env["FUPIN_VAR_DIR"] = str(ROOT / "var" / "bench")
        if db == "sqlite":
            env["DATABASE_URL"] = ""
            sqlite_file = ROOT / "var" / "bench" / "fupin.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(str(sqlite_file) + suffix).unlink(missing_ok=True)
        else:
            if not _recreate_pg(pg_url):
                print(f"\n== {db}: server not reachable at {pg_url}, skipped")
                continue
            env["DATABASE_URL"] = pg_url
        print(f"\n== {db}", flush=True)
        result = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_db.py")], env=env, cwd=ROOT)
        status = status or result.returncode
    return status


def _recreate_pg(url: str) -> bool:
    import psycopg

    base, name = url.rsplit("/", 1)
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
