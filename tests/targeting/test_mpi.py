"""Alkire-Foster: the identities that must hold for any population, and hand-computed examples."""

from fractions import Fraction as F

from hypothesis import given
from hypothesis import strategies as st

from fupin.targeting.mpi import Population, common_denominator, group_contributions, is_poor, score

WEIGHTS = {"a": F(1, 6), "b": F(1, 6), "c": F(1, 6), "d": F(1, 6), "e": F(1, 18), "f": F(1, 18), "g": F(1, 18),
           "h": F(1, 18), "i": F(1, 18), "j": F(1, 18)}
K = F(1, 3)

units = st.tuples(st.fixed_dictionaries({key: st.booleans() for key in WEIGHTS}), st.integers(1, 8))
populations = st.lists(units, min_size=1, max_size=40)


def build(rows, persons=False) -> Population:
    p = Population()
    for deprived, size in rows:
        p.add(deprived, WEIGHTS, K, unit_weight=size if persons else 1)
    return p


def test_hand_computed_example():
    # Four households: scores 1/2, 1/3, 1/6 and 0 -> two poor (k = 1/3).
    rows = [
        ({"a": True, "b": True, "c": True}, 1),
        ({"a": True, "e": True, "f": True, "g": True}, 1),
        ({"d": True}, 1),
        ({}, 1),
    ]
    p = build(rows)
    assert score(rows[0][0], WEIGHTS) == F(1, 2)
    assert score(rows[1][0], WEIGHTS) == F(1, 3)
    assert p.H == F(2, 4)
    assert p.A == (F(1, 2) + F(1, 3)) / 2 == F(5, 12)
    assert p.M0 == F(5, 24)
    # censored headcounts: a is deprived in both poor households, d only in a non-poor one
    assert p.censored_headcount("a") == F(2, 4)
    assert p.censored_headcount("d") == 0
    contributions = p.indicator_contributions(WEIGHTS)
    assert contributions["a"] == F(1, 6) * F(1, 2) / F(5, 24) == F(2, 5)
    assert sum(contributions.values()) == 1


def test_person_weighting_counts_members():
    rows = [({"a": True, "b": True}, 5), ({}, 1)]  # a poor household of five, a non-poor single
    assert build(rows).H == F(1, 2)
    assert build(rows, persons=True).H == F(5, 6)


def test_the_weights_of_the_local_adaptation_give_exact_integer_units():
    d = common_denominator([*WEIGHTS.values(), K])
    assert d == 18
    assert all((w * d).denominator == 1 for w in WEIGHTS.values())


@given(populations, st.booleans())
def test_m0_is_h_times_a(rows, persons):
    p = build(rows, persons)
    assert p.M0 == p.H * p.A


@given(populations, st.booleans())
def test_indicator_decomposition_adds_up_to_m0(rows, persons):
    p = build(rows, persons)
    assert sum(w * p.censored_headcount(key) for key, w in WEIGHTS.items()) == p.M0
    if p.M0:
        assert sum(p.indicator_contributions(WEIGHTS).values()) == 1


@given(st.lists(populations, min_size=1, max_size=5), st.booleans())
def test_group_decomposition_adds_up_to_m0(groups, persons):
    parts = {str(i): build(rows, persons) for i, rows in enumerate(groups)}
    total = sum(parts.values(), Population())
    assert sum(g.n / total.n * g.M0 for g in parts.values()) == total.M0
    shares = group_contributions(parts)
    if total.M0:
        assert sum(shares.values()) == 1


@given(st.fixed_dictionaries({key: st.booleans() for key in WEIGHTS}), st.sampled_from(sorted(WEIGHTS)))
def test_adding_a_deprivation_never_lowers_a_score(deprived, key):
    before = score(deprived, WEIGHTS)
    after = score({**deprived, key: True}, WEIGHTS)
    assert after >= before
    if is_poor(before, K):
        assert is_poor(after, K)


@given(populations)
def test_h_and_a_stay_between_zero_and_one(rows):
    p = build(rows)
    assert 0 <= p.H <= 1
    assert (p.A == 0) or (K <= p.A <= 1)
