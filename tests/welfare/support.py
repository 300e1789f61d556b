"""Small builders for the welfare tests: a standard, households with given people and incomes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fupin.core.actions import SYSTEM
from fupin.registry import actions as registry_actions
from fupin.welfare import actions
from tests.factories import COUNTY, JIANYUAN, make_household, person

REF = dt.date(2023, 12, 31)  # ages in the 2023 lists are counted on this day (a past year)

STANDARD = {
    "dibao_line": Decimal("6000"), "tekun_standard": Decimal("7800"), "premium_subsidy": Decimal("380"),
    "edu_preschool": Decimal("1000"), "edu_compulsory": Decimal("1250"), "edu_senior": Decimal("2000"),
    "edu_vocational": Decimal("2000"), "edu_higher": Decimal("3000"),
    "disability_living_monthly": Decimal("80"), "disability_care_monthly": Decimal("100"), "notes": "测试",
}


def standard(region: str = COUNTY, year: int = 2023, **changes):
    return actions.save_standard(actor=SYSTEM, region_code=region, year=year, values={**STANDARD, **changes})


def born(years_before_ref: int, *, days: int = 0) -> dt.date:
    """The birth date of someone exactly ``years_before_ref`` old on REF (minus ``days`` days older)."""
    return dt.date(REF.year - years_before_ref, REF.month, REF.day) - dt.timedelta(days=days)


def household(*people: dict, village: str = JIANYUAN, income: Decimal | None = None, year: int = 2023, **fields):
    """The first person is the head; ``income`` (net, all wages) is recorded for ``year``."""
    head, *others = people or (person("head"),)
    h = make_household(village, head=head, members=list(others), **fields)
    if income is not None:
        registry_actions.set_income(actor=SYSTEM, household=h, year=year, values={"wage_income": Decimal(income)})
    return h


def adult(relation="head", age=40, sex="1", **fields) -> dict:
    return person(relation, sex=sex, birth=born(age), exact=True, **fields)


def child(relation="son", age=10, sex="1", schooling="primary", **fields) -> dict:
    return person(relation, sex=sex, birth=born(age), exact=True, schooling=schooling, labour_skill="", **fields)
