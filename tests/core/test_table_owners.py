"""One owner per table: raw SQL that writes a table (INSERT, UPDATE, DELETE) lives in the app whose
model owns that table. (Other apps call the owner's actions: the import hands its checked frames to
``registry.actions.import_register``, matching and identification make clues through
``workflows.actions.add_clues``.) The demo app, which generates and resets a whole county, is the one
exception; temporary staging tables belong to no app."""

import re
from pathlib import Path

from django.apps import apps

SRC = Path(__file__).resolve().parents[2] / "src" / "fupin"
WRITE = re.compile(r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z][a-z0-9_]*)\b")
EXEMPT_APPS = {"demo"}


def owners() -> dict[str, str]:
    return {model._meta.db_table: model._meta.app_config.name.rsplit(".", 1)[-1] for model in apps.get_models()}


def writes_outside_their_app() -> list[str]:
    tables = owners()
    found = []
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).parts
        if len(parts) < 2 or "migrations" in parts or parts[0] in EXEMPT_APPS:
            continue
        app = parts[0]
        for table in WRITE.findall(path.read_text(encoding="utf-8")):
            owner = tables.get(table)
            if owner is not None and owner != app:
                found.append(f"{'/'.join(parts)} writes {table} (owned by {owner})")
    return sorted(set(found))


def test_every_table_is_written_by_its_own_app():
    assert writes_outside_their_app() == []


def test_the_check_finds_a_write_from_another_app(tmp_path, monkeypatch):
    """The check is not vacuous: a clue written from exchange's code would be found."""
    fake = tmp_path / "fupin"
    (fake / "exchange").mkdir(parents=True)
    (fake / "exchange" / "bad.py").write_text('SQL = "INSERT INTO workflows_riskclue (risk) VALUES (1)"\n')
    monkeypatch.setattr(__import__(__name__, fromlist=["SRC"]), "SRC", fake)
    assert writes_outside_their_app() == ["exchange/bad.py writes workflows_riskclue (owned by workflows)"]
