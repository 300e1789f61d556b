"""Indicators (domain.md 4) for any area (county 6 / township 9 / village 12 digits) and year.

Every function takes the user (the area scope) first, reads through ``visible_to`` and is set-based:
each figure family is ONE grouped query over the area, grouped by the child-area prefix of the
division code (townships of a county, villages of a township; a village is its own single group),
so the area's totals and the per-child breakdown come from the same rows. Nothing loops over
households in Python; the Python folds only the few grouped rows.

Public functions (all return plain dicts / dataclasses; percentages are Decimals with 2 places or None):

- ``resolve_area(user, area="") -> Division``: the visible division the figures are for (404 if not):
  a province (2 digits) or prefecture (4) for the users above the counties, whose figures roll up
  the counties below (the same queries over a range of counties, grouped by child area).
- ``default_year(user, area) -> int``: the latest year with household incomes in the area's counties.
- ``child_width(area) -> int``: code length of the child areas (prefectures of a province, counties
  of a prefecture, townships of a county, villages below).
- ``population(user, area, year) -> Population``: households and people by type (registry
  HouseholdType), by poverty attribute, main cause and monitoring type; poverty incidence and the
  monitored share (poor / monitored people over the registered rural population × 100). The
  registry holds the current state: these are today's figures (the year's moves are in ``flows``).
  ``.children`` holds one row per child area.
- ``income(user, area, year) -> Income``: HouseholdIncome of ``year`` and ``year - 1``: wage,
  business (net of production costs), property, transfer, net, per capita, each source's share of
  net (shares sum to exactly 100.00), growth of per-capita net against the previous year, per type
  (all / poor / exited / monitored) with the per-capita income as a % of the county rural average of
  the year's rule set (``county_rural_income``). ``.children`` per child area.
- ``official_run(area, year) -> IdentificationRun | None``: the latest official (not dry-run, done)
  identification run of ``year`` or before that covers the area (a county or below).
- ``official_runs(area, year) -> list``: that run for each county of the area (every county has its
  own rules and runs; a prefecture's results are its counties' official runs together).
- ``results(user, area, year) -> Results``: from that run: households/people and mean per-capita net
  income by the plan's degree (mild / moderate / severe, poor conclusion), and the guarantee
  compliance rates (food & clothing, compulsory education, basic medical, housing, safe water, all
  five) over the assisted households (poor, exited, monitored). ``.children`` per child area.
- ``flows(user, area, year) -> Flows``: workflows cases approved (status done) in ``year`` by
  procedure: new poor (identify), exited (exit), relapsed (reentry), newly monitored (monitor),
  risk-cleared (risk_clear). ``.children`` per child area.
- ``coverage(user, area, year) -> dict``: the 八个一 totals of ``fupin.assistance.selectors.coverage``
  with coverage rates added.
- ``training(user, area, year) -> dict``: ``fupin.programmes.selectors.overview`` (training,
  employment, industries, jobs); ``training_by_child`` -> ``programmes.selectors.area_rows``.
- ``housing(user, area) -> dict``: ``fupin.welfare.selectors.housing_overview`` (C/D houses,
  renovations, relocation) with rates.
- ``funds(user, area, year) -> dict``: allocated / disbursed by source kind and disbursed by mode
  (the funds ledger's attribution: by where the money was allocated); at county level the 以奖代补
  share of ``funds.selectors.reward_share`` (the one definition, also on the checks and targets).
- ``run_poor(user, area, year) -> dict``: the households and people the year's official run concludes
  poor (beside the registered poor of ``population``: the dashboard shows both).
- ``overview(user, area="", year=None, families=...) -> dict``: all of the above (or the families
  asked for: "core" = population and flows, and ``FAMILIES``), with the child rows merged by code.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, F, Max, Q, Sum, Value
from django.db.models.functions import Coalesce, Substr
from django.http import Http404

from fupin.core import clock
from fupin.core.scope import counties_q, root_code, scope_for
from fupin.divisions import codes as division_codes
from fupin.divisions.models import Division, Level
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdIncome
from fupin.targeting.selectors import of_runs

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
TYPES = [c.value for c in codes.HouseholdType]
ASSISTED_TYPES = (codes.HouseholdType.POOR, codes.HouseholdType.EXITED, codes.HouseholdType.MONITORED)
SOURCES = ("wage", "business", "property", "transfer")
GUARANTEES = ("food", "education", "medical", "housing", "water")


# --- small helpers ----------------------------------------------------------------------------

def pct(part, whole, places: Decimal = CENT) -> Decimal | None:
    """part / whole × 100, rounded half-up to ``places``; None when ``whole`` is 0 or missing."""
    if not whole:
        return None
    return (Decimal(part or 0) * HUNDRED / Decimal(whole)).quantize(places, rounding=ROUND_HALF_UP)


def shares(parts: dict[str, Decimal]) -> dict[str, Decimal | None]:
    """Each part's share of their sum in %, with 2 places, adding up to exactly 100.00 (largest
    remainder: the hundredths lost to rounding go to the parts that lost most). None when the sum is 0."""
    total = sum((Decimal(v) for v in parts.values()), ZERO)
    if not total:
        return dict.fromkeys(parts)
    exact = {k: Decimal(v) * 10000 / total for k, v in parts.items()}  # in hundredths of a percent
    floors = {k: int(v.to_integral_value(rounding="ROUND_FLOOR")) for k, v in exact.items()}
    missing = 10000 - sum(floors.values())
    for k in sorted(exact, key=lambda k: (exact[k] - floors[k], k), reverse=True)[:max(missing, 0)]:
        floors[k] += 1
    return {k: (Decimal(v) / 100).quantize(CENT) for k, v in floors.items()}


def growth(now, before) -> Decimal | None:
    """Growth of ``now`` over ``before`` in % (None when there is nothing to compare with)."""
    if now is None or not before:
        return None
    return ((Decimal(now) - Decimal(before)) * HUNDRED / abs(Decimal(before))).quantize(CENT, rounding=ROUND_HALF_UP)


def per_capita(amount, people) -> Decimal | None:
    if not people:
        return None
    return (Decimal(amount) / Decimal(people)).quantize(CENT, rounding=ROUND_HALF_UP)


def child_width(area: str) -> int:
    """Length of the child areas' codes (``divisions.codes.child_width``); a village is its own single
    group (12)."""
    return division_codes.child_width(area) or 12


def _sub(field_name: str, area: str):
    return Substr(field_name, 1, child_width(area))


def counties_of(user, area: str) -> list[str]:
    """The visible counties of a prefecture or province (the county itself for a county or below)."""
    return Division.objects.visible_to(user).county_codes(area)


def grouped(user, area: str, name: str, year: int, query, *, runs=()) -> list[dict]:
    """The rows of ``query(code)`` (a grouped queryset of ``values()``) over the area: below a county
    the query itself; for a county, and above the counties for each county, the county's rows, kept
    until that county changes (``core.kept``), then put together (the caller folds them as it folds a
    county's). ``runs``: the identification runs the query reads (each county's own is part of its key)."""
    if len(area) > 6:
        return list(query(area))
    from fupin.core import kept

    found: list[dict] = []
    for county in counties_of(user, area):  # each county's key names its own runs
        key = (name, year, child_width(area), *sorted(r.pk for r in runs if r.county_code == county))
        found += kept.rows(user, county, key, lambda c=county: list(query(c)))
    return found


def added_up(user, area: str, key: tuple, compute) -> dict:
    """``compute(code)`` (a dict of counts and sums, or of such dicts per child area) for the area:
    computed below a county; for a county, and above the counties for each county, the county's, kept
    until it changes (``core.kept``), added up."""
    if len(area) > 6:
        return compute(area)
    from fupin.core import kept

    return kept.added_up(user, counties_of(user, area), key, compute)


def children_of(user, area: str) -> list[Division]:
    """The visible child divisions of ``area`` (none for a village)."""
    if len(area) >= 12:
        return []
    return list(Division.objects.visible_to(user).children_of(area).order_by("code").only("code", "name", "level"))


# --- the area and the year --------------------------------------------------------------------

def resolve_area(user, area: str = "") -> Division:
    """The division the figures are for: ``area`` if the user may see it, else their own area (a
    prefecture or province user starts at their prefecture or province; a user who sees everything
    at the first county)."""
    scope = scope_for(user)
    if scope.is_empty:
        raise Http404
    code = (area or root_code(user) or "").strip()
    if len(code) in (2, 4):
        division = Division.objects.visible_to(user).filter(code=code).first()
        if division is not None:
            return division
    if len(code) < 6:
        first = Division.objects.in_scope(scope).filter(level=Level.COUNTY)
        if code:
            first = first.filter(code__startswith=code)
        division = first.order_by("code").first()
        if division is None:
            raise Http404
        return division
    division = Division.objects.visible_to(user).filter(code=code).first()
    if division is None or division.level < Level.COUNTY:
        raise Http404
    return division


def default_year(user, area: str) -> int:
    """The latest year with household incomes in the area's counties (served by the county-first
    unique key of the incomes), else the current year."""
    def latest(code: str) -> list:
        return [HouseholdIncome.objects.filter(county_code=code[:6]).aggregate(y=Max("year"))["y"]]

    if len(area) >= 6:
        years = latest(area)
    else:  # each county's, kept while the county does not change
        from fupin.core import kept

        years = [y for c in counties_of(user, area) for y in kept.rows(user, c, ("default_year",), lambda c=c: latest(c))]
    return max((y for y in years if y), default=None) or clock.today().year


def county_rule_set(county_code: str, year: int):
    from fupin.targeting.selectors import applicable_rule_set

    return applicable_rule_set(county_code, year)


# --- population, types, attributes, causes, monitoring --------------------------------------------

@dataclass
class Population:
    area: str
    year: int
    households: int = 0
    people: int = 0
    by_type: dict = field(default_factory=dict)  # type -> {"households", "people"}
    by_attribute: dict = field(default_factory=dict)  # poverty attribute of poor/exited households
    by_cause: dict = field(default_factory=dict)  # main cause of poor/exited/monitored households
    by_monitoring: dict = field(default_factory=dict)  # monitoring type of monitored households
    incidence: Decimal | None = None  # poor people / registered people × 100
    monitored_share: Decimal | None = None  # monitored people / registered people × 100
    children: list = field(default_factory=list)

    def count(self, household_type: str, what: str = "households") -> int:
        return self.by_type.get(household_type, {}).get(what, 0)


def _population_row(code: str, name: str) -> dict:
    return {"code": code, "name": name, "households": 0, "people": 0,
            **{f"{t}_households": 0 for t in TYPES}, **{f"{t}_people": 0 for t in TYPES}}


def population(user, area: str, year: int) -> Population:
    """Two grouped queries over the area's active households: households and people per village and
    type (answered from the covering index household_area_counts alone; the villages are folded into
    the child areas here, a few hundred rows), and the attribute / cause / monitoring breakdown of
    the households that are not ordinary (the only ones that have them)."""
    counts = grouped(user, area, "population", year, lambda code: (
        Household.objects.visible_to(user, code).active().values("division_id", "household_type")
        .annotate(households=Count("*"), people=Sum("size")).order_by()))
    result = Population(area=area, year=year)
    by_type = {t: {"households": 0, "people": 0} for t in TYPES}
    width = child_width(area)
    children = {c.code: _population_row(c.code, c.name) for c in children_of(user, area)}
    for r in counts:
        n, people, t = r["households"], r["people"] or 0, r["household_type"]
        result.households += n
        result.people += people
        by_type.setdefault(t, {"households": 0, "people": 0})
        by_type[t]["households"] += n
        by_type[t]["people"] += people
        if len(area) < 12:
            sub = r["division_id"][:width]
            child = children.setdefault(sub, _population_row(sub, sub))
            child["households"] += n
            child["people"] += people
            if t in TYPES:
                child[f"{t}_households"] += n
                child[f"{t}_people"] += people
    by_attribute: dict = defaultdict(lambda: {"households": 0, "people": 0})
    by_cause: dict = defaultdict(lambda: {"households": 0, "people": 0})
    by_monitoring: dict = defaultdict(lambda: {"households": 0, "people": 0})
    rows = grouped(user, area, "population_kinds", year, lambda code: (
        Household.objects.visible_to(user, code).active().exclude(household_type=codes.HouseholdType.ORDINARY)
        .values("household_type", "poverty_attribute", "main_cause", "monitoring_type")
        .annotate(households=Count("*"), people=Sum("size")).order_by()))
    for r in rows:
        t = r["household_type"]
        for bucket, key in ((by_attribute, r["poverty_attribute"] if t in ("poor", "exited") else ""),
                            (by_cause, r["main_cause"] if t in ASSISTED_TYPES else ""),
                            (by_monitoring, r["monitoring_type"] if t == "monitored" else "")):
            if key:
                bucket[key]["households"] += r["households"]
                bucket[key]["people"] += r["people"] or 0
    result.by_type = by_type
    result.by_attribute = {k: dict(v) for k, v in sorted(by_attribute.items())}
    result.by_cause = {k: dict(v) for k, v in sorted(by_cause.items())}
    result.by_monitoring = {k: dict(v) for k, v in sorted(by_monitoring.items())}
    result.incidence = pct(result.count("poor", "people"), result.people)
    result.monitored_share = pct(result.count("monitored", "people"), result.people)
    for child in children.values():
        child["incidence"] = pct(child["poor_people"], child["people"])
        child["monitored_share"] = pct(child["monitored_people"], child["people"])
    result.children = sorted(children.values(), key=lambda c: c["code"])
    return result


# --- income ---------------------------------------------------------------------------------------

MONEY_TOTAL = DecimalField(max_digits=17, decimal_places=2)


def _money_sum(expr: str, **extra):
    """SUM of a money column as a Decimal (0.00 when nothing). PostgreSQL sums numerics exactly; SQLite
    sums its stored doubles (compensated summation), exact to the fen at these magnitudes, and half
    again as fast as summing whole fen (``funds.sums``), which matters over every income of a county."""
    return Coalesce(Sum(expr, output_field=MONEY_TOTAL, **extra), Value(ZERO), output_field=MONEY_TOTAL)


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Income:
    area: str
    year: int
    totals: dict = field(default_factory=dict)  # this year: sources, net, households, people, per_capita, shares
    previous: dict = field(default_factory=dict)  # the same for year - 1
    growth: Decimal | None = None  # per-capita net income growth in %
    source_growth: dict = field(default_factory=dict)  # each source's growth in %
    by_type: dict = field(default_factory=dict)  # type -> {per_capita, previous_per_capita, growth, of_county_average}
    county_average: Decimal | None = None  # the rule set's 本县农村居民人均可支配收入
    children: list = field(default_factory=list)


def _empty_income() -> dict:
    return {"wage": ZERO, "business": ZERO, "property": ZERO, "transfer": ZERO, "costs": ZERO,
            "households": 0, "people": 0}


def _add_income(into: dict, r: dict) -> None:
    for key in ("wage", "business", "property", "transfer", "costs"):
        into[key] += _money(r[key])
    into["households"] += r["households"]
    into["people"] += r["people"] or 0


def _finish_income(d: dict) -> dict:
    """Net (NBS: business net of production costs), per capita, and the four sources' shares of net."""
    d = dict(d)
    d["business_net"] = d["business"] - d["costs"]
    d["net"] = d["wage"] + d["business_net"] + d["property"] + d["transfer"]
    d["per_capita"] = per_capita(d["net"], d["people"])
    d["shares"] = shares({"wage": d["wage"], "business": d["business_net"], "property": d["property"],
                          "transfer": d["transfer"]})
    return d


