import pytest
from django.db.models import Exists, OuterRef

from fupin.assistance import demo, rules, selectors
from fupin.assistance.models import CountyLeader, Measure, Plan, PlanLevel, Visit
from fupin.demo import accounts, generator
from fupin.divisions.models import Division, Level
from fupin.registry.models import Household

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(lichuan):
    users = accounts.ensure_accounts()
    generator.generate(generator.DemoConfig(households=1500, seed=7), helper_user_id=users["helper"].pk)
    line = demo.generate(county_code="361022", seed=7, users=users)
    return users, line


def test_demo_fills_the_eight_one_with_deliberate_gaps(generated, clock):
    users, line = generated
    assert line.startswith("帮扶：")
    townships = Division.objects.filter(county_code="361022", level=Level.TOWNSHIP).count()
    assert CountyLeader.objects.count() == townships - 2
    assert Plan.objects.filter(level=PlanLevel.COUNTY).count() == 1
    assert Plan.objects.filter(level=PlanLevel.TOWNSHIP).count() == townships - 1
    helped = Household.objects.filter(rules.needs_help_q()).count()
    planned = Plan.objects.filter(level=PlanLevel.HOUSEHOLD).count()
    assert 0.8 * helped < planned < helped
    # every household plan has a measure; income projects only of development type and on household plans
    with_measure = Measure.objects.filter(county_code=OuterRef("county_code"), plan=OuterRef("pk"))
    assert not Plan.objects.filter(level=PlanLevel.HOUSEHOLD).exclude(Exists(with_measure)).exists()
    projects = Measure.objects.filter(income_project=True)
    assert projects.exists() and not projects.exclude(category__in=["industry", "employment", "credit", "public_job"])
    assert not projects.filter(household__isnull=True).exists()
    data = selectors.coverage(users["county"], "361022", demo.YEAR)
    totals = data["totals"]
    assert totals["no_leader"] == 2 and totals["no_township_plan"] == 1
    assert 0 < totals["no_measure"] < totals["no_income"] < totals["households"]
    assert totals["no_helper"] >= 0
    assert 0 < totals["no_projects"] < totals["villages"] // 3  # most villages declared a batch of projects
    assert 0 < totals["no_team"] < totals["villages"] // 3 and 0 < totals["no_plan"] < totals["villages"] // 3
    # the demo helper: some households visited long ago, two without a plan
    mine = list(selectors.mark_overdue(list(selectors.worklist(users["helper"], year=demo.YEAR))))
    assert len(mine) >= 3
    assert sum(h.overdue for h in mine) == 3 and sum(not h.has_measure for h in mine if h.needs_help) == 2
    assert Visit.objects.filter(visitor=users["helper"]).exists()


def test_demo_is_deterministic(generated):
    users, line = generated
    first = sorted(Plan.objects.values_list("level", "division_code", "household_id", "status"))
    from fupin.funds.models import Project, ProjectStep

    for table in (Visit, Measure, Plan, CountyLeader, ProjectStep, Project):
        table.objects.all().delete()
    assert demo.generate(county_code="361022", seed=7, users=users).split("，")[:5] == line.split("，")[:5]
    assert sorted(Plan.objects.values_list("level", "division_code", "household_id", "status")) == first
