"""The plan's targets: each target's value, target, gap and drill-down list on small data (met, not
met, exactly at the threshold), the resolution of target rows by region and year, the audited
settings, scope and capabilities, and the pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fupin.core.actions import SYSTEM
from fupin.core.models import AuditEvent
from fupin.insights import actions, targets
from fupin.insights.models import Target
from fupin.programmes import actions as programmes
from fupin.registry import actions as registry
from tests.conftest import login
from tests.factories import (
    COUNTY,
    HUFANG,
    HUFANG_VILLAGE,
    JIANYUAN,
    TANXI,
    TANXI_VILLAGE,
    make_household,
    person,
)
from tests.insights import support_targets as support

YEAR = support.YEAR
pytestmark = pytest.mark.django_db


def assess(user, key, area=COUNTY, year=YEAR):
    return targets.assess(targets.Context(user, area, year), key)


def listed(user, key, area=COUNTY, year=YEAR):
    return set(targets.gap_list(user, area, year, key).values_list("household_id" if key.endswith(
        ("income", "growth")) else "pk", flat=True))


# --- the pure rules ---------------------------------------------------------------------------------

def test_met_and_gap_by_direction():
    assert targets.is_met("min", Decimal(70), Decimal(70)) is True
    assert targets.gap_of("min", Decimal("69.9"), Decimal(70)) == Decimal("0.1")
    assert targets.is_met("max", 0, Decimal(0)) is True
    assert targets.gap_of("max", 3, Decimal(0)) == 3
    assert targets.is_met("above", Decimal(25), Decimal(25)) is False  # "above" is strict
    assert targets.gap_of("above", Decimal(25), Decimal(25)) == 0
    assert targets.is_met("min", None, Decimal(1)) is None
    assert targets.gap_of("min", Decimal(1), None) is None
    assert str(targets.plain(Decimal("70.00"))) == "70" and str(targets.plain(Decimal("24.90"))) == "24.9"
    assert targets.plain(None) is None


def test_reference_day_is_the_end_of_a_past_year(clock):
    assert targets.reference_day(2023) == dt.date(2023, 12, 31)
    assert targets.reference_day(clock.today().year) == clock.today()


# --- income of mild and moderate households ------------------------------------------------------

def test_mild_income_share_met_exactly_at_the_threshold(users):
    support.rule_sets()  # county rural income 5,000: 70% is 3,500
    support.single(net=3500)
    support.single(net=3700)
    support.identify()
    a = assess(users["county"], "mild_income")
    assert a.value == Decimal("72.0")  # (3500 + 3700) / 2 / 5000
    assert a.target == Decimal(70) and a.met is True and a.gap == 0
    assert listed(users["county"], "mild_income") == set()  # 3,500 is not below 70%


def test_mild_income_share_not_met_lists_the_households_below(users):
    support.rule_sets()
    low = support.single(net=3000)
    support.single(net=3600)
    support.identify()
    a = assess(users["county"], "mild_income")
    assert a.value == Decimal("66.0") and a.met is False and a.gap == Decimal("4.0")
    assert listed(users["county"], "mild_income") == {low.pk}


def test_moderate_households_are_those_with_only_weak_labour(users):
    support.rule_sets()  # 50% of 5,000 is 2,500
    weak = support.single(net=2400, skill="weak")
    support.single(net=1000)  # mild: not counted here
    support.identify()
    a = assess(users["county"], "moderate_income")
    assert a.value == Decimal("48.0") and a.met is False
    assert listed(users["county"], "moderate_income") == {weak.pk}


def test_income_shares_are_over_the_registered_households_of_the_degree_not_the_runs_poor(users):
    """建档立卡 (registered poor and exited) of the degree, whatever the run concluded: a registered
    household above the line still counts (it is the plan's population); ordinary households never."""
    support.rule_sets()  # county rural income 5,000
    support.single(net=3000)  # registered poor, poor in the run
    support.single(net=6000)  # registered poor, above the line this year: still counted
    support.single(net=4000, household_type="exited", exit_year=2019)  # exited: counted
    support.single(net=1000, household_type="ordinary", poverty_attribute="", main_cause="")  # poor, not 建档立卡
    support.identify()
    a = assess(users["county"], "mild_income")
    assert a.value == Decimal("86.7")  # (3000 + 6000 + 4000) / 3 / 5000 = 86.67%
    assert dict(a.figures)["户数"] == 3


def test_income_targets_without_a_run_or_county_income_are_not_assessed(users):
    support.rule_sets()
    support.single(net=3000)
    a = assess(users["county"], "mild_income")
    assert a.value is None and a.met is None and "尚无正式识别结果" in a.note


# --- income growth ---------------------------------------------------------------------------------

def test_growth_must_be_above_the_county_growth_from_the_rule_sets(users):
    support.rule_sets()  # 4,000 -> 5,000: 25%
    equal = support.single(net=3750, before=3000)  # 25%: not above
    support.single(net=3900, before=3000)  # 30%
    support.identify()
    a = assess(users["county"], "income_growth")
    assert a.target == Decimal("25.0") and "规则集" in a.origin
    assert a.value == Decimal("27.5") and a.met is True
    assert listed(users["county"], "income_growth") == {equal.pk}


def test_a_configured_growth_figure_replaces_the_rule_sets(users):
    support.rule_sets()
    support.single(net=3750, before=3000)
    support.identify()
    actions.set_target(actor=users["county"], region_code=COUNTY, year=YEAR, key="income_growth",
                       threshold=Decimal(25), note="县统计局公布")
    assert assess(users["county"], "income_growth").met is False  # 25% is not above 25%
    actions.set_target(actor=users["county"], region_code=COUNTY, year=YEAR, key="income_growth",
                       threshold=Decimal("24.9"))
    a = assess(users["county"], "income_growth")
    assert a.met is True and a.target == Decimal("24.9")


# --- houses, relocation, zero employment, industry and skill ----------------------------------------

def test_dangerous_houses_value_is_what_is_left(users):
    left = make_household(house_grade="C")
    make_household(house_grade="D", house_renovated=True)
    make_household(HUFANG_VILLAGE, house_grade="B")
    a = assess(users["county"], "houses")
    assert (a.value, a.target, a.gap, a.met) == (1, 0, 1, False)
    assert listed(users["county"], "houses") == {left.pk}
    registry.update_household(actor=SYSTEM, household=left, changes={"house_renovated": True})
    a = assess(users["county"], "houses")
    assert (a.value, a.met) == (0, True)
    assert listed(users["county"], "houses") == set()


def test_houses_count_registered_households_not_relocated_only(users):
    """建档立卡 households with an unrenovated C/D house that have not moved away."""
    poor = make_household(house_grade="C")
    exited = make_household(house_grade="D", household_type="exited")
    make_household(house_grade="C", relocated=True, relocation_willing=True)  # moved: the house is left behind
    make_household(house_grade="D", household_type="ordinary", poverty_attribute="", main_cause="")
    make_household(house_grade="C", household_type="monitored")  # a gap to close, not the plan's target
    a = assess(users["county"], "houses")
    assert a.value == 2 and listed(users["county"], "houses") == {poor.pk, exited.pk}
    assert "建档立卡" in str(a.definition.population)


def test_relocation_counts_willing_registered_households(users):
    waiting = make_household(relocation_willing=True, household_type="exited")
    make_household(relocation_willing=True, household_type="ordinary", poverty_attribute="", main_cause="")
    make_household(relocation_willing=True, household_type="monitored")
    a = assess(users["county"], "relocation")
    assert a.value == 1 and listed(users["county"], "relocation") == {waiting.pk}


def test_industry_and_skill_count_households_able_and_willing_to_work(users):
    unwilling = make_household(head=person("head", work_willing=False))
    willing = make_household()
    make_household(household_type="monitored")  # not 建档立卡
    assert listed(users["county"], "industry_skill") == {willing.pk}
    registry.update_member(actor=SYSTEM, member=unwilling.members.get(), changes={"work_willing": True})
    assert listed(users["county"], "industry_skill") == {willing.pk, unwilling.pk}


def test_willing_households_not_relocated(users):
    waiting = make_household(relocation_willing=True)
    make_household(relocation_willing=True, relocated=True)
    a = assess(users["county"], "relocation")
    assert (a.value, a.met) == (1, False)
    assert listed(users["county"], "relocation") == {waiting.pk}


def test_zero_employment_uses_the_programmes_rule(users):
    household = support.single()
    a = assess(users["county"], "zero_employment")
    assert (a.value, a.met) == (1, False)
    assert listed(users["county"], "zero_employment") == {household.pk}
    programmes.record_employment(actor=SYSTEM, member=support.head(household), employer="黎川县白茶厂", place="黎川",
                                 started_on=dt.date(YEAR, 3, 1), monthly_wage=Decimal(2500))
    assert assess(users["county"], "zero_employment").met is True


def test_every_able_household_needs_an_industry_and_a_skill(users):
    from tests.programmes.support import industries

    tea = industries()["白茶"]
    neither = support.single()
    skilled_only = support.single(skill="skilled")
    both = support.single(skill="skilled")
    programmes.add_participation(actor=SYSTEM, household=both, industry=tea, year=YEAR, scale=Decimal(2),
                                 started_on=dt.date(YEAR, 2, 1))
    industry_only = support.single()
    programmes.add_participation(actor=SYSTEM, household=industry_only, industry=tea, year=YEAR, scale=Decimal(1),
                                 started_on=dt.date(YEAR, 2, 1))
    support.single(skill="lost")  # nobody able to work: not counted
    a = assess(users["county"], "industry_skill")
    # missing an industry: neither, skilled_only; missing a skill: neither, industry_only; the value
    # counts each household once
    assert (a.value, a.met) == (3, False)
    assert dict(a.figures) == {"有劳动能力和劳动意愿的户": 4, "缺少产业": 2, "缺少技能": 2}
    assert listed(users["county"], "industry_skill") == {neither.pk, skilled_only.pk, industry_only.pk}


def test_a_completed_training_counts_as_a_skill(users):
    from tests.programmes.support import industries

    tea = industries()["白茶"]
    household = support.single()
    programmes.add_participation(actor=SYSTEM, household=household, industry=tea, year=YEAR, scale=Decimal(1),
                                 started_on=dt.date(YEAR, 2, 1))
    assert assess(users["county"], "industry_skill").value == 1
    support.trained(support.course(HUFANG), support.head(household))
    assert assess(users["county"], "industry_skill").met is True


# --- training -------------------------------------------------------------------------------------------

def test_training_rate_boundary_and_the_trainees_behind_the_gap(users):
    course = support.course(HUFANG)
    employed = support.trained(course, support.head(support.single()), employed=True)
    idle = support.trained(course, support.head(support.single()))
    actions.set_target(actor=users["county"], region_code=COUNTY, year=YEAR, key="trained_employed",
                       threshold=Decimal(50))
    a = assess(users["county"], "trained_employed")
    assert (a.value, a.met) == (Decimal("50.0"), True)
    ids = set(targets.gap_list(users["county"], COUNTY, YEAR, "trained_employed").values_list("pk", flat=True))
    assert ids == {idle.pk} and employed.pk not in ids
    actions.set_target(actor=users["county"], region_code=COUNTY, year=YEAR, key="trained_employed",
                       threshold=Decimal("50.1"))
    assert assess(users["county"], "trained_employed").met is False


def test_the_number_trained_is_assessed_only_where_it_is_set(users):
    course = support.course(HUFANG)
    support.trained(course, support.head(support.single()))
    a = assess(users["county"], "trained")
    assert (a.value, a.target, a.met) == (1, Decimal(1000), False)
    township = assess(users["county"], "trained", area=HUFANG)
    assert township.target is None and township.met is None
    actions.set_target(actor=users["county"], region_code=HUFANG, year=YEAR, key="trained", threshold=Decimal(1))
    assert assess(users["county"], "trained", area=HUFANG).met is True
    assert assess(users["county"], "trained", area=JIANYUAN).target is None  # not inherited


# --- 以奖代补 ------------------------------------------------------------------------------------------

def test_reward_share_is_county_wide(users):
    county = assess(users["county"], "reward_share")
    assert county.target == Decimal("30.0") and county.value is None and "中央产业扶贫资金" in county.note
    township = assess(users["township"], "reward_share", area=HUFANG)
    assert township.value is None and township.met is None and "县级" in township.note


@pytest.mark.parametrize(("paid", "met"), [("300000.00", True), ("299999.99", False)])
def test_reward_share_from_the_funds_policy_check(users, paid, met):
    from fupin.funds import actions as funds
    from fupin.funds.models import DisbursementMode
    from tests.funds.support import project, source

    finance = users["finance"]
    household = make_household()
    fund = source(finance, amount="1000000")
    allocation = funds.allocate(actor=finance, source=fund, project=project(finance, budget="1000000",
                                                                            households=[household]),
                                amount="1000000", household=household)
    funds.disburse(actor=finance, allocation=allocation, amount=paid, mode=DisbursementMode.REWARD, voucher_no="V1")
    a = assess(users["county"], "reward_share")
    assert a.met is met and a.target == Decimal(30)
    assert a.value == (Decimal(30) if met else Decimal("30.0"))  # 29.999999% is shown rounded, judged exactly
    assert a.gap == (0 if met else Decimal("0.1"))  # a gap is rounded up: never 0 when not met


# --- target rows: region and year ------------------------------------------------------------------

def test_the_most_specific_region_then_the_latest_year_wins(users):
    county = users["county"]
    actions.set_target(actor=county, region_code=COUNTY, year=2021, key="mild_income", threshold=Decimal(60))
    actions.set_target(actor=county, region_code=COUNTY, year=YEAR, key="mild_income", threshold=Decimal(65))
    actions.set_target(actor=county, region_code=COUNTY, year=YEAR + 1, key="mild_income", threshold=Decimal(99))
    actions.set_target(actor=county, region_code=HUFANG, year=2020, key="mild_income", threshold=Decimal(80))
    ctx = targets.Context(county, COUNTY, YEAR)
    assert ctx.resolve("mild_income", COUNTY).threshold == Decimal(65)
    assert ctx.resolve("mild_income", JIANYUAN).threshold == Decimal(80)  # the township's row
    assert ctx.resolve("mild_income", TANXI).threshold == Decimal(65)
    assert targets.Context(county, COUNTY, 2022).resolve("mild_income", COUNTY).threshold == Decimal(60)
    assert targets.Context(county, COUNTY, 2019).resolve("mild_income", COUNTY).threshold == Decimal(70)  # plan


def test_a_disabled_target_is_not_assessed(users):
    make_household(house_grade="C")
    actions.set_target(actor=users["county"], region_code=COUNTY, year=YEAR, key="houses", threshold=Decimal(0),
                       enabled=False)
    a = assess(users["county"], "houses")
    assert a.value == 1 and a.met is None and a.gap is None


def test_set_target_is_audited_with_before_and_after(users):
    actions.set_target(actor=users["county"], region_code=COUNTY, year=YEAR, key="houses", threshold=Decimal(0))
    row = actions.set_target(actor=users["county"], region_code=COUNTY, year=YEAR, key="houses",
                             threshold=Decimal(5), note="分两年完成")
    assert Target.objects.count() == 1 and row.threshold == Decimal(5) and row.county_code == COUNTY
    event = AuditEvent.objects.filter(verb="insights.target.set").latest("pk")
    assert event.before == {"threshold": "0", "note": ""} and event.after == {"threshold": "5", "note": "分两年完成"}
    assert event.actor == users["county"] and event.division_code == COUNTY


@pytest.mark.parametrize(("fields", "field"), [
    ({"region_code": "3610"}, "region_code"),
    ({"region_code": "361022999999"}, "region_code"),
    ({"key": "nonsense"}, "key"),
    ({"year": 1999}, "year"),
    ({"threshold": None}, "threshold"),
    ({"threshold": Decimal(101)}, "threshold"),
    ({"key": "houses", "threshold": Decimal(-1)}, "threshold"),
    ({"key": "houses", "threshold": Decimal("1.5")}, "threshold"),
])
def test_bad_targets_are_refused_and_nothing_is_written(users, fields, field):
    data = {"region_code": COUNTY, "year": YEAR, "key": "mild_income", "threshold": Decimal(70), **fields}
    with pytest.raises(ValidationError) as error:
        actions.set_target(actor=users["county"], **data)
    assert field in error.value.message_dict
    assert not Target.objects.exists() and not AuditEvent.objects.filter(verb="insights.target.set").exists()


def test_only_the_target_manager_sets_targets_in_their_area(users):
    with pytest.raises(PermissionDenied):
        actions.set_target(actor=users["township"], region_code=HUFANG, year=YEAR, key="houses", threshold=Decimal(0))
    with pytest.raises(PermissionDenied):
        actions.set_target(actor=users["auditor"], region_code=COUNTY, year=YEAR, key="houses", threshold=Decimal(0))
    assert not Target.objects.exists()


# --- breakdown and scope ----------------------------------------------------------------------------

def test_breakdown_by_township_and_village(users):
    make_household(house_grade="C")
    make_household(TANXI_VILLAGE, house_grade="D")
    make_household(TANXI_VILLAGE, house_grade="D")
    children, table = targets.breakdown(users["county"], COUNTY, YEAR)
    assert {HUFANG, TANXI} <= {c.code for c in children}
    houses = next(t for t in table if t["definition"].key == "houses")
    cells = {c["code"]: c for c in houses["cells"]}
    assert cells[HUFANG]["value"] == 1 and cells[TANXI]["value"] == 2 and cells[HUFANG]["met"] is False
    assert all(t["definition"].key != "reward_share" for t in table)
    villages, table = targets.breakdown(users["county"], HUFANG, YEAR, keys=["houses"])
    assert [v.code for v in villages] == [c["code"] for c in table[0]["cells"]]
    cells = {c["code"]: c["value"] for c in table[0]["cells"]}
    assert cells[JIANYUAN] == 1 and cells[HUFANG_VILLAGE] == 0
    assert targets.breakdown(users["county"], JIANYUAN, YEAR) == ([], [])


def test_a_township_sees_only_its_own_households(users):
    mine = make_household(house_grade="C")
    theirs = make_household(TANXI_VILLAGE, house_grade="C")
    assert listed(users["township"], "houses", area=HUFANG) == {mine.pk}
    assert listed(users["other_township"], "houses", area=TANXI) == {theirs.pk}
    assert listed(users["other_township"], "houses", area=HUFANG) == set()
    assert assess(users["township"], "houses", area=COUNTY).value == 1  # narrowed to what it may see


# --- pages ---------------------------------------------------------------------------------------------

def test_targets_page_lists_every_target_with_badges(client, users):
    make_household(house_grade="C")
    response = login(client, users["county"]).get(reverse("insights:targets"), {"area": COUNTY, "year": YEAR})
    assert response.status_code == 200
    text = response.content.decode()
    for definition in targets.DEFINITIONS.values():
        assert str(definition.label) in text
    assert 'data-testid="not-met"' in text and 'data-testid="breakdown"' in text and "湖坊乡" in text


def test_detail_page_lists_the_households_behind_the_gap(client, users):
    household = make_household(house_grade="C", head=person("head", name="危房户主"))
    response = login(client, users["township"]).get(reverse("insights:target_detail", args=["houses"]),
                                                    {"area": HUFANG, "year": YEAR})
    assert response.status_code == 200
    text = response.content.decode()
    assert household.household_code in text and "危房户主" in text
    assert reverse("registry:household_detail", args=[household.pk]) in text


def test_detail_page_of_another_township_shows_the_users_own_area(client, users):
    household = make_household(house_grade="C")
    response = login(client, users["other_township"]).get(reverse("insights:target_detail", args=["houses"]),
                                                          {"area": HUFANG, "year": YEAR})
    assert response.status_code == 200
    assert household.household_code not in response.content.decode()
    assert "潭溪乡" in response.content.decode()


def test_unknown_target_is_404(client, users):
    assert login(client, users["county"]).get(reverse("insights:target_detail", args=["nope"])).status_code == 404


def test_helpers_have_no_targets_page(client, users):
    assert login(client, users["helper"]).get(reverse("insights:targets")).status_code == 403


def test_settings_page_saves_a_target(client, users):
    login(client, users["county"])
    url = reverse("insights:target_settings")
    assert client.get(url).status_code == 200
    response = client.post(url, {"region_code": HUFANG, "year": YEAR, "key": "trained", "threshold": "120",
                                 "enabled": "on", "note": "乡镇分解任务"})
    assert response.status_code == 302
    row = Target.objects.get()
    assert (row.region_code, row.key, row.threshold, row.enabled) == (HUFANG, "trained", Decimal(120), True)
    assert "乡镇分解任务" in client.get(url).content.decode()


def test_settings_form_reshows_input_with_the_error(client, users):
    login(client, users["county"])
    response = client.post(reverse("insights:target_settings"),
                           {"region_code": COUNTY, "year": YEAR, "key": "mild_income", "threshold": "170"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "比例须在 0 至 100 之间" in text and 'value="170"' in text
    assert not Target.objects.exists()


def test_settings_page_needs_the_capability(client, users):
    assert login(client, users["township"]).get(reverse("insights:target_settings")).status_code == 403


def test_income_detail_lists_households_with_their_village(client, users):
    support.rule_sets()
    low = support.single(net=3000, name="低收入户主")
    support.identify()
    response = login(client, users["county"]).get(reverse("insights:target_detail", args=["mild_income"]),
                                                  {"area": COUNTY, "year": YEAR})
    text = response.content.decode()
    assert response.status_code == 200 and low.household_code in text and "低收入户主" in text
    assert "枧源村委会" in text and "3000.00" in text


@pytest.mark.parametrize("key", ["trained", "trained_employed", "reward_share", "income_growth"])
def test_every_detail_page_renders(client, users, key):
    course = support.course(HUFANG)
    support.trained(course, support.head(support.single(name="学员户主")))
    response = login(client, users["county"]).get(reverse("insights:target_detail", args=[key]), {"year": YEAR})
    assert response.status_code == 200
    text = response.content.decode()
    assert str(targets.DEFINITIONS[key].rule) in text
    if key == "trained_employed":
        assert "学员户主" in text
