"""Reads of the welfare app, always from ``visible_to``. The eligibility lists and the coverage
counts are single set-based queries (Exists / Subquery / conditional Count), never loops."""

from __future__ import annotations

from django.db.models import Case, Count, DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Length

from fupin.core.scope import counties_q, prefix_q, scope_for
from fupin.divisions.codes import child_width
from fupin.divisions.models import Division, Level
from fupin.registry import codes
from fupin.registry.models import HOUSE_CD, SUPPORTER_MEMBER, Household, HouseholdIncome, Member
from fupin.registry.selectors import NET_INCOME
from fupin.welfare import rules
from fupin.welfare.models import (
    MONEY,
    SCHOOLING_STAGE,
    CharityMatch,
    CharityNeed,
    CharityOffer,
    DisabilitySubsidy,
    EducationAid,
    HouseRenovation,
    MedicalAid,
    PremiumSubsidy,
    Relocation,
    RelocationSite,
    RelocationStatus,
    RenovationStatus,
    Stage,
    SubsidyKind,
    WelfareStandard,
)

ACTIVE = codes.RecordStatus.ACTIVE
OPEN_RENOVATION = ~Q(status__in=[RenovationStatus.ACCEPTED, RenovationStatus.CANCELLED])


# --- standards --------------------------------------------------------------------------------

def standards(user):
    return WelfareStandard.objects.visible_to(user).order_by("-year", "region_code")


def standard_for(code: str, year: int) -> WelfareStandard | None:
    """The standard that applies to a division in a year: the most specific region containing it."""
    return WelfareStandard.objects.applying_to(code, year).first()


def counties_without_standard(user, area: str, year: int) -> list[str]:
    """The names of the area's visible counties that no standard of ``year`` applies to (a
    prefecture's or province's page adds up counties that each have their own)."""
    counties = Division.objects.visible_to(user).filter(counties_q(area, "code"), level=Level.COUNTY).order_by("code")
    return [c.name for c in counties if standard_for(c.code, year) is None]


def standard_value(field: str, *, year_field: str, code_field: str, upto_year: int):
    """An expression giving, for each row, ``field`` of the most specific standard of the row's year
    (``year_field``) whose region contains the row's division (``code_field``).

    The standards table is small (a row per year and region), so it is read once and becomes a CASE
    over the row's own columns (most specific region first): no correlated subquery per row, which
    at county scale cost seconds."""
    whens = []
    rows = (WelfareStandard.objects.filter(year__lte=upto_year)
            .order_by(Length("region_code").desc(), "region_code").values_list("year", "region_code", field))
    for year, region, value in rows:
        if value is None:
            continue
        whens.append(When(prefix_q(code_field, region) & Q(**{year_field: year}),
                          then=Value(value, output_field=DecimalField(**MONEY))))
    if not whens:
        return Value(None, output_field=DecimalField(**MONEY))
    return Case(*whens, default=Value(None), output_field=DecimalField(**MONEY))


# --- guarantees: eligibility ------------------------------------------------------------------



def latest_incomes(user, area: str, year: int, *, line: str = ""):
    """Each visible household's latest income row up to ``year``, with the net income and the 低保
    line and 特困 standard of that income year for the household's village.

    With ``line`` (a standard's field, "dibao_line" or "tekun_standard"): only the rows of the years
    that have that line somewhere, for a comparison with it (the other years' line is NULL, so no
    comparison holds): the same households, from fewer rows, and only incomes after the first such
    year can be newer than one of them."""
    newer = HouseholdIncome.objects.filter(county_code=OuterRef("county_code"), household=OuterRef("household"),
                                           year__gt=OuterRef("year"),
                                           year__lte=year)
    rows = HouseholdIncome.objects.visible_to(user, area).filter(year__lte=year)
    no_line = False
    if line:
        years = sorted(set(WelfareStandard.objects.filter(year__lte=year, **{f"{line}__isnull": False})
                           .values_list("year", flat=True)))
        if years:
            rows, newer = rows.filter(year__in=years), newer.filter(year__gt=years[0])
        no_line = not years
    code = "household__division_id"
    found = (rows.exclude(Exists(newer))
             .annotate(net=NET_INCOME,
                       dibao_line=standard_value("dibao_line", year_field="year", code_field=code, upto_year=year),
                       tekun_line=standard_value("tekun_standard", year_field="year", code_field=code,
                                                 upto_year=year)))
    # no year has that line: no comparison with it holds, so no row is sent for one (Citus refused the
    # nested anti-joins comparing with a NULL line)
    return found.none() if no_line else found


