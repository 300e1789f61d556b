"""Reads of the targeting app: applicable rule sets, run results, summaries, MPI figures, diffs."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.core.scope import counties_q, scope_for
from fupin.divisions.models import Division, Level
from fupin.registry.models import Household
from fupin.targeting import indicators
from fupin.targeting.models import (
    IdentificationResult,
    IdentificationRun,
    RuleSet,
    RuleSetStatus,
    RunStatus,
    VillageResult,
)
from fupin.targeting.mpi import Population
from fupin.targeting.params import Params


def applicable_rule_set(county_code: str, year: int, *, published_only: bool = True) -> RuleSet | None:
    """The most specific rule set for a county and year: county, then city, province, national."""
    qs = RuleSet.objects.for_county(county_code, year)
    if published_only:
        qs = qs.filter(status=RuleSetStatus.PUBLISHED)
    candidates = sorted(qs, key=lambda r: (len(r.region_code), r.version), reverse=True)
    return candidates[0] if candidates else None


def visible_runs(user):
    return IdentificationRun.objects.visible_to(user).select_related("rule_set", "job")


def get_run(user, pk: int) -> IdentificationRun:
    return get_object_or_404(visible_runs(user), pk=pk)


def latest_official_run(county_code: str, year: int | None = None) -> IdentificationRun | None:
    qs = IdentificationRun.objects.filter(county_code=county_code, dry_run=False, status=RunStatus.DONE)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "-finished_at", "-pk").first()


def of_runs(runs) -> Q:
    """Results of these runs, each on its own county (a county's results are one shard on Citus)."""
    q = Q(pk__in=[])
    for run in runs:
        q |= Q(county_code=run.county_code, run_id=run.pk)
    return q


def results(user, run: IdentificationRun, area: str = ""):
    return IdentificationResult.objects.visible_to(user, area).filter(run=run)


def household_results(household) -> list[IdentificationResult]:
    """Every completed official run's result for one household, newest first."""
    return list(IdentificationResult.objects.filter(household=household, run__status=RunStatus.DONE,
                                                    run__dry_run=False)
                .select_related("run").order_by("-run__year", "-run__finished_at", "-run__pk"))


def household_card_section(user, household) -> dict:
    """The identification block of the household card: the latest result with its reasons, and the earlier ones."""
    found = household_results(household)
    return {"latest": found[0] if found else None, "earlier": found[1:]}


# --- summaries --------------------------------------------------------------------------------

def _count_when(**conditions):
    return Sum(Case(When(then=1, **conditions), default=0, output_field=IntegerField()))


def _people_when(**conditions):
    return Sum(Case(When(then="size", **conditions), default=0, output_field=IntegerField()))


def summarize(run: IdentificationRun, user=None) -> dict:
    """Counts of households and people by conclusion, monitoring type, degree and tests; MPI figures.
    With ``user``: over the part of the run the user may see (a township's share of the county's run)."""
    qs = IdentificationResult.objects.filter(run=run)
    if user is not None:
        qs = qs.visible_to(user)
    totals = qs.aggregate(
        households=Count("pk"), people=Sum("size"),
        poor=_count_when(conclusion="poor"), poor_people=_people_when(conclusion="poor"),
        no_data=_count_when(conclusion="no_data"),
        below_line=_count_when(below_line=True),
        food_fail=_count_when(food_ok=False), education_fail=_count_when(education_ok=False),
        medical_fail=_count_when(medical_ok=False), housing_fail=_count_when(housing_ok=False),
        water_fail=_count_when(water_ok=False),
        unstable=_count_when(monitoring="unstable"), marginal=_count_when(monitoring="marginal"),
        hardship=_count_when(monitoring="hardship"), risk_cleared=_count_when(risk_cleared=True),
        mild=_count_when(conclusion="poor", degree="mild"), moderate=_count_when(conclusion="poor", degree="moderate"),
        severe=_count_when(conclusion="poor", degree="severe"),
        general=_count_when(attribute="general"), dibao=_count_when(attribute="dibao"),
        tekun=_count_when(attribute="tekun"), mpi_poor=_count_when(mpi_poor=True),
        gap_admitted=_count_when(gap_admitted=True),
        gap_not_poor=Sum(Case(When(Q(conclusion="not_poor") & (Q(food_ok=False) | Q(education_ok=False)
                                                               | Q(medical_ok=False) | Q(housing_ok=False)
                                                               | Q(water_ok=False)), then=1),
                              default=0, output_field=IntegerField())),
    )
    totals = {k: v or 0 for k, v in totals.items()}
    totals["incidence"] = round(100 * totals["poor_people"] / totals["people"], 2) if totals["people"] else 0
    mpi = mpi_population(run, user=user)
    totals["mpi"] = {"H": float(mpi.H), "A": float(mpi.A), "M0": float(mpi.M0)}
    villages = VillageResult.objects.filter(run=run, suggest_poor_village=True)
    totals["suggested_poor_villages"] = (villages.visible_to(user) if user is not None else villages).count()
    return totals


def mpi_population(run: IdentificationRun, *, by: int | None = None, persons: bool = False, user=None,
                   area: str = "") -> Population | dict[str, Population]:
    """MPI sums of a run as exact fractions, for the whole run or grouped by the first ``by`` code digits.

    Households count 1 each, or their size when ``persons`` (person-based figures)."""
    params = Params.from_json(run.params)
    keys = [key for key, weight in params.weights.items() if weight]
    qs = IdentificationResult.objects.filter(run=run)
    if user is not None:
        qs = qs.in_scope(scope_for(user).narrowed(area))
    weight = F("size") if persons else Value(1)

    def poor_sum(expr, **conditions):
        return Sum(Case(When(mpi_poor=True, then=expr, **conditions), default=0, output_field=IntegerField()))

    aggregates = {
        "n": Sum(weight, output_field=IntegerField()),
        "q": poor_sum(weight),
        "units": poor_sum(F("mpi_units") * weight),
        **{f"h_{key}": poor_sum(weight, **{f"dep_{key}": True}) for key in keys},
    }

    def population(row) -> Population:
        return Population(n=Fraction(row["n"] or 0), q=Fraction(row["q"] or 0),
                          censored_sum=Fraction(row["units"] or 0, params.denominator),
                          censored_counts={key: Fraction(row[f"h_{key}"] or 0) for key in keys})

    if by is None:
        return population(qs.aggregate(**aggregates))
    rows = qs.annotate(area=Substr("division_code", 1, by)).values("area").annotate(**aggregates).order_by("area")
    return {row["area"]: population(row) for row in rows}


def mpi_table(run: IdentificationRun, user, area: str, by: int, persons: bool = False) -> dict:
    """H, A, M0 for an area, its decomposition by sub-area and by indicator; everything adds up exactly."""
    from fupin.divisions.models import Division
    from fupin.targeting.mpi import group_contributions

    params = Params.from_json(run.params)
    groups = mpi_population(run, by=by, persons=persons, user=user, area=area)
    total = sum(groups.values(), Population())
    names = dict(Division.objects.filter(code__in=list(groups)).values_list("code", "name"))
    shares = group_contributions(groups)
    contributions = total.indicator_contributions(params.weights)
    return {
        "total": total,
        "groups": [{"code": code, "name": names.get(code, code), "population": p, "share": shares[code]}
                   for code, p in groups.items()],
        "indicators": [{"key": i.key, "label": i.label, "dimension": indicators.DIMENSIONS[i.dimension],
                        "weight": params.weights.get(i.key, Fraction(0)),
                        "censored_headcount": total.censored_headcount(i.key),
                        "contribution": contributions.get(i.key, Fraction(0))}
                       for i in indicators.INDICATORS if params.weights.get(i.key)],
    }


# --- comparing two runs -----------------------------------------------------------------------

def compare(base: IdentificationRun, other: IdentificationRun, user=None) -> dict:
    """What changes from ``base`` to ``other``: counts, and the households behind each change
    (as querysets over ``other``'s and ``base``'s results, computed by the database)."""
    a = IdentificationResult.objects.filter(run=base)
    b = IdentificationResult.objects.filter(run=other)
    if user is not None:
        a, b = a.visible_to(user), b.visible_to(user)
    poor_a = a.filter(conclusion="poor").values("household_id")
    monitored_a = a.exclude(monitoring="").values("household_id")
    # NOT EXISTS rather than NOT IN: an anti-join on PostgreSQL at any size (NOT IN over a set larger
    # than work_mem is probed row by row).
    was_poor = Exists(a.filter(conclusion="poor", county_code=OuterRef("county_code"), household_id=OuterRef("household_id")))
    was_monitored = Exists(a.exclude(monitoring="").filter(county_code=OuterRef("county_code"), household_id=OuterRef("household_id")))
    changes = {
        "added": b.filter(conclusion="poor").exclude(was_poor),
        # Shown with the new run's reasons (why they are no longer poor).
        "removed": b.filter(household_id__in=poor_a).exclude(conclusion="poor"),
        "monitoring_added": b.exclude(monitoring="").exclude(was_monitored),
        "monitoring_removed": b.filter(household_id__in=monitored_a, monitoring=""),
    }
    return {
        "base": base, "other": other, "changes": changes,
        "counts": {name: qs.count() for name, qs in changes.items()},
        "poor": (a.filter(conclusion="poor").count(), b.filter(conclusion="poor").count()),
        "monitoring": (a.exclude(monitoring="").count(), b.exclude(monitoring="").count()),
    }


# --- the register beside the run ----------------------------------------------------------------

REGISTER_LISTS = ("add", "remove", "not_stable")


def register_differences(user, run: IdentificationRun, area: str = "") -> dict:
    """Where a run and the register differ (the run proposes, the procedures decide), over the active
    households of the user's area as they are registered now:

    - ``add``: the run concludes 贫困户 (income below the line, or a gap the rule set admits) and the
      household is not registered poor: start 贫困户识别 (ordinary, monitored) or 返贫识别 (ex-poor).
    - ``remove``: registered poor, the run concludes not poor and the income is stably above the
      line (``stable_above``): start 贫困户退出 once every guarantee is met.
    - ``not_stable``: registered poor, not poor this year, but not yet stably above the line: stays.

    Each is a queryset of results with the household's current type, head and village, and whether a
    case of the matching kind is already open."""
    from fupin.registry.selectors import division_name, head_name
    from fupin.workflows.models import Case as WorkCase
    from fupin.workflows.models import CaseStatus

    base = (results(user, run, area).filter(household__status="active")
            .annotate(current_type=F("household__household_type")))
    open_case = WorkCase.objects.filter(county_code=OuterRef("county_code"), household=OuterRef("household_id"), status=CaseStatus.OPEN,
                                    kind__in=("identify", "reentry", "exit"))
    lists = {
        "add": base.filter(conclusion="poor").exclude(household__household_type="poor"),
        "remove": base.filter(household__household_type="poor", conclusion="not_poor", stable_above=True),
        "not_stable": base.filter(household__household_type="poor", conclusion="not_poor").exclude(
            stable_above=True),
    }
    counts = {key: qs.count() for key, qs in lists.items()}
    decorated = {key: qs.annotate(head=head_name("household_id"), village=division_name("division_code"),
                                  open_case=Exists(open_case))
                 for key, qs in lists.items()}
    # the two figures side by side, as the dashboard counts them: the register now, the run as it was
    registered = Household.objects.visible_to(user, area).active().filter(household_type="poor").count()
    return {"lists": decorated, "counts": counts, "registered_poor": registered,
            "run_poor": results(user, run, area).filter(conclusion="poor").count()}


def village_results(user, run: IdentificationRun):
    return VillageResult.objects.visible_to(user).filter(run=run).order_by("division_code")


# --- 规模控制 (scale) ----------------------------------------------------------------------------

def scale_of(code: str, year: int):
    """The scale row of an area and year (None when not set)."""
    from fupin.targeting.models import Scale

    return Scale.objects.filter(county_code=code[:6], year=year, division_code=code).first()


def scale_overview(user, area: str, year: int) -> dict:
    """An area's scale beside the register and the year's run, and the same for each child area:
    ``{"own": row, "children": [row...]}`` with, per row, the scale, the registered poor (people,
    households), the run's poor, the poor villages, and the gaps (scale − registered). Grouped queries."""
    from fupin.registry import codes
    from fupin.registry.models import VillageProfile
    from fupin.targeting.models import Scale

    division = Division.objects.get(code=area)
    width = {Level.PROVINCE: 4, Level.CITY: 6, Level.COUNTY: 9, Level.TOWNSHIP: 12}.get(division.level)
    children = list(Division.objects.visible_to(user).children_of(area).served().order_by("code")) if width else []
    codes_ = [area, *[c.code for c in children]]
    scales = {s.division_code: s for s in Scale.objects.filter(counties_q(area), year=year, division_code__in=codes_)}

    def grouped(qs, field, **aggregates) -> tuple[dict, dict]:
        total = qs.aggregate(**aggregates)
        by = {}
        if width:
            by = {r["sub"]: r for r in qs.order_by().annotate(sub=Substr(field, 1, width)).values("sub")
                  .annotate(**aggregates)}
        return total, by

    registered, registered_by = grouped(
        Household.objects.visible_to(user, area).active().filter(household_type=codes.HouseholdType.POOR),
        "division_id", households=Count("pk"), people=Sum("size"))
    # the year's official run of each county of the area (one for a county or below)
    runs = [r for r in (latest_official_run(c, year) for c in Division.objects.visible_to(user).county_codes(area))
            if r is not None and r.year == year]
    run = runs[0] if runs and len(area) >= 6 else None
    found, found_by = ({}, {})
    if runs:
        found, found_by = grouped(IdentificationResult.objects.visible_to(user, area).filter(of_runs(runs), conclusion="poor"),
                                  "division_code", households=Count("pk"), people=Sum("size"))
    villages, villages_by = grouped(
        VillageProfile.objects.visible_to(user, area).filter(poverty_status=codes.VillagePovertyStatus.POOR),
        "division_id", n=Count("pk"))

    def row(division_, reg, res, vil) -> dict:
        scale = scales.get(division_.code)
        people = reg.get("people") or 0
        return {"division": division_, "scale": scale, "registered_people": people,
                "registered_households": reg.get("households") or 0,
                "run_people": res.get("people") if runs else None,
                "run_households": res.get("households") if runs else None,
                "poor_villages": vil.get("n") or 0,
                "gap_people": scale.poor_people - people if scale else None,
                "over": bool(scale) and people > scale.poor_people,
                "run_over": bool(scale) and bool(runs) and (res.get("people") or 0) > scale.poor_people}

    return {"division": division, "year": year, "run": run, "runs": runs,
            "own": row(division, registered, found, villages),
            "children": [row(c, registered_by.get(c.code, {}), found_by.get(c.code, {}), villages_by.get(c.code, {}))
                         for c in children],
            "split": bool(children) and all(c.code in scales for c in children)}


def over_scale(household, year: int) -> list[dict]:
    """The areas (village, township, county) whose scale the household would exceed if identified
    poor in ``year``: each with the scale, the registered poor people now and after."""
    from fupin.registry import codes
    from fupin.targeting.models import Scale

    code = household.division_id
    areas = [code[:n] for n in (12, 9, 6)]
    scales = {s.division_code: s for s in Scale.objects.filter(county_code=code[:6], year=year,
                                                               division_code__in=areas)}
    found = []
    for area in areas:
        scale = scales.get(area)
        if scale is None:
            continue
        now = (Household.objects.filter(division_id__gte=area, division_id__lt=_upper(area), status="active",
                                        household_type=codes.HouseholdType.POOR)
               .aggregate(n=Sum("size"))["n"] or 0)
        if now + household.size > scale.poor_people:
            name = Division.objects.filter(code=area).values_list("name", flat=True).first() or area
            found.append({"code": area, "name": name, "scale": scale.poor_people, "registered": now,
                          "after": now + household.size})
    return found


def _upper(prefix: str) -> str:
    from fupin.core.scope import prefix_upper_bound

    return prefix_upper_bound(prefix) or "9" * 12


# --- 贫困村、贫困县退出 (village and county exit) -------------------------------------------------

EXIT_ITEM_FIELDS = {"road": "paved_road", "water": "tap_water", "power": "power_grid", "clinic": "clinic",
                    "broadband": "broadband"}


def exit_rule_set(county_code: str, year: int) -> Params | None:
    rule_set = applicable_rule_set(county_code, year)
    return Params.from_rule_set(rule_set) if rule_set is not None else None


def village_exit_tests(user, county_code: str, year: int, *, villages=None) -> dict:
    """The exit test of every poor village of the county (or of ``villages``, codes) for a year,
    set-based from the register and the village registers (domain.md 2.3):

    - poverty incidence: registered poor people ÷ registered people of the village × 100, below the
      rule set's ``village_exit_incidence``;
    - collective income (村册) at or above ``village_exit_collective_income``;
    - each infrastructure item the rule set lists, from the village register, and a work team with a
      member serving on the year's reference day.

    Returns ``{"params", "rows": [...], "county": {...}}``; each row has the values, a result per test
    and ``passed``. The county row: its incidence against ``county_exit_incidence``."""
    from fupin.core.clock import reference_day
    from fupin.registry import codes
    from fupin.registry.models import VillageProfile, WorkTeamMember

    params = exit_rule_set(county_code, year)
    # user None: the system's own check (a procedure's step), over the whole county
    profiles = (VillageProfile.objects.visible_to(user, county_code) if user is not None
                else VillageProfile.objects.filter(county_code=county_code)).select_related("division")
    if villages is not None:
        profiles = profiles.filter(division_id__in=list(villages))
    else:
        profiles = profiles.filter(Q(poverty_status=codes.VillagePovertyStatus.POOR)
                                   | Q(poverty_status=codes.VillagePovertyStatus.EXITED, exit_year=year))
    profiles = list(profiles.order_by("division_id"))
    codes_ = [p.division_id for p in profiles]
    counts = {r["division_id"]: r for r in Household.objects.filter(division_id__in=codes_, status="active")
              .values("division_id").annotate(people=Sum("size"), poor=Sum(Case(
                  When(household_type=codes.HouseholdType.POOR, then="size"), default=0,
                  output_field=IntegerField()))).order_by()}
    day = reference_day(year)
    teams = set(WorkTeamMember.objects.filter(division_code__in=codes_, started_on__lte=day)
                .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day)).values_list("division_code", flat=True))
    items = [i for i in (params.village_exit_items.split(",") if params else []) if i]
    rows = []
    for p in profiles:
        c = counts.get(p.division_id, {})
        people, poor = c.get("people") or 0, c.get("poor") or 0
        incidence = (Decimal(poor) * 100 / people).quantize(Decimal("0.01")) if people else None
        tests = {}
        if params is not None:
            exact = Decimal(poor) * 100 / people if people else None
            tests["incidence"] = exact is not None and exact < params.village_exit_incidence
            tests["collective_income"] = p.collective_income >= params.village_exit_collective_income
            for item in items:
                tests[item] = p.division_id in teams if item == "team" else bool(getattr(p, EXIT_ITEM_FIELDS[item]))
        rows.append({"profile": p, "division": p.division, "people": people, "poor_people": poor,
                     "incidence": incidence, "collective_income": p.collective_income, "team": p.division_id in teams,
                     "tests": tests, "passed": bool(tests) and all(tests.values())})
    county = (Household.objects.visible_to(user, county_code) if user is not None
              else Household.objects.filter(county_code=county_code)).filter(status="active").aggregate(
        people=Sum("size"), poor=Sum(Case(When(household_type=codes.HouseholdType.POOR, then="size"), default=0,
                                          output_field=IntegerField())))
    people, poor = county["people"] or 0, county["poor"] or 0
    exact = Decimal(poor) * 100 / people if people else None
    return {"params": params, "items": items, "rows": rows,
            "county": {"people": people, "poor_people": poor,
                       "incidence": exact.quantize(Decimal("0.01")) if exact is not None else None,
                       "passed": exact is not None and params is not None and exact < params.county_exit_incidence}}


