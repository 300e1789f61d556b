"""Bulk loading of many rows in one go: COPY on PostgreSQL, executemany on SQLite.

For generators and importers that write hundreds of thousands of rows; the ORM's per-object
save (and even bulk_create) is far slower at that size. Callers pass plain tuples in column order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection


def table_columns(model, fields: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in fields]


def insert_rows(model, fields: Sequence[str], rows: Iterable[Sequence], *, chunk: int = 20_000) -> int:
    """Insert ``rows`` (tuples in the order of ``fields``) into the model's table; returns the count."""
    table = model._meta.db_table
    columns = table_columns(model, fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            sql = (f"INSERT INTO {connection.ops.quote_name(table)} ({', '.join(connection.ops.quote_name(c) for c in columns)}) "
                   f"VALUES ({', '.join('?' * len(columns))})")
            raw = connection.connection
            batch: list[Sequence] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= chunk:
                    raw.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                raw.executemany(sql, batch)
                count += len(batch)
    return count


def next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {connection.ops.quote_name(model._meta.db_table)}")
        return cursor.fetchone()[0]


def reset_sequence(model) -> None:
    """After inserting explicit ids on PostgreSQL, move the id sequence past them."""
    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 1))",
            [table],
        )