def income(user, area: str, year: int) -> Income:
    """One grouped query over the incomes of ``year`` and ``year - 1`` of the area's active
    households: by village, year and household type (grouping by the column itself, not a prefix
    expression, lets the database walk the index in order)."""
    rows = grouped(user, area, "income", year, lambda code: (
        HouseholdIncome.objects.visible_to(user, code)
        .filter(year__in=[year - 1, year], household__status=codes.RecordStatus.ACTIVE)
        .values("household__division_id", "year", "household__household_type")
        .annotate(wage=_money_sum("wage_income"), business=_money_sum("business_income"),
                  property=_money_sum("property_income"), transfer=_money_sum("transfer_income"),
                  costs=_money_sum("production_costs"), households=Count("pk"), people=Sum("household__size"))
        .order_by()))
    now, before = _empty_income(), _empty_income()
    types_now: dict = defaultdict(_empty_income)
    types_before: dict = defaultdict(_empty_income)
    child_now: dict = defaultdict(_empty_income)
    child_before: dict = defaultdict(_empty_income)
    width = child_width(area)
    for r in rows:  # per village, year and type: folded into the area, the types and the child areas
        current = r["year"] == year
        _add_income(now if current else before, r)
        _add_income((types_now if current else types_before)[r["household__household_type"]], r)
        _add_income((child_now if current else child_before)[r["household__division_id"][:width]], r)
    result = Income(area=area, year=year, totals=_finish_income(now), previous=_finish_income(before))
    result.growth = growth(result.totals["per_capita"], result.previous["per_capita"])
    result.source_growth = {s: growth(result.totals["business_net" if s == "business" else s],
                                      result.previous["business_net" if s == "business" else s]) for s in SOURCES}
    # the county's own rural income (a prefecture's counties each have theirs: no one average above them)
    rule_set = county_rule_set(area[:6], year) if len(area) >= 6 else None
    result.county_average = rule_set.county_rural_income if rule_set else None
    for t in TYPES:
        a, b = _finish_income(types_now[t]), _finish_income(types_before[t])
        result.by_type[t] = {"households": a["households"], "people": a["people"], "net": a["net"],
                             "per_capita": a["per_capita"], "previous_per_capita": b["per_capita"],
                             "growth": growth(a["per_capita"], b["per_capita"]),
                             "of_county_average": pct(a["per_capita"], result.county_average)
                             if a["per_capita"] is not None else None}
    if len(area) < 12:
        names = {c.code: c.name for c in children_of(user, area)}
        for code in sorted(set(names) | set(child_now)):
            a, b = _finish_income(child_now[code]), _finish_income(child_before[code])
            result.children.append({"code": code, "name": names.get(code, code), "households": a["households"],
                                    "net": a["net"], "per_capita": a["per_capita"],
                                    "previous_per_capita": b["per_capita"],
                                    "growth": growth(a["per_capita"], b["per_capita"]), "shares": a["shares"]})
    return result


