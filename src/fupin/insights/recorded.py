"""What the system itself recorded as paid to a household in a year, beside the income the household
declared (the card's 到户收入核对): a declared income below what was paid is flagged.

Two categories, as the national card classifies them:
- 财产性收入 (property income): cooperative dividends paid (``programmes.DividendPayment``, by the
  dividend's year), compared with the declared property income;
- 转移性收入 (transfer income, including policy production subsidies as NBS counts them): 以奖代补 and
  产业直补 paid to the household (``funds.Disbursement``), training subsidies paid
  (``programmes.TrainingSubsidy``), education aid (``welfare.EducationAid``) and disability subsidies
  paid (``welfare.DisabilitySubsidy``), compared with the declared transfer income.

Every source is read through ``visible_to`` (the user's area), grouped by year: a few small queries
for one household.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import F, Sum
from django.utils.translation import gettext as _

from fupin.registry.models import HouseholdIncome

ZERO = Decimal("0.00")
YEARS_SHOWN = 3


def _by_year(qs, year_field: str, amount) -> dict[int, Decimal]:
    return {row["y"]: Decimal(row["s"] or 0) for row in qs.values(y=F(year_field)).annotate(s=Sum(amount)).order_by()}


def recorded_payments(user, household) -> dict[int, dict[str, Decimal]]:
    """{year: {"dividends", "reward", "direct_subsidy", "training_subsidy", "education_aid", "disability"}}."""
    from fupin.funds.models import Disbursement, DisbursementMode
    from fupin.programmes.models import DividendPayment, SubsidyStatus, TrainingSubsidy
    from fupin.welfare.models import DisabilitySubsidy, EducationAid

    found: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    sources = {
        "dividends": _by_year(DividendPayment.objects.visible_to(user).filter(household=household),
                              "dividend__year", "amount"),
        "reward": _by_year(Disbursement.objects.visible_to(user).filter(household=household,
                                                                       mode=DisbursementMode.REWARD),
                           "year", "amount"),
        "direct_subsidy": _by_year(Disbursement.objects.visible_to(user).filter(
            household=household, mode=DisbursementMode.DIRECT_SUBSIDY), "year", "amount"),
        "training_subsidy": _by_year(TrainingSubsidy.objects.visible_to(user).filter(
            member__household=household, status=SubsidyStatus.PAID), "year", "amount"),
        "education_aid": _by_year(EducationAid.objects.visible_to(user).filter(household=household),
                                  "year", "amount"),
        "disability": _by_year(DisabilitySubsidy.objects.visible_to(user).filter(
            household=household, paid_on__isnull=False), "year", F("monthly_amount") * F("months")),
    }
    for key, years in sources.items():
        for year, amount in years.items():
            found[year][key] = amount
    return found


TRANSFER_KEYS = ("reward", "direct_subsidy", "training_subsidy", "education_aid", "disability")


def card_section(user, household) -> dict | None:
    """The years with a declared income or a recorded payment (latest first), each with both sides
    and the flags."""
    paid = recorded_payments(user, household)
    declared = {i.year: i for i in HouseholdIncome.objects.filter(household=household)}
    years = sorted(set(paid) | set(declared), reverse=True)[:YEARS_SHOWN]
    if not years:
        return None
    rows = []
    for year in years:
        p = paid.get(year, {})
        income = declared.get(year)
        dividends = p.get("dividends", ZERO)
        transfers = sum((p.get(k, ZERO) for k in TRANSFER_KEYS), ZERO)
        flags = []
        if income is not None:
            if income.property_income < dividends:
                flags.append(_("申报的财产性收入 %(d)s 元低于系统记录的合作社分红 %(r)s 元") % {
                    "d": f"{income.property_income:,.2f}", "r": f"{dividends:,.2f}"})
            if income.transfer_income < transfers:
                flags.append(_("申报的转移性收入 %(d)s 元低于系统记录的补贴补助 %(r)s 元") % {
                    "d": f"{income.transfer_income:,.2f}", "r": f"{transfers:,.2f}"})
        elif dividends or transfers:
            flags.append(_("本年度尚未申报收入，系统已记录到户支付 %(r)s 元") % {"r": f"{dividends + transfers:,.2f}"})
        rows.append({"year": year, "income": income, "paid": {k: p.get(k, ZERO) for k in ("dividends", *TRANSFER_KEYS)},
                     "dividends": dividends, "transfers": transfers, "flags": flags})
    return {"rows": rows}
