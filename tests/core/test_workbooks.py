"""Every workbook a person opens survives Excel: codes and ID numbers are text cells, amounts are
numbers with a number format, the header is frozen, wide sheets print landscape one page wide, and
an area without households exports its header row (no traceback). Each workbook is produced from
a small population and read back from its XML (the cell types as Excel sees them) and with
calamine (fastexcel)."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import fastexcel
import pytest
from django.core.management import call_command
from django.urls import reverse

from fupin.core import xlsx
from fupin.core.actions import SYSTEM
from fupin.exchange import identification, importer, selectors, workbooks
from fupin.registry import actions as registry
from tests.conftest import login
from tests.factories import COUNTY, HUFANG, JIANYUAN, TANXI, make_household, person
from tests.targeting.support import identify, income

pytestmark = pytest.mark.django_db
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
BUILTIN = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 14: "mm-dd-yy", 49: "@"}


class Book:
    """An xlsx read back as Excel would: per sheet, each cell's type, value and number format."""

    def __init__(self, data: bytes):
        self.data = data
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        strings = []
        if "xl/sharedStrings.xml" in self.zip.namelist():
            root = ElementTree.fromstring(self.zip.read("xl/sharedStrings.xml"))
            strings = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in root.iterfind("m:si", NS)]
        self.strings = strings
        styles = ElementTree.fromstring(self.zip.read("xl/styles.xml"))
        custom = {int(f.get("numFmtId")): f.get("formatCode") for f in styles.iterfind("m:numFmts/m:numFmt", NS)}
        self.formats = [custom.get(int(xf.get("numFmtId", 0)), BUILTIN.get(int(xf.get("numFmtId", 0)), "?"))
                        for xf in styles.iterfind("m:cellXfs/m:xf", NS)]
        book = ElementTree.fromstring(self.zip.read("xl/workbook.xml"))
        self.names = [s.get("name") for s in book.iterfind("m:sheets/m:sheet", NS)]
        self.defined = {d.text for d in book.iterfind("m:definedNames/m:definedName", NS)}

    def xml(self, sheet: str) -> str:
        return self.zip.read(f"xl/worksheets/sheet{self.names.index(sheet) + 1}.xml").decode()

    def cells(self, sheet: str) -> dict[str, tuple[str, object, str]]:
        """ref -> (kind: "s" text, "n" number; value; number format)."""
        root = ElementTree.fromstring(self.xml(sheet))
        out = {}
        for c in root.iter(f"{{{NS['m']}}}c"):
            t = c.get("t", "n")
            fmt = self.formats[int(c.get("s", 0))]
            if t == "s":
                value, kind = self.strings[int(c.find("m:v", NS).text)], "s"
            elif t == "inlineStr":
                value, kind = "".join(x.text or "" for x in c.iter(f"{{{NS['m']}}}t")), "s"
            elif t == "str":
                value, kind = c.find("m:v", NS).text, "s"
            else:
                v = c.find("m:v", NS)
                if v is None:
                    continue
                value, kind = float(v.text), "n"
            out[c.get("r")] = (kind, value, fmt)
        return out

    def column(self, sheet: str, header: str, header_row: int = 1) -> list[tuple[str, object, str]]:
        cells = self.cells(sheet)
        letter = next(re.match(r"[A-Z]+", ref).group(0) for ref, (_k, v, _f) in cells.items()
                      if v == header and ref.endswith(f"{header_row}") and re.fullmatch(r"[A-Z]+" + str(header_row), ref))
        rows = sorted(int(ref[len(letter):]) for ref in cells if re.fullmatch(letter + r"\d+", ref))
        return [cells[f"{letter}{r}"] for r in rows if r > header_row]

    def frozen_below(self, sheet: str) -> int:
        found = re.search(r'<pane[^>]*ySplit="(\d+)"', self.xml(sheet))
        return int(found.group(1)) if found else 0

    def printed(self, sheet: str) -> dict:
        xml = self.xml(sheet)
        setup = re.search(r"<pageSetup([^>]*)/>", xml).group(1)
        return {"landscape": 'orientation="landscape"' in setup, "a4": 'paperSize="9"' in setup,
                "fit_width": "fitToPage=\"1\"" in xml and 'fitToHeight="0"' in setup,
                "footer": "&amp;P / &amp;N" in xml, "filter": "<autoFilter" in xml,
                "titles": any(d.startswith(f"'{sheet}'!$") or d.startswith(f"{sheet}!$") for d in self.defined)}

    def rows(self, sheet) -> list[tuple]:
        return fastexcel.read_excel(self.data).load_sheet(sheet, header_row=None, dtypes="string").to_polars().rows()


