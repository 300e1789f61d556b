"""Exchange with the national monitoring system: the risk-type code list, the year's workbook (who is
in it, what each row says, the column map), the batch the monitoring procedure's last step records,
and the returned list read as risk clues."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import fastexcel
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.core import clock
from fupin.core.actions import SYSTEM
from fupin.core.models import AuditEvent
from fupin.exchange import actions, national
from fupin.exchange.models import NationalExport, NationalExportItem, Source
from fupin.registry import actions as registry
from fupin.registry.models import Household, RiskType
from fupin.workflows import actions as workflows
from fupin.workflows.models import Case, ClueSource, RiskClue
from tests.assistance.support import household_plan, measure
from tests.conftest import login
from tests.exchange.support import department_csv
from tests.factories import COUNTY, JIANYUAN, TANXI_VILLAGE, make_household, person

pytestmark = pytest.mark.django_db
YEAR = 2023


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def monitored(risk_types="01", village=JIANYUAN, **fields):
    return make_household(village, household_type="monitored", monitoring_type="marginal",
                          monitoring_start=dt.date(2022, 5, 1), risk_types=risk_types, poverty_attribute="",
                          main_cause="", **fields)


def workbook(batch: NationalExport) -> list[dict]:
    return fastexcel.read_excel(batch.file.read()).load_sheet(national.SHEET_NAME, dtypes="string") \
        .to_polars().to_dicts()


# --- the risk-type code list ------------------------------------------------------------------

def test_the_national_risk_types_ship_with_the_system(lichuan):
    from fupin.registry.selectors import risk_type_choices

    assert risk_type_choices(COUNTY) == [
        ("01", "因病"), ("02", "因残"), ("03", "因学"), ("04", "因意外事故"), ("05", "因产业失败"),
        ("06", "因务工就业不稳"), ("07", "因自然灾害"), ("99", "其他")]


def test_a_household_takes_known_risk_types_only_sorted_and_once(users):
    home = monitored(risk_types=["04", "01", "04"])
    assert home.risk_types == "01,04"
    with pytest.raises(ValidationError) as raised:
        registry.update_household(actor=users["village"], household=home, changes={"risk_types": "01,42"})
    assert "risk_types" in raised.value.message_dict
    home.refresh_from_db()
    assert home.risk_types == "01,04"
    from fupin.core.display import display_value

    assert display_value(Household, "risk_types", home.risk_types) == "因病、因意外事故"


def test_a_county_adds_its_own_risk_type(users):
    county = users["county"]
    local = registry.save_risk_type(actor=county, county_code=COUNTY, name="缺劳动力")
    assert (local.code, local.region_code, local.is_local) == ("20", COUNTY, True)
    assert AuditEvent.objects.filter(verb="risk_type.save", object_id=str(local.pk)).exists()
    home = monitored(risk_types=["20"])
    assert home.risk_types == "20"
    with pytest.raises(ValidationError):
        registry.save_risk_type(actor=county, county_code=COUNTY, name="因病")  # a national name
    with pytest.raises(ValidationError):  # a national type is not a row to change
        registry.save_risk_type(actor=county, county_code=COUNTY, name="改名", risk_type=RiskType(code="01"))
    with pytest.raises(PermissionDenied):
        registry.save_risk_type(actor=users["township"], county_code=COUNTY, name="其他困难")
    registry.save_risk_type(actor=county, county_code=COUNTY, name="缺劳动力", active=False, risk_type=local)
    with pytest.raises(ValidationError):  # switched off: no longer chosen
        registry.update_household(actor=county, household=home, changes={"risk_types": "20,01"})


def test_a_monitoring_case_needs_risk_types(users):
    home = make_household(household_type="ordinary", poverty_attribute="", main_cause="")
    with pytest.raises(ValidationError) as raised:
        workflows.start_case(actor=users["village"], household=home, kind="monitor", note="x",
                             data={"monitoring_type": "marginal"})
    assert "risk_types" in raised.value.message_dict
    clue = workflows.create_clue(actor=users["village"], household=home, source="cadre_visit",
                                 risk="因务工就业不稳（失业）")
    assert workflows.guess_risk_types(clue) == ["06"]
    case = workflows.convert_clue(actor=users["village"], clue=clue, monitoring_type="marginal", note="核实")
    assert case.data["risk_types"] == "06"


# --- the workbook -----------------------------------------------------------------------------

def decided_case(users, home, risk_types=("07",)):
    """A monitoring case waiting at 录入全国防返贫监测系统 (set up directly: the procedure has its own tests)."""
    now = clock.now()
    return Case.objects.create(county_code=COUNTY, division_code=home.division_id, household=home, kind="monitor",
                               year=YEAR, step="entry", step_started_at=now, step_due=clock.today(), started_at=now,
                               data={"monitoring_type": "hardship", "risk_types": ",".join(risk_types)})


def test_the_workbook_has_new_monitored_and_cleared_households(users):
    county = users["county"]
    watched = monitored(risk_types="01,06", phone="13912345678")
    registry.set_income(actor=SYSTEM, household=watched, year=YEAR, values={
        "wage_income": Decimal(9000), "business_income": Decimal(1000), "production_costs": Decimal(400)})
    plan = household_plan(watched)
    measure(plan)  # 健康帮扶
    measure(plan, income=True)  # 产业帮扶
    cancelled = measure(plan, description="取消的措施", category="credit")
    from fupin.assistance.models import Measure

    Measure.objects.filter(pk=cancelled.pk).update(status="cancelled")
    entering = make_household(TANXI_VILLAGE, household_type="ordinary", poverty_attribute="", main_cause="")
    case = decided_case(users, entering)
    cleared = make_household(household_type="exited", exit_year=2019, risk_types="02")
    now = clock.now()
    Case.objects.create(county_code=COUNTY, division_code=JIANYUAN, household=cleared, kind="risk_clear", year=YEAR,
                        status="done", step="mark_cleared", step_started_at=now, step_due=clock.today(),
                        started_at=now, finished_at=dt.datetime(YEAR, 10, 8, 3, tzinfo=dt.UTC),
                        data={"method": "natural"})
    make_household(household_type="exited", exit_year=2019)  # never monitored: not in the workbook

    batch = actions.export_national(actor=county, county_code=COUNTY, year=YEAR)
    rows = {r["户编号"]: r for r in workbook(batch)}
    assert set(rows) == {watched.household_code, entering.household_code, cleared.household_code}
    w = rows[watched.household_code]
    head = watched.members.get(relation="head")
    assert w["报送类型"] == "在监测" and w["户主证件号码"] == head.id_number and w["户主姓名"] == head.name
    assert w["乡（镇）"] == "湖坊乡" and w["行政区划代码"] == JIANYUAN and w["联系电话"] == "13912345678"
    assert w["监测对象类别"] == "边缘易致贫户" and w["纳入监测时间"] == "2022-05-01"
    assert w["风险类型"] == "因病、因务工就业不稳" and w["风险类型代码"] == "01,06"
    assert w["人均纯收入（元）"] == "9600" and w["收入年度"] == "2023"  # (9000 + 1000 - 400) / 1 person
    assert w["帮扶措施"] == "产业帮扶、健康帮扶" and w["帮扶措施数"] == "2" and w["风险是否消除"] == "否"
    e = rows[entering.household_code]
    assert e["报送类型"] == "新增" and e["监测对象类别"] == "突发严重困难户" and e["风险类型"] == "因自然灾害"
    assert e["纳入监测时间"] == clock.today().isoformat() and e["人均纯收入（元）"] == ""
    c = rows[cleared.household_code]
    assert (c["报送类型"], c["风险是否消除"], c["风险消除时间"], c["风险消除方式"], c["风险类型"]) == (
        "风险消除", "是", "2023-10-08", "自然消除", "因残")
    # the batch: counts, each household once, the case carried
    assert batch.counts == {"在监测": 1, "新增": 1, "风险消除": 1, "missing": {"监测对象类别": 1}}  # the cleared one
    assert batch.households == 3
    assert NationalExportItem.objects.get(batch=batch, household=entering).case == case
    assert not NationalExportItem.objects.get(batch=batch, household=watched).case
    event = AuditEvent.objects.get(verb="national.export")
    assert event.object_id == str(batch.pk) and "完整证件号码" in event.summary


def test_the_column_map_renames_reorders_and_leaves_out(users):
    county = users["county"]
    monitored()
    columns = [{"field": "head_id", "header": "身份证号"}, {"field": "head_name", "header": "户主"},
               {"field": "division_code", "header": "村代码"}, {"field": "report", "header": "类型"},
               {"field": "monitoring_type", "header": "监测类型"}, {"field": "risk_types", "header": "风险"}]
    actions.save_national_columns(actor=county, county_code=COUNTY, columns=columns)
    batch = actions.export_national(actor=county, county_code=COUNTY, year=YEAR)
    assert list(workbook(batch)[0]) == ["身份证号", "户主", "村代码", "类型", "监测类型", "风险"]
    assert batch.columns == columns
    assert AuditEvent.objects.filter(verb="national.columns").count() == 1


@pytest.mark.parametrize(("columns", "message"), [
    ([{"field": "report", "header": "类型"}], "不能去掉"),  # required columns left out
    ([{"field": "nobody", "header": "x"}], "未知的字段"),
    ([*national.default_columns(), {"field": "report", "header": "又一次"}], "出现了两次"),
    ([{**c, "header": "同名"} if c["field"] in ("county", "village") else c for c in national.default_columns()],
     "重复"),
    ([{**c, "header": " "} if c["field"] == "county" else c for c in national.default_columns()], "请填写"),
])
def test_a_bad_column_map_is_refused(users, columns, message):
    with pytest.raises(ValidationError, match=message):
        actions.save_national_columns(actor=users["county"], county_code=COUNTY, columns=columns)
    assert national.column_map(COUNTY) == national.default_columns()


def test_only_the_county_exports(users):
    monitored()
    for who in ("township", "village", "auditor", "dept"):
        with pytest.raises(PermissionDenied):
            actions.export_national(actor=users[who], county_code=COUNTY, year=YEAR)
    with pytest.raises(ValidationError):
        actions.export_national(actor=users["county"], county_code=COUNTY, year=2030)
    assert not NationalExport.objects.exists()


def test_nothing_to_report_is_said_and_nothing_written(users):
    with pytest.raises(ValidationError, match="没有需要报送"):
        actions.export_national(actor=users["county"], county_code=COUNTY, year=YEAR)
    assert not NationalExport.objects.exists()


def test_confirming_a_batch_ends_the_cases_it_carried(client, users):
    entering = make_household(household_type="ordinary", poverty_attribute="", main_cause="")
    case = decided_case(users, entering, risk_types=("01", "04"))
    later = decided_case(users, make_household(household_type="ordinary", poverty_attribute="", main_cause=""))
    login(client, users["county"])
    response = client.post("/exchange/national/", {"year": YEAR})
    batch = NationalExport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exchange/national/{batch.pk}/"
    assert "确认已录入全国系统" in client.get(response["Location"]).content.decode()
    file = client.get(f"/exchange/national/{batch.pk}/file.xlsx")
    assert file.status_code == 200 and AuditEvent.objects.filter(verb="national.download").exists()
    client.post(f"/exchange/national/{batch.pk}/confirm/")
    case.refresh_from_db()
    entering.refresh_from_db()
    assert case.status == "done" and case.steps.get(step="entry").data["export_batch"] == batch.pk
    assert entering.household_type == "monitored" and entering.risk_types == "01,04"
    later.refresh_from_db()
    assert later.status == "done"  # it was in the batch too
    login(client, users["township"])
    assert client.get(f"/exchange/national/{batch.pk}/").status_code == 403


# --- the returned list ------------------------------------------------------------------------

def test_the_returned_list_becomes_risk_clues(users):
    exited = make_household(household_type="exited", exit_year=2019)
    ordinary = make_household(household_type="ordinary", poverty_attribute="", main_cause="",
                              members=[person("spouse", sex="2")])
    already = monitored()
    spouse = ordinary.members.get(relation="spouse")
    rows = [[exited.members.get(relation="head").id_number, "黄建国", "因病", "大数据比对：医疗支出高"],
            [spouse.id_number, spouse.name, "因务工就业不稳", ""],
            [already.members.get(relation="head").id_number, "黄建国", "因病", ""]]
    data = department_csv(["户主证件号码", "户主姓名", "预警类型", "预警原因"], rows)
    run = actions.execute_match(actions.create_match(actor=users["county"], source=Source.NATIONAL, name="回传.csv",
                                                     data=data, area_code=COUNTY, enqueue=False))
    clues = {c.household_id: c for c in RiskClue.objects.filter(source=ClueSource.NATIONAL)}
    assert set(clues) == {exited.pk, ordinary.pk} and run.counts["clues_created"] == 2
    assert clues[exited.pk].risk == "全国防返贫监测系统预警"
    assert "因病" in clues[exited.pk].detail and "医疗支出高" in clues[exited.pk].detail
    assert workflows.guess_risk_types(clues[ordinary.pk]) == ["06"]
    with pytest.raises(PermissionDenied):
        actions.create_match(actor=users["dept"], source=Source.NATIONAL, name="回传.csv", data=data,
                             area_code=COUNTY, enqueue=False)


def test_the_pages(client, users):
    monitored()
    login(client, users["county"])
    assert "列对照" in client.get("/exchange/national/").content.decode()
    page = client.get("/exchange/national/columns/").content.decode()
    assert "户主证件号码" in page and "必需" in page
    data = {}
    for i, f in enumerate(national.FIELDS):
        data[f"h_{f.key}"] = f.header
        data[f"o_{f.key}"] = len(national.FIELDS) - i
    data["h_phone"] = ""  # left out
    assert client.post("/exchange/national/columns/", data).status_code == 302
    columns = national.column_map(COUNTY)
    assert columns[0]["field"] == "clear_method" and "phone" not in [c["field"] for c in columns]
    page = client.get("/risk-types/").content.decode()
    assert "因务工就业不稳" in page and "全国统一" in page
    assert client.post("/risk-types/", {"name": "缺劳动力", "active": "on"}).status_code == 302
    assert RiskType.objects.filter(region_code=COUNTY, name="缺劳动力").exists()
    out = io.BytesIO(client.get("/risk-types/").content)
    assert "地方规则" in out.getvalue().decode()
