"""Each rule at its edges, computed by the set-based run on the database."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fupin.core.actions import SYSTEM
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
    (dt.date(2017, 9, 1), False),   # 6 only after the 31 August cut-off: starts school in 2024
    (dt.date(2017, 8, 31), True),   # 6 on the cut-off day: in grade 1 of the 2023 school year
    (dt.date(2008, 9, 1), True),    # 14 on the cut-off day: in grade 9
    (dt.date(2008, 8, 31), False),  # 15 on the cut-off day: the nine years are done
])
def test_school_age_follows_the_school_year(rules, birth, counted):
    home = make_household(members=[child(birth, schooling="preschool_age" if birth.year >= 2017 else "not_in_school",
                                         education="" if birth.year >= 2017 else "primary")])
    income(home, 30000)
    r = result(identify(rules), home)
    assert r.education_ok is (not counted)
    assert r.conclusion == "not_poor"  # far above the line: a gap to close, never 贫困户 by itself


def test_the_school_year_cut_off_is_a_rule_set_value(rules):
    home = make_household(members=[child(dt.date(2017, 12, 31), schooling="preschool_age")])
    income(home, 30000)
    assert result(identify(rules, dry_run=True), home).education_ok is True  # starts in September 2024
    draft = actions.copy_rule_set(actor=SYSTEM, source=rules)
    actions.update_rule_set(actor=SYSTEM, rule_set=draft, changes={"school_year_cutoff": "12-31"})
    assert result(identify(draft, dry_run=True), home).education_ok is False
    with pytest.raises(ValidationError) as err:
        actions.update_rule_set(actor=SYSTEM, rule_set=draft, changes={"school_year_cutoff": "13-01"})
    assert "school_year_cutoff" in err.value.message_dict


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


def test_a_guarantee_gap_far_above_the_line_is_a_gap_to_close_not_poverty(rules):
    uninsured = make_household(household_type="ordinary", members=[
        person("spouse", sex="2", medical_insurance=False, critical_illness_insurance=False)])
    income(uninsured, 101200)  # 50,600 per person
    house = make_household(household_type="ordinary", house_grade="C")
    income(house, 21358)
    run = identify(rules)
    for home in (uninsured, house):
        r = result(run, home)
        assert r.conclusion == "not_poor" and r.monitoring == "" and not r.gap_admitted
        assert r.explanation.count("结论：") == 1 and r.explanation.endswith("结论：非贫困户，有保障缺口须解决")
    assert result(run, uninsured).medical_ok is False and result(run, house).housing_ok is False


@pytest.mark.parametrize(("net", "grade", "poor", "admitted"), [
    (Decimal("3999"), "A", True, False),   # one yuan below the line, no gap: poor by income
    (Decimal("4000"), "A", False, False),  # at the line, no gap
    (Decimal("4000"), "D", True, True),    # at the line with a D house: admitted by the local rule
    (Decimal("4499"), "C", True, True),    # one yuan under the ceiling
    (Decimal("4500"), "C", False, False),  # at the ceiling: not admitted
])
def test_a_county_may_admit_a_gap_just_above_the_line_up_to_its_ceiling(rules, net, grade, poor, admitted):
    draft = actions.copy_rule_set(actor=SYSTEM, source=rules)
    actions.update_rule_set(actor=SYSTEM, rule_set=draft, changes={"gap_ceiling": Decimal(4500),
                                                                  "gap_tests": "housing,education"})
    home = make_household(household_type="ordinary", house_grade=grade)
    income(home, net)
    r = result(identify(draft, dry_run=True), home)
    assert (r.conclusion == "poor") is poor and r.gap_admitted is admitted
    assert r.explanation.count("结论：") == 1 and r.explanation.count("结论：贫困户") == (1 if poor else 0)
    if admitted:
        assert "人均纯收入低于本县规定的 4,500 元且义务教育、住房安全有未达标项，按地方规则纳入识别" in r.explanation
        assert r.monitoring == ""  # one conclusion: poor, not also a monitoring candidate


def test_only_the_gaps_the_rule_set_names_count_toward_identification(rules):
    draft = actions.copy_rule_set(actor=SYSTEM, source=rules)
    actions.update_rule_set(actor=SYSTEM, rule_set=draft, changes={"gap_ceiling": Decimal(5000), "gap_tests": "housing"})
    uninsured = make_household(household_type="ordinary",
                               head=person("head", medical_insurance=False, critical_illness_insurance=False))
    income(uninsured, 4200)
    r = result(identify(draft, dry_run=True), uninsured)
    assert r.conclusion == "not_poor" and r.medical_ok is False and r.monitoring == "marginal"
    assert r.explanation.count("结论：") == 1 and "列为边缘易致贫户监测对象" in r.explanation


@pytest.mark.parametrize(("changes", "field"), [
    ({"gap_ceiling": Decimal(6001)}, "gap_ceiling"),  # above the monitoring line (6,000)
    ({"gap_ceiling": Decimal(4000)}, "gap_ceiling"),  # at the line: would do nothing
    ({"gap_ceiling": Decimal(5000), "gap_tests": ""}, "gap_tests"),
    ({"gap_ceiling": Decimal(5000), "gap_tests": "housing,luck"}, "gap_tests"),
    ({"gap_ceiling": Decimal(5000), "monitoring_threshold": None}, "gap_ceiling"),
    ({"exit_margin": Decimal(-1)}, "exit_margin"),
    ({"risk_clear_years": 0}, "risk_clear_years"),
])
def test_the_gap_ceiling_is_at_most_the_monitoring_line_and_other_limits(rules, changes, field):
    draft = actions.copy_rule_set(actor=SYSTEM, source=rules)
    with pytest.raises(ValidationError) as err:
        actions.update_rule_set(actor=SYSTEM, rule_set=draft, changes=changes)
    assert field in err.value.message_dict
    draft.refresh_from_db()
    assert draft.gap_ceiling is None  # nothing written


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
    # below the line: 贫困户 (a relapse for the ex-poor), not also a monitoring candidate
    relapsed = make_household(household_type="exited")
    income(relapsed, 3999)
    # a gap far above the monitoring range is a gap to close, not a candidate
    gap_only = make_household(household_type="ordinary", house_grade="D")
    income(gap_only, 30000)
    run = identify(rules)
    assert result(run, unstable).monitoring == "unstable"
    assert result(run, unstable).explanation.endswith("结论：列为脱贫不稳定户监测对象（脱贫户人均纯收入低于监测线 6,000 元）")
    assert result(run, marginal).monitoring == "marginal"
    assert result(run, safe).monitoring == ""
    r = result(run, hardship)
    assert r.monitoring == "hardship" and "合规自付医疗支出 10,001 元" in r.explanation
    assert result(run, below_half).monitoring == ""
    assert result(run, ordinary_spending).monitoring == ""
    r = result(run, relapsed)
    assert r.conclusion == "poor" and r.monitoring == "" and "监测对象" not in r.explanation
    r = result(run, gap_only)
    assert r.conclusion == "not_poor" and r.monitoring == "" and r.housing_ok is False
    for home in (unstable, marginal, safe, hardship, below_half, ordinary_spending, relapsed, gap_only):
        assert result(run, home).explanation.count("结论：") == 1


def test_risk_elimination_in_the_run_needs_two_years_above_the_monitoring_line_and_six_months(rules):
    long_ago = dt.date(2022, 1, 1)
    both_years = make_household(household_type="monitored", monitoring_start=long_ago)
    income(both_years, 9000)
    income(both_years, 6000, year=2022)  # at the monitoring line last year: not below it
    last_year_below = make_household(household_type="monitored", monitoring_start=long_ago)
    income(last_year_below, 9000)
    income(last_year_below, 5999, year=2022)
    recent = make_household(household_type="monitored", monitoring_start=dt.date(2023, 6, 30))  # 6 months on 30 Dec
    income(recent, 9000)
    income(recent, 9000, year=2022)
    too_recent = make_household(household_type="monitored", monitoring_start=dt.date(2023, 7, 1))  # on 1 January
    income(too_recent, 9000)
    income(too_recent, 9000, year=2022)
    with_gap = make_household(household_type="monitored", monitoring_start=long_ago, house_grade="C")
    income(with_gap, 9000)
    income(with_gap, 9000, year=2022)
    nobody_works = make_household(household_type="monitored", monitoring_start=long_ago,
                                  head=person("head", labour_skill="lost"))
    income(nobody_works, 9000)
    income(nobody_works, 9000, year=2022)
    run = identify(rules)
    assert result(run, both_years).risk_cleared is True
    assert result(run, both_years).explanation.endswith("结论：监测户，符合风险消除条件")
    assert result(run, recent).risk_cleared is True
    for home in (last_year_below, too_recent, with_gap, nobody_works):
        r = result(run, home)
        assert r.risk_cleared is False and r.explanation.count("结论：监测户，继续监测") == 1
    assert "上年人均纯收入 5,999 元 低于上年监测线 6,000 元" in result(run, last_year_below).explanation
    draft = actions.copy_rule_set(actor=SYSTEM, source=rules)
    actions.update_rule_set(actor=SYSTEM, rule_set=draft, changes={"risk_clear_years": 1, "risk_clear_min_months": 0})
    dry = identify(draft, dry_run=True)
    assert result(dry, last_year_below).risk_cleared is True and result(dry, too_recent).risk_cleared is True


@pytest.mark.parametrize(("now", "before", "stable"), [
    (Decimal("4001"), Decimal("4001"), True),   # one yuan above the line, both years
    (Decimal("4000"), Decimal("5000"), False),  # exactly at the line this year is not above it
    (Decimal("4001"), Decimal("3999"), False),  # below the line last year: not stable
    (Decimal("50000"), None, False),            # no income last year: stability unknown
])
def test_exit_needs_income_above_the_line_this_year_and_last(rules, now, before, stable):
    home = make_household()  # registered poor
    income(home, now)
    if before is not None:
        income(home, before, year=2022)
    r = result(identify(rules), home)
    assert r.stable_above is stable and r.conclusion == "not_poor"
    assert r.explanation.count("结论：") == 1
    expected = "收入稳定超过收入线，符合退出条件" if stable else "收入尚未稳定超过收入线"
    assert r.explanation.endswith(expected)


def test_the_exit_margin_and_the_previous_year_switch_are_rule_set_values(rules):
    home = make_household()
    income(home, 4299)
    income(home, 3000, year=2022)
    draft = actions.copy_rule_set(actor=SYSTEM, source=rules)
    actions.update_rule_set(actor=SYSTEM, rule_set=draft, changes={"exit_prior_year": False})
    assert result(identify(draft, dry_run=True), home).stable_above is True
    actions.update_rule_set(actor=SYSTEM, rule_set=draft, changes={"exit_margin": Decimal(300)})
    r = result(identify(draft, dry_run=True), home)
    assert r.stable_above is False and "未高出收入线 300 元" in r.explanation
    income(home, 4300)
    assert result(identify(draft, dry_run=True), home).stable_above is True


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

    registry.update_village(actor=SYSTEM, division=Division.objects.get(code=JIANYUAN),
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
        actions.update_rule_set(actor=SYSTEM, rule_set=rules, changes={"income_line": Decimal(2000)})
    copy = actions.copy_rule_set(actor=SYSTEM, source=rules)
    assert copy.version == rules.version + 1 and copy.status == RuleSetStatus.DRAFT
    with pytest.raises(ValidationError):  # drafts are for dry runs only
        identify(copy)
    actions.update_rule_set(actor=SYSTEM, rule_set=copy, changes={"income_line": Decimal(2500)})
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
    draft = actions.copy_rule_set(actor=SYSTEM, source=rules)
    actions.update_rule_set(actor=SYSTEM, rule_set=draft, changes={"income_line": Decimal(4500)})
    dry = identify(draft, dry_run=True)
    diff = selectors.compare(official, dry)
    assert diff["counts"]["added"] == 2 and diff["counts"]["removed"] == 0
    assert set(diff["changes"]["added"].values_list("household_id", flat=True)) == {homes[1].pk, homes[2].pk}
    assert diff["poor"] == (1, 3)


def test_rule_set_validation(rules):
    draft = actions.copy_rule_set(actor=SYSTEM, source=rules)
    with pytest.raises(ValidationError) as err:
        actions.update_rule_set(actor=SYSTEM, rule_set=draft, changes={"mpi_weights": {"health_illness": "1/2"}})
    assert "mpi_weights" in err.value.message_dict
    with pytest.raises(ValidationError):
        actions.update_rule_set(actor=SYSTEM, rule_set=draft, changes={"monitoring_threshold": Decimal(1000)})
    with pytest.raises(ValidationError):
        actions.update_rule_set(actor=SYSTEM, rule_set=draft, changes={"mpi_k": "0"})


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
    draft = actions.copy_rule_set(actor=SYSTEM, source=rules)
    actions.update_rule_set(actor=SYSTEM, rule_set=draft, changes={
        "monitoring_threshold": None, "province_rural_income": None, "province_poverty_rate": None,
        "income_drop_ratio": Decimal(0)})
    home = make_household(household_type="exited")
    income(home, 3000)
    r = result(identify(draft, dry_run=True), home)
    assert r.conclusion == "poor" and r.monitoring == "" and r.below_monitoring is None
    assert r.explanation.count("结论：") == 1
    village = IdentificationResult.objects.get(pk=r.pk).run.village_results.get()
    assert village.high_incidence is None and village.low_income is None


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=st.lists(st.tuples(st.integers(min_value=0, max_value=30000), st.sampled_from(["A", "C", "D"]),
                                st.booleans(), st.sampled_from(["poor", "exited", "ordinary", "monitored"])),
                      min_size=3, max_size=8))
def test_income_alone_decides_and_every_explanation_states_one_conclusion(rules, cases):
    """Whatever the income, house and insurance, and the household's type: poor exactly when the
    per-capita income is below the line, never a monitoring candidate as well, one conclusion."""
    IdentificationResult.objects.all().delete()
    homes = []
    for net, grade, insured, kind in cases:
        extra = {} if kind in ("poor", "exited", "monitored") else {"poverty_attribute": "", "main_cause": ""}
        home = make_household(household_type=kind, house_grade=grade, head=person(
            "head", medical_insurance=insured, critical_illness_insurance=insured), **extra)
        income(home, net)
        homes.append((home, net))
    run = identify(rules, dry_run=True)
    for home, net in homes:
        r = result(run, home)
        assert (r.conclusion == "poor") is (net < 4000), (net, r.explanation)
        assert not (r.conclusion == "poor" and r.monitoring)
        assert r.explanation.count("结论：") == 1
        if r.conclusion == "poor":
            assert r.explanation.count("结论：贫困户") == 1
        if net >= 6000 and r.monitoring:
            assert r.monitoring == "hardship"  # above the monitoring range only severe hardship
