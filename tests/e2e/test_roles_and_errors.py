"""Roles in the browser: the auditor reads a household card, a risk clue and a case without any button
that would change them, while the village cadre on the same card can start a procedure and edit it; and a
missing household is a Chinese 404 inside the app's layout, with a way back."""

import pytest
from playwright.sync_api import expect

from fupin.workflows import actions as workflows
from tests.e2e.session import login
from tests.factories import make_household, person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ACTIONS = ["发起程序", "登记风险线索", "修改户信息", "减员", "户变动"]



def no_actions(page):
    """No link or button of the page offers one of the actions."""
    for label in ACTIONS:
        expect(page.locator(".page-wrapper a, .page-wrapper button")
               .filter(has_text=label)).to_have_count(0)


def test_the_auditor_sees_no_action_where_the_village_cadre_has_them(page, live_server, users):
    home = make_household(household_type="ordinary", poverty_attribute="", main_cause="",
                          head=person("head", name="邹平安"), members=[person("wife", sex="2", name="李秀英")])
    clue = workflows.create_clue(actor=users["village"], household=home, source="self_report", risk="因意外事故",
                                 detail="户主车祸受伤")
    case = workflows.start_case(actor=users["village"], household=home, kind="identify", note="申请")

    login(page, live_server, "village")
    page.goto(f"{live_server.url}{home.get_absolute_url()}")
    expect(page.get_by_test_id("household-code")).to_have_text(home.household_code)
    expect(page.get_by_test_id("edit-household")).to_have_text("修改户信息")
    expect(page.get_by_role("link", name="发起程序")).to_be_visible()

    page.context.clear_cookies()
    login(page, live_server, "auditor")
    page.goto(f"{live_server.url}{home.get_absolute_url()}")
    expect(page.get_by_test_id("household-code")).to_have_text(home.household_code)
    expect(page.locator("body")).to_contain_text("李秀英")  # the card itself is there
    expect(page.get_by_test_id("edit-household")).to_have_count(0)
    no_actions(page)

    for url in (f"/workflows/clues/{clue.pk}/", case.get_absolute_url()):
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
        expect(page.locator("body")).to_contain_text("邹平安")
        no_actions(page)
        expect(page.locator(".page-wrapper form[method=post]")).to_have_count(0)  # nothing to send


def test_a_missing_household_is_a_chinese_404_with_the_header_and_a_way_back(page, live_server, users):
    login(page, live_server, "county")
    response = page.goto(f"{live_server.url}/households/99999999/")
    assert response.status == 404
    expect(page.get_by_test_id("error-404")).to_contain_text("不存在")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("header .navbar, .navbar").first).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_count(1)
    home = page.get_by_role("link", name="回到首页")
    expect(home).to_be_visible()
    expect(page.get_by_role("link", name="返回上一页")).to_be_visible()
    home.click()
    expect(page.get_by_test_id("error-404")).to_have_count(0)
    expect(page).not_to_have_url(f"{live_server.url}/households/99999999/")
