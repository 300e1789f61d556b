"""The household-workbook validator (household-template.md, "Checks" and "Cell values as they come
from the field"): one test per check, each asserting the row as Excel shows it, the column as the
file names it and the Chinese message. The validator needs no database: the village codes that
exist and those the user may import into are passed in."""

import datetime as dt
import io

import polars as pl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fupin.exchange import reader, template, validate
from fupin.exchange.reader import ROW, Sheet
from fupin.registry import idnumber
from tests import factories
from tests.exchange.support import HEADERS, household_rows, to_csv, to_xlsx, workbook_rows

VILLAGES = {factories.JIANYUAN, factories.HUFANG_VILLAGE, factories.TANXI_VILLAGE}
THIS_YEAR = 2024
# Birth dates that support.new_id never gives, so these IDs never collide with its IDs.
HEAD_ID = "361022196903010057"  # a man (17th digit odd) born 1969-03-01
SPOUSE_ID = "361022197106010067"  # a woman born 1971-06-01
CHILD_ID = "361022200901010095"  # a boy born 2009-01-01
BORN = dt.date(1968, 8, 8)  # everyone in each_alone()
BORN_SERIAL = "25058"  # BORN as an Excel date serial
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def household(code: str = "H1", members: int = 3, **fields) -> list[dict]:
    """Head (rows 2), spouse (row 3) and a child in school (row 4) with fixed, known IDs."""
    rows = household_rows(code, members=members, **fields)
    for row, number in zip(rows, [HEAD_ID, SPOUSE_ID, CHILD_ID], strict=False):
        row["证件号码"] = number
    return rows


def check(rows: list[dict], *, xlsx: bool = False, village_codes=VILLAGES, visible=VILLAGES,
          **written) -> validate.Checked:
    data = to_xlsx(rows, **written) if xlsx else to_csv(rows, **written)
    sheet = reader.read("成员明细.xlsx" if xlsx else "成员明细.csv", data)
    return validate.check(sheet, village_codes=village_codes, visible=visible, this_year=THIS_YEAR)


def problems(checked: validate.Checked, column: str | None = None) -> list[tuple[int, str, str, str]]:
    return [p for p in checked.problems.rows() if column is None or p[1] == column]


def member(checked: validate.Checked, row: int) -> dict:
    return checked.members.filter(pl.col(ROW) == row).row(0, named=True)


def ids_checked(values: list[str]) -> tuple[list[str | None], dict[int, str]]:
    """The vectorised ID check alone: (the 18-character number or None per value, row -> message)."""
    sheet = Sheet(frame=pl.DataFrame({ROW: list(range(2, len(values) + 2)), "id_number": values}), headers={})
    found = validate.Problems(sheet)
    df = validate.check_ids(sheet.frame, found, unique=False)
    return df["id18"].to_list(), dict(found.frame().select(ROW, "message").iter_rows())


def each_alone(cases: list[dict]) -> list[dict]:
    """One household of one person per case, on rows 2, 3, ...: a man born on BORN, with his own ID."""
    rows = []
    for i, fields in enumerate(cases):
        row = household_rows(f"C{i:03d}", members=1)[0]
        row["证件号码"] = born(i)
        row.update(fields)
        rows.append(row)
    return rows


def born(i: int) -> str:
    return idnumber.make(factories.COUNTY, BORN, 2 * i + 1)


# --- the baseline -----------------------------------------------------------------------------


def test_the_fixed_ids_are_what_they_say():
    assert HEAD_ID == idnumber.make(factories.COUNTY, dt.date(1969, 3, 1), 5)
    assert SPOUSE_ID == idnumber.make(factories.COUNTY, dt.date(1971, 6, 1), 6)
    assert CHILD_ID == idnumber.make(factories.COUNTY, dt.date(2009, 1, 1), 9)
    assert dt.date(1899, 12, 30) + dt.timedelta(days=int(BORN_SERIAL)) == BORN  # Excel's day 0


def test_a_clean_workbook_has_no_problems_and_typed_values():
    checked = check(household() + household_rows("H2", members=2))
    assert problems(checked) == []
    assert checked.problems.schema == pl.Schema({ROW: pl.Int64, "column": pl.Utf8, "value": pl.Utf8,
                                                 "message": pl.Utf8})
    assert checked.members.height == 5
    head = member(checked, 2)
    assert (head["id18"], head["relation"], head["education"], head["medical_insurance"]) == (
        HEAD_ID, "head", "junior", True)
    assert (head["household_code"], head["division_code"], head["county_code"]) == (
        "H1", factories.JIANYUAN, factories.COUNTY)
    assert member(checked, 4)["schooling"] == "grade_7_9"
    households = checked.households.sort(ROW)
    assert households.select("household_code", ROW, "size").rows() == [("H1", 2, 3), ("H2", 5, 2)]
    first = households.row(0, named=True)
    assert (first["household_type"], first["main_cause"], first["identification_year"], first["wage_income"]) == (
        "poor", "01", 2016, 8000.0)


def test_problems_name_the_column_as_the_file_writes_it():
    rows = household()
    rows[0]["证件号码"] = HEAD_ID[:-1] + "8"
    headers = [h if h != "证件号码" else " 证件号码 *" for h in HEADERS]
    written = [{(" 证件号码 *" if k == "证件号码" else k): v for k, v in r.items()} for r in rows]
    assert problems(check(written, headers=headers)) == [(2, "证件号码 *", HEAD_ID[:-1] + "8", "校验位应为 7，实为 8")]


