"""Department data matching (部门数据比对): a department's list is read like the household workbook
(xlsx or CSV, header found by the ID column), its ID numbers normalised exactly as on import, staged
in a temporary table, and joined with the registry's active members by ID number. Each enabled rule
of the county for that kind of list then turns its matches into findings, set-based, one INSERT ...
SELECT per rule: risk clues for the monitoring procedure, or discrepancy reports for the cadres.

The kinds of rule are defined here (their SQL); a county's rules (:class:`MatchRule`) give each
kind its parameters, household types and on/off switch, and are seeded with the defaults below.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import polars as pl
from django.db import connection

from fupin.core import csvout, staging
from fupin.core.actions import SYSTEM, atomic
from fupin.core.masking import mask_id_number
from fupin.core.scope import prefix_upper_bound
from fupin.exchange import reader, validate
from fupin.exchange.models import MatchRule, Outcome, Source
from fupin.exchange.reader import ROW
from fupin.exchange.template import Column
from fupin.exchange.workbooks import mask_problems

ID_ALIASES = ("身份证号", "身份证号码", "公民身份号码", "证件号", "身份证", "残疾人证号")


def _id_column() -> Column:
    return Column("证件号码", "", "id_number", "id", True, aliases=ID_ALIASES)


def _name() -> Column:
    return Column("姓名", "", "name", "text")


@dataclass(frozen=True)
class ListSpec:
    """The columns of one kind of department list and how its cells become staged fields
    (item: a coded kind of record; amount: a number; day: a date; detail, extra: text)."""

    columns: tuple[Column, ...]
    items: dict[str, str] = field(default_factory=dict)  # accepted item spellings -> code
    extras: dict[str, str] = field(default_factory=dict)  # accepted extra spellings -> code (else text)


YES_NO = {"是": "yes", "否": "no", "参保": "yes", "已参保": "yes", "正常参保": "yes", "未参保": "no",
          "断保": "no", "停保": "no", "已改造": "yes", "未改造": "no", "y": "yes", "n": "no", "1": "yes", "0": "no"}

LISTS: dict[str, ListSpec] = {
    Source.MEDICAL_INSURANCE: ListSpec((
        _id_column(), _name(),
        Column("年度", "", "item", "year"),
        Column("参保状态", "", "extra", "code", aliases=("是否参保", "参保情况")),
        Column("医疗总费用", "", "detail", "money", aliases=("总费用", "医疗费用总额")),
        Column("个人自付", "", "amount", "money", aliases=("个人自付费用", "自付金额", "个人负担", "个人自付金额")),
    ), extras=YES_NO),
    Source.CIVIL_AFFAIRS: ListSpec((
        _id_column(), _name(),
        Column("救助类型", "", "item", "code", True, aliases=("类别", "救助类别", "保障类型")),
        Column("金额", "", "amount", "money", aliases=("救助金额", "保障金额")),
        Column("日期", "", "day", "date", aliases=("开始日期", "救助日期", "批准日期")),
    ), items={"低保": "dibao", "最低生活保障": "dibao", "农村低保": "dibao", "特困": "tekun", "特困供养": "tekun",
              "特困人员": "tekun", "临时救助": "temporary"}),
    Source.DISABLED_FEDERATION: ListSpec((
        _id_column(), _name(),
        Column("残疾类别", "", "extra", "code"),
        Column("残疾等级", "", "item", "code"),
    ), items={"1": "1", "2": "2", "3": "3", "4": "4", "一级": "1", "二级": "2", "三级": "3", "四级": "4"},
        extras={"视力": "1", "听力": "2", "言语": "3", "肢体": "4", "智力": "5", "精神": "6", "多重": "7",
                **{f"{t}残疾": c for t, c in [("视力", "1"), ("听力", "2"), ("言语", "3"), ("肢体", "4"),
                                               ("智力", "5"), ("精神", "6"), ("多重", "7")]},
                **{c: c for c in "1234567"}}),
    Source.EDUCATION: ListSpec((
        _id_column(), _name(),
        Column("类型", "", "item", "code", True, aliases=("事项", "类别")),
        Column("学段", "", "detail", "text", aliases=("就读学段", "学校")),
        Column("金额", "", "amount", "money", aliases=("资助金额",)),
    ), items={"辍学": "dropout", "失学辍学": "dropout", "疑似辍学": "dropout", "资助": "aid", "学生资助": "aid",
              "雨露计划": "aid"}),
    Source.HOUSING: ListSpec((
        _id_column(), _name(),
        Column("危房等级", "", "item", "code", True, aliases=("房屋等级", "鉴定等级")),
        Column("已改造", "", "extra", "code", aliases=("是否改造", "改造情况")),
    ), items={"A": "A", "B": "B", "C": "C", "D": "D", "A级": "A", "B级": "B", "C级": "C", "D级": "D"},
        extras=YES_NO),
    Source.HUMAN_RESOURCES: ListSpec((
        _id_column(), _name(),
        Column("类型", "", "item", "code", True, aliases=("登记类型", "事项")),
        Column("单位", "", "detail", "text", aliases=("就业单位", "工作单位")),
        Column("务工月数", "", "amount", "money", aliases=("月数",)),
    ), items={"失业登记": "unemployed", "失业": "unemployed", "就业登记": "employed", "就业": "employed"}),
    Source.PUBLIC_SECURITY: ListSpec((
        _id_column(), _name(),
        Column("事项", "", "item", "code", True, aliases=("变动类型", "类型")),
        Column("日期", "", "day", "date", aliases=("变动日期", "死亡日期", "迁出日期")),
    ), items={"死亡": "death", "死亡注销": "death", "注销（死亡）": "death", "迁出": "moved", "户籍迁出": "moved",
              "迁移": "moved"}),
    Source.MARKET_REGULATION: ListSpec((
        _id_column(), _name(),
        Column("企业名称", "", "detail", "text", True, aliases=("名称", "市场主体名称")),
        Column("主体类型", "", "extra", "text", aliases=("类型", "企业类型")),
        Column("注册资本", "", "amount", "money", aliases=("注册资本（万元）",)),
    )),
    Source.VEHICLES: ListSpec((
        _id_column(), _name(),
        Column("号牌号码", "", "detail", "text", True, aliases=("车牌号", "车牌号码")),
        Column("车辆类型", "", "extra", "text", aliases=("车型",)),
    )),
    Source.SALARIED: ListSpec((
        _id_column(), _name(),
        Column("单位", "", "detail", "text", True, aliases=("工作单位", "所在单位")),
    )),
    # The list the national monitoring system sends back (households it flags). Its layout is not
    # public: the columns we read are the ID number (户主 or any member), the risk type and a note.
    Source.NATIONAL: ListSpec((
        Column("证件号码", "", "id_number", "id", True, aliases=(*ID_ALIASES, "户主证件号码", "户主身份证号")),
        Column("姓名", "", "name", "text", aliases=("户主姓名",)),
        Column("风险类型", "", "detail", "text", aliases=("预警类型", "风险类别", "预警风险类型")),
        Column("预警说明", "", "extra", "text", aliases=("说明", "预警原因", "预警信息")),
    )),
}


# --- the kinds of rule ------------------------------------------------------------------------

POOR_OR_MONITORED = ["poor", "monitored"]
AT_RISK = ["exited", "monitored", "ordinary"]
ALL_TYPES = ["poor", "exited", "monitored", "ordinary"]


@dataclass(frozen=True)
class Kind:
    code: str
    source: str
    outcome: str
    name: str
    risk: str = ""
    params: dict = field(default_factory=dict)
    household_types: tuple[str, ...] = tuple(ALL_TYPES)
    help: str = ""


KINDS: dict[str, Kind] = {k.code: k for k in [
    Kind("medical_out_of_pocket", Source.MEDICAL_INSURANCE, Outcome.CLUE, "医疗自付费用过高", "因病（医疗自付费用高）",
         {"income": 19936, "share_exited": 50, "share_other": 100}, tuple(AT_RISK),
         "一户全年个人自付医疗费用合计超过上年全省农村居民人均可支配收入（income，元）的一定比例："
         "脱贫户、监测户 share_exited%，其他户 share_other%。"),
    Kind("medical_insurance_mismatch", Source.MEDICAL_INSURANCE, Outcome.DISCREPANCY, "参保状态不一致", "",
         {}, tuple(ALL_TYPES), "医保部门的参保状态与系统登记的基本医疗保险不一致。"),
    Kind("assistance_new", Source.CIVIL_AFFAIRS, Outcome.CLUE, "新纳入低保或特困", "低保、特困新纳入（民政）",
         {}, ("exited", "ordinary"), "民政低保、特困名单中的成员，其家庭为脱贫户或一般农户。"),
    Kind("temporary_assistance", Source.CIVIL_AFFAIRS, Outcome.CLUE, "获得临时救助", "突发严重困难（临时救助）",
         {"min_amount": 0}, tuple(AT_RISK), "获得临时救助（金额不低于 min_amount 元）的成员，其家庭未被识别为贫困户。"),
    Kind("assistance_mismatch", Source.CIVIL_AFFAIRS, Outcome.DISCREPANCY, "低保、特困登记不一致", "",
         {}, tuple(ALL_TYPES), "民政名单有低保或特困，系统未登记享受。"),
    Kind("disability_mismatch", Source.DISABLED_FEDERATION, Outcome.DISCREPANCY, "残疾登记不一致", "",
         {}, tuple(ALL_TYPES), "残联有残疾人证，系统未登记残疾，或类别、等级不同。"),
    Kind("severe_disability", Source.DISABLED_FEDERATION, Outcome.CLUE, "新增重度残疾", "因残（重度残疾）",
         {"grades": ["1", "2"]}, tuple(AT_RISK), "持一、二级（grades）残疾人证、系统尚未登记残疾的成员。"),
    Kind("dropout", Source.EDUCATION, Outcome.CLUE, "义务教育阶段辍学", "因学（义务教育阶段辍学）",
         {}, tuple(ALL_TYPES), "教育部门辍学名单中的成员（控辍保学）。"),
    Kind("student_aid_mismatch", Source.EDUCATION, Outcome.DISCREPANCY, "在校状况不一致", "",
         {}, tuple(ALL_TYPES), "教育部门资助名单中的成员，系统登记为非在校生。"),
    Kind("unsafe_house", Source.HOUSING, Outcome.CLUE, "住房安全无保障", "住房安全无保障",
         {"grades": ["C", "D"]}, ("poor", "exited", "monitored"), "住建部门鉴定为 C、D 级危房且未改造。"),
    Kind("house_grade_mismatch", Source.HOUSING, Outcome.DISCREPANCY, "危房等级不一致", "",
         {}, tuple(ALL_TYPES), "住建部门的危房等级与系统登记不同。"),
    Kind("unemployed", Source.HUMAN_RESOURCES, Outcome.CLUE, "失业登记", "因务工就业不稳（失业）",
         {}, ("exited", "monitored"), "脱贫户、监测户成员办理了失业登记。"),
    Kind("employment_mismatch", Source.HUMAN_RESOURCES, Outcome.DISCREPANCY, "务工状况不一致", "",
         {}, tuple(ALL_TYPES), "人社部门有就业登记，系统登记未务工。"),
    Kind("death", Source.PUBLIC_SECURITY, Outcome.DISCREPANCY, "成员已死亡", "",
         {}, tuple(ALL_TYPES), "公安登记死亡，系统仍为在册成员（应办理减员）。"),
    Kind("moved_out", Source.PUBLIC_SECURITY, Outcome.DISCREPANCY, "户籍已迁出", "",
         {}, tuple(ALL_TYPES), "公安登记户籍迁出，系统仍为在册成员。"),
    Kind("business_owner", Source.MARKET_REGULATION, Outcome.DISCREPANCY, "有工商注册登记", "",
         {"min_capital": 0}, tuple(POOR_OR_MONITORED),
         "贫困户、监测户成员名下有工商注册登记（注册资本不低于 min_capital 万元）。"),
    Kind("vehicle_owner", Source.VEHICLES, Outcome.DISCREPANCY, "有机动车", "",
         {"exempt": ["摩托车", "三轮汽车", "低速货车", "拖拉机", "电动车"]}, tuple(POOR_OR_MONITORED),
         "贫困户、监测户成员名下有机动车（车辆类型含 exempt 中任一词的除外）。"),
    Kind("salaried_member", Source.SALARIED, Outcome.DISCREPANCY, "家庭成员为财政供养人员", "",
         {}, tuple(POOR_OR_MONITORED), "贫困户、监测户的成员为财政供养人员。"),
    Kind("national_flag", Source.NATIONAL, Outcome.CLUE, "全国系统预警", "全国防返贫监测系统预警",
         {}, ("exited", "ordinary"), "全国防返贫监测系统回传的预警名单中的人，其家庭为脱贫户或一般农户（尚未纳入监测）。"),
]}


def ensure_rules(county_code: str) -> list[MatchRule]:
    """The county's rules, creating any kind it does not have yet with the defaults."""
    existing = {r.kind: r for r in MatchRule.objects.filter(county_code=county_code)}
    missing = [MatchRule(county_code=county_code, kind=k.code, source=k.source, outcome=k.outcome, name=k.name,
                         risk=k.risk, params=dict(k.params), household_types=list(k.household_types))
               for k in KINDS.values() if k.code not in existing]
    if missing:
        MatchRule.objects.bulk_create(missing, ignore_conflicts=True)
    return list(MatchRule.objects.filter(county_code=county_code).order_by("source", "id"))


