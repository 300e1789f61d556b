"""贫困村退出: the exit test at each threshold's edge, the procedure from the village's application to
已出列, refused for a village that fails the test; a poor village is not marked exited by hand."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from fupin.core.actions import SYSTEM
from fupin.divisions.models import Division
from fupin.registry import actions as registry
from fupin.registry.models import VillageProfile, WorkTeamMember
from fupin.targeting import selectors
from fupin.workflows import actions
from fupin.workflows.models import CaseStatus, Notice
from tests.conftest import login
from tests.factories import COUNTY, JIANYUAN, make_household
from tests.workflows.support import pass_step, run_notice

pytestmark = pytest.mark.django_db
YEAR = 2023


def poor_village(**fields):
    """枧源村 as a poor village with every item of the exit test met, and its work team serving."""
    values = {"poverty_status": "poor", "collective_income": Decimal(50000), "paved_road": True, "tap_water": True,
              "power_grid": True, "clinic": True, "broadband": True, **fields}
    registry.update_village(actor=SYSTEM, division=Division.objects.get(code=JIANYUAN), changes=values)
    registry.add_work_team_member(actor=SYSTEM, division=Division.objects.get(code=JIANYUAN), fields={
        "name": "王书记", "role": "first_secretary", "started_on": dt.date(2021, 3, 1)})


def people(poor: int, others: int):
    """Registered households of one person each: ``poor`` poor and ``others`` ordinary."""
    for _ in range(poor):
        make_household()
    for _ in range(others):
        make_household(household_type="ordinary", poverty_attribute="", main_cause="")


def row(user=None):
    found = selectors.village_exit_tests(user, COUNTY, YEAR, villages=[JIANYUAN] if user is None else None)
    return next(r for r in found["rows"] if r["division"].code == JIANYUAN)


@pytest.mark.parametrize(("poor", "others", "passed"), [
    (1, 49, False),  # 2.00%: not below 2%
    (1, 50, True),   # 1.96%
])
def test_the_incidence_must_be_below_the_threshold(rules, poor, others, passed):
    poor_village()
    people(poor, others)
    r = row()
    assert r["tests"]["incidence"] is passed and r["passed"] is passed


@pytest.mark.parametrize(("income", "passed"), [(Decimal("49999.99"), False), (Decimal("50000"), True)])
def test_the_collective_income_must_reach_the_set_value(rules, income, passed):
    poor_village(collective_income=income)
    people(0, 10)
    assert row()["tests"]["collective_income"] is passed


def test_each_listed_item_and_a_serving_work_team(rules, users):
    poor_village(clinic=False)
    people(0, 10)
    r = row()
    assert r["tests"]["clinic"] is False and r["tests"]["team"] is True and not r["passed"]
    assert selectors.village_exit_failures(JIANYUAN, YEAR) == ["未达到：标准化卫生室"]
    member = WorkTeamMember.objects.get(division_code=JIANYUAN)
    registry.end_work_team_member(actor=SYSTEM, member=member, ended_on=dt.date(2023, 6, 30))
    assert row()["tests"]["team"] is False  # nobody serving on 31 December
    # an item the rule set does not list is not tested
    from fupin.targeting import actions as targeting

    draft = targeting.copy_rule_set(actor=SYSTEM, source=rules)
    targeting.update_rule_set(actor=SYSTEM, rule_set=draft, changes={"village_exit_items": "road,water,power,broadband"})
    targeting.publish_rule_set(actor=SYSTEM, rule_set=draft)
    assert "clinic" not in row()["tests"] and "team" not in row()["tests"]


def test_the_procedure_from_the_application_to_exited(users, clock, rules):
    poor_village()
    people(0, 10)
    village, township, county = users["village"], users["township"], users["county"]
    case = actions.start_village_case(actor=village, village_code=JIANYUAN, note="各项指标达标，申请退出", year=YEAR)
    assert case.household_id is None and case.step == "township_review" and case.subject_label == "枧源村委会"
    pass_step(township, case, note="乡镇核查达标")
    pass_step(county, case, decision_no="黎扶字〔2023〕21号")
    notice = run_notice(township, case, clock)
    assert notice.division_code == JIANYUAN[:9] and "湖坊乡" in notice.title  # posted in the township
    run_notice(county, case, clock)
    pass_step(county, case)
    case.refresh_from_db()
    profile = VillageProfile.objects.get(division_id=JIANYUAN)
    assert case.status == CaseStatus.DONE and profile.poverty_status == "exited" and profile.exit_year == YEAR
    assert Notice.objects.filter(procedure="village_exit").count() == 2


def test_a_failing_village_cannot_be_approved_and_nothing_changes(users, clock, rules):
    poor_village()
    people(1, 9)  # 10%
    village, township, county = users["village"], users["township"], users["county"]
    case = actions.start_village_case(actor=village, village_code=JIANYUAN, note="申请退出", year=YEAR)
    pass_step(township, case, note="报县审批")
    with pytest.raises(ValidationError, match=r"不符合贫困村退出条件：贫困发生率 10\.00% 不低于 2%"):
        pass_step(county, case, decision_no="x")
    case.refresh_from_db()
    assert case.step == "county_approval"
    assert VillageProfile.objects.get(division_id=JIANYUAN).poverty_status == "poor"


def test_only_a_poor_village_applies_once_and_nobody_marks_it_exited_by_hand(users, rules):
    poor_village()
    with pytest.raises(ValidationError, match="须经“贫困村退出”程序"):
        registry.update_village(actor=users["county"], division=Division.objects.get(code=JIANYUAN),
                                changes={"poverty_status": "exited", "exit_year": YEAR})
    actions.start_village_case(actor=users["village"], village_code=JIANYUAN, note="申请", year=YEAR)
    with pytest.raises(ValidationError, match="已有办理中"):
        actions.start_village_case(actor=users["village"], village_code=JIANYUAN, note="申请", year=YEAR)
    with pytest.raises(ValidationError, match="只有贫困村"):
        actions.start_village_case(actor=SYSTEM, village_code="361022201200", note="申请", year=YEAR)


def test_the_exit_page(client, users, rules):
    poor_village()
    people(0, 10)
    login(client, users["village"])
    page = client.get(f"/targeting/villages/exit/?year={YEAR}").content.decode()
    assert f'data-village="{JIANYUAN}"' in page and "达标" in page and f'data-testid="apply-{JIANYUAN}"' in page
    assert 'data-testid="county-exit"' not in page  # the county's figure is the county's, not the village's
    response = client.post("/workflows/cases/village/new/", {"village": JIANYUAN, "year": YEAR, "note": "申请退出"})
    assert response.status_code == 302
    login(client, users["county"])
    page = client.get(f"/targeting/villages/exit/?year={YEAR}").content.decode()
    assert "乡镇审核" in page and 'data-testid="county-exit"' in page
