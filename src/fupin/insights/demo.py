"""Demo data for insights: called by `fupin demo` after the population is generated.

The county's 2023 targets as the plan sets them (seed-plan 三、目标任务 and 四), entered through the
audited action as the county office would, and the plan's 1,000 people to train split among the
townships by their poor people (so the breakdown has township targets to compare with)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from fupin.insights import actions
from fupin.insights.models import TargetKey
from fupin.registry import codes
from fupin.registry.models import Household

# Tables emptied (children first) when the demo is generated again.
TABLES: list[str] = ["insights_target"]

YEAR = 2023
PLAN = "2023年脱贫攻坚巩固提升方案"
PLAN_TARGETS = [
    (TargetKey.MILD_INCOME, Decimal(70), "三(二)一：轻度贫困户人均可支配收入达全县平均水平的70%左右"),
    (TargetKey.MODERATE_INCOME, Decimal(50), "三(二)一：中度贫困户人均可支配收入达全县平均水平的50%左右"),
    (TargetKey.INCOME_GROWTH, None, "三(二)一：年均增幅高于全县平均增幅（按规则集中全县农村居民人均可支配收入计算）"),
    (TargetKey.HOUSES, Decimal(0), "三(二)二：全面完成建档立卡贫困户危旧房改造任务"),
    (TargetKey.TRAINED, Decimal(1000), "四(二)1(3)：完成贫困人口技能培训1000人"),
    (TargetKey.TRAINED_EMPLOYED, Decimal(90), "四(二)1(3)：就业率在90%以上"),
    (TargetKey.INDUSTRY_SKILL, Decimal(0), "三(二)三：有劳动能力的贫困户都有一个以上增收产业、一门以上技能"),
    (TargetKey.ZERO_EMPLOYMENT, Decimal(0), "四(二)1(3)：零就业家庭至少有1人就业"),
    (TargetKey.RELOCATION, Decimal(0), "四(二)3(1)：有搬迁意愿的建档立卡贫困户应搬尽搬"),
    (TargetKey.REWARD_SHARE, Decimal(30), "四(二)1(1)：不低于30%的产业扶贫资金以奖代补"),
]


def split(total: int, weights: dict[str, int]) -> dict[str, int]:
    """``total`` apportioned by ``weights`` (largest remainder), summing exactly to ``total``."""
    whole = sum(weights.values())
    if not whole:
        return dict.fromkeys(weights, 0)
    exact = {k: Decimal(total * w) / whole for k, w in weights.items()}
    shares = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: (shares[k] - exact[k], k))[: total - sum(shares.values())]:
        shares[k] += 1
    return shares


def generate(*, county_code: str, seed: int, users: dict) -> str:
    """Create the demo's insights data (the plan's targets); return one line saying what was made."""
    actor = users.get("county")
    for key, threshold, note in PLAN_TARGETS:
        actions.set_target(actor=actor, region_code=county_code, year=YEAR, key=key, threshold=threshold,
                           note=f"{PLAN} {note}")
    poor_people = dict(Household.objects.filter(county_code=county_code, status=codes.RecordStatus.ACTIVE,
                                                household_type=codes.HouseholdType.POOR)
                       .annotate(township=Substr("division_id", 1, 9)).values_list("township")
                       .annotate(n=Sum("size")).order_by())
    townships = split(1000, {k: v or 0 for k, v in poor_people.items()})
    for code, share in sorted(townships.items()):
        if share:
            actions.set_target(actor=actor, region_code=code, year=YEAR, key=TargetKey.TRAINED,
                               threshold=Decimal(share), note=f"{PLAN} 培训任务按贫困人口分解到乡镇")
    return _("%(year)s 年统计监测：%(county)s 的规划目标 %(targets)s 项，培训任务分解为 %(townships)s 个乡镇目标") % {
        "year": YEAR, "county": county_code, "targets": len(PLAN_TARGETS),
        "townships": sum(1 for s in townships.values() if s)}
