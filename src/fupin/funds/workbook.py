"""The ledger (台账) as an xlsx workbook: a title with the area and year, the money per kind of
source, per project and per sub-area (or per household in a village), each with a totals row.
Amounts are numbers with two decimals in a 元 format, never text."""

from __future__ import annotations

from django.utils import translation

from fupin.core import xlsx
from fupin.funds.models import ProjectStatus, ProjectType

YUAN = '#,##0.00" 元"'
T, M, C = xlsx.TEXT, xlsx.MONEY, xlsx.COUNT


def ledger_workbook(ledger) -> tuple[bytes, int]:
    """The workbook's bytes and the number of data rows written."""
    book = xlsx.Book()
    sheet = book.sheet("资金台账")
    sheet.money_format = YUAN
    written = 0
    with translation.override("zh-hans"):
        sheet.title(f"{ledger.name} {ledger.year} 年扶贫项目资金台账")
        sheet.note(f"区划代码 {ledger.area}；金额单位：元")
        sheet.skip()

        def table(caption, headers, kinds, lines, totals):
            nonlocal written
            sheet.title(caption)
            sheet.header(headers)
            for line in lines:
                sheet.row(line, kinds)
                written += 1
            sheet.row(["合计", *totals], [T, *kinds[1:]], total=True)
            sheet.skip()

        t = ledger.totals
        table("一、按资金类别", ["资金类别", "", "资金总额", "已分配", "已支付", "结余（已分配未支付）"], [T, T, M, M, M, M],
              [[k["label"], "", k["amount"], k["allocated"], k["disbursed"], k["balance"]] for k in ledger.kinds],
              ["", t["amount"], t["allocated"], t["disbursed"], t["balance"]])
        table("二、按项目", ["项目编号", "项目名称", "类型", "状态", "实施地点", "预算", "已分配", "已支付", "结余"],
              [T, T, T, T, T, M, M, M, M],
              [[p["project"].code, p["project"].name, ProjectType(p["project"].type).label,
                ProjectStatus(p["project"].status).label, p["project"].division_code, p["budget"], p["allocated"],
                p["disbursed"], p["balance"]] for p in ledger.projects],
              ["", "", "", "", sum((p["budget"] for p in ledger.projects), 0), t["allocated"], t["disbursed"],
               t["balance"]])
        if ledger.children:
            own = ledger.own
            lines = [[c["code"], c["name"], c["allocated"], c["disbursed"], c["balance"]] for c in ledger.children]
            lines.append([ledger.area, f"{ledger.name}本级", own["allocated"], own["disbursed"], own["balance"]])
            table(f"三、按{ledger.child_level}", ["区划代码", "名称", "已分配", "已支付", "结余"], [T, T, M, M, M], lines,
                  ["", t["allocated"], t["disbursed"], t["balance"]])
        else:
            benefits = list(ledger.households)
            table("三、到户资金", ["户编号", "村", "支付笔数", "到户资金", "其中以奖代补"], [T, T, C, M, M],
                  [[h["household__household_code"], h["division_code"], h["payments"], h["total"], h["reward"]]
                   for h in benefits],
                  ["", sum(h["payments"] for h in benefits), sum((h["total"] for h in benefits), 0),
                   sum((h["reward"] for h in benefits), 0)])
    sheet.finish(repeat=(0, 1))
    return book.close(), written