@pytest.mark.parametrize("header", [c.header for c in template.COLUMNS if c.required])
def test_required_cells_may_not_be_empty(header):
    rows = household()
    rows[1][header] = ""
    found = [p for p in problems(check(rows)) if p[3] == f"“{header}”不能为空"]
    assert found == [(3, header, "", f"“{header}”不能为空")]


# --- ID numbers -------------------------------------------------------------------------------


BAD_IDS = [
    (HEAD_ID[:-1] + "8", "校验位应为 7，实为 8"),
    (HEAD_ID[:-1] + "X", "校验位应为 7，实为 X"),
    ("36102219700230" + "005" + idnumber.check_char("36102219700230005"), "出生日期 19700230 不是有效日期"),
    ("36102221000101" + "005" + idnumber.check_char("36102221000101005"), "出生日期 21000101 不在合理范围内"),
    ("36102218790101" + "005" + idnumber.check_char("36102218790101005"), "出生日期 18790101 不在合理范围内"),
    ("99102219700301005" + idnumber.check_char("99102219700301005"), "地址码 991022 的省级代码 99 不存在"),
    (HEAD_ID[:17], "证件号码应为 18 位（或旧 15 位、残疾人证 20 位），实为 17 位"),
    (HEAD_ID + "4", "证件号码应为 18 位（或旧 15 位、残疾人证 20 位），实为 19 位"),
    ("36102219700301005A", "身份证号码应为 17 位数字加 1 位数字或 X"),
    ("3610227003010A5", "15 位身份证号码应全部为数字"),
    (HEAD_ID + "82", "残疾人证第 19 位（残疾类别）应为 1-7，实为 8"),
    (HEAD_ID + "45", "残疾人证第 20 位（残疾等级）应为 1-4，实为 5"),
]


def test_bad_id_numbers_get_the_exact_message():
    checked = check(each_alone([{"证件号码": number} for number, _message in BAD_IDS]))
    assert problems(checked) == [(row, "证件号码", number, message)
                                 for row, (number, message) in enumerate(BAD_IDS, start=2)]
    assert checked.members["id18"].null_count() == len(BAD_IDS)


def test_sex_digit_must_agree_with_the_sex_column():
    rows = household()
    rows[0]["性别"] = "女"  # HEAD_ID's 17th digit is 5: a man
    rows[1]["性别"] = "女"
    rows[2]["性别"] = "男"
    checked = check(rows)
    assert problems(checked) == [(2, "性别", "女", "性别与证件号码不符")]


def test_a_wrong_sex_digit_is_found_through_the_spouse_rule():
    """Spouse and head both have odd (male) sex digits: the ID decides, whatever 性别 says."""
    rows = household()
    rows[1]["证件号码"] = idnumber.make(factories.COUNTY, dt.date(1971, 6, 1), 7)
    rows[1]["性别"] = "女"
    assert problems(check(rows)) == [(2, "与户主关系", "H1", "配偶的性别应与户主不同"),
                                     (3, "性别", "女", "性别与证件号码不符")]


def test_birth_date_must_agree_with_the_id():
    rows = household()
    rows[0]["出生日期"] = "1969-03-02"
    rows[1]["出生日期"] = "1971-06-01"
    assert problems(check(rows)) == [(2, "出生日期", "1969-03-02", "出生日期与证件号码不符")]


def test_a_legacy_15_digit_id_is_converted_to_18():
    rows = household()
    rows[0]["证件号码"] = "361022690301005"
    checked = check(rows)
    assert problems(checked) == []
    assert member(checked, 2)["id18"] == HEAD_ID


SCRIBBLES = [
    lambda n: f" {n[:6]} {n[6:10]} {n[10:14]} {n[14:]} ",
    lambda n: n.translate(FULL_WIDTH),
    lambda n: n[:6] + "\u3000" + n[6:16] + n[16:].translate(FULL_WIDTH),
    lambda n: n[:9] + "\u00a0" + n[9:],
    lambda n: "'" + n,
]


def test_spaces_and_full_width_digits_are_normalised():
    checked = check(each_alone([{"证件号码": scribble(born(i))} for i, scribble in enumerate(SCRIBBLES)]))
    assert problems(checked) == []
    assert checked.members.sort(ROW)["id18"].to_list() == [born(i) for i in range(len(SCRIBBLES))]


def test_a_lower_case_x_is_upper_cased():
    number = idnumber.make(factories.COUNTY, dt.date(1969, 3, 1), 9)
    assert number.endswith("X")
    rows = household()
    rows[0]["证件号码"] = number.lower()
    checked = check(rows)
    assert problems(checked) == []
    assert member(checked, 2)["id18"] == number


def test_an_id_in_scientific_notation_is_an_error_never_fixed():
    written = ["3.61022E+17", "3.61022197003E+17", "3.61022e17", "３．６１０２２Ｅ＋１７"]
    checked = check(each_alone([{"证件号码": w} for w in written]))
    message = "证件号码被 Excel 转成了科学计数法，末尾几位已丢失，请将该列设为文本后重新填写"
    assert problems(checked) == [(row, "证件号码", w, message) for row, w in enumerate(written, start=2)]
    assert checked.members["id18"].null_count() == len(written)


