"""Helpers for identification tests: run a year, read a result, set an income."""

from decimal import Decimal

from fupin.core.actions import SYSTEM
from fupin.registry import actions as registry
from fupin.targeting import actions
from fupin.targeting.models import IdentificationResult

COUNTY = "361022"
YEAR = 2023


def identify(rule_set=None, *, dry_run=False, area=COUNTY, year=YEAR):
    run = actions.start_run(actor=SYSTEM, area_code=area, year=year, rule_set=rule_set, dry_run=dry_run, enqueue=False)
    return actions.execute_run(run)


def result(run, household) -> IdentificationResult:
    return IdentificationResult.objects.get(run=run, household=household)


def income(household, net, year=YEAR, **extra):
    """Give a household a net income of ``net`` (all as wages) for the year."""
    values = {"wage_income": Decimal(str(net)) if net >= 0 else Decimal(0),
              "production_costs": Decimal(str(-net)) if net < 0 else Decimal(0), **extra}
    return registry.set_income(actor=SYSTEM, household=household, year=year, values=values)
