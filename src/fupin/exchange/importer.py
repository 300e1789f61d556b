"""Importing the household workbook: read, check, then hand the checked rows to the registry, which
stages them, checks them against what it holds and writes them set-based, all in one transaction (a
failed or interrupted import leaves the registry as it was): see ``fupin.registry.importing``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from fupin.core import clock, csvout
from fupin.core.actions import SYSTEM, is_system
from fupin.divisions.models import Division, Level
from fupin.exchange import reader, template, validate
from fupin.exchange.reader import ROW
from fupin.registry import actions as registry
from fupin.registry.importing import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS


@dataclass
class ImportResult:
    rows: int = 0
    households: int = 0
    problems: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=validate.PROBLEM_SCHEMA))
    warnings: list[str] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    absent: list[tuple[str, str, str]] = field(default_factory=list)  # (household code, name, masked id)
    written: bool = False
    skipped_households: list[str] = field(default_factory=list)
    sheet: reader.Sheet | None = None
    fatal: str = ""  # a problem with the file as a whole (no header, not a workbook...)
    county_code: str = ""

    @property
    def ok(self) -> bool:
        return self.problems.height == 0

    def summary(self) -> dict:
        """What a person (or the batch record) wants to know, JSON-safe."""
        return {
            "rows": self.rows, "households": self.households, "problems": self.problems.height,
            "written": self.written, "fatal": self.fatal, "warnings": self.warnings,
            "skipped_households": len(self.skipped_households),
            "skipped_sample": self.skipped_households[:200],
            "absent_sample": [list(a) for a in self.absent[:200]],
            **self.counts,
        }


def _villages(actor, sheet: reader.Sheet) -> tuple[set[str], set[str]]:
    """The village codes of the file that exist, and those of them the actor may import into
    (only the file's codes are looked up: the country has 620,000 villages)."""
    if "division_code" not in sheet.frame.columns:
        return set(), set()
    codes_ = (sheet.frame.select(validate.fold(pl.col("division_code")).str.replace_all(r"\s", "").alias("c"))
              .unique().get_column("c").to_list())
    codes_ = [c for c in codes_ if c and len(c) == 12 and c.isascii() and c.isdigit()]
    every: set[str] = set()
    visible: set[str] = set()
    for start in range(0, len(codes_), 5000):
        chunk = codes_[start:start + 5000]
        villages = Division.objects.filter(level=Level.VILLAGE, code__in=chunk)
        every |= set(villages.values_list("code", flat=True))
        visible |= every if is_system(actor) else set(villages.visible_to(actor).values_list("code", flat=True))
    return every, visible


def import_households(path, data: bytes | None = None, *, actor=SYSTEM, dry_run: bool = False, partial: bool = False,
                      sync_members: bool = False, progress: Callable[[int, str], None] | None = None,
                      batch=None) -> ImportResult:
    """Import a household workbook. All or nothing (unless ``partial``); ``dry_run`` checks and
    counts what would change, then rolls back."""
    say = progress or (lambda _p, _m: None)
    say(5, "读取文件")
    sheet = reader.read(path, data)
    result = ImportResult(sheet=sheet)
    if sheet.unknown:
        result.warnings.append("以下列不在模板中，已忽略：" + "、".join(sheet.unknown))
    say(15, "检查")
    every, visible = _villages(actor, sheet)
    checked = validate.check(sheet, village_codes=every, visible=visible, this_year=clock.today().year)
    result.rows = checked.members.height
    result.households = checked.households.height
    counties = checked.households.get_column("county_code").unique().to_list()
    result.county_code = counties[0] if len(counties) == 1 else ""
    households, members = frames(checked)
    outcome = registry.import_register(
        actor=actor, households=households, members=members,
        bad_rows=set(checked.problems.get_column(ROW).to_list()), partial=partial, sync_members=sync_members,
        dry_run=dry_run, file_name=str(path), batch_id=batch.pk if batch is not None else None,
        county_code=result.county_code, say=say)
    headers = {"id_number": template.ID_HEADER, "household_code": "户编号"}
    conflicts = pl.DataFrame([(row, headers.get(f, f), value, message) for row, f, value, message in outcome.conflicts],
                             schema=validate.PROBLEM_SCHEMA, orient="row")
    result.problems = pl.concat([checked.problems, conflicts]).unique().sort([ROW, "column"])
    result.skipped_households = outcome.skipped_households
    result.counts = outcome.counts
    result.absent = outcome.absent
    result.written = outcome.written
    if result.written:
        say(95, "完成")
    return result


def frames(checked: validate.Checked) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The checked workbook in the shape the registry's import takes (its HOUSEHOLD_COLUMNS and
    MEMBER_COLUMNS): the ID as normalised, sex and birth date from the ID where it gives them."""
    members = checked.members.with_columns(
        pl.col(ROW).alias("row"),
        pl.col("id18").alias("id_number"),
        pl.coalesce(pl.col("_id_sex"), pl.col("sex")).alias("sex"),
        pl.coalesce(pl.col("_id_birth"), pl.col("_birth_given")).alias("birth_date"),
        pl.when(pl.col("ethnicity") == "").then(pl.lit("01")).otherwise(pl.col("ethnicity")).alias("ethnicity"),
    ).select([n for n, _t in MEMBER_COLUMNS])
    households = checked.households.with_columns(pl.col(ROW).alias("row")).select([n for n, _t in HOUSEHOLD_COLUMNS])
    return households, members


def problem_rows(problems: pl.DataFrame) -> list[dict]:
    return [{"行号": r, "列": c, "值": v, "错误": m} for r, c, v, m in problems.iter_rows()]


def write_report(problems: pl.DataFrame, out, fmt: str, sheet: reader.Sheet | None = None) -> None:
    """The problems as json, csv or xlsx (xlsx: the original rows with bad cells highlighted). ID
    numbers are masked: the report is kept, and others in the area may read it."""
    from fupin.exchange import workbooks

    if fmt != "xlsx":
        problems = workbooks.mask_problems(problems, sheet)
    if fmt == "json":
        out.write(json.dumps(problem_rows(problems), ensure_ascii=False, indent=1).encode())
    elif fmt == "csv":
        text = io.StringIO()
        writer = csvout.writer(text)
        writer.writerow(["行号", "列", "值", "错误"])
        writer.writerows(problems.iter_rows())
        out.write(("\ufeff" + text.getvalue()).encode())
    else:
        workbooks.error_report(out, problems, sheet)

