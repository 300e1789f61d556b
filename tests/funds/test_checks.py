"""The plan's fund rules checked per year: pass, fail and the exact boundaries."""

from decimal import Decimal

import pytest

from fupin.core.actions import SYSTEM
from fupin.divisions.models import Division
from fupin.funds import actions, selectors
from fupin.funds.models import DisbursementMode, ProjectType, SourceKind
from fupin.registry import actions as registry_actions
from tests.factories import COUNTY, HUFANG, HUFANG_VILLAGE, JIANYUAN, TANXI_VILLAGE
from tests.funds.support import household, project, source

pytestmark = pytest.mark.django_db
D = Decimal


def _check(user, key, year=2023):
    found, limits = selectors.policy_checks(user, COUNTY, year)
    return next(c for c in found if c.key == key), limits


def figures(check) -> dict:
    return {f[0]: f[1] for f in check.figures}


def _poor(*codes):
    for code in codes:
        registry_actions.update_village(actor=SYSTEM, division=Division.objects.get(code=code),
                                        changes={"poverty_status": "poor"})


@pytest.mark.parametrize("paid, passed", [("300000.00", True), ("299999.99", False), ("300000.01", True)])
def test_reward_share_boundary(users, paid, passed):
    fin = users["finance"]
    h = household()
    s = source(fin, amount="1000000", kind=SourceKind.CENTRAL_INDUSTRY)
    p = project(fin, budget="1000000", households=[h])
    a = actions.allocate(actor=fin, source=s, project=p, amount="1000000", household=h)
    actions.disburse(actor=fin, allocation=a, amount=paid, mode=DisbursementMode.REWARD, voucher_no="V")
    # other modes do not count
    actions.disburse(actor=fin, allocation=a, amount="1000", mode=DisbursementMode.DIRECT_SUBSIDY, voucher_no="W")
    check, limits = _check(fin, "reward_share")
    assert check.passed is passed
    assert figures(check)["以奖代补支付（计入：有劳动能力和劳动意愿的户）"] == D(paid)
    assert figures(check)["实际比例"] == D(paid) / D("1000000") * 100
    assert limits.reward_share == D("0.30") and "默认值" in limits.origin


def test_reward_share_fails_without_the_fund_and_counts_reversals(users):
    fin = users["finance"]
    check, _ = _check(fin, "reward_share")
    assert check.passed is False
    h = household()
    s = source(fin, amount="100", kind=SourceKind.CENTRAL_INDUSTRY)
    p = project(fin, budget="100", households=[h])
    a = actions.allocate(actor=fin, source=s, project=p, amount="100", household=h)
    d = actions.disburse(actor=fin, allocation=a, amount="30", mode=DisbursementMode.REWARD, voucher_no="V")
    assert _check(fin, "reward_share")[0].passed
    actions.reverse_disbursement(actor=fin, disbursement=d, reason="错")
    assert not _check(fin, "reward_share")[0].passed


def test_reward_share_threshold_from_rule_table(users):
    fin = users["finance"]
    h = household()
    s = source(fin, amount="1000", kind=SourceKind.CENTRAL_INDUSTRY)
    p = project(fin, budget="1000", households=[h])
    a = actions.allocate(actor=fin, source=s, project=p, amount="1000", household=h)
    actions.disburse(actor=fin, allocation=a, amount="300", mode=DisbursementMode.REWARD, voucher_no="V")
    assert _check(fin, "reward_share")[0].passed
    actions.set_fund_rule(actor=fin, region_code=COUNTY, year=2023, reward_share="0.3001",
                          poor_village_amount="200000", village_infrastructure_min="1500000", document="新标准")
    check, limits = _check(fin, "reward_share")
    assert not check.passed and "新标准" in limits.origin


