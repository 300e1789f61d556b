"""Writing workbooks: the blank template (with drop-down lists), the error report (original rows,
bad cells highlighted, a message column), the household export in the template's shape, the
village registers and a household card.

Every workbook is written with formulas switched off: a cell that begins with ``=``, ``+``, ``-``
or ``@`` stays text (in CSV such a text cell gets a leading apostrophe, which the importer drops).
"""

from __future__ import annotations

import io

import polars as pl
import xlsxwriter
from django.utils import translation

from fupin.core import csvout, masking, xlsx
from fupin.exchange import template
from fupin.exchange.reader import ROW, Sheet
from fupin.registry import codes

OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
           "constant_memory": False}


def _workbook(out) -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(out, {**OPTIONS, "in_memory": True})




# --- the blank template -----------------------------------------------------------------------

def blank_template(out) -> None:
    book = _workbook(out)
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    required = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True})
    text = book.add_format({"num_format": "@"})
    sheet = book.add_worksheet(template.SHEET_NAME)
    lists = book.add_worksheet("代码表")
    notes = book.add_worksheet("填写说明")
    for i, column in enumerate(template.COLUMNS):
        sheet.write_string(0, i, column.header, required if column.required else head)
        sheet.set_column(i, i, column.width, text)
        values = _choices(column)
        if values:
            lists.write_string(0, i, column.header)
            for j, value in enumerate(values, start=1):
                lists.write_string(j, i, value)
            col = xlsxwriter.utility.xl_col_to_name(i)
            sheet.data_validation(1, i, 200_000, i, {
                "validate": "list", "source": f"=代码表!${col}$2:${col}${len(values) + 1}",
                "error_type": "warning", "error_message": "请从下拉列表中选择"})
    sheet.freeze_panes(1, 0)
    notes.set_column(0, 0, 16)
    notes.set_column(1, 1, 10)
    notes.set_column(2, 2, 90)
    notes.write_row(0, 0, ["列", "必填", "说明"], head)
    for i, column in enumerate(template.COLUMNS, start=1):
        values = _choices(column)
        hint = "、".join(values) if values else {
            "id": "18 位身份证号、旧 15 位身份证号或 20 位残疾人证号；请将本列设为文本，避免 Excel 丢失末位",
            "date": "如 1980-03-07、1980/3/7、19800307、1980年3月7日",
            "money": "元/年，不小于 0，空白为 0", "area": "亩，不小于 0", "year": "四位年份",
            "months": "0-12 个月", "phone": "11 位手机号或带区号的固定电话", "bank": "12-30 位数字",
            "health": "健康，或 长期慢性病、患有大病、残疾（可用“、”连接多项）",
            "causes": "最多 2 项，用“、”分隔", "division": "12 位村级统计用区划代码",
        }.get(column.kind, "")
        level = "户" if column.level == template.HOUSEHOLD else "人"
        notes.write_row(i, 0, [column.header, "是" if column.required else "", f"（{level}）{hint}"])
    notes.write_string(len(template.COLUMNS) + 2, 0, "每人一行，同一户各行的户信息须一致；每户须有且仅有一名户主。")
    book.close()


def _choices(column: template.Column) -> list[str]:
    if column.codes is not None:
        values = template.terms(column.codes)
        if column.codes is codes.HouseGrade:
            values = list("ABCD")
        return values
    if column.kind == "yesno":
        return ["是", "否"]
    return []


# --- the error report -------------------------------------------------------------------------

