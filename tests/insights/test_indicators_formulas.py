"""Property tests of the indicator formulas: shares add up to exactly 100, percentages stay in
[0, 100] for parts of a whole, growth inverts."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from fupin.insights.indicators import growth, pct, per_capita, shares

money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@given(st.dictionaries(st.sampled_from(["wage", "business", "property", "transfer"]), money, min_size=1))
def test_shares_sum_to_exactly_100(parts):
    result = shares(parts)
    if sum(parts.values()) == 0:
        assert all(v is None for v in result.values())
    else:
        assert sum(result.values()) == Decimal("100.00")
        assert all(Decimal(0) <= v <= Decimal(100) for v in result.values())
        # each share is within a hundredth of a percent of the exact one
        total = sum(parts.values())
        for key, value in result.items():
            assert abs(value - parts[key] * 100 / total) < Decimal("0.01")


@given(st.integers(min_value=0, max_value=10**7), st.integers(min_value=0, max_value=10**7))
def test_incidence_stays_between_0_and_100(part, extra):
    whole = part + extra
    value = pct(part, whole)
    if whole == 0:
        assert value is None
    else:
        assert Decimal(0) <= value <= Decimal(100)
        assert value == (Decimal(part) * 100 / whole).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


@given(money.filter(lambda v: v > 0), st.decimals(min_value=-90, max_value=1000, places=2))
def test_growth_recovers_the_rate(before, rate):
    now = before * (1 + rate / 100)
    assert abs(growth(now, before) - rate) <= Decimal("0.01")


def test_growth_and_per_capita_without_a_base():
    assert growth(Decimal(100), 0) is None and growth(None, Decimal(5)) is None
    assert per_capita(Decimal(100), 0) is None
    assert per_capita(Decimal(100), 3) == Decimal("33.33")