def test_reward_share_counts_only_households_able_and_willing_to_work(users):
    """The plan aims 以奖代补 at households able and willing to work: payments to others are listed, not counted."""
    import datetime as dt

    from tests.factories import person

    fin = users["finance"]
    able = household()
    no_labour = household(head=person("head", labour_skill="lost"))
    too_old = household(head=person("head", birth=dt.date(1963, 12, 31), exact=True))  # 60 on 31 Dec 2023
    unwilling = household(head=person("head", work_willing=False))
    s = source(fin, amount="1000", kind=SourceKind.CENTRAL_INDUSTRY)
    p = project(fin, budget="1000", households=[able, no_labour, too_old, unwilling])
    for h, amount in ((able, "250"), (no_labour, "100"), (too_old, "60"), (unwilling, "40")):
        a = actions.allocate(actor=fin, source=s, project=p, amount=amount, household=h)
        actions.disburse(actor=fin, allocation=a, amount=amount, mode=DisbursementMode.REWARD, voucher_no="V")
    check, _ = _check(fin, "reward_share")
    assert not check.passed  # 250 of 1,000 counts: 25% < 30%
    f = figures(check)
    assert f["以奖代补支付（计入：有劳动能力和劳动意愿的户）"] == D("250")
    assert f["以奖代补支付（不计入：无劳动能力或无劳动意愿的户）"] == D("200")
    assert f["实际比例"] == D(25)
    assert {e["code"]: e["received"] for e in check.shortfalls} == {
        no_labour.household_code: D("100"), too_old.household_code: D("60"), unwilling.household_code: D("40")}
    share = selectors.reward_share(fin, COUNTY, 2023)
    assert share.fund == D("1000") and share.share == D("0.25") and share.required == D("300.00")


def test_household_projects_benefit_registered_or_monitored_households_unless_village_wide(users):
    from django.core.exceptions import ValidationError

    fin = users["finance"]
    ordinary = household(household_type="ordinary", poverty_attribute="", main_cause="")
    monitored = household(household_type="monitored")
    p = project(fin, budget="1000", approve=False)
    with pytest.raises(ValidationError, match="到户扶贫项目的受益户须为建档立卡户或监测户"):
        actions.add_beneficiaries(actor=fin, project=p, household_codes=[ordinary.household_code,
                                                                          monitored.household_code])
    assert not p.beneficiaries.exists()  # all or nothing
    actions.add_beneficiaries(actor=fin, project=p, household_codes=[monitored.household_code])
    road = project(fin, budget="1000", approve=False, village_wide=True, type=ProjectType.INFRASTRUCTURE)
    actions.add_beneficiaries(actor=fin, project=road, household_codes=[ordinary.household_code])
    with pytest.raises(ValidationError, match="惠及全村"):
        actions.update_project(actor=fin, project=road, changes={"village_wide": False})


@pytest.mark.parametrize("second, passed", [("200000.00", True), ("199999.99", False)])
def test_every_poor_village_gets_its_200000(users, second, passed):
    fin = users["finance"]
    _poor(JIANYUAN, HUFANG_VILLAGE)
    s = source(fin, amount="1000000", kind=SourceKind.PROVINCIAL_VILLAGE)
    p1 = project(fin, area=JIANYUAN, budget="200000", type=ProjectType.INFRASTRUCTURE)
    p2 = project(fin, area=HUFANG, budget="300000", type=ProjectType.INFRASTRUCTURE)
    actions.allocate(actor=fin, source=s, project=p1, amount="200000")
    actions.allocate(actor=fin, source=s, project=p2, amount=second, division_code=HUFANG_VILLAGE)
    # township-level (not to a village) and other sources do not count
    actions.allocate(actor=fin, source=s, project=p2, amount="1000")
    check, _ = _check(fin, "poor_villages")
    assert check.passed is passed
    if passed:
        assert check.shortfalls == []
    else:
        assert [(s_["code"], s_["received"], s_["missing"]) for s_ in check.shortfalls] == [
            (HUFANG_VILLAGE, D("199999.99"), D("0.01"))]
        assert figures(check)["未足额的村"] == 1


def test_poor_village_with_nothing_is_listed(users):
    _poor(TANXI_VILLAGE)
    check, _ = _check(users["finance"], "poor_villages")
    assert not check.passed and check.shortfalls[0]["received"] == D("0.00")
    assert check.shortfalls[0]["missing"] == D("200000.00")


