"""A helper's worklist holds every household assigned to them; those it cannot show are named, with why."""

import pytest
from django.urls import reverse

from fupin.assistance import selectors
from fupin.core.actions import SYSTEM
from fupin.registry import actions as registry_actions
from tests.assistance.support import YEAR
from tests.conftest import login
from tests.factories import HUFANG_VILLAGE, JIANYUAN, make_household

pytestmark = pytest.mark.django_db


def assign(household, helper):
    return registry_actions.assign_helper(actor=SYSTEM, household=household, helper=helper)


def test_the_helper_lands_on_a_complete_worklist(client, users):
    helper = users["helper"]
    poor = assign(make_household(JIANYUAN, household_type="poor"), helper)
    ended = assign(make_household(JIANYUAN, household_type="exited", enjoys_policy=False), helper)
    closed = assign(make_household(JIANYUAN, household_type="poor"), helper)
    registry_actions.close_household(actor=SYSTEM, household=closed, reason_code="moved_away")
    moved = assign(make_household(JIANYUAN, household_type="monitored"), helper)
    registry_actions.move_household(actor=SYSTEM, household=moved, division_code=HUFANG_VILLAGE)

    rows = selectors.mark_overdue(list(selectors.worklist(helper, year=YEAR)))
    assert {r.pk for r in rows} == {poor.pk, ended.pk}
    assert {r.pk: r.overdue for r in rows} == {poor.pk: True, ended.pk: False}  # only the helped are due
    assert [r.pk for r in selectors.worklist(helper, year=YEAR, overdue_only=True)] == [poor.pk]

    login(client, helper)
    landing = client.get("/", follow=True)
    assert landing.redirect_chain[-1][0] == reverse("assistance:worklist")
    html = landing.content.decode()
    assert f'data-household="{poor.pk}"' in html and f'data-household="{ended.pk}"' in html
    assert "已不享受政策" in html
    assert 'data-testid="worklist-left-out"' in html
    assert closed.household_code in html and "已销户（整户迁出）" in html
    assert moved.household_code in html and "不在您的帮扶范围内" in html

    # cadres: the helped households of their area, no note
    assert selectors.worklist_left_out(users["village"]) == []
    assert {r.pk for r in selectors.worklist(users["village"], year=YEAR)} == {poor.pk}