def members(user, area: str = ""):
    return Member.objects.visible_to(user, area).filter(status=ACTIVE)


def poor_households(user, area: str, year: int):
    """Ids of the visible households whose latest per-capita net income is below the 低保 line."""
    return (latest_incomes(user, area, year, line="dibao_line").filter(counties_q(area))
            .filter(household__size__gt=0, net__lt=F("dibao_line") * F("household__size"))
            .values("household_id"))


DIBAO_MISSING = Q(dibao=False, tekun=False)  # and in a poor household (poor_households)


def dibao_uncovered(user, area: str, year: int):
    """Members of households whose latest per-capita net income is below the 低保 line, not on 低保
    (nor on 特困, which replaces it)."""
    return members(user, area).filter(DIBAO_MISSING, household_id__in=poor_households(user, area, year))


def no_labour_q(year: int) -> Q:
    ref = rules.reference_date(year)
    q = Q(birth_date__lte=rules.years_before(ref, rules.ELDERLY_AGE)) | Q(
        birth_date__gt=rules.years_before(ref, rules.MINOR_AGE))
    for categories, grades in rules.NO_LABOUR_DISABILITIES:
        q |= Q(disabled=True, disability_category__in=categories, disability_grade__in=grades)
    return q


def able_supporter_q(year: int) -> Q:
    """An active member aged 18-59 without serious illness or a grade 1-2 disability: an able legal
    supporter for the others in the household. Nobody without labour capacity (no_labour_q) is one,
    so "another member" needs no self-exclusion and the supporters can be found per household once."""
    ref = rules.reference_date(year)
    return SUPPORTER_MEMBER & Q(birth_date__lte=rules.years_before(ref, rules.ADULT_AGE),  # index member_supporter
                                birth_date__gt=rules.years_before(ref, rules.ELDERLY_AGE))


def destitute_households(user, area: str, year: int):
    """Ids of the visible households without a livelihood (their latest income is below the 特困
    standard, or none is recorded) and without an able supporter: two NOT EXISTS on the household
    (anti-joins, once per household; NOT IN would be probed row by row on PostgreSQL once the set
    outgrows work_mem). A small set, hashed once by the queries that test members against it (probing
    the latest income member by member cost a second at county scale)."""
    has_livelihood = (latest_incomes(user, area, year, line="tekun_standard")
                      .filter(county_code=OuterRef("county_code"), household=OuterRef("pk"),
                              net__gte=F("tekun_line") * F("household__size")))
    supported = Member.objects.filter(able_supporter_q(year), county_code=OuterRef("county_code"), household=OuterRef("pk"))
    return (Household.objects.visible_to(user, area).filter(counties_q(area)).exclude(Exists(has_livelihood))
            .exclude(Exists(supported)).values("pk"))


def tekun_missing_q(year: int) -> Q:
    """Not on 特困 and without labour capacity (and in a destitute household: destitute_households)."""
    return Q(tekun=False) & no_labour_q(year)


def tekun_uncovered(user, area: str, year: int):
    """Members with no labour capacity, no able supporter in the household and no livelihood (the
    household's latest per-capita income is below the 特困 standard, or none is recorded), not on 特困."""
    return members(user, area).filter(tekun_missing_q(year), household_id__in=destitute_households(user, area, year))


