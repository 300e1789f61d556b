"""Indicators against hand-counted populations: incidence, types, causes, income structure and
growth, degree and compliance from the run, year-over-year flows, scope, and the delegated figures."""

from decimal import Decimal

import pytest
from django.http import Http404

from fupin.core.actions import SYSTEM
from fupin.insights import indicators as ind
from tests.factories import COUNTY, HUFANG, HUFANG_VILLAGE, JIANYUAN, TANXI, TANXI_VILLAGE
from tests.insights.support_dashboard import case, household, income, official_run

pytestmark = pytest.mark.django_db

YEAR = 2023


@pytest.fixture
def population(users):
    """湖坊乡: 枧源村 a poor household of 3 (illness, 低保) and a monitored one of 2;
    湖坊村 an ordinary household of 4 and an exited one of 1 (disability).
    潭溪乡 (another township): a poor household of 5."""
    return {
        "poor": household(JIANYUAN, size=3, household_type="poor", poverty_attribute="dibao", main_cause="01"),
        "monitored": household(JIANYUAN, size=2, household_type="monitored", monitoring_type="unstable"),
        "ordinary": household(HUFANG_VILLAGE, size=4, household_type="ordinary"),
        "exited": household(HUFANG_VILLAGE, size=1, household_type="exited", main_cause="02"),
        "tanxi": household(TANXI_VILLAGE, size=5, household_type="poor", main_cause="01"),
    }


def test_incidence_is_poor_people_over_registered_people(users, population):
    p = ind.population(users["county"], COUNTY, YEAR)
    assert (p.households, p.people) == (5, 15)
    assert p.count("poor", "people") == 8
    assert p.incidence == Decimal("53.33")  # 8 / 15
    assert p.monitored_share == Decimal("13.33")  # 2 / 15
    assert p.by_type["ordinary"] == {"households": 1, "people": 4}
    assert p.by_cause == {"01": {"households": 2, "people": 8}, "02": {"households": 1, "people": 1}}
    assert p.by_attribute == {"dibao": {"households": 1, "people": 3}, "general": {"households": 2, "people": 6}}
    assert p.by_monitoring == {"unstable": {"households": 1, "people": 2}}


def test_county_breakdown_has_one_row_per_township(users, population):
    p = ind.population(users["county"], COUNTY, YEAR)
    rows = {r["code"]: r for r in p.children}
    assert rows[HUFANG]["households"] == 4 and rows[HUFANG]["people"] == 10
    assert rows[HUFANG]["incidence"] == Decimal("30.00")  # 3 / 10
    assert rows[TANXI]["incidence"] == Decimal("100.00")
    assert sum(r["households"] for r in p.children) == p.households
    empty = next(r for r in p.children if r["code"] not in (HUFANG, TANXI))
    assert empty["households"] == 0 and empty["incidence"] is None


def test_township_breakdown_has_one_row_per_village(users, population):
    p = ind.population(users["county"], HUFANG, YEAR)
    rows = {r["code"]: r for r in p.children}
    assert rows[JIANYUAN]["people"] == 5 and rows[JIANYUAN]["poor_people"] == 3
    assert rows[HUFANG_VILLAGE]["exited_households"] == 1
    assert all(len(code) == 12 for code in rows)


def test_a_township_user_counts_only_their_township(users, population):
    user = users["township"]
    assert ind.resolve_area(user).code == HUFANG
    p = ind.population(user, COUNTY, YEAR)  # asking for the county still gives only the township
    assert (p.households, p.people) == (4, 10)
    assert TANXI not in {r["code"] for r in p.children}
    with pytest.raises(Http404):
        ind.resolve_area(user, TANXI)
    with pytest.raises(Http404):
        ind.resolve_area(user, COUNTY)
    other = ind.population(users["other_township"], TANXI, YEAR)
    assert (other.households, other.people) == (1, 5)


def test_income_structure_shares_and_growth(users, rules, population):
    poor = population["poor"]
    income(poor, YEAR, wage=6000, business=3000, costs=1000, property=600, transfer=1400)
    income(poor, YEAR - 1, wage=4000, business=2000, costs=500, transfer=500)
    income(population["ordinary"], YEAR, wage=40000)
    income(population["tanxi"], YEAR, wage=1000)  # another township: not in 湖坊乡's figures
    inc = ind.income(users["county"], HUFANG, YEAR)
    t = inc.totals
    assert t["net"] == Decimal("50000.00")  # 6000 + (3000 - 1000) + 600 + 1400 + 40000
    assert t["people"] == 7 and t["per_capita"] == Decimal("7142.86")
    assert sum(t["shares"].values()) == Decimal("100.00")
    assert t["shares"]["wage"] == Decimal("92.00")
    poor_row = inc.by_type["poor"]
    assert poor_row["per_capita"] == Decimal("3333.33")  # 10000 / 3
    assert poor_row["previous_per_capita"] == Decimal("2000.00")  # 6000 / 3
    assert poor_row["growth"] == Decimal("66.67")
    assert inc.county_average == Decimal("18000.00")
    assert poor_row["of_county_average"] == Decimal("18.52")  # 3333.33 / 18000
    assert inc.source_growth["wage"] == Decimal("1050.00")  # 4000 -> 46000: +42000
    assert {r["code"]: r["per_capita"] for r in inc.children}[JIANYUAN] == Decimal("3333.33")


def test_income_without_a_previous_year_has_no_growth(users, population):
    income(population["poor"], YEAR, wage=3000)
    inc = ind.income(users["county"], COUNTY, YEAR)
    assert inc.growth is None and inc.previous["per_capita"] is None
    assert inc.county_average is None  # no rule set for the year


