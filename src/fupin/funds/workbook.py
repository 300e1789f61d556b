"""The ledger (台账) as an xlsx workbook: a title with the area and year, the money per kind of
source, per project and per sub-area (or per household in a village), each with a totals row.
Amounts are numbers with two decimals in a 元 format, never text."""

from __future__ import annotations

import io

import xlsxwriter
from django.utils import translation

from fupin.funds.models import ProjectStatus, ProjectType

OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False, "in_memory": True}
YUAN = '#,##0.00" 元"'


def ledger_workbook(ledger) -> tuple[bytes, int]:
    """The workbook's bytes and the number of data rows written."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, OPTIONS)
    title = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    money = book.add_format({"num_format": YUAN, "border": 1})
    text = book.add_format({"border": 1})
    total_text = book.add_format({"bold": True, "border": 1, "bg_color": "#F2F2F2"})
    total_money = book.add_format({"bold": True, "border": 1, "bg_color": "#F2F2F2", "num_format": YUAN})
    sheet = book.add_worksheet("资金台账")
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, 3, 14)
    sheet.set_column(4, 8, 18)
    written = 0
    with translation.override("zh-hans"):
        sheet.write_string(0, 0, f"{ledger.name} {ledger.year} 年扶贫项目资金台账", title)
        sheet.write_string(1, 0, f"区划代码 {ledger.area}；金额单位：元")
        row = 3

        def table(caption, headers, lines, money_from, totals):
            nonlocal row, written
            sheet.write_string(row, 0, caption, title)
            row += 1
            sheet.write_row(row, 0, headers, head)
            row += 1
            for line in lines:
                for col, value in enumerate(line):
                    if value is None:
                        sheet.write_blank(row, col, None, text)
                    elif col >= money_from:
                        sheet.write_number(row, col, float(value), money)
                    else:
                        sheet.write_string(row, col, str(value), text)
                row += 1
                written += 1
            sheet.write_string(row, 0, "合计", total_text)
            for col in range(1, len(headers)):
                value = totals[col - money_from] if col >= money_from else ""
                if col >= money_from and value is not None:
                    sheet.write_number(row, col, float(value), total_money)
                else:
                    sheet.write_string(row, col, "", total_text)
            row += 2

        t = ledger.totals
        table("一、按资金类别", ["资金类别", "", "资金总额", "已分配", "已支付", "结余（已分配未支付）"],
              [[k["label"], "", k["amount"], k["allocated"], k["disbursed"], k["balance"]] for k in ledger.kinds], 2,
              [t["amount"], t["allocated"], t["disbursed"], t["balance"]])
        table("二、按项目", ["项目编号", "项目名称", "类型", "状态", "实施地点", "预算", "已分配", "已支付", "结余"],
              [[p["project"].code, p["project"].name, ProjectType(p["project"].type).label,
                ProjectStatus(p["project"].status).label, p["project"].division_code, p["budget"], p["allocated"],
                p["disbursed"], p["balance"]] for p in ledger.projects], 5,
              [sum((p["budget"] for p in ledger.projects), 0), t["allocated"], t["disbursed"], t["balance"]])
        if ledger.children:
            own = ledger.own
            lines = [[c["code"], c["name"], c["allocated"], c["disbursed"], c["balance"]] for c in ledger.children]
            lines.append([ledger.area, f"{ledger.name}本级", own["allocated"], own["disbursed"], own["balance"]])
            table(f"三、按{ledger.child_level}", ["区划代码", "名称", "已分配", "已支付", "结余"], lines, 2,
                  [t["allocated"], t["disbursed"], t["balance"]])
        else:
            benefits = list(ledger.households)
            table("三、到户资金", ["户编号", "村", "支付笔数", "到户资金", "其中以奖代补"],
                  [[h["household__household_code"], h["division_code"], str(h["payments"]), h["total"], h["reward"]]
                   for h in benefits], 3,
                  [sum((h["total"] for h in benefits), 0), sum((h["reward"] for h in benefits), 0)])
    book.close()
    return out.getvalue(), written
