"""Small factories for the indicator and dashboard tests (hand-countable populations)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from fupin.core.actions import SYSTEM
from fupin.registry import actions as registry
from tests.factories import JIANYUAN, make_household, person


def household(village: str = JIANYUAN, *, size: int = 1, **fields):
    """A household with ``size`` members (the head and size-1 children)."""
    members = [person("son", birth=dt.date(2000 + i, 3, 1), name=f"子{i}") for i in range(size - 1)]
    return make_household(village, members=members, **fields)


def income(h, year: int, *, wage=0, business=0, property=0, transfer=0, costs=0):
    return registry.set_income(actor=SYSTEM, household=h, year=year, values={
        "wage_income": Decimal(wage), "business_income": Decimal(business), "property_income": Decimal(property),
        "transfer_income": Decimal(transfer), "production_costs": Decimal(costs)})


def case(h, kind: str, year: int, status: str = "done"):
    """A procedure case in its final state (the workflows actions are tested in their app; the
    indicators only count the cases)."""
    from fupin.workflows.models import Case

    now = timezone.now()
    return Case.objects.create(county_code=h.county_code, division_code=h.division_id, household=h, kind=kind,
                               year=year, status=status, step="done", step_started_at=now,
                               step_due=dt.date(year, 12, 31), started_at=now,
                               finished_at=now if status != "open" else None)


def official_run(area: str, year: int):
    """An official identification run over ``area`` with the published rule set of the year."""
    from fupin.targeting import actions

    run = actions.start_run(actor=SYSTEM, area_code=area, year=year, enqueue=False)
    return actions.execute_run(run)