def test_degree_and_compliance_come_from_the_latest_official_run(users, rules, population):
    from fupin.registry import actions as registry

    registry.update_household(actor=SYSTEM, household=population["poor"], changes={"house_grade": "D"})
    registry.update_household(actor=SYSTEM, household=population["exited"], changes={"safe_water": False})
    for h in population.values():
        income(h, YEAR, wage=2000)
    run = official_run(COUNTY, YEAR)
    res = ind.results(users["county"], COUNTY, YEAR)
    assert res.run == run
    assert res.assisted == 4  # poor, monitored, exited, 潭溪 poor (not the ordinary household)
    assert res.compliance["housing"] == {"ok": 3, "fail": 1, "rate": Decimal("75.00")}
    assert res.compliance["water"] == {"ok": 3, "fail": 1, "rate": Decimal("75.00")}
    assert res.compliance["all"]["fail"] >= 2
    from fupin.targeting.models import IdentificationResult

    poor = IdentificationResult.objects.filter(run=run, conclusion="poor")
    for degree, figures in res.by_degree.items():
        assert figures["households"] == poor.filter(degree=degree).count()
    township = ind.results(users["township"], COUNTY, YEAR)
    assert township.assisted == 3  # the township cadre sees the county's run narrowed to 湖坊乡


def test_run_poor_folded_from_the_results_rows_is_the_run_poor_read(users, rules, population):
    """``overview`` folds ``run_poor`` from the rows ``results`` reads (one pass over the run's results):
    the same households and people as the query of its own, for every user and area, and for a year whose
    run is an earlier year's (not counted: ``missing``)."""
    from fupin.targeting.models import IdentificationResult

    for key, h in population.items():
        income(h, YEAR, wage=200000 if key in ("ordinary", "monitored") else 2000)
    official_run(COUNTY, YEAR)
    poor = IdentificationResult.objects.filter(conclusion="poor")
    assert poor.exists() and poor.count() < IdentificationResult.objects.count()
    for user in (users["county"], users["township"]):
        for area in (COUNTY, HUFANG, JIANYUAN, TANXI):
            for year in (YEAR, YEAR + 1):
                direct = ind.run_poor(user, area, year)
                assert ind.run_poor(user, area, year, results=ind.results(user, area, year)) == direct
    whole = ind.run_poor(users["county"], COUNTY, YEAR)
    assert (whole["households"], whole["people"], whole["missing"]) == (
        poor.count(), sum(poor.values_list("size", flat=True)), 0)
    assert ind.overview(users["county"], COUNTY, YEAR)["run_poor"] == whole
    later = ind.run_poor(users["county"], COUNTY, YEAR + 1)
    assert (later["households"], later["missing"]) == (None, 1)
    assert ind.overview(users["county"], COUNTY, YEAR + 1)["run_poor"] == later


def test_no_official_run_gives_empty_compliance(users, population):
    res = ind.results(users["county"], COUNTY, YEAR)
    assert res.run is None and res.compliance["all"]["rate"] is None


def test_flows_count_the_cases_approved_in_the_year(users, population):
    case(population["poor"], "identify", YEAR)
    case(population["exited"], "exit", YEAR)
    case(population["monitored"], "monitor", YEAR)
    case(population["monitored"], "risk_clear", YEAR - 1)  # another year
    case(population["ordinary"], "reentry", YEAR, status="open")  # not decided
    case(population["tanxi"], "reentry", YEAR)
    f = ind.flows(users["county"], COUNTY, YEAR)
    assert f.totals == {"new_poor": 1, "exited": 1, "relapsed": 1, "monitored": 1, "risk_cleared": 0}
    assert {r["code"]: r["relapsed"] for r in f.children}[TANXI] == 1
    assert ind.flows(users["township"], HUFANG, YEAR).totals["relapsed"] == 0


def test_delegated_figures_are_the_other_apps_numbers(users, population):
    from fupin.programmes import selectors as programmes
    from fupin.registry import actions as registry
    from fupin.welfare import selectors as welfare

    registry.update_household(actor=SYSTEM, household=population["poor"], changes={"house_grade": "C"})
    registry.update_household(actor=SYSTEM, household=population["tanxi"],
                              changes={"house_grade": "D", "house_renovated": True})
    h = ind.housing(users["county"], COUNTY)
    assert (h["cd"], h["renovated"], h["renovated_rate"]) == (2, 1, Decimal("50.00"))
    assert {k: h[k] for k in welfare.housing_overview(users["county"], COUNTY)} == \
        welfare.housing_overview(users["county"], COUNTY)
    training = ind.training(users["county"], COUNTY, YEAR)
    assert {k: training[k] for k in programmes.overview(users["county"], area=COUNTY, year=YEAR)} == \
        programmes.overview(users["county"], area=COUNTY, year=YEAR)
    # with the targets as the targets page resolves them (the plan's defaults here)
    assert (training["training_target"], training["employment_target"]) == (1000, 90)
    cov = ind.coverage(users["county"], COUNTY, YEAR)["totals"]
    assert cov["households"] == 3  # poor, monitored, the 潭溪 poor (the exited one does not enjoy the policy)
    assert cov["measure_rate"] == Decimal("0.00") and cov["with_helper"] + cov["no_helper"] == cov["households"]
    f = ind.funds(users["county"], COUNTY, YEAR)
    assert f["by_source"] == [] and f["reward_share"] is None


def test_overview_merges_the_child_rows(users, population):
    data = ind.overview(users["county"], "", YEAR)
    assert data["area"] == COUNTY and data["year"] == YEAR
    row = next(r for r in data["children"] if r["code"] == HUFANG)
    assert row["households"] == 4 and "per_capita" in row and "new_poor" in row
