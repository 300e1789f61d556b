"""Reads of the assistance app, always through the user's area scope.

The coverage of the 八个一 is computed set-based: one grouped query over the helped households
of the area (with EXISTS probes into the measures, served by ``measure_household``), and small
queries over the townships and villages of the area (leaders, plans, work teams, projects).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, Max, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from fupin.assistance import rules
from fupin.assistance.models import (
    LIVE_MEASURE_STATUSES,
    Category,
    CountyLeader,
    Measure,
    Plan,
    PlanLevel,
    Visit,
    VisitPhoto,
)
from fupin.core import clock
from fupin.core.scope import counties_q, root_code, scope_for
from fupin.divisions.models import Division, Level
from fupin.funds.selectors import village_project_counts
from fupin.registry import codes
from fupin.registry.models import Household, Member, VillageProfile, WorkTeamMember


def overdue_days() -> int:
    """A helped household is overdue for a visit after this many days (setting FUPIN_VISIT_OVERDUE_DAYS)."""
    return settings.FUPIN_VISIT_OVERDUE_DAYS


def default_year(user) -> int:
    """The latest year the user's area has plans for, else this year."""
    latest = Plan.objects.visible_to(user).aggregate(y=Max("year"))["y"]
    return latest or clock.today().year


def helped_households(user, area: str = ""):
    """The households of the user's area that the household-level 一 apply to (rules.needs_help_q)."""
    return Household.objects.visible_to(user, area).filter(rules.needs_help_q())


def _measure_exists(year: int, *, income: bool = False):
    measures = _live_measures(year)
    if income:
        measures = measures.filter(income_project=True)
    return Exists(measures)


def with_coverage(households, year: int):
    """Households annotated with has_measure, has_income_project, has_helper for ``year``."""
    return households.annotate(
        has_measure=_measure_exists(year), has_income_project=_measure_exists(year, income=True),
        has_helper_flag=ExpressionWrapper(rules.has_helper_q(), output_field=BooleanField()),
    )


HOUSEHOLD_KEYS = ("households", "no_measure", "no_income", "no_helper")


def _households_with_measures(area: str, year: int, *, income: bool = False):
    """Ids of the households with a live measure (an income project) in ``year`` in the area's counties
    (a county, or a prefecture's or province's): one uncorrelated subquery, which PostgreSQL hashes once
    (an EXISTS inside an aggregate's FILTER would be probed once per household) and SQLite materialises once."""
    qs = Measure.objects.filter(counties_q(area), year=year, status__in=LIVE_MEASURE_STATUSES,
                                household__isnull=False)
    if income:
        qs = qs.filter(income_project=True)
    return qs.values("household_id")


def _household_counts(user, area: str, year: int) -> dict[str, dict]:
    """Per village (12-digit code): helped households and how many lack a measure, an income project,
    a helper — one grouped query (above the counties one per county: an equality on its county, one
    shard on Citus)."""
    if len(area) < 6:
        found: dict[str, dict] = {}
        for county in Division.objects.visible_to(user).county_codes(area):
            found.update(_household_counts(user, county, year))
        return found
    if len(area) <= 6:  # a whole county: hash the year's measures once
        with_measure = Q(pk__in=_households_with_measures(area, year))
        with_income = Q(pk__in=_households_with_measures(area, year, income=True))
    else:  # a township or a village: probe the index for its (fewer) households
        with_measure = Q(Exists(_live_measures(year)))
        with_income = Q(Exists(_live_measures(year).filter(income_project=True)))
    households = helped_households(user, area)
    if len(area) >= 6:  # one county: named, so on Citus the query runs on its shard
        households = households.filter(county_code=area[:6])
    rows = (households
            .values("division_id")
            .annotate(households=Count("pk"), with_measure=Count("pk", filter=with_measure),
                      with_income=Count("pk", filter=with_income),
                      no_helper=Count("pk", filter=Q(helper_user__isnull=True, helper_name="")))
            .order_by())
    return {r["division_id"]: {"households": r["households"], "no_measure": r["households"] - r["with_measure"],
                               "no_income": r["households"] - r["with_income"], "no_helper": r["no_helper"]}
            for r in rows}


