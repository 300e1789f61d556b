"""Reads of the exchange app, always through the user's area scope (the system, ``None``, sees all)."""

from __future__ import annotations

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404

from fupin.core.scope import prefix_q, scope_for
from fupin.divisions.models import Division, Level
from fupin.exchange.models import FindingStatus, ImportBatch, MatchFinding, MatchRule, MatchRun, Source
from fupin.registry.models import Household


def households(user, area: str = ""):
    """Active households under ``area`` that ``user`` may see."""
    qs = Household.objects.filter(status="active")
    if user is None:
        return qs.filter(prefix_q("division_id", area))
    return qs.visible_to(user, area)


def villages(user, area: str = ""):
    qs = Division.objects.filter(level=Level.VILLAGE)
    qs = qs.filter(prefix_q("code", area)) if user is None else qs.visible_to(user, area)
    return qs.order_by("code")


def import_batches(user):
    return ImportBatch.objects.visible_to(user).select_related("created_by", "job")


def get_import(user, pk: int) -> ImportBatch:
    """A batch the user may see: within their area, or their own upload (before its area is known)."""
    qs = ImportBatch.objects.select_related("created_by", "job")
    batch = get_object_or_404(qs, pk=pk)
    if batch.created_by_id == getattr(user, "pk", None) or import_batches(user).filter(pk=pk).exists():
        return batch
    raise Http404


# --- department matching ----------------------------------------------------------------------

def _own_sources(user) -> list[str] | None:
    """A department user sees the lists of their own department; others every kind (None)."""
    if getattr(user, "role", "") != "department":
        return None
    from fupin.exchange.actions import may_match

    return [v for v in Source.values if may_match(user, v)]


def match_runs(user):
    qs = MatchRun.objects.visible_to(user).select_related("created_by", "job")
    sources = _own_sources(user)
    return qs if sources is None else qs.filter(source__in=sources)


def get_match_run(user, pk: int) -> MatchRun:
    return get_object_or_404(match_runs(user), pk=pk)


def visible_rules(user):
    qs = MatchRule.objects.filter(county_code__in=[p[:6] for p in scope_for(user).prefixes if len(p) >= 6])
    sources = _own_sources(user)
    return qs if sources is None else qs.filter(source__in=sources)


def rules_of(run: MatchRun) -> list[MatchRule]:
    return list(MatchRule.objects.filter(county_code=run.county_code, source=run.source).order_by("id"))


def findings(user, *, run: MatchRun | None = None, area: str = "", outcome: str = "", status: str = "",
             rule: str = ""):
    qs = MatchFinding.objects.visible_to(user, area).select_related("household", "member", "rule", "clue", "run")
    sources = _own_sources(user)
    if sources is not None:
        qs = qs.filter(rule__source__in=sources)
    if run is not None:
        qs = qs.filter(run=run)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if status:
        qs = qs.filter(status=status)
    if rule:
        qs = qs.filter(rule_id=rule)
    return qs.order_by("-run_id", "division_code", "id")


def get_finding(user, pk: int) -> MatchFinding:
    return get_object_or_404(findings(user), pk=pk)


def open_finding_counts(user) -> dict:
    qs = findings(user, status=FindingStatus.OPEN)
    return {row["outcome"]: row["n"] for row in qs.order_by().values("outcome").annotate(n=Count("id"))}


def household_findings(user, household) -> list[MatchFinding]:
    return list(findings(user).filter(household=household)[:50])


def national_batches(user):
    from fupin.exchange.models import NationalExport

    return NationalExport.objects.visible_to(user).select_related("created_by")


def get_national(user, pk: int):
    return get_object_or_404(national_batches(user), pk=pk)


def national_items(user, batch, *, waiting: bool = False):
    from fupin.exchange.models import NationalExportItem
    from fupin.registry.selectors import head_name

    qs = NationalExportItem.objects.visible_to(user).filter(batch=batch)
    if waiting:  # cases still at the step 录入全国防返贫监测系统
        qs = qs.filter(case__status="open", case__step="entry")
    return qs.select_related("household", "case").annotate(head=head_name("household_id")).order_by(
        "division_code", "household__household_code")


def batch_of_case(case):
    """The latest national batch that carried this monitoring case (or, failing that, its household)."""
    from django.db.models import Q

    from fupin.exchange.models import NationalExport

    return (NationalExport.objects.filter(county_code=case.county_code)
            .filter(Q(items__case=case) | Q(items__household_id=case.household_id, created_at__gte=case.step_started_at))
            .order_by("-created_at").first())
