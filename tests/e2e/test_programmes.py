"""The agriculture office opens white tea, sees the households with their cooperative shares and
dividends, declares a cooperative's dividend and sees the payments add up to the total."""

import datetime as dt
from decimal import Decimal

import pytest

from fupin.accounts.roles import Role
from fupin.core.actions import SYSTEM
from fupin.programmes import actions
from fupin.programmes.models import Dividend
from tests import factories
from tests.e2e.menu import open_menu
from tests.factories import COUNTY, make_household, make_user, person
from tests.programmes import support

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tea(settings, lichuan):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_user(Role.DEPARTMENT, COUNTY, "agri", full_name="邓春生", department="agriculture")
    industry = support.industries()["白茶"]
    coop = support.cooperative(name="湖坊乡白茶专业合作社")
    homes = [make_household(head=person("head", name=name)) for name in ("邓家福", "邓家禄", "邓家寿")]
    for n, home in enumerate(homes):
        actions.add_participation(actor=SYSTEM, household=home, industry=industry, year=2023, scale=Decimal(3 + n),
                                  started_on=dt.date(2023, 3, 1))
        support.join(coop, home, str(n + 1))
    actions.declare_dividend(actor=SYSTEM, cooperative=coop, year=2023, total=Decimal("600.00"),
                             declared_on=dt.date(2024, 1, 10))
    return coop, homes


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("[data-testid=login]")


def test_white_tea_households_and_a_dividend_that_adds_up(page, live_server, tea, artifacts):
    coop, homes = tea
    login(page, live_server, "agri")
    open_menu(page, "帮扶与资金", "产业与就业")
    page.locator("[data-testid=programme-tabs]").get_by_role("link", name="产业").click()
    page.fill("#id_year", "2023")
    page.locator("[data-testid=filters] button").click()
    page.locator("[data-testid=industries]").get_by_role("link", name="白茶").click()
    rows = page.locator("[data-testid=household-row]")
    assert rows.count() == 3
    table = page.locator("[data-testid=industry-households]").inner_text()
    assert all(home.household_code in table for home in homes)
    assert "邓家寿" in table and coop.name in table
    assert "300.00" in table and "100.00" in table  # 3 of 6 shares and 1 of 6 shares of 600 yuan
    page.screenshot(path=str(artifacts / "programmes-white-tea.png"), full_page=True)

    page.get_by_role("link", name="湖坊乡白茶专业合作社").first.click()
    page.click("[data-testid=dividend-new]")
    page.fill("#id_year", "2024")
    page.fill("#id_total", "1000.00")
    page.fill("#id_declared_on", "2025-01-10")
    page.click("[data-testid=submit]")
    page.wait_for_url("**/programmes/dividends/*/")
    assert page.locator("[data-testid=dividend-total]").inner_text() == "1000.00"
    assert page.locator("[data-testid=dividend-paid]").inner_text().startswith("1000.00")
    amounts = [Decimal(t) for t in page.locator("[data-testid=payment]").all_inner_texts()]
    assert sorted(amounts) == [Decimal("166.67"), Decimal("333.33"), Decimal("500.00")]
    assert sum(amounts) == Decimal("1000.00")
    assert Dividend.objects.get(year=2024).payments.count() == 3
    page.screenshot(path=str(artifacts / "programmes-dividend.png"), full_page=True)
