"""The insights demo on a small generated county: the plan's 2023 targets, the township split."""

from decimal import Decimal

import pytest

from fupin.demo import accounts, generator
from fupin.insights import demo, targets
from fupin.insights.models import Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(lichuan):
    users = accounts.ensure_accounts()
    generator.generate(generator.DemoConfig(households=600, seed=5), helper_user_id=users["helper"].pk)
    line = demo.generate(county_code="361022", seed=5, users=users)
    return users, line


def test_demo_sets_the_plans_targets_for_2023(county):
    users, line = county
    rows = Target.objects.filter(region_code="361022", year=2023)
    assert rows.count() == len(demo.PLAN_TARGETS) and "2023 年统计监测" in line
    assert rows.get(key="trained").threshold == Decimal(1000)
    assert rows.get(key="income_growth").threshold is None  # from the rule sets
    split = Target.objects.filter(key="trained").exclude(region_code="361022")
    assert sum(t.threshold for t in split) == Decimal(1000) and all(len(t.region_code) == 9 for t in split)
    found = targets.assess_all(users["county"], "361022", 2023)
    assert {a.origin for a in found if a.key != "income_growth"} == {"黎川县 2023 年起的设定"}


def test_demo_is_repeatable(county):
    users, _line = county
    before = list(Target.objects.order_by("pk").values_list("region_code", "key", "threshold"))
    demo.generate(county_code="361022", seed=5, users=users)
    assert list(Target.objects.order_by("pk").values_list("region_code", "key", "threshold")) == before


def test_split_adds_up_exactly():
    assert demo.split(1000, {"a": 1, "b": 1, "c": 1}) == {"a": 334, "b": 333, "c": 333}
    assert sum(demo.split(1000, {"a": 7, "b": 13, "c": 0}).values()) == 1000
    assert demo.split(10, {"a": 0}) == {"a": 0}
