"""The county office sees the registered poor beside the year's run on the dashboard, opens the run's
comparison with the register, and starts the identification of a household the run found below the
line but nobody had registered (the run proposes; the procedure decides)."""

import pytest
from playwright.sync_api import expect

from fupin.accounts.roles import Role
from fupin.workflows.models import Case
from tests import factories
from tests.factories import COUNTY, JIANYUAN, make_household, make_user, person
from tests.targeting.support import identify, income

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county(settings, rules):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    missed = make_household(household_type="ordinary", poverty_attribute="", main_cause="",
                            head=person("head", name="漏评户主"))
    registered = make_household(head=person("head", name="在册户主"))
    for home, net in ((missed, 3500), (registered, 3000)):
        income(home, net)
        income(home, net, year=2022)
    identify(rules)
    make_user(Role.COUNTY_ADMIN, COUNTY, "county", full_name="黄建国")
    make_user(Role.VILLAGE_CADRE, JIANYUAN, "village", full_name="陈志强")
    return missed


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("[data-testid=login]")


def test_from_the_dashboard_to_the_procedure_for_a_missed_household(page, live_server, county, artifacts):
    login(page, live_server, "county")
    page.goto(f"{live_server.url}/insights/?area={COUNTY}&year=2023")
    expect(page.locator("[data-testid=fig-poor]")).to_have_text("1")
    expect(page.locator("[data-testid=fig-run-poor]")).to_have_text("2")
    page.click("[data-testid=fig-run-poor]")
    expect(page.locator("[data-testid=register-list]")).to_contain_text("漏评户主")
    expect(page.locator("[data-testid=register-list]")).to_contain_text("低于收入线")
    page.screenshot(path=str(artifacts / "register-and-run.png"), full_page=True)

    register = page.url
    # the village cadre starts it from the same list: the application is the first step
    page.context.clear_cookies()
    login(page, live_server, "village")
    page.goto(register)
    page.click(f"[data-testid=start-{county.pk}]")
    expect(page.locator("#id_kind")).to_have_value("identify")
    page.fill("#id_note", "识别运行发现人均纯收入低于收入线，本人申请")
    page.click("[data-testid=submit]")
    expect(page.get_by_text("已发起")).to_be_visible()
    case = Case.objects.get(household=county)
    assert case.kind == "identify" and case.step == "democratic_review"
