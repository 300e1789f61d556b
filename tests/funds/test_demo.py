"""The funds demo: consistent with every rule the actions enforce, and with one deliberate failure."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from fupin.demo import generator
from fupin.funds import demo, selectors
from fupin.funds.models import (
    HOUSEHOLD_MODES,
    Allocation,
    Disbursement,
    FundSource,
    Project,
    ProjectBeneficiary,
    ProjectStatus,
)
from fupin.funds.sums import total

pytestmark = pytest.mark.django_db


@pytest.fixture
def funds_demo(users):
    generator.generate(generator.DemoConfig(households=1500, seed=7), helper_user_id=users["helper"].pk)
    line = demo.generate(county_code="361022", seed=7, users=users)
    return line


def test_demo_funds_are_consistent(funds_demo, users):
    assert "项目" in funds_demo
    assert 60 <= Project.objects.count() <= 110
    assert set(Project.objects.values_list("status", flat=True)) >= {
        ProjectStatus.DECLARED, ProjectStatus.APPROVED, ProjectStatus.IMPLEMENTING, ProjectStatus.ACCEPTED,
        ProjectStatus.COMPLETED, ProjectStatus.REJECTED, ProjectStatus.CANCELLED}
    assert FundSource.objects.get(kind="central_industry").amount == Decimal("10000000.00")
    for source in FundSource.objects.all():
        assert source.allocations.aggregate(s=total())["s"] <= source.amount
    for project in Project.objects.all():
        allocated = project.allocations.aggregate(s=total())["s"]
        assert allocated <= project.budget
        assert allocated == 0 or project.status in ("approved", "implementing", "accepted", "completed")
        assert project.steps.first().to_status == ProjectStatus.DECLARED
        assert project.steps.last().to_status == project.status
    for allocation in Allocation.objects.all():
        assert allocation.disbursements.aggregate(s=total())["s"] <= allocation.amount
        assert allocation.division_code.startswith(allocation.project.division_code)
    reversal = Disbursement.objects.get(reverses__isnull=False)
    assert reversal.amount == -reversal.reverses.amount and reversal.reason
    household_payments = Disbursement.objects.filter(mode__in=HOUSEHOLD_MODES)
    assert household_payments.filter(household__isnull=True).count() == 0
    assert household_payments.count() > 100
    # every household paid is a beneficiary of the project, in the allocation's area
    paid = set(household_payments.values_list("project_id", "household_id"))
    listed = set(ProjectBeneficiary.objects.values_list("project_id", "household_id"))
    assert paid <= listed
    for d in household_payments.select_related("household")[:500]:
        assert d.household.division_id == d.division_code and d.division_code.startswith(d.allocation_area)
        assert d.household.household_type == "poor"


def test_demo_checks_show_a_failure(funds_demo, users):
    checks, _ = selectors.policy_checks(users["finance"], "361022", 2023)
    by_key = {c.key: c for c in checks}
    assert not by_key["poor_villages"].passed
    assert [s["missing"] for s in by_key["poor_villages"].shortfalls] == [Decimal("50000.00")]
    # 350,000 of the county's 1.8 million went to a village that is not poor: 1.45 million counts
    infrastructure = by_key["village_infrastructure"]
    assert not infrastructure.passed
    assert {f[0]: f[1] for f in infrastructure.figures}["分配到贫困村基础设施项目"] == Decimal("1450000.00")


def test_demo_ledger_reconciles(funds_demo, users):
    led = selectors.ledger(users["finance"], "361022", 2023)
    assert led.totals["allocated"] == Allocation.objects.aggregate(s=Sum("amount"))["s"].quantize(Decimal("0.01"))
    assert led.own["allocated"] + sum(c["allocated"] for c in led.children) == led.totals["allocated"]
    assert led.totals["disbursed"] <= led.totals["allocated"] <= led.totals["amount"]