# --- reading and staging a list ---------------------------------------------------------------

STAGE_COLUMNS = [("row", "INTEGER"), ("id_number", "TEXT"), ("name", "TEXT"), ("item", "TEXT"),
                 ("amount", "NUMERIC"), ("day", "DATE"), ("detail", "TEXT"), ("extra", "TEXT")]
PROBLEM_COLUMNS = validate.PROBLEM_SCHEMA


@dataclass
class Parsed:
    rows: pl.DataFrame  # the staged columns, only rows without problems
    problems: pl.DataFrame
    total: int


def parse(source: str, name: str, data: bytes) -> Parsed:
    """Read and check a department list (raises :class:`reader.WorkbookError` for an unreadable file)."""
    spec = LISTS[source]
    sheet = reader.read(name, data, columns=spec.columns)
    p = validate.Problems(sheet)
    df = sheet.frame
    for column in spec.columns:
        if column.field not in df.columns:
            df = df.with_columns(pl.lit("").alias(column.field))
    df = validate.check_ids(df, p, unique=False)
    p.add(df, "id_number", pl.lit("证件号码不能为空"), pl.col("id_number") == "")
    exprs = []
    for column in spec.columns:
        f, cell = column.field, pl.col(column.field)
        header = p.header(f)
        if column.kind in ("money", "year"):
            text = validate.fold(cell).str.replace_all(r"[,\s元¥]", "")
            number = text.cast(pl.Float64, strict=False)
            p.add(df, f, pl.lit(f"“{header}”应为数字"), (text != "") & number.is_null())
            exprs.append((number if column.kind == "money" else number.cast(pl.Int64, strict=False).cast(pl.Utf8))
                         .alias(f))
        elif column.kind == "date":
            exprs.append(validate.parse_date(cell).alias(f))
            p.add(df, f, pl.lit(f"“{header}”无法识别为日期"), (cell != "") & validate.parse_date(cell).is_null())
        elif column.kind == "code":
            table = spec.items if f == "item" else spec.extras
            low = cell.str.to_lowercase()
            value = cell.replace_strict(table, default=None, return_dtype=pl.Utf8).fill_null(
                low.replace_strict(table, default=None, return_dtype=pl.Utf8))
            choices = "、".join(dict.fromkeys(k for k in table if not k.isascii()))
            p.add(df, f, pl.lit(f"“{header}”的值不在可选范围内（{choices}）"), (cell != "") & value.is_null())
            if column.required:
                p.add(df, f, pl.lit(f"“{header}”不能为空"), cell == "")
            exprs.append(pl.when(cell == "").then(pl.lit("")).otherwise(value).alias(f))
    df = df.with_columns(exprs)
    if source == Source.DISABLED_FEDERATION:  # a 20-character card carries category and grade
        df = df.with_columns(
            extra=pl.when(pl.col("extra").fill_null("") == "").then(pl.col("_card_category")).otherwise(pl.col("extra")),
            item=pl.when(pl.col("item").fill_null("") == "").then(pl.col("_card_grade")).otherwise(pl.col("item")))
    problems = p.frame()
    bad = problems.get_column(ROW).unique().to_list()
    rows = df.filter(~pl.col(ROW).is_in(bad) & pl.col("id18").is_not_null()).select(
        pl.col(ROW).alias("row"), pl.col("id18").alias("id_number"),
        *[pl.col(c).alias(c) if c in df.columns else pl.lit(None).alias(c)
          for c in ("name", "item", "amount", "day", "detail", "extra")])
    rows = rows.with_columns(pl.col("amount").cast(pl.Float64, strict=False) if "amount" in rows.columns else [])
    return Parsed(rows=rows, problems=problems, total=sheet.frame.height)


