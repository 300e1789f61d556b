"""The demo county's identification rules for 2022 and 2023, and its official runs.

The figures marked 演示值 are plausible values for the demonstration, to be replaced by the
county's published statistics (Jiangxi's monitoring thresholds are not verified, domain.md 3).
"""

from decimal import Decimal

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
COMMON = {"income_line": Decimal(4000), "food_min_income": Decimal(2300), "province_poverty_rate": Decimal(5)}


def ensure_rule_sets() -> dict[int, RuleSet]:
    ensure_national(RuleSet)
    national = RuleSet.objects.get(region_code="", year=2021, version=1)
    found = {}
    for year, values in YEARS.items():
        rule_set = RuleSet.objects.filter(region_code=COUNTY, year=year).order_by("-version").first()
        if rule_set is None:
            rule_set = actions.copy_rule_set(actor=None, source=national, region_code=COUNTY, year=year,
                                             name=f"{year} 年黎川县精准识别规则")
            actions.update_rule_set(actor=None, rule_set=rule_set, changes={
                **COMMON, **values,
                "notes": "监测线、本县与全省农村居民人均可支配收入、全省贫困发生率为演示值，"
                         "请按省定标准与统计公报核实后复制为新版本使用。",
            })
            actions.publish_rule_set(actor=None, rule_set=rule_set)
        found[year] = rule_set
    return found


def run_official(rule_sets: dict[int, RuleSet], echo=None) -> list:
    runs = []
    for year, rule_set in sorted(rule_sets.items()):
        run = actions.start_run(actor=None, area_code=COUNTY, year=year, rule_set=rule_set, enqueue=False)
        runs.append(actions.execute_run(run, echo=echo))
    return runs


def open_working_year(runs) -> dict:
    """Open 2023 for the dynamic adjustment with its official run, so that exit candidates and
    risk clues wait in the task lists (set-based, like the county would do it)."""
    from fupin.workflows import actions as workflows

    latest = max(runs, key=lambda r: r.year)
    work_year = workflows.open_year(actor=None, county_code=COUNTY, year=latest.year)
    workflows.attach_run(actor=None, work_year=work_year, run=latest)
    return {"exits": workflows.generate_exit_candidates(actor=None, work_year=work_year),
            "clues": workflows.generate_clues(actor=None, work_year=work_year)}
