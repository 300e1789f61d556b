"""The prefecture demo walked in the browser: the prefecture's office (city) sees 抚州市's figures
county by county, drills down to a county and its targets, and finds no button to act with; the
county's own administrator sees their county only, whatever area they ask for."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from fupin.demo.accounts import DEMO_PASSWORD
from fupin.registry.models import Household
from tests.e2e.session import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def prefecture(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", "--area", "361022,361028", "--households", "1200", "--seed", "7", "--no-serve")


def test_the_prefecture_office_and_a_county_walk_their_figures(browser, live_server, prefecture, artifacts):
    zixi = Household.objects.filter(county_code="361028").count()
    both = Household.objects.count()

    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    login(page, live_server, "city", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/insights/")
    expect(page.locator("[data-testid=area-name]")).to_have_text("抚州市")
    expect(page.locator("[data-testid=fig-households]")).to_have_text(f"{both:,}")
    expect(page.locator("[data-testid=child-table]")).to_contain_text("资溪县")
    page.screenshot(path=str(artifacts / "prefecture-dashboard.png"), full_page=False)
    page.click("[data-testid=drill-361028]")
    expect(page.locator("[data-testid=area-name]")).to_have_text("资溪县")
    expect(page.locator("[data-testid=fig-households]")).to_have_text(f"{zixi:,}")
    expect(page.locator("[data-testid=crumbs]")).to_contain_text("抚州市")  # and back up to the prefecture
    page.goto(f"{live_server.url}/insights/targets/")
    expect(page.locator("[data-testid=children-met-houses]")).to_contain_text("/2 个县（市、区）达标")
    household = Household.objects.filter(county_code="361028").order_by("pk").first()
    page.goto(f"{live_server.url}/households/{household.pk}/")
    expect(page.locator("[data-testid=household-code]")).to_have_text(household.household_code)
    expect(page.locator("[data-testid=edit-household]")).to_have_count(0)  # reads, never edits
    page.context.close()

    county = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    login(county, live_server, "zixi", DEMO_PASSWORD)
    county.goto(f"{live_server.url}/insights/?area=3610")
    expect(county.locator("[data-testid=area-name]")).to_have_text("资溪县")
    expect(county.locator("[data-testid=fig-households]")).to_have_text(f"{zixi:,}")
    county.screenshot(path=str(artifacts / "prefecture-county-phone.png"), full_page=False)
    county.goto(f"{live_server.url}/households/{household.pk}/")
    expect(county.locator("[data-testid=edit-household]")).to_be_visible()  # their own county: they may
    county.context.close()
