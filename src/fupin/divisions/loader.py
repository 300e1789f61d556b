"""Loading the official division files (the CSV layout of the `china-division` compilation).

Each file has a header with at least ``code`` and ``name``; plain or gzip. The level comes from
the length of the code, so the five files may be given in any order and any number of times:
loading is an upsert (idempotent). PostgreSQL loads through COPY into a staging table, SQLite
through executemany; both finish with one set-based upsert.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext as _

from fupin.divisions import codes

COLUMNS = ["code", "name", "level", "parent_code", "county_code", "kind", "urban_rural_class",
           "class_inferred", "edition"]
CLASS_HEADERS = ("urbanRuralCode", "urban_rural_class", "城乡分类代码", "class")


class DivisionFileError(ValueError):
    pass


@dataclass
class LoadStats:
    read: int = 0
    inserted: int = 0
    updated: int = 0

    @property
    def unchanged(self) -> int:
        return self.read - self.inserted - self.updated


def _open_text(path: Path) -> io.TextIOBase:
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def read_rows(path: Path, edition: int = 2023) -> Iterator[tuple]:
    with _open_text(path) as handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            return
        if "code" not in header or "name" not in header:
            raise DivisionFileError(f"{path}: 表头缺少 code 或 name 列 (header: {header})")
        i_code, i_name = header.index("code"), header.index("name")
        i_class = next((header.index(h) for h in CLASS_HEADERS if h in header), None)
        for line_no, row in enumerate(reader, start=2):
            if not row or not any(row):
                continue
            code = row[i_code].strip()
            name = row[i_name].strip()
            if not code.isdigit() or len(code) not in codes.LEVEL_BY_LENGTH:
                raise DivisionFileError(f"{path}:{line_no}: 区划代码无效 {code!r}")
            level = codes.level_of(code)
            kind, klass, inferred = "", "", False
            if level == codes.Level.TOWNSHIP:
                kind = codes.township_kind(code)
            elif level == codes.Level.VILLAGE:
                kind = codes.village_kind(name)
                given = row[i_class].strip() if i_class is not None and i_class < len(row) else ""
                klass = given or codes.infer_urban_rural_class(name, code[:9])
                inferred = not given
            county = code[:6] if len(code) >= 6 else ""
            yield (code, name, int(level), codes.parent_of(code), county, kind, klass, inferred, edition)


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_CHANGED = " OR ".join(
    f"divisions_division.{c} IS DISTINCT FROM excluded.{c}" if c != "code" else "FALSE"
    for c in COLUMNS
)
_SET = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS if c != "code")


def _count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM divisions_division")
        return cursor.fetchone()[0]


def load_files(paths: Iterable[Path], edition: int = 2023) -> LoadStats:
    stats = LoadStats()
    with transaction.atomic():
        before = _count()
        for path in paths:
            rows = read_rows(Path(path), edition)
            if connection.vendor == "postgresql":
                read, changed = _load_postgres(rows)
            else:
                read, changed = _load_sqlite(rows)
            stats.read += read
            stats.updated += changed
        stats.inserted = _count() - before
        stats.updated -= stats.inserted
        if stats.inserted or stats.updated:
            # the whole system's chain: the divisions are everyone's (and the kept figures that count
            # villages and townships, core.kept, are computed again)
            from fupin.core import audit
            from fupin.core.actions import SYSTEM

            audit.record(actor=SYSTEM, verb="divisions.load", object_type="divisions.division",
                         summary=_("载入行政区划：新增 %(i)s 行，修改 %(u)s 行") % {"i": stats.inserted,
                                                                           "u": stats.updated})
    return stats


def _load_sqlite(rows: Iterable[tuple]) -> tuple[int, int]:
    sql = (
        f"INSERT INTO divisions_division ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))}) "
        f"ON CONFLICT(code) DO UPDATE SET {_SET} WHERE {_CHANGED.replace('IS DISTINCT FROM', 'IS NOT')}"
    )
    read = changed = 0
    raw = connection.connection
    for chunk in _chunks(rows, 50_000):
        before = raw.total_changes
        raw.executemany(sql, chunk)
        changed += raw.total_changes - before
        read += len(chunk)
    return read, changed


def _load_postgres(rows: Iterable[tuple]) -> tuple[int, int]:
    read = 0
    seen: set[str] = set()
    with connection.cursor() as cursor:
        # The sort and hash of 600k rows fit in memory instead of spilling to disk.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS divisions_stage "
            "(LIKE divisions_division INCLUDING DEFAULTS) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE divisions_stage")
        with cursor.cursor.copy(f"COPY divisions_stage ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                read += 1
                if row[0] in seen:  # a code given twice: the first one counts, as on SQLite
                    continue
                seen.add(row[0])
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO divisions_division ({', '.join(COLUMNS)}) "
            f"SELECT {', '.join(COLUMNS)} FROM divisions_stage "
            f"ON CONFLICT (code) DO UPDATE SET {_SET} WHERE {_CHANGED}"
        )
        changed = cursor.rowcount
    return read, changed