def _ids_through_number_cells(numbers: list[str]):
    rows = [r for number in numbers for r in household_rows(members=1, 证件号码=number)]
    for row, number in zip(rows, numbers, strict=True):
        row["证件号码"] = number
    checked = check(rows, xlsx=True, numbers={"证件号码"})
    return checked, {p[0]: p for p in problems(checked, "证件号码")}


NUMBER_CELL_IDS = [idnumber.make(factories.COUNTY, dt.date(1975, 5, 1), seq) for seq in range(0, 1000, 3)]


def test_ids_typed_into_number_cells_that_lost_digits_are_errors():
    numbers = [n for n in NUMBER_CELL_IDS if not n.endswith("X")]
    checked, found = _ids_through_number_cells(numbers)
    lost = 0
    for row, number in enumerate(numbers, start=2):
        damaged = member(checked, row)["id_number"]  # what the number cell gives back
        assert len(damaged) == 18 and damaged.isdigit()
        if damaged == number:
            continue  # survived exactly: nothing was lost
        if idnumber.is_valid(damaged):
            continue  # see test_a_damaged_id_with_a_valid_checksum_is_not_accepted
        lost += 1
        assert found[row][2] == damaged
        assert member(checked, row)["id18"] is None
        if damaged[6:14] == number[6:14]:  # the date survived
            assert "Excel" in found[row][3], found[row]
    assert lost > 250
    assert set(found) <= set(range(2, len(numbers) + 2))


def test_an_id_ending_in_000_says_excel_lost_digits():
    rows = household()
    rows[0]["证件号码"] = "361022197003010000"
    checked = check(rows)
    assert problems(checked, "证件号码") == [
        (2, "证件号码", "361022197003010000",
         "校验位不符，且末尾为 000：证件号码可能被 Excel 转成了数字，末尾几位已丢失")]


def test_an_id_whose_date_digits_a_float_changed_says_excel_lost_digits():
    _checked, found = _ids_through_number_cells(["361022197003010056"])  # valid, born 1970-03-01
    assert found[2][2] == "361022197003009984"
    assert "Excel" in found[2][3], found[2][3]


def test_a_damaged_id_with_a_valid_checksum_is_not_accepted():
    number = idnumber.make(factories.COUNTY, dt.date(1975, 5, 1), 27)
    checked, found = _ids_through_number_cells([number])
    damaged = member(checked, 2)["id_number"]
    assert (number, damaged) == ("361022197505010275", "361022197505010304")
    assert idnumber.is_valid(damaged)  # a different person's valid ID
    assert member(checked, 2)["id18"] is None, "accepted as " + member(checked, 2)["id18"]
    assert 2 in found


def test_masked_ids_are_refused_with_the_masking_message():
    written = ["361022********0056", "3610221970****0056", "361022197003010***", "36102219700301005*", "**********"]
    checked = check(each_alone([{"证件号码": w} for w in written]))
    message = "证件号码已脱敏（含 *），不能导入：请使用完整导出的文件"
    assert problems(checked) == [(row, "证件号码", w, message) for row, w in enumerate(written, start=2)]


def test_a_disability_card_sets_type_category_and_grade():
    rows = household()
    rows[0]["证件号码"] = HEAD_ID + "42"
    rows[0]["健康状况"] = "残疾"
    checked = check(rows)
    assert problems(checked) == []
    head = member(checked, 2)
    assert (head["id18"], head["id_type"], head["disabled"], head["disability_category"], head["disability_grade"]) \
        == (HEAD_ID, "disability_card", True, "4", "2")


def test_a_disability_card_marks_the_person_disabled_even_without_the_health_term():
    rows = household()
    rows[1]["证件号码"] = SPOUSE_ID + "71"
    rows[1]["健康状况"] = ""
    checked = check(rows)
    assert problems(checked) == []
    spouse = member(checked, 3)
    assert (spouse["disabled"], spouse["disability_category"], spouse["disability_grade"]) == (True, "7", "1")


def test_a_disability_category_that_contradicts_the_card_is_an_error():
    rows = household()
    rows[0].update(证件号码=HEAD_ID + "42", 健康状况="残疾", 残疾类别="视力", 残疾等级="二级")
    assert problems(check(rows)) == [(2, "残疾类别", "视力", "残疾类别与残疾人证号码不符")]


def test_the_same_id_twice_names_both_rows():
    rows = household() + household_rows("H2", members=2)
    rows[4]["证件号码"] = HEAD_ID
    checked = check(rows)
    assert problems(checked, "证件号码") == [
        (2, "证件号码", HEAD_ID, "证件号码与第 6 行重复（同一人只能登记一次）"),
        (6, "证件号码", HEAD_ID, "证件号码与第 2 行重复（同一人只能登记一次）"),
    ]


def test_the_same_id_in_other_spellings_is_still_the_same_person():
    rows = household() + household_rows("H2", members=2) + household_rows("H3", members=2)
    rows[4]["证件号码"] = "361022690301005"  # the 15-digit form
    rows[6]["证件号码"] = HEAD_ID[:6].translate(FULL_WIDTH) + " " + HEAD_ID[6:].translate(FULL_WIDTH)
    assert problems(check(rows), "证件号码") == [
        (2, "证件号码", HEAD_ID, "证件号码与第 6、8 行重复（同一人只能登记一次）"),
        (6, "证件号码", HEAD_ID, "证件号码与第 2、8 行重复（同一人只能登记一次）"),
        (8, "证件号码", HEAD_ID, "证件号码与第 2、6 行重复（同一人只能登记一次）"),
    ]


