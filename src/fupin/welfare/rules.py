"""Pure rules of the welfare app: age bounds, stages, medical-aid parts, charity statuses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from fupin.core import clock
from fupin.registry.models import SEVERE_DISABILITY_GRADES
from fupin.welfare.models import SCHOOLING_STAGE, NeedStatus, OfferStatus

# 特困 "no labour capacity" (domain.md 7)
ELDERLY_AGE = 60
MINOR_AGE = 16
ADULT_AGE = 18
# Intellectual (5) or mental (6) disability of grade 1-2, or physical (4) disability of grade 1.
NO_LABOUR_DISABILITIES = ((("5", "6"), ("1", "2")), (("4",), ("1",)))
SEVERE_GRADES = SEVERE_DISABILITY_GRADES  # ("1", "2"), also the condition of the index member_supporter
# Households whose children are covered by education aid (建档立卡: poor, exited, monitored).
AID_HOUSEHOLD_TYPES = ("poor", "exited", "monitored")


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def reference_date(year: int) -> dt.date:
    """The day ages are counted on for a year's lists: today in the current year, else 31 December."""
    return min(clock.today(), dt.date(year, 12, 31))


def stage_of(schooling: str) -> str | None:
    return SCHOOLING_STAGE.get(schooling or "")


def medical_problems(total: Decimal, basic: Decimal, critical: Decimal, aid: Decimal) -> list[tuple[str, str]]:
    """The parts paid by basic insurance, critical-illness insurance and medical aid never exceed the total."""
    problems = []
    for field, value in (("total_cost", total), ("basic_paid", basic), ("critical_paid", critical),
                         ("aid_amount", aid)):
        if value is None or value < 0:
            problems.append((field, _("金额不能为负数")))
    if problems:
        return problems
    if total <= 0:
        problems.append(("total_cost", _("医疗总费用须大于 0")))
    elif basic + critical + aid > total:
        problems.append(("aid_amount", _("基本医保、大病保险和医疗救助合计 %(s)s 元，超过医疗总费用 %(t)s 元") % {
            "s": basic + critical + aid, "t": total}))
    return problems


def need_status(amount: Decimal, matched: Decimal, all_fulfilled: bool) -> str:
    if matched <= 0:
        return NeedStatus.OPEN
    if matched < amount:
        return NeedStatus.PARTLY
    return NeedStatus.FULFILLED if all_fulfilled else NeedStatus.MATCHED


def offer_status(amount: Decimal, matched: Decimal) -> str:
    if matched <= 0:
        return OfferStatus.OPEN
    return OfferStatus.PARTLY if matched < amount else OfferStatus.MATCHED
