"""Export of identification results as an xlsx workbook (户编号 and codes as text, incomes as numbers)
or as UTF-8 CSV (the columns of issue #3, 是/否 and 达标/不达标)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import translation

from fupin.core import csvout, xlsx
from fupin.targeting.models import (
    Conclusion,
    Degree,
    IdentificationResult,
    IdentificationRun,
    MonitoringCandidate,
)

HEADER = ["户编号", "行政区划代码", "年度", "家庭人口数", "人均纯收入", "收入线", "低于收入线", "吃穿", "义务教育",
          "基本医疗", "住房安全", "饮水安全", "识别结论", "贫困程度", "多维贫困得分", "多维贫困", "监测对象类型",
          "贫困户属性", "托底保障", "上年人均纯收入", "收入稳定超过收入线", "按地方规则因保障缺口纳入", "说明"]
ATTRIBUTES = {"general": "一般贫困户", "dibao": "低保贫困户", "tekun": "特困供养贫困户"}


def _yes(value) -> str:
    return "" if value is None else ("是" if value else "否")


def _ok(value) -> str:
    return "" if value is None else ("达标" if value else "不达标")


T, M, C, Y, S = xlsx.TEXT, xlsx.MONEY, xlsx.COUNT, xlsx.YEAR, xlsx.SCORE
# the cell kind of each column of HEADER in the workbook
KINDS = [T, T, Y, C, M, M, T, T, T, T, T, T, T, T, S, T, T, T, T, M, T, T, T]
assert len(KINDS) == len(HEADER)


def values(run: IdentificationRun, results=None) -> Iterator[list]:
    """The rows of a run's results (``results`` narrows them, e.g. to a user's scope), with numbers
    as numbers (None where there is none)."""
    qs = results if results is not None else IdentificationResult.objects.filter(run=run)
    with translation.override("zh-hans"):
        conclusions = {c.value: str(c.label) for c in Conclusion}
        degrees = {d.value: str(d.label) for d in Degree}
        monitoring = {m.value: str(m.label) for m in MonitoringCandidate}
    line = run.params["income_line"]
    columns = ["household__household_code", "division_code", "size", "per_capita_income", "below_line", "food_ok",
               "education_ok", "medical_ok", "housing_ok", "water_ok", "conclusion", "degree", "mpi_score",
               "mpi_poor", "monitoring", "attribute", "safety_net", "previous_per_capita_income", "stable_above",
               "gap_admitted", "explanation"]
    for (code, division, size, pc, below, food, edu, med, house, water, conclusion, degree, score, mpi_poor, mon,
         attribute, safety_net, prev, stable, admitted, explanation) in qs.order_by(
            "division_code", "household_id").values_list(
            *columns).iterator(chunk_size=5000):
        poor = conclusion == "poor"
        yield [code, division, run.year, size, pc, line, _yes(below), _ok(food),
               _ok(edu), _ok(med), _ok(house), _ok(water), conclusions.get(conclusion, conclusion),
               degrees.get(degree, "") if poor else "", score, _yes(mpi_poor), monitoring.get(mon, ""),
               ATTRIBUTES.get(attribute, ""), _yes(safety_net) if poor else "", prev,
               _yes(stable), _yes(admitted) if poor else "", explanation]


def rows(run: IdentificationRun, results=None) -> Iterator[list]:
    """The rows as the CSV writes them (incomes with 2 decimals, the score with 4)."""
    for row in values(run, results):
        pc, score, prev = row[4], row[14], row[19]
        row[4] = "" if pc is None else f"{pc:.2f}"
        row[14] = f"{score:.4f}"
        row[19] = "" if prev is None else f"{prev:.2f}"
        yield row


def write_csv(stream, run: IdentificationRun, results=None) -> int:
    """Write the header and rows to a text stream; returns the number of rows."""
    writer = csvout.writer(stream)
    writer.writerow(HEADER)
    count = 0
    for row in rows(run, results):
        writer.writerow(row)
        count += 1
    return count


def write_xlsx(out, run: IdentificationRun, results=None) -> int:
    """Write the workbook (one sheet, the header frozen, 户编号 as text) to ``out`` (a path or a
    binary stream); returns the number of rows."""
    book = xlsx.Book(out, large=True)
    sheet = book.sheet(f"{run.year}年识别结果")
    sheet.header(HEADER)
    count = 0
    for row in values(run, results):
        sheet.row(row, KINDS)
        count += 1
    sheet.finish(freeze_columns=1)
    book.close()
    return count