# --- the rules as SQL -------------------------------------------------------------------------

def _in(values) -> str:
    """A literal IN-list of short codes (they come from our own code lists and rule forms; quotes are
    doubled all the same)."""
    values = [str(v).replace("'", "''") for v in values] or ["-"]
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _money(expr: str) -> str:
    return f"CAST(CAST(ROUND({expr}) AS INTEGER) AS TEXT)"


def _text(expr: str) -> str:
    return f"COALESCE({expr}, '')"


def _member_rule(rule: MatchRule) -> tuple[str, str, str] | None:
    """(condition, value, detail) over s (staged row), m (member), h (household), as SQL."""
    p = rule.params
    kind = rule.kind
    if kind == "medical_insurance_mismatch":
        return ("(s.extra = 'no' AND m.medical_insurance) OR (s.extra = 'yes' AND NOT m.medical_insurance)",
                "s.extra",
                "CASE WHEN s.extra = 'no' THEN '医保部门无参保记录，系统登记已参保' "
                "ELSE '医保部门有参保记录，系统登记未参保' END")
    if kind == "assistance_new":
        return ("s.item IN ('dibao', 'tekun') AND NOT (CASE s.item WHEN 'dibao' THEN m.dibao ELSE m.tekun END)",
                "s.item",
                "CASE s.item WHEN 'dibao' THEN '民政低保名单有此人' ELSE '民政特困供养名单有此人' END "
                "|| '，家庭为' || CASE h.household_type WHEN 'exited' THEN '脱贫户' ELSE '一般农户' END")
    if kind == "temporary_assistance":
        minimum = float(p.get("min_amount") or 0)
        return (f"s.item = 'temporary' AND COALESCE(s.amount, 0) >= {minimum}", _text(_money("s.amount")),
                "'获得临时救助' || CASE WHEN s.amount IS NULL THEN '' ELSE ' ' || " + _money("s.amount")
                + " || ' 元' END || CASE WHEN s.day IS NULL THEN '' ELSE '（' || CAST(s.day AS TEXT) || '）' END")
    if kind == "assistance_mismatch":
        return ("(s.item = 'dibao' AND NOT m.dibao) OR (s.item = 'tekun' AND NOT m.tekun)", "s.item",
                "CASE s.item WHEN 'dibao' THEN '民政低保名单有此人，系统未登记享受低保' "
                "ELSE '民政特困名单有此人，系统未登记特困供养' END")
    if kind == "disability_mismatch":
        return ("NOT m.disabled OR (s.extra <> '' AND s.extra <> m.disability_category) "
                "OR (s.item <> '' AND s.item <> m.disability_grade)",
                "COALESCE(s.extra, '') || '/' || COALESCE(s.item, '')",
                "CASE WHEN NOT m.disabled THEN '残联有残疾人证，系统未登记残疾' "
                "ELSE '残联登记的残疾类别或等级与系统不同' END "
                "|| '（残联：类别 ' || COALESCE(s.extra, '') || '，等级 ' || COALESCE(s.item, '') || '）'")
    if kind == "severe_disability":
        return (f"NOT m.disabled AND s.item IN {_in(p.get('grades', ['1', '2']))}", "s.item",
                "'持 ' || s.item || ' 级残疾人证，系统尚未登记残疾'")
    if kind == "dropout":
        return ("s.item = 'dropout'", _text("s.detail"),
                "'教育部门辍学名单有此人' || CASE WHEN COALESCE(s.detail, '') = '' THEN '' "
                "ELSE '（' || s.detail || '）' END")
    if kind == "student_aid_mismatch":
        return ("s.item = 'aid' AND m.schooling IN ('', 'not_in_school', 'preschool_age')", _text("s.detail"),
                "'教育部门资助名单有此人，系统登记非在校生'")
    if kind == "unsafe_house":
        return (f"s.item IN {_in(p.get('grades', ['C', 'D']))} AND COALESCE(s.extra, '') <> 'yes'", "s.item",
                "'住建部门鉴定为 ' || s.item || ' 级危房，尚未改造'")
    if kind == "house_grade_mismatch":
        return ("s.item <> h.house_grade", "s.item",
                "'住建部门鉴定为 ' || s.item || ' 级，系统登记为 ' || "
                "CASE WHEN h.house_grade = '' THEN '（空）' ELSE h.house_grade || ' 级' END")
    if kind == "unemployed":
        return ("s.item = 'unemployed'", "s.item", "'人社部门有失业登记'")
    if kind == "employment_mismatch":
        return ("s.item = 'employed' AND m.work_status IN ('', 'none')", _text("s.detail"),
                "'人社部门有就业登记' || CASE WHEN COALESCE(s.detail, '') = '' THEN '' ELSE '（' || s.detail || '）' END"
                " || '，系统登记未务工'")
    if kind == "death":
        return ("s.item = 'death'", _text("CAST(s.day AS TEXT)"),
                "'公安登记死亡' || CASE WHEN s.day IS NULL THEN '' ELSE '（' || CAST(s.day AS TEXT) || '）' END || '，系统仍为在册成员'")
    if kind == "moved_out":
        return ("s.item = 'moved'", _text("CAST(s.day AS TEXT)"),
                "'公安登记户籍迁出' || CASE WHEN s.day IS NULL THEN '' ELSE '（' || CAST(s.day AS TEXT) || '）' END || '，系统仍为在册成员'")
    if kind == "business_owner":
        minimum = float(p.get("min_capital") or 0)
        return (f"COALESCE(s.amount, 0) >= {minimum}", _text("s.detail"),
                "'名下有工商注册登记：' || s.detail || CASE WHEN COALESCE(s.extra, '') = '' THEN '' "
                "ELSE '（' || s.extra || '）' END || CASE WHEN s.amount IS NULL THEN '' ELSE '，注册资本 ' || "
                + _money("s.amount") + " || ' 万元' END")
    if kind == "vehicle_owner":
        exempt = [str(e) for e in p.get("exempt", []) if str(e).strip()]
        # the statement runs with parameters: a literal % is written %%
        words = [e.replace("'", "").replace("%", "").replace("_", "") for e in exempt]
        condition = " AND ".join(f"COALESCE(s.extra, '') NOT LIKE '%%{w}%%'" for w in words if w)
        return (condition or "1 = 1", _text("s.detail"),
                "'名下有机动车：' || s.detail || CASE WHEN COALESCE(s.extra, '') = '' THEN '' "
                "ELSE '（' || s.extra || '）' END")
    if kind == "salaried_member":
        return ("1 = 1", _text("s.detail"), "'家庭成员为财政供养人员：' || s.detail")
    if kind == "national_flag":
        return ("1 = 1", _text("s.detail"),
                "'全国系统预警' || CASE WHEN COALESCE(s.detail, '') = '' THEN '' ELSE '：' || s.detail END"
                " || CASE WHEN COALESCE(s.extra, '') = '' THEN '' ELSE '（' || s.extra || '）' END")
    return None


