"""Pages show only the actions the user may use: the auditor (read-only) sees no action buttons on the
household card, the clue pages, the village page or the funds pages; those who may act still see them."""

import pytest
from django.urls import reverse

from fupin.core.actions import SYSTEM
from fupin.workflows import actions
from tests.conftest import login
from tests.factories import JIANYUAN, make_household, person

pytestmark = pytest.mark.django_db

ACTIONS = ("发起程序", "登记风险线索", "修改户信息", "减员", "户变动", "修改村册", "登记队员", "纳入", "排除",
           "申报项目", "登记资金来源", "登记走访")


@pytest.fixture
def world(users):
    household = make_household(JIANYUAN, household_type="poor", members=[person("spouse", sex="2")])
    clue = actions.create_clue(actor=SYSTEM, household=household, source="cadre_visit", risk="因病")
    return {"household": household, "clue": clue, "pages": [
        household.get_absolute_url(), reverse("workflows:clue_detail", args=[clue.pk]),
        reverse("workflows:clue_list"), reverse("registry:village_detail", args=[JIANYUAN]),
        reverse("funds:index"), reverse("funds:projects")]}


def shown(client, user, pages) -> str:
    login(client, user)
    html = ""
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        html += response.content.decode()
    client.logout()
    return html


def buttons(html: str) -> set[str]:
    return {a for a in ACTIONS if f">{a}<" in html}


def test_the_auditor_sees_no_action_buttons(client, users, world):
    assert buttons(shown(client, users["auditor"], world["pages"])) == set()
    county = buttons(shown(client, users["county"], world["pages"]))
    assert {"登记风险线索", "修改户信息", "减员", "户变动", "修改村册", "申报项目", "登记资金来源"} <= county
    village = buttons(shown(client, users["village"], world["pages"]))
    assert {"发起程序", "登记风险线索", "纳入", "排除", "减员"} <= village


def test_the_action_forms_refuse_on_opening_not_only_on_submit(client, users, world):
    """The auditor who types the form's address is refused at once (403), not after filling it in;
    the village cadre gets the forms."""
    household = world["household"]
    forms = [reverse("workflows:case_new") + f"?household={household.pk}",
             reverse("workflows:clue_new") + f"?household={household.pk}"]
    login(client, users["auditor"])
    for url in forms:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "您不能为该户" in response.content.decode()
    client.logout()
    login(client, users["village"])
    for url in forms:
        assert client.get(url).status_code == 200, url
