"""The main journey: a county cadre walks county -> township -> village -> household, corrects a
member and sees the change in the household's history; a township cadre sees only their township."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from fupin.accounts.roles import Role
from fupin.registry.models import Member
from tests import factories
from tests.factories import JIANYUAN, TANXI_VILLAGE, make_household, make_user, person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    factories.load_lichuan()
    users = {
        "county": make_user(Role.COUNTY_ADMIN, "361022", "county", full_name="黄建国"),
        "township": make_user(Role.TOWNSHIP_CADRE, "361022201", "township", full_name="李秀英"),
    }
    home = make_household(JIANYUAN, group_name="第3村民小组", members=[
        person("spouse", sex="2", name="李秀英"),
        person("son", name="黄小军", birth=dt.date(2012, 9, 1), schooling="grade_7_9", labour_skill="none"),
    ])
    other = make_household(TANXI_VILLAGE, head=person("head", name="吴水生"))
    return {"users": users, "home": home, "other": other}


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("[data-testid=login]")


def test_county_cadre_corrects_a_member_and_sees_it_in_the_history(page, live_server, county, artifacts):
    time.sleep(1.1)
    before_edit = timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S")
    time.sleep(1.1)
    log_in(page, live_server, "county")
    page.wait_for_url("**/areas/361022/")
    assert page.locator("h2.page-title").inner_text().startswith("黎川县")
    page.get_by_role("link", name="湖坊乡", exact=True).click()
    page.wait_for_url("**/areas/361022201/")
    page.get_by_role("link", name="枧源村委会").first.click()
    page.wait_for_url(f"**/areas/{JIANYUAN}/")
    page.get_by_role("link", name="农户名单").click()
    page.locator("[data-testid=household-list] a").first.click()
    page.wait_for_url("**/households/*/")
    assert county["home"].household_code in page.locator("[data-testid=household-code]").inner_text()
    page.screenshot(path=str(artifacts / "household-card.png"), full_page=True)

    son = Member.objects.get(name="黄小军")
    page.click(f"[data-testid=edit-member-{son.pk}]")
    page.fill("#id_name", "黄晓军")
    page.select_option("#id_schooling", "senior")
    page.fill("#id_reason", "姓名按户口本更正")
    page.click("[data-testid=submit]")
    page.wait_for_url("**/households/*/")
    history = page.locator("[data-testid=history]")
    assert "姓名按户口本更正" in history.inner_text()
    assert "黄小军" in history.locator("del").all_inner_texts()
    assert "黄晓军" in history.locator("ins").all_inner_texts()
    assert "黄晓军" in page.locator("[data-testid=members]").inner_text()

    # The card as it was before the edit still shows the old name.
    page.fill("input[name=as_of]", before_edit)
    page.get_by_role("button", name="查看当时档案").click()
    page.screenshot(path=str(artifacts / "household-history.png"), full_page=True)
    past = page.locator("[data-testid=as-of]").inner_text()
    assert "黄小军" in past and "黄晓军" not in past

    # English switch
    page.get_by_role("button", name="English").click()
    assert page.locator("nav, header").first.get_by_text("Households").count() > 0


def test_township_cadre_sees_only_their_township(page, live_server, county, artifacts):
    log_in(page, live_server, "township")
    page.wait_for_url("**/areas/361022201/")
    children = page.locator("[data-testid=children]").inner_text()
    assert "枧源村委会" in children and "河溪村委会" not in children
    page.goto(f"{live_server.url}/households/")
    listing = page.locator("[data-testid=household-list]").inner_text()
    assert county["home"].household_code in listing and county["other"].household_code not in listing
    response = page.goto(f"{live_server.url}/households/{county['other'].pk}/")
    assert response.status == 404
    response = page.goto(f"{live_server.url}/areas/361022200/")
    assert response.status == 404


def test_the_household_card_fits_a_phone(page, live_server, county, artifacts):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "county")
    page.goto(f"{live_server.url}/households/{county['home'].pk}/")
    page.screenshot(path=str(artifacts / "household-card-phone.png"), full_page=False)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
