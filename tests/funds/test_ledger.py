"""The ledgers reconcile to the fen at every level, whatever was allocated and paid (property test)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fupin.core.actions import atomic
from fupin.funds import actions, selectors
from fupin.funds.models import DisbursementMode, SourceKind
from tests.factories import COUNTY, HUFANG, JIANYUAN, TANXI, TANXI_VILLAGE
from tests.funds.support import household, project, source

pytestmark = pytest.mark.django_db
ZERO = Decimal("0.00")


@pytest.fixture
def world(users):
    fin = users["finance"]
    h1, h2, h3 = household(), household(), household(TANXI_VILLAGE)
    sources = [source(fin, amount="300000", kind=SourceKind.CENTRAL_INDUSTRY),
               source(fin, amount="120000.55", kind=SourceKind.PROVINCIAL_VILLAGE),
               source(fin, amount="50000", kind=SourceKind.DEPARTMENT)]
    projects = [project(fin, area=COUNTY, budget="150000", households=[h1, h3]),
                project(fin, area=HUFANG, budget="90000.10", households=[h1, h2]),
                project(fin, area=JIANYUAN, budget="80000", households=[h1, h2]),
                project(fin, area=TANXI_VILLAGE, budget="70000", households=[h3]),
                project(fin, area=TANXI, budget="60000")]
    return {"fin": fin, "households": [h1, h2, h3], "sources": sources, "projects": projects}


op = st.tuples(st.integers(0, 2), st.integers(0, 4), st.integers(0, 3), st.integers(1, 6_000_000),
               st.integers(0, 100), st.booleans())


def _target(project_, choice, households):
    """Where an allocation goes: the project itself, a village under it, or a beneficiary household."""
    area = project_.division_code
    if choice == 1 and len(area) < 12:
        return (JIANYUAN if JIANYUAN.startswith(area) else TANXI_VILLAGE), None
    if choice >= 2:
        for h in households:
            if project_.beneficiaries.filter(household=h).exists():
                return "", h
    return "", None


def _check_ledger(user, area, year, expected_alloc, expected_paid):
    led = selectors.ledger(user, area, year)
    t = led.totals
    for value in (t["allocated"], t["disbursed"], t["balance"]):
        assert isinstance(value, Decimal) and value == value.quantize(Decimal("0.01"))
    assert t["allocated"] == sum((v for k, v in expected_alloc.items() if k.startswith(area)), ZERO)
    assert t["disbursed"] == sum((v for k, v in expected_paid.items() if k.startswith(area)), ZERO)
    assert ZERO <= t["disbursed"] <= t["allocated"]
    assert sum((k["allocated"] for k in led.kinds), ZERO) == t["allocated"]
    assert sum((k["disbursed"] for k in led.kinds), ZERO) == t["disbursed"]
    assert sum((p["allocated"] for p in led.projects), ZERO) == t["allocated"]
    assert sum((p["disbursed"] for p in led.projects), ZERO) == t["disbursed"]
    for row in led.projects:
        assert ZERO <= row["disbursed"] <= row["allocated"] <= row["budget"]
    for row in led.kinds:
        assert ZERO <= row["disbursed"] <= row["allocated"]
        if row["amount"] is not None:
            assert row["allocated"] <= row["amount"]
    if led.children:
        assert led.own["allocated"] + sum((c["allocated"] for c in led.children), ZERO) == t["allocated"]
        assert led.own["disbursed"] + sum((c["disbursed"] for c in led.children), ZERO) == t["disbursed"]
        for c in led.children:
            assert ZERO <= c["disbursed"] <= c["allocated"]
            assert c["allocated"] == sum((v for k, v in expected_alloc.items() if k.startswith(c["code"])), ZERO)
    return led


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=1, max_size=12))
def test_ledgers_reconcile(world, ops):
    fin, households = world["fin"], world["households"]
    with atomic():  # an action's transaction: the actions inside join it
        expected_alloc: dict[str, Decimal] = {}
        expected_paid: dict[str, Decimal] = {}
        household_paid: dict[int, Decimal] = {}
        for s_i, p_i, choice, fen, pay_pct, reverse in ops:
            project_ = world["projects"][p_i]
            amount = Decimal(fen) / 100
            village, household_ = _target(project_, choice, households)
            try:
                a = actions.allocate(actor=fin, source=world["sources"][s_i], project=project_, amount=amount,
                                     division_code=village, household=household_)
            except ValidationError:
                continue  # over the source or the budget: refused, nothing written
            expected_alloc[a.division_code] = expected_alloc.get(a.division_code, ZERO) + a.amount
            pay = (a.amount * pay_pct / 100).quantize(Decimal("0.01"))
            if pay <= 0:
                continue
            payee = a.household
            if payee is None and choice == 3:  # pay a beneficiary from a village or project allocation
                found = project_.beneficiaries.filter(division_code__startswith=a.division_code).first()
                payee = found.household if found else None
            mode = DisbursementMode.REWARD if payee is not None else DisbursementMode.LOAN_RISK
            d = actions.disburse(actor=fin, allocation=a, amount=pay, mode=mode, household=payee, voucher_no="V")
            net = pay
            if reverse:
                actions.reverse_disbursement(actor=fin, disbursement=d, reason="冲")
                net = ZERO
            expected_paid[a.division_code] = expected_paid.get(a.division_code, ZERO) + net
            if payee is not None:
                household_paid[payee.pk] = household_paid.get(payee.pk, ZERO) + net
        county = _check_ledger(fin, COUNTY, 2023, expected_alloc, expected_paid)
        township = _check_ledger(fin, HUFANG, 2023, expected_alloc, expected_paid)
        _check_ledger(fin, JIANYUAN, 2023, expected_alloc, expected_paid)
        _check_ledger(fin, TANXI, 2023, expected_alloc, expected_paid)
        # the county's row for a township is that township's own ledger
        row = next(c for c in county.children if c["code"] == HUFANG)
        assert (row["allocated"], row["disbursed"]) == (township.totals["allocated"], township.totals["disbursed"])
        # the sources' amounts are what the county holds
        assert county.totals["amount"] == Decimal("470000.55")
        # each household's ledger adds up to what it was paid
        for h in households:
            assert selectors.household_ledger(fin, h)["total"] == household_paid.get(h.pk, ZERO)
        transaction.set_rollback(True)


def test_village_ledger_lists_households_and_allocations(world):
    fin, h1 = world["fin"], world["households"][0]
    village_project = world["projects"][2]
    a = actions.allocate(actor=fin, source=world["sources"][0], project=village_project, amount="1000", household=h1)
    actions.disburse(actor=fin, allocation=a, amount="400", mode=DisbursementMode.REWARD, voucher_no="V")
    actions.disburse(actor=fin, allocation=a, amount="100.25", mode=DisbursementMode.DIRECT_SUBSIDY, voucher_no="W")
    led = selectors.ledger(fin, JIANYUAN, 2023)
    assert [x.pk for x in led.allocations] == [a.pk] and led.allocations[0].disbursed == Decimal("500.25")
    rows = list(led.households)
    assert len(rows) == 1 and rows[0]["household_id"] == h1.pk
    assert rows[0]["total"] == Decimal("500.25") and rows[0]["reward"] == Decimal("400.00")
    assert rows[0]["payments"] == 2


def test_other_township_sees_nothing_of_hufang(world, users):
    fin = world["fin"]
    a = actions.allocate(actor=fin, source=world["sources"][0], project=world["projects"][2], amount="1000")
    actions.disburse(actor=fin, allocation=a, amount="10", mode=DisbursementMode.LOAN_RISK, voucher_no="V")
    led = selectors.ledger(users["other_township"], TANXI, 2023)
    assert led.totals["allocated"] == ZERO
    assert all(p["project"].division_code.startswith(TANXI) for p in led.projects)
    led = selectors.ledger(users["township"], HUFANG, 2023)
    assert led.totals["allocated"] == Decimal("1000.00") and led.totals["disbursed"] == Decimal("10.00")


def test_money_sums_are_exact_in_the_database(world):
    """SQLite keeps decimals as floats: a plain SUM gives 0.329999...; the fen sum gives 0.33."""
    from fupin.funds.models import Allocation
    from fupin.funds.sums import total

    fin = world["fin"]
    for amount in ("0.10", "0.20", "0.03"):
        actions.allocate(actor=fin, source=world["sources"][0], project=world["projects"][0], amount=amount)
    result = Allocation.objects.aggregate(s=total())["s"]
    assert result == Decimal("0.33") and isinstance(result, Decimal) and str(result) == "0.33"
    assert Allocation.objects.filter(pk=-1).aggregate(s=total())["s"] == Decimal("0.00")
