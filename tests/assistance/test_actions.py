import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.assistance import actions
from fupin.assistance.models import (
    CountyLeader,
    Measure,
    MeasureStatus,
    Plan,
    PlanLevel,
    PlanStatus,
    Visit,
    VisitPhoto,
)
from fupin.core.actions import SYSTEM
from fupin.core.models import AuditEvent
from fupin.registry import actions as registry_actions
from tests.assistance.support import YEAR, area_plan, household_plan, jpeg, measure, png
from tests.factories import COUNTY, HUFANG, HUFANG_VILLAGE, JIANYUAN, TANXI, TANXI_VILLAGE, make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(users):
    household = make_household(JIANYUAN)
    return registry_actions.assign_helper(actor=SYSTEM, household=household, helper=users["helper"])


@pytest.fixture
def other(users):
    return make_household(JIANYUAN)


def events(verb):
    return AuditEvent.objects.filter(verb=verb)


# --- county leaders ---------------------------------------------------------------------------

LEADER = {"name": "黄建国", "post": "副县长", "unit": "黎川县人民政府", "started_on": dt.date(2023, 1, 5)}


def test_the_county_assigns_one_leader_per_township_and_ends_them(users, clock):
    leader = actions.assign_leader(actor=users["county"], division_code=HUFANG, fields=LEADER)
    assert leader.county_code == COUNTY and leader.is_active
    assert events("assistance.leader.assign").get().division_code == HUFANG
    with pytest.raises(ValidationError) as err:
        actions.assign_leader(actor=users["county"], division_code=HUFANG, fields={**LEADER, "name": "李四"})
    assert "已有在任挂点县领导" in str(err.value)
    actions.end_leader(actor=users["county"], leader=leader, ended_on=dt.date(2023, 5, 1), reason="工作调动")
    leader.refresh_from_db()
    assert leader.ended_on == dt.date(2023, 5, 1) and leader.end_reason == "工作调动"
    second = actions.assign_leader(actor=users["county"], division_code=HUFANG, fields={**LEADER, "name": "李四"})
    assert CountyLeader.objects.count() == 2 and second.is_active  # the ended one is kept
    with pytest.raises(ValidationError):
        actions.end_leader(actor=users["county"], leader=leader, ended_on=dt.date(2023, 6, 1))


def test_leader_input_is_checked_and_nothing_written(users):
    for fields, field in [({**LEADER, "name": ""}, "name"), ({**LEADER, "post": ""}, "post"),
                          ({**LEADER, "started_on": dt.date(2999, 1, 1)}, "started_on"),
                          ({**LEADER, "ended_on": dt.date(2023, 2, 1)}, "ended_on")]:
        with pytest.raises(ValidationError) as err:
            actions.assign_leader(actor=users["county"], division_code=HUFANG, fields=fields)
        assert field in err.value.error_dict
    with pytest.raises(ValidationError):
        actions.assign_leader(actor=users["county"], division_code=JIANYUAN, fields=LEADER)  # a village
    assert not CountyLeader.objects.exists() and not events("assistance.leader.assign").exists()


def test_only_the_county_assigns_leaders(users):
    with pytest.raises(PermissionDenied):
        actions.assign_leader(actor=users["township"], division_code=HUFANG, fields=LEADER)
    with pytest.raises(PermissionDenied):
        actions.assign_leader(actor=users["helper"], division_code=HUFANG, fields=LEADER)
    leader = actions.assign_leader(actor=users["county"], division_code=HUFANG, fields=LEADER)
    with pytest.raises(PermissionDenied):
        actions.end_leader(actor=users["township"], leader=leader, ended_on=dt.date(2023, 2, 1))
    with pytest.raises(ValidationError):
        actions.end_leader(actor=users["county"], leader=leader, ended_on=dt.date(2022, 2, 1))


# --- plans ------------------------------------------------------------------------------------

def test_plans_at_each_level(users, mine):
    county = area_plan(PlanLevel.COUNTY, COUNTY, actor=users["county"], planned_exits=1200, planned_exit_people=3900)
    township = area_plan(PlanLevel.TOWNSHIP, HUFANG, actor=users["township"])
    village = area_plan(PlanLevel.VILLAGE, JIANYUAN, actor=users["village"], planned_income=Decimal("6000.00"))
    household = household_plan(mine, actor=users["helper"])
    assert [p.division_code for p in (county, township, village, household)] == [COUNTY, HUFANG, JIANYUAN, JIANYUAN]
    assert household.household == mine and household.status == PlanStatus.DRAFT
    assert all(p.county_code == COUNTY for p in Plan.objects.all())
    assert events("assistance.plan.create").count() == 4