def _live_measures(year: int):
    return Measure.objects.filter(county_code=OuterRef("county_code"), household_id=OuterRef("pk"), year=year,
                                  status__in=LIVE_MEASURE_STATUSES)


def _plans(user, area: str, level: str, year: int) -> dict[str, Plan]:
    return {p.division_code: p for p in Plan.objects.visible_to(user, area).filter(level=level, year=year,
                                                                                  household__isnull=True)}


def _first_secretaries(user, area: str, day: dt.date) -> dict[str, tuple[WorkTeamMember | None, int]]:
    """Per village: its serving first secretary (or None) and the size of its serving work team."""
    team = (WorkTeamMember.objects.visible_to(user, area).filter(started_on__lte=day)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day)))
    sizes = dict(team.values("division_code").annotate(n=Count("pk")).values_list("division_code", "n").order_by())
    secretaries = {m.division_code: m for m in team.filter(role=codes.WorkTeamRole.FIRST_SECRETARY)}
    return {code: (secretaries.get(code), n) for code, n in sizes.items()}


def _leaders(user, area: str, day: dt.date) -> dict[str, CountyLeader]:
    return {leader.division_code: leader for leader in CountyLeader.objects.visible_to(user, area).filter(
        started_on__lte=day).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))}


def _empty_counts() -> dict:
    return dict.fromkeys(HOUSEHOLD_KEYS, 0)


def _village_row(village: Division, *, households: dict, plans: dict, teams: dict, projects: dict,
                 poor: set[str]) -> dict:
    counts = {k: households.get(village.code, {}).get(k, 0) for k in HOUSEHOLD_KEYS}
    secretary, team_size = teams.get(village.code, (None, 0))
    # The village-level 一 apply to poor villages and to every village with helped households.
    needs = village.code in poor or counts["households"] > 0
    plan = plans.get(village.code)
    row = {"division": village, "poor": village.code in poor, "needs": needs, **counts,
           "secretary": secretary, "team_size": team_size, "plan": plan, "projects": projects.get(village.code, 0)}
    # 一村一个定点帮扶工作组: a serving work team; a poor village's team also needs its first secretary
    # (the plan sends one to every poor village).
    row["no_secretary"] = row["poor"] and secretary is None
    row["no_team"] = needs and (team_size == 0 or row["no_secretary"])
    row["no_plan"] = needs and plan is None
    row["no_projects"] = needs and row["projects"] == 0
    row["complete"] = needs and not (row["no_team"] or row["no_plan"] or row["no_projects"] or counts["no_measure"]
                           or counts["no_income"] or counts["no_helper"])
    return row