def error_report(out, problems: pl.DataFrame, sheet: Sheet | None, columns=template.COLUMNS) -> None:
    """The problems of an uploaded workbook (``columns`` its kind: the household template unless
    told): the original rows with the bad cells highlighted, and the list of problems."""
    problems = mask_problems(problems, sheet)
    book = _workbook(out)
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    bad = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    wrap = book.add_format({"text_wrap": True, "font_color": "#9C0006"})
    rows_sheet = book.add_worksheet("错误行")
    list_sheet = book.add_worksheet("错误清单")
    list_sheet.write_row(0, 0, ["行号", "列", "值", "错误"], head)
    for i, (row, column, value, message) in enumerate(problems.iter_rows(), start=1):
        list_sheet.write_number(i, 0, row)
        list_sheet.write_string(i, 1, column)
        list_sheet.write_string(i, 2, value or "")
        list_sheet.write_string(i, 3, message)
    list_sheet.set_column(1, 1, 14)
    list_sheet.set_column(2, 2, 24)
    list_sheet.set_column(3, 3, 60)
    if sheet is not None and problems.height:
        fields = [f for f in [c.field for c in columns] if f in sheet.headers]
        headers = [sheet.headers[f] for f in fields]
        rows_sheet.write_row(0, 0, ["行号", *headers, "错误说明"], head)
        by_row: dict[int, list[tuple[str, str]]] = {}
        for row, column, _value, message in problems.iter_rows():
            by_row.setdefault(row, []).append((column, message))
        original = sheet.frame.filter(pl.col(ROW).is_in(list(by_row))).sort(ROW)
        for i, record in enumerate(original.iter_rows(named=True), start=1):
            row = record[ROW]
            marked = {column for column, _m in by_row[row]}
            rows_sheet.write_number(i, 0, row)
            for j, (f, h) in enumerate(zip(fields, headers, strict=True), start=1):
                value = str(record.get(f) or "")
                if f == "id_number":  # the report is kept and may be read by others: numbers masked
                    value = masking.mask_id_number(value)
                rows_sheet.write_string(i, j, value, bad if h in marked else None)
            rows_sheet.write_string(i, len(fields) + 1, "；".join(f"{c}：{m}" for c, m in by_row[row]), wrap)
        rows_sheet.set_column(len(fields) + 1, len(fields) + 1, 60)
        rows_sheet.freeze_panes(1, 1)
    book.close()


def mask_problems(problems: pl.DataFrame, sheet: Sheet | None) -> pl.DataFrame:
    """The problems with the values of ID-number cells masked (the row number finds the cell)."""
    headers = {"证件号码"} | ({sheet.headers["id_number"]} if sheet is not None and "id_number" in sheet.headers
                           else set())
    if not problems.height:
        return problems
    return problems.with_columns(pl.when(pl.col("column").is_in(list(headers))).then(mask(pl.col("value"), "id_number"))
                                 .otherwise(pl.col("value")).alias("value"))


# --- exporting households in the template's shape ---------------------------------------------

def _labels(code_list) -> dict[str, str]:
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in code_list.choices}