def test_one_plan_per_area_level_and_year(users, mine):
    area_plan(PlanLevel.VILLAGE, JIANYUAN, actor=users["village"])
    with pytest.raises(ValidationError) as err:
        area_plan(PlanLevel.VILLAGE, JIANYUAN, actor=users["village"])
    assert "year" in err.value.error_dict
    area_plan(PlanLevel.VILLAGE, JIANYUAN, actor=users["village"], year=YEAR - 1)
    household_plan(mine, actor=users["helper"])
    with pytest.raises(ValidationError):
        household_plan(mine, actor=users["helper"])
    assert Plan.objects.count() == 3


def test_plan_level_must_match_the_area(users):
    for level, code in [(PlanLevel.VILLAGE, HUFANG), (PlanLevel.TOWNSHIP, JIANYUAN), (PlanLevel.COUNTY, HUFANG)]:
        with pytest.raises(ValidationError):
            area_plan(level, code, actor=users["county"])
    with pytest.raises(ValidationError):
        area_plan(PlanLevel.VILLAGE, JIANYUAN, actor=users["county"], title=" ")
    with pytest.raises(ValidationError):
        area_plan(PlanLevel.VILLAGE, JIANYUAN, actor=users["county"], year=2010)
    with pytest.raises(ValidationError):
        area_plan(PlanLevel.VILLAGE, JIANYUAN, actor=users["county"], planned_exits=10, planned_exit_people=5)
    assert not Plan.objects.exists()


def test_plans_stay_in_the_area(users, mine, other):
    with pytest.raises(PermissionDenied):
        area_plan(PlanLevel.VILLAGE, TANXI_VILLAGE, actor=users["township"])
    with pytest.raises(PermissionDenied):
        area_plan(PlanLevel.TOWNSHIP, HUFANG, actor=users["other_township"])
    with pytest.raises(PermissionDenied):
        area_plan(PlanLevel.VILLAGE, JIANYUAN, actor=users["helper"])  # helpers plan households only
    with pytest.raises(PermissionDenied):
        household_plan(other, actor=users["helper"])  # not their household
    with pytest.raises(PermissionDenied):
        household_plan(mine, actor=users["dept"])
    assert not Plan.objects.exists()


@pytest.mark.parametrize(("level", "code", "approver", "refused"), [
    (PlanLevel.COUNTY, COUNTY, "county", ["township"]),
    (PlanLevel.TOWNSHIP, HUFANG, "county", ["township", "other_township"]),
    (PlanLevel.VILLAGE, JIANYUAN, "township", ["village", "other_township"]),
])
def test_a_higher_level_approves_area_plans(users, level, code, approver, refused):
    plan = area_plan(level, code)
    for name in refused:
        with pytest.raises(PermissionDenied):
            actions.approve_plan(actor=users[name], plan=plan)
    actions.approve_plan(actor=users[approver], plan=plan, note="同意")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == users[approver]
    assert plan.approval_note == "同意" and events("assistance.plan.approve").count() == 1
    with pytest.raises(ValidationError):
        actions.approve_plan(actor=users[approver], plan=plan)


def test_household_plans_are_approved_by_cadres_once_they_have_a_measure(users, mine):
    plan = household_plan(mine, actor=users["helper"])
    with pytest.raises(ValidationError):
        actions.approve_plan(actor=users["village"], plan=plan)
    measure(plan, actor=users["helper"])
    with pytest.raises(PermissionDenied):
        actions.approve_plan(actor=users["helper"], plan=plan)
    actions.approve_plan(actor=users["village"], plan=plan)
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.APPROVED


def test_an_area_plan_needs_goals_before_approval(users):
    plan = area_plan(PlanLevel.VILLAGE, JIANYUAN, goals="")
    with pytest.raises(ValidationError):
        actions.approve_plan(actor=users["township"], plan=plan)


