"""Reads of the funds app: sources, the project library, ledgers (台账) per level and the yearly
policy checks. Every aggregate is one grouped query (set-based), never a loop over rows."""

from __future__ import annotations

from django.db.models import Count
from django.db.models.functions import Length

from fupin.core.scope import prefix_q
from fupin.funds.models import LIVE, Project


def village_project_counts(prefix: str, year: int):
    """``{"division_code", "n"}`` per village under ``prefix``: the village's batch of projects
    (一村一批扶持项目) in ``year``, counting declared and approved ones, not rejected or cancelled."""
    return (Project.objects.filter(prefix_q("division_code", prefix), year=year, status__in=LIVE)
            .annotate(code_len=Length("division_code")).filter(code_len=12)
            .values("division_code").annotate(n=Count("pk")).order_by("division_code"))