def household_rows(households, *, year: int | None = None, masked: bool = True) -> pl.DataFrame:
    """One row per active member of ``households`` (a queryset), in the template's columns, as text."""
    from django.db.models import OuterRef, Subquery

    from fupin.registry.models import HouseholdIncome, Member

    ids = households.values("pk")
    member_fields = ["household_id", "name", "id_type", "id_number", "sex", "birth_date", "relation", "ethnicity",
                     "education", "schooling", "chronic_illness", "serious_illness", "disabled",
                     "disability_category", "disability_grade", "labour_skill", "work_status", "work_months",
                     "medical_insurance", "critical_illness_insurance", "dibao", "tekun", "pension_insurance",
                     "work_willing"]
    household_fields = ["id", "household_code", "division_id", "group_name", "household_type", "poverty_attribute",
                        "identification_standard", "identification_year", "exit_year", "monitoring_type",
                        "main_cause", "other_cause_1", "other_cause_2", "house_grade", "house_renovated",
                        "safe_water", "sanitary_toilet", "has_power", "main_fuel", "access_road", "farmland_area",
                        "forest_area", "relocation_willing", "relocated", "phone", "bank_name", "bank_account",
                        "helper_name", "helper_unit", "helper_phone"]
    members = _frame(Member.objects.filter(household_id__in=ids, status="active")
                     .order_by("household_id", "relation", "birth_date").values_list(*member_fields), member_fields)
    if not members.height:  # an area without households: the header alone (no typed columns to join on)
        return pl.DataFrame(schema={column.header: pl.Utf8 for column in template.COLUMNS})
    homes = _frame(households.values_list(*household_fields), household_fields).rename(
        {"id": "household_id", "division_id": "division_code"})
    income_fields = ["household_id", "year", "wage_income", "business_income", "property_income", "property_dividends",
                     "transfer_income", *template.TRANSFER_ITEMS, "production_costs"]
    incomes = HouseholdIncome.objects.filter(household_id__in=ids)
    if year is None:  # each household's latest year
        latest = HouseholdIncome.objects.filter(county_code=OuterRef("county_code"),
                                                household_id=OuterRef("household_id")).order_by("-year")
        incomes = incomes.filter(year=Subquery(latest.values("year")[:1]))
    else:
        incomes = incomes.filter(year=year)
    income = _frame(incomes.values_list(*income_fields), income_fields).rename({"year": "income_year"})
    income = income.with_columns(pl.col("household_id").cast(pl.Int64))
    members = members.with_columns(pl.col("household_id").cast(pl.Int64))
    homes = homes.with_columns(pl.col("household_id").cast(pl.Int64))
    df = members.join(homes, on="household_id", how="left").join(income, on="household_id", how="left")
    df = df.sort(["division_code", "household_code", pl.col("relation") != "head", "birth_date"])

    out = {}
    for column in template.COLUMNS:
        f = column.field
        if column.kind == "code":
            out[column.header] = pl.col(f).replace_strict(_labels(column.codes), default="", return_dtype=pl.Utf8)
            if column.codes is codes.HouseGrade:
                out[column.header] = pl.col(f).fill_null("")
            if column.codes is codes.WorkStatus:
                out[column.header] = pl.col(f).replace_strict({**_labels(column.codes), "none": "无"}, default="",
                                                              return_dtype=pl.Utf8)
        elif column.kind == "yesno":
            out[column.header] = pl.when(pl.col(f)).then(pl.lit("是")).otherwise(pl.lit("否"))
        elif column.kind == "health":
            parts = [pl.when(pl.col(flag)).then(pl.lit(term)) for term, flag in template.HEALTH_FLAGS.items()]
            joined = pl.concat_str(parts, separator="、", ignore_nulls=True)
            out[column.header] = pl.when(joined == "").then(pl.lit(template.HEALTHY)).otherwise(joined)
        elif column.kind == "causes":
            out[column.header] = pl.concat_str(
                [pl.col(c).replace_strict(_labels(codes.PovertyCause), default=None, return_dtype=pl.Utf8)
                 for c in ("other_cause_1", "other_cause_2")], separator="、", ignore_nulls=True).fill_null("")
        elif column.kind in ("money", "area"):
            out[column.header] = pl.col(f).cast(pl.Float64).round(2).cast(pl.Utf8).str.replace(r"\.0$", "") \
                .fill_null("")
        elif column.kind in ("year", "months"):
            out[column.header] = pl.col(f).cast(pl.Int64).cast(pl.Utf8).fill_null("")
        elif column.kind == "date":
            out[column.header] = pl.col(f).cast(pl.Utf8).fill_null("")
        else:
            out[column.header] = pl.col(f).cast(pl.Utf8).fill_null("")
    table = df.select([expr.alias(header) for header, expr in out.items()])
    if masked:
        table = table.with_columns(mask(pl.col("证件号码"), "id_number"), mask(pl.col("联系电话"), "phone"),
                                   mask(pl.col("帮扶责任人电话"), "phone"), mask(pl.col("银行账号"), "bank_account"))
    return table


STARS = pl.lit("*" * 64)


def mask(cell: pl.Expr, kind: str) -> pl.Expr:
    """What :mod:`fupin.core.masking` does to one value, as a polars expression over a column."""
    text = cell.cast(pl.Utf8).fill_null("")
    n = text.str.len_chars().cast(pl.Int64)
    if kind == "id_number":
        head, tail, short = pl.lit(masking.ID_HEAD), masking.ID_TAIL, 10
    elif kind == "bank_account":
        head, tail, short = pl.lit(4), 4, 8
    else:  # phone: a mobile keeps 3 digits in front, a landline its area code
        head, tail, short = pl.when(n >= 11).then(3).otherwise(pl.max_horizontal(n - 8, pl.lit(0))), 4, 4
    # (every branch is computed for every row: lengths are kept from going negative on short values)
    masked = (text.str.slice(0, head) + STARS.str.slice(0, (n - head - tail).clip(lower_bound=0))
              + text.str.slice((n - tail).clip(lower_bound=0), tail))
    return pl.when(n == 0).then(pl.lit("")).when(n <= short).then(STARS.str.slice(0, n)).otherwise(masked) \
        .alias(cell.meta.output_name())


def _frame(rows, names: list[str]) -> pl.DataFrame:
    rows = list(rows)
    if not rows:
        return pl.DataFrame({n: [] for n in names})
    return pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)