def _area(column: str, area: str) -> tuple[str, list]:
    """``column`` (a division code, "alias.division_code") within ``area``; within a county the
    county is named as well, so on Citus the statement runs on that county's shard alone."""
    if not area:
        return "1 = 1", []
    upper = prefix_upper_bound(area)
    sql, params = (f"{column} >= %s", [area]) if upper is None else (f"{column} >= %s AND {column} < %s", [area, upper])
    if len(area) >= 6:
        sql += f" AND {column.rsplit('.', 1)[0]}.county_code = %s"
        params.append(area[:6])
    return sql, params


def _insert_findings(cursor, run, rule: MatchRule) -> int:
    area_sql, area_params = _area("m.division_code", run.division_code)
    types = _in(rule.household_types or ALL_TYPES)
    head = """INSERT INTO exchange_matchfinding (run_id, rule_id, outcome, county_code, division_code, household_id,
                member_id, row, value, detail, status, note)"""
    if rule.kind == "medical_out_of_pocket":
        p = rule.params
        income = float(p.get("income") or 0)
        exited = income * float(p.get("share_exited") or 0) / 100
        other = income * float(p.get("share_other") or 0) / 100
        total = "SUM(s.amount)"
        year = "COALESCE(s.item, '')"  # summed per household and year (a list may hold several years)
        cursor.execute(f"""{head}
            SELECT %s, %s, %s, h.county_code, h.division_code, h.id, NULL, MIN(s.row), {_money(total)},
              CASE WHEN MIN({year}) = '' THEN '全年' ELSE MIN({year}) || ' 年' END
                || '个人自付医疗费用 ' || {_money(total)} || ' 元，超过 '
                || CASE WHEN h.household_type IN ('exited', 'monitored') THEN '{_money_text(exited)}'
                   ELSE '{_money_text(other)}' END || ' 元'
              , 'open', ''
            FROM exch_dept s
            JOIN registry_member m ON m.id_number = s.id_number AND m.status = 'active'
            JOIN registry_household h ON h.county_code = m.county_code AND h.id = m.household_id
            WHERE {area_sql} AND h.household_type IN {types} AND s.amount IS NOT NULL
              AND {_not_repeated(rule, "household_id", "h")}
            GROUP BY h.id, h.county_code, h.division_code, h.household_type, {year}
            HAVING {total} > CASE WHEN h.household_type IN ('exited', 'monitored') THEN %s ELSE %s END""",
                       [run.pk, rule.pk, rule.outcome, *area_params, rule.pk, exited, other])
        return cursor.rowcount
    built = _member_rule(rule)
    if built is None:
        return 0
    condition, value, detail = built
    cursor.execute(f"""{head}
        SELECT %s, %s, %s, m.county_code, m.division_code, m.household_id, m.id, MIN(s.row),
          substr(MIN({value}), 1, 200), substr(MIN({detail}), 1, 500), 'open', ''
        FROM exch_dept s
        JOIN registry_member m ON m.id_number = s.id_number AND m.status = 'active'
        JOIN registry_household h ON h.county_code = m.county_code AND h.id = m.household_id
        WHERE {area_sql} AND h.household_type IN {types} AND ({condition})
          AND {_not_repeated(rule, "member_id", "m")}
        GROUP BY m.id, m.county_code, m.division_code, m.household_id""",
                   [run.pk, rule.pk, rule.outcome, *area_params, rule.pk])
    return cursor.rowcount