# --- identification results: degree and guarantee compliance -------------------------------------

def official_run(area: str, year: int):
    """The latest official identification run of ``year`` or before that covers ``area``."""
    from fupin.targeting.models import IdentificationRun, RunStatus

    covering = [area[:n] for n in (6, 9, 12) if len(area) >= n]
    return (IdentificationRun.objects.filter(county_code=area[:6], area_code__in=covering, dry_run=False,
                                             status=RunStatus.DONE, year__lte=year)
            .order_by("-year", "-finished_at", "-pk").first())


def official_runs(area: str, year: int) -> list:
    """``official_run`` of each county of the area: the one run of a county (or below); for a prefecture
    or province the latest county-wide official run of each of its counties (one small query)."""
    from fupin.targeting.models import IdentificationRun, RunStatus

    if len(area) >= 6:
        run = official_run(area, year)
        return [run] if run is not None else []
    found: dict = {}
    for run in (IdentificationRun.objects.filter(counties_q(area), dry_run=False, status=RunStatus.DONE,
                                                 year__lte=year, area_code=F("county_code"))
                .order_by("county_code", "-year", "-finished_at", "-pk")):
        found.setdefault(run.county_code, run)
    return list(found.values())


@dataclass
class Results:
    area: str
    year: int
    run: object = None  # the IdentificationRun used (None: no official run yet, or several counties')
    runs: list = field(default_factory=list)  # each county's run (a prefecture's counties: one each)
    by_degree: dict = field(default_factory=dict)  # degree -> {households, people, per_capita}
    assisted: int = 0  # assisted households in the run (poor, exited, monitored)
    compliance: dict = field(default_factory=dict)  # guarantee -> {"ok", "fail", "rate"}; "all" for all five
    children: list = field(default_factory=list)
    # county -> {"households", "people"} its run concludes poor (the rows above, folded: ``run_poor``)
    poor: dict = field(default_factory=dict)


