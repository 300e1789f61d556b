"""Guarantee gaps of the year's run in the 八个一: a gap of any household (above the line too) needs a
measure of its kind; the housing and relocation lists have the plan's population beside everyone."""

import pytest

from fupin.assistance import selectors
from fupin.assistance.models import Category
from tests.assistance import support
from tests.conftest import login
from tests.factories import JIANYUAN, make_household, person
from tests.targeting.support import identify, income

pytestmark = pytest.mark.django_db
YEAR = 2023


def measure(user, household, category):
    plan = support.household_plan(household, actor=user)
    return support.measure(plan, actor=user, category=category)


def test_gaps_of_households_above_the_line_need_a_matching_measure(users, rules):
    house = make_household(household_type="ordinary", poverty_attribute="", main_cause="", house_grade="D")
    uninsured = make_household(head=person("head", medical_insurance=False, critical_illness_insurance=False))
    fine = make_household()
    for home in (house, uninsured, fine):
        income(home, 30000)
    identify(rules)
    user = users["county"]
    run, qs = selectors.guarantee_gaps(user, "361022", YEAR)
    assert run is not None and set(qs.values_list("household_id", flat=True)) == {house.pk, uninsured.pk}
    assert set(qs.filter(uncovered=True).values_list("household_id", flat=True)) == {house.pk, uninsured.pk}
    measure(users["village"], uninsured, Category.EMPLOYMENT)  # not the gap's kind
    measure(users["village"], house, Category.RELOCATION)  # moving closes a housing gap
    _run, qs = selectors.guarantee_gaps(user, "361022", YEAR)
    assert set(qs.filter(uncovered=True).values_list("household_id", flat=True)) == {uninsured.pk}
    counts = selectors.gap_counts(user, "361022", YEAR)
    by_key = {g["key"]: g for g in counts["gaps"]}
    assert counts["total"] == 2 and counts["uncovered"] == 1
    assert (by_key["housing_ok"]["households"], by_key["housing_ok"]["uncovered"]) == (1, 0)
    assert (by_key["medical_ok"]["households"], by_key["medical_ok"]["uncovered"]) == (1, 1)


def test_the_gaps_page(client, users, rules):
    home = make_household(house_grade="C")
    income(home, 9000)
    identify(rules)
    login(client, users["village"])
    page = client.get(f"/assistance/gaps/?area={JIANYUAN}&year={YEAR}").content.decode()
    assert 'data-testid="gap-households"' in page and home.household_code in page and "安排措施" in page
    assert client.get(f"/assistance/gaps/?area=361022200&year={YEAR}").status_code == 404  # not their area
    assert "本年度尚无正式识别运行" in client.get(f"/assistance/gaps/?area={JIANYUAN}&year=2020").content.decode()


def test_housing_and_relocation_lists_show_the_plans_population_beside_everyone(client, users):
    poor = make_household(house_grade="C", relocation_willing=True)
    ordinary = make_household(household_type="ordinary", poverty_attribute="", main_cause="", house_grade="D",
                              relocation_willing=True)
    login(client, users["county"])
    everyone = client.get("/welfare/housing/").content.decode()
    plan = client.get("/welfare/housing/?plan=1").content.decode()
    assert poor.household_code in everyone and ordinary.household_code in everyone
    assert poor.household_code in plan and ordinary.household_code not in plan and "规划目标口径" in plan
    moving = client.get("/welfare/relocation/?plan=1").content.decode()
    assert poor.household_code in moving and ordinary.household_code not in moving