def write_households(out, table: pl.DataFrame, fmt: str) -> None:
    if fmt == "csv":
        text = io.StringIO()
        writer = csvout.writer(text)
        writer.writerow(table.columns)
        writer.writerows(table.iter_rows())
        out.write(("\ufeff" + text.getvalue()).encode())
        return
    book = xlsx.Book(out, large=table.height > 20_000)
    sheet = book.sheet(template.SHEET_NAME)
    sheet.header(table.columns)
    kinds = [CELL_KINDS.get(template.BY_HEADER[h].kind, xlsx.TEXT) if h in template.BY_HEADER else xlsx.TEXT
             for h in table.columns]
    for row in table.iter_rows():
        sheet.row(row, kinds)
    sheet.finish(freeze_columns=0)
    book.close()


# the household workbook's cells: amounts and areas numbers, years and months integers, dates
# dates; everything else (codes, ID numbers, phones, accounts, code-list terms) text
CELL_KINDS = {"money": xlsx.MONEY, "area": xlsx.DECIMAL, "year": xlsx.YEAR, "months": xlsx.YEAR, "date": xlsx.DATE}


# --- village registers and household cards ----------------------------------------------------

def village_registers(out, divisions) -> None:
    from fupin.registry.actions import VILLAGE_FIELDS, village_profile
    from fupin.registry.models import VillageProfile

    book = xlsx.Book(out)
    sheet = book.sheet("村册")
    labels = [str(VillageProfile._meta.get_field(f).verbose_name) for f in VILLAGE_FIELDS]
    sheet.header(["区划代码", "村", *labels])
    for division in divisions:
        profile = village_profile(division)
        cells = [xlsx.model_cell(VillageProfile, f, getattr(profile, f)) for f in VILLAGE_FIELDS]
        sheet.row([division.code, division.name, *(v for v, _k in cells)],
                  [xlsx.TEXT, xlsx.TEXT, *(k for _v, k in cells)])
    sheet.finish(freeze_columns=2)
    book.close()


def household_card(out, household, *, masked: bool = True) -> None:
    from fupin.registry.actions import HOUSEHOLD_FIELDS
    from fupin.registry.models import Household, Member
    from fupin.registry.selectors import household_incomes, household_members

    book = xlsx.Book(out)
    sheet = book.sheet("户卡")
    sheet.title(f"{household.division.name} 户卡 {household.household_code}")
    sheet.skip()
    personal = {"phone": masking.mask_phone, "bank_account": masking.mask_bank_account,
                "helper_phone": masking.mask_phone}
    T = xlsx.TEXT
    sheet.row(["户编号", household.household_code], T)
    sheet.row(["行政区划代码", household.division_id], T)
    for f in HOUSEHOLD_FIELDS:
        value = getattr(household, f)
        if masked and f in personal:
            cell = (personal[f](value), T)
        else:
            cell = xlsx.model_cell(Household, f, value)
        sheet.row([str(Household._meta.get_field(f).verbose_name), cell[0]], [T, cell[1]])
    sheet.skip()
    member_fields = ["name", "relation", "id_number", "sex", "birth_date", "education", "schooling", "labour_skill",
                     "work_status", "medical_insurance", "dibao", "tekun", "status"]
    sheet.header([str(Member._meta.get_field(f).verbose_name) for f in member_fields])
    for m in household_members(household):
        cells = []
        for f in member_fields:
            value = getattr(m, f)
            if f == "id_number":
                cells.append((masking.mask_id_number(value) if masked else value, T))
            else:
                cells.append(xlsx.model_cell(Member, f, value))
        sheet.row([v for v, _k in cells], [k for _v, k in cells])
    sheet.skip()
    sheet.header(["年度", "工资性", "生产经营性", "财产性", "其中分红", "转移性", "低保金", "特困供养金", "养老金",
                  "生态补偿金", "计划生育金", "其他转移性", "生产经营性支出", "纯收入", "人均纯收入"])
    for row in household_incomes(household):
        i = row["income"]
        values = [i.year, i.wage_income, i.business_income, i.property_income, i.property_dividends,
                  i.transfer_income, *(getattr(i, f) for f in template.TRANSFER_ITEMS), i.production_costs,
                  row["net"], row["per_capita"]]
        sheet.row(values, [xlsx.YEAR, *[xlsx.MONEY] * (len(values) - 1)])
    # a card of several blocks: the title is what each printed page repeats, nothing is filtered
    sheet.finish(repeat=(0, 0))
    book.close()