def test_non_ascii_decimal_digits_do_not_pass_the_checksum_as_zeros():
    assert idnumber.is_valid("361022197003010056")
    written = "361٣22197003010056"  # its 4th digit 0 replaced by an Arabic-Indic 3
    with pytest.raises(idnumber.IdNumberError):
        idnumber.parse(written)
    numbers, messages = ids_checked([written])
    assert numbers == [None]
    assert 2 in messages


# --- ID numbers: properties ---------------------------------------------------------------------

addresses = st.sampled_from(["361022", "110105", "440524", "362522", "350781", "650102", "820000"])
births = st.dates(min_value=dt.date(1880, 1, 1), max_value=dt.date.today())
sequences = st.integers(min_value=0, max_value=999)
valid_ids = st.builds(idnumber.make, addresses, births, sequences)


@st.composite
def scribbled(draw, number: str) -> str:
    """The same ID as people type it: spaces, full-width digits, a lower-case x."""
    out = []
    for char in number:
        style = draw(st.sampled_from(["plain", "plain", "full", "lower", "space"]))
        if style == "full":
            char = char.translate(FULL_WIDTH)
        elif style == "lower":
            char = char.lower()
        elif style == "space":
            char = draw(st.sampled_from([" ", "\u3000", "\t"])) + char
        out.append(char)
    return "".join(out)


@PROPERTY
@given(numbers=st.lists(valid_ids, min_size=1, max_size=8))
def test_valid_ids_are_accepted_as_parse_reads_them(numbers):
    found, messages = ids_checked(numbers)
    assert messages == {}
    assert found == [idnumber.parse(n).number for n in numbers] == numbers


@PROPERTY
@given(data=st.data(), numbers=st.lists(valid_ids, min_size=1, max_size=6))
def test_scribbled_valid_ids_give_the_same_number_as_parse(data, numbers):
    written = [data.draw(scribbled(n), label="written") for n in numbers]
    found, messages = ids_checked(written)
    assert messages == {}
    assert found == [idnumber.parse(w).number for w in written] == numbers


@PROPERTY
@given(address=addresses, birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)),
       seq=sequences, card=st.sampled_from(["", "11", "74"]))
def test_legacy_ids_and_disability_cards_give_the_same_number_as_parse(address, birth, seq, card):
    legacy = f"{address}{birth:%y%m%d}{seq:03d}"
    full = idnumber.make(address, birth, seq)
    found, messages = ids_checked([legacy, full + card])
    assert messages == {}
    assert found == [idnumber.parse(legacy).number, idnumber.parse(full + card).number] == [full, full]


CORRUPTIONS = "0123456789Xx *-.'E+/０１２３４５６７８９ｘＸＡa"


@PROPERTY
@given(number=valid_ids, position=st.integers(0, 17), char=st.sampled_from(CORRUPTIONS))
def test_a_corrupted_id_is_refused_exactly_when_parse_refuses_it(number, position, char):
    corrupted = number[:position] + char + number[position + 1:]
    assume(corrupted != number)
    found, messages = ids_checked([corrupted])
    try:
        expected = idnumber.parse(corrupted).number
    except idnumber.IdNumberError as exc:
        assert found == [None]
        masked = "证件号码已脱敏（含 *），不能导入：请使用完整导出的文件"
        assert messages[2] == (masked if "*" in corrupted else exc.message)
    else:
        assert found == [expected]
        assert messages == {}


# --- people and households --------------------------------------------------------------------


@pytest.mark.parametrize(("relations", "message"), [
    (["户主", "户主", "之子"], "每户须有且仅有一名户主（本户有 2 名）"),
    (["之父", "配偶", "之子"], "每户须有且仅有一名户主（本户有 0 名）"),
    (["户主", "配偶", "配偶"], "每户最多一名配偶（本户有 2 名）"),
])
def test_one_head_and_at_most_one_spouse(relations, message):
    rows = household()
    for row, relation in zip(rows, relations, strict=True):
        row["与户主关系"] = relation
    if relations[2] == "配偶":
        rows[2]["证件号码"] = idnumber.make(factories.COUNTY, dt.date(1969, 1, 1), 8)
        rows[2].update(在校生状况="", 文化程度="初中")
    checked = check(rows + household_rows("H2", members=2))
    assert problems(checked) == [(2, "与户主关系", "H1", message)]


def test_the_spouse_must_be_of_the_other_sex():
    rows = household()
    rows[1]["证件号码"] = idnumber.make(factories.COUNTY, dt.date(1971, 6, 1), 7)  # a man
    assert problems(check(rows)) == [(2, "与户主关系", "H1", "配偶的性别应与户主不同")]


def test_the_spouse_rule_uses_the_sex_column_when_the_ids_are_bad():
    rows = household()
    rows[0].update(证件号码="3610221970030100", 性别="女")
    rows[1].update(证件号码="3610221972060100", 性别="女")
    assert (2, "与户主关系", "H1", "配偶的性别应与户主不同") in problems(check(rows))