def coverage(user, area: str, year: int) -> dict:
    """What of the eight 一 is missing where, for one area and year.

    County: a row per township (leader, township plan, villages missing a work team with a first
    secretary / a plan / projects, households missing a measure / an income project / a helper).
    Township: a row per village. Village: the village's figures (the household list is separate).
    """
    division = get_object_or_404(Division.objects.visible_to(user), code=area)
    day = clock.today()
    households = _household_counts(user, area, year)
    villages = list(Division.objects.visible_to(user, area).filter(level=Level.VILLAGE).order_by("code"))
    poor = set(VillageProfile.objects.filter(division__in=[v.code for v in villages])
               .filter(Q(poverty_status=codes.VillagePovertyStatus.POOR) | Q(listed_13th_plan=True))
               .values_list("division_id", flat=True)) if villages else set()
    projects = {r["division_code"]: r["n"] for r in village_project_counts(area, year)}
    plans_v = _plans(user, area, PlanLevel.VILLAGE, year)
    teams = _first_secretaries(user, area, day)
    village_rows = [_village_row(v, households=households, plans=plans_v, teams=teams, projects=projects, poor=poor)
                    for v in villages]
    totals = {**_empty_counts(), "villages": 0, "no_team": 0, "no_plan": 0, "no_projects": 0,
              "townships": 0, "no_leader": 0, "no_township_plan": 0}
    for row in village_rows:
        for k in HOUSEHOLD_KEYS:
            totals[k] += row[k]
        if row["needs"]:
            totals["villages"] += 1
        for k in ("no_team", "no_plan", "no_projects"):
            totals[k] += int(row[k])
    result = {"division": division, "year": year, "totals": totals, "level": division.level}
    if division.level <= Level.COUNTY:
        townships = list(Division.objects.visible_to(user, area).filter(level=Level.TOWNSHIP).order_by("code"))
        leaders = _leaders(user, area, day)
        plans_t = _plans(user, area, PlanLevel.TOWNSHIP, year)
        by_township: dict[str, dict] = {}
        for row in village_rows:
            t = by_township.setdefault(row["division"].code[:9], {**_empty_counts(), "villages": 0, "no_team": 0,
                                                                   "no_plan": 0, "no_projects": 0})
            for k in HOUSEHOLD_KEYS:
                t[k] += row[k]
            t["villages"] += int(row["needs"])
            for k in ("no_team", "no_plan", "no_projects"):
                t[k] += int(row[k])
        rows = []
        for township in townships:
            t = by_township.get(township.code, {**_empty_counts(), "villages": 0, "no_team": 0, "no_plan": 0,
                                                "no_projects": 0})
            leader, plan = leaders.get(township.code), plans_t.get(township.code)
            # The township-level 一 apply where there are villages to help (not to an industrial park).
            needs = t["villages"] > 0
            rows.append({"division": township, "leader": leader, "plan": plan, **t, "needs": needs,
                         "no_leader": needs and leader is None, "no_township_plan": needs and plan is None,
                         "complete": needs and leader is not None and plan is not None and not any(
                             t[k] for k in ("no_team", "no_plan", "no_projects", "no_measure", "no_income",
                                            "no_helper"))})
            totals["townships"] += int(needs)
            totals["no_leader"] += int(needs and leader is None)
            totals["no_township_plan"] += int(needs and plan is None)
        result["rows"] = rows
        result["county_plan"] = _plans(user, area[:6], PlanLevel.COUNTY, year).get(area[:6]) if len(area) >= 6 else None
    elif division.level == Level.TOWNSHIP:
        result["rows"] = village_rows
        result["leader"] = _leaders(user, area, day).get(area)
        result["plan"] = _plans(user, area, PlanLevel.TOWNSHIP, year).get(area)
    else:
        result["village"] = village_rows[0] if village_rows else None
    return result


MISSING_FILTERS = {
    "measure": Q(has_measure=False),
    "income": Q(has_income_project=False),
    "helper": Q(has_helper_flag=False),
}


def missing_households(user, area: str, year: int, missing: str = ""):
    """Helped households under ``area`` missing something of their three 一 (or only ``missing``)."""
    qs = with_coverage(helped_households(user, area), year)
    if missing in MISSING_FILTERS:
        qs = qs.filter(MISSING_FILTERS[missing])
    else:
        qs = qs.filter(Q(has_measure=False) | Q(has_income_project=False) | Q(has_helper_flag=False))
    return qs.order_by("division_id", "household_code")


# --- guarantee gaps (两不愁三保障 and water) ---------------------------------------------------------

# Which measure closes which gap: a household with a gap needs a live measure of the matching
# category in the year (a housing gap may also be closed by relocation).
GAP_CATEGORIES = {
    "food_ok": (Category.SAFETY_NET,), "education_ok": (Category.COMPULSORY_EDUCATION,),
    "medical_ok": (Category.HEALTH,), "housing_ok": (Category.HOUSING, Category.RELOCATION),
    "water_ok": (Category.WATER,),
}


