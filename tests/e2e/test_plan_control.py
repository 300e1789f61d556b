"""规模控制 and 贫困村退出 in the browser: the county sets 湖坊乡's scale, sees the warning on an
identification case that would go over it, and approves it with the explicit over-scale approval;
then a poor village exits through its procedure, from the village's application to 已出列."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from fupin.accounts.roles import Role
from fupin.core.actions import SYSTEM
from fupin.divisions.models import Division
from fupin.registry import actions as registry
from fupin.registry.models import VillageProfile
from fupin.targeting.models import Scale
from fupin.workflows.models import Case
from tests.e2e.test_identification_procedure import log_in, post_and_close_notice
from tests.factories import COUNTY, HUFANG, HUFANG_VILLAGE, JIANYUAN, TANXI, make_household, make_user, person
from tests.targeting.support import income
from tests.workflows.support import pass_step, review, run_notice, votes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
YEAR = 2023


@pytest.fixture
def county(settings, rules):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    users = {
        "village": make_user(Role.VILLAGE_CADRE, JIANYUAN, "village", full_name="陈志强"),
        "hufang": make_user(Role.VILLAGE_CADRE, HUFANG_VILLAGE, "hufang", full_name="揭小华"),
        "township": make_user(Role.TOWNSHIP_CADRE, HUFANG, "township", full_name="李秀英"),
        "county": make_user(Role.COUNTY_ADMIN, COUNTY, "county", full_name="黄建国"),
    }
    registered = make_household(members=[person("spouse", sex="2")])  # 2 registered poor people in 湖坊乡
    income(registered, 2000)
    applicant = make_household(household_type="ordinary", poverty_attribute="", main_cause="",
                               head=person("head", name="揭国平"), members=[person("spouse", sex="2")])
    income(applicant, 6000)
    return users, applicant


def to_county_approval(users, clock, household):
    from fupin.workflows import actions

    village, township = users["village"], users["township"]
    case = actions.start_case(actor=village, household=household, kind="identify", note="本人申请", year=YEAR)
    pass_step(village, case, **votes(review(village, JIANYUAN)))
    pass_step(village, case, note="入户核实")
    run_notice(village, case, clock)
    pass_step(township, case, note="乡镇审核同意")
    run_notice(township, case, clock)
    return case


def test_scale_warning_and_over_scale_approval(browser, live_server, county, clock, artifacts):
    users, applicant = county
    page = log_in(browser, live_server, "county")
    page.goto(f"{live_server.url}/targeting/scale/?area={COUNTY}&year={YEAR}")
    expect(page.get_by_text("防返贫监测不受规模限制")).to_be_visible()
    page.fill("#id_own_poor_people", "100")
    for code in Division.objects.filter(parent_code=COUNTY).served().values_list("code", flat=True):
        page.fill(f"#id_c{code}_poor_people", {HUFANG: "3", TANXI: "97"}.get(code, "0"))
    page.fill("#id_note", "县扶贫开发领导小组会议确定")
    page.click("[data-testid=save-scale]")
    expect(page.locator(f"tr[data-area='{HUFANG}']")).to_contain_text("1")  # 3 - 2 registered
    assert Scale.objects.get(division_code=HUFANG, year=YEAR).poor_people == 3

    case = to_county_approval(users, clock, applicant)
    page.goto(f"{live_server.url}/workflows/cases/{case.pk}/")
    expect(page.locator("[data-testid=scale-warning]")).to_contain_text("湖坊乡规模 3 人，在册 2 人，批准后 4 人")
    page.fill("#id_note", "县扶贫开发领导小组审批")
    page.fill("#id_decision_no", "黎扶字〔2023〕30号")
    page.click("[data-testid=pass]")
    expect(page.get_by_text("批准后将超出识别规模")).to_be_visible()
    case.refresh_from_db()
    assert case.step == "county_approval"
    page.fill("#id_note", "县扶贫开发领导小组审批")
    page.fill("#id_decision_no", "黎扶字〔2023〕30号")
    page.check("#id_over_scale")
    page.fill("#id_over_scale_reason", "突发重病致贫，经领导小组研究同意超规模纳入")
    page.click("[data-testid=pass]")
    expect(page.locator("[data-testid=current-step]")).to_contain_text("公告")
    expect(page.locator("[data-testid=over-scale-record]")).to_contain_text("突发重病致贫")
    page.screenshot(path=str(artifacts / "over-scale.png"), full_page=True)


def test_a_poor_village_exits_through_its_procedure(browser, live_server, county, clock, artifacts):
    registry.update_village(actor=SYSTEM, division=Division.objects.get(code=HUFANG_VILLAGE), changes={
        "poverty_status": "poor", "collective_income": Decimal(60000), "paved_road": True, "tap_water": True,
        "power_grid": True, "clinic": True, "broadband": True})
    registry.add_work_team_member(actor=SYSTEM, division=Division.objects.get(code=HUFANG_VILLAGE), fields={
        "name": "王书记", "role": "first_secretary", "started_on": dt.date(2021, 3, 1)})
    for _ in range(5):
        make_household(HUFANG_VILLAGE, household_type="ordinary", poverty_attribute="", main_cause="")

    village = log_in(browser, live_server, "hufang")
    village.goto(f"{live_server.url}/targeting/villages/exit/?year={YEAR}")
    row = village.locator(f"tr[data-village='{HUFANG_VILLAGE}']")
    expect(row).to_contain_text("达标")
    row.locator("input[name=note]").fill("贫困发生率为零，集体经济和基础设施均已达标，申请退出")
    village.click(f"[data-testid=apply-{HUFANG_VILLAGE}]")
    village.wait_for_url("**/workflows/cases/*/")
    case = Case.objects.get(division_code=HUFANG_VILLAGE, kind="village_exit")
    expect(village.locator("[data-testid=current-step]")).to_contain_text("乡镇审核")
    village.context.close()

    township = log_in(browser, live_server, "township")
    township.goto(f"{live_server.url}/workflows/cases/{case.pk}/")
    township.fill("#id_note", "乡镇核查各项指标达标")
    township.click("[data-testid=pass]")
    expect(township.locator("[data-testid=current-step]")).to_contain_text("县审批")

    county_page = log_in(browser, live_server, "county")
    county_page.goto(f"{live_server.url}/workflows/cases/{case.pk}/")
    expect(county_page.locator("[data-testid=conditions]")).to_contain_text("贫困村退出条件")
    county_page.fill("#id_note", "县扶贫开发领导小组审定")
    county_page.fill("#id_decision_no", "黎扶字〔2023〕21号")
    county_page.click("[data-testid=pass]")
    expect(county_page.locator("[data-testid=current-step]")).to_contain_text("乡镇公示")

    township.goto(f"{live_server.url}/workflows/cases/{case.pk}/")
    post_and_close_notice(township, clock)
    township.context.close()
    county_page.goto(f"{live_server.url}/workflows/cases/{case.pk}/")
    post_and_close_notice(county_page, clock)
    county_page.goto(f"{live_server.url}/workflows/cases/{case.pk}/")
    county_page.fill("#id_note", "标注出列")
    county_page.click("[data-testid=pass]")
    expect(county_page.locator("[data-testid=case-status]")).to_have_text("已办结")
    county_page.screenshot(path=str(artifacts / "village-exit.png"), full_page=True)
    profile = VillageProfile.objects.get(division_id=HUFANG_VILLAGE)
    assert profile.poverty_status == "exited" and profile.exit_year == YEAR
    county_page.goto(f"{live_server.url}/targeting/villages/exit/?year={YEAR}")
    expect(county_page.locator(f"tr[data-village='{HUFANG_VILLAGE}']")).to_contain_text("已出列")
