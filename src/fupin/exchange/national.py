"""Exchange with the national monitoring system (全国防返贫监测信息系统): the workbook of a year's
monitored households that the county enters there, and (in matching.py) the list it sends back.

The national system's import template is not public. What we ship is a proposal (docs/national-
monitoring.md): one row per household, the fields below. Each county can rename, reorder and leave out
columns (its column map, kept as a setting) to match what its province's system asks for; the batch
records the map it was written with.

Who is in a year's workbook (one row per household):
- 新增: households whose monitoring case waits at the step 录入全国防返贫监测系统 (decided, not yet entered);
- 在监测: households that are monitored now;
- 风险消除: households whose risk was cleared in the year (risk-elimination procedure done that year).
Built set-based: a few grouped queries joined in polars, no per-household queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation

from fupin.core.models import Setting
from fupin.registry import codes


@dataclass(frozen=True)
class Field:
    key: str
    header: str  # our proposed header
    note: str
    required: bool = False  # the national system cannot place a row without it


FIELDS: tuple[Field, ...] = (
    Field("report", "报送类型", "新增、在监测或风险消除", True),
    Field("county", "县（市、区）", "县名称"),
    Field("township", "乡（镇）", "乡镇名称"),
    Field("village", "行政村", "村名称"),
    Field("division_code", "行政区划代码", "12 位村级统计用区划代码", True),
    Field("household_code", "户编号", "本系统户编号"),
    Field("head_name", "户主姓名", "", True),
    Field("head_id", "户主证件号码", "完整证件号码（全国系统按证件号码识别户）", True),
    Field("size", "家庭人口数", "在册成员人数"),
    Field("phone", "联系电话", ""),
    Field("monitoring_type", "监测对象类别", "脱贫不稳定户、边缘易致贫户、突发严重困难户", True),
    Field("monitoring_start", "纳入监测时间", "YYYY-MM-DD；新增户为县级确定日期"),
    Field("risk_types", "风险类型", "风险类型名称，多项以“、”分隔", True),
    Field("risk_codes", "风险类型代码", "全国系统代码（代码表中设置），多项以“,”分隔"),
    Field("income_year", "收入年度", "人均纯收入的年度"),
    Field("per_capita_income", "人均纯收入（元）", "该年度家庭纯收入 ÷ 家庭人口"),
    Field("measures", "帮扶措施", "该年度帮扶措施类别，多项以“、”分隔（不含已取消）"),
    Field("measure_count", "帮扶措施数", ""),
    Field("risk_cleared", "风险是否消除", "是、否"),
    Field("cleared_on", "风险消除时间", "YYYY-MM-DD"),
    Field("clear_method", "风险消除方式", "帮扶消除、自然消除"),
)
BY_KEY = {f.key: f for f in FIELDS}
REPORT_NEW, REPORT_MONITORED, REPORT_CLEARED = "新增", "在监测", "风险消除"
SHEET_NAME = "监测对象"


def _setting_key(county_code: str) -> str:
    return f"national.columns.{county_code}"


def default_columns() -> list[dict]:
    return [{"field": f.key, "header": f.header} for f in FIELDS]


def column_map(county_code: str) -> list[dict]:
    """The county's columns in order: [{field, header}] (our proposal unless the county changed it)."""
    saved = Setting.get(_setting_key(county_code))
    return [c for c in saved if c.get("field") in BY_KEY] if saved else default_columns()


def check_columns(columns: list[dict]) -> list[dict]:
    """A column map cleaned: known fields, each once, headers given and distinct, required ones kept."""
    clean, seen_fields, seen_headers = [], set(), set()
    for column in columns:
        key, header = column.get("field"), str(column.get("header") or "").strip()
        if key not in BY_KEY:
            raise ValidationError(f"未知的字段：{key}")
        if key in seen_fields:
            raise ValidationError(f"字段“{BY_KEY[key].header}”出现了两次")
        if not header:
            raise ValidationError(f"请填写字段“{BY_KEY[key].header}”的表头")
        if header in seen_headers:
            raise ValidationError(f"表头“{header}”重复")
        seen_fields.add(key)
        seen_headers.add(header)
        clean.append({"field": key, "header": header[:40]})
    missing = [f.header for f in FIELDS if f.required and f.key not in seen_fields]
    if missing:
        raise ValidationError(f"全国系统需要这些列，不能去掉：{'、'.join(missing)}")
    return clean


def _labels(code_list) -> dict[str, str]:
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in code_list.choices}


