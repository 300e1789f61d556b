"""The household-workbook reader (household-template.md, "Layout"): encodings, where the header row
is, how columns are matched, how rows are numbered, and which files are refused as a whole."""

import io
import random

import polars as pl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fupin.exchange import reader, template, validate
from fupin.exchange.reader import ROW, WorkbookError
from fupin.exchange.template import Column
from tests import factories
from tests.exchange.support import HEADERS, household_rows, to_csv, to_xlsx, workbook_rows

VILLAGES = {factories.JIANYUAN, factories.HUFANG_VILLAGE, factories.TANXI_VILLAGE}
REQUIRED = [c.header for c in template.COLUMNS if c.required]
TITLE = "黎川县建档立卡人口明细表"
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def read(data: bytes, name: str = "成员明细.csv") -> reader.Sheet:
    return reader.read(name, data)


def check(sheet: reader.Sheet) -> validate.Checked:
    return validate.check(sheet, village_codes=VILLAGES, visible=VILLAGES, this_year=2024)


def problems(checked: validate.Checked) -> list[tuple[int, str, str, str]]:
    return checked.problems.rows()


def book(*rows_of_cells: list, sheet: str = "成员明细", start_row: int = 0) -> bytes:
    """An xlsx whose sheet holds ``rows_of_cells`` (lists of strings) from row ``start_row`` (0-based)."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    worksheet = workbook.add_worksheet(sheet)
    for r, cells in enumerate(rows_of_cells, start=start_row):
        for c, value in enumerate(cells):
            if value != "":
                worksheet.write_string(r, c, value)
    workbook.close()
    return out.getvalue()


def cells(rows: list[dict], headers: list[str] = HEADERS) -> list[list[str]]:
    return [headers, *[[row.get(h, "") for h in headers] for row in rows]]


# --- encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_bom_and_gb18030_csv_give_the_same_frame_as_utf8(encoding):
    rows = workbook_rows(2)
    plain = read(to_csv(rows))
    other = read(to_csv(rows, encoding=encoding))
    assert other.frame.equals(plain.frame)
    assert other.headers == plain.headers
    assert other.frame["name"].to_list() == ["黄建国", "李秀英"] * 2
    assert other.frame["household_type"].to_list() == ["贫困户"] * 4
    assert other.frame[ROW].to_list() == [2, 3, 4, 5]


def test_xlsx_and_csv_give_the_same_frame():
    rows = workbook_rows(2, members=3)
    assert read(to_xlsx(rows), "成员明细.xlsx").frame.equals(read(to_csv(rows)).frame)


def test_all_cells_are_text_with_leading_zeros_kept_and_spaces_stripped():
    rows = household_rows("000123", members=1, 村民小组="  007组 ", 工资性收入="08000")
    sheet = read(to_csv(rows))
    assert all(dtype == pl.Utf8 for name, dtype in sheet.frame.schema.items() if name != ROW)
    row = sheet.frame.row(0, named=True)
    assert (row["household_code"], row["group_name"], row["wage_income"]) == ("000123", "007组", "08000")


def test_mixed_encoding_does_not_crash():
    """A UTF-8 file with one name pasted in from a GB18030 file: GB18030 or a clear error."""
    rows = household_rows(members=2)
    data = to_csv(rows).replace("李秀英".encode(), "李秀英".encode("gb18030"))
    try:
        sheet = read(data)
    except WorkbookError as exc:
        assert "编码" in str(exc)
    else:
        assert sheet.frame.height == 2


def test_bom_followed_by_gb18030_bytes_is_a_workbook_error_not_a_crash():
    data = b"\xef\xbb\xbf" + to_csv(household_rows(members=2), encoding="gb18030")
    try:
        read(data)
    except WorkbookError as exc:
        assert "编码" in str(exc)


@FUZZ
@given(data=st.data())
def test_a_damaged_csv_is_read_or_refused_never_a_crash(data):
    base = bytearray(to_csv(household_rows("H1", members=2)))
    for _ in range(data.draw(st.integers(1, 6), label="damages")):
        position = data.draw(st.integers(0, len(base) - 1), label="position")
        base[position] = data.draw(st.integers(0, 255), label="byte")
    try:
        sheet = read(bytes(base))
    except WorkbookError as exc:
        assert str(exc)
    else:
        assert set(sheet.frame.columns) <= {ROW} | {c.field for c in template.COLUMNS}
        assert sheet.frame[ROW].is_sorted() and all(row >= 2 for row in sheet.frame[ROW])


@FUZZ
@given(blob=st.binary(max_size=3000), name=st.sampled_from(["a.csv", "a.xlsx", "a.txt"]))
def test_arbitrary_bytes_are_read_or_refused_never_a_crash(blob, name):
    try:
        read(blob, name)
    except WorkbookError as exc:
        assert str(exc)


# --- where the header and the rows are -------------------------------------------------------


def test_rows_are_numbered_as_excel_shows_them():
    rows = workbook_rows(2)
    sheet = read(to_csv(rows))
    assert sheet.frame[ROW].to_list() == [2, 3, 4, 5]
    assert sheet.frame["id_number"].to_list() == [r["证件号码"] for r in rows]


def test_header_below_one_title_row_in_xlsx():
    rows = workbook_rows(2)
    sheet = read(to_xlsx(rows, title=TITLE), "a.xlsx")
    assert sheet.frame[ROW].to_list() == [3, 4, 5, 6]
    assert sheet.frame["id_number"].to_list() == [r["证件号码"] for r in rows]


def test_header_below_two_title_rows_in_xlsx():
    rows = household_rows(members=2)
    sheet = read(book([TITLE], ["（2023年度）"], *cells(rows)), "a.xlsx")
    assert sheet.frame[ROW].to_list() == [4, 5]
    assert sheet.frame["name"].to_list() == ["黄建国", "李秀英"]


def test_header_below_a_title_row_in_csv_as_excel_saves_it():
    """Excel pads every CSV line to the width of the sheet: the title line is `title,,,,`."""
    rows = household_rows(members=2)
    data = (TITLE + "," * (len(HEADERS) - 1) + "\r\n").encode() + to_csv(rows)
    sheet = read(data)
    assert sheet.frame[ROW].to_list() == [3, 4]
    assert sheet.frame["id_number"].to_list() == [r["证件号码"] for r in rows]


def test_header_below_a_one_cell_title_row_in_csv():
    rows = household_rows(members=2)
    sheet = read(to_csv(rows, title=TITLE))
    assert sheet.frame[ROW].to_list() == [3, 4]


def test_csv_with_a_blank_first_line():
    sheet = read(b"\r\n" + to_csv(household_rows(members=2)))
    assert sheet.frame[ROW].to_list() == [3, 4]


def test_xlsx_whose_data_starts_at_b3_keeps_excel_row_numbers():
    rows = workbook_rows(2)
    sheet = read(to_xlsx(rows, start_row=2, start_col=1), "a.xlsx")
    assert sheet.frame[ROW].to_list() == [4, 5, 6, 7]  # header in row 3
    assert sheet.frame["id_number"].to_list() == [r["证件号码"] for r in rows]
    assert sheet.frame["household_code"].to_list() == [r["户编号"] for r in rows]
    assert sheet.headers["household_code"] == "户编号"


def test_xlsx_with_title_in_b2_and_header_in_b3():
    rows = household_rows(members=2)
    sheet = read(to_xlsx(rows, title=TITLE, start_row=1, start_col=1), "a.xlsx")
    assert sheet.frame[ROW].to_list() == [4, 5]
    assert sheet.frame["name"].to_list() == ["黄建国", "李秀英"]


def test_header_is_found_in_row_10_but_not_in_row_11():
    rows = household_rows(members=1)
    titles = [[f"说明 {i}"] for i in range(9)]
    sheet = read(book(*titles, *cells(rows)), "a.xlsx")
    assert sheet.frame[ROW].to_list() == [11]
    with pytest.raises(WorkbookError, match=r"前 10 行中没有找到表头.*证件号码"):
        read(book(*titles, ["说明 9"], *cells(rows)), "a.xlsx")


def test_no_header_at_all():
    with pytest.raises(WorkbookError, match="前 10 行中没有找到表头（须包含“证件号码”列）"):
        read("姓名,身份证\n张三,1\n".encode())


def test_sheet_named_like_the_template_is_preferred_to_the_first():
    rows = household_rows(members=2)
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    workbook.add_worksheet("填表说明").write_string(0, 0, "证件号码 须为 18 位")
    data_sheet = workbook.add_worksheet(template.SHEET_NAME)
    for r, line in enumerate(cells(rows)):
        data_sheet.write_row(r, 0, line)
    workbook.close()
    sheet = read(out.getvalue(), "a.xlsx")
    assert sheet.frame["name"].to_list() == ["黄建国", "李秀英"]
    assert sheet.frame[ROW].to_list() == [2, 3]


def test_first_sheet_is_read_when_none_has_the_template_name():
    rows = household_rows(members=2)
    sheet = read(book(*cells(rows), sheet="Sheet1"), "a.xlsx")
    assert sheet.frame["name"].to_list() == ["黄建国", "李秀英"]


def test_empty_rows_are_skipped_and_do_not_shift_row_numbers_in_csv():
    rows = workbook_rows(2)
    lines = to_csv(rows).split(b"\r\n")
    data = b"\r\n".join([lines[0], lines[1], b"", b",,,,,", b" , ,", *lines[2:]])
    sheet = read(data)
    assert sheet.frame[ROW].to_list() == [2, 6, 7, 8]
    assert sheet.frame["id_number"].to_list() == [r["证件号码"] for r in rows]


def test_empty_rows_are_skipped_in_xlsx():
    rows = workbook_rows(1, members=3)
    sheet = read(to_xlsx([rows[0], {}, rows[1], {}, {}, rows[2]]), "a.xlsx")
    assert sheet.frame[ROW].to_list() == [2, 4, 7]
    assert sheet.frame["id_number"].to_list() == [r["证件号码"] for r in rows]


def test_header_only_file_has_no_rows():
    for data, name in [(to_csv([]), "a.csv"), (to_xlsx([]), "a.xlsx")]:
        sheet = read(data, name)
        assert sheet.frame.height == 0
        assert set(sheet.headers) == {c.field for c in template.COLUMNS}


# --- columns ---------------------------------------------------------------------------------


def test_columns_in_any_order():
    rows = workbook_rows(2)
    shuffled = HEADERS[::-1]
    random.Random(7).shuffle(shuffled)
    expected = read(to_csv(rows)).frame
    for data, name in [(to_csv(rows, headers=shuffled), "a.csv"), (to_xlsx(rows, headers=shuffled), "a.xlsx")]:
        sheet = read(data, name)
        assert sheet.frame.select(expected.columns).equals(expected)
        assert sheet.source_columns == shuffled


def test_only_the_required_columns_are_enough():
    rows = household_rows(members=2)
    sheet = read(to_csv(rows, headers=REQUIRED))
    assert set(sheet.frame.columns) == {ROW} | {c.field for c in template.COLUMNS if c.required}
    assert sheet.unknown == []
    assert sheet.frame["id_number"].to_list() == [r["证件号码"] for r in rows]


def test_headers_with_spaces_and_a_required_mark_are_matched():
    written = {"证件号码": " 证件号码 *", "姓名": "姓名＊", "户编号": "户编号*", "与户主关系": "与户主关系 ",
               "行政区划代码": "\u3000行政区划代码", "收入年度": "收入 年度"}
    headers = [written.get(h, h) for h in HEADERS]
    rows = household_rows(members=2)
    sheet = read(to_csv([{written.get(k, k): v for k, v in r.items()} for r in rows], headers=headers))
    assert sheet.frame.equals(read(to_csv(rows)).frame)
    assert sheet.unknown == []
    assert sheet.headers["id_number"] == "证件号码 *"  # reports name the column as the file does
    assert sheet.headers["name"] == "姓名＊"


def test_full_width_brackets_in_headers_match_half_width_ones():
    columns = (Column("证件号码", "M", "id_number", "id", True), Column("金额(元)", "M", "amount", "money"),
               Column("备注[可选]", "M", "note", "text"))
    data = "证件号码*, 金额（元） ,备注【可选】\n361022197003010056,12,x\n".encode()
    sheet = reader.read("list.csv", data, columns=columns)
    assert sheet.frame.columns == [ROW, "id_number", "amount", "note"]
    assert sheet.frame.row(0) == (2, "361022197003010056", "12", "x")
    assert sheet.headers["amount"] == "金额（元）"


def test_unknown_columns_are_reported_and_ignored():
    rows = [{**r, "备注": "外出务工", " 家庭住址 ": "枧源村"} for r in household_rows(members=2)]
    sheet = read(to_csv(rows, headers=[*HEADERS, "备注", " 家庭住址 "]))
    assert sheet.unknown == ["备注", "家庭住址"]
    assert "备注" not in sheet.frame.columns and "家庭住址" not in sheet.frame.columns
    assert sheet.frame.width == len(HEADERS) + 1
    assert problems(check(sheet)) == []


@pytest.mark.parametrize("missing", REQUIRED)
def test_a_missing_required_column_is_one_error_naming_it(missing):
    headers = [h for h in HEADERS if h != missing]
    with pytest.raises(WorkbookError) as err:
        read(to_csv(household_rows(members=2), headers=headers))
    if missing == template.ID_HEADER:  # the header row is found by this column
        assert str(err.value) == "前 10 行中没有找到表头（须包含“证件号码”列）"
    else:
        assert str(err.value) == f"缺少必填列：{missing}"


def test_several_missing_required_columns_are_named_in_one_error():
    headers = [h for h in HEADERS if h not in ("户编号", "姓名", "与户主关系")]
    with pytest.raises(WorkbookError) as err:
        read(to_xlsx(household_rows(members=2), headers=headers), "a.xlsx")
    assert str(err.value) == "缺少必填列：户编号、姓名、与户主关系"


@pytest.mark.parametrize("second", ["证件号码", "证件号码*", " 证件号码 "])
def test_a_duplicated_header_is_refused(second):
    headers = [*HEADERS, second]
    with pytest.raises(WorkbookError, match="表头“证件号码”出现了两次"):
        read(to_csv(household_rows(members=1), headers=headers))


def test_an_unknown_header_may_appear_twice():
    sheet = read(to_csv(household_rows(members=1), headers=[*HEADERS, "备注", "备注"]))
    assert sheet.unknown == ["备注", "备注"]


# --- files that are not workbooks ------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b" ", b"\r\n\r\n", b" \t\n \r\n "],
                         ids=["0 bytes", "space", "newlines", "mixed"])
@pytest.mark.parametrize("name", ["a.csv", "a.xlsx"])
def test_an_empty_file_is_refused(data, name):
    with pytest.raises(WorkbookError, match=r"^文件是空的$"):
        read(data, name)


def test_an_empty_xlsx_is_refused():
    with pytest.raises(WorkbookError, match=r"^文件是空的$"):
        read(book(), "a.xlsx")


def test_a_file_holding_only_a_bom_is_empty():
    with pytest.raises(WorkbookError, match=r"^文件是空的$"):
        read(b"\xef\xbb\xbf")


@pytest.mark.parametrize(("data", "name", "message"), [
    (random.Random(0).randbytes(4000), "a.csv", "文件不是工作簿或 CSV 文本"),
    (bytes(range(1, 256)) * 4, "a.csv", "无法识别文件编码"),
    ("证件号码,姓名\n".encode("utf-16"), "a.csv", "文件不是工作簿或 CSV 文本"),
    (b"PK\x03\x04" + random.Random(1).randbytes(500), "a.csv", "无法读取工作簿（文件可能已损坏，或不是 xlsx 工作簿）"),
    (b"PK\x03\x04" + random.Random(1).randbytes(500), "a.xlsx", "无法读取工作簿"),
    (random.Random(2).randbytes(500), "a.xlsx", "无法读取工作簿"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "a.csv", "不支持旧版 .xls 文件"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "a.xls", "不支持旧版 .xls 文件"),
    ("证件号码,姓名\n".encode(), "a.xls", "不支持旧版 .xls 文件"),
], ids=["random", "undecodable", "utf-16", "corrupt zip", "corrupt xlsx", "random xlsx", "ole", "ole .xls",
        "named .xls"])
def test_a_file_that_is_not_a_workbook_is_refused(data, name, message):
    with pytest.raises(WorkbookError) as err:
        read(data, name)
    assert message in str(err.value)


def test_a_truncated_xlsx_is_refused():
    data = to_xlsx(workbook_rows(3))
    with pytest.raises(WorkbookError, match="无法读取工作簿"):
        read(data[: len(data) // 2], "a.xlsx")


# --- cell contents ---------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "read_as"), [
    ("'=HYPERLINK(\"http://x.cn\",\"黄建国\")", "=HYPERLINK(\"http://x.cn\",\"黄建国\")"),
    ("'+8613812345678", "+8613812345678"),
    ("'-黄建国", "-黄建国"),
    ("'@黄建国", "@黄建国"),
    ("黄'建国", "黄'建国"),
])
def test_a_leading_apostrophe_before_a_formula_character_is_dropped(written, read_as):
    rows = household_rows(members=2)
    rows[1]["姓名"] = written
    for data, name in [(to_csv(rows), "a.csv"), (to_xlsx(rows), "a.xlsx")]:
        assert read(data, name).frame["name"].to_list() == ["黄建国", read_as]


def test_formula_cells_are_errors_on_their_row_and_column():
    rows = workbook_rows(2)
    sheet = read(to_xlsx(rows, formulas={(1, "姓名"): '="李"&"秀英"', (3, "工资性收入"): "=4000*2"}), "a.xlsx")
    assert sorted(sheet.formulas) == [(3, "姓名"), (5, "工资性收入")]
    message = "该单元格是公式：请将本列复制后“选择性粘贴-数值”，再导入"
    assert [p for p in problems(check(sheet)) if p[3] == message] == [(3, "姓名", "", message),
                                                                       (5, "工资性收入", "", message)]


def test_formula_cells_in_a_sheet_starting_at_b3():
    rows = household_rows(members=3)
    data = to_xlsx(rows, title=TITLE, start_row=1, start_col=1, formulas={(2, "证件号码"): '="3610"&"22"'})
    sheet = read(data, "a.xlsx")
    assert sheet.formulas == [(6, "证件号码")]  # title B2, header B3, rows 4-6
    found = [p for p in problems(check(sheet)) if p[0] == 6 and "公式" in p[3]]
    assert found == [(6, "证件号码", "", "该单元格是公式：请将本列复制后“选择性粘贴-数值”，再导入")]


def test_formula_in_an_unknown_column_is_not_reported():
    rows = [{**r, "备注": ""} for r in household_rows(members=2)]
    sheet = read(to_xlsx(rows, headers=[*HEADERS, "备注"], formulas={(0, "备注"): "=1+1"}), "a.xlsx")
    assert sheet.formulas == []
    assert problems(check(sheet)) == []


def test_numbers_typed_into_xlsx_cells_read_as_plain_text():
    rows = household_rows(members=2, 户编号="3610220001", 工资性收入="8000", 耕地面积="2.5")
    data = to_xlsx(rows, numbers={"户编号", "行政区划代码", "识别年度", "收入年度", "工资性收入", "耕地面积",
                                  "联系电话"})
    row = read(data, "a.xlsx").frame.row(0, named=True)
    assert (row["household_code"], row["division_code"], row["identification_year"], row["wage_income"],
            row["farmland_area"], row["phone"]) == ("3610220001", factories.JIANYUAN, "2016", "8000", "2.5",
                                                    "13812345678")