def guarantee_gaps(user, area: str, year: int, gap: str = ""):
    """The households whose result in the year's official identification run has a guarantee gap (any
    income: above the line it is a gap to close, not poverty), each with whether the year's plans hold
    a live measure for every gap it has (``covered``); or only the households with ``gap``.

    Returns (run, results queryset); the run is None when the year has no official run."""
    from fupin.targeting.models import IdentificationResult
    from fupin.targeting.selectors import latest_official_run

    county = area[:6]
    run = latest_official_run(county, year)
    if run is None or run.year != year:
        return None, IdentificationResult.objects.none()
    qs = IdentificationResult.objects.visible_to(user, area).filter(run=run, household__status="active")
    if gap in GAP_CATEGORIES:
        qs = qs.filter(**{gap: False})
    else:
        qs = qs.filter(Q(food_ok=False) | Q(education_ok=False) | Q(medical_ok=False) | Q(housing_ok=False)
                       | Q(water_ok=False))
    missing = Q()
    for field, categories in GAP_CATEGORIES.items():
        measure = Measure.objects.filter(county_code=OuterRef("county_code"), household_id=OuterRef("household_id"), year=year,
                                         status__in=LIVE_MEASURE_STATUSES, category__in=categories)
        missing |= Q(**{field: False}) & ~Q(Exists(measure))
    return run, qs.annotate(uncovered=ExpressionWrapper(missing, output_field=BooleanField()))


def gap_counts(user, area: str, year: int) -> dict | None:
    """Per gap: households with it, and those with no matching measure; None without an official run."""
    run, qs = guarantee_gaps(user, area, year)
    if run is None:
        return None
    counts = {"run": run, "total": qs.count(), "uncovered": qs.filter(uncovered=True).count(), "gaps": []}
    for field, label in (("food_ok", _("吃穿")), ("education_ok", _("义务教育")), ("medical_ok", _("基本医疗")),
                         ("housing_ok", _("住房安全")), ("water_ok", _("饮水安全"))):
        _run, one = guarantee_gaps(user, area, year, field)
        measure = Measure.objects.filter(county_code=OuterRef("county_code"), household_id=OuterRef("household_id"), year=year,
                                         status__in=LIVE_MEASURE_STATUSES, category__in=GAP_CATEGORIES[field])
        counts["gaps"].append({"key": field, "label": label, "households": one.count(),
                               "uncovered": one.exclude(Exists(measure)).count()})
    return counts


# --- plans ------------------------------------------------------------------------------------

def plans(user, *, year: int | None = None, level: str = "", area: str = "", status: str = ""):
    qs = Plan.objects.visible_to(user, area)
    if year:
        qs = qs.filter(year=year)
    if level:
        qs = qs.filter(level=level)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("household").order_by("-year", "division_code", "level", "id")


def attach_measure_counts(plans_) -> list[Plan]:
    """Give each plan of one page ``measure_count`` and ``income_count`` (live measures), in one query."""
    plans_ = list(plans_)
    counts = {r["plan_id"]: r for r in Measure.objects.filter(plan_id__in=[p.pk for p in plans_],
                                                               status__in=LIVE_MEASURE_STATUSES)
              .values("plan_id").annotate(n=Count("pk"), income=Count("pk", filter=Q(income_project=True)))
              .order_by()}
    for plan in plans_:
        plan.measure_count = counts.get(plan.pk, {}).get("n", 0)
        plan.income_count = counts.get(plan.pk, {}).get("income", 0)
    return plans_


def get_plan(user, pk: int) -> Plan:
    return get_object_or_404(Plan.objects.visible_to(user).select_related("household", "approved_by", "created_by"),
                             pk=pk)


def get_measure(user, pk: int) -> Measure:
    return get_object_or_404(Measure.objects.visible_to(user).select_related("plan", "plan__household"), pk=pk)


def household_plan(household: Household, year: int) -> Plan | None:
    return Plan.objects.filter(county_code=household.county_code, household=household, year=year).first()


# --- leaders ----------------------------------------------------------------------------------

def leaders(user, area: str = "", *, active_only: bool = False):
    qs = CountyLeader.objects.visible_to(user, area)
    if active_only:
        qs = qs.filter(ended_on__isnull=True)
    return qs.order_by("division_code", "ended_on", "-started_on")


# --- the helper's worklist and visits ---------------------------------------------------------