def test_no_spouse_sex_error_when_neither_sex_is_known():
    rows = household()
    rows[0]["证件号码"] = HEAD_ID[:-1] + "8"
    rows[1]["证件号码"] = SPOUSE_ID[:-1] + "5"
    assert [p for p in problems(check(rows)) if p[1] == "与户主关系"] == []


def test_exactly_one_of_education_and_schooling():
    cases = [("初中", ""), ("", "七至九年级"), ("初中", "非在校生"), ("初中", "七至九年级"), ("", ""), ("", "非在校生")]
    checked = check(each_alone([{"文化程度": e, "在校生状况": s} for e, s in cases]))
    assert problems(checked) == [
        (5, "在校生状况", "七至九年级", "文化程度与在校生状况只能填写一项（在校生填在校生状况）"),
        (6, "文化程度", "", "文化程度与在校生状况须填写一项"),
        (7, "文化程度", "", "文化程度与在校生状况须填写一项"),
    ]


def test_disabled_needs_category_and_grade():
    rows = household()
    rows[0]["健康状况"] = "长期慢性病、残疾"
    rows[1].update(健康状况="残疾", 残疾类别="肢体")
    assert problems(check(rows)) == [
        (2, "残疾等级", "", "健康状况为残疾时须填写残疾等级"),
        (2, "残疾类别", "", "健康状况为残疾时须填写残疾类别"),
        (3, "残疾等级", "", "健康状况为残疾时须填写残疾等级"),
    ]


def test_category_and_grade_need_disabled_in_health():
    rows = household()
    rows[0].update(健康状况="健康", 残疾类别="肢体", 残疾等级="二级")
    rows[1].update(健康状况="残疾", 残疾类别="肢体残疾", 残疾等级="3")
    checked = check(rows)
    assert problems(checked) == [(2, "健康状况", "健康", "填写了残疾类别或等级，健康状况应包含“残疾”")]
    spouse = member(checked, 3)
    assert (spouse["disabled"], spouse["chronic_illness"], spouse["disability_category"], spouse["disability_grade"]) \
        == (True, False, "4", "3")


def test_unknown_health_terms_are_refused():
    rows = household()
    rows[0]["健康状况"] = "感冒"
    assert problems(check(rows)) == [
        (2, "健康状况", "感冒", "健康状况只能填写：健康、长期慢性病、患有大病、残疾（可用“、”连接多项）")]


# --- cell values ------------------------------------------------------------------------------


MEMBER_CODES = [
    ("性别", "M", "男、女"),
    ("文化程度", "博士", "文盲或半文盲、小学、初中、高中、大专、本科及以上"),
    ("残疾等级", "5", "一级、二级、三级、四级"),
    ("劳动技能", "强", "普通劳动力、技能劳动力、弱劳动力或半劳动力、丧失劳动力、无劳动力"),
    ("务工状况", "国外", "乡内、乡外县内、县外省内、省外、其他、无"),
    ("证件类型", "护照", "居民身份证、残疾人证、其他"),
]
HOUSEHOLD_CODES = [
    ("户类型", "穷困户", "贫困户、脱贫户、监测户、一般农户"),
    ("贫困户属性", "贫困", "一般贫困户、低保贫困户、特困供养贫困户"),
    ("识别标准", "县定", "国家、省定、市定"),
    ("主要致贫原因", "懒",
     "因病、因残、因学、因灾、缺土地、缺水、缺技术、缺劳力、缺资金、交通条件落后、自身发展动力不足、因智、其他"),
    ("主要燃料", "天然气", "柴草、干畜粪、煤炭、清洁能源、其他"),
    ("入户路类型", "石板路", "泥土路、砂石路、水泥路、沥青路"),
    ("危房等级", "E", "A级（安全）、B级（基本安全）、C级（局部危房）、D级（整栋危房）"),
]


def test_a_value_outside_the_code_list_lists_the_choices():
    cases = MEMBER_CODES + HOUSEHOLD_CODES
    checked = check(each_alone([{header: written} for header, written, _choices in cases]))
    assert problems(checked) == [(row, header, written, f"“{header}”的值不在代码表中（可填：{choices}）")
                                 for row, (header, written, choices) in enumerate(cases, start=2)]


def test_a_relation_outside_the_code_list_lists_all_twenty():
    rows = household()
    rows[2]["与户主关系"] = "儿子"
    choices = ("户主、配偶、之子、之女、之儿媳、之女婿、之孙子、之孙女、之外孙子、之外孙女、"
               "之父、之母、之岳父、之岳母、之公公、之婆婆、之祖父、之祖母、之兄弟姐妹、其他")
    assert problems(check(rows)) == [(4, "与户主关系", "儿子", f"“与户主关系”的值不在代码表中（可填：{choices}）")]


def test_a_bad_household_value_is_reported_on_every_row():
    checked = check(household(主要燃料="天然气"))
    message = "“主要燃料”的值不在代码表中（可填：柴草、干畜粪、煤炭、清洁能源、其他）"
    assert problems(checked) == [(row, "主要燃料", "天然气", message) for row in (2, 3, 4)]