def _frame(rows, schema: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def population(county_code: str, year: int) -> pl.DataFrame:
    """Who goes into the year's workbook: household_id, report, case_id (the waiting monitoring case),
    and what the case says for households not yet marked monitored (type, risk types, decided on),
    and the clearance (date, method) for those cleared."""
    from fupin.registry.models import Household
    from fupin.workflows.models import Case, CaseStatus
    from fupin.workflows.procedures import Kind

    schema = {"household_id": pl.Int64, "report": pl.Utf8, "case_id": pl.Int64, "case_type": pl.Utf8,
              "case_risks": pl.Utf8, "decided_on": pl.Date, "cleared_on": pl.Date, "clear_method": pl.Utf8}
    entering = [
        (household_id, REPORT_NEW, pk, (data or {}).get("monitoring_type") or "", (data or {}).get("risk_types") or "",
         timezone.localtime(decided).date(), None, "")
        for pk, household_id, data, decided in Case.objects.open().filter(
            county_code=county_code, kind=Kind.MONITOR, step="entry")
        .values_list("pk", "household_id", "data", "step_started_at")]
    cleared = [
        (household_id, REPORT_CLEARED, None, "", "", None, timezone.localtime(finished).date() if finished else None,
         (data or {}).get("method") or "")
        for household_id, finished, data in Case.objects.filter(
            county_code=county_code, kind=Kind.RISK_CLEAR, status=CaseStatus.DONE, finished_at__year=year)
        .values_list("household_id", "finished_at", "data")]
    monitored = [(pk, REPORT_MONITORED, None, "", "", None, None, "") for pk in Household.objects.filter(
        county_code=county_code, status=codes.RecordStatus.ACTIVE, household_type=codes.HouseholdType.MONITORED)
        .values_list("pk", flat=True)]
    # a cleared household is no longer typed: its type is the one its monitoring case recorded
    cleared_ids = [row[0] for row in cleared]
    decided = {}
    for household_id, data in (Case.objects.filter(kind=Kind.MONITOR, status=CaseStatus.DONE,
                                                   household_id__in=cleared_ids)
                               .order_by("household_id", "finished_at").values_list("household_id", "data")):
        decided[household_id] = (data or {}).get("monitoring_type") or ""
    cleared = [(r[0], r[1], r[2], decided.get(r[0], ""), *r[4:]) for r in cleared]
    # a household appears once: a new entry wins over "monitored", a clearance over both (the latest news)
    frame = _frame([*entering, *monitored, *cleared], schema)
    rank = pl.col("report").replace_strict({REPORT_CLEARED: 0, REPORT_NEW: 1, REPORT_MONITORED: 2},
                                           return_dtype=pl.Int8)
    return frame.sort([pl.col("household_id"), rank]).unique("household_id", keep="first", maintain_order=True)


def rows(county_code: str, year: int) -> pl.DataFrame:
    """Every field of FIELDS, as text, one row per household of the year's workbook."""
    from fupin.assistance.models import Category, Measure, MeasureStatus
    from fupin.divisions.models import Division
    from fupin.registry.models import Household, HouseholdIncome, Member
    from fupin.registry.selectors import NET_INCOME, risk_types
    from fupin.workflows.models import RiskMethod

    who = population(county_code, year)
    ids = who.get_column("household_id").to_list()
    head = Member.objects.filter(county_code=OuterRef("county_code"), household=OuterRef("pk"), relation=codes.Relation.HEAD,
                                 status=codes.RecordStatus.ACTIVE)
    homes = _frame(Household.objects.filter(pk__in=ids).annotate(
        head_name=Subquery(head.values("name")[:1]), head_id=Subquery(head.values("id_number")[:1]))
        .values_list("pk", "division_id", "household_code", "size", "phone", "monitoring_type", "monitoring_start",
                     "risk_types", "head_name", "head_id"),
        {"household_id": pl.Int64, "division_code": pl.Utf8, "household_code": pl.Utf8, "size": pl.Int64,
         "phone": pl.Utf8, "monitoring_type": pl.Utf8, "monitoring_start": pl.Date, "risk_codes_own": pl.Utf8,
         "head_name": pl.Utf8, "head_id": pl.Utf8})
    incomes = _frame(HouseholdIncome.objects.filter(household_id__in=ids, year=year).annotate(net=NET_INCOME)
                     .values_list("household_id", "net"), {"household_id": pl.Int64, "net": pl.Float64})
    measures = _frame(Measure.objects.filter(household_id__in=ids, year=year).exclude(status=MeasureStatus.CANCELLED)
                      .order_by("household_id", "category").values_list("household_id", "category"),
                      {"household_id": pl.Int64, "category": pl.Utf8})
    rank = {value: i for i, value in enumerate(Category.values)}  # in the code list's order
    measures = measures.sort(["household_id", pl.col("category").replace_strict(rank, default=99,
                                                                                 return_dtype=pl.Int64)])
    measures = measures.group_by("household_id", maintain_order=True).agg(
        pl.col("category").replace_strict(_labels(Category), default=pl.col("category")).unique(maintain_order=True)
        .str.join("、").alias("measures"), pl.len().cast(pl.Int64).alias("measure_count"))
    names = dict(Division.objects.filter(code__in={county_code} | {c[:9] for c in homes.get_column("division_code")}
                                         | set(homes.get_column("division_code"))).values_list("code", "name"))
    # a county's own type goes out as the national code it was given, else as 其他 (99)
    types = {t.code: (t.name, t.national_code or (codes.RiskTypeCode.OTHER.value if t.is_local else t.code))
             for t in risk_types(county_code, active=False)}

    df = who.join(homes, on="household_id", how="inner").join(incomes, on="household_id", how="left") \
        .join(measures, on="household_id", how="left")
    df = df.with_columns(
        risk=pl.when(pl.col("case_risks") != "").then(pl.col("case_risks")).otherwise(pl.col("risk_codes_own"))
        .fill_null("").str.split(",").list.eval(pl.element().filter(pl.element() != "")),
        mtype=pl.when(pl.col("case_type") != "").then(pl.col("case_type")).otherwise(pl.col("monitoring_type")),
        start=pl.coalesce(pl.col("monitoring_start"), pl.col("decided_on")),
    )

    def text(expr: pl.Expr) -> pl.Expr:
        return expr.cast(pl.Utf8).fill_null("")

    out = df.select(
        pl.col("household_id"),
        text(pl.col("report")).alias("report"),
        pl.lit(names.get(county_code, "")).alias("county"),
        text(pl.col("division_code").str.slice(0, 9).replace_strict(names, default="")).alias("township"),
        text(pl.col("division_code").replace_strict(names, default="")).alias("village"),
        text(pl.col("division_code")).alias("division_code"),
        text(pl.col("household_code")).alias("household_code"),
        text(pl.col("head_name")).alias("head_name"),
        text(pl.col("head_id")).alias("head_id"),
        text(pl.col("size")).alias("size"),
        text(pl.col("phone")).alias("phone"),
        text(pl.col("mtype").replace_strict(_labels(codes.MonitoringType), default="")).alias("monitoring_type"),
        text(pl.col("start")).alias("monitoring_start"),
        pl.col("risk").list.eval(pl.element().replace_strict({k: v[0] for k, v in types.items()}, default=None))
        .list.join("、").fill_null("").alias("risk_types"),
        pl.col("risk").list.eval(pl.element().replace_strict({k: v[1] for k, v in types.items()},
                                                             default=pl.element())).list.join(",").fill_null("")
        .alias("risk_codes"),
        pl.when(pl.col("net").is_not_null()).then(pl.lit(str(year))).otherwise(pl.lit("")).alias("income_year"),
        text((pl.col("net") / pl.col("size")).round(2)).str.replace(r"\.0$", "").alias("per_capita_income"),
        text(pl.col("measures")).alias("measures"),
        text(pl.col("measure_count").fill_null(0)).alias("measure_count"),
        pl.when(pl.col("report") == REPORT_CLEARED).then(pl.lit("是")).otherwise(pl.lit("否")).alias("risk_cleared"),
        text(pl.col("cleared_on")).alias("cleared_on"),
        text(pl.col("clear_method").replace_strict(_labels(RiskMethod), default="")).alias("clear_method"),
        pl.col("case_id"),
    )
    return out.sort(["division_code", "household_code"])


def write(out, table: pl.DataFrame, columns: list[dict]) -> None:
    """The workbook as the column map says: one sheet, text cells (IDs keep every digit), and a sheet
    that says what each column holds."""
    from fupin.exchange.workbooks import _workbook

    book = _workbook(out)
    sheet = book.add_worksheet(SHEET_NAME)
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    for c, column in enumerate(columns):
        sheet.write_string(0, c, column["header"], head)
        sheet.set_column(c, c, 22 if column["field"] in ("head_id", "household_code", "measures") else 12)
    fields = [column["field"] for column in columns]
    for r, record in enumerate(table.select(fields).iter_rows(), start=1):
        for c, value in enumerate(record):
            sheet.write_string(r, c, value or "")
    sheet.freeze_panes(1, 0)
    notes = book.add_worksheet("说明")
    notes.write_row(0, 0, ["表头", "字段", "说明"], head)
    for r, column in enumerate(columns, start=1):
        notes.write_row(r, 0, [column["header"], BY_KEY[column["field"]].header, BY_KEY[column["field"]].note])
    notes.set_column(0, 1, 18)
    notes.set_column(2, 2, 60)
    book.close()


def file_name(county_code: str, year: int, when: dt.datetime) -> str:
    return f"全国防返贫监测系统-监测对象-{county_code}-{year}-{when:%Y%m%d%H%M}.xlsx"