def worklist(user, *, area: str = "", year: int, overdue_only: bool = False, q: str = ""):
    """The helped households the user may see, with the last visit date and the year's measure /
    income project flags. Overdue: a helped household without a visit within ``overdue_days()``.

    A helper sees every active household assigned to them, helped or not (an exited household whose
    policies ended stays theirs to watch; ``needs_help`` tells them apart); what they cannot see is
    named by :func:`worklist_left_out`."""
    if scope_for(user).helper_user_id is not None:
        households = Household.objects.visible_to(user, area).filter(status=codes.RecordStatus.ACTIVE)
    else:
        households = helped_households(user, area)
    qs = with_coverage(households, year).annotate(
        needs_help=ExpressionWrapper(rules.needs_help_q(), output_field=BooleanField()),
        last_visit=Subquery(Visit.objects.filter(county_code=OuterRef("county_code"), household_id=OuterRef("pk")).order_by("-visited_on")
                            .values("visited_on")[:1]))
    if q.strip():
        q = q.strip()
        if q.isdigit():
            qs = qs.filter(household_code__startswith=q)
        else:
            qs = qs.filter(pk__in=Member.objects.filter(name__startswith=q).values("household_id"))
    if overdue_only:
        limit = clock.today() - dt.timedelta(days=overdue_days())
        qs = qs.filter(rules.needs_help_q()).filter(Q(last_visit__isnull=True) | Q(last_visit__lt=limit))
    return qs.order_by("division_id", "household_code")


def worklist_left_out(user) -> list[dict]:
    """The households assigned to a helper that their worklist cannot show, each with why: closed
    (销户) or moved out of the helper's area. Empty for everyone else."""
    scope = scope_for(user)
    if scope.helper_user_id is None:
        return []
    shown = Household.objects.visible_to(user).filter(status=codes.RecordStatus.ACTIVE).values("pk")
    found = []
    for h in (Household.objects.filter(helper_user_id=scope.helper_user_id).exclude(pk__in=shown)
              .select_related("division").order_by("division_id", "household_code")):
        if h.status != codes.RecordStatus.ACTIVE:
            why = _("已销户（%(r)s），不再需要走访") % {
                "r": h.get_close_reason_display() if h.close_reason else h.get_status_display()}
        else:
            why = _("在%(v)s，不在您的帮扶范围内；请村干部调整帮扶责任人或您的工作范围") % {"v": h.division.name}
        found.append({"code": h.household_code, "why": why})
    return found


def mark_overdue(households) -> list:
    limit = clock.today() - dt.timedelta(days=overdue_days())
    for h in households:
        h.overdue = getattr(h, "needs_help", True) and (h.last_visit is None or h.last_visit < limit)
        h.days_since = (clock.today() - h.last_visit).days if h.last_visit else None
    return households


def visits(user, *, area: str = "", household: Household | None = None):
    qs = Visit.objects.visible_to(user, area)
    if household is not None:
        qs = qs.filter(household=household)
    return qs.select_related("household").prefetch_related("photos").order_by("-visited_on", "-id")


def get_photo(user, pk: int) -> VisitPhoto:
    return get_object_or_404(VisitPhoto.objects.visible_to(user).select_related("visit"), pk=pk)


def default_area(user) -> str:
    """Where a user's pages open: their one grant, else the first county they work in."""
    code = root_code(user)
    if code:
        return code
    prefixes = [p for p in scope_for(user).prefixes if p]
    return prefixes[0] if prefixes else ""


# --- the household card -----------------------------------------------------------------------

def household_card_section(user, household: Household) -> dict | None:
    from fupin.accounts.roles import Cap

    if not user.can(Cap.VIEW_ASSISTANCE):
        return None
    year = default_year(user)
    plan = household_plan(household, year)
    measures = list(plan.measures.order_by("id")) if plan else []
    latest = list(Visit.objects.filter(household=household).prefetch_related("photos")
                  .order_by("-visited_on", "-id")[:3])
    return {
        "household": household, "year": year, "plan": plan, "measures": measures,
        "income_projects": [m for m in measures if m.income_project and m.is_live],
        "visits": latest, "helped": helped_households(user).filter(pk=household.pk).exists(),
        "can_visit": user.can(Cap.RECORD_VISIT) and household.is_active,
        "can_plan": (user.can(Cap.MANAGE_ASSISTANCE) or user.can(Cap.RECORD_VISIT)) and household.is_active,
    }