def _compliance(ok: dict, n: int) -> dict:
    return {g: {"ok": ok[g], "fail": n - ok[g], "rate": pct(ok[g], n)} for g in (*GUARANTEES, "all")}


def results(user, area: str, year: int) -> Results:
    """One grouped query over the run's results of the area: by village, type, conclusion, degree."""
    from fupin.targeting.models import IdentificationResult

    runs = official_runs(area, year)
    result = Results(area=area, year=year, run=runs[0] if len(area) >= 6 and runs else None, runs=runs)
    if not runs:
        result.compliance = _compliance(dict.fromkeys((*GUARANTEES, "all"), 0), 0)
        return result
    all_ok = Q(food_ok=True, education_ok=True, medical_ok=True, housing_ok=True, water_ok=True)
    rows = grouped(user, area, "results", year, lambda code: (
        IdentificationResult.objects.visible_to(user, code).filter(of_runs(_runs_in(runs, code)))
        .values("division_code", "household_type", "conclusion", "degree")
        .annotate(households=Count("pk"), people=Sum("size"), net=_money_sum("net_income"),
                  income_people=Sum("size", filter=Q(net_income__isnull=False)),
                  food=Count("pk", filter=Q(food_ok=True)), education=Count("pk", filter=Q(education_ok=True)),
                  medical=Count("pk", filter=Q(medical_ok=True)), housing=Count("pk", filter=Q(housing_ok=True)),
                  water=Count("pk", filter=Q(water_ok=True)), all=Count("pk", filter=all_ok))
        .order_by()), runs=runs)
    degrees: dict = defaultdict(lambda: {"households": 0, "people": 0, "net": ZERO, "income_people": 0})
    ok = dict.fromkeys((*GUARANTEES, "all"), 0)
    child_ok: dict = defaultdict(lambda: dict.fromkeys((*GUARANTEES, "all", "n"), 0))
    child_degree: dict = defaultdict(lambda: defaultdict(int))
    width = child_width(area)
    for r in rows:  # per village: folded into the child areas
        r["sub"] = r["division_code"][:width]
        if r["conclusion"] == "poor":
            p = result.poor.setdefault(r["division_code"][:6], {"households": 0, "people": 0})
            p["households"] += r["households"]
            p["people"] += r["people"] or 0
        if r["conclusion"] == "poor" and r["degree"]:
            d = degrees[r["degree"]]
            d["households"] += r["households"]
            d["people"] += r["people"] or 0
            d["net"] += _money(r["net"])
            d["income_people"] += r["income_people"] or 0
            child_degree[r["sub"]][r["degree"]] += r["households"]
        if r["household_type"] in ASSISTED_TYPES:
            result.assisted += r["households"]
            c = child_ok[r["sub"]]
            c["n"] += r["households"]
            for g in (*GUARANTEES, "all"):
                ok[g] += r[g]
                c[g] += r[g]
    from fupin.targeting.models import Degree

    result.by_degree = {d.value: {"households": degrees[d.value]["households"], "people": degrees[d.value]["people"],
                                  "per_capita": per_capita(degrees[d.value]["net"], degrees[d.value]["income_people"])}
                        for d in Degree}
    result.compliance = _compliance(ok, result.assisted)
    if len(area) < 12:
        names = {c.code: c.name for c in children_of(user, area)}
        for code in sorted(set(names) | set(child_ok)):
            c = child_ok[code]
            result.children.append({"code": code, "name": names.get(code, code), "assisted": c["n"],
                                    **{f"{g}_rate": pct(c[g], c["n"]) for g in (*GUARANTEES, "all")},
                                    **{d.value: child_degree[code][d.value] for d in Degree}})
    return result