def test_code_list_spellings():
    heads = ["户主", "本人", "head", "Head"]
    others = [("之子", "son"), ("子", "son"), ("Son", "son"), ("妻", "spouse"), ("配偶", "spouse"),
              ("女婿", "son_in_law")]
    rows = []
    for i, written in enumerate(heads):
        rows += household_rows(f"R{i}", members=1)
        rows[-1]["与户主关系"] = written
    for i, (written, _stored) in enumerate(others):
        pair = household_rows(f"S{i}", members=2)
        pair[1]["与户主关系"] = written
        rows += pair
    checked = check(rows + each_alone([{"危房等级": "d"}, {"危房等级": "C级"}, {"民族": "汉"}, {"民族": "畲族"}]))
    assert problems(checked) == []
    relations = checked.members.sort(ROW)["relation"].to_list()
    assert relations[:len(heads)] == ["head"] * len(heads)
    assert relations[len(heads) + 1:len(heads) + 2 * len(others):2] == [stored for _w, stored in others]
    assert checked.households.sort(ROW)["house_grade"].to_list()[-4:] == ["D", "C", "A", "A"]
    assert checked.members.sort(ROW)["ethnicity"].to_list()[-2:] == ["01", "22"]


YES_NO = [("是", True), ("否", False), ("Y", True), ("N", False), ("y", True), ("n", False), ("1", True),
          ("0", False), ("√", True), ("×", False), ("true", True), ("false", False), ("TRUE", True), ("False", False),
          ("", None)]


def test_yes_no_spellings():
    checked = check(each_alone([{"大病保险": written, "饮水安全": written} for written, _value in YES_NO]))
    assert problems(checked) == []
    assert checked.members.sort(ROW)["critical_illness_insurance"].to_list() == [v for _w, v in YES_NO]
    assert checked.households.sort(ROW)["safe_water"].to_list() == [v for _w, v in YES_NO]


def test_bad_yes_no():
    written = ["有的", "2", "是的", "OK"]
    checked = check(each_alone([{"大病保险": w} for w in written]))
    assert problems(checked) == [(row, "大病保险", w, "“大病保险”应填“是”或“否”")
                                 for row, w in enumerate(written, start=2)]


MONEY = [("1,200.50", 1200.5), ("１２００", 1200.0), ("１，２００．５０", 1200.5), ("1 200", 1200.0),
         ("1200元", 1200.0), ("¥1,200", 1200.0), ("0", 0.0), ("12.5", 12.5), ("", None)]


def test_money_written_as_people_write_it():
    checked = check(each_alone([{"工资性收入": w, "耕地面积": w} for w, _value in MONEY]))
    assert problems(checked) == []
    households = checked.households.sort(ROW)
    assert households["wage_income"].to_list() == households["farmland_area"].to_list() == [v for _w, v in MONEY]


def test_bad_money_and_areas():
    cases = [("工资性收入", "-5", "不能为负数"), ("转移性收入", "－5", "不能为负数"),
             ("生产经营性支出", "-0.01", "不能为负数"), ("林地面积", "-1.5", "不能为负数"),
             ("财产性收入", "很多", "应为数字"), ("工资性收入", "1.2.3", "应为数字")]
    checked = check(each_alone([{header: written} for header, written, _m in cases]))
    assert problems(checked) == [(row, header, written, f"“{header}”{message}")
                                 for row, (header, written, message) in enumerate(cases, start=2)]


def test_years_in_and_out_of_range():
    good = [("1980", 1980), (str(THIS_YEAR + 1), THIS_YEAR + 1), ("２０１６", 2016), ("2016.0", 2016), (" 2016 ", 2016)]
    bad = ["1979", str(THIS_YEAR + 2), "2016.5", "3016"]
    checked = check(each_alone([{"识别年度": w} for w, _y in good] + [{"识别年度": w} for w in bad]
                               + [{"收入年度": "去年"}]))
    message = f"“识别年度”应为 1980 至 {THIS_YEAR + 1} 之间的年份"
    first_bad = 2 + len(good)
    assert problems(checked) == [(row, "识别年度", w, message) for row, w in enumerate(bad, start=first_bad)] + [
        (first_bad + len(bad), "收入年度", "去年", "“收入年度”应为数字")]
    assert checked.households.sort(ROW)["identification_year"].to_list()[:len(good)] == [y for _w, y in good]


def test_work_months():
    cases = [("省外", "6"), ("无", ""), ("省外", "13"), ("省外", "2.5"), ("省外", ""), ("", "3"), ("乡内", "１２")]
    checked = check(each_alone([{"务工状况": status, "务工时间": months} for status, months in cases]))
    assert problems(checked) == [
        (4, "务工时间", "13", "“务工时间”应为 0 至 12 的整数"),
        (5, "务工时间", "2.5", "“务工时间”应为 0 至 12 的整数"),
        (6, "务工时间", "", "填写了务工状况，须同时填写务工时间"),
        (7, "务工状况", "", "填写了务工时间，须同时填写务工状况"),
    ]


DATES = ["1968-08-08", "1968/8/8", "1968/08/08", "19680808", "1968年8月8日", "1968.8.8", "1968-08-08 00:00:00",
         BORN_SERIAL, "１９６８－０８－０８", "1968-8-8"]


def test_birth_dates_in_every_accepted_format():
    checked = check(each_alone([{"出生日期": w} for w in DATES]))
    assert problems(checked) == []
    assert checked.members["_birth_given"].to_list() == [BORN] * len(DATES)


def test_a_birth_date_in_any_format_must_agree_with_the_id():
    written = ["1968-08-09", "1968/8/9", "25059", "19690808", "1968年8月18日"]
    checked = check(each_alone([{"出生日期": w} for w in written]))
    assert problems(checked) == [(row, "出生日期", w, "出生日期与证件号码不符")
                                 for row, w in enumerate(written, start=2)]


