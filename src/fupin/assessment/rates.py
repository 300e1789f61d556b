"""The four figures of the county's exit assessment (三率一度, domain.md 2.3) from a survey sample, with
95% confidence intervals. Pure functions (no Django): the selectors feed them counts.

- 错退率 (wrong-exit rate) = sampled exited households found wrongly exited ÷ sampled exited households;
- 漏评率 (missed rate) = people of the sampled non-registered households found missed ÷ people of the
  sampled non-registered households ("missed ÷ sampled non-registered rural population");
- 群众认可度 (approval) = surveyed households that approve the work ÷ surveyed households;
- 综合贫困发生率 (combined incidence) = (registered poor people + missed people + wrongly exited people)
  ÷ rural people, the two sampled parts estimated from the sample: missed = 漏评率 × people of the
  non-registered households; wrongly exited = the exited sample's wrong-exit share in people × people
  of the exited households.

A township's figures are over its own sampled households; the county's are the same ratios over the
whole sample (the assessment's own definitions, domain.md 2.3: sampled wrongly exited ÷ sampled
exited, and so on), the frames (registered poor, rural people) summed over the townships.

Intervals: Wilson score intervals for each sampled proportion (people counted as units for the
people-based rates: the design effect of sampling whole households is not modelled, so those
intervals are somewhat narrow). The combined incidence's interval puts the two sampled rates' lower
(upper) bounds together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

Z = 1.959963984540054  # 95%

THRESHOLDS = {"combined": (Decimal("0.02"), "below"), "wrong_exit": (Decimal("0.02"), "below"),
              "missed": (Decimal("0.02"), "below"), "approval": (Decimal("0.90"), "at_least")}


@dataclass(frozen=True)
class Rate:
    events: int
    units: int
    value: float | None  # events / units (None without units)
    low: float | None
    high: float | None

    def passes(self, threshold: Decimal, direction: str) -> bool | None:
        if self.value is None:
            return None
        return self.value < float(threshold) if direction == "below" else self.value >= float(threshold)


def wilson(events: int, units: int, z: float = Z) -> Rate:
    """A proportion with its Wilson score interval; (0, 0) units give no value."""
    if units <= 0:
        return Rate(events, units, None, None, None)
    if not 0 <= events <= units:
        raise ValueError("events must be between 0 and units")
    p = events / units
    denominator = 1 + z * z / units
    centre = (p + z * z / (2 * units)) / denominator
    half = z * math.sqrt(p * (1 - p) / units + z * z / (4 * units * units)) / denominator
    low = 0.0 if events == 0 else max(0.0, centre - half)  # exactly 0 (1) at the ends, not a rounding away
    high = 1.0 if events == units else min(1.0, centre + half)
    return Rate(events, units, p, low, high)


def combined(*, registered_poor: int, rural_people: int, missed: Rate, non_registered_people: int,
             wrong_exit_people: Rate, exited_people: int) -> Rate:
    """综合贫困发生率 from the register and the two sampled people-based rates (see the module text)."""
    if rural_people <= 0:
        return Rate(0, 0, None, None, None)

    def estimate(m: float | None, w: float | None) -> float:
        return (registered_poor + (m or 0.0) * non_registered_people + (w or 0.0) * exited_people) / rural_people

    value = estimate(missed.value, wrong_exit_people.value)
    low = estimate(missed.low, wrong_exit_people.low)
    high = estimate(missed.high, wrong_exit_people.high)
    # events: the estimated poor people (registered, and the sample's rates carried to their frames)
    return Rate(round(value * rural_people), rural_people, value, low, high)
