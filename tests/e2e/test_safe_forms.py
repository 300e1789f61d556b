"""Safe forms in the browser: removing a member asks first (naming the person and the reason), a
cancelled question removes nobody, and the removal can be undone from the card; a risk clue becomes a
monitoring case after a first try with an error, keeping the monitoring type the user chose."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from fupin.core import clock
from fupin.registry.models import Member
from fupin.workflows import actions as workflows
from fupin.workflows.models import Case
from tests.e2e.session import login
from tests.factories import make_household, person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]



def test_remove_a_member_after_the_question_then_restore_them(page, live_server, users):
    home = make_household(head=person("head", name="黄建国"), members=[
        person("daughter", sex="2", name="黄小朵", birth=dt.date(2023, 6, 1), schooling="preschool_age")])
    child = home.members.get(name="黄小朵")
    questions = []

    def answer(accept):
        def handle(dialog):
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()
        return handle

    login(page, live_server, "village")
    page.goto(f"{live_server.url}{home.get_absolute_url()}")
    page.click(f"[data-testid=remove-member-{child.pk}]")
    expect(page.locator("select[name=reason_code]")).to_have_value("")  # nothing chosen for the user
    expect(page.locator("input[name=removed_on]")).to_have_value("")
    page.select_option("select[name=reason_code]", "moved_out")
    page.fill("input[name=removed_on]", clock.today().isoformat())

    page.once("dialog", answer(False))  # the cadre thinks again: nothing is sent
    page.click("[data-testid=submit]")
    expect(page.locator("select[name=reason_code]")).to_be_visible()
    assert questions == ["确认将 黄小朵 从该户减员（迁出）？"]
    assert Member.objects.get(pk=child.pk).is_active

    page.select_option("select[name=reason_code]", "death")
    page.once("dialog", answer(True))
    page.click("[data-testid=submit]")
    row = page.locator(f"tr[data-member='{child.pk}']")
    expect(row).to_contain_text("已减员·死亡")
    assert questions[-1] == "确认将 黄小朵 从该户减员（死亡）？"
    assert not Member.objects.get(pk=child.pk).is_active

    page.click(f"[data-testid=restore-member-{child.pk}]")
    page.once("dialog", answer(True))
    page.click("[data-testid=submit]")  # no reason: the page says so and restores nobody
    expect(page.locator(".field-error")).to_have_text("请填写恢复原因。")
    assert not Member.objects.get(pk=child.pk).is_active
    page.fill("textarea[name=reason]", "误点减员，本人健在")
    page.once("dialog", answer(True))
    page.click("[data-testid=submit]")
    expect(page.locator(f"[data-testid=remove-member-{child.pk}]")).to_be_visible()
    expect(row).not_to_contain_text("已减员")
    assert questions[-1] == "确认恢复 黄小朵 为本户成员？"
    assert Member.objects.get(pk=child.pk).is_active


def test_a_clue_becomes_a_case_keeping_the_chosen_type_after_an_error(page, live_server, users, rules):
    home = make_household(household_type="ordinary", poverty_attribute="", main_cause="",
                          head=person("head", name="邹平安"))
    clue = workflows.create_clue(actor=users["village"], household=home, source="self_report", risk="因意外事故",
                                 detail="户主车祸受伤")
    login(page, live_server, "village")
    page.goto(f"{live_server.url}/workflows/clues/{clue.pk}/")
    kind = page.locator("select[name=monitoring_type]")
    expect(kind).to_have_value("hardship")  # what the clue implies
    kind.select_option("marginal")
    page.click("[data-testid=convert]")  # no note
    expect(page.locator("[data-field=note] .field-error")).to_have_text("请填写核实情况。")
    expect(kind).to_have_value("marginal")
    assert not Case.objects.exists()

    page.fill("textarea[name=note]", "入户核实，医疗自付费用高")
    page.click("[data-testid=convert]")
    expect(page).to_have_url(re.compile(r"/workflows/cases/\d+/$"))
    expect(page.locator("body")).to_contain_text("边缘易致贫户")
    assert Case.objects.get().data["monitoring_type"] == "marginal"
