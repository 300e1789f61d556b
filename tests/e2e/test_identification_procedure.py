"""One identification from the application to the announcement, in the browser: the village
applies, reviews and posts the first notice; the township reviews and posts the second; the
county approves, announces and registers the household."""

import pytest

from fupin.accounts.roles import Role
from fupin.registry.models import Household
from fupin.workflows.models import Case
from tests import factories
from tests.factories import JIANYUAN, make_household, make_user, person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    factories.load_lichuan()
    make_user(Role.VILLAGE_CADRE, JIANYUAN, "village", full_name="陈志强")
    make_user(Role.TOWNSHIP_CADRE, "361022201", "township", full_name="李秀英")
    make_user(Role.COUNTY_ADMIN, "361022", "county", full_name="黄建国")
    return make_household(JIANYUAN, household_type="ordinary", poverty_attribute="", main_cause="",
                          group_name="第3村民小组", head=person("head", name="揭国平"),
                          members=[person("spouse", sex="2", name="饶秀兰")])


def log_in(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("[data-testid=login]")
    page.wait_for_url("**/areas/**")
    return page


def post_and_close_notice(page, clock, days=7):
    page.click("[data-testid=post-notice]")
    page.wait_for_url("**/notices/new/**")
    page.fill("#id_period_days", str(days))
    page.click("[data-testid=submit]")
    page.wait_for_url("**/notices/*/")
    clock.advance(days)
    page.reload()
    page.click("[data-testid=close-notice]")


def test_identification_from_application_to_announcement(browser, live_server, county, clock, artifacts):
    home = county
    village = log_in(browser, live_server, "village")
    village.goto(f"{live_server.url}/households/{home.pk}/")
    village.get_by_role("link", name="发起程序").click()
    village.select_option("#id_kind", "identify")
    village.fill("#id_note", "本人申请：家庭收入低，住房困难")
    village.click("[data-testid=submit]")
    village.wait_for_url("**/workflows/cases/*/")
    case = Case.objects.get(household=home)
    assert "村民代表大会民主评议" in village.locator("[data-testid=current-step]").inner_text()

    village.get_by_role("link", name="登记新的评议会议").click()
    village.fill("#id_place", "枧源村委会会议室")
    village.fill("#id_chair", "陈志强")
    village.fill("#id_expected", "30")
    village.fill("#id_present", "24")
    village.fill("#id_minutes", "逐户评议，举手表决")
    village.fill(f"input[name=for_{case.pk}]", "20")
    village.fill(f"input[name=against_{case.pk}]", "2")
    village.fill(f"input[name=abstain_{case.pk}]", "2")
    village.click("[data-testid=submit]")
    village.goto(f"{live_server.url}/workflows/cases/{case.pk}/")
    village.fill("#id_note", "村委会和驻村工作队入户核实，情况属实")
    village.click("[data-testid=pass]")
    assert "第一次公示" in village.locator("[data-testid=current-step]").inner_text()
    post_and_close_notice(village, clock)
    sheet = village.locator("[data-testid=notice-sheet]").inner_text()
    assert "揭国平" in sheet and "第3村民小组" in sheet and "拟识别为贫困户" in sheet
    village.screenshot(path=str(artifacts / "notice.png"), full_page=True)
    village.context.close()

    township = log_in(browser, live_server, "township")
    township.goto(f"{live_server.url}/workflows/tasks/")
    township.locator("[data-testid=tasks] a").first.click()
    township.fill("#id_note", "乡镇审核同意")
    township.click("[data-testid=pass]")
    post_and_close_notice(township, clock)
    township.context.close()

    county_page = log_in(browser, live_server, "county")
    county_page.goto(f"{live_server.url}/workflows/cases/{case.pk}/")
    county_page.fill("#id_note", "县扶贫开发领导小组审批同意")
    county_page.fill("#id_decision_no", "黎扶字〔2023〕18号")
    county_page.click("[data-testid=pass]")
    post_and_close_notice(county_page, clock)
    county_page.goto(f"{live_server.url}/workflows/cases/{case.pk}/")
    county_page.fill("#id_note", "录入系统")
    county_page.click("[data-testid=pass]")
    assert county_page.locator("[data-testid=case-status]").inner_text() == "已办结"
    timeline = county_page.locator("[data-testid=timeline]").inner_text()
    assert "黎扶字〔2023〕18号" in timeline and "公示期满无异议" in timeline
    county_page.screenshot(path=str(artifacts / "identification-case.png"), full_page=True)
    home.refresh_from_db()
    assert home.household_type == "poor"
    assert Household.objects.get(pk=home.pk).identification_year == case.year