def _runs_in(runs, code: str) -> list:
    """The runs of the counties of ``code`` (all of them for the area itself)."""
    return [r for r in runs if r.county_code.startswith(code[:6])]


def run_poor(user, area: str, year: int, *, results: Results | None = None) -> dict:
    """The year's official runs (``official_runs``: the county's, or each county's of a prefecture) over
    the area: households and people they conclude poor, one aggregate; counties without a run of the
    year are not counted (``missing`` says how many). The registered poor are ``population(...).by_type["poor"]``.
    With ``results`` (``results(user, area, year)``, which reads the same runs' rows), folded from its
    rows instead of read again."""
    from fupin.targeting.models import IdentificationResult

    every = results.runs if results is not None else official_runs(area, year)
    runs = [r for r in every if r.year == year]
    if not runs:
        return {"run": None, "runs": [], "households": None, "people": None, "missing": len(every)}
    if results is not None:
        found = [results.poor[r.county_code] for r in runs if r.county_code in results.poor]
        return {"run": runs[0] if len(area) >= 6 else None, "runs": runs,
                "households": sum(r["households"] for r in found), "people": sum(r["people"] for r in found),
                "missing": len(every) - len(runs)}
    found = grouped(user, area, "run_poor", year, lambda code: (
        IdentificationResult.objects.visible_to(user, code).filter(of_runs(_runs_in(runs, code)), conclusion="poor")
        .values("county_code").annotate(households=Count("pk"), people=Sum("size")).order_by()), runs=runs)
    return {"run": runs[0] if len(area) >= 6 else None, "runs": runs,
            "households": sum(r["households"] for r in found), "people": sum(r["people"] or 0 for r in found),
            "missing": len(every) - len(runs)}


