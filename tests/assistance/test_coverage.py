import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fupin.assistance import actions, selectors
from fupin.assistance.models import MeasureStatus, PlanLevel
from fupin.core.actions import SYSTEM
from fupin.funds.models import Project
from fupin.registry import actions as registry_actions
from fupin.registry.models import WorkTeamMember
from tests.assistance.support import YEAR, area_plan, household_plan, measure
from tests.factories import COUNTY, HUFANG, HUFANG_VILLAGE, JIANYUAN, TANXI, TANXI_VILLAGE, make_household

pytestmark = pytest.mark.django_db


def project(code: str, status: str = "approved", year: int = YEAR, n: int = 1):
    return Project.objects.create(county_code=code[:6], division_code=code, year=year, code=f"{year}-{code}-{n}",
                                  name="通组公路", type="infrastructure", budget=Decimal("200000"),
                                  lead_unit="黎川县交通运输局", status=status)


@pytest.fixture
def village_households(users):
    """In 枧源村: a poor household with a plan, measure and income project; a poor household with a
    measure only; a monitored household without a plan and without a helper; an exited household
    enjoying the policy without a plan; and households the 一 do not apply to."""
    full = make_household(JIANYUAN, household_type="poor", helper_name="吴文华")
    plan = household_plan(full)
    measure(plan)
    measure(plan, income=True)
    half = make_household(JIANYUAN, household_type="poor", helper_name="吴文华")
    measure(household_plan(half))
    bare = make_household(JIANYUAN, household_type="monitored", helper_name="")
    exited = make_household(JIANYUAN, household_type="exited", enjoys_policy=True, helper_name="张三")
    make_household(JIANYUAN, household_type="exited", enjoys_policy=False)
    make_household(JIANYUAN, household_type="ordinary")
    return {"full": full, "half": half, "bare": bare, "exited": exited}


def test_village_coverage_counts_what_households_miss(users, village_households):
    data = selectors.coverage(users["county"], JIANYUAN, YEAR)
    row = data["village"]
    assert (row["households"], row["no_measure"], row["no_income"], row["no_helper"]) == (4, 2, 3, 1)
    missing = {h.pk: h for h in selectors.missing_households(users["county"], JIANYUAN, YEAR)}
    h = village_households
    assert set(missing) == {h["half"].pk, h["bare"].pk, h["exited"].pk}
    assert missing[h["half"].pk].has_measure and not missing[h["half"].pk].has_income_project
    assert not missing[h["bare"].pk].has_helper_flag
    only_helper = selectors.missing_households(users["county"], JIANYUAN, YEAR, "helper")
    assert [x.pk for x in only_helper] == [h["bare"].pk]
    assert [x.pk for x in selectors.missing_households(users["county"], JIANYUAN, YEAR, "income")] == sorted(
        [h["half"].pk, h["bare"].pk, h["exited"].pk])
    # another year: nothing planned at all
    assert selectors.coverage(users["county"], JIANYUAN, YEAR + 1)["village"]["no_measure"] == 4


def test_cancelled_measures_do_not_count(users, village_households):
    m = measure(household_plan(village_households["bare"]), income=True)
    assert selectors.coverage(users["county"], JIANYUAN, YEAR)["village"]["no_income"] == 2
    actions.set_measure_status(actor=SYSTEM, measure=m, status=MeasureStatus.CANCELLED, reason="放弃")
    assert selectors.coverage(users["county"], JIANYUAN, YEAR)["village"]["no_income"] == 3


def test_a_helper_account_is_a_helper(users, village_households):
    registry_actions.assign_helper(actor=SYSTEM, household=village_households["bare"], helper=users["helper"])
    assert selectors.coverage(users["county"], JIANYUAN, YEAR)["village"]["no_helper"] == 0


def test_village_level_one_s(users, village_households, clock):
    row = selectors.coverage(users["county"], JIANYUAN, YEAR)["village"]
    assert row["no_team"] and row["no_plan"] and row["no_projects"]
    registry_actions.add_work_team_member(actor=SYSTEM, division=_division(JIANYUAN), fields={
        "name": "邹强", "role": "member", "started_on": dt.date(2022, 1, 1)})
    row = selectors.coverage(users["county"], JIANYUAN, YEAR)["village"]
    assert row["team_size"] == 1 and not row["no_team"]  # an ordinary village: a team is enough
    registry_actions.update_village(actor=SYSTEM, division=_division(JIANYUAN), changes={"poverty_status": "poor"})
    row = selectors.coverage(users["county"], JIANYUAN, YEAR)["village"]
    assert row["poor"] and row["no_secretary"] and row["no_team"]  # a poor village needs its first secretary
    secretary = registry_actions.add_work_team_member(actor=SYSTEM, division=_division(JIANYUAN), fields={
        "name": "陈书记", "role": "first_secretary", "started_on": dt.date(2022, 1, 1)})
    area_plan(PlanLevel.VILLAGE, JIANYUAN)
    project(JIANYUAN)
    project(JIANYUAN, status="rejected", n=2)
    row = selectors.coverage(users["county"], JIANYUAN, YEAR)["village"]
    assert not (row["no_team"] or row["no_plan"] or row["no_projects"])
    assert row["secretary"].name == "陈书记" and row["team_size"] == 2 and row["projects"] == 1
    registry_actions.end_work_team_member(actor=SYSTEM, member=secretary, ended_on=clock.today() - dt.timedelta(days=1))
    assert selectors.coverage(users["county"], JIANYUAN, YEAR)["village"]["no_team"]
    assert WorkTeamMember.objects.count() == 2