def premium_missing(user, area: str, year: int):
    done = PremiumSubsidy.objects.filter(county_code=OuterRef("county_code"), member=OuterRef("pk"), year=year)
    return members(user, area).filter(Q(dibao=True) | Q(tekun=True)).filter(~Exists(done))


def schoolchildren(user, area: str = ""):
    """Registered children in school (a stage with aid) of poor, exited and monitored households."""
    return members(user, area).filter(schooling__in=list(SCHOOLING_STAGE),
                                      household__household_type__in=rules.AID_HOUSEHOLD_TYPES)


STAGE_OF_MEMBER = Case(*[When(schooling=s, then=Value(str(stage))) for s, stage in SCHOOLING_STAGE.items()],
                       default=Value(""))


def education_missing(user, area: str, year: int):
    aided = EducationAid.objects.filter(county_code=OuterRef("county_code"), member=OuterRef("pk"), year=year)
    return schoolchildren(user, area).filter(~Exists(aided)).annotate(stage=STAGE_OF_MEMBER)


def education_coverage(user, area: str, year: int) -> list[dict]:
    """Children in school and those aided this year, per stage (one grouped query; each county's
    rows kept until it changes)."""
    aided = EducationAid.objects.filter(county_code=OuterRef("county_code"), member=OuterRef("pk"), year=year)
    rows = _kept_rows(user, area, ("education", year), lambda code: list(
        schoolchildren(user, code).annotate(stage=STAGE_OF_MEMBER, aided=Exists(aided))
        .values("stage").annotate(children=Count("pk"), covered=Count("pk", filter=Q(aided=True)))))
    by_stage: dict[str, dict] = {}
    for r in rows:
        found = by_stage.setdefault(r["stage"], {"children": 0, "covered": 0})
        found["children"] += r["children"]
        found["covered"] += r["covered"]
    out = []
    for stage in Stage:
        r = by_stage.get(stage.value, {"children": 0, "covered": 0})
        out.append({"stage": stage.value, "label": stage.label, "children": r["children"], "covered": r["covered"],
                    "missing": r["children"] - r["covered"]})
    return out


def dibao_household_q(county: str = "") -> Q:
    """A member of a 低保 household: someone in it on 低保, or its poverty attribute 低保. The households
    with someone on 低保 are one set (of ``county`` when given: the members' county), hashed once, not a
    probe per member."""
    on_dibao = Member.objects.filter(status=ACTIVE, dibao=True)
    if county:
        on_dibao = on_dibao.filter(county_code=county)
    on_dibao = on_dibao.values("household_id")
    return Q(household_id__in=on_dibao) | Q(household__poverty_attribute=codes.PovertyAttribute.DIBAO)


def disability_eligible(user, area: str, kind: str):
    qs = members(user, area).filter(disabled=True)
    if kind == SubsidyKind.LIVING:
        return qs.filter(dibao_household_q(area[:6] if len(area) >= 6 else ""))
    return qs.filter(disability_grade__in=rules.SEVERE_GRADES)


def disability_missing(user, area: str, year: int, kind: str):
    granted = DisabilitySubsidy.objects.filter(county_code=OuterRef("county_code"), member=OuterRef("pk"), year=year, kind=kind)
    return disability_eligible(user, area, kind).filter(~Exists(granted))


def is_disability_eligible(member: Member, kind: str) -> bool:
    qs = Member.objects.filter(pk=member.pk, status=ACTIVE, disabled=True)
    if kind == SubsidyKind.LIVING:
        return qs.filter(dibao_household_q()).exists()
    return qs.filter(disability_grade__in=rules.SEVERE_GRADES).exists()


# --- guarantees: coverage per area ------------------------------------------------------------