# --- year-over-year flows -------------------------------------------------------------------------

FLOW_KINDS = {"identify": "new_poor", "exit": "exited", "reentry": "relapsed", "monitor": "monitored",
              "risk_clear": "risk_cleared"}


@dataclass
class Flows:
    area: str
    year: int
    totals: dict = field(default_factory=dict)  # new_poor, exited, relapsed, monitored, risk_cleared
    children: list = field(default_factory=list)


def flows(user, area: str, year: int) -> Flows:
    """Cases of the year's procedures that were approved (done), by procedure: one grouped query."""
    from fupin.workflows.models import Case, CaseStatus

    rows = grouped(user, area, "flows", year, lambda code: (
        Case.objects.visible_to(user, code).filter(counties_q(code), year=year, status=CaseStatus.DONE)
        .annotate(sub=_sub("division_code", area)).values("sub", "kind").annotate(n=Count("pk")).order_by()))
    totals = dict.fromkeys(FLOW_KINDS.values(), 0)
    children: dict = defaultdict(lambda: dict.fromkeys(FLOW_KINDS.values(), 0))
    for r in rows:
        key = FLOW_KINDS.get(r["kind"])
        if key:
            totals[key] += r["n"]
            children[r["sub"]][key] += r["n"]
    result = Flows(area=area, year=year, totals=totals)
    if len(area) < 12:
        names = {c.code: c.name for c in children_of(user, area)}
        result.children = [{"code": code, "name": names.get(code, code), **children[code]}
                           for code in sorted(set(names) | set(children))]
    return result