def is_text(cell) -> bool:
    return cell[0] == "s"


def is_number(cell, fmt: str | None = None) -> bool:
    return cell[0] == "n" and (fmt is None or cell[2] == fmt)


@pytest.fixture
def homes(users, rules):
    rich = make_household(JIANYUAN, phone="13812345678", farmland_area=Decimal("2.5"),
                          members=[person("spouse", sex="2")], group_name="=1+1")
    poor = make_household(JIANYUAN)
    income(rich, 277000)
    income(poor, 1200.5)
    return {"rich": rich, "poor": poor}


def test_the_helper_types_cells_and_sets_up_the_sheet():
    book = xlsx.Book()
    xlsx.table(book, "表", [(f"列{i}", k) for i, k in enumerate(
        [xlsx.TEXT, xlsx.MONEY, xlsx.COUNT, xlsx.YEAR, xlsx.DATE, xlsx.TEXT, xlsx.RATE, xlsx.SCORE, xlsx.TEXT])],
        [["36102210020000000", Decimal("277000"), 45000, 2023, "1980-03-07", "=SUM(A1)", 12.5, 0.3333, "-1"]],
        totals=["合计", Decimal("277000"), 45000, None, None, None, None, None, None])
    read = Book(book.close())
    cells = read.cells("表")
    assert cells["A2"][:2] == ("s", "36102210020000000") and cells["A2"][2] == "@"
    assert is_number(cells["B2"], "#,##0.00") and cells["B2"][1] == 277000
    assert is_number(cells["C2"], "#,##0") and is_number(cells["D2"], "0") and is_number(cells["E2"], "yyyy-mm-dd")
    assert cells["F2"][:2] == ("s", "=SUM(A1)") and "<f>" not in read.xml("表") and cells["I2"][:2] == ("s", "-1")
    assert is_number(cells["B3"], "#,##0.00")
    assert read.frozen_below("表") == 1
    assert read.printed("表") == {"landscape": True, "a4": True, "fit_width": True, "footer": True, "filter": True,
                                 "titles": True}
    widths = [float(w) for w in re.findall(r'<col [^>]*width="([\d.]+)"', read.xml("表"))]
    assert widths[1] >= len("277,000.00")  # a total never shows ###
    assert xlsx.display_width("黎川县") == 6 and xlsx.display_width("abc") == 3


def test_the_identification_workbook_keeps_codes_as_text(client, users, rules, homes, tmp_path):
    run = identify(rules)
    out = io.BytesIO()
    assert identification.write_xlsx(out, run) == 2
    read = Book(out.getvalue())
    sheet = read.names[0]
    codes = read.column(sheet, "户编号")
    assert all(is_text(c) for c in codes) and {c[1] for c in codes} == {homes["rich"].household_code,
                                                                       homes["poor"].household_code}
    assert all(len(c[1]) == 17 for c in codes)
    assert all(is_text(c) for c in read.column(sheet, "行政区划代码"))
    incomes = read.column(sheet, "人均纯收入")
    assert all(is_number(c, "#,##0.00") for c in incomes)
    assert read.frozen_below(sheet) == 1
    printed = read.printed(sheet)
    assert printed["landscape"] and printed["fit_width"] and printed["a4"] and printed["footer"]
    # the page offers the workbook and, on request, the CSV
    login(client, users["county"])
    page = client.get(reverse("targeting:run_detail", args=[run.pk])).content.decode()
    xlsx_url = reverse("exchange:identification_export_xlsx", args=[run.pk])
    assert xlsx_url in page and reverse("exchange:identification_export", args=[run.pk]) in page
    response = client.get(xlsx_url)
    body = b"".join(response.streaming_content)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert all(is_text(c) for c in Book(body).column(sheet, "户编号"))
    # the command picks the format by the extension
    call_command("export", "identification", "--year", "2023", "--output", str(tmp_path / "r.xlsx"))
    assert all(is_text(c) for c in Book((tmp_path / "r.xlsx").read_bytes()).column(sheet, "户编号"))
    call_command("export", "identification", "--year", "2023", "--output", str(tmp_path / "r.csv"))
    assert (tmp_path / "r.csv").read_text(encoding="utf-8-sig").startswith("户编号,")


