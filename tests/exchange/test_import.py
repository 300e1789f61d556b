"""Importing the household workbook: all or nothing, partial, idempotent, member sync, history,
scope, the round trip with the export, and the command line."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import fastexcel
import pytest
from django.core.management import call_command

from fupin.core.actions import SYSTEM
from fupin.core.models import AuditEvent
from fupin.exchange import importer, workbooks
from fupin.exchange import selectors as exchange_selectors
from fupin.registry.models import Household, HouseholdIncome, Member
from tests import factories
from tests.exchange import support

pytestmark = pytest.mark.django_db


def run(rows, *, fmt="csv", actor=SYSTEM, **options) -> importer.ImportResult:
    data = support.to_csv(rows) if fmt == "csv" else support.to_xlsx(rows)
    return importer.import_households(f"test.{fmt}", data, actor=actor, **options)


def registry_state() -> tuple:
    """Everything an import may touch, to compare before and after."""
    return (
        sorted(Household.objects.values_list("county_code", "household_code", "division_id", "household_type",
                                             "main_cause", "phone", "size", "status")),
        sorted(Member.objects.values_list("id_number", "name", "relation", "status", "education", "schooling",
                                          "chronic_illness", "medical_insurance")),
        sorted(HouseholdIncome.objects.values_list("household_id", "year", "wage_income", "business_income",
                                                   "property_dividends", "transfer_income", "transfer_dibao",
                                                   "transfer_pension", "transfer_other")),
        sorted(Member.objects.values_list("id_number", "work_willing")),
    )


def problem_list(result) -> list[tuple]:
    return list(result.problems.iter_rows())


def test_a_clean_file_creates_households_members_and_incomes(lichuan):
    rows = support.workbook_rows(3, members=3)
    result = run(rows)
    assert result.ok and result.written
    assert result.counts["households_created"] == 3 and result.counts["members_created"] == 9
    assert result.counts["incomes_written"] == 3
    household = Household.objects.get(household_code=rows[0]["户编号"])
    assert household.division_id == factories.JIANYUAN and household.county_code == "361022"
    assert household.household_type == "poor" and household.main_cause == "01" and household.size == 3
    assert household.safe_water is True and household.phone == "13812345678"
    head = household.members.get(relation="head")
    assert head.id_number == rows[0]["证件号码"] and head.sex == "1" and head.education == "junior"
    assert head.birth_date.isoformat() == "1970-03-01" and head.ethnicity == "01"
    spouse = household.members.get(relation="spouse")
    assert spouse.chronic_illness is True and spouse.sex == "2"
    child = household.members.get(relation="son")
    assert child.schooling == "grade_7_9" and child.education == ""
    income = HouseholdIncome.objects.get(household=household, year=2023)
    assert income.wage_income == 8000 and income.business_income == 1200 and income.transfer_income == 600
    # one event for the batch, none per row
    event = AuditEvent.objects.get(verb="import.households")
    assert event.after["households_created"] == 3


def test_xlsx_and_csv_import_the_same(lichuan):
    rows = support.workbook_rows(2)
    assert run(rows, fmt="xlsx").ok
    first = registry_state()
    again = run(rows, fmt="csv")
    assert again.ok and registry_state() == first
    assert again.counts["households_updated"] == 0 and again.counts["members_updated"] == 0


def test_importing_the_same_file_twice_changes_nothing_the_second_time(lichuan):
    rows = support.workbook_rows(3)
    run(rows)
    before = registry_state()
    events = AuditEvent.objects.count()
    second = run(rows)
    assert second.ok and registry_state() == before
    assert {k: v for k, v in second.counts.items() if k not in ("members_written", "households_written")} == {
        "households_created": 0, "households_updated": 0, "members_created": 0, "members_updated": 0,
        "members_absent": 0, "members_removed": 0, "incomes_written": 0}
    # only the batch's own event
    assert AuditEvent.objects.count() == events + 1


def test_changes_are_written_with_their_history(lichuan):
    rows = support.workbook_rows(1, members=2)
    run(rows)
    household = Household.objects.get(household_code=rows[0]["户编号"])
    changed = [dict(r) for r in rows]
    for r in changed:
        r["主要致贫原因"] = "因残"
        r["工资性收入"] = "9,500.50"
    changed[1]["姓名"] = "李秀兰"
    result = run(changed)
    assert result.counts["households_updated"] == 1 and result.counts["members_updated"] == 1
    household.refresh_from_db()
    assert household.main_cause == "02"
    assert str(HouseholdIncome.objects.get(household=household, year=2023).wage_income) == "9500.50"
    spouse = household.members.get(relation="spouse")
    assert spouse.name == "李秀兰"
    event = AuditEvent.objects.get(verb="member.update", object_id=str(spouse.pk))
    assert event.before == {"name": "李秀英"} and event.after == {"name": "李秀兰"}
    assert event.household_id == household.pk and "导入更新" in event.summary
    event = AuditEvent.objects.get(verb="household.update", object_id=str(household.pk))
    assert event.before == {"main_cause": "01"} and event.after == {"main_cause": "02"}
    event = AuditEvent.objects.get(verb="household.income")
    assert event.before == {"wage_income": "8000"} and event.after == {"wage_income": "9500.50"}


def test_one_error_writes_nothing(lichuan):
    rows = support.workbook_rows(3)
    rows[4]["证件号码"] = rows[4]["证件号码"][:-1] + ("0" if rows[4]["证件号码"][-1] != "0" else "1")
    before = registry_state()
    result = run(rows)
    assert not result.ok and not result.written
    assert registry_state() == before
    assert AuditEvent.objects.filter(verb="import.households").count() == 0
    (row, column, value, message), = problem_list(result)
    assert (row, column, value) == (6, "证件号码", rows[4]["证件号码"]) and "校验位" in message


def test_partial_writes_clean_households_and_reports_the_others(lichuan):
    rows = support.workbook_rows(3)
    bad_code = rows[2]["户编号"]
    rows[2]["户类型"] = "富裕户"
    rows[3]["户类型"] = "富裕户"
    result = run(rows, partial=True)
    assert result.written and result.skipped_households == [bad_code]
    assert result.counts["households_written"] == 2 and result.counts["members_written"] == 4
    assert not Household.objects.filter(household_code=bad_code).exists()
    assert Household.objects.filter(household_code__in=[rows[0]["户编号"], rows[4]["户编号"]]).count() == 2
    assert {(r, c) for r, c, _v, _m in problem_list(result)} == {(4, "户类型"), (5, "户类型")}


def test_dry_run_counts_but_writes_nothing(lichuan):
    rows = support.workbook_rows(2)
    result = run(rows, dry_run=True)
    assert result.ok and not result.written and result.counts["households_created"] == 2
    assert Household.objects.count() == 0 and Member.objects.count() == 0
    assert not AuditEvent.objects.filter(verb="import.households").exists()


def test_an_id_of_another_household_in_the_registry_is_an_error_naming_it(lichuan):
    other = factories.make_household(factories.JIANYUAN)
    head = other.members.get()
    rows = support.workbook_rows(1)
    rows[1]["证件号码"] = head.id_number
    rows[1]["性别"] = ""
    rows[1]["与户主关系"] = "之子"
    rows[1]["文化程度"] = "初中"
    result = run(rows)
    assert not result.written
    messages = [(r, c, m) for r, c, _v, m in problem_list(result) if c == "证件号码"]
    assert messages == [(3, "证件号码", f"该证件号码已登记在户 {other.household_code}，一人只能属于一户")]


def test_absent_members_are_reported_and_removed_only_on_request(lichuan):
    rows = support.workbook_rows(1, members=3)
    run(rows)
    household = Household.objects.get(household_code=rows[0]["户编号"])
    child = household.members.get(relation="son")
    result = run(rows[:2])
    assert result.counts["members_absent"] == 1 and result.counts["members_removed"] == 0
    assert result.absent == [(household.household_code, child.name, child.id_number[:6] + "*" * 11
                              + child.id_number[-1:])]
    child.refresh_from_db()
    assert child.status == "active"
    result = run(rows[:2], sync_members=True)
    assert result.counts["members_removed"] == 1
    child.refresh_from_db()
    household.refresh_from_db()
    assert child.status == "removed" and child.removed_on is not None and household.size == 2
    event = AuditEvent.objects.get(verb="member.remove", object_id=str(child.pk))
    assert event.after["status"] == "removed" and "同步减员" in event.summary


def test_villages_outside_the_users_area_are_errors(users):
    rows = support.workbook_rows(1, village=factories.TANXI_VILLAGE)
    result = run(rows, actor=users["township"])  # 湖坊乡 cadre, 潭溪乡 village
    assert not result.written
    assert {m for _r, c, _v, m in problem_list(result) if c == "行政区划代码"} == {"该村不在您的管辖范围内"}
    assert run(rows, actor=users["other_township"]).written


def test_households_are_matched_by_county_and_code(lichuan):
    existing = factories.make_household(factories.JIANYUAN)
    Household.objects.filter(pk=existing.pk).update(household_code="3610220001")
    rows = support.household_rows("3610220001", members=1)
    result = run(rows)
    # the file's head is another person: the existing household gets a second head? No: the file is
    # the household as it is now, so the new person is added and the old head is reported absent.
    assert result.counts["households_created"] == 0 and result.counts["members_created"] == 1
    assert result.counts["members_absent"] == 1
    existing.refresh_from_db()
    assert existing.size == 2


def test_export_then_import_changes_nothing(lichuan):
    homes = [factories.make_household(factories.JIANYUAN, members=[factories.person("spouse", sex="2")],
                                      phone="13812345678", bank_account="6217001234567890123")
             for _ in range(3)]
    homes.append(factories.make_household(factories.HUFANG_VILLAGE, household_type="monitored"))
    for home in homes:
        HouseholdIncome.objects.create(county_code="361022", household=home, year=2023, wage_income=12345.5,
                                       business_income=0, property_income=10, property_dividends=10,
                                       transfer_income=3650, transfer_dibao=2400, transfer_pension=1250,
                                       production_costs=100, insurance_payouts=0, medical_out_of_pocket=0)
    spouse = homes[0].members.get(relation="spouse")
    Member.objects.filter(pk=spouse.pk).update(work_willing=False)
    before = registry_state()
    events = AuditEvent.objects.count()
    for fmt in ("xlsx", "csv"):
        table = workbooks.household_rows(exchange_selectors.households(None, "361022"), masked=False)
        out = io.BytesIO()
        workbooks.write_households(out, table, fmt)
        result = importer.import_households(f"export.{fmt}", out.getvalue())
        assert result.ok, problem_list(result)[:5]
        assert result.rows == 7 and result.households == 4
        assert result.counts["households_updated"] == 0 and result.counts["members_updated"] == 0
        assert result.counts["households_created"] == 0 and result.counts["incomes_written"] == 0
        assert registry_state() == before
    assert AuditEvent.objects.count() == events + 2


def test_transfer_income_by_item_the_total_and_other(lichuan):
    itemised = support.household_rows(转移性收入="5000", 低保金="2400", 养老金="1500", 资产收益分红="300",
                                       财产性收入="800")
    items_only = support.household_rows(转移性收入="", 低保金="1000", 生态补偿金="250.50", 其他转移性收入="100")
    total_only = support.household_rows(转移性收入="600")  # an older file: no items
    result = run(itemised + items_only + total_only)
    assert result.ok, problem_list(result)
    incomes = {i.household.household_code: i for i in HouseholdIncome.objects.select_related("household")}
    one = incomes[itemised[0]["户编号"]]
    assert (one.transfer_income, one.transfer_dibao, one.transfer_pension, one.transfer_other) == (5000, 2400, 1500, 1100)
    assert one.property_dividends == 300 and one.property_income == 800
    two = incomes[items_only[0]["户编号"]]
    assert two.transfer_income == Decimal("1350.50") and two.transfer_other == 100
    three = incomes[total_only[0]["户编号"]]
    assert three.transfer_income == 600 and three.transfer_other == 600 and three.transfer_dibao == 0


def test_transfer_items_above_the_total_and_dividends_above_property_income_are_errors(lichuan):
    rows = (support.household_rows(转移性收入="1000", 低保金="800", 养老金="300")
            + support.household_rows(转移性收入="1000", 低保金="800", 其他转移性收入="300")
            + support.household_rows(财产性收入="100", 资产收益分红="100.01"))
    result = run(rows)
    assert [(r, c, m) for r, c, _v, m in problem_list(result)] == [
        (2, "转移性收入", "转移性收入小于其明细之和（1100.0 元）"),
        (4, "其他转移性收入", "转移性收入各项之和（1100.0 元）与转移性收入不符"),
        (6, "资产收益分红", "资产收益分红不能大于财产性收入")]
    assert not result.written and not HouseholdIncome.objects.exists()


def test_willingness_to_work_is_imported_and_defaults_to_yes(lichuan):
    rows = support.household_rows(members=2)
    rows[1]["劳动意愿"] = "否"
    result = run(rows)
    assert result.ok
    willing = dict(Member.objects.values_list("relation", "work_willing"))
    assert willing == {"head": True, "spouse": False}


def test_a_household_without_income_exports_with_a_blank_income_year_which_import_requires(lichuan):
    factories.make_household(factories.JIANYUAN)
    table = workbooks.household_rows(exchange_selectors.households(None, "361022"), masked=False)
    assert table.get_column("收入年度").to_list() == [""]
    out = io.BytesIO()
    workbooks.write_households(out, table, "csv")
    result = importer.import_households("export.csv", out.getvalue())
    assert problem_list(result) == [(2, "收入年度", "", "“收入年度”不能为空")]


def test_a_masked_export_cannot_be_imported_and_says_why(lichuan):
    factories.make_household(factories.JIANYUAN)
    table = workbooks.household_rows(exchange_selectors.households(None, "361022"), masked=True)
    out = io.BytesIO()
    workbooks.write_households(out, table, "xlsx")
    result = importer.import_households("masked.xlsx", out.getvalue())
    assert not result.written
    assert any("已脱敏" in m for _r, c, _v, m in problem_list(result) if c == "证件号码")


def test_cells_that_look_like_formulas_are_written_as_text_and_read_back(lichuan):
    home = factories.make_household(factories.JIANYUAN, group_name="=1+2", helper_unit="@SUM(A1)",
                                    bank_name="-开户行", helper_name="+张三")
    HouseholdIncome.objects.create(county_code="361022", household=home, year=2023, wage_income=1, business_income=0,
                                   property_income=0, transfer_income=0, production_costs=0, insurance_payouts=0,
                                   medical_out_of_pocket=0)
    table = workbooks.household_rows(exchange_selectors.households(None, "361022"), masked=False)
    out = io.BytesIO()
    workbooks.write_households(out, table, "xlsx")
    data = out.getvalue()
    import zipfile

    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    frame = fastexcel.read_excel(data).load_sheet(0, dtypes="string").to_polars()
    assert frame.get_column("村民小组").to_list() == ["=1+2"]
    out = io.BytesIO()
    workbooks.write_households(out, table, "csv")
    text = out.getvalue().decode("utf-8-sig")
    assert "'=1+2" in text and "'@SUM(A1)" in text and "'-开户行" in text and "'+张三" in text
    # and the import reads them back as they were: nothing changes
    result = importer.import_households("export.csv", out.getvalue())
    assert result.ok and result.counts["households_updated"] == 0
    home.refresh_from_db()
    assert home.group_name == "=1+2" and home.helper_name == "+张三"


# --- the command line -------------------------------------------------------------------------

def write(tmp_path, rows, name="households.csv"):
    path = tmp_path / name
    path.write_bytes(support.to_csv(rows) if name.endswith(".csv") else support.to_xlsx(rows))
    return path


def test_cli_imports_a_clean_file_with_exit_status_0(lichuan, tmp_path, capsys):
    path = write(tmp_path, support.workbook_rows(2))
    call_command("import", "households", str(path))
    out = capsys.readouterr().out
    assert "已导入 4 名成员、2 户" in out
    assert Household.objects.count() == 2


@pytest.mark.parametrize("suffix", ["json", "csv", "xlsx"])
def test_cli_reports_errors_with_exit_status_1(lichuan, tmp_path, capsys, suffix):
    rows = support.workbook_rows(2)
    rows[0]["性别"] = "女"
    path = write(tmp_path, rows)
    report = tmp_path / f"report.{suffix}"
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "households", str(path), "--report", str(report))
    assert exit_.value.code == 1
    assert Household.objects.count() == 0
    if suffix == "json":
        assert json.loads(report.read_text()) == [
            {"行号": 2, "列": "性别", "值": "女", "错误": "性别与证件号码不符"}]
    elif suffix == "csv":
        lines = report.read_text(encoding="utf-8-sig").splitlines()
        assert lines == ["行号,列,值,错误", "2,性别,女,性别与证件号码不符"]
    else:
        reader = fastexcel.read_excel(report.read_bytes())
        assert reader.sheet_names == ["错误行", "错误清单"]
        listed = reader.load_sheet("错误清单", dtypes="string").to_polars()
        assert listed.rows() == [("2", "性别", "女", "性别与证件号码不符")]
        rows_sheet = reader.load_sheet("错误行", dtypes="string").to_polars()
        assert rows_sheet.get_column("行号").to_list() == ["2"]
        assert rows_sheet.get_column("错误说明").to_list() == ["性别：性别与证件号码不符"]


def test_cli_partial_and_dry_run(lichuan, tmp_path, capsys):
    rows = support.workbook_rows(2)
    rows[0]["性别"] = "女"
    path = write(tmp_path, rows)
    with pytest.raises(SystemExit):
        call_command("import", "households", str(path), "--partial", "--dry-run")
    assert Household.objects.count() == 0
    assert "将导入 2 名成员、1 户" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        call_command("import", "households", str(path), "--partial")
    assert Household.objects.count() == 1


def test_cli_unreadable_file_exits_2(lichuan, tmp_path, capsys):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    report = tmp_path / "r.json"
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "households", str(path), "--report", str(report))
    assert exit_.value.code == 2
    problems = json.loads(report.read_text())
    assert len(problems) == 1 and "无法读取工作簿" in problems[0]["错误"]


def test_cli_export_households_masked_by_default_and_logged(lichuan, tmp_path):
    factories.make_household(factories.JIANYUAN, phone="13812345678")
    out = tmp_path / "out.csv"
    call_command("export", "households", "--area", "361022201", "--output", str(out))
    text = out.read_text(encoding="utf-8-sig")
    assert "138****5678" in text and "13812345678" not in text
    event = AuditEvent.objects.get(verb="export.masked")
    assert event.after == {"what": "households", "area": "361022201", "full": False, "rows": 1, "format": "csv"}
    call_command("export", "households", "--area", "361022201", "--output", str(out), "--full")
    assert "13812345678" in out.read_text(encoding="utf-8-sig")
    assert AuditEvent.objects.filter(verb="export.full").count() == 1


@pytest.mark.parametrize("kind", ["id_number", "phone", "bank_account"])
def test_the_vectorised_masks_mask_as_the_registry_does(kind):
    """Exports mask whole columns at once; each value must come out as masking.py would show it."""
    import polars as pl
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from fupin.core import masking

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.text(alphabet="0123456789X-", max_size=24), min_size=1, max_size=20))
    def check(values):
        frame = pl.DataFrame({"v": values})
        got = frame.select(workbooks.mask(pl.col("v"), kind)).get_column("v").to_list()
        assert got == [masking.MASKERS[kind](v) for v in values]

    check()
