"""A helper opens their worklist, records a visit with a photo taken on the spot and gives the household
an income project on its plan; the county's 八个一 page then shows one household fewer missing it."""

import pytest

from fupin.accounts.roles import Role
from fupin.assistance.models import Measure, Visit
from fupin.core.actions import SYSTEM
from fupin.registry import actions as registry_actions
from tests import factories
from tests.assistance.support import png
from tests.factories import JIANYUAN, make_household, make_user, person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(settings, lichuan, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    helper = make_user(Role.HELPER, JIANYUAN, "wuwenhua", full_name="吴文华")
    county = make_user(Role.COUNTY_ADMIN, "361022", "county", full_name="黄建国")
    household = make_household(JIANYUAN, household_type="poor", head=person("head", name="涂长根"))
    registry_actions.assign_helper(actor=SYSTEM, household=household, helper=helper)
    make_household(JIANYUAN, household_type="monitored", head=person("head", name="揭春生"))
    return {"helper": helper, "county": county, "household": household}


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("[data-testid=login]")


def missing_income(browser, live_server) -> str:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    login(page, live_server, "county")
    page.goto(f"{live_server.url}/assistance/coverage/")
    text = page.locator("[data-testid=no-income-total]").inner_text()
    context.close()
    return text


def test_helper_visits_and_adds_an_income_project(browser, page, live_server, people, tmp_path, artifacts):
    household = people["household"]
    assert missing_income(browser, live_server) == "2"

    page.set_viewport_size({"width": 390, "height": 844})  # the helper works on a phone
    login(page, live_server, "wuwenhua")
    page.goto(f"{live_server.url}/assistance/worklist/")
    row = page.locator(f"[data-household='{household.pk}']")
    assert "涂长根" in row.inner_text() and "未走访" in row.inner_text()
    assert page.locator("[data-household]").count() == 1  # only their own household

    photo = tmp_path / "屋顶.png"
    photo.write_bytes(png(8, 8))
    page.click(f"[data-testid=visit-{household.pk}]")
    assert page.locator("#id_photos").get_attribute("capture") == "environment"
    page.fill("#id_notes", "查看住房，了解白茶种植意愿")
    page.fill("#id_findings", "缺少启动资金")
    page.set_input_files("#id_photos", str(photo))
    page.screenshot(path=str(artifacts / "assistance-visit-phone.png"), full_page=True)
    page.click("[data-testid=submit]")
    page.wait_for_url("**/assistance/worklist/")
    assert "未走访" not in page.locator(f"[data-testid=last-visit-{household.pk}]").inner_text()
    visit = Visit.objects.get()
    assert visit.photos.count() == 1 and visit.visitor == people["helper"]

    page.click(f"[data-testid=plan-{household.pk}]")
    page.click("[data-testid=submit]")  # the household's plan, with its proposed title
    page.wait_for_url("**/assistance/plans/*/")
    page.click("[data-testid=income-add]")
    assert page.locator("#id_income_project").is_checked()
    page.select_option("#id_category", "health")
    page.fill("#id_description", "种植白茶 3 亩")
    page.fill("#id_expected_income", "4500")
    page.click("[data-testid=submit]")
    assert "开发式帮扶" in page.locator("[data-field=income_project]").inner_text()  # refused, input kept
    assert page.locator("#id_description").input_value() == "种植白茶 3 亩"
    page.select_option("#id_category", "industry")
    page.fill("#id_cost", "1500.00")
    page.click("[data-testid=submit]")
    page.wait_for_url("**/assistance/plans/*/")
    assert "种植白茶 3 亩" in page.locator("[data-testid=measures]").inner_text()
    assert page.locator("[data-testid=income-badge]").count() == 1
    assert Measure.objects.get().income_project

    page.click("[data-testid=plan-household] a")
    page.locator("[data-testid=thumb]").first.wait_for()
    assert "种植白茶 3 亩" in page.locator("[data-testid=assistance]").inner_text()
    page.screenshot(path=str(artifacts / "assistance-household-card.png"), full_page=True)

    assert missing_income(browser, live_server) == "1"