def test_an_unreadable_birth_date():
    written = ["八月八日", "1968-13-08", "08/08/1968", "1968年", "1968-02-30"]
    checked = check(each_alone([{"出生日期": w} for w in written]))
    message = "出生日期无法识别（可写 1980-03-07、1980/3/7、19800307 或 1980年3月7日）"
    assert problems(checked) == [(row, "出生日期", w, message) for row, w in enumerate(written, start=2)]


def test_birth_dates_from_xlsx_date_cells_and_serials():
    rows = household()
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet(template.SHEET_NAME)
    date_format = workbook.add_format({"num_format": "yyyy/m/d"})
    sheet.write_row(0, 0, HEADERS)
    births = {0: dt.datetime(1969, 3, 1), 1: 26085, 2: dt.datetime(2009, 1, 1)}  # 26085 = 1971-06-01
    for r, row in enumerate(rows):
        for c, header in enumerate(HEADERS):
            if header == "出生日期":
                value = births[r]
                write = sheet.write_datetime if isinstance(value, dt.datetime) else sheet.write_number
                write(r + 1, c, value, date_format)
            elif row.get(header):
                sheet.write_string(r + 1, c, row[header])
    workbook.close()
    checked = validate.check(reader.read("a.xlsx", out.getvalue()), village_codes=VILLAGES, visible=VILLAGES,
                             this_year=THIS_YEAR)
    assert problems(checked) == []
    assert checked.members.sort(ROW)["_birth_given"].to_list() == [dt.date(1969, 3, 1), dt.date(1971, 6, 1),
                                                                   dt.date(2009, 1, 1)]


def test_phone_numbers():
    good = ["13812345678", "138 1234 5678", "１３８１２３４５６７８", "0794-3221234", "07943221234"]
    bad = [("联系电话", "12345"), ("联系电话", "1381234567"), ("帮扶责任人电话", "23812345678"),
           ("联系电话", "794-3221234")]
    checked = check(each_alone([{"联系电话": w} for w in good] + [{h: w} for h, w in bad]))
    assert problems(checked) == [(row, h, w, f"“{h}”应为 11 位手机号或带区号的固定电话")
                                 for row, (h, w) in enumerate(bad, start=2 + len(good))]


def test_bank_accounts():
    good = ["622202 1234 5678 9012", "6222-0212-3456", "1" * 30]
    bad = ["12345678901", "1" * 31, "62220A1234567890"]
    checked = check(each_alone([{"银行账号": w} for w in good + bad]))
    assert problems(checked) == [(row, "银行账号", w, "“银行账号”应为 12-30 位数字")
                                 for row, w in enumerate(bad, start=2 + len(good))]
    assert checked.households.sort(ROW)["bank_account"].to_list()[:2] == ["622202123456789012", "622202123456"]


# --- villages ---------------------------------------------------------------------------------


def test_bad_village_codes():
    cases = [("36102220120", "行政区划代码应为 12 位村级代码"), ("3610222012050", "行政区划代码应为 12 位村级代码"),
             ("361022201", "行政区划代码应为 12 位村级代码"), ("36102220120A", "行政区划代码应为 12 位村级代码"),
             ("361022201299", "行政区划代码不存在（须为村级统计用区划代码）"),
             ("361022201000", "行政区划代码不存在（须为村级统计用区划代码）")]
    checked = check(each_alone([{"行政区划代码": written} for written, _m in cases]))
    assert problems(checked) == [(row, "行政区划代码", written, message)
                                 for row, (written, message) in enumerate(cases, start=2)]


def test_a_village_outside_the_users_area():
    rows = household("H1", members=2) + household_rows("H2", members=2, village=factories.TANXI_VILLAGE)
    checked = check(rows, visible={factories.JIANYUAN, factories.HUFANG_VILLAGE})
    message = "该村不在您的管辖范围内"
    assert problems(checked) == [(4, "行政区划代码", factories.TANXI_VILLAGE, message),
                                 (5, "行政区划代码", factories.TANXI_VILLAGE, message)]


def test_a_village_that_does_not_exist_is_not_also_outside_the_area():
    checked = check(household(members=1, 行政区划代码="361022201299"), visible={factories.JIANYUAN})
    assert [p[3] for p in problems(checked)] == ["行政区划代码不存在（须为村级统计用区划代码）"]


def test_a_village_code_with_full_width_digits_and_spaces():
    checked = check(household(members=1, 行政区划代码="３６１０２２ ２０１２０５"))
    assert problems(checked) == []
    assert checked.households["division_code"].to_list() == [factories.JIANYUAN]


# --- household columns ------------------------------------------------------------------------


def test_household_columns_that_differ_name_both_rows():
    rows = household()
    rows[2]["户类型"] = "脱贫户"
    rows[1]["联系电话"] = "13900000000"
    assert problems(check(rows)) == [
        (3, "联系电话", "13900000000", "同一户各行的“联系电话”应一致：与第 2 行不同"),
        (4, "户类型", "脱贫户", "同一户各行的“户类型”应一致：与第 2 行不同"),
    ]


def test_a_household_column_left_blank_on_one_row_differs():
    rows = household()
    rows[1]["识别年度"] = ""
    assert problems(check(rows)) == [(3, "识别年度", "", "同一户各行的“识别年度”应一致：与第 2 行不同")]


