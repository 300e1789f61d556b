"""Exchange benchmarks on the database named by DATABASE_URL (called by bench_db.py, or alone).

1. Import of the household workbook: BENCH_IMPORT_ROWS member rows (default 1,000,000, about 300k
   households) from CSV and from xlsx, with full validation, into an empty registry; then the same
   file again (nothing changes). Compared with the raw engine loading the same rows into a bare
   table without any checking: COPY (PostgreSQL) or executemany (SQLite), after reading the file
   with the same reader (csv module / calamine).
2. Department matching: a 1M-row medical-insurance list against the registry the import filled
   (1M members), with every rule of that list; compared with the raw engine loading the list and
   joining it to the members by ID number.

The files are generated once (var/bench/exchange) with a fixed seed.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from fupin.core.actions import SYSTEM  # noqa: E402
from fupin.exchange import template  # noqa: E402
from fupin.exchange.reader import column_letter  # noqa: E402

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "1000000"))
OUT = ROOT / "var" / "bench" / "exchange"
COUNTY = "361022"
WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK = np.array(list("10X98765432"))


def ids(address: str, births: np.ndarray, sequence: np.ndarray) -> np.ndarray:
    """Valid 18-character ID numbers, vectorised (GB 11643 checksum)."""
    first = np.char.add(np.char.add(address, births), np.char.zfill(sequence.astype(str), 3))
    digits = np.frombuffer("".join(first.tolist()).encode(), dtype=np.uint8).reshape(-1, 17) - 48
    check = CHECK[(digits.astype(np.int64) @ WEIGHTS) % 11]
    return np.char.add(first, check)


def household_frame(rows: int, villages: list[str], seed: int = 7) -> pl.DataFrame:
    """``rows`` member rows of the template, ~3.3 per household, all text, as a cadre's file has them."""
    rng = np.random.default_rng(seed)
    sizes = rng.choice([1, 2, 3, 4, 5, 6], size=rows // 2, p=[0.1, 0.2, 0.25, 0.25, 0.15, 0.05])
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), rows) + 1]
    sizes[-1] -= sizes.sum() - rows
    sizes = sizes[sizes > 0]
    n_households = len(sizes)
    household = np.repeat(np.arange(n_households), sizes)
    position = np.arange(rows) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    # people: heads born 1950-1985 (men), spouses (women), then children born 2005-2018
    head = position == 0
    spouse = (position == 1) & (sizes[household] > 1)
    child = ~head & ~spouse
    day0 = np.where(child, (dt.date(2005, 1, 1) - dt.date(1900, 1, 1)).days,
                    (dt.date(1950, 1, 1) - dt.date(1900, 1, 1)).days)
    span = np.where(child, 4700, 12700)
    days = day0 + (rng.random(rows) * span).astype(np.int64)
    births = (np.datetime64("1900-01-01") + days.astype("timedelta64[D]")).astype(str)
    births = np.char.replace(births, "-", "")
    sex = np.where(head, 1, np.where(spouse, 0, rng.integers(0, 2, rows)))
    # unique sequence per (birth date): a running number within the date, parity = sex
    order = np.argsort(days, kind="stable")
    rank = np.empty(rows, dtype=np.int64)
    sorted_days = days[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_days)) + 1]
    run_start = np.repeat(starts, np.diff(np.r_[starts, rows]))
    rank[order] = np.arange(rows) - run_start
    sequence = rank * 2 + sex
    if sequence.max() > 999:
        raise ValueError("too many people born on one day for unique ID sequences")
    number = ids("361023", births, sequence)
    village = np.array(villages)[rng.integers(0, len(villages), n_households)][household]
    kind = rng.choice(["贫困户", "脱贫户", "监测户", "一般农户"], n_households, p=[0.05, 0.25, 0.05, 0.65])[household]
    relation = np.where(head, "户主", np.where(spouse, "配偶", np.where(sex == 1, "之子", "之女")))
    frame = pl.DataFrame({
        "户编号": np.char.add("B", np.char.zfill(household.astype(str), 8)),
        "行政区划代码": village,
        "村民小组": np.char.add(((household % 9) + 1).astype(str), "组"),
        "户类型": kind,
        "贫困户属性": np.where(np.isin(kind, ["贫困户", "脱贫户"]), "一般贫困户", ""),
        "识别标准": np.where(np.isin(kind, ["贫困户", "脱贫户"]), "国家", ""),
        "识别年度": np.where(np.isin(kind, ["贫困户", "脱贫户"]), "2016", ""),
        "脱贫年度": np.where(kind == "脱贫户", "2019", ""),
        "监测类型": np.where(kind == "监测户", "边缘易致贫户", ""),
        "主要致贫原因": np.where(np.isin(kind, ["贫困户", "脱贫户"]), "因病", ""),
        "收入年度": "2023",
        "工资性收入": (household * 37 % 30000).astype(str),
        "生产经营性收入": (household * 13 % 8000).astype(str),
        "转移性收入": (household * 7 % 3000).astype(str),
        "危房等级": "A",
        "饮水安全": "是", "卫生厕所": "是", "通生活用电": "是",
        "联系电话": np.char.add("138", np.char.zfill((household % 100_000_000).astype(str), 8)),
        "姓名": np.where(sex == 1, "黄建国", "李秀英"),
        "证件号码": number,
        "性别": np.where(sex == 1, "男", "女"),
        "与户主关系": relation,
        "文化程度": np.where(child, "", "初中"),
        "在校生状况": np.where(child, "小学", ""),
        "健康状况": "健康",
        "劳动技能": np.where(child, "无劳动力", "普通劳动力"),
        "基本医疗保险": "是", "大病保险": "是",
    })
    # every column of the template, as an export has them (the ones not filled are empty)
    return frame.select([pl.col(c.header) if c.header in frame.columns else pl.lit("").alias(c.header)
                         for c in template.COLUMNS])