def test_the_household_workbook_has_typed_cells_and_imports_back(homes):
    table = workbooks.household_rows(selectors.households(None, JIANYUAN), masked=False)
    out = io.BytesIO()
    workbooks.write_households(out, table, "xlsx")
    data = out.getvalue()
    read = Book(data)
    sheet = "成员明细"
    assert all(is_text(c) for c in read.column(sheet, "户编号"))
    assert {c[1] for c in read.column(sheet, "户编号")} == {homes["rich"].household_code, homes["poor"].household_code}
    ids = read.column(sheet, "证件号码")
    assert all(is_text(c) and len(c[1]) == 18 for c in ids)
    wages = read.column(sheet, "工资性收入")
    assert all(is_number(c, "#,##0.00") for c in wages) and {c[1] for c in wages} == {277000, 1200.5}
    assert all(is_number(c, "0") for c in read.column(sheet, "收入年度"))
    assert all(is_number(c, "yyyy-mm-dd") for c in read.column(sheet, "出生日期"))
    assert any(c[:2] == ("s", "=1+1") for c in read.column(sheet, "村民小组"))  # text, not a formula
    assert read.frozen_below(sheet) == 1 and read.printed(sheet)["landscape"] and read.printed(sheet)["filter"]
    # the import reads what the export writes: nothing changes
    result = importer.import_households("export.xlsx", data, dry_run=True)
    assert result.ok, result.problems
    assert result.rows == 3 and result.households == 2
    assert {k: result.counts[k] for k in ("households_created", "households_updated", "members_created",
                                          "members_updated", "incomes_written")} == dict.fromkeys(
        ("households_created", "households_updated", "members_created", "members_updated", "incomes_written"), 0)


def test_an_area_without_households_exports_its_header(homes, tmp_path, client, users):
    for suffix in ("xlsx", "csv"):
        target = tmp_path / f"x.{suffix}"
        call_command("export", "households", "--area", TANXI, "--output", str(target))
        if suffix == "csv":
            lines = target.read_text(encoding="utf-8-sig").splitlines()
            assert len(lines) == 1 and lines[0].startswith("户编号,")
        else:
            rows = Book(target.read_bytes()).rows("成员明细")
            assert len(rows) == 1 and rows[0][0] == "户编号"
    login(client, users["county"])
    response = client.get(reverse("exchange:export_households"), {"area": TANXI, "file_format": "xlsx"})
    assert response.status_code == 200 and len(Book(response.content).rows("成员明细")) == 1


def test_village_register_and_household_card(homes):
    from fupin.divisions.models import Division

    registry.update_village(actor=SYSTEM, division=Division.objects.get(code=JIANYUAN),
                            changes={"collective_income": Decimal("53000"), "population": 1234})
    out = io.BytesIO()
    workbooks.village_registers(out, list(selectors.villages(None, HUFANG)))
    read = Book(out.getvalue())
    codes = read.column("村册", "区划代码")
    assert all(is_text(c) for c in codes) and JIANYUAN in {c[1] for c in codes}
    assert any(is_number(c, "#,##0.00") and c[1] == 53000 for c in read.column("村册", "村集体经济收入（元）"))
    assert any(is_number(c, "#,##0") and c[1] == 1234 for c in read.column("村册", "总人口"))
    assert read.frozen_below("村册") == 1 and read.printed("村册")["landscape"]

    out = io.BytesIO()
    workbooks.household_card(out, homes["rich"], masked=False)
    read = Book(out.getvalue())
    cells = read.cells("户卡")
    assert ("s", homes["rich"].household_code, "@") in cells.values()
    head_id = homes["rich"].members.get(relation="head").id_number
    assert any(c[0] == "s" and c[1] == head_id for c in cells.values())
    assert any(is_number(c, "#,##0.00") and c[1] == 277000 for c in cells.values())
    assert read.printed("户卡")["a4"] and read.printed("户卡")["fit_width"]


def test_the_ledger_and_the_report(homes, users):
    from fupin.funds import selectors as funds_selectors
    from fupin.funds import workbook as ledger_workbook
    from fupin.insights import reports

    content, _rows = ledger_workbook.ledger_workbook(funds_selectors.ledger(users["county"], COUNTY, 2023))
    read = Book(content)
    cells = read.cells("资金台账")
    totals = [ref for ref, c in cells.items() if c[1] == "合计"]
    assert totals and all(is_number(cells["C" + ref[1:]]) for ref in totals[:1])
    assert read.printed("资金台账")["landscape"] and read.printed("资金台账")["fit_width"]
    assert read.printed("资金台账")["titles"]

    report = reports.build(users["county"], COUNTY, 2023)
    read = Book(reports.workbook(report))
    areas = read.cells("分区域")
    assert areas["A1"][1] in ("乡镇", "村") and read.frozen_below("分区域") == 1
    assert is_number(areas["B2"], "#,##0")
    assert read.printed("分区域")["landscape"] and read.printed("分区域")["fit_width"]
