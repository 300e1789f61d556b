"""The thresholds of the plan's fund rules, looked up as data (FundRule rows by region and year),
with the plan's own numbers as the fallback."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from fupin.funds.models import FundRule

PLAN = _("2023年脱贫攻坚巩固提升方案")


@dataclass(frozen=True)
class Thresholds:
    reward_share: Decimal  # share of the central industry fund paid as 以奖代补
    poor_village_amount: Decimal  # provincial money each poor village receives
    village_infrastructure_min: Decimal  # county integrated funds into village infrastructure
    origin: str  # which rule was used, in words
    rule_id: int | None = None


DEFAULTS = Thresholds(Decimal("0.30"), Decimal("200000.00"), Decimal("1500000.00"), "")


def thresholds(county_code: str, year: int) -> Thresholds:
    """The rule for a county and year: the most specific region (county, city, province, all), then
    the latest year not after ``year``; else the plan's numbers."""
    regions = [county_code[:n] for n in (6, 4, 2, 0)]
    rows = list(FundRule.objects.filter(region_code__in=regions, year__lte=year))
    if not rows:
        return Thresholds(DEFAULTS.reward_share, DEFAULTS.poor_village_amount, DEFAULTS.village_infrastructure_min,
                          _("默认值（%(p)s）") % {"p": PLAN})
    rule = max(rows, key=lambda r: (len(r.region_code), r.year))
    origin = _("%(r)s %(y)s 年起执行的标准") % {"r": rule.region_code or _("全国"), "y": rule.year}
    if rule.document:
        origin += f"（{rule.document}）"
    return Thresholds(rule.reward_share, rule.poor_village_amount, rule.village_infrastructure_min, origin, rule.pk)
