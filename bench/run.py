"""`make bench`: run the benchmarks on SQLite and PostgreSQL and print figures and ratios.

Each database runs in its own process (settings are read at start-up). Sizes come from the
environment so a quick run is possible:

    BENCH_SCALES=100000,1000000   households generated for the demo and page timings
    BENCH_DATABASES=sqlite,postgresql,prefecture,prefecture-citus
    BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/fupin_bench
    BENCH_DIVISIONS=../shared/data/divisions   the national division files
    BENCH_PREFECTURE_HOUSEHOLDS=1000000   the prefecture run (bench_prefecture.py), on one PostgreSQL
    BENCH_PREFECTURE_IMPORT_ROWS=300000   node (prefecture) and on the local 3-node Citus cluster
                                          (prefecture-citus: ../shared/citus/cluster.sh, started here)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    databases = os.environ.get("BENCH_DATABASES", "sqlite,postgresql,prefecture,prefecture-citus").split(",")
    pg_url = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/fupin_bench")
    status = 0
    for db in databases:
        env = dict(os.environ)
        env["FUPIN_VAR_DIR"] = str(ROOT / "var" / "bench")
        script = "bench_prefecture.py" if db.startswith("prefecture") else "bench_db.py"
        if db == "prefecture-citus":
            url = _citus_db("fupin_bench_prefecture")
            if not url:
                print(f"\n== {db}: Citus is not installed here (../shared/citus/build.sh), skipped")
                continue
            env["DATABASE_URL"] = url
        elif db == "prefecture":
            url = pg_url.rsplit("/", 1)[0] + "/fupin_bench_prefecture"
            if not _recreate_pg(url):
                print(f"\n== {db}: server not reachable at {url}, skipped")
                continue
            env["DATABASE_URL"] = url
        elif db == "sqlite":
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
        result = subprocess.run([sys.executable, str(ROOT / "bench" / script)], env=env, cwd=ROOT)
        status = status or result.returncode
    return status


def _citus_db(name: str) -> str:
    """A fresh database on the local Citus cluster (started if needed); '' when Citus is not installed."""
    cluster = next((d / "cluster.sh" for d in (ROOT.parent / "shared" / "citus", Path("/work/shared/citus"))
                    if (d / "cluster.sh").exists()), None)
    libdir = subprocess.run(["pg_config", "--pkglibdir"], capture_output=True, text=True).stdout.strip()
    if cluster is None or not (Path(libdir) / "citus.so").exists():
        return ""
    subprocess.run(["bash", str(cluster), "start"], check=True, capture_output=True)
    subprocess.run(["bash", str(cluster), "dropdb", name], capture_output=True)
    made = subprocess.run(["bash", str(cluster), "createdb", name], check=True, capture_output=True, text=True)
    return made.stdout.strip().splitlines()[-1]


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
