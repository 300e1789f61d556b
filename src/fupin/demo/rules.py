"""The demo county's identification rules for 2022 and 2023, and its official runs.

The figures marked 演示值 are plausible values for the demonstration, to be replaced by the
county's published statistics (Jiangxi's monitoring thresholds are not verified, domain.md 3).
"""

from decimal import Decimal

from fupin.core.actions import SYSTEM
from fupin.targeting import actions
from fupin.targeting.defaults import ensure_national
from fupin.targeting.models import RuleSet

COUNTY = "361022"
YEARS = {
    2022: {"monitoring_threshold": Decimal(6500), "county_rural_income": Decimal(17800),
           "province_rural_income": Decimal(18684)},
    2023: {"monitoring_threshold": Decimal(7000), "county_rural_income": Decimal(18900),
           "province_rural_income": Decimal(19936)},
}
# Each county's rural income differs from Lichuan's (演示值): the per-county rule sets are really per county.
RURAL_INCOME_OFFSET = {"361002": Decimal(2100), "361003": Decimal(900), "361021": Decimal(600), "361023": Decimal(1300),
                       "361024": Decimal(-400), "361025": Decimal(-1200), "361026": Decimal(-800),
                       "361027": Decimal(700), "361028": Decimal(300), "361030": Decimal(-600)}
COMMON = {"income_line": Decimal(4000), "food_min_income": Decimal(2300), "province_poverty_rate": Decimal(5)}


def _name(county: str) -> str:
    from fupin.divisions.models import Division

    return Division.objects.filter(code=county).values_list("name", flat=True).first() or county


def ensure_rule_sets(county: str = COUNTY) -> dict[int, RuleSet]:
    """The county's own rule set for each year (every county has its own: its rural income differs)."""
    ensure_national(RuleSet)
    national = RuleSet.objects.get(region_code="", year=2021, version=1)
    found = {}
    for year, values in YEARS.items():
        rule_set = RuleSet.objects.filter(region_code=county, year=year).order_by("-version").first()
        if rule_set is None:
            rule_set = actions.copy_rule_set(actor=SYSTEM, source=national, region_code=county, year=year,
                                             name=f"{year} 年{_name(county)}精准识别规则")
            actions.update_rule_set(actor=SYSTEM, rule_set=rule_set, changes={
                **COMMON, **values, "county_rural_income": values["county_rural_income"] + RURAL_INCOME_OFFSET.get(county, 0),
                "notes": "监测线、本县与全省农村居民人均可支配收入、全省贫困发生率为演示值，"
                         "请按省定标准与统计公报核实后复制为新版本使用。",
            })
            actions.publish_rule_set(actor=SYSTEM, rule_set=rule_set)
        found[year] = rule_set
    return found


def run_official(rule_sets: dict[int, RuleSet], echo=None, county: str = COUNTY) -> list:
    runs = []
    for year, rule_set in sorted(rule_sets.items()):
        run = actions.start_run(actor=SYSTEM, area_code=county, year=year, rule_set=rule_set, enqueue=False)
        runs.append(actions.execute_run(run, echo=echo))
    return runs


OPENED_DAYS_AGO = 21  # the working year was opened three weeks before the demo's date


def open_working_year(runs, county: str = COUNTY) -> dict:
    """Open 2023 for the dynamic adjustment with its official run, so that exit candidates and
    risk clues wait in the task lists (set-based, like the county would do it). It happened three weeks
    before the demo's date, so that some of them can be walked through their procedures since."""
    import datetime as dt

    from fupin.core import clock
    from fupin.workflows import actions as workflows

    latest = max(runs, key=lambda r: r.year)
    clock.set_offset(-dt.timedelta(days=OPENED_DAYS_AGO))
    try:
        work_year = workflows.open_year(actor=SYSTEM, county_code=county, year=latest.year)
        workflows.attach_run(actor=SYSTEM, work_year=work_year, run=latest)
        return {"exits": workflows.generate_exit_candidates(actor=SYSTEM, work_year=work_year),
                "clues": workflows.generate_clues(actor=SYSTEM, work_year=work_year)}
    finally:
        clock.reset()


PLAN_POOR_PEOPLE = 14_326  # seed-plan: "截止2023年底，全县有贫困人口14326人"
PLAN_POOR_VILLAGES = 15


def ensure_scales(year: int = 2023, county: str = COUNTY) -> None:
    """The plan's 规模 for 黎川县 (14,326 poor people, 15 poor villages), split over the townships: people
    in proportion to each township's registered poor (largest remainder, so the split adds up), poor
    villages where the registered poor villages are. Another county's 规模 is its registered poor
    people rounded up to the hundred and its registered poor villages."""
    from django.db.models import Count, Sum
    from django.db.models.functions import Substr

    from fupin.divisions.models import Division
    from fupin.registry.models import Household, VillageProfile
    from fupin.targeting.models import Scale

    if Scale.objects.filter(county_code=county, year=year).exists():
        return
    townships = list(Division.objects.filter(parent_code=county).order_by("code").values_list("code", flat=True))
    people = dict(Household.objects.filter(county_code=county, status="active", household_type="poor")
                  .annotate(t=Substr("division_id", 1, 9)).values("t").annotate(n=Sum("size")).values_list("t", "n"))
    villages = dict(VillageProfile.objects.filter(county_code=county, poverty_status="poor")
                    .annotate(t=Substr("division_id", 1, 9)).values("t").annotate(n=Count("pk")).values_list("t", "n"))
    total = sum(people.values()) or 1
    if county == COUNTY:
        plan_people, plan_villages = PLAN_POOR_PEOPLE, PLAN_POOR_VILLAGES
        note = "2023年脱贫攻坚巩固提升方案：全县贫困人口14326人、15个贫困村（按各乡镇在册贫困人口分解）"
    else:
        plan_people, plan_villages = -(-total // 100) * 100, sum(villages.values())
        note = f"演示值：全县贫困人口{plan_people}人、{plan_villages}个贫困村（按各乡镇在册贫困人口分解）"
    exact = {t: plan_people * people.get(t, 0) / total for t in townships}
    split = {t: int(v) for t, v in exact.items()}
    for t in sorted(townships, key=lambda t: exact[t] - split[t], reverse=True)[:plan_people - sum(split.values())]:
        split[t] += 1
    actions.save_scales(
        actor=SYSTEM, area_code=county, year=year,
        own={"poor_people": plan_people, "poor_villages": plan_villages},
        children={t: {"poor_people": split[t], "poor_villages": villages.get(t, 0)} for t in townships},
        note=note)
