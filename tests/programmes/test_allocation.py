"""The dividend split: exact to the fen, fair within one fen, nothing for zero shares, monotone."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fupin.programmes.allocation import AllocationError, allocate

totals = st.integers(min_value=0, max_value=10_000_000_00).map(lambda fen: Decimal(fen) / 100)
shares = st.lists(st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False),
                  min_size=1, max_size=40)


def _holders(values):
    return [(i, Decimal(v)) for i, v in enumerate(values)]


@settings(max_examples=300)
@given(totals, shares)
def test_payments_sum_exactly_to_the_total(total, values):
    if sum(values) == 0:
        return
    paid = allocate(total, _holders(values))
    assert sum(paid.values()) == total
    assert all(a == a.quantize(Decimal("0.01")) and a >= 0 for a in paid.values())


@settings(max_examples=300)
@given(totals, shares)
def test_each_payment_is_within_one_fen_of_its_exact_share(total, values):
    whole = sum(values)
    if whole == 0:
        return
    paid = allocate(total, _holders(values))
    for i, v in enumerate(values):
        exact = Fraction(total) * Fraction(v) / Fraction(whole)
        assert abs(Fraction(paid[i]) - exact) < Fraction(1, 100)


@settings(max_examples=300)
@given(totals, shares)
def test_zero_shares_get_nothing_and_more_shares_never_get_less(total, values):
    if sum(values) == 0:
        return
    paid = allocate(total, _holders(values))
    for i, v in enumerate(values):
        if v == 0:
            assert paid[i] == 0
        for j, w in enumerate(values):
            if v > w:
                assert paid[i] >= paid[j]
            if v == w:
                assert abs(paid[i] - paid[j]) <= Decimal("0.01")


def test_the_leftover_fen_go_to_the_largest_remainders_then_more_shares_then_the_first_key():
    # 100.00 over 3 equal holders: 33.33 each and one fen left, which goes to the first key
    assert allocate(Decimal("100.00"), [(3, Decimal(1)), (1, Decimal(1)), (2, Decimal(1))]) == {
        1: Decimal("33.34"), 2: Decimal("33.33"), 3: Decimal("33.33")}
    # 0.05 over 1:2: exact 1.67 and 3.33 fen -> remainders .67 and .33: the 1-share holder gets the extra fen
    assert allocate(Decimal("0.05"), [("a", Decimal(1)), ("b", Decimal(2))]) == {"a": Decimal("0.02"),
                                                                                 "b": Decimal("0.03")}
    # the same split twice gives the same answer (deterministic)
    holders = [(i, Decimal(7)) for i in range(9)]
    assert allocate(Decimal("10.00"), holders) == allocate(Decimal("10.00"), list(reversed(holders)))


def test_bad_input_is_refused():
    with pytest.raises(AllocationError):
        allocate(Decimal("1.001"), [(1, Decimal(1))])
    with pytest.raises(AllocationError):
        allocate(Decimal("-1"), [(1, Decimal(1))])
    with pytest.raises(AllocationError):
        allocate(Decimal("1"), [(1, Decimal(0))])
    with pytest.raises(AllocationError):
        allocate(Decimal("1"), [(1, Decimal(-1)), (2, Decimal(3))])
    with pytest.raises(AllocationError):
        allocate(Decimal("1"), [(1, Decimal(1)), (1, Decimal(2))])
