"""The county head opens 目标考核, sees a target not met, opens it and finds the households behind the
gap (with a link to a household card), then downloads the yearly report workbook."""

import pytest

from fupin.accounts.roles import Role
from tests import factories
from tests.e2e.menu import open_menu
from tests.factories import COUNTY, TANXI_VILLAGE, make_household, make_user, person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county(settings, lichuan):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_household(house_grade="D", head=person("head", name="危房待改户"))
    make_household(TANXI_VILLAGE, house_grade="C", house_renovated=True)
    return make_user(Role.COUNTY_ADMIN, COUNTY, "county", full_name="黄建国")


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("[data-testid=login]")


def test_target_drill_down_and_report_download(page, live_server, county, artifacts):
    login(page, live_server, "county")
    open_menu(page, "统计监测", "目标考核")
    page.wait_for_url("**/insights/targets/**")
    houses = page.locator("[data-testid=target-houses]")
    assert "未达标" in houses.inner_text()
    houses.get_by_role("link").first.click()
    page.wait_for_url("**/insights/targets/houses/**")
    assert page.locator("[data-testid=gap]").inner_text().strip() == "1"
    rows = page.locator("[data-testid=gap-list] tbody tr")
    assert rows.count() == 1 and "危房待改户" in rows.inner_text()
    page.screenshot(path=str(artifacts / "insights-target-gap.png"), full_page=True)
    rows.get_by_role("link").first.click()
    page.wait_for_url("**/households/*/")
    assert "危房待改户" in page.content()

    page.goto(f"{live_server.url}/insights/report/?area={COUNTY}&year=2023")
    assert "年度报告" in page.locator("h2").first.inner_text()
    with page.expect_download() as download:
        page.click("[data-testid=download]")
    assert download.value.suggested_filename == f"report-{COUNTY}-2023.xlsx"
    assert download.value.path().read_bytes()[:2] == b"PK"  # a zip: the xlsx workbook