def _not_repeated(rule: MatchRule, column: str, alias: str) -> str:
    """Nothing new while an earlier finding of the rule is still being handled: a discrepancy not
    yet checked, or a clue still open. (A dismissed clue that the next list shows again is new.)
    ``alias`` is the household (h) or member (m) the finding would be about; the county is matched too."""
    same = f"f.county_code = {alias}.county_code AND f.{column} = {alias}.id"
    if rule.outcome == Outcome.CLUE:
        return f"""NOT EXISTS (SELECT 1 FROM exchange_matchfinding f
                               JOIN workflows_riskclue c ON c.county_code = f.county_code AND c.id = f.clue_id
                               WHERE f.rule_id = %s AND {same} AND c.status = 'open')"""
    return f"""NOT EXISTS (SELECT 1 FROM exchange_matchfinding f WHERE f.rule_id = %s AND {same}
                           AND f.status = 'open')"""


def _money_text(value: float) -> str:
    return str(round(value))


def _clues(cursor, run, actor) -> int:
    """The run's clue findings become risk clues through the workflows action (one per household and
    risk, by its duplicate rule), then every clue finding is linked to its household's open clue."""
    from fupin.workflows import actions as workflows

    national = run.source == Source.NATIONAL
    prefix = f"全国系统回传 #{run.pk}：" if national else f"部门比对 #{run.pk}（{run.get_source_display()}）："
    created = workflows.add_clues(
        actor=actor, source="national" if national else "department", area=run.division_code,
        candidates="""SELECT f.county_code, f.division_code, f.household_id, r.risk, %s || f.detail AS detail
                      FROM exchange_matchfinding f
                      JOIN exchange_matchrule r ON r.county_code = f.county_code AND r.id = f.rule_id
                      WHERE f.run_id = %s AND f.outcome = 'clue'""",
        params=[prefix, run.pk], object_type="exchange.matchrun", object_id=run.pk,
        summary=f"{prefix}生成风险线索 %(n)d 条")
    cursor.execute("""
        UPDATE exchange_matchfinding SET clue_id = (
          SELECT MAX(c.id) FROM workflows_riskclue c JOIN exchange_matchrule r
            ON r.county_code = exchange_matchfinding.county_code AND r.id = exchange_matchfinding.rule_id
          WHERE c.county_code = exchange_matchfinding.county_code AND c.household_id = exchange_matchfinding.household_id
            AND c.status = 'open' AND c.risk = r.risk)
        WHERE run_id = %s AND outcome = 'clue'""", [run.pk])
    return created


