"""Database triggers that make the audit table append-only (UPDATE and DELETE refused).

Installed by a migration on SQLite and PostgreSQL. ``suspended`` lifts them for one
maintenance transaction (the demo reset); ordinary code has no way around them.
"""

from contextlib import contextmanager

TABLE = "core_auditevent"

_SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]
_SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update", f"DROP TRIGGER IF EXISTS {TABLE}_no_delete"]

_POSTGRES = [
    """CREATE OR REPLACE FUNCTION fupin_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$""",
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
    f"""CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION fupin_append_only()""",
]
_POSTGRES_DROP = [f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}"]


def install_sql(vendor: str) -> list[str]:
    return _POSTGRES if vendor == "postgresql" else _SQLITE


def drop_sql(vendor: str) -> list[str]:
    return _POSTGRES_DROP if vendor == "postgresql" else _SQLITE_DROP


def install(connection) -> None:
    with connection.cursor() as cursor:
        for sql in install_sql(connection.vendor):
            cursor.execute(sql)


@contextmanager
def suspended(connection):
    """Drop the triggers, run the block, put them back (DDL is transactional on both engines).
    On Citus the trigger also sits on every shard of the table, where dropping it on the coordinator
    does not reach: there it is switched off and on again on the shards."""
    from fupin.core import citus

    on_shards = connection.vendor == "postgresql" and citus.is_citus() and TABLE in citus.placed()
    with connection.cursor() as cursor:
        for sql in drop_sql(connection.vendor):
            cursor.execute(sql)
        if on_shards:
            _shard_triggers(cursor, "DISABLE")
    try:
        yield
    finally:
        install(connection)
        if on_shards:
            with connection.cursor() as cursor:
                _shard_triggers(cursor, "ENABLE")


def _shard_triggers(cursor, switch: str) -> None:
    cursor.execute("SELECT run_command_on_shards(%s, %s)", [TABLE, f"ALTER TABLE %s {switch} TRIGGER USER"])
