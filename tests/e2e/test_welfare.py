"""The civil-affairs user opens the list of people who meet the 低保 rule but are not covered; a county
user posts a charity need, registers an offer, matches them and records the fulfilment."""

import datetime as dt
from decimal import Decimal

import pytest

from fupin.accounts.roles import Department, Role
from fupin.core.actions import SYSTEM
from fupin.welfare.models import CharityMatch, CharityNeed
from tests import factories
from tests.e2e.menu import open_menu
from tests.factories import COUNTY, JIANYUAN, make_household, make_user, person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(settings, lichuan):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return {"dept": make_user(Role.DEPARTMENT, COUNTY, "minzheng", full_name="刘丽",
                              department=Department.CIVIL_AFFAIRS),
            "county": make_user(Role.COUNTY_ADMIN, COUNTY, "county", full_name="黄建国")}


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("[data-testid=login]")




def test_civil_affairs_opens_the_dibao_gap_list(page, live_server, people, artifacts):
    from fupin.registry import actions as registry_actions
    from fupin.welfare import actions

    actions.save_standard(actor=SYSTEM, region_code=COUNTY, year=2023, values={
        "dibao_line": Decimal(6000), "tekun_standard": Decimal(7800), "premium_subsidy": Decimal(380),
        "edu_preschool": Decimal(1000), "edu_compulsory": Decimal(1250), "edu_senior": Decimal(2000),
        "edu_vocational": Decimal(2000), "edu_higher": Decimal(3000), "disability_living_monthly": Decimal(80),
        "disability_care_monthly": Decimal(100), "notes": ""})
    poor = make_household(JIANYUAN, head=person("head", name="邓有福"),
                          members=[person("spouse", sex="2", name="吴桂英", birth=dt.date(1978, 3, 2))])
    registry_actions.set_income(actor=SYSTEM, household=poor, year=2023, values={"wage_income": Decimal(9000)})
    make_household(JIANYUAN, head=person("head", name="富裕户"))  # no income recorded: not judged

    login(page, live_server, "minzheng")
    open_menu(page, "帮扶与资金", "综合保障")
    page.wait_for_selector("[data-testid=overview]")
    assert page.locator("[data-testid=dibao-missing-link]").inner_text().startswith("2")
    page.click("[data-testid=dibao-missing-link]")
    page.wait_for_selector("[data-testid=dibao-uncovered]")
    table = page.locator("[data-testid=dibao-uncovered]").inner_text()
    assert "邓有福" in table and "吴桂英" in table and "富裕户" not in table
    assert poor.members.first().id_number not in page.content()
    page.screenshot(path=str(artifacts / "welfare-dibao-gap.png"), full_page=True)


def test_county_matches_a_charity_need_with_an_offer(page, live_server, people, artifacts):
    login(page, live_server, "county")
    open_menu(page, "帮扶与资金", "社会帮扶")
    page.click("[data-testid=need-new]")
    page.select_option("#id_division_code", JIANYUAN)
    page.select_option("#id_category", "education")
    page.fill("#id_title", "大学新生学费资助")
    page.fill("#id_description", "家中两名学生，学费缺口。")
    page.fill("#id_amount", "5000")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=need]")
    assert page.locator("[data-testid=need-status]").inner_text() == "待对接"

    page.goto(f"{live_server.url}/welfare/charity/offers/")
    page.click("[data-testid=offer-new]")
    page.fill("#id_donor", "黎川县慈善总会")
    page.select_option("#id_division_code", COUNTY)
    page.select_option("#id_category", "education")
    page.fill("#id_amount", "3000")
    page.fill("#id_contact", "13907941234")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=offers]")
    offers = page.locator("[data-testid=offers]").inner_text()
    assert "黎川县慈善总会" in offers and "13907941234" not in offers

    page.goto(f"{live_server.url}/welfare/charity/")
    page.click("[data-testid=need-link]")
    page.fill("#id_match-amount", "3500")  # more than the offer holds
    page.click("[data-testid=match]")
    assert "超过该资源尚余的 3000" in page.locator("[data-testid=match-form]").inner_text()
    page.fill("#id_match-amount", "3000")
    page.click("[data-testid=match]")
    page.wait_for_selector("[data-testid=fulfil]")
    assert page.locator("[data-testid=need-status]").inner_text() == "部分对接"
    page.click("[data-testid=fulfil]")
    page.wait_for_selector("[data-testid=match-status]:has-text('已兑现')")
    need = CharityNeed.objects.get()
    assert (need.status, need.matched_amount) == ("partly", Decimal(3000))
    assert CharityMatch.objects.get().status == "fulfilled"
    page.screenshot(path=str(artifacts / "welfare-charity.png"), full_page=True)