@dataclass
class MatchResult:
    counts: dict
    problems: pl.DataFrame
    unmatched: list[tuple[int, str, str]]  # row, id number, name (first ones, for the report)


def match(run, data: bytes, *, actor=SYSTEM, progress=None) -> MatchResult:
    """Match ``data`` (the run's file) against the registry in the run's area, in one transaction."""
    say = progress or (lambda _p, _m: None)
    say(5, "读取文件")
    parsed = parse(run.source, run.file_name, data)
    rules = [r for r in ensure_rules(run.county_code) if r.source == run.source and r.enabled]
    area_sql, area_params = _area("m.division_code", run.division_code)
    counts: dict = {"rows": parsed.total, "invalid": parsed.problems.get_column(ROW).n_unique(),
                    "checked": parsed.rows.height}
    say(30, "暂存")
    # The staging table belongs to the transaction: a failure rolls it back with the rest.
    with atomic():
        staging.create("exch_dept", STAGE_COLUMNS)
        staging.load("exch_dept", STAGE_COLUMNS, parsed.rows)
        with connection.cursor() as cursor:
            cursor.execute("CREATE INDEX exch_dept_id ON exch_dept (id_number)")
            staging.analyze("exch_dept")
            say(45, "匹配")
            cursor.execute(f"""
                SELECT COUNT(*), COUNT(DISTINCT m.id) FROM exch_dept s
                JOIN registry_member m ON m.id_number = s.id_number AND m.status = 'active'
                WHERE {area_sql}""", area_params)
            counts["matched_rows"], counts["matched_members"] = cursor.fetchone()
            counts["unmatched_rows"] = counts["checked"] - counts["matched_rows"]
            # the ids found, then the rows without one (not a subquery per row: Citus cannot run a
            # correlated one from a temporary table into a distributed one)
            cursor.execute(f"""
                SELECT s.row, s.id_number, COALESCE(s.name, '') FROM exch_dept s
                WHERE s.id_number NOT IN (
                  SELECT m.id_number FROM exch_dept d
                  JOIN registry_member m ON m.id_number = d.id_number AND m.status = 'active'
                  WHERE {area_sql})
                ORDER BY s.row LIMIT 100000""", area_params)
            unmatched = cursor.fetchall()
            by_rule = {}
            for i, rule in enumerate(rules):
                say(50 + 40 * i // max(1, len(rules)), f"规则：{rule.name}")
                by_rule[str(rule.pk)] = _insert_findings(cursor, run, rule)
            counts["findings"] = by_rule
            counts["clue_findings"] = sum(n for r in rules for k, n in by_rule.items()
                                          if k == str(r.pk) and r.outcome == Outcome.CLUE)
            counts["discrepancies"] = sum(n for r in rules for k, n in by_rule.items()
                                          if k == str(r.pk) and r.outcome == Outcome.DISCREPANCY)
            say(92, "生成风险线索")
            counts["clues_created"] = _clues(cursor, run, actor)
        staging.drop("exch_dept")
    return MatchResult(counts=counts, problems=parsed.problems, unmatched=unmatched)


def write_report(out, result: MatchResult) -> None:
    """Rows the matching could not use: invalid (with the reason) and unmatched (not in the registry
    of the area), as a CSV that Excel opens (UTF-8 with BOM)."""
    text = io.StringIO()
    writer = csvout.writer(text)
    writer.writerow(["行号", "列", "值", "说明"])
    writer.writerows(mask_problems(result.problems, None).iter_rows())
    for row, number, name in result.unmatched:
        writer.writerow([row, "证件号码", mask_id_number(number), f"系统中没有此人（{name}）" if name else "系统中没有此人"])
    out.write(("\ufeff" + text.getvalue()).encode())

