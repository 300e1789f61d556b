"""The four figures' arithmetic: Wilson intervals checked against values worked out by hand (and
against the interval's definition), the combined incidence from the register and two sampled rates."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin.assessment import rates


@pytest.mark.parametrize(("events", "units", "low", "high"), [
    (0, 20, 0.0, 0.161125),  # upper = z² / (n + z²) = 3.8415 / 23.8415
    (1, 50, 0.003539, 0.104954),
    (45, 50, 0.786398, 0.956524),
    (3, 195, 0.005246, 0.044248),
])
def test_wilson_intervals_worked_by_hand(events, units, low, high):
    r = rates.wilson(events, units)
    assert r.value == pytest.approx(events / units)
    assert r.low == pytest.approx(low, abs=1e-6)
    assert r.high == pytest.approx(high, abs=1e-6)


def test_no_units_no_value():
    r = rates.wilson(0, 0)
    assert r.value is None and r.low is None and r.passes(*rates.THRESHOLDS["missed"]) is None


def test_events_beyond_units_are_refused():
    with pytest.raises(ValueError):
        rates.wilson(3, 2)


@given(st.integers(min_value=1, max_value=2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_bounds_are_where_the_score_test_turns(case):
    """Wilson's bounds are the proportions p at which |p̂ - p| = z·sqrt(p(1-p)/n)."""
    events, units = case
    r = rates.wilson(events, units)
    assert 0 <= r.low <= r.value <= r.high <= 1
    for bound in (r.low, r.high):
        if 0 < bound < 1:
            assert abs(r.value - bound) == pytest.approx(rates.Z * math.sqrt(bound * (1 - bound) / units), rel=1e-6)


@pytest.mark.parametrize(("value", "key", "passes"), [
    (0.0199, "wrong_exit", True), (0.02, "wrong_exit", False),  # below 2%: at 2% it fails
    (0.02, "missed", False), (0.02, "combined", False),
    (0.90, "approval", True), (0.8999, "approval", False),  # at least 90%
])
def test_thresholds_at_their_edges(value, key, passes):
    r = rates.Rate(0, 1, value, value, value)
    assert r.passes(*rates.THRESHOLDS[key]) is passes


def test_combined_incidence_worked_by_hand():
    """1,000 rural people, 15 registered poor; 400 non-registered people of whom the sample found 2 of
    100 missed; 200 exited people of whom the sample found 1 of 50 wrongly exited:
    (15 + 0.02 × 400 + 0.02 × 200) / 1000 = 27 / 1000."""
    missed = rates.wilson(2, 100)
    wrong = rates.wilson(1, 50)
    r = rates.combined(registered_poor=15, rural_people=1000, missed=missed, non_registered_people=400,
                       wrong_exit_people=wrong, exited_people=200)
    assert r.value == pytest.approx(0.027)
    assert r.events == 27 and r.units == 1000
    assert r.low == pytest.approx((15 + missed.low * 400 + wrong.low * 200) / 1000)
    assert r.high == pytest.approx((15 + missed.high * 400 + wrong.high * 200) / 1000)
    assert r.passes(*rates.THRESHOLDS["combined"]) is False
