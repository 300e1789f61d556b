"""A small county for the assessment tests: households in 湖坊乡 (枧源村) and 潭溪乡 (河溪村) in the
three frames, and helpers to draw a sample and answer its surveys."""

from __future__ import annotations

import datetime as dt

from fupin.assessment import actions
from fupin.assessment.models import Frame, SampleItem
from fupin.core.actions import SYSTEM
from tests.factories import HUFANG, JIANYUAN, TANXI, TANXI_VILLAGE, make_household, person


def household(village: str, kind: str, size: int = 1):
    members = [person("spouse", sex="2") for _ in range(size - 1)]
    extra = {} if kind in ("poor", "exited") else {"poverty_attribute": "", "main_cause": ""}
    return make_household(village, household_type=kind, members=members, **extra)


def county():
    """湖坊乡: 4 exited, 2 poor, 5 ordinary (one of two people); 潭溪乡: 2 exited, 3 ordinary.
    Returns the households by (township, kind) in creation order."""
    made: dict = {}
    for township, village, plan in [
        (HUFANG, JIANYUAN, [("exited", 1)] * 4 + [("poor", 1)] * 2 + [("ordinary", 2)] + [("ordinary", 1)] * 4),
        (TANXI, TANXI_VILLAGE, [("exited", 1)] * 2 + [("ordinary", 1)] * 3),
    ]:
        for kind, size in plan:
            made.setdefault((township, kind), []).append(household(village, kind, size))
    return made


ALL = {HUFANG: {f: 50 for f in Frame.values}, TANXI: {f: 50 for f in Frame.values}}


def draw(actor, sizes=None, seed=7, **kwargs):
    from tests.factories import COUNTY

    return actions.draw_sample(actor=actor, county_code=COUNTY, year=2023, sizes=ALL if sizes is None else sizes, seed=seed, **kwargs)


def answer(item: SampleItem, *, wrong=False, missed=False, approves=True, day: dt.date | None = None, actor=SYSTEM,
           surveyor="王调查"):
    from fupin.core import clock

    values = {"wrongly_exited": wrong if item.frame == Frame.EXITED else None,
              "missed": missed if item.frame == Frame.NON_REGISTERED else None,
              "approves": approves, "surveyor": surveyor, "surveyed_on": day or clock.today(),
              "note": "入户核实：人均纯收入低于收入线" if wrong or missed else ""}
    return actions.record_survey(actor=actor, item=item, values=values)