def write_xlsx(frame: pl.DataFrame, path: Path) -> None:
    """A plain xlsx with inline strings, written directly (xlsxwriter takes minutes for 1M rows)."""
    import zipfile

    columns = frame.columns
    letters = [column_letter(i) for i in range(len(columns))]

    def cell(letter: str, row: int, value: str) -> str:
        value = value.replace("&", "&amp;").replace("<", "&lt;")
        return f'<c r="{letter}{row}" t="inlineStr"><is><t>{value}</t></is></c>'

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://'
                      b'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            out.write(("<row r=\"1\">" + "".join(cell(letter, 1, h) for letter, h in zip(letters, columns, strict=True))
                       + "</row>").encode())
            buffer = []
            for r, values in enumerate(frame.iter_rows(), start=2):
                buffer.append(f'<row r="{r}">' + "".join(cell(letter, r, v) for letter, v in zip(letters, values,
                                                                                                   strict=True) if v)
                              + "</row>")
                if len(buffer) >= 20000:
                    out.write("".join(buffer).encode())
                    buffer = []
            out.write("".join(buffer).encode())
            out.write(b"</sheetData></worksheet>")


CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="成员明细" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>"""


def medical_list(frame: pl.DataFrame, rows: int, seed: int = 11) -> pl.DataFrame:
    """A medical-insurance list: 80% people of the registry, 20% strangers; out-of-pocket spending."""
    rng = np.random.default_rng(seed)
    known = frame.get_column("证件号码").to_numpy()
    pick = known[rng.integers(0, len(known), int(rows * 0.8))]
    strangers = rows - len(pick)
    births = np.char.replace((np.datetime64("1960-01-01") + rng.integers(0, 15000, strangers)
                              .astype("timedelta64[D]")).astype(str), "-", "")
    numbers = np.concatenate([pick, ids("361024", births, rng.integers(0, 1000, strangers))])
    spent = rng.gamma(1.2, 3000, rows).round(2)
    return pl.DataFrame({
        "证件号码": numbers, "姓名": "黄建国",
        "参保状态": rng.choice(["参保", "参保", "参保", "未参保"], rows),
        "医疗总费用": (spent * 2.5).round(2).astype(str), "个人自付": spent.astype(str),
    })


# --- the raw engine ---------------------------------------------------------------------------

def raw_load(columns: list[str], rows) -> None:
    """Load text rows into a bare table: executemany (SQLite) or COPY (PostgreSQL)."""
    names = [f"c{i}" for i in range(len(columns))]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw")
        cursor.execute(f"CREATE TABLE bench_raw ({', '.join(f'{n} TEXT' for n in names)})")
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY bench_raw ({', '.join(names)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            connection.connection.executemany(
                f"INSERT INTO bench_raw VALUES ({', '.join('?' * len(names))})", rows)


def raw_csv(path: Path) -> None:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                names = [f"c{i}" for i in range(len(header))]
                cursor.execute("DROP TABLE IF EXISTS bench_raw")
                cursor.execute(f"CREATE TABLE bench_raw ({', '.join(f'{n} TEXT' for n in names)})")
                handle.seek(0)
                data = handle.read().encode()
                with cursor.cursor.copy("COPY bench_raw FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                    copy.write(data)
        else:
            raw_load(header, reader)


def raw_xlsx(path: Path) -> None:
    import fastexcel

    frame = fastexcel.read_excel(path.read_bytes()).load_sheet(0, dtypes="string").to_polars()
    raw_load(frame.columns, frame.iter_rows())


REGISTRY = ("registry_household", "registry_member", "registry_householdincome")


def floor() -> float:
    """The engine writing the rows the import wrote into copies of the registry tables with the
    same indexes (no reading, no checking): what any import of these rows must pay at least."""
    with transaction.atomic(), connection.cursor() as cursor:
        for table in REGISTRY:
            cursor.execute(f"DROP TABLE IF EXISTS bench_{table}")
            if connection.vendor == "postgresql":
                cursor.execute(f"CREATE TABLE bench_{table} (LIKE {table} INCLUDING DEFAULTS INCLUDING INDEXES)")
            else:
                cursor.execute(f"CREATE TABLE bench_{table} AS SELECT * FROM {table} WHERE 0")
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                               "AND sql IS NOT NULL", [table])
                for name, sql in cursor.fetchall():
                    cursor.execute(sql.replace(f'"{name}"', f'"bench_{name}"').replace(f'"{table}"', f'"bench_{table}"'))
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in REGISTRY:
            cursor.execute(f"INSERT INTO bench_{table} SELECT * FROM {table}")
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        for table in REGISTRY:
            cursor.execute(f"DROP TABLE bench_{table}")
    return elapsed


def drop_raw() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw")


# --- the benchmark ----------------------------------------------------------------------------

def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def empty_registry() -> None:
    from fupin.core import append_only
    from fupin.core.models import Setting

    Setting.put("dataset", "demo")
    from fupin.demo.reset import wipe_demo

    with append_only.suspended(connection):
        wipe_demo()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE registry_household")
            cursor.execute("VACUUM ANALYZE registry_member")


def files() -> tuple[pl.DataFrame, Path, Path, Path]:
    from fupin.divisions.models import Division, Level

    OUT.mkdir(parents=True, exist_ok=True)
    villages = sorted(Division.objects.filter(code__startswith=COUNTY, level=Level.VILLAGE)
                      .values_list("code", flat=True))
    frame = household_frame(ROWS, villages)
    csv_path, xlsx_path, medical = OUT / f"households-{ROWS}.csv", OUT / f"households-{ROWS}.xlsx", \
        OUT / f"medical-{ROWS}.csv"
    if not csv_path.exists():
        frame.write_csv(csv_path)
    if not xlsx_path.exists():
        elapsed, _ = timed(write_xlsx, frame, xlsx_path)
        print(f"  (wrote the xlsx test file in {elapsed:.0f} s)")
    if not medical.exists():
        medical_list(frame, ROWS).write_csv(medical)
    return frame, csv_path, xlsx_path, medical


def bench_import() -> None:
    from fupin.exchange import importer

    frame, csv_path, xlsx_path, medical = files()
    households = frame.get_column("户编号").n_unique()
    print(f"household workbook: {ROWS:,} member rows, {households:,} households, {len(frame.columns)} columns "
          f"(csv {csv_path.stat().st_size / 1e6:.0f} MB, xlsx {xlsx_path.stat().st_size / 1e6:.0f} MB)")
    for label, path, raw in (("csv ", csv_path, raw_csv), ("xlsx", xlsx_path, raw_xlsx)):
        empty_registry()
        elapsed, result = timed(importer.import_households, path, path.read_bytes())
        assert result.ok and result.counts["members_created"] == ROWS, (result.problems.head(5), result.counts)
        again, result = timed(importer.import_households, path, path.read_bytes())
        assert result.ok and result.counts["members_updated"] == 0
        raw_time, _ = timed(raw, path)
        drop_raw()
        written = floor() if label.strip() == "csv" else None
        print(f"  import {label}: new {elapsed:6.1f} s ({ROWS / elapsed:,.0f} rows/s), again (no change) "
              f"{again:6.1f} s ({ROWS / again:,.0f} rows/s); raw engine loading the rows {raw_time:5.1f} s "
              f"({ROWS / raw_time:,.0f} rows/s); ratio {elapsed / raw_time:.1f}x (again {again / raw_time:.1f}x)")
        if written is not None:
            print(f"    (the engine alone writing the {households:,} households, {ROWS:,} members and incomes "
                  f"into tables with the registry's indexes: {written:.1f} s; the import is {elapsed / written:.1f}x "
                  "that)")
    bench_matching(medical)


def bench_matching(path: Path) -> None:
    from fupin.exchange import actions
    from fupin.exchange.models import MatchFinding

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    members = connection.cursor()
    members.execute("SELECT COUNT(*) FROM registry_member WHERE status = 'active'")
    count = members.fetchone()[0]
    data = path.read_bytes()
    run = actions.create_match(actor=SYSTEM, source="medical_insurance", name=path.name, data=data,
                               area_code=COUNTY, enqueue=False)
    elapsed, run = timed(actions.execute_match, run)
    c = run.counts

    def raw() -> int:
        raw_csv(path)
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM bench_raw r JOIN registry_member m ON m.id_number = r.c0 "
                           "AND m.status = 'active'")
            return cursor.fetchone()[0]

    raw_time, matched = timed(raw)
    drop_raw()
    print(f"department matching: {c['rows']:,}-row medical-insurance list against {count:,} members: "
          f"{elapsed:.1f} s ({c['rows'] / elapsed:,.0f} rows/s); matched {c['matched_rows']:,} rows "
          f"(raw join: {matched:,}), {c['clue_findings']:,} clue findings, {c['clues_created']:,} clues, "
          f"{c['discrepancies']:,} discrepancies ({MatchFinding.objects.filter(run=run).count():,} findings); "
          f"raw engine loading and joining {raw_time:.1f} s; ratio {elapsed / raw_time:.1f}x")


def main() -> None:
    call_command("migrate", verbosity=0)
    from fupin.divisions.models import Division

    if not Division.objects.filter(code=COUNTY).exists():
        from fupin.divisions.loader import load_files

        load_files(sorted((ROOT / "src" / "fupin" / "divisions" / "data" / COUNTY).glob("*.csv")))
    print(f"engine: {connection.vendor}")
    bench_import()


if __name__ == "__main__":
    main()
