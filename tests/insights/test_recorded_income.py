"""The card's 到户收入核对: what the system recorded as paid to a household, beside what it declared."""

import datetime as dt
from decimal import Decimal

import pytest

from fupin.core.actions import SYSTEM
from fupin.funds import actions as funds
from fupin.funds.models import DisbursementMode
from fupin.insights import recorded
from fupin.programmes import actions as programmes
from fupin.registry import actions as registry
from tests.conftest import login
from tests.factories import make_household
from tests.funds.support import project, source
from tests.programmes.support import cooperative, join

pytestmark = pytest.mark.django_db
D = Decimal


def paid(finance, household, amount, mode=DisbursementMode.REWARD):
    s = source(finance, amount="100000")
    p = project(finance, budget="100000", households=[household])
    a = funds.allocate(actor=finance, source=s, project=p, amount=amount, household=household)
    funds.disburse(actor=finance, allocation=a, amount=amount, mode=mode, voucher_no="V")


def test_a_declared_transfer_income_below_the_recorded_subsidies_is_flagged(users):
    home = make_household()
    registry.set_income(actor=SYSTEM, household=home, year=2023, values={"transfer_dibao": D("300")})
    paid(users["finance"], home, "500")
    rows = recorded.card_section(users["county"], home)["rows"]
    row = next(r for r in rows if r["year"] == 2023)
    assert row["transfers"] == D("500") and row["paid"]["reward"] == D("500")
    assert row["flags"] == ["申报的转移性收入 300.00 元低于系统记录的补贴补助 500.00 元"]
    # declared at least what was paid: no flag (exactly equal is consistent)
    registry.set_income(actor=SYSTEM, household=home, year=2023, values={"transfer_dibao": D("500")})
    row = next(r for r in recorded.card_section(users["county"], home)["rows"] if r["year"] == 2023)
    assert row["flags"] == []


def test_dividends_are_compared_with_the_declared_property_income(users):
    home = make_household()
    registry.set_income(actor=SYSTEM, household=home, year=2023, values={"property_income": D("99.99")})
    coop = cooperative()
    join(coop, home, 10)
    programmes.declare_dividend(actor=SYSTEM, cooperative=coop, year=2023, total=D("100"),
                                declared_on=dt.date(2024, 1, 10))
    row = next(r for r in recorded.card_section(users["county"], home)["rows"] if r["year"] == 2023)
    assert row["dividends"] == D("100.00")
    assert row["flags"] == ["申报的财产性收入 99.99 元低于系统记录的合作社分红 100.00 元"]


def test_payments_in_a_year_without_a_declared_income_are_flagged_and_shown_on_the_card(client, users):
    home = make_household()
    paid(users["finance"], home, "800", DisbursementMode.DIRECT_SUBSIDY)
    login(client, users["village"])
    page = client.get(home.get_absolute_url()).content.decode()
    assert 'data-testid="recorded-income"' in page
    assert "本年度尚未申报收入，系统已记录到户支付 800.00 元" in page


def test_a_household_with_nothing_declared_or_paid_has_no_section(users):
    assert recorded.card_section(users["county"], make_household()) is None