def test_household_rows_need_not_be_next_to_each_other():
    first, second = household("H1", members=2), household_rows("H2", members=2)
    rows = [first[0], *second, first[1]]
    rows[3]["村民小组"] = "三组"
    assert problems(check(rows)) == [(5, "村民小组", "三组", "同一户各行的“村民小组”应一致：与第 2 行不同")]


def test_the_same_value_in_other_spellings_does_not_differ():
    rows = household()
    rows[1].update(工资性收入="8,000.00", 饮水安全="Y", 识别年度="２０１６", 联系电话="138 1234 5678", 户类型="poor")
    assert problems(check(rows)) == []


def test_other_causes_with_other_separators_do_not_differ():
    rows = household(其他致贫原因="因学、缺技术")
    rows[1]["其他致贫原因"] = "因学,缺技术"
    rows[2]["其他致贫原因"] = "因学；缺技术"
    assert problems(check(rows)) == []


# --- poverty causes and household types --------------------------------------------------------


OTHER_CAUSES = [("因学、缺技术", ("03", "07")), ("因学,缺技术", ("03", "07")), ("因学，缺技术", ("03", "07")),
                ("因学;缺技术", ("03", "07")), ("缺资金", ("09", "")), ("", ("", ""))]


def test_up_to_two_other_causes():
    checked = check(each_alone([{"其他致贫原因": written} for written, _codes in OTHER_CAUSES]))
    assert problems(checked) == []
    assert checked.households.sort(ROW).select("other_cause_1", "other_cause_2").rows() == [
        codes for _w, codes in OTHER_CAUSES]


def test_bad_other_causes():
    cases = [("因学、缺技术、缺资金", "其他致贫原因最多填写 2 项"), ("因病", "其他致贫原因不能与主要致贫原因相同"),
             ("缺技术、因病", "其他致贫原因不能与主要致贫原因相同"), ("因学、因学", "其他致贫原因重复"),
             ("懒", "其他致贫原因不在代码表中")]
    checked = check(each_alone([{"其他致贫原因": written} for written, _m in cases]))  # main cause: 因病
    assert problems(checked) == [(row, "其他致贫原因", written, message)
                                 for row, (written, message) in enumerate(cases, start=2)]


def test_other_causes_need_a_main_cause():
    assert problems(check(household(members=1, 主要致贫原因="", 其他致贫原因="因学"))) == [
        (2, "主要致贫原因", "", "填写其他致贫原因时须先填写主要致贫原因")]


def test_household_type_rules():
    cases = [
        ({"户类型": "脱贫户", "脱贫年度": "2019"}, None),
        ({"户类型": "监测户", "贫困户属性": "", "脱贫年度": "2019", "监测类型": "脱贫不稳定户"}, None),
        ({"户类型": "监测户", "贫困户属性": "", "监测类型": "边缘易致贫户"}, None),
        ({"户类型": "贫困户", "脱贫年度": "2019"},
         ("脱贫年度", "2019", "脱贫年度只适用于脱贫户（或转为监测户的脱贫户）")),
        ({"户类型": "一般农户", "贫困户属性": "", "脱贫年度": "2019"},
         ("脱贫年度", "2019", "脱贫年度只适用于脱贫户（或转为监测户的脱贫户）")),
        ({"户类型": "脱贫户"}, ("脱贫年度", "", "脱贫户须填写脱贫年度")),
        ({"户类型": "脱贫户", "脱贫年度": "2015"}, ("脱贫年度", "2015", "脱贫年度不能早于识别年度")),
        ({"户类型": "贫困户", "监测类型": "边缘易致贫户"}, ("监测类型", "边缘易致贫户", "监测类型只适用于监测户")),
        ({"户类型": "脱贫户", "脱贫年度": "2019", "监测类型": "突发严重困难户"},
         ("监测类型", "突发严重困难户", "监测类型只适用于监测户")),
        ({"户类型": "一般农户", "贫困户属性": "", "监测类型": "脱贫不稳定户"},
         ("监测类型", "脱贫不稳定户", "监测类型只适用于监测户")),
        ({"户类型": "监测户", "贫困户属性": ""}, ("监测类型", "", "监测户须填写监测类型")),
        ({"户类型": "一般农户"}, ("贫困户属性", "一般贫困户", "一般农户不应填写贫困户属性")),
    ]
    checked = check(each_alone([fields for fields, _expected in cases]))
    assert problems(checked) == [(row, *expected) for row, (_f, expected) in enumerate(cases, start=2) if expected]


# --- a very large file ------------------------------------------------------------------------


def test_twenty_thousand_members_read_and_validate_without_problems():
    rows = workbook_rows(10_000, members=2)
    sheet = reader.read("大文件.csv", to_csv(rows))
    assert sheet.frame.height == 20_000
    checked = validate.check(sheet, village_codes=VILLAGES, visible=VILLAGES, this_year=THIS_YEAR)
    assert checked.problems.height == 0
    assert checked.members.height == 20_000
    assert checked.members["id18"].null_count() == 0
    assert checked.members["id18"].n_unique() == 20_000
    assert checked.households.height == 10_000
    assert checked.households["size"].to_list() == [2] * 10_000
    assert checked.members[ROW].sort().to_list() == list(range(2, 20_002))