EXIT_TEST_LABELS = {"incidence": gettext_lazy("贫困发生率"), "collective_income": gettext_lazy("村集体经济收入"),
                    "road": gettext_lazy("通硬化路"), "water": gettext_lazy("通自来水"), "power": gettext_lazy("通动力电"),
                    "clinic": gettext_lazy("标准化卫生室"), "broadband": gettext_lazy("通宽带"),
                    "team": gettext_lazy("驻村工作队在岗")}


def village_exit_failures(village_code: str, year: int) -> list[str]:
    """Why a village may not exit (empty: it passes the test), for the procedure's checks."""
    found = village_exit_tests(None, village_code[:6], year, villages=[village_code])
    if found["params"] is None:
        return [str(_("%(y)s 年没有可用的识别规则") % {"y": year})]
    if not found["rows"]:
        return [str(_("没有该村的村册"))]
    row = found["rows"][0]
    params = found["params"]
    reasons = []
    for key, ok in row["tests"].items():
        if ok:
            continue
        if key == "incidence":
            reasons.append(str(_("贫困发生率 %(v)s%% 不低于 %(t)s%%") % {
                "v": row["incidence"], "t": params.village_exit_incidence.normalize()}))
        elif key == "collective_income":
            reasons.append(str(_("村集体经济收入 %(v)s 元低于 %(t)s 元") % {
                "v": f"{row['collective_income']:,.0f}", "t": f"{params.village_exit_collective_income:,.0f}"}))
        else:
            reasons.append(str(_("未达到：%(i)s") % {"i": EXIT_TEST_LABELS[key]}))
    return reasons
