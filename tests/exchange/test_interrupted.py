"""An import killed half-way (SIGKILL while it writes) leaves the registry as it was.

This runs real processes against a database of its own (a SQLite file, or a fresh PostgreSQL
database on the same server as the test database), because the kill must hit a process that holds
an open transaction, and the test database's transaction would hide the outcome.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests import factories
from tests.exchange import support

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
KILLER = """
import os, signal, sys
import django
django.setup()
from fupin.exchange import importer

def progress(percent, message):
    print(percent, message, flush=True)
    if percent >= {at}:
        os.kill(os.getpid(), signal.SIGKILL)

path = sys.argv[1]
importer.import_households(path, progress=progress, sync_members=True)
print("finished", flush=True)
"""


class Database:
    """A throwaway database of the same kind as the one the tests run on."""

    def __init__(self, tmp_path: Path):
        self.var = tmp_path / "var"
        self.vendor = connection.vendor
        if self.vendor == "postgresql":
            s = connection.settings_dict
            self.name = f"fupin_kill_{uuid.uuid4().hex[:8]}"
            self.admin = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
            self.url = self.admin.rsplit("/", 1)[0] + "/" + self.name
            self._admin(f"CREATE DATABASE {self.name}")
        else:
            self.path = tmp_path / "kill.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(sql)

    def query(self, sql: str) -> list[tuple]:
        if self.vendor == "postgresql":
            import psycopg

            with psycopg.connect(self.url) as conn:
                return conn.execute(sql).fetchall()
        with sqlite3.connect(self.path) as conn:
            return conn.execute(sql).fetchall()

    def drop(self) -> None:
        if self.vendor == "postgresql":
            self._admin(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


def fupin(db: Database, *args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": db.url, "DJANGO_SETTINGS_MODULE": "fupin.settings",
           "FUPIN_VAR_DIR": str(db.var)}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300, **kwargs)


def state(db: Database) -> list:
    return [
        db.query("SELECT household_code, division_code, main_cause, size, status FROM registry_household "
                 "ORDER BY household_code"),
        db.query("SELECT id_number, name, status FROM registry_member ORDER BY id_number"),
        db.query("SELECT household_id, year, wage_income FROM registry_householdincome ORDER BY household_id"),
        db.query("SELECT COUNT(*) FROM core_auditevent WHERE verb LIKE 'member.%' OR verb LIKE 'household.%'"),
    ]


@pytest.fixture
def database(tmp_path):
    db = Database(tmp_path)
    try:
        migrated = fupin(db, "-m", "fupin.cli", "migrate", "-v0")
        assert migrated.returncode == 0, migrated.stderr
        loaded = fupin(db, "-m", "fupin.cli", "divisions", "load", *map(str, sorted(factories.LICHUAN.glob("*.csv"))))
        assert loaded.returncode == 0, loaded.stderr
        yield db
    finally:
        db.drop()


def test_a_killed_import_leaves_the_registry_as_it_was(database, tmp_path):
    first = support.workbook_rows(20, members=3)
    path = tmp_path / "first.csv"
    path.write_bytes(support.to_csv(first))
    done = fupin(database, "-m", "fupin.cli", "import", "households", str(path))
    assert done.returncode == 0, done.stderr
    before = state(database)
    assert len(before[0]) == 20 and len(before[1]) == 60

    # the second file changes every household, adds 20 more and drops a member of each old one
    second = [dict(r, **{"主要致贫原因": "因残", "工资性收入": "9999"}) for r in first if r["与户主关系"] != "之子"]
    second += support.workbook_rows(20, members=3)
    path = tmp_path / "second.csv"
    path.write_bytes(support.to_csv(second))
    # killed once staged (55), once households are written (65), once members are written too (85)
    for kill_at in (55, 65, 85):
        killed = fupin(database, "-c", KILLER.replace("{at}", str(kill_at)), str(path))
        assert killed.returncode == -signal.SIGKILL, (killed.stdout, killed.stderr)
        assert "finished" not in killed.stdout and f"{kill_at} " in killed.stdout
        assert state(database) == before
    # and the same file then imports completely
    done = fupin(database, "-m", "fupin.cli", "import", "households", str(path), "--sync-members")
    assert done.returncode == 0, done.stderr
    after = state(database)
    assert len(after[0]) == 40 and {row[2] for row in after[0][:20]} == {"02"}