def child_length(area: str) -> int | None:
    """The code length of the rows of ``guarantee_by_area``: the child areas (a province's prefectures,
    a prefecture's counties, a county's townships, a township's villages); over the user's whole
    scope (``area`` ""), the counties."""
    return child_width(area) if area else 6


GUARANTEE_KEYS = ("dibao_people", "dibao_households", "tekun_people", "tekun_households", "dibao_missing",
                  "tekun_missing")


def _members_per_household(condition: Q, household: str):
    """The number of active members meeting ``condition`` in the outer row's household (``household``:
    the outer row's household id column), in its county: one index probe (member_household_status)."""
    return Coalesce(Subquery(
        Member.objects.filter(condition, county_code=OuterRef("county_code"), household=OuterRef(household),
                              status=ACTIVE)
        .order_by().values("household").annotate(n=Count("pk")).values("n")), 0)


def _kept_rows(user, area: str, key: tuple, compute) -> list:
    """``compute(code)`` (a list of plain rows) for the area: for a county, and above the counties for
    each county, the county's rows kept until it changes (``core.kept``), put together; below a county,
    or over the user's whole scope (``area`` ""), computed."""
    if not area or len(area) > 6:
        return compute(area)
    from fupin.core import kept

    return kept.rows_of(user, Division.objects.visible_to(user).county_codes(area), key, compute)


def _kept_sum(user, area: str, key: tuple, compute) -> dict:
    """``compute(code)`` (a dict of counts and sums) for the area: for a county, and above the counties
    for each county, the county's kept until it changes (``core.kept``), added up; below a county, or
    over the user's whole scope (``area`` ""), computed."""
    if not area or len(area) > 6:
        return compute(area)
    from fupin.core import kept

    return kept.added_up(user, Division.objects.visible_to(user).county_codes(area), key, compute)


def guarantee_counts(user, area: str, year: int) -> dict[str, dict[str, int]]:
    """{village code: GUARANTEE_KEYS} of the area (``_guarantee_counts``, each county's kept until it
    changes: a county's villages are no other county's)."""
    rows = _kept_rows(user, area, ("guarantees", year),
                      lambda code: list(_guarantee_counts(user, code, year).items()))
    return dict(rows)


def _guarantee_counts(user, area: str, year: int) -> dict[str, dict[str, int]]:
    """{village code: GUARANTEE_KEYS} of the area's visible active members: the people and households on
    低保 / 特困, and the gaps of ``dibao_uncovered`` and ``tekun_uncovered`` (the same conditions and
    household sets, ``poor_households`` and ``destitute_households``), every village of a visible
    household listed, with zeros.

    Three grouped queries, each over the few rows its figure is about (issue 15: speed): the people on
    低保 or 特困 (the partial index member_gap_people); the poor households and, per household, its
    members missing 低保; the destitute households and their members missing 特困. One query over all
    the members of a county (half a million at 150,000 households) cost 0.8 s. The county is named on
    every table (one shard on Citus)."""
    counties = counties_q(area)
    out: dict[str, dict[str, int]] = {
        code: dict.fromkeys(GUARANTEE_KEYS, 0)
        for code in Household.objects.visible_to(user, area).filter(counties).order_by()
        .values_list("division_id", flat=True).distinct()}

    def add(rows, keys):
        for row in rows:
            counts = out.setdefault(row["division_code"], dict.fromkeys(GUARANTEE_KEYS, 0))
            for key in keys:
                counts[key] += row[key] or 0

    add(members(user, area).filter(counties).filter(Q(dibao=True) | Q(tekun=True)).order_by()
        .values("division_code")
        .annotate(dibao_people=Count("pk", filter=Q(dibao=True)),
                  dibao_households=Count("household", distinct=True, filter=Q(dibao=True)),
                  tekun_people=Count("pk", filter=Q(tekun=True)),
                  tekun_households=Count("household", distinct=True, filter=Q(tekun=True))),
        ("dibao_people", "dibao_households", "tekun_people", "tekun_households"))
    add(poor_households(user, area, year).values(division_code=F("household__division_id"))
        .annotate(dibao_missing=Sum(_members_per_household(DIBAO_MISSING, "household_id"))),
        ("dibao_missing",))
    add(destitute_households(user, area, year).values(division_code=F("division_id"))
        .annotate(tekun_missing=Sum(_members_per_household(tekun_missing_q(year), "pk"))),
        ("tekun_missing",))
    return out


