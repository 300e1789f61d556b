"""Alkire-Foster multidimensional poverty (domain.md 5), in exact fractions.

Pure Python. Deprivation scores are c_i = sum_j w_j g_ij; unit i is poor iff c_i >= k. For a
population (units weighted by 1, or by household size for person-based figures):
H = q/n, A = sum_{poor} c_i / q, M0 = H * A = (1/n) sum c_i(k); the censored headcount of
indicator j is h_j = (1/n) sum g_ij [c_i >= k], and M0 = sum_j w_j h_j exactly. Populations
combine by adding their sums, so a decomposition by sub-area adds up to the whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction


def fraction(value) -> Fraction:
    """'1/6', '0.25', 0.5 or a Fraction -> Fraction (floats through their decimal text)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(str(value))
    return Fraction(str(value).strip())


def score(deprived: Mapping[str, bool], weights: Mapping[str, Fraction]) -> Fraction:
    return sum((w for key, w in weights.items() if deprived.get(key)), Fraction(0))


def is_poor(c: Fraction, k: Fraction) -> bool:
    return c >= k and c > 0


def common_denominator(weights: Iterable[Fraction]) -> int:
    """The least common denominator: with it, weights and scores are whole numbers (SQL-exact)."""
    from math import lcm

    return lcm(*(w.denominator for w in weights), 1)


@dataclass
class Population:
    """Sums over units; everything else derives exactly from them."""

    n: Fraction = Fraction(0)  # total weight (households, or persons)
    q: Fraction = Fraction(0)  # weight of the poor
    censored_sum: Fraction = Fraction(0)  # sum of weight * c_i over the poor
    censored_counts: dict[str, Fraction] = field(default_factory=dict)  # j -> sum of weight * g_ij over the poor

    def add(self, deprived: Mapping[str, bool], weights: Mapping[str, Fraction], k: Fraction,
            unit_weight: Fraction | int = 1) -> None:
        unit_weight = Fraction(unit_weight)
        c = score(deprived, weights)
        self.n += unit_weight
        if is_poor(c, k):
            self.q += unit_weight
            self.censored_sum += unit_weight * c
            for key in weights:
                if deprived.get(key):
                    self.censored_counts[key] = self.censored_counts.get(key, Fraction(0)) + unit_weight

    def __add__(self, other: Population) -> Population:
        counts = dict(self.censored_counts)
        for key, value in other.censored_counts.items():
            counts[key] = counts.get(key, Fraction(0)) + value
        return Population(self.n + other.n, self.q + other.q, self.censored_sum + other.censored_sum, counts)

    @property
    def H(self) -> Fraction:
        return self.q / self.n if self.n else Fraction(0)

    @property
    def A(self) -> Fraction:
        return self.censored_sum / self.q if self.q else Fraction(0)

    @property
    def M0(self) -> Fraction:
        return self.censored_sum / self.n if self.n else Fraction(0)

    def censored_headcount(self, key: str) -> Fraction:
        return self.censored_counts.get(key, Fraction(0)) / self.n if self.n else Fraction(0)

    def indicator_contributions(self, weights: Mapping[str, Fraction]) -> dict[str, Fraction]:
        """w_j h_j / M0 for each indicator; they sum to 1 whenever M0 > 0."""
        m0 = self.M0
        return {key: (w * self.censored_headcount(key) / m0 if m0 else Fraction(0)) for key, w in weights.items()}


def group_contributions(groups: Mapping[str, Population]) -> dict[str, Fraction]:
    """(n_g/n) M0_g / M0 for each group; they sum to 1 whenever M0 > 0."""
    total = sum(groups.values(), Population())
    m0 = total.M0
    return {name: (g.n / total.n * g.M0 / m0 if m0 and total.n else Fraction(0)) for name, g in groups.items()}


def band(c: Fraction) -> str:
    """'severe' (c >= 1/2), 'poor' (c >= 1/3), 'vulnerable' (1/5 <= c < 1/3) or ''."""
    if c >= Fraction(1, 2):
        return "severe"
    if c >= Fraction(1, 3):
        return "poor"
    if c >= Fraction(1, 5):
        return "vulnerable"
    return ""