# --- the other apps' figures (their selectors, not re-derived) ----------------------------------

def coverage(user, area: str, year: int) -> dict:
    """The 八个一 totals (``assistance.selectors.coverage``) with the household-level coverage rates."""
    from fupin.assistance import selectors as assistance

    if len(area) >= 6:
        found = assistance.coverage(user, area, year)
    else:  # each county's totals (all counts), kept per county until it changes, added up
        totals = added_up(user, area, ("coverage", year),
                          lambda code: dict(assistance.coverage(user, code, year)["totals"]))
        found = {"totals": totals, "rows": [], "level": resolve_area(user, area).level}
    t = dict(found["totals"])
    n = t["households"]
    t["with_measure"], t["with_income"], t["with_helper"] = (n - t["no_measure"], n - t["no_income"],
                                                             n - t["no_helper"])
    t["measure_rate"], t["income_rate"], t["helper_rate"] = (pct(t["with_measure"], n), pct(t["with_income"], n),
                                                             pct(t["with_helper"], n))
    villages = t["villages"]
    for key in ("team", "plan", "projects"):
        t[f"village_{key}_rate"] = pct(villages - t[f"no_{key}"], villages)
    return {"totals": t, "rows": found.get("rows", []), "level": found["level"]}


def training(user, area: str, year: int) -> dict:
    """Training, employment, industries and public-welfare jobs (``programmes.selectors.overview``), with
    the targets that apply to the area (``targets.Context.resolve``: the same as on the targets page)."""
    from fupin.insights import targets
    from fupin.insights.models import TargetKey

    found = programme_overview(user, area, year)
    ctx = targets.Context(user, area, year)
    found["training_target"] = ctx.resolve(TargetKey.TRAINED, area).threshold
    found["employment_target"] = ctx.resolve(TargetKey.TRAINED_EMPLOYED, area).threshold
    return found


def programme_overview(user, area: str, year: int) -> dict:
    """``programmes.selectors.overview``; above the counties each county's, kept per county until it
    changes, added up (every count there is of one county's rows: a household, a course, a job), with
    the employment rate computed again from the sums, as the overview computes it."""
    from fupin.programmes import selectors as programmes

    if len(area) > 6:
        return dict(programmes.overview(user, area=area, year=year))
    total = added_up(user, area, ("programmes", year), lambda code: {
        k: v for k, v in programmes.overview(user, area=code, year=year).items() if not k.startswith("employment_rate")})
    trained, employed = total.get("trained", 0), total.get("employed_after_training", 0)
    exact = Decimal(employed * 100) / trained if trained else None
    total["employment_rate_exact"] = exact
    total["employment_rate"] = exact.quantize(Decimal("0.1")) if exact is not None else None
    return total


