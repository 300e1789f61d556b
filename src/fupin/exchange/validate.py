"""Checking a household workbook, column by column, with polars expressions (no Python loop over
rows): every check of household-template.md, reported per cell with the row, the column as the
file names it, the value and a message in Chinese.

The result is the parsed members (one row per person) and households (one row per household
code) with typed values, and the problems. The checks that need the database (an ID already in
another household) run in the importer, on the staged rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from fupin.exchange import template
from fupin.exchange.reader import ROW, Sheet
from fupin.registry import codes, idnumber

FULL = "０１２３４５６７８９．，－＋ｘＸ　"
HALF = "0123456789.,-+XX "
WEIGHTS = idnumber.WEIGHTS
HEALTH_TERMS = [template.HEALTHY, *template.HEALTH_FLAGS]
PHONE = r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$"
PROBLEM_SCHEMA = {ROW: pl.Int64, "column": pl.Utf8, "value": pl.Utf8, "message": pl.Utf8}


@dataclass
class Checked:
    members: pl.DataFrame  # parsed member fields, household_code, division_code, ROW
    households: pl.DataFrame  # parsed household fields, one row per household_code, first ROW
    problems: pl.DataFrame  # ROW, column, value, message


def fold(expr: pl.Expr) -> pl.Expr:
    """Full-width digits and signs to ASCII."""
    return expr.str.replace_many(list(FULL), list(HALF))


class Problems:
    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self.frames: list[pl.DataFrame] = []
        self.pending: list[tuple] = []

    def header(self, field: str) -> str:
        return self.sheet.headers.get(field, template.BY_FIELD[field].header if field in template.BY_FIELD else field)

    def add(self, frame: pl.DataFrame, field: str, message: pl.Expr, when: pl.Expr, value: pl.Expr | None = None):
        """Rows of ``frame`` where ``when`` holds get ``message`` on column ``field``. The value
        shown is the cell as the file has it (unless ``value`` says otherwise).

        Checks are gathered and evaluated together, one pass over each frame for all of them
        (most find nothing); only those that found something then pick their rows."""
        self.pending.append((frame, field, message, when, value))

    def _flush(self) -> None:
        groups: dict[int, tuple[pl.DataFrame, list]] = {}
        for item in self.pending:
            groups.setdefault(id(item[0]), (item[0], []))[1].append(item)
        self.pending = []
        for frame, items in groups.values():
            hits = frame.select([item[3].fill_null(False).any().alias(f"c{i}") for i, item in enumerate(items)]).row(0)
            for hit, item in zip(hits, items, strict=True):
                if hit:
                    self._pick(*item)

    def _pick(self, frame: pl.DataFrame, field: str, message: pl.Expr, when: pl.Expr, value: pl.Expr | None):
        found = frame.filter(when)
        if not found.height:
            return
        if value is None and field in self.sheet.frame.columns:
            found = found.select(ROW, message.alias("message")).join(
                self.sheet.frame.select(ROW, pl.col(field).alias("_cell")), on=ROW, how="left")
            value, message = pl.col("_cell"), pl.col("message")
        self.frames.append(found.select(
            pl.col(ROW).cast(pl.Int64),
            pl.lit(self.header(field)).alias("column"),
            (value if value is not None else pl.col(field).cast(pl.Utf8)).cast(pl.Utf8).fill_null("").alias("value"),
            message.alias("message"),
        ))

    def rows(self, rows: list[tuple[int, str, str, str]]):
        if rows:
            self.frames.append(pl.DataFrame(rows, schema=PROBLEM_SCHEMA, orient="row"))

    def frame(self) -> pl.DataFrame:
        self._flush()
        if not self.frames:
            return pl.DataFrame(schema=PROBLEM_SCHEMA)
        return pl.concat(self.frames).unique().sort([ROW, "column"])


def _lit(text: str) -> pl.Expr:
    return pl.lit(text, dtype=pl.Utf8)


def check(sheet: Sheet, *, village_codes: set[str], visible: set[str], this_year: int | None = None) -> Checked:
    """``village_codes``: every village code that exists; ``visible``: those the user may import into."""
    this_year = this_year or dt.date.today().year
    p = Problems(sheet)
    df = sheet.frame
    for column in template.COLUMNS:
        if column.field not in df.columns:
            df = df.with_columns(pl.lit("").alias(column.field))
    raw = {c.field: pl.col(c.field) for c in template.COLUMNS}

    # formula cells (xlsx): their value is whatever Excel last calculated, or nothing
    p.rows([(row, header, "", "该单元格是公式：请将本列复制后“选择性粘贴-数值”，再导入")
            for row, header in sheet.formulas])

    # required cells
    for column in template.COLUMNS:
        if column.required:
            p.add(df, column.field, _lit(f"“{p.header(column.field)}”不能为空"), raw[column.field] == "")

    # Each column is parsed once, into a working column beside the cell (``~field``); the checks
    # then compare the two, and the parsed values take the cells' place.
    parsed: dict[str, pl.Expr] = {}
    for column in template.COLUMNS:
        f, cell = column.field, raw[column.field]
        if column.kind == "code":
            table = template.accepted(column)
            value = cell.replace_strict(table, default=None, return_dtype=pl.Utf8)
            value = value.fill_null(cell.str.to_lowercase().replace_strict(table, default=None, return_dtype=pl.Utf8))
            parsed[f] = pl.when(cell == "").then(_lit("")).otherwise(value)
        elif column.kind == "yesno":
            low = cell.str.to_lowercase()
            parsed[f] = pl.when(low.is_in(list(template.YES))).then(True).when(low.is_in(list(template.NO))).then(False)
        elif column.kind in ("year", "months", "money", "area"):
            parsed[f] = fold(cell).str.replace_all(r"[,\s元亩¥]", "").cast(pl.Float64, strict=False)
        elif column.kind == "phone":
            parsed[f] = fold(cell).str.replace_all(r"\s", "")
        elif column.kind == "bank":
            parsed[f] = fold(cell).str.replace_all(r"[\s-]", "")
        elif column.kind == "causes":  # one spelling of the separators, so rows of a household compare
            parsed[f] = cell.str.replace_all(r"[、,，;；/\s]+", "、").str.strip_chars("、")
    df = df.with_columns([expr.alias(f"~{f}") for f, expr in parsed.items()])

    for column in template.COLUMNS:
        f, cell = column.field, raw[column.field]
        if f not in parsed:
            continue
        value = pl.col(f"~{f}")
        header = p.header(f)
        if column.kind == "code":
            choices = "、".join(template.terms(column.codes)[:20])
            p.add(df, f, _lit(f"“{header}”的值不在代码表中（可填：{choices}）"), (cell != "") & value.is_null())
        elif column.kind == "yesno":
            p.add(df, f, _lit(f"“{header}”应填“是”或“否”"), (cell != "") & value.is_null())
        elif column.kind in ("year", "months", "money", "area"):
            p.add(df, f, _lit(f"“{header}”应为数字"), (cell != "") & value.is_null())
            if column.kind == "year":
                bad = value.is_not_null() & ((value != value.round(0)) | (value < 1980) | (value > this_year + 1))
                p.add(df, f, _lit(f"“{header}”应为 1980 至 {this_year + 1} 之间的年份"), bad)
            elif column.kind == "months":
                bad = value.is_not_null() & ((value != value.round(0)) | (value < 0) | (value > 12))
                p.add(df, f, _lit(f"“{header}”应为 0 至 12 的整数"), bad)
            else:
                p.add(df, f, _lit(f"“{header}”不能为负数"), value < 0)
        elif column.kind == "phone":
            p.add(df, f, _lit(f"“{header}”应为 11 位手机号或带区号的固定电话"), (value != "") & ~value.str.contains(PHONE))
        elif column.kind == "bank":
            p.add(df, f, _lit(f"“{header}”应为 12-30 位数字"), (value != "") & ~value.str.contains(r"^[0-9]{12,30}$"))

    def final(column: template.Column) -> pl.Expr:
        value = pl.col(f"~{column.field}")
        if column.kind in ("year", "months"):
            return value.cast(pl.Int64, strict=False)
        if column.kind in ("money", "area"):
            return value.round(2)
        return value

    df = df.with_columns([final(c).alias(c.field) for c in template.COLUMNS if c.field in parsed])
    df = df.drop([f"~{f}" for f in parsed])

    df = check_ids(df, p)
    df = _check_dates_and_people(df, p, this_year)
    df = _check_villages(df, p, village_codes, visible)
    households = _check_households(df, p)
    return Checked(members=df, households=households, problems=p.frame())


def check_ids(df: pl.DataFrame, p: Problems, unique: bool = True) -> pl.DataFrame:
    """ID numbers, vectorised: 15 -> 18 digits, checksums, birth dates, sex digits, disability cards.
    Rows that fail get the validator's exact message (idnumber.parse)."""
    raw = pl.col("id_number")
    text = fold(raw).str.replace_all(r"\s", "").str.to_uppercase().str.strip_prefix("'")
    length = text.str.len_chars()
    first17 = (pl.when(length == 15).then(text.str.slice(0, 6) + _lit("19") + text.str.slice(6, 9))
               .otherwise(text.str.slice(0, 17)))
    # An 18-digit ID typed into a number cell keeps only 15 significant digits (Excel): whatever the
    # digits say now, even with a checksum that happens to fit, they are not the person's number.
    numeric = pl.col(ROW).is_in(p.sheet.numeric_ids) & (length > 15) if p.sheet.numeric_ids else pl.lit(False)
    df = df.with_columns(_text=text, _len=length, _first17=first17, _numeric=numeric)
    digits = pl.col("_first17")
    # the checksum over the 17 digits as one integer (cheaper than 17 string slices per row)
    value = pl.when(digits.str.contains(r"^[0-9]{17}$")).then(digits.cast(pl.Int64, strict=False))
    total = pl.sum_horizontal([(value // 10 ** (16 - i)) % 10 * w for i, w in enumerate(WEIGHTS)])
    check = (total % 11).replace_strict({i: c for i, c in enumerate(idnumber.CHECK_CHARS)}, default=None,
                                         return_dtype=pl.Utf8)
    df = df.with_columns(_check=check)
    number = pl.when(pl.col("_len") == 15).then(digits + pl.col("_check")).otherwise(pl.col("_text").str.slice(0, 18))
    birth = number.str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)
    ok = (
        pl.col("_len").is_in([15, 18, 20])
        & digits.str.contains(r"^[0-9]{17}$")
        & (pl.when(pl.col("_len") == 15).then(pl.col("_text").str.contains(r"^[0-9]{15}$"))
           .otherwise(pl.col("_text").str.slice(17, 1) == pl.col("_check")))
        & number.str.slice(0, 2).is_in(sorted(idnumber.PROVINCE_CODES))
        & birth.is_not_null() & (birth >= idnumber.EARLIEST_BIRTH) & (birth <= dt.date.today())
        & ~pl.col("_numeric")
        & (pl.when(pl.col("_len") == 20).then(pl.col("_text").str.slice(18, 1).is_in(list("1234567"))
                                              & pl.col("_text").str.slice(19, 1).is_in(list("1234")))
           .otherwise(True))
    )
    df = df.with_columns(
        _id_ok=ok.fill_null(False),
        id18=pl.when(ok).then(number),
        _id_birth=pl.when(ok).then(birth),
        _id_sex=pl.when(ok).then(pl.when(number.str.slice(16, 1).cast(pl.Int64, strict=False) % 2 == 1)
                                 .then(_lit("1")).otherwise(_lit("2"))),
        _card_category=pl.when(ok & (pl.col("_len") == 20)).then(pl.col("_text").str.slice(18, 1)),
        _card_grade=pl.when(ok & (pl.col("_len") == 20)).then(pl.col("_text").str.slice(19, 1)),
    )
    bad = df.filter(~pl.col("_id_ok") & (raw != "")).select(ROW, "id_number", "_numeric")
    header = p.header("id_number")
    rows = []
    for row, value, numeric in bad.iter_rows():
        if numeric:
            rows.append((row, header, value, "证件号码存成了数字：Excel 只保留 15 位有效数字，末尾几位已丢失，"
                                             "请将该列设为文本后重新填写"))
            continue
        if "*" in value:
            rows.append((row, header, value, "证件号码已脱敏（含 *），不能导入：请使用完整导出的文件"))
            continue
        try:
            idnumber.parse(value)
            message = "证件号码无效"
        except idnumber.IdNumberError as exc:
            message = exc.message
        rows.append((row, header, value, message))
    p.rows(rows)
    if not unique:
        return df
    # the same person twice in the file
    dupes = (df.filter(pl.col("id18").is_not_null()).group_by("id18")
             .agg(pl.col(ROW).sort().alias("rows")).filter(pl.col("rows").list.len() > 1))
    rows = []
    for number, found in dupes.iter_rows():
        for row in found:
            others = "、".join(str(r) for r in found if r != row)
            rows.append((row, header, number, f"证件号码与第 {others} 行重复（同一人只能登记一次）"))
    p.rows(rows)
    return df


def parse_date(cell: pl.Expr) -> pl.Expr:
    """1980-03-07, 1980/3/7, 19800307, 1980年3月7日, 1980.3.7 or an Excel date serial; else null."""
    text = fold(cell)
    serial = text.cast(pl.Float64, strict=False)
    return pl.coalesce(
        text.str.slice(0, 10).str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        text.str.strptime(pl.Date, "%Y/%m/%d", strict=False),
        text.str.strptime(pl.Date, "%Y%m%d", strict=False),
        text.str.strptime(pl.Date, "%Y年%m月%d日", strict=False),
        text.str.strptime(pl.Date, "%Y.%m.%d", strict=False),
        pl.when(serial.is_between(1, 80000) & (text.str.len_chars() <= 6))
        .then(pl.lit(dt.date(1899, 12, 30)) + pl.duration(days=serial.cast(pl.Int64))),
    )


def _check_dates_and_people(df: pl.DataFrame, p: Problems, this_year: int) -> pl.DataFrame:
    cell = pl.col("birth_date")
    df = df.with_columns(_birth_given=parse_date(cell))
    p.add(df, "birth_date", _lit("出生日期无法识别（可写 1980-03-07、1980/3/7、19800307 或 1980年3月7日）"),
          (cell != "") & pl.col("_birth_given").is_null())
    p.add(df, "birth_date", _lit("出生日期与证件号码不符"),
          pl.col("_birth_given").is_not_null() & pl.col("_id_birth").is_not_null()
          & (pl.col("_birth_given") != pl.col("_id_birth")))
    p.add(df, "sex", _lit("性别与证件号码不符"),
          (pl.col("sex") != "") & pl.col("_id_sex").is_not_null() & (pl.col("sex") != pl.col("_id_sex")))

    # 健康状况: 健康, or any of 长期慢性病 / 患有大病 / 残疾 joined by 、
    health = pl.col("health").str.replace_all(r"[、,，;；/\s]+", "、").str.split("、")
    df = df.with_columns(_health=health.list.eval(pl.element().filter(pl.element() != "")))
    unknown = pl.col("_health").list.eval(~pl.element().is_in(HEALTH_TERMS)).list.any()
    p.add(df, "health", _lit("健康状况只能填写：健康、长期慢性病、患有大病、残疾（可用“、”连接多项）"),
          (pl.col("health") != "") & unknown)
    flags = {flag: pl.col("_health").list.contains(term) for term, flag in template.HEALTH_FLAGS.items()}
    df = df.with_columns(**{flag: expr.fill_null(False) for flag, expr in flags.items()})
    card = pl.col("_card_category").is_not_null()
    df = df.with_columns(
        disabled=pl.col("disabled") | card,
        disability_category=pl.when(pl.col("disability_category") == "").then(pl.col("_card_category").fill_null(""))
        .otherwise(pl.col("disability_category")),
        disability_grade=pl.when(pl.col("disability_grade") == "").then(pl.col("_card_grade").fill_null(""))
        .otherwise(pl.col("disability_grade")),
        id_type=pl.when(card).then(_lit(codes.IdType.DISABILITY_CARD))
        .when(pl.col("id_type") == "").then(_lit(codes.IdType.RESIDENT_ID)).otherwise(pl.col("id_type")),
    )
    p.add(df, "disability_category", _lit("残疾类别与残疾人证号码不符"),
          card & (pl.col("disability_category") != pl.col("_card_category")))
    p.add(df, "disability_category", _lit("健康状况为残疾时须填写残疾类别"),
          pl.col("disabled") & (pl.col("disability_category") == ""))
    p.add(df, "disability_grade", _lit("健康状况为残疾时须填写残疾等级"),
          pl.col("disabled") & (pl.col("disability_grade") == ""))
    p.add(df, "health", _lit("填写了残疾类别或等级，健康状况应包含“残疾”"),
          ~pl.col("disabled") & ((pl.col("disability_category") != "") | (pl.col("disability_grade") != "")))

    # exactly one of 文化程度 and 在校生状况 (非在校生 counts as not in school)
    in_school = (pl.col("schooling") != "") & (pl.col("schooling") != "not_in_school")
    p.add(df, "schooling", _lit("文化程度与在校生状况只能填写一项（在校生填在校生状况）"),
          (pl.col("education") != "") & in_school)
    p.add(df, "education", _lit("文化程度与在校生状况须填写一项"), (pl.col("education") == "") & ~in_school)

    # work: status and months together
    working = (pl.col("work_status") != "") & (pl.col("work_status") != "none")
    months = pl.col("work_months").fill_null(0)
    p.add(df, "work_months", _lit("填写了务工状况，须同时填写务工时间"), working & (months == 0))
    p.add(df, "work_status", _lit("填写了务工时间，须同时填写务工状况"), ~working & (months > 0))
    return df


def _check_villages(df: pl.DataFrame, p: Problems, village_codes: set[str], visible: set[str]) -> pl.DataFrame:
    code = fold(pl.col("division_code")).str.replace_all(r"\s", "")
    df = df.with_columns(division_code=code, county_code=code.str.slice(0, 6))
    known = pl.col("division_code").is_in(sorted(village_codes))
    p.add(df, "division_code", _lit("行政区划代码应为 12 位村级代码"),
          (pl.col("division_code") != "") & ~pl.col("division_code").str.contains(r"^[0-9]{12}$"))
    p.add(df, "division_code", _lit("行政区划代码不存在（须为村级统计用区划代码）"),
          pl.col("division_code").str.contains(r"^[0-9]{12}$") & ~known)
    p.add(df, "division_code", _lit("该村不在您的管辖范围内"),
          known & ~pl.col("division_code").is_in(sorted(visible)))
    return df


HOUSEHOLD_FIELDS = [c.field for c in template.HOUSEHOLD_COLUMNS]


def _check_households(df: pl.DataFrame, p: Problems) -> pl.DataFrame:
    # Household columns must agree on every row of a household.
    fields = [c.field for c in template.HOUSEHOLD_COLUMNS if c.field != "household_code"]
    # one hash of a row's household columns; a household whose rows have more than one is looked at
    spread = (df.select("household_code", pl.struct(fields).hash().alias("_h"))
              .group_by("household_code").agg(pl.col("_h").n_unique().alias("_n")))
    conflicting = spread.filter(pl.col("_n") > 1).get_column("household_code")
    subset = df.filter(pl.col("household_code").is_in(conflicting.to_list()))
    first = subset.group_by("household_code").agg(pl.col(ROW).min().alias("_first"))
    joined = subset.join(first, on="household_code")
    rows = []
    for column in template.HOUSEHOLD_COLUMNS if subset.height else ():
        f = column.field
        if f == "household_code":
            continue
        firsts = joined.filter(pl.col(ROW) == pl.col("_first")).select("household_code", pl.col(f).alias("_v"))
        differ = (joined.join(firsts, on="household_code")
                  .filter(pl.col(f).cast(pl.Utf8).fill_null("") != pl.col("_v").cast(pl.Utf8).fill_null(""))
                  .select(ROW, "_first"))
        if not differ.height:
            continue
        header = p.header(f)
        source = f if f not in ("other_cause_1", "other_cause_2") else "other_causes"
        original = p.sheet.frame.select(ROW, pl.col(source).alias("_text")) if source in p.sheet.frame.columns \
            else differ.select(ROW, pl.lit("").alias("_text"))
        for row, first_row, value in differ.join(original, on=ROW, how="left").iter_rows():
            rows.append((row, header, value or "", f"同一户各行的“{header}”应一致：与第 {first_row} 行不同"))
    p.rows(rows)

    members = df.group_by("household_code").agg(
        pl.col(ROW).min().alias(ROW),
        (pl.col("relation") == "head").sum().alias("_heads"),
        (pl.col("relation") == "spouse").sum().alias("_spouses"),
        pl.col("sex").filter(pl.col("relation") == "head").first().alias("_head_sex"),
        pl.col("sex").filter(pl.col("relation") == "spouse").first().alias("_spouse_sex"),
        pl.col("_id_sex").filter(pl.col("relation") == "head").first().alias("_head_id_sex"),
        pl.col("_id_sex").filter(pl.col("relation") == "spouse").first().alias("_spouse_id_sex"),
        pl.len().alias("size"),
    )
    households = (df.filter(pl.col(ROW) == pl.col(ROW).min().over("household_code"))
                  .select([*HOUSEHOLD_FIELDS, "county_code"])
                  .join(members, on="household_code"))
    head_sex = pl.coalesce(pl.col("_head_id_sex"), pl.col("_head_sex"))
    spouse_sex = pl.coalesce(pl.col("_spouse_id_sex"), pl.col("_spouse_sex"))
    p.add(households, "relation", pl.format("每户须有且仅有一名户主（本户有 {} 名）", pl.col("_heads")),
          pl.col("_heads") != 1, value=pl.col("household_code"))
    p.add(households, "relation", pl.format("每户最多一名配偶（本户有 {} 名）", pl.col("_spouses")),
          pl.col("_spouses") > 1, value=pl.col("household_code"))
    p.add(households, "relation", _lit("配偶的性别应与户主不同"),
          (pl.col("_spouses") == 1) & (pl.col("_heads") == 1) & (head_sex == spouse_sex)
          & head_sex.is_in(["1", "2"]), value=pl.col("household_code"))

    # household rules (registry.rules.check_household, as expressions)
    kind = pl.col("household_type")
    checks = [
        ("exit_year", "脱贫年度只适用于脱贫户（或转为监测户的脱贫户）",
         pl.col("exit_year").is_not_null() & ~kind.is_in(["exited", "monitored"])),
        ("exit_year", "脱贫户须填写脱贫年度", (kind == "exited") & pl.col("exit_year").is_null()),
        ("monitoring_type", "监测类型只适用于监测户", (pl.col("monitoring_type") != "") & (kind != "monitored")),
        ("monitoring_type", "监测户须填写监测类型", (kind == "monitored") & (pl.col("monitoring_type") == "")),
        ("poverty_attribute", "一般农户不应填写贫困户属性", (pl.col("poverty_attribute") != "") & (kind == "ordinary")),
        ("exit_year", "脱贫年度不能早于识别年度", pl.col("exit_year") < pl.col("identification_year")),
    ]
    for field, message, when in checks:
        p.add(households, field, _lit(message), when.fill_null(False))
    households = _other_causes(households, p)
    households = _transfers(households, p)
    return households.drop([c for c in households.columns if c.startswith("_") and c != ROW])


CENT = 0.005  # money compares to the fen (cells are floats here)


def _transfers(households: pl.DataFrame, p: Problems) -> pl.DataFrame:
    """转移性收入 is the sum of its items (registry.actions.itemise_transfers, as expressions): with a total,
    其他 is what the named items leave (it must not be negative, and a given 其他 must fit); without one,
    the total is the items' sum. Dividends are part of 财产性收入."""
    named = [c for c in template.TRANSFER_ITEMS if c != "transfer_other"]
    total, other = pl.col("transfer_income"), pl.col("transfer_other")
    households = households.with_columns(_named=pl.sum_horizontal([pl.col(c).fill_null(0) for c in named]),
                                         _any=pl.any_horizontal([pl.col(c).is_not_null() for c in template.TRANSFER_ITEMS]))
    p.add(households, "transfer_income", pl.format("转移性收入小于其明细之和（{} 元）", pl.col("_named").round(2)),
          (total.is_not_null() & (total >= 0) & (pl.col("_named") > total + CENT)).fill_null(False))
    p.add(households, "transfer_other", pl.format("转移性收入各项之和（{} 元）与转移性收入不符",
                                                  (pl.col("_named") + other).round(2)),
          (total.is_not_null() & (total >= 0) & other.is_not_null() & ((pl.col("_named") + other - total).abs() > CENT)
           & (pl.col("_named") <= total + CENT)).fill_null(False))
    p.add(households, "property_dividends", _lit("资产收益分红不能大于财产性收入"),
          (pl.col("property_dividends") > pl.col("property_income").fill_null(0) + CENT).fill_null(False))
    return households.with_columns(
        transfer_other=pl.when(total.is_not_null()).then((total - pl.col("_named")).round(2)).otherwise(other),
        transfer_income=pl.when(total.is_not_null()).then(total)
        .when(pl.col("_any")).then((pl.col("_named") + other.fill_null(0)).round(2)).otherwise(None),
    )


def _other_causes(households: pl.DataFrame, p: Problems) -> pl.DataFrame:
    table = template.accepted(template.BY_FIELD["main_cause"])
    parts = pl.col("other_causes").str.replace_all(r"[、,，;；/\s]+", "、").str.split("、").list.eval(
        pl.element().filter(pl.element() != ""))
    households = households.with_columns(_parts=parts)
    households = households.with_columns(
        _values=pl.col("_parts").list.eval(pl.element().replace_strict(table, default=None, return_dtype=pl.Utf8)))
    p.add(households, "other_causes", _lit("其他致贫原因不在代码表中"),
          pl.col("_values").list.eval(pl.element().is_null()).list.any().fill_null(False))
    p.add(households, "other_causes", _lit("其他致贫原因最多填写 2 项"), pl.col("_parts").list.len() > 2)
    p.add(households, "other_causes", _lit("其他致贫原因重复"),
          pl.col("_values").list.n_unique() < pl.col("_values").list.len())
    p.add(households, "other_causes", _lit("其他致贫原因不能与主要致贫原因相同"),
          pl.col("_values").list.contains(pl.col("main_cause")) & (pl.col("main_cause") != ""))
    p.add(households, "main_cause", _lit("填写其他致贫原因时须先填写主要致贫原因"),
          (pl.col("_parts").list.len() > 0) & (pl.col("main_cause") == ""))
    return households.with_columns(
        other_cause_1=pl.col("_values").list.get(0, null_on_oob=True).fill_null(""),
        other_cause_2=pl.col("_values").list.get(1, null_on_oob=True).fill_null(""),
    )