@pytest.mark.parametrize("amount, passed", [("1500000.00", True), ("1499999.99", False)])
def test_county_integrated_into_village_infrastructure(users, amount, passed):
    fin = users["finance"]
    _poor(JIANYUAN)
    s = source(fin, amount="5000000", kind=SourceKind.COUNTY_INTEGRATED)
    # a road in a village that is not poor does not count toward the poor villages' 1.5 million
    other_village_road = project(fin, area=HUFANG_VILLAGE, budget="2000000", type=ProjectType.INFRASTRUCTURE)
    actions.allocate(actor=fin, source=s, project=other_village_road, amount="900000")
    village_road = project(fin, area=JIANYUAN, budget="2000000", type=ProjectType.INFRASTRUCTURE)
    township_road = project(fin, area=HUFANG, budget="2000000", type=ProjectType.INFRASTRUCTURE)
    village_tea = project(fin, area=JIANYUAN, budget="2000000", type=ProjectType.INDUSTRY)
    actions.allocate(actor=fin, source=s, project=village_road, amount=amount)
    actions.allocate(actor=fin, source=s, project=township_road, amount="1000000")
    actions.allocate(actor=fin, source=s, project=village_tea, amount="1000000")
    other = source(fin, amount="100000", kind=SourceKind.SOCIAL)
    actions.allocate(actor=fin, source=other, project=village_road, amount="100000")
    check, _ = _check(fin, "village_infrastructure")
    assert check.passed is passed
    assert figures(check)["分配到贫困村基础设施项目"] == D(amount)
    assert figures(check)["分配到非贫困村或乡镇的基础设施（不计入）"] == D("1900000")


def test_a_village_that_exited_during_the_year_counts_as_poor_for_that_year(users):
    fin = users["finance"]
    registry_actions.update_village(actor=SYSTEM, division=Division.objects.get(code=JIANYUAN),
                                    changes={"poverty_status": "exited", "exit_year": 2023})
    s = source(fin, amount="2000000", kind=SourceKind.COUNTY_INTEGRATED)
    p = project(fin, area=JIANYUAN, budget="2000000", type=ProjectType.INFRASTRUCTURE)
    actions.allocate(actor=fin, source=s, project=p, amount="1500000")
    assert _check(fin, "village_infrastructure")[0].passed
    registry_actions.update_village(actor=SYSTEM, division=Division.objects.get(code=JIANYUAN),
                                    changes={"exit_year": 2022})
    assert not _check(fin, "village_infrastructure")[0].passed


def test_checks_are_per_year(users):
    fin = users["finance"]
    _poor(JIANYUAN)
    s = source(fin, amount="2000000", kind=SourceKind.COUNTY_INTEGRATED, year=2022)
    p = project(fin, area=JIANYUAN, budget="2000000", type=ProjectType.INFRASTRUCTURE, year=2022)
    actions.allocate(actor=fin, source=s, project=p, amount="1500000")
    assert _check(fin, "village_infrastructure", 2022)[0].passed
    assert not _check(fin, "village_infrastructure", 2023)[0].passed


def test_checks_only_for_county_users(users):
    assert selectors.check_county(users["finance"]) == COUNTY
    assert selectors.check_county(users["auditor"]) == COUNTY
    assert selectors.check_county(users["township"]) == ""


def test_village_project_counts(users):
    project(users["village"], approve=False)
    project(users["finance"], area=JIANYUAN)
    rejected = project(users["village"], approve=False)
    actions.transition(actor=users["finance"], project=rejected, key="reject", note="no")
    project(users["finance"], area=HUFANG_VILLAGE)
    project(users["finance"], area=HUFANG)  # township-level: not a village's project
    project(users["finance"], area=TANXI_VILLAGE)
    project(users["finance"], area=JIANYUAN, year=2022)
    rows = list(selectors.village_project_counts(HUFANG, 2023))
    assert rows == [{"division_code": HUFANG_VILLAGE, "n": 1}, {"division_code": JIANYUAN, "n": 2}]
    assert len(selectors.village_project_counts(COUNTY, 2023)) == 3