def guarantee_overview(user, area: str, year: int, *, by_area: list[dict] | None = None,
                       education: list[dict] | None = None) -> dict:
    """Totals of the area for every guarantee: covered and eligible-not-covered. With ``by_area``
    (``guarantee_by_area`` of the same area) and ``education`` (``education_coverage``), the totals
    are their sums: one computation per figure, and the page's total is the sum of its rows. Without,
    the 低保 / 特困 totals are the sums of ``guarantee_counts`` (a village's households are in no other
    village, so its household counts add up)."""
    if by_area:
        covered = {key: sum(row[key] for row in by_area) for key in GUARANTEE_KEYS}
    else:
        villages = guarantee_counts(user, area, year).values()
        covered = {key: sum(row[key] for row in villages) for key in GUARANTEE_KEYS}
    edu = education if education is not None else education_coverage(user, area, year)
    return {
        **covered,
        "education_children": sum(r["children"] for r in edu),
        "education_covered": sum(r["covered"] for r in edu),
        "education_missing": sum(r["missing"] for r in edu),
        **_kept_sum(user, area, ("guarantee_records", year), lambda code: _records_and_gaps(user, code, year)),
    }


def _records_and_gaps(user, area: str, year: int) -> dict:
    """The year's premiums, medical aid and disability subsidies recorded, and the members still
    without them (``member_gaps``): counts and sums that add up across counties."""
    premium_done = PremiumSubsidy.objects.visible_to(user, area).filter(year=year).aggregate(
        n=Count("pk"), total=Coalesce(Sum("amount"), Value(0), output_field=DecimalField(**MONEY)))
    granted = DisabilitySubsidy.objects.visible_to(user, area).filter(year=year).aggregate(
        living=Count("pk", filter=Q(kind=SubsidyKind.LIVING)), care=Count("pk", filter=Q(kind=SubsidyKind.CARE)))
    return {
        "premium_done": premium_done["n"], "premium_total": premium_done["total"],
        "medical_cases": MedicalAid.objects.visible_to(user, area).filter(treated_on__year=year).count(),
        "living_granted": granted["living"], "care_granted": granted["care"],
        **member_gaps(user, area, year),
    }


def member_gaps(user, area: str, year: int) -> dict[str, int]:
    """The counts of ``premium_missing`` and of ``disability_missing`` (生活补贴 and 护理补贴) in ONE
    aggregate over the area's active members (one pass instead of four): the same conditions, with the
    year's premiums and subsidies, the households with someone on 低保 and those of poverty attribute
    低保 as sets hashed once (of the area's counties), not a probe per member."""
    counties = Q()  # the counties of the members seen (a member's rows and household are in its county)
    prefixes = scope_for(user).narrowed(area).prefixes
    if "" not in prefixes:
        counties = Q(pk__in=[])
        for prefix in prefixes:
            counties |= counties_q(prefix)
    paid = PremiumSubsidy.objects.filter(counties, year=year)
    subsidised = DisabilitySubsidy.objects.filter(counties, year=year)
    on_dibao = Member.objects.filter(counties, status=ACTIVE, dibao=True).values("household_id")
    dibao_attribute = Household.objects.filter(counties, poverty_attribute=codes.PovertyAttribute.DIBAO)
    in_dibao_household = Q(household_id__in=on_dibao) | Q(household_id__in=dibao_attribute.values("pk"))
    return members(user, area).filter(counties).filter(Q(dibao=True) | Q(tekun=True) | Q(disabled=True)).aggregate(
        premium_missing=Count("pk", filter=(Q(dibao=True) | Q(tekun=True))
                              & ~Q(pk__in=paid.values("member_id"))),
        living_missing=Count("pk", filter=Q(disabled=True) & in_dibao_household
                             & ~Q(pk__in=subsidised.filter(kind=SubsidyKind.LIVING).values("member_id"))),
        care_missing=Count("pk", filter=Q(disabled=True, disability_grade__in=rules.SEVERE_GRADES)
                           & ~Q(pk__in=subsidised.filter(kind=SubsidyKind.CARE).values("member_id"))))