def training_by_child(user, area: str, year: int) -> list[dict]:
    from fupin.programmes import selectors as programmes

    return programmes.area_rows(user, area=area, year=year)


def housing(user, area: str) -> dict:
    """C/D houses and their renovation, willing and relocated households (``welfare.selectors``)."""
    from fupin.welfare import selectors as welfare

    h = added_up(user, area, ("housing",), lambda code: dict(welfare.housing_overview(user, code)))
    h["renovated_rate"] = pct(h["renovated"], h["cd"])
    h["relocated_rate"] = pct(h["relocated"], h["willing"])
    return h


def funds(user, area: str, year: int) -> dict:
    """Money of the year by source kind (allocated, disbursed) and disbursed by mode, attributed like
    the funds ledger (by where it was allocated: ``funds.selectors.scoped_entries``)."""
    from fupin.funds import sums
    from fupin.funds.models import DisbursementMode, SourceKind
    from fupin.funds.selectors import check_county, reward_share, scoped_entries

    allocations, disbursements = scoped_entries(user, area)
    allocations, disbursements = allocations.filter(year=year), disbursements.filter(year=year)
    allocated = dict(allocations.values_list("source__kind").annotate(s=sums.total()).order_by())
    paid = {(r["source__kind"], r["mode"]): r["s"] for r in
            disbursements.values("source__kind", "mode").annotate(s=sums.total()).order_by()}
    by_source = []
    for kind in SourceKind:
        a = allocated.get(kind.value) or ZERO
        d = sum((v for (k, _m), v in paid.items() if k == kind.value), ZERO)
        if a or d:
            by_source.append({"kind": kind.value, "label": str(kind.label), "allocated": a, "disbursed": d,
                              "rate": pct(d, a)})
    by_mode = []
    for mode in DisbursementMode:
        d = sum((v for (_k, m), v in paid.items() if m == mode.value), ZERO)
        if d:
            by_mode.append({"mode": mode.value, "label": str(mode.label), "disbursed": d})
    total_allocated = sum((r["allocated"] for r in by_source), ZERO)
    total_paid = sum((r["disbursed"] for r in by_source), ZERO)
    reward_paid = sum((v for (_k, m), v in paid.items() if m == DisbursementMode.REWARD.value), ZERO)
    # 以奖代补's share is the county's (over the county's central industry fund): one selector, shown
    # only at county level.
    share = None
    if len(area) == 6 and check_county(user, area) == area:
        share = reward_share(user, area, year)
    return {"by_source": by_source, "by_mode": by_mode, "allocated": total_allocated, "disbursed": total_paid,
            "disbursed_rate": pct(total_paid, total_allocated), "reward_paid": reward_paid, "reward": share,
            "reward_share": share.share * HUNDRED if share is not None and share.share is not None else None}


# --- everything for one page --------------------------------------------------------------------

# The families beside the core (population and flows): the dashboard loads each on its own.
FAMILIES = ("income", "results", "coverage", "housing", "funds", "training")


def overview(user, area: str = "", year: int | None = None, *, families=("core", *FAMILIES)) -> dict:
    """The indicator families asked for (all by default) for one area and year: "core" is the
    population and the year's flows; with it come the per-child rows of every family computed here
    (population, income, results, flows) merged by code."""
    division = resolve_area(user, area)
    code = division.code
    year = year or default_year(user, code)
    data = {"division": division, "area": code, "year": year}
    found = results(user, code, year) if "results" in families else None
    if "core" in families:
        data["population"] = population(user, code, year)
        data["run_poor"] = run_poor(user, code, year, results=found)  # folded from the results' rows
        data["flows"] = flows(user, code, year)
    if "income" in families:
        data["income"] = income(user, code, year)
    if found is not None:
        data["results"] = found
    if "coverage" in families:
        data["coverage"] = coverage(user, code, year)
    if "training" in families:
        data["training"] = training(user, code, year)
    if "housing" in families:
        data["housing"] = housing(user, code)
    if "funds" in families:
        data["funds"] = funds(user, code, year)
    children: dict = {}
    for key in ("population", "income", "results", "flows"):
        for row in getattr(data.get(key), "children", []):
            merged = children.setdefault(row["code"], {"code": row["code"], "name": row["name"]})
            for field_name, value in row.items():
                merged.setdefault(field_name, value)
    data["children"] = [children[c] for c in sorted(children)]
    return data
