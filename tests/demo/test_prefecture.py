"""A prefecture in one system: ``fupin demo --area`` generates several counties, each with its own
population, rules and year; the users above the counties read their figures rolled up, the same
numbers as each county's own pages, and act on nothing."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from fupin.accounts.models import User
from fupin.accounts.roles import Role
from fupin.funds import selectors as funds
from fupin.insights import indicators
from fupin.registry.models import Household, Member
from fupin.targeting.models import IdentificationRun, RuleSet, Scale
from fupin.workflows.models import WorkYear

pytestmark = pytest.mark.django_db(transaction=True)

COUNTIES = ("361022", "361028")  # 黎川县 and 资溪县


@pytest.fixture
def prefecture(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", "--area", ",".join(COUNTIES), "--households", "1200", "--seed", "7", "--no-serve")


def test_each_county_has_its_own_population_rules_runs_and_year(prefecture):
    # 1,200 split by rural population (17 : 7 万人)
    assert dict(Household.objects.values_list("county_code").annotate(n=Count("pk"))) == {"361022": 850, "361028": 350}
    assert not Household.objects.exclude(division__county_code=COUNTIES[0]).exclude(
        division__county_code=COUNTIES[1]).exists()
    # nobody is born twice, across the counties too (people who married in carry another county's code)
    assert Member.objects.values("id_number").distinct().count() == Member.objects.count()
    zixi_ids = set(Member.objects.filter(county_code="361028").values_list("id_number", flat=True))
    assert sum(1 for n in zixi_ids if n.startswith("361028")) > 0.5 * len(zixi_ids)
    for county in COUNTIES:
        rule_sets = RuleSet.objects.filter(region_code=county, status="published")
        assert sorted(rule_sets.values_list("year", flat=True)) == [2022, 2023]
        runs = IdentificationRun.objects.filter(county_code=county, area_code=county, dry_run=False, status="done")
        assert sorted(runs.values_list("year", flat=True)) == [2022, 2023]
        assert WorkYear.objects.filter(county_code=county, year=2023).exists()
        assert Scale.objects.filter(county_code=county, division_code=county, year=2023).exists()
    incomes = dict(RuleSet.objects.filter(year=2023, region_code__in=COUNTIES)
                   .values_list("region_code", "county_rural_income"))
    assert incomes["361022"] != incomes["361028"]  # each county's own rural income
    zixi = User.objects.get(username="zixi")
    assert zixi.role == Role.COUNTY_ADMIN and zixi.area_prefixes == ("361028",)
    assert User.objects.get(username="city").area_prefixes == ("3610",)
    assert User.objects.get(username="province").role == Role.SUPERVISOR


def test_the_prefecture_figures_are_the_counties_figures_added_up(prefecture, client):
    city, county, zixi = (User.objects.get(username=u) for u in ("city", "county", "zixi"))
    whole = indicators.overview(city, "3610", 2023)
    parts = [indicators.overview(user, code, 2023) for user, code in ((county, "361022"), (zixi, "361028"))]
    assert whole["area"] == "3610" and [c["code"] for c in whole["children"]][:2] == ["361002", "361003"]
    rows = {c["code"]: c for c in whole["children"]}
    assert len(rows) == 11  # every county of 抚州市, the two generated ones with households
    for part in parts:
        row, pop = rows[part["area"]], part["population"]
        assert (row["households"], row["people"], row["poor_households"], row["poor_people"]) == (
            pop.households, pop.people, pop.count("poor"), pop.count("poor", "people"))
        assert row["incidence"] == pop.incidence
        assert row["per_capita"] == part["income"].totals["per_capita"]
        assert row["all_rate"] == part["results"].compliance["all"]["rate"]
    pop = whole["population"]
    assert pop.households == sum(p["population"].households for p in parts) == Household.objects.active().count()
    assert pop.count("poor", "people") == sum(p["population"].count("poor", "people") for p in parts)
    assert whole["flows"].totals == {k: sum(p["flows"].totals[k] for p in parts) for k in whole["flows"].totals}
    # the year's runs: one per county, their conclusions added up
    assert sorted(r.county_code for r in whole["run_poor"]["runs"]) == list(COUNTIES)
    assert whole["run_poor"]["households"] == sum(p["run_poor"]["households"] for p in parts)
    assert whole["results"].assisted == sum(p["results"].assisted for p in parts)
    assert whole["income"].totals["net"] == sum((p["income"].totals["net"] for p in parts), 0)
    assert whole["income"].county_average is None  # every county has its own: none above them
    # the funds ledger rolls up the same way
    ledger = funds.ledger(city, "3610", 2023)
    counties = [funds.ledger(county, "361022", 2023), funds.ledger(zixi, "361028", 2023)]
    assert ledger.totals["disbursed"] == sum((c.totals["disbursed"] for c in counties), 0)
    assert ledger.totals["amount"] == sum((c.totals["amount"] for c in counties), 0)
    assert {c["code"]: c["disbursed"] for c in ledger.children}["361028"] == counties[1].totals["disbursed"]
    # the targets: each county assessed against its own; the prefecture's counts are the counties' added up
    from decimal import Decimal

    from fupin.insights import targets

    own = {code: {a.key: a for a in targets.assess_all(user, code, 2023)}
           for user, code in ((county, "361022"), (zixi, "361028"))}
    above = {a.key: a for a in targets.assess_all(city, "3610", 2023)}
    children, table = targets.breakdown(city, "3610", 2023)
    assert [c.code for c in children] == list(COUNTIES)  # counties without a register are not assessed
    for key in ("houses", "relocation", "zero_employment", "industry_skill", "trained"):
        assert above[key].exact == sum(own[c][key].exact for c in COUNTIES), key
    for row in table:
        key = row["definition"].key
        for cell in row["cells"]:
            assert cell["value"] == own[cell["code"]][key].value, (key, cell)
            assert cell["met"] == own[cell["code"]][key].met, (key, cell)
        assert row["met"] == sum(1 for c in COUNTIES if own[c][key].met)
    # the income shares above the counties: each county's poor against their own county's income
    figures = {c: dict(own[c]["mild_income"].figures) for c in COUNTIES}
    net = sum(Decimal(f["人数"]) * f["人均纯收入（元）"] for f in figures.values() if f["人数"])
    base = sum(f["人数"] * f["全县农村居民人均可支配收入（元）"] for f in figures.values())
    assert abs(above["mild_income"].exact - net * 100 / base) < Decimal("0.05")
    assert above["income_growth"].threshold is None and above["income_growth"].met is None
    # the API and the dashboard give the same numbers
    client.force_login(city)
    api = client.get("/api/v1/indicators/").json()
    assert api["area"] == "3610" and api["population"]["households"] == pop.households
    assert api["run_poor"]["households"] == whole["run_poor"]["households"]
    page = client.get("/insights/")
    assert page.status_code == 200 and "抚州市" in page.content.decode()
    assert client.get("/insights/?area=361028").context["population"].households == rows["361028"]["households"]
    # a county user never sees the prefecture: asked for it, they get their own county
    client.force_login(county)
    assert client.get("/insights/?area=3610").context["area"] == "361022"
    assert client.get("/api/v1/indicators/?area=3610").status_code == 404


def test_the_prefecture_figures_follow_a_change_in_a_county_at_once(prefecture):
    """The prefecture's figures are folded from each county's kept rows: an action in a county names a
    new state of that county (its audit chain), and the next page shows it."""
    from fupin.registry import actions

    city, zixi = User.objects.get(username="city"), User.objects.get(username="zixi")
    before = indicators.overview(city, "3610", 2023)
    again = indicators.overview(city, "3610", 2023)  # kept: the same figures without querying the register
    assert again["population"].households == before["population"].households
    household = Household.objects.filter(county_code="361028", household_type="poor", status="active").first()
    actions.close_household(actor=zixi, household=household, reason_code="moved_away", note="整户迁往外省")
    after = indicators.overview(city, "3610", 2023)
    assert after["population"].households == before["population"].households - 1
    assert after["population"].count("poor") == before["population"].count("poor") - 1
    row = {c["code"]: c for c in after["children"]}["361028"]
    assert row["households"] == indicators.overview(zixi, "361028", 2023)["population"].households


def test_a_prefecture_user_reads_everything_below_and_acts_on_nothing(prefecture, client):
    from fupin.workflows.models import Case, CaseStatus

    city = User.objects.get(username="city")
    client.force_login(city)
    household = Household.objects.filter(county_code="361028").order_by("pk").first()
    assert client.get(household.get_absolute_url()).status_code == 200
    assert client.get("/households/?area=361028").status_code == 200
    case = Case.objects.filter(county_code="361022", status=CaseStatus.OPEN).order_by("pk").first()
    assert client.get(case.get_absolute_url()).status_code == 200
    before = (Case.objects.get(pk=case.pk).current_step, Household.objects.get(pk=household.pk).updated_at)
    steps = client.post(f"{case.get_absolute_url()}act/", {"outcome": "pass", "note": "市级代办",
                                                            "step": case.step})
    assert steps.status_code == 200  # the case's page again (no step form for them), not "已办理"
    edit = client.post(f"{household.get_absolute_url()}edit/", {"phone": "13900000000"})
    assert edit.status_code in (403, 404, 405)
    assert (Case.objects.get(pk=case.pk).current_step, Household.objects.get(pk=household.pk).updated_at) == before


def test_every_county_login_takes_the_demo_password():
    """The demo gives every account the same printed password: the password rules must take it with
    each county's login (临川区's first login, linchuan, was refused as too like Lichuan@2023)."""
    from django.contrib.auth import password_validation

    from fupin.demo.accounts import COUNTY_LOGINS, DEMO_PASSWORD

    for username in COUNTY_LOGINS.values():
        password_validation.validate_password(DEMO_PASSWORD, User(username=username, role=Role.COUNTY_ADMIN))
