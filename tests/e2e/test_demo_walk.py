"""A procedure finished end to end in the demo, in the browser: on the demo's date, a risk
elimination (风险消除) whose village notice has run out is closed by the village, checked by the
township, approved and marked by the county; the household is no longer monitored and the year's
flows count it at once."""

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from fupin.accounts.roles import Role
from fupin.core import clock
from fupin.demo.accounts import DEMO_PASSWORD
from fupin.demo.management.commands.demo import TODAY
from fupin.workflows.models import Case, Notice
from tests.e2e.session import login
from tests.e2e.test_identification_procedure import log_in
from tests.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", "--households", "1500", "--seed", "7", "--no-serve")


def test_a_seeded_risk_elimination_is_finished_in_the_browser(browser, live_server, demo, artifacts):
    from fupin.accounts.models import User
    from fupin.insights.indicators import flows

    assert clock.today() == TODAY
    notice = Notice.objects.filter(procedure="risk_clear", step="village_notice", status="posted",
                                   ends_on__lte=TODAY).first()
    assert notice is not None, "the demo stages a risk elimination whose notice has run out"
    case = notice.cases.get()
    household = case.household
    assert household.household_type == "monitored"
    make_user(Role.VILLAGE_CADRE, case.division_code, "walk_village")
    make_user(Role.TOWNSHIP_CADRE, case.division_code[:9], "walk_township")
    county_user = User.objects.get(username="county")
    before = flows(county_user, case.county_code, TODAY.year).totals

    village = log_in(browser, live_server, "walk_village")
    village.goto(f"{live_server.url}/workflows/notices/{notice.pk}/")
    assert f"演示日期 {TODAY.isoformat()}" in village.content()
    village.click("[data-testid=close-notice]")
    village.goto(f"{live_server.url}/workflows/cases/{case.pk}/")
    assert "乡镇核查" in village.locator("[data-testid=current-step]").inner_text()
    village.context.close()

    township = log_in(browser, live_server, "walk_township")
    township.goto(f"{live_server.url}/workflows/cases/{case.pk}/")
    township.fill("#id_note", "乡镇核查：收入稳定，风险已消除")
    township.click("[data-testid=pass]")
    township.wait_for_url(f"**/workflows/cases/{case.pk}/")
    assert "县审批" in township.locator("[data-testid=current-step]").inner_text()
    township.context.close()

    county = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    login(county, live_server, "county", DEMO_PASSWORD)  # the demo's own account
    county.goto(f"{live_server.url}/workflows/cases/{case.pk}/")
    county.fill("#id_note", "县审批同意消除风险")
    county.fill("#id_decision_no", "黎扶字〔2023〕88号")
    county.click("[data-testid=pass]")
    county.wait_for_url(f"**/workflows/cases/{case.pk}/")
    assert "系统标注风险消除" in county.locator("[data-testid=current-step]").inner_text()
    county.click("[data-testid=pass]")  # the way the risk was eliminated is asked for, and kept as typed
    expect(county.get_by_text("请选择风险消除方式（帮扶消除或自然消除）。")).to_be_visible()
    county.select_option("#id_method", "assisted")
    county.fill("#id_note", "标注风险消除")
    county.click("[data-testid=pass]")
    expect(county.get_by_text("帮扶消除须写明所采取的帮扶措施。")).to_be_visible()
    expect(county.locator("#id_note")).to_have_value("标注风险消除")
    county.fill("#id_assistance", "产业奖补、公益性岗位")
    county.click("[data-testid=pass]")
    county.wait_for_url(f"**/workflows/cases/{case.pk}/")
    assert county.locator("[data-testid=case-status]").inner_text() == "已办结"
    timeline = county.locator("[data-testid=timeline]").inner_text()
    assert "黎扶字〔2023〕88号" in timeline
    assert "· 系统" in timeline and "system" not in timeline  # the demo's own steps, in words
    county.screenshot(path=str(artifacts / "demo-risk-elimination.png"), full_page=True)

    case = Case.objects.get(pk=case.pk)
    household.refresh_from_db()
    assert case.status == "done" and household.household_type != "monitored"
    assert {timezone.localtime(s.acted_at).date() for s in case.steps.order_by("-pk")[:4]} == {TODAY}
    after = flows(county_user, case.county_code, TODAY.year).totals
    assert after["risk_cleared"] == before["risk_cleared"] + 1  # the year's flows count it at once
    county.context.close()
