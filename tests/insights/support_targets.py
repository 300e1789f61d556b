"""Small factories for the target and report tests (through the apps' actions)."""

import datetime as dt
import itertools
from decimal import Decimal

from fupin.core.actions import SYSTEM
from fupin.programmes import actions as programmes
from fupin.registry import actions as registry
from fupin.targeting import actions as targeting
from fupin.targeting.defaults import ensure_national
from fupin.targeting.models import RuleSet
from tests.factories import COUNTY, JIANYUAN, make_household, person

YEAR = 2023
_n = itertools.count(1)


def rule_sets(*, income_now=Decimal(5000), income_before=Decimal(4000)):
    """Published 2022 and 2023 rule sets for Lichuan: line 4,000; the county's rural income
    ``income_before`` (2022) and ``income_now`` (2023), so the county's growth is 25% by default."""
    ensure_national(RuleSet)
    national = RuleSet.objects.get(region_code="", year=2021)
    found = {}
    for year, income in ((YEAR - 1, income_before), (YEAR, income_now)):
        rule_set = targeting.copy_rule_set(actor=SYSTEM, source=national, region_code=COUNTY, year=year)
        targeting.update_rule_set(actor=SYSTEM, rule_set=rule_set, changes={
            "income_line": Decimal(4000), "monitoring_threshold": Decimal(4500), "food_min_income": Decimal(0),
            "province_rural_income": Decimal(20000), "county_rural_income": income,
            "province_poverty_rate": Decimal(5)})
        found[year] = targeting.publish_rule_set(actor=SYSTEM, rule_set=rule_set)
    return found


def identify(year=YEAR):
    run = targeting.start_run(actor=SYSTEM, area_code=COUNTY, year=year, enqueue=False)
    return targeting.execute_run(run)


def income(household, net, year=YEAR):
    return registry.set_income(actor=SYSTEM, household=household, year=year,
                               values={"wage_income": Decimal(str(net))})


def single(village=JIANYUAN, *, net=None, before=None, skill="ordinary", **fields):
    """A one-person poor household (a 40-year-old head), with this year's and last year's net income."""
    household = make_household(village, head=person("head", birth=dt.date(1983, 3, 1), labour_skill=skill,
                                                    name=fields.pop("name", f"户主{next(_n)}")), **fields)
    if net is not None:
        income(household, net)
    if before is not None:
        income(household, before, YEAR - 1)
    return household


def head(household):
    return household.members.get(relation="head")


def course(division, *, end=dt.date(YEAR, 5, 20)):
    return programmes.create_course(actor=SYSTEM, division_code=division, name=f"技能培训班{next(_n)}",
                                    programme="practical", organiser="human_resources", place="乡农技站",
                                    start_on=end - dt.timedelta(days=10), end_on=end, hours=40, capacity=30)


def trained(course_, member, *, employed=False):
    trainee = programmes.enroll(actor=SYSTEM, course=course_, member=member, enrolled_on=course_.start_on)
    trainee = programmes.complete_training(actor=SYSTEM, trainee=trainee, completed_on=course_.end_on)
    if employed:
        programmes.record_employment(actor=SYSTEM, member=member, employer="黎川县白茶厂", place="黎川县",
                                     started_on=course_.end_on + dt.timedelta(days=5), monthly_wage=Decimal(3000),
                                     trainee=trainee)
    return trainee
