"""Staging tables: temporary tables loaded in bulk (COPY on PostgreSQL, executemany on SQLite), from
which imports and matching write set-based. They live in the current connection only and vanish
with it, so a killed process leaves nothing behind."""

from __future__ import annotations

import polars as pl
from django.db import connection


def create(table: str, columns: list[tuple[str, str]]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMP TABLE {table} ({', '.join(f'{n} {t}' for n, t in columns)})")


def drop(*tables: str) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def load(table: str, columns: list[tuple[str, str]], frame: pl.DataFrame) -> None:
    names = [n for n, _t in columns]
    frame = frame.select(names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Strings quoted (an empty string stays ''), nulls unquoted and empty (NULL).
            buffer = frame.write_csv(include_header=False, quote_style="non_numeric", null_value="",
                                     date_format="%Y-%m-%d")
            with cursor.cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN WITH (FORMAT csv)") as copy:
                copy.write(buffer.encode())
        else:
            rows = frame.with_columns([pl.col(n).cast(pl.Utf8) for n, t in columns if t == "DATE"]).rows()
            connection.connection.executemany(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", rows)


def analyze(*tables: str) -> None:
    """PostgreSQL has no statistics on a fresh (temporary) table, or on one that just grew inside
    the transaction; without them it may plan a nested loop over a million rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")
