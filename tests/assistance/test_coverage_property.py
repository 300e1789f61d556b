"""The coverage counts agree with a plain recount of random households, whatever their mix."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fupin.assistance import selectors
from fupin.assistance.models import MeasureStatus
from fupin.core.actions import SYSTEM, atomic
from tests.assistance.support import YEAR, household_plan, measure
from tests.factories import COUNTY, HUFANG_VILLAGE, JIANYUAN, TANXI_VILLAGE, make_household

pytestmark = pytest.mark.django_db

HOUSEHOLD = st.fixed_dictionaries({
    "village": st.sampled_from([JIANYUAN, HUFANG_VILLAGE, TANXI_VILLAGE]),
    "type": st.sampled_from(["poor", "monitored", "exited", "ordinary"]),
    "enjoys_policy": st.booleans(),
    "helper": st.booleans(),
    # measures of the household's plan: (is an income project, cancelled); None: no plan
    "measures": st.none() | st.lists(st.tuples(st.booleans(), st.booleans()), max_size=3),
})


class Rollback(Exception):
    pass


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(HOUSEHOLD, min_size=1, max_size=6))
def test_coverage_counts_match_a_recount(users, households):
    expected = {"households": 0, "no_measure": 0, "no_income": 0, "no_helper": 0}
    try:
        with atomic():  # an action's transaction: the actions inside join it
            for spec in households:
                fields = {"household_type": spec["type"], "helper_name": "帮扶人" if spec["helper"] else ""}
                if spec["type"] == "exited":
                    fields["enjoys_policy"] = spec["enjoys_policy"]
                h = make_household(spec["village"], **fields)
                live = []
                if spec["measures"] is not None:
                    plan = household_plan(h)
                    for income, cancelled in spec["measures"]:
                        m = measure(plan, income=income)
                        if cancelled:
                            from fupin.assistance import actions

                            actions.set_measure_status(actor=SYSTEM, measure=m, status=MeasureStatus.CANCELLED,
                                                       reason="test")
                        else:
                            live.append(income)
                helped = spec["type"] in ("poor", "monitored") or (spec["type"] == "exited" and spec["enjoys_policy"])
                if helped:
                    expected["households"] += 1
                    expected["no_measure"] += not live
                    expected["no_income"] += not any(live)
                    expected["no_helper"] += not spec["helper"]
            totals = selectors.coverage(users["county"], COUNTY, YEAR)["totals"]
            assert {k: totals[k] for k in expected} == expected
            township = selectors.coverage(users["county"], JIANYUAN[:9], YEAR)["totals"]
            village = selectors.coverage(users["county"], JIANYUAN, YEAR)["totals"]
            assert township["households"] >= village["households"]
            assert sum(1 for _ in selectors.missing_households(users["county"], COUNTY, YEAR)) == sum(
                1 for s in households if (s["type"] in ("poor", "monitored") or (
                    s["type"] == "exited" and s["enjoys_policy"])) and (
                    not s["helper"] or not any(i for i, c in (s["measures"] or []) if not c)))
            raise Rollback
    except Rollback:
        pass
