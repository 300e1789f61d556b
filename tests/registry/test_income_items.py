"""转移性收入 by item (national card): the total is always the items' sum; dividends within property income."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fupin.core.actions import SYSTEM
from fupin.registry import actions
from fupin.registry.actions import TRANSFER_ITEMS
from fupin.registry.models import HouseholdIncome
from tests.factories import make_household

pytestmark = pytest.mark.django_db

D = Decimal


def test_items_make_the_total(lichuan):
    home = make_household()
    income = actions.set_income(actor=SYSTEM, household=home, year=2023, values={
        "transfer_dibao": D("2400"), "transfer_pension": D("1250.50"), "transfer_other": D("100")})
    assert income.transfer_income == D("3750.50")


def test_a_total_puts_the_rest_under_other(lichuan):
    home = make_household()
    income = actions.set_income(actor=SYSTEM, household=home, year=2023, values={
        "transfer_income": D("5000"), "transfer_dibao": D("2400")})
    assert income.transfer_other == D("2600") and income.transfer_income == D("5000")
    # a later total alone keeps the named items and moves the rest
    income = actions.set_income(actor=SYSTEM, household=home, year=2023, values={"transfer_income": D("2400")})
    assert income.transfer_other == 0 and income.transfer_dibao == D("2400")


def test_items_above_the_total_are_refused_and_nothing_is_written(lichuan):
    home = make_household()
    with pytest.raises(ValidationError) as err:
        actions.set_income(actor=SYSTEM, household=home, year=2023, values={
            "transfer_income": D("1000"), "transfer_dibao": D("800"), "transfer_pension": D("200.01")})
    assert "transfer_income" in err.value.message_dict
    assert "1,000.01" in err.value.message_dict["transfer_income"][0]
    with pytest.raises(ValidationError) as err:
        actions.set_income(actor=SYSTEM, household=home, year=2023, values={
            "transfer_income": D("1000"), "transfer_dibao": D("800"), "transfer_other": D("300")})
    assert "transfer_other" in err.value.message_dict
    assert not HouseholdIncome.objects.exists()


@pytest.mark.parametrize(("dividends", "ok"), [(D("500"), True), (D("500.01"), False)])
def test_dividends_are_part_of_property_income(lichuan, dividends, ok):
    home = make_household()
    values = {"property_income": D("500"), "property_dividends": dividends}
    if ok:
        assert actions.set_income(actor=SYSTEM, household=home, year=2023, values=values).property_dividends == dividends
    else:
        with pytest.raises(ValidationError, match="资产收益分红"):
            actions.set_income(actor=SYSTEM, household=home, year=2023, values=values)


money = st.decimals(min_value=0, max_value=100000, places=2)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(money, min_size=6, max_size=6), total=st.one_of(st.none(), money))
def test_the_total_is_always_the_sum_of_the_items(lichuan, items, total):
    home = make_household()
    values = dict(zip(TRANSFER_ITEMS, items, strict=True))
    if total is not None:
        values["transfer_income"] = total
        values.pop("transfer_other")
    named = sum(items[:-1], D(0))
    if total is not None and named > total:
        with pytest.raises(ValidationError):
            actions.set_income(actor=SYSTEM, household=home, year=2023, values=values)
        return
    income = actions.set_income(actor=SYSTEM, household=home, year=2023, values=values)
    income.refresh_from_db()
    assert income.transfer_income == sum((getattr(income, f) for f in TRANSFER_ITEMS), D(0))
    assert income.transfer_income == (total if total is not None else sum(items, D(0)))