def _division(code):
    from fupin.divisions.models import Division

    return Division.objects.get(code=code)


def test_township_rows_per_village_and_county_rows_per_township(users, village_households):
    make_household(HUFANG_VILLAGE, household_type="poor", helper_name="某人")
    make_household(TANXI_VILLAGE, household_type="poor", helper_name="")
    actions.assign_leader(actor=SYSTEM, division_code=HUFANG, fields={"name": "黄", "post": "副县长",
                                                                    "started_on": dt.date(2023, 1, 1)})
    area_plan(PlanLevel.TOWNSHIP, TANXI)
    township = selectors.coverage(users["county"], HUFANG, YEAR)
    rows = {r["division"].code: r for r in township["rows"]}
    assert rows[JIANYUAN]["households"] == 4 and rows[HUFANG_VILLAGE]["households"] == 1
    assert township["leader"].name == "黄" and township["plan"] is None
    needing = [r for r in township["rows"] if r["needs"]]
    assert {r["division"].code for r in needing} == {JIANYUAN, HUFANG_VILLAGE}
    assert township["totals"]["no_plan"] == 2 and township["totals"]["villages"] == 2
    county = selectors.coverage(users["county"], COUNTY, YEAR)
    by_code = {r["division"].code: r for r in county["rows"]}
    assert by_code[HUFANG]["leader"] is not None and by_code[HUFANG]["plan"] is None
    assert by_code[TANXI]["leader"] is None and by_code[TANXI]["plan"] is not None
    assert (by_code[HUFANG]["households"], by_code[HUFANG]["no_measure"], by_code[HUFANG]["no_helper"]) == (5, 3, 1)
    assert (by_code[TANXI]["households"], by_code[TANXI]["no_helper"], by_code[TANXI]["villages"]) == (1, 1, 1)
    totals = county["totals"]
    assert totals["households"] == 6 and totals["no_helper"] == 2 and totals["no_income"] == 5
    # only townships with villages to help count (an industrial park needs no leader or plan)
    assert totals["townships"] == 2 and totals["no_leader"] == 1 and totals["no_township_plan"] == 1
    idle = next(r for r in county["rows"] if r["division"].code not in (HUFANG, TANXI))
    assert not idle["needs"] and not idle["no_leader"] and not idle["complete"]


def test_coverage_is_scoped(users, village_households):
    make_household(TANXI_VILLAGE, household_type="poor")
    data = selectors.coverage(users["township"], HUFANG, YEAR)
    assert data["totals"]["households"] == 4
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.coverage(users["township"], TANXI, YEAR)
    assert selectors.coverage(users["helper"], JIANYUAN, YEAR)["village"]["households"] == 0  # none assigned


def test_the_number_of_queries_does_not_grow_with_households(users, village_households):
    def count():
        with CaptureQueriesContext(connection) as queries:
            selectors.coverage(users["county"], COUNTY, YEAR)
        return len(queries.captured_queries)

    count()  # the user's grants are read once and cached
    before = count()
    for _ in range(5):
        h = make_household(HUFANG_VILLAGE, household_type="poor")
        measure(household_plan(h), income=True)
    assert count() == before


def test_worklist_marks_overdue_visits(users, village_households, clock, settings):
    settings.FUPIN_VISIT_OVERDUE_DAYS = 30
    mine = registry_actions.assign_helper(actor=SYSTEM, household=village_households["full"], helper=users["helper"])
    rows = list(selectors.worklist(users["helper"], year=YEAR))
    assert [r.pk for r in rows] == [mine.pk]
    actions.record_visit(actor=users["helper"], household=mine, visited_on=clock.today() - dt.timedelta(days=31),
                         notes="上次")
    row = selectors.mark_overdue(list(selectors.worklist(users["helper"], year=YEAR)))[0]
    assert row.overdue and row.days_since == 31 and row.has_income_project
    assert [r.pk for r in selectors.worklist(users["helper"], year=YEAR, overdue_only=True)] == [mine.pk]
    actions.record_visit(actor=users["helper"], household=mine, visited_on=clock.today(), notes="今天")
    row = selectors.mark_overdue(list(selectors.worklist(users["helper"], year=YEAR)))[0]
    assert not row.overdue and row.last_visit == clock.today()
    assert not list(selectors.worklist(users["helper"], year=YEAR, overdue_only=True))
    settings.FUPIN_VISIT_OVERDUE_DAYS = 0
    assert selectors.overdue_days() == 0
    # cadres see every helped household of their area
    assert len(list(selectors.worklist(users["village"], year=YEAR))) == 4
    assert not list(selectors.worklist(users["other_township"], year=YEAR))
