"""Building household workbooks and department lists for the exchange tests: rows as dicts keyed
by the Chinese header, written as CSV (any encoding) or xlsx bytes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools

import xlsxwriter

from fupin.exchange import template
from fupin.registry import idnumber
from tests import factories

HEADERS = [c.header for c in template.COLUMNS]
_serial = itertools.count(1)


def new_id(birth: dt.date = dt.date(1975, 5, 1), sex: str = "1") -> str:
    """A valid ID number (GB 11643 checksum), unique within the test run."""
    n = next(_serial)
    return idnumber.make(factories.COUNTY, birth + dt.timedelta(days=n // 400), (n % 400) * 2 + (1 if sex == "1" else 0))


def household_rows(code: str | None = None, *, village: str = factories.JIANYUAN, members: int = 2,
                   **household) -> list[dict]:
    """A clean household: a head (man), a spouse (woman) and then children in school."""
    code = code or f"H{next(_serial):07d}"
    base = {"户编号": code, "行政区划代码": village, "户类型": "贫困户", "贫困户属性": "一般贫困户",
            "识别标准": "国家", "识别年度": "2016", "主要致贫原因": "因病", "收入年度": "2023",
            "工资性收入": "8000", "生产经营性收入": "1200", "转移性收入": "600", "危房等级": "A",
            "饮水安全": "是", "卫生厕所": "是", "通生活用电": "是", "联系电话": "13812345678"}
    base.update(household)
    rows = []
    for i in range(members):
        if i == 0:
            person = {"姓名": "黄建国", "证件号码": new_id(dt.date(1970, 3, 1), "1"), "与户主关系": "户主",
                      "文化程度": "初中", "健康状况": "健康", "劳动技能": "普通劳动力", "基本医疗保险": "是"}
        elif i == 1:
            person = {"姓名": "李秀英", "证件号码": new_id(dt.date(1972, 6, 1), "2"), "与户主关系": "配偶",
                      "文化程度": "小学", "健康状况": "长期慢性病", "劳动技能": "普通劳动力", "基本医疗保险": "是"}
        else:
            person = {"姓名": f"黄小{i}", "证件号码": new_id(dt.date(2010, 1, 1), "1"), "与户主关系": "之子",
                      "在校生状况": "七至九年级", "健康状况": "健康", "劳动技能": "无劳动力", "基本医疗保险": "是"}
        rows.append({**base, **person})
    return rows


def workbook_rows(households: int = 3, **kwargs) -> list[dict]:
    return [row for _ in range(households) for row in household_rows(**kwargs)]


def to_csv(rows: list[dict], *, encoding: str = "utf-8", headers: list[str] | None = None,
           title: str | None = None) -> bytes:
    headers = headers or HEADERS
    text = io.StringIO()
    writer = csv.writer(text)
    if title:
        writer.writerow([title])
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return text.getvalue().encode(encoding)


def to_xlsx(rows: list[dict], *, headers: list[str] | None = None, title: str | None = None,
            start_row: int = 0, start_col: int = 0, formulas: dict[tuple[int, str], str] | None = None,
            numbers: set[str] = frozenset()) -> bytes:
    """An xlsx workbook; ``formulas`` puts a formula in (data row index, header); headers in
    ``numbers`` are written as numbers where the value parses (as Excel does when typed)."""
    headers = headers or HEADERS
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    sheet = book.add_worksheet("成员明细")
    r = start_row
    if title:
        sheet.write_string(r, start_col, title)
        r += 1
    for c, h in enumerate(headers):
        sheet.write_string(r, start_col + c, h)
    for i, row in enumerate(rows):
        r += 1
        for c, h in enumerate(headers):
            value = row.get(h, "")
            if formulas and (i, h) in formulas:
                sheet.write_formula(r, start_col + c, formulas[(i, h)])
            elif h in numbers and value not in ("", None):
                try:
                    sheet.write_number(r, start_col + c, float(value))
                except ValueError:
                    sheet.write_string(r, start_col + c, str(value))
            elif value != "":
                sheet.write_string(r, start_col + c, str(value))
    book.close()
    return out.getvalue()


def department_csv(headers: list[str], rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)
