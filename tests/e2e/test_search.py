"""A county cadre types a 户编号 into the search box of the top bar and lands on that household."""

import pytest
from playwright.sync_api import expect

from tests.e2e.session import login
from tests.factories import JIANYUAN, make_household, person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]



def test_a_household_code_in_the_header_search_opens_the_household(page, live_server, users):
    make_household(JIANYUAN)  # another household of the same village, not the one wanted
    home = make_household(JIANYUAN, head=person("head", name="欧阳明"))

    login(page, live_server, "county")
    search = page.locator("[data-testid=header-search] input[name=q]")
    expect(search).to_be_visible()
    search.fill(home.household_code)
    search.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/households/{home.pk}/")
    expect(page.get_by_test_id("household-code")).to_have_text(home.household_code)
    expect(page.locator("body")).to_contain_text("欧阳明")


def test_on_a_phone_the_search_is_in_the_menu(browser, live_server, users):
    home = make_household(JIANYUAN, head=person("head", name="欧阳明"))
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    page = context.new_page()
    try:
        login(page, live_server, "county")
        search = page.locator("[data-testid=header-search] input[name=q]")
        expect(search).to_be_hidden()  # folded into the menu
        page.click(".navbar-toggler")
        expect(search).to_be_visible()
        box = search.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
        search.fill("欧阳明")
        search.press("Enter")
        expect(page.locator("[data-testid=household-list]")).to_contain_text(home.household_code)
    finally:
        context.close()
