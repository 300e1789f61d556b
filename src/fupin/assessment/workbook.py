"""The survey workbook of an assessment sample: downloaded with one row per sampled household the
user may see, filled in by the survey team (on paper or in Excel), and loaded back. Reading uses the
household import's reader (header found by the 样本号 column, xlsx or CSV in UTF-8/GB18030) and its
error report: every problem is given per cell, and nothing is written unless the whole file is clean.
Rows whose answers are all blank are households not surveyed yet, and are left alone."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import polars as pl
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import translation

from fupin.assessment import actions
from fupin.assessment.models import Frame, Sample, SampleItem, SurveyUpload
from fupin.core import uploads
from fupin.exchange import reader, validate, workbooks
from fupin.exchange.reader import ROW
from fupin.exchange.template import Column

SHEET_NAME = "入户调查"
YES, NO = "是", "否"
YES_NO = {"是": True, "否": False, "y": True, "n": False, "yes": True, "no": False, "1": True, "0": False,
          "√": True, "×": False}
APPROVES = {**YES_NO, "认可": True, "不认可": False}  # the approval column may also say it in words


def _c(header: str, field_name: str, kind: str, required: bool = False, width: int = 12,
       aliases: tuple[str, ...] = ()) -> Column:
    return Column(header, "", field_name, kind, required, width=width, aliases=aliases)


# The columns in order. The first seven say which household it is (only 样本号 and 户编号 are read
# back, to make sure a row was not moved); the last six are the answers.
COLUMNS: tuple[Column, ...] = (
    _c("样本号", "order", "int", True, 8),
    _c("抽样类别", "frame", "text", width=14),
    _c("乡镇", "township", "text", width=12),
    _c("村", "village", "text", width=12),
    _c("户编号", "household_code", "text", True, 20),
    _c("户主", "head", "text", width=10),
    _c("家庭人口", "size", "int", width=8),
    _c("是否错退", "wrongly_exited", "yesno", aliases=("错退",)),
    _c("是否漏评", "missed", "yesno", aliases=("漏评",)),
    _c("是否认可帮扶工作", "approves", "yesno", width=16, aliases=("是否认可", "认可帮扶工作", "群众认可")),
    _c("情况说明", "note", "text", width=30),
    _c("调查人", "surveyor", "text", width=10),
    _c("调查日期", "surveyed_on", "date", width=12),
)
BY_FIELD = {c.field: c for c in COLUMNS}
ANSWER_FIELDS = ("wrongly_exited", "missed", "approves", "note", "surveyor", "surveyed_on")


def _yes_no(value) -> str:
    return "" if value is None else (YES if value else NO)


def write(out, user, sample: Sample) -> int:
    """The sample's households the user may see, with any answers already recorded; returns the rows.
    Cells that do not apply to a household's frame are greyed out."""
    from fupin.assessment import selectors
    from fupin.divisions.models import Division

    rows = list(selectors.items(user, sample))
    names = dict(Division.objects.filter(code__in={r.division_code for r in rows}
                                         | {r.division_code[:9] for r in rows}).values_list("code", "name"))
    with translation.override("zh-hans"):
        frames = {value: str(label) for value, label in Frame.choices}
    book = workbooks._workbook(out)
    sheet = book.add_worksheet(SHEET_NAME)
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    answer = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True})
    na = book.add_format({"bg_color": "#EEEEEE"})
    for i, column in enumerate(COLUMNS):
        sheet.write_string(0, i, column.header, answer if column.field in ANSWER_FIELDS else head)
        sheet.set_column(i, i, column.width)
    col = {c.field: i for i, c in enumerate(COLUMNS)}
    for field_name in ("wrongly_exited", "missed", "approves"):
        sheet.data_validation(1, col[field_name], max(len(rows), 1), col[field_name], {
            "validate": "list", "source": [YES, NO], "error_type": "warning", "error_message": "请选择“是”或“否”"})
    for r, item in enumerate(rows, start=1):
        survey = getattr(item, "survey", None) if _has_survey(item) else None
        values = {
            "order": str(item.order), "frame": frames[item.frame], "township": names.get(item.division_code[:9], ""),
            "village": names.get(item.division_code, item.division_code),
            "household_code": item.household.household_code, "head": item.head or "", "size": str(item.size),
            "wrongly_exited": _yes_no(survey.wrongly_exited) if survey else "",
            "missed": _yes_no(survey.missed) if survey else "",
            "approves": _yes_no(survey.approves) if survey else "",
            "note": survey.note if survey else "", "surveyor": survey.surveyor if survey else "",
            "surveyed_on": survey.surveyed_on.isoformat() if survey else "",
        }
        for c, column in enumerate(COLUMNS):
            greyed = ((column.field == "wrongly_exited" and item.frame != Frame.EXITED)
                      or (column.field == "missed" and item.frame != Frame.NON_REGISTERED))
            sheet.write_string(r, c, values[column.field], na if greyed else None)
    sheet.freeze_panes(1, 1)
    notes = book.add_worksheet("填写说明")
    notes.set_column(0, 0, 90)
    for r, text in enumerate([
        f"{sample.name}（{sample.year} 年，随机种子 {sample.seed}）",
        "每行一户。请勿改动样本号和户编号（导入时用来核对是哪一户）。",
        "是否错退：只对脱贫户填写（达不到脱贫标准却已退出填“是”）；其他户留空（灰色）。“是”“否”也可写作 √/×、1/0、Y/N。",
        "是否漏评：只对非建档立卡农户填写（符合贫困户标准却未识别填“是”）；其他户留空（灰色）。",
        "是否认可帮扶工作：每户必填“是”或“否”（也可写“认可”“不认可”）。调查人、调查日期：每户必填，日期如 2024-03-07。",
        "发现错退或漏评时，情况说明必填（转为风险线索后村里据此核实）。",
        "尚未调查的户整行答案留空即可，导入时跳过；已登记的调查可在此更正后重新导入。",
    ]):
        notes.write_string(r, 0, text)
    book.close()
    return len(rows)