def guarantee_by_area(user, area: str, year: int) -> list[dict]:
    """低保/特困 coverage and gaps per child area: county (prefecture view), township (county view) or
    village (township view)."""
    length = child_length(area)
    if length is None:
        return []
    folded: dict[str, dict] = {}
    for village, counts in guarantee_counts(user, area, year).items():
        row = folded.setdefault(village[:length], dict.fromkeys(GUARANTEE_KEYS, 0))
        for key in GUARANTEE_KEYS:
            row[key] += counts[key]
    names = dict(Division.objects.filter(code__in=list(folded)).values_list("code", "name"))
    return [{"code": code, "name": names.get(code, code), **folded[code]} for code in sorted(folded)]


# --- records ----------------------------------------------------------------------------------

def premium_subsidies(user, area: str = "", year: int | None = None):
    qs = PremiumSubsidy.objects.visible_to(user, area).select_related("member", "household")
    return qs.filter(year=year) if year else qs


def medical_aids(user, area: str = "", year: int | None = None):
    qs = MedicalAid.objects.visible_to(user, area).select_related("member", "household")
    return qs.filter(treated_on__year=year) if year else qs


def education_aids(user, area: str = "", year: int | None = None):
    qs = EducationAid.objects.visible_to(user, area).select_related("member", "household")
    return qs.filter(year=year) if year else qs


def disability_subsidies(user, area: str = "", year: int | None = None):
    qs = DisabilitySubsidy.objects.visible_to(user, area).select_related("member", "household")
    return qs.filter(year=year) if year else qs


# --- housing ----------------------------------------------------------------------------------

# 建档立卡 households (registered poor and exited): the population of the plan's housing and
# relocation targets ("全面完成建档立卡贫困户危旧房改造任务", "有搬迁意愿的建档立卡贫困户应搬尽搬").
REGISTERED_POOR = (codes.HouseholdType.POOR, codes.HouseholdType.EXITED)


def unrenovated(user, area: str = "", *, plan: bool = False):
    """Active households with a C/D house not renovated, with whether a renovation is under way.
    With ``plan``: the housing target's population, 建档立卡 households with an unrenovated C/D house
    that have not been relocated (a relocated household left the house)."""
    under_way = HouseRenovation.objects.filter(OPEN_RENOVATION, county_code=OuterRef("county_code"), household=OuterRef("pk"))
    qs = (Household.objects.visible_to(user, area)
          .filter(status=ACTIVE, house_grade__in=["C", "D"], house_renovated=False))
    if plan:
        qs = qs.filter(household_type__in=REGISTERED_POOR, relocated=False)
    return qs.annotate(under_way=Exists(under_way))


def renovations(user, area: str = "", status: str = ""):
    qs = HouseRenovation.objects.visible_to(user, area).select_related("household")
    return qs.filter(status=status) if status else qs


def housing_totals(user, area: str = "") -> dict:
    """``housing_overview`` of the area, for a county and above each county's kept until it changes
    and added up (the same kept rows as the dashboard's housing figures)."""
    return _kept_sum(user, area, ("housing",), lambda code: dict(housing_overview(user, code)))


