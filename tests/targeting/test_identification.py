"""Each rule at its edges, computed by the set-based run on the database."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from fupin.divisions.models import Division
from fupin.registry import actions as registry
from fupin.targeting import actions, selectors
from fupin.targeting.models import IdentificationResult, RuleSetStatus
from fupin.targeting.mpi import Population, score
from fupin.targeting.params import Params
from tests.factories import HUFANG_VILLAGE, JIANYUAN, make_household, person
from tests.targeting.support import identify, income, result

pytestmark = pytest.mark.django_db


def test_income_exactly_at_the_line_is_not_below_it_and_one_fen_less_is(rules):
    at_line = make_household(members=[person("spouse", sex="2"), person("son")])  # three people
    income(at_line, 12000)
    below = make_household(members=[person("spouse", sex="2"), person("son")])
    income(below, Decimal("11999.99"))
    run = identify(rules)
    r = result(run, at_line)
    assert r.per_capita_income == Decimal(4000) and r.below_line is False and r.conclusion == "not_poor"
    assert "人均纯收入 4,000 元 不低于收入线 4,000 元" in r.explanation
    r = result(run, below)
    assert r.below_line is True and r.conclusion == "poor"
    assert r.per_capita_income == Decimal("4000.00")  # rounded for display, compared exactly in fen


def test_a_household_of_one(rules):
    single = make_household(head=person("head", birth=dt.date(1950, 1, 1), labour_skill="none"))
    income(single, 3850)
    r = result(identify(rules), single)
    assert r.size == 1 and r.per_capita_income == Decimal(3850)
    assert r.explanation.startswith("人均纯收入 3,850 元 低于收入线 4,000 元")
    assert r.degree == "severe" and r.safety_net is True
    assert "重度贫困" in r.explanation and "托底保障" in r.explanation


def test_zero_and_negative_net_income(rules):
    zero = make_household()
    income(zero, 0)
    negative = make_household()
    income(negative, -1500, business_income=Decimal(500))
    run = identify(rules)
    assert result(run, zero).below_line is True and result(run, zero).per_capita_income == 0
    r = result(run, negative)
    assert r.net_income == Decimal(-1000) and r.below_line is True
    assert "人均纯收入 -1,000 元 低于收入线" in r.explanation


def test_a_household_without_income_data_cannot_be_decided(rules):
    unknown = make_household()
    r = result(identify(rules), unknown)
    assert r.conclusion == "no_data" and r.below_line is None and r.food_ok is None
    assert "缺少 2023 年度收入数据" in r.explanation


def child(birth, schooling="", education="", **fields):
    return person("son", birth=birth, exact=True, schooling=schooling, education=education, labour_skill="none",
                  name="黄小军", **fields)


@pytest.mark.parametrize(("birth", "counted"), [
    (dt.date(2018, 1, 1), False),   # 5 on 31 December 2023: not yet of school age
    (dt.date(2017, 12, 31), True),  # turns 6 that day
    (dt.date(2008, 1, 1), True),    # 15
    (dt.date(2007, 12, 31), False),  # 16: past compulsory school age
])
def test_school_age_edges(rules, birth, counted):
    home = make_household(members=[child(birth, schooling="preschool_age" if birth.year >= 2017 else "not_in_school",
                                         education="" if birth.year >= 2017 else "primary")])
    income(home, 30000)
    r = result(identify(rules), home)
    assert r.education_ok is (not counted)
    assert (r.conclusion == "poor") is counted


def test_the_explanation_names_the_child_out_of_school(rules):
    home = make_household(members=[child(dt.date(2011, 5, 1), schooling="not_in_school", education="primary")])
    income(home, 3 * 0 + 7700)  # 3,850 per person for two people
    r = result(identify(rules), home)
    assert r.explanation.startswith("人均纯收入 3,850 元 低于收入线 4,000 元；义务教育不达标：之子 12 岁未在校")


def test_a_child_who_finished_junior_school_or_is_sick_is_not_a_drop_out(rules):
    finished = make_household(members=[child(dt.date(2008, 6, 1), schooling="not_in_school", education="junior")])
    sick = make_household(members=[child(dt.date(2012, 6, 1), schooling="not_in_school", education="primary",
                                         disabled=True, disability_category="5", disability_grade="1")])
    for h in (finished, sick):
        income(h, 30000)
    run = identify(rules)
    assert result(run, finished).education_ok is True
    assert result(run, sick).education_ok is True  # taught at home (送教上门)


@pytest.mark.parametrize(("grade", "renovated", "relocated", "ok"), [
    ("C", False, False, False), ("C", True, False, True), ("D", False, True, True), ("B", False, False, True),
])
def test_safe_housing(rules, grade, renovated, relocated, ok):
    home = make_household(house_grade=grade, house_renovated=renovated, relocated=relocated,
                          relocation_willing=relocated)
    income(home, 30000)
    r = result(identify(rules), home)
    assert r.housing_ok is ok
    assert (f"住房安全不达标：{grade} 级危房未改造" in r.explanation) is (not ok)


def test_medical_guarantee_counts_the_uninsured(rules):
    home = make_household(members=[person("spouse", sex="2", medical_insurance=False,
                                          critical_illness_insurance=False)])
    income(home, 30000)
    r = result(identify(rules), home)
    assert r.medical_ok is False and r.uninsured == 1
    assert "基本医疗不达标：1 人未参加基本医疗保险，1 人未参加大病保险" in r.explanation


def test_food_and_water(rules):
    hungry = make_household(safe_water=False)
    income(hungry, 2000)
    on_dibao = make_household(head=person("head", dibao=True))
    income(on_dibao, 2000)
    run = identify(rules)
    r = result(run, hungry)
    assert r.food_ok is False and r.water_ok is False
    assert "吃穿不达标" in r.explanation and "饮水安全不达标" in r.explanation
    assert result(run, on_dibao).food_ok is True  # the minimum living allowance secures food


def test_guarantees_alone_make_a_household_poor_only_when_the_rules_say_so(rules):
    home = make_household(house_grade="D")
    income(home, 30000)
    assert result(identify(rules, dry_run=True), home).conclusion == "poor"
    draft = actions.copy_rule_set(actor=None, source=rules)
    actions.update_rule_set(actor=None, rule_set=draft, changes={"guarantees_in_identification": False})
    assert result(identify(draft, dry_run=True), home).conclusion == "not_poor"


@pytest.mark.parametrize(("skills", "degree"), [
    (["ordinary", "none"], "mild"), (["skilled"], "mild"), (["weak", "none"], "moderate"), (["lost", "none"], "severe"),
])
def test_degree_follows_the_plan(rules, skills, degree):
    head, *others = skills
    home = make_household(head=person("head", labour_skill=head),
                          members=[person("spouse", sex="2", labour_skill=s) for s in others])
    income(home, 1000)
    r = result(identify(rules), home)
    assert r.degree == degree and r.safety_net is (degree == "severe")


def test_attribute_comes_from_the_members(rules):
    tekun = make_household(head=person("head", tekun=True))
    dibao = make_household(head=person("head", dibao=True))
    general = make_household()
    for h in (tekun, dibao, general):
        income(h, 1000)
    run = identify(rules)
    assert [result(run, h).attribute for h in (tekun, dibao, general)] == ["tekun", "dibao", "general"]


def test_monitoring_candidates_under_the_consolidation_regime(rules):
    unstable = make_household(household_type="exited")
    income(unstable, 5500)
    marginal = make_household(household_type="ordinary")
    income(marginal, 5999)
    safe = make_household(household_type="ordinary")
    income(safe, 6000)
    # medical spending above 50% of the province's rural income (10,000) for an ex-poor household
    hardship = make_household(household_type="exited")
    income(hardship, 30000, medical_out_of_pocket=Decimal(10001))
    below_half = make_household(household_type="exited")
    income(below_half, 30000, medical_out_of_pocket=Decimal(10000))
    # an ordinary household needs more than 100% (20,000)
    ordinary_spending = make_household(household_type="ordinary")
    income(ordinary_spending, 30000, medical_out_of_pocket=Decimal(15000))
    cleared = make_household(household_type="monitored")
    income(cleared, 9000)
    run = identify(rules)
    assert result(run, unstable).monitoring == "unstable"
    assert result(run, marginal).monitoring == "marginal"
    assert result(run, safe).monitoring == ""
    r = result(run, hardship)
    assert r.monitoring == "hardship" and "合规自付医疗支出 10,001 元" in r.explanation
    assert result(run, below_half).monitoring == ""
    assert result(run, ordinary_spending).monitoring == ""
    assert result(run, cleared).risk_cleared is True
    assert "符合风险消除条件" in result(run, cleared).explanation


def test_a_sharp_income_drop_is_a_sudden_hardship(rules):
    home = make_household(household_type="ordinary")
    income(home, 40000, year=2022)
    income(home, 19000)
    r = result(identify(rules), home)
    assert r.monitoring == "hardship" and r.previous_per_capita_income == Decimal(40000)
    assert "人均纯收入由 40,000 元降至 19,000 元" in r.explanation


def test_mpi_scores_agree_with_the_formula(rules):
    homes = [
        make_household(house_grade="D", safe_water=False, sanitary_toilet=False, main_fuel="firewood",
                       access_road="dirt"),
        make_household(members=[person("spouse", sex="2", serious_illness=True)], main_fuel="coal"),
        make_household(head=person("head", education="primary"), sanitary_toilet=False),
        make_household(),
    ]
    for h in homes:
        income(h, 30000)
    run = identify(rules)
    params = Params.from_json(run.params)
    population = Population()
    for h in homes:
        r = result(run, h)
        deprived = {key: getattr(r, f"dep_{key}") for key in params.weights}
        expected = score(deprived, params.weights)
        assert Decimal(r.mpi_units) / params.denominator == Decimal(expected.numerator) / expected.denominator
        assert r.mpi_poor is (expected >= params.k)
        population.add(deprived, params.weights, params.k)
    assert result(run, homes[0]).dep_living_housing and result(run, homes[0]).dep_living_road
    assert result(run, homes[2]).dep_education_adults
    total = selectors.mpi_population(run)
    assert (total.n, total.q, total.censored_sum) == (population.n, population.q, population.censored_sum)
    assert total.M0 == total.H * total.A


def test_run_summary_and_village_results(rules):
    from fupin.registry.models import VillageProfile

    registry.update_village(actor=None, division=Division.objects.get(code=JIANYUAN),
                            changes={"collective_income": Decimal(0), "paved_road": False})
    poor = [make_household() for _ in range(3)]
    for h in poor:
        income(h, 1000)
    rich = make_household(HUFANG_VILLAGE)
    income(rich, 90000)
    run = identify(rules)
    assert run.status == "done" and run.summary["households"] == 4 and run.summary["poor"] == 3
    village = run.village_results.get(division_code=JIANYUAN)
    assert village.incidence == Decimal(100) and village.high_incidence and village.low_income
    assert village.no_collective_income and village.suggest_poor_village and village.suggest_infrastructure
    other = run.village_results.get(division_code=HUFANG_VILLAGE)
    assert not other.suggest_poor_village and other.no_collective_income is None
    assert VillageProfile.objects.count() == 1


def test_real_runs_lock_their_rule_set_and_past_runs_stay_reproducible(rules):
    home = make_household()
    income(home, 3000)
    run = identify(rules)
    rules.refresh_from_db()
    assert rules.is_locked
    with pytest.raises(ValidationError):
        actions.update_rule_set(actor=None, rule_set=rules, changes={"income_line": Decimal(2000)})
    copy = actions.copy_rule_set(actor=None, source=rules)
    assert copy.version == rules.version + 1 and copy.status == RuleSetStatus.DRAFT
    with pytest.raises(ValidationError):  # drafts are for dry runs only
        identify(copy)
    actions.update_rule_set(actor=None, rule_set=copy, changes={"income_line": Decimal(2500)})
    dry = identify(copy, dry_run=True)
    copy.refresh_from_db()
    assert not copy.is_locked
    assert result(dry, home).conclusion == "not_poor"
    # the first run still says what it said, with the parameters it used
    assert result(run, home).conclusion == "poor" and Decimal(run.params["income_line"]) == 4000


def test_comparing_a_draft_with_the_official_run(rules):
    homes = [make_household() for _ in range(4)]
    for h, net in zip(homes, (3000, 4100, 4300, 8000), strict=True):
        income(h, net)
    official = identify(rules)
    draft = actions.copy_rule_set(actor=None, source=rules)
    actions.update_rule_set(actor=None, rule_set=draft, changes={"income_line": Decimal(4500)})
    dry = identify(draft, dry_run=True)
    diff = selectors.compare(official, dry)
    assert diff["counts"]["added"] == 2 and diff["counts"]["removed"] == 0
    assert set(diff["changes"]["added"].values_list("household_id", flat=True)) == {homes[1].pk, homes[2].pk}
    assert diff["poor"] == (1, 3)


def test_rule_set_validation(rules):
    draft = actions.copy_rule_set(actor=None, source=rules)
    with pytest.raises(ValidationError) as err:
        actions.update_rule_set(actor=None, rule_set=draft, changes={"mpi_weights": {"health_illness": "1/2"}})
    assert "mpi_weights" in err.value.message_dict
    with pytest.raises(ValidationError):
        actions.update_rule_set(actor=None, rule_set=draft, changes={"monitoring_threshold": Decimal(1000)})
    with pytest.raises(ValidationError):
        actions.update_rule_set(actor=None, rule_set=draft, changes={"mpi_k": "0"})


def test_results_are_never_updated_by_later_runs(rules):
    home = make_household()
    income(home, 3000)
    first = identify(rules)
    income(home, 9000)
    second = identify(rules)
    assert result(first, home).conclusion == "poor" and result(second, home).conclusion == "not_poor"
    assert IdentificationResult.objects.filter(household=home).count() == 2
    assert re.match(r"人均纯收入 9,000 元", result(second, home).explanation)
    latest = selectors.household_card_section(None, home)["latest"]
    assert latest.run_id == second.pk


def test_rule_sets_without_monitoring_threshold_or_province_figures_still_run(rules):
    draft = actions.copy_rule_set(actor=None, source=rules)
    actions.update_rule_set(actor=None, rule_set=draft, changes={
        "monitoring_threshold": None, "province_rural_income": None, "province_poverty_rate": None,
        "income_drop_ratio": Decimal(0)})
    home = make_household(household_type="exited")
    income(home, 3000)
    r = result(identify(draft, dry_run=True), home)
    assert r.conclusion == "poor" and r.monitoring == "" and r.below_monitoring is None
    village = IdentificationResult.objects.get(pk=r.pk).run.village_results.get()
    assert village.high_incidence is None and village.low_income is None