def _has_survey(item: SampleItem) -> bool:
    try:
        return item.survey is not None
    except SampleItem.survey.RelatedObjectDoesNotExist:
        return False


@dataclass
class Loaded:
    upload: SurveyUpload
    problems: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=validate.PROBLEM_SCHEMA))


def _problems(rows: list[tuple[int, str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=validate.PROBLEM_SCHEMA, orient="row").sort([ROW, "column"])


def check(user, sample: Sample, name: str, data: bytes):
    """Read a filled-in workbook: (sheet, [(item, values)], problems). Raises reader.WorkbookError when
    the file as a whole cannot be read (no header, not a workbook)."""
    sheet = reader.read(name, data, columns=COLUMNS, sheet_name=SHEET_NAME, anchor_field="order")
    frame = sheet.frame
    for column in COLUMNS:
        if column.field not in frame.columns:
            frame = frame.with_columns(pl.lit("").alias(column.field))
    frame = frame.with_columns(validate.parse_date(pl.col("surveyed_on")).alias("_day"))
    header = {c.field: sheet.headers.get(c.field, c.header) for c in COLUMNS}
    orders = [int(v) for v in validate.fold(frame.get_column("order")).cast(pl.Int64, strict=False).drop_nulls()]
    items = {i.order: i for i in SampleItem.objects.visible_to(user).filter(sample=sample, order__in=orders)
             .select_related("sample", "household")}
    problems: list[tuple[int, str, str, str]] = []
    rows: list[tuple[SampleItem, dict]] = []
    seen: dict[int, int] = {}

    def bad(row: int, field_name: str, value, message: str) -> None:
        problems.append((row, header[field_name], "" if value is None else str(value), message))

    for record in frame.iter_rows(named=True):
        row = record[ROW]
        if not any(str(record[f] or "").strip() for f in ANSWER_FIELDS):
            continue  # not surveyed yet
        text = validate.fold(pl.Series([record["order"] or ""])).item().strip()
        if not text.isdigit():
            bad(row, "order", record["order"], "样本号应为数字")
            continue
        order = int(text)
        if order in seen:
            bad(row, "order", record["order"], f"样本号与第 {seen[order]} 行重复")
            continue
        seen[order] = row
        item = items.get(order)
        if item is None:
            bad(row, "order", record["order"], "这次抽样中没有这个样本号（或该户不在您的管辖范围内）")
            continue
        if (record["household_code"] or "").strip() != item.household.household_code:
            bad(row, "household_code", record["household_code"],
                f"户编号与样本号不符（第 {order} 号样本是 {item.household.household_code}）")
            continue
        values: dict = {"note": (record["note"] or "").strip(), "surveyor": (record["surveyor"] or "").strip()}
        flagged: set[str] = set()  # cells already reported: the answers' own checks skip them
        for f in ("wrongly_exited", "missed", "approves"):
            cell = (record[f] or "").strip()
            accepted = APPROVES if f == "approves" else YES_NO
            if cell and cell.lower() not in accepted:
                bad(row, f, cell, "应填“是”或“否”")
                flagged.add(f)
            values[f] = accepted.get(cell.lower()) if cell else None
        if len(values["note"]) > 300:
            bad(row, "note", values["note"][:40] + "…", "情况说明不能超过 300 字")
            flagged.add("note")
        if len(values["surveyor"]) > 50:
            bad(row, "surveyor", values["surveyor"], "调查人不能超过 50 字")
            flagged.add("surveyor")
        day = record["_day"]
        if (record["surveyed_on"] or "").strip() and day is None:
            bad(row, "surveyed_on", record["surveyed_on"], "调查日期无法识别（可写 2024-03-07、2024/3/7 或 20240307）")
            flagged.add("surveyed_on")
        values["surveyed_on"] = day if isinstance(day, dt.date) else None
        # every problem of the row at once, not one per upload
        for f, message in actions.check_answers(item, values).items():
            if f not in flagged:
                bad(row, f, record.get(f) or "", message)
                flagged.add(f)
        if not flagged:
            rows.append((item, values))
    return sheet, rows, _problems(problems)


def load(*, actor, sample: Sample, name: str, data: bytes) -> Loaded:
    """Check a filled-in workbook and, when it is clean, record its surveys (all or nothing). The
    upload is kept either way, with its error report when there were problems."""
    from fupin.core.scope import root_code

    upload = SurveyUpload(county_code=sample.county_code, division_code=root_code(actor) or sample.county_code,
                          sample=sample, file_name=name[:200], created_by=actor)
    try:
        uploads.check_workbook(name, data)
        sheet, rows, problems = check(actor, sample, name, data)
    except ValidationError as exc:
        sheet, rows = None, []
        problems = _problems([(0, "文件", name, "；".join(exc.messages))])
    except reader.WorkbookError as exc:
        sheet, rows = None, []
        problems = _problems([(0, "文件", name, str(exc))])
    upload.rows = sheet.frame.height if sheet is not None else 0
    upload.problem_count = problems.height
    if problems.height:
        out = io.BytesIO()
        workbooks.error_report(out, problems, sheet, columns=COLUMNS)
        upload.save()
        upload.report.save("错误报告.xlsx", ContentFile(out.getvalue()), save=True)
        return Loaded(upload, problems)
    upload.changed = actions.record_surveys(actor=actor, sample=sample, rows=rows)
    upload.save()
    return Loaded(upload, problems)