def housing_overview(user, area: str = "") -> dict:
    """Houses and moves of an area, over two populations: every active household (``cd``,
    ``renovated``, ``not_renovated``, ``willing``, ``relocated``, ``waiting``) and the plan's 建档立卡
    households (``plan_*``: the housing target counts C/D houses not renovated and not relocated, the
    relocation target willing households not yet relocated)."""
    registered = Q(household_type__in=REGISTERED_POOR)
    cd, willing = Q(house_grade__in=HOUSE_CD), Q(relocation_willing=True)
    # houses and moves in one pass over the active households, index-only (household_houses: the count
    # is of a column in it, never null, not of the id)
    counts = Household.objects.visible_to(user, area).filter(status=ACTIVE).filter(cd | willing).aggregate(
        cd=Count("division", filter=cd), n_renovated=Count("division", filter=cd & Q(house_renovated=True)),
        plan_cd=Count("division", filter=cd & registered),
        plan_renovated=Count("division", filter=cd & registered & Q(house_renovated=True)),
        plan_not_renovated=Count("division", filter=cd & registered & Q(house_renovated=False, relocated=False)),
        n_willing=Count("division", filter=willing), n_relocated=Count("division", filter=willing & Q(relocated=True)),
        plan_willing=Count("division", filter=willing & registered),
        plan_relocated=Count("division", filter=willing & registered & Q(relocated=True)))
    houses = moves = counts
    works = HouseRenovation.objects.visible_to(user, area).aggregate(
        under_way=Count("pk", filter=OPEN_RENOVATION),
        accepted=Count("pk", filter=Q(status=RenovationStatus.ACCEPTED)),
        subsidy=Coalesce(Sum("subsidy", filter=~Q(status=RenovationStatus.CANCELLED)), Value(0),
                         output_field=DecimalField(**MONEY)))
    allocated = Relocation.objects.visible_to(user, area).filter(status=RelocationStatus.ALLOCATED).count()
    return {"cd": houses["cd"], "renovated": houses["n_renovated"], "not_renovated": houses["cd"] - houses["n_renovated"],
            "plan_cd": houses["plan_cd"], "plan_renovated": houses["plan_renovated"],
            "plan_not_renovated": houses["plan_not_renovated"],
            **works, "willing": moves["n_willing"], "relocated": moves["n_relocated"],
            "waiting": moves["n_willing"] - moves["n_relocated"], "plan_willing": moves["plan_willing"],
            "plan_relocated": moves["plan_relocated"], "plan_waiting": moves["plan_willing"] - moves["plan_relocated"],
            "allocated": allocated}


def willing_not_relocated(user, area: str = "", *, plan: bool = False):
    """Active households willing to move and not yet relocated (with ``plan``: 建档立卡 only, the
    relocation target's population), with whether a place is allocated."""
    allocated = Relocation.objects.filter(county_code=OuterRef("county_code"), household=OuterRef("pk"), status=RelocationStatus.ALLOCATED)
    qs = Household.objects.visible_to(user, area).filter(status=ACTIVE, relocation_willing=True, relocated=False)
    if plan:
        qs = qs.filter(household_type__in=REGISTERED_POOR)
    return qs.annotate(allocated=Exists(allocated))


def sites(user, area: str = ""):
    """Sites with their occupancy (allocated and moved in) against capacity. A county site is seen by
    everybody in the county: scoped by the county part of the user's scope."""
    scope = scope_for(user)
    qs = RelocationSite.objects.all()
    if not scope.unrestricted:  # the counties of the user's grants (of a prefecture's: all its counties)
        counties = Q(pk__in=[])
        for prefix in scope.prefixes:
            counties |= counties_q(prefix)
        qs = qs.filter(counties)
    if area:
        qs = qs.filter(counties_q(area))
    return qs.annotate(
        occupied=Count("relocations", filter=~Q(relocations__status=RelocationStatus.CANCELLED)),
        moved_in=Count("relocations", filter=Q(relocations__status=RelocationStatus.MOVED_IN)),
    ).order_by("name")