def test_changing_an_approved_plan_sends_it_back(users, mine):
    plan = area_plan(PlanLevel.VILLAGE, JIANYUAN)
    actions.approve_plan(actor=users["township"], plan=plan)
    actions.update_plan(actor=users["village"], plan=plan, changes={"goals": "新目标"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.approved_by is None and plan.goals == "新目标"
    event = events("assistance.plan.update").get()
    assert event.before["status"] == "approved" and event.after["status"] == "draft"
    with pytest.raises(ValidationError):
        actions.update_plan(actor=users["village"], plan=plan, changes={"year": 2020})
    with pytest.raises(ValidationError):
        actions.update_plan(actor=users["village"], plan=plan, changes={"title": ""})
    assert Plan.objects.get(pk=plan.pk).title == "方案"


def test_adding_a_measure_to_an_approved_plan_sends_it_back(users, mine):
    plan = household_plan(mine, actor=users["helper"])
    measure(plan, actor=users["helper"])
    actions.approve_plan(actor=users["village"], plan=plan)
    measure(plan, actor=users["helper"], income=True)
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


# --- measures ---------------------------------------------------------------------------------

def test_the_helper_records_a_measure_and_an_income_project(users, mine):
    plan = household_plan(mine, actor=users["helper"])
    first = measure(plan, actor=users["helper"])
    income = measure(plan, actor=users["helper"], income=True)
    assert (first.household, first.year, first.division_code) == (mine, YEAR, JIANYUAN)
    assert income.income_project and income.expected_income == Decimal("5000")
    assert income.cost == Decimal("1200.50")
    event = events("assistance.measure.add").last()
    assert event.household_id == mine.pk and "增收项目" in event.summary


def test_a_welfare_measure_cannot_be_the_income_project(users, mine):
    plan = household_plan(mine, actor=users["helper"])
    with pytest.raises(ValidationError) as err:
        measure(plan, actor=users["helper"], category="health", income_project=True, expected_income=Decimal(100))
    assert "income_project" in err.value.error_dict
    with pytest.raises(ValidationError):
        measure(plan, actor=users["helper"], cost=Decimal("-5"))
    assert not Measure.objects.exists() and not events("assistance.measure.add").exists()


def test_area_plans_have_no_income_projects(users):
    plan = area_plan(PlanLevel.VILLAGE, JIANYUAN)
    with pytest.raises(ValidationError):
        measure(plan, actor=users["village"], income=True)
    assert measure(plan, actor=users["village"], category="infrastructure", description="通组公路").pk


def test_measure_progress_done_and_cancel(users, mine, clock):
    plan = household_plan(mine, actor=users["helper"])
    m = measure(plan, actor=users["helper"])
    actions.set_measure_status(actor=users["helper"], measure=m, status=MeasureStatus.IN_PROGRESS)
    with pytest.raises(ValidationError):
        actions.set_measure_status(actor=users["helper"], measure=m, status=MeasureStatus.DONE)  # no date
    with pytest.raises(ValidationError):
        actions.set_measure_status(actor=users["helper"], measure=m, status=MeasureStatus.DONE,
                                   done_on=clock.today() + dt.timedelta(days=1))
    actions.set_measure_status(actor=users["helper"], measure=m, status=MeasureStatus.DONE, done_on=clock.today())
    m.refresh_from_db()
    assert m.status == MeasureStatus.DONE and m.done_on == clock.today()
    with pytest.raises(ValidationError):
        actions.set_measure_status(actor=users["helper"], measure=m, status=MeasureStatus.CANCELLED, reason="x")
    other = measure(plan, actor=users["helper"], income=True)
    with pytest.raises(ValidationError) as err:
        actions.set_measure_status(actor=users["helper"], measure=other, status=MeasureStatus.CANCELLED)
    assert "reason" in err.value.error_dict
    actions.set_measure_status(actor=users["helper"], measure=other, status=MeasureStatus.CANCELLED, reason="户主外出务工")
    other.refresh_from_db()
    assert other.status == MeasureStatus.CANCELLED and other.cancel_reason == "户主外出务工"
    assert events("assistance.measure.cancel").count() == 1 and events("assistance.measure.progress").count() == 2
    with pytest.raises(ValidationError):
        actions.update_measure(actor=users["helper"], measure=other, changes={"description": "改"})


def test_update_measure(users, mine):
    plan = household_plan(mine, actor=users["helper"])
    m = measure(plan, actor=users["helper"])
    actions.update_measure(actor=users["helper"], measure=m, changes={"category": "industry", "income_project": True,
                                                                       "expected_income": Decimal("800")})
    m.refresh_from_db()
    assert m.income_project and m.category == "industry"
    with pytest.raises(ValidationError):
        actions.update_measure(actor=users["helper"], measure=m, changes={"category": "health"})
    assert Measure.objects.get(pk=m.pk).category == "industry"


def test_another_township_cannot_touch_the_measures(users, mine):
    plan = household_plan(mine, actor=users["helper"])
    m = measure(plan, actor=users["helper"])
    with pytest.raises(PermissionDenied):
        measure(plan, actor=users["other_township"])
    with pytest.raises(PermissionDenied):
        actions.set_measure_status(actor=users["other_township"], measure=m, status=MeasureStatus.IN_PROGRESS)
    with pytest.raises(PermissionDenied):
        actions.update_measure(actor=users["auditor"], measure=m, changes={"description": "x"})


# --- visits -----------------------------------------------------------------------------------

def test_the_helper_records_a_visit_with_photos(users, mine, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    visit = actions.record_visit(actor=users["helper"], household=mine, visited_on=clock.today(), notes="查看住房",
                                 findings="屋顶漏雨", photos=[("屋顶.png", png()), ("门口.jpg", jpeg())])
    assert visit.visitor == users["helper"] and visit.division_code == JIANYUAN
    photos = list(visit.photos.order_by("id"))
    assert [p.content_type for p in photos] == ["image/png", "image/jpeg"]
    assert photos[0].file.read() == png() and photos[0].stored_name.endswith(".png")
    assert str(tmp_path) in photos[0].file.path
    event = events("assistance.visit.record").get()
    assert event.household_id == mine.pk and "2 张照片" in event.summary


def test_bad_visits_write_nothing(users, mine, other, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.FUPIN_MAX_UPLOAD_MB = 1
    cases = [
        ({"visited_on": clock.today() + dt.timedelta(days=1)}, "visited_on"),
        ({"notes": "  "}, "notes"),
        ({"photos": [("a.png", b"not an image")]}, "photos"),
        ({"photos": [("fake.jpg", b"%PDF-1.4 ...")]}, "photos"),
        ({"photos": [("big.png", png() + b"\x00" * (1024 * 1024 + 1))]}, "photos"),
        ({"photos": [("a.png", png())] * 7}, "photos"),
    ]
    for change, field in cases:
        data = {"visited_on": clock.today(), "notes": "走访", **change}
        with pytest.raises(ValidationError) as err:
            actions.record_visit(actor=users["helper"], household=mine, **data)
        assert field in err.value.error_dict, change
    assert not Visit.objects.exists() and not VisitPhoto.objects.exists()
    assert not events("assistance.visit.record").exists() and not list(tmp_path.rglob("*.*"))


def test_a_helper_visits_only_their_households(users, mine, other, clock):
    with pytest.raises(PermissionDenied):
        actions.record_visit(actor=users["helper"], household=other, visited_on=clock.today(), notes="x")
    with pytest.raises(PermissionDenied):
        actions.record_visit(actor=users["other_township"], household=mine, visited_on=clock.today(), notes="x")
    with pytest.raises(PermissionDenied):
        actions.record_visit(actor=users["dept"], household=mine, visited_on=clock.today(), notes="x")
    actions.record_visit(actor=users["village"], household=other, visited_on=clock.today(), notes="村干部走访")
    assert Visit.objects.count() == 1


def test_leader_of_another_township(users):
    actions.assign_leader(actor=users["county"], division_code=TANXI, fields=LEADER)
    assert CountyLeader.objects.visible_to(users["township"]).count() == 0
    assert CountyLeader.objects.visible_to(users["other_township"]).count() == 1


def test_visible_plans_follow_scope(users, mine, other):
    household_plan(mine, actor=users["helper"])
    household_plan(other, actor=users["village"])
    area_plan(PlanLevel.VILLAGE, HUFANG_VILLAGE)
    assert Plan.objects.visible_to(users["helper"]).count() == 1  # their household only
    assert Plan.objects.visible_to(users["village"]).count() == 2
    assert Plan.objects.visible_to(users["township"]).count() == 3
    assert Plan.objects.visible_to(users["other_township"]).count() == 0
