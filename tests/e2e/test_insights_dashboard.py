"""The county head opens the dashboard, sees the charts drawn and the figures, drills down to a
township from the table and to a village by clicking its bar in the incidence chart."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from fupin.accounts.roles import Role
from fupin.insights.indicators import FAMILIES
from tests import factories
from tests.factories import HUFANG, HUFANG_VILLAGE, JIANYUAN, TANXI_VILLAGE, make_user
from tests.insights.support_dashboard import household, income

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(settings, lichuan):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    county = make_user(Role.COUNTY_ADMIN, "361022", "county", full_name="黄建国")
    poor = household(JIANYUAN, size=3, household_type="poor", main_cause="01")
    household(HUFANG_VILLAGE, size=2, household_type="ordinary")
    household(TANXI_VILLAGE, size=5, household_type="monitored")
    income(poor, 2023, wage=4000, transfer=2000)
    income(poor, 2022, wage=3000, transfer=1500)
    return {"county": county}


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("[data-testid=login]")


def click_bar(page, chart_testid: str, index: int = 0):
    """Click the ``index``-th bar of the first series just above its base (drawn from the start of
    the growing animation)."""
    canvas = page.locator(f"[data-testid={chart_testid}] canvas").first
    box = canvas.bounding_box()
    layout = page.evaluate(
        """([sel, i]) => { const c = echarts.getInstanceByDom(document.querySelector(sel));
             const l = c.getModel().getSeriesByIndex(0).getData().getItemLayout(i);
             return {x: l.x + l.width / 2, y: l.y + l.height - 4}; }""",
        [f"[data-testid={chart_testid}]", index])
    page.mouse.move(box["x"] + layout["x"], box["y"] + layout["y"])
    page.wait_for_timeout(200)
    page.mouse.click(box["x"] + layout["x"], box["y"] + layout["y"])


def wait_for_parts(page):
    """The parts (income, the run's results, 八个一, housing, funds, training) are fetched by the page
    one after the other once it is shown."""
    for part in FAMILIES:
        page.wait_for_selector(f"[data-testid=part-{part}]", state="attached")


def test_the_county_drills_down_to_a_township_and_a_village(page, live_server, people, artifacts):
    page.set_default_timeout(30_000)  # a busy two-core machine draws sixteen charts
    login(page, live_server, "county")
    page.goto(f"{live_server.url}/insights/?year=2023")
    page.wait_for_selector("[data-testid=chart-incidence] canvas")
    page.wait_for_selector("[data-testid=chart-causes] canvas")
    assert page.locator("[data-testid=area-name]").inner_text() == "黎川县"
    assert page.locator("[data-testid=fig-incidence]").inner_text() == "30.00%"  # 3 of 10 people
    assert page.locator("[data-testid=fig-households]").inner_text() == "3"
    assert page.locator(".insights-chart[data-rendered='1']").count() >= 8  # the others say 暂无数据
    wait_for_parts(page)
    page.wait_for_selector("[data-testid=part-coverage] [data-testid=chart-coverage] canvas")
    assert page.locator("[data-testid=fig-funds]").inner_text() == "0.00"
    page.screenshot(path=str(artifacts / "dashboard-county.png"), full_page=True)

    page.click(f"[data-testid=drill-{HUFANG}]")
    page.wait_for_url(f"**/insights/?area={HUFANG}&year=2023")
    page.wait_for_selector("[data-testid=chart-incidence] canvas")
    assert page.locator("[data-testid=area-name]").inner_text() == "湖坊乡"
    assert page.locator("[data-testid=fig-incidence]").inner_text() == "60.00%"  # 3 of 5
    assert "黎川县" in page.locator("[data-testid=crumbs]").inner_text()
    village_row = page.locator(f"[data-testid=child-{JIANYUAN}]").inner_text()
    assert "枧源村" in village_row and "100.00" in village_row
    wait_for_parts(page)

    # the incidence chart has 湖坊村 (0%) then 枧源村 (100%), in code order: click 枧源村's bar
    for _attempt in range(3):  # a chart still animating may miss the first click
        click_bar(page, "chart-incidence", 1)
        try:
            page.wait_for_url(f"**/insights/?area={JIANYUAN}&year=2023", timeout=5_000)
            break
        except PlaywrightTimeout:  # try again
            continue
    page.wait_for_url(f"**/insights/?area={JIANYUAN}&year=2023")
    assert page.locator("[data-testid=area-name]").inner_text() == "枧源村委会"
    assert page.locator("[data-testid=fig-incidence]").inner_text() == "100.00%"
    wait_for_parts(page)
    assert page.locator("[data-testid=fig-income]").inner_text() == "2,000.00"  # 6000 / 3
    assert page.locator("[data-testid=child-table]").count() == 0
    page.wait_for_selector("[data-testid=chart-income_structure] canvas")
    page.set_viewport_size({"width": 390, "height": 800})  # a phone: the charts follow the width
    page.wait_for_timeout(300)
    width = page.locator("[data-testid=chart-income_structure] canvas").first.bounding_box()["width"]
    assert width < 390
    page.screenshot(path=str(artifacts / "dashboard-village-phone.png"), full_page=True)