def relocations(user, area: str = "", status: str = ""):
    qs = Relocation.objects.visible_to(user, area).select_related("household", "site")
    return qs.filter(status=status) if status else qs


# --- charity ----------------------------------------------------------------------------------

def needs(user, area: str = "", status: str = ""):
    qs = CharityNeed.objects.visible_to(user, area).select_related("household")
    return qs.filter(status=status) if status else qs


def offers(user, area: str = "", status: str = ""):
    """Offers aimed at the user's area or at any area containing it (a county-wide offer is seen by
    every township)."""
    scope = scope_for(user)
    if scope.is_empty:
        return CharityOffer.objects.none()
    qs = CharityOffer.objects.all()
    if not scope.unrestricted:
        ancestors = {p[:n] for p in scope.prefixes for n in (6, 9, 12) if len(p) >= n}
        qs = qs.filter(Q(division_code__in=ancestors) | scope.q("division_code"))
    if area:
        qs = qs.filter(Q(division_code__in=[area[:n] for n in (6, 9, 12) if len(area) >= n])
                       | scope.narrowed(area).q("division_code"))
    return qs.filter(status=status) if status else qs


def matches(user, area: str = ""):
    return CharityMatch.objects.visible_to(user, area).select_related("need", "offer")


def charity_overview(user, area: str = "") -> dict:
    n = CharityNeed.objects.visible_to(user, area).aggregate(
        needs=Count("pk"), open=Count("pk", filter=Q(status__in=["open", "partly"])),
        amount=Coalesce(Sum("amount", filter=~Q(status="withdrawn")), Value(0), output_field=DecimalField(**MONEY)),
        matched=Coalesce(Sum("matched_amount"), Value(0), output_field=DecimalField(**MONEY)))
    fulfilled = CharityMatch.objects.visible_to(user, area).filter(status="fulfilled").aggregate(
        total=Coalesce(Sum("amount"), Value(0), output_field=DecimalField(**MONEY)))["total"]
    return {**n, "fulfilled": fulfilled}


# --- the household card -----------------------------------------------------------------------

def household_card_section(user, household: Household) -> dict | None:
    from fupin.accounts.roles import Cap

    if not user.can(Cap.VIEW_PROGRAMMES):
        return None
    hid = household.pk
    people = list(Member.objects.filter(household_id=hid, status=ACTIVE)
                  .values("name", "dibao", "tekun", "medical_aid", "disabled"))
    from fupin.welfare.domains import managed_domains

    section = {
        "guarantees": [p for p in people if p["dibao"] or p["tekun"]],
        "premiums": list(PremiumSubsidy.objects.filter(household_id=hid).select_related("member").order_by("-year")),
        "medical": list(MedicalAid.objects.filter(household_id=hid).select_related("member").order_by("-treated_on")),
        "education": list(EducationAid.objects.filter(household_id=hid).select_related("member").order_by("-year")),
        "disability": list(DisabilitySubsidy.objects.filter(household_id=hid).select_related("member")
                           .order_by("-year")),
        "renovations": list(HouseRenovation.objects.filter(household_id=hid).order_by("-year")),
        "relocations": list(Relocation.objects.filter(household_id=hid).select_related("site").order_by("-year")),
        "needs": list(CharityNeed.objects.filter(household_id=hid).order_by("-posted_on")),
    }
    open_renovation = any(r.status not in (RenovationStatus.ACCEPTED, RenovationStatus.CANCELLED)
                          for r in section["renovations"])
    allocated = any(r.status != RelocationStatus.CANCELLED for r in section["relocations"])
    return {
        **section, "household": household, "empty": not any(section.values()),
        "domains": managed_domains(user) if household.is_active else set(),
        "can_renovate": household.house_grade in ("C", "D") and not household.house_renovated and not open_renovation,
        "can_relocate": household.relocation_willing and not household.relocated and not allocated,
    }
