"""A county administrator copies the year's rules, changes the income line, runs a dry run and
sees which households the change adds and removes."""

from decimal import Decimal

import pytest

from fupin.accounts.roles import Role
from fupin.targeting.models import RuleSet
from tests import factories
from tests.e2e.menu import open_menu
from tests.factories import JIANYUAN, make_household, make_user, person
from tests.targeting.support import identify, income

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county(settings, rules):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    make_user(Role.COUNTY_ADMIN, "361022", "county", full_name="黄建国")
    homes = []
    for net in (3000, 4200, 4400, 9000):
        home = make_household(JIANYUAN, members=[person("spouse", sex="2")])
        income(home, 2 * net)
        homes.append(home)
    identify(rules)
    return homes


def test_dry_run_of_a_changed_copy_shows_the_households_it_adds(page, live_server, county, rules, artifacts):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "county")
    page.fill("#id_password", factories.PASSWORD)
    page.click("[data-testid=login]")
    open_menu(page, "识别与程序", "精准识别")
    page.locator("[data-testid=rule-sets]").get_by_role("link", name=f"{rules.name} v1").click()
    assert "用于正式识别，不再修改" in page.content()
    page.click("[data-testid=copy-rules]")
    page.wait_for_url("**/edit/")
    page.fill("#id_income_line", "4500")
    page.click("[data-testid=submit]")
    page.wait_for_url("**/rules/*/")
    draft = RuleSet.objects.get(region_code="361022", year=2023, version=2)
    assert draft.income_line == Decimal(4500)
    page.click("[data-testid=dry-run]")
    page.wait_for_url("**/runs/*/")
    diff = page.locator("[data-testid=diff]")
    diff.wait_for()
    assert "这次识别新增贫困户 2 户，减少 0 户" in diff.inner_text()
    page.screenshot(path=str(artifacts / "dry-run.png"), full_page=True)
    page.click("[data-testid=diff-details]")
    added = page.locator("[data-testid=change-added]").inner_text()
    assert county[1].household_code in added and county[2].household_code in added
    assert county[0].household_code not in added
    assert "人均纯收入 4,200 元 低于收入线 4,500 元" in added
    page.screenshot(path=str(artifacts / "dry-run-diff.png"), full_page=True)
