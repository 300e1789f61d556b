"""Reads of the programmes, always from ``visible_to`` (the user's area, narrowed to ``area``).

The counts are set-based (grouped queries, Exists and Subquery), never a loop over households.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Substr
from django.shortcuts import get_object_or_404

from fupin.core import clock
from fupin.core.scope import scope_for
from fupin.divisions.codes import child_width
from fupin.divisions.models import Division, Level
from fupin.programmes.models import (
    Certificate,
    Cooperative,
    CooperativeMember,
    Course,
    Dividend,
    DividendPayment,
    Employment,
    Industry,
    IndustryParticipation,
    PublicWelfareJob,
    SubsidyStandard,
    Trainee,
    TraineeStatus,
    TrainingSubsidy,
)
from fupin.registry import codes
from fupin.registry.models import WORKING_MEMBER, Household, Member
from fupin.registry.selectors import (  # noqa: F401 - re-exported: the programme pages and insights use them
    WORKING_AGE,
    able_to_work,
    division_name,
    head_name,
)

ZERO = Decimal("0.00")
MONEY_OUT = DecimalField(max_digits=14, decimal_places=2)

# The zero-employment rule (零就业家庭), documented here and on the list page:
# working age is 16 to 59 on the reference day (16 on the 16th birthday, no longer at the 60th);
# able to work = not seriously ill, not disabled, labour skill not "lost"/"none", not in school;
# employed = registry work status in WORKING_STATUSES with work months > 0, or a registry
# public-welfare job, or an Employment or PublicWelfareJob open on the reference day.
ASSISTED_TYPES = (codes.HouseholdType.POOR, codes.HouseholdType.EXITED, codes.HouseholdType.MONITORED)




def _sub_sum(qs, field: str):
    """A correlated SUM as a subquery (0 when there are no rows)."""
    # every row of such a subquery belongs to one county: grouping by it gives the one total row
    summed = qs.order_by().values("county_code").annotate(s=Sum(field)).values("s")[:1]
    return Coalesce(Subquery(summed, output_field=MONEY_OUT), Value(ZERO), output_field=MONEY_OUT)


def _sub_count(qs):
    counted = qs.order_by().values("county_code").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# --- areas and industries ---------------------------------------------------------------------

def area_choices(user) -> list[tuple[str, str]]:
    """The counties, townships and villages the user may see, for the area filters (indented)."""
    rows = Division.objects.visible_to(user).filter(level__in=[Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]) \
        .order_by("code").values_list("code", "name", "level")
    indent = {Level.COUNTY: "", Level.TOWNSHIP: "　", Level.VILLAGE: "　　"}
    return [(code, indent[level] + name) for code, name, level in rows]


def default_year(user) -> int:
    """The latest year with programme records the user may see (this year when there are none yet),
    so the pages open on data rather than on an empty new year."""
    from django.db.models import Max
    from django.db.models.functions import ExtractYear

    years = [IndustryParticipation.objects.visible_to(user).aggregate(y=Max("year"))["y"],
             Course.objects.visible_to(user).aggregate(y=Max(ExtractYear("end_on")))["y"]]
    this_year = clock.today().year
    return min(max((y for y in years if y), default=this_year), this_year)


def area_name(code: str) -> str:
    return Division.objects.filter(code=code).values_list("name", flat=True).first() or code


def counties_of(user) -> list[str]:
    return sorted({p[:6] for p in scope_for(user).prefixes if len(p) >= 6})


def industries(user):
    """The industries of the user's counties (a township or village sees its county's list)."""
    scope = scope_for(user)
    if any(len(p) < 6 for p in scope.prefixes):
        return Industry.objects.visible_to(user)
    return Industry.objects.filter(county_code__in=counties_of(user))


def get_industry(user, pk: int) -> Industry:
    return get_object_or_404(industries(user), pk=pk)


def subsidy_standards(user):
    scope = scope_for(user)
    if any(len(p) < 6 for p in scope.prefixes):
        return SubsidyStandard.objects.visible_to(user)
    return SubsidyStandard.objects.filter(county_code__in=counties_of(user))


def industry_summary(user, *, area: str = "", year: int):
    """Per industry: households taking part this year, their scale, coop members and dividends."""
    parts = IndustryParticipation.objects.visible_to(user, area).current().filter(year=year, county_code=OuterRef("county_code"), industry=OuterRef("pk"))
    return industries(user).annotate(
        households=_sub_count(parts),
        scale_total=_sub_sum(parts, "scale"),
        cooperatives_n=_sub_count(Cooperative.objects.visible_to(user, area).filter(county_code=OuterRef("county_code"), industries=OuterRef("pk"))),
    ).order_by("order", "name")


def industry_households(user, industry: Industry, *, area: str = "", year: int):
    """The households in an industry in a year with their scale, their shares in the cooperatives of
    that industry (held now) and the dividends those cooperatives paid them for the year: one query."""
    shares = CooperativeMember.objects.current().filter(county_code=OuterRef("county_code"), household=OuterRef("household_id"),
                                                        cooperative__industries=industry)
    paid = DividendPayment.objects.filter(county_code=OuterRef("county_code"), household=OuterRef("household_id"), dividend__year=year,
                                          dividend__cooperative__industries=industry)
    return (IndustryParticipation.objects.visible_to(user, area).current()
            .filter(industry=industry, year=year)
            .select_related("household", "household__division")
            .annotate(head=head_name(), shares=_sub_sum(shares, "shares"),
                      cooperative=Subquery(shares.order_by("-shares", "pk").values("cooperative__name")[:1]),
                      cooperative_id=Subquery(shares.order_by("-shares", "pk").values("cooperative_id")[:1]),
                      dividends=_sub_sum(paid, "amount"))
            .order_by("division_code", "household__household_code"))


# --- cooperatives -----------------------------------------------------------------------------

def visible_cooperatives(user, area: str = ""):
    """Cooperatives located in the user's area, and those elsewhere that have members in it (a village
    sees the township cooperative its households hold shares in)."""
    return Cooperative.objects.filter(
        Q(pk__in=Cooperative.objects.visible_to(user, area).values("pk"))
        | Q(pk__in=CooperativeMember.objects.visible_to(user, area).values("cooperative_id")))


def cooperatives(user, *, area: str = "", industry: int | None = None, year: int | None = None):
    year = year or clock.today().year
    members = CooperativeMember.objects.current().filter(county_code=OuterRef("county_code"), cooperative=OuterRef("pk"))
    qs = visible_cooperatives(user, area)
    if industry:
        qs = qs.filter(industries=industry)
    return qs.annotate(
        member_households=_sub_count(members),
        shares_total=_sub_sum(members, "shares"),
        dividend=_sub_sum(Dividend.objects.filter(county_code=OuterRef("county_code"), cooperative=OuterRef("pk"), year=year), "total"),
    ).order_by("division_code", "name")


def get_cooperative(user, pk: int) -> Cooperative:
    return get_object_or_404(visible_cooperatives(user), pk=pk)


def cooperative_members(user, cooperative: Cooperative, *, include_left: bool = False):
    """The members the user may see (all of them for whoever manages the cooperative's area)."""
    qs = CooperativeMember.objects.visible_to(user).filter(cooperative=cooperative) \
        .select_related("household").annotate(head=head_name())
    if not include_left:
        qs = qs.current()
    return qs.order_by("left_on", "household__household_code", "-joined_on")


def get_membership(user, pk: int) -> CooperativeMember:
    membership = get_object_or_404(CooperativeMember.objects.select_related("cooperative", "household"), pk=pk)
    get_cooperative(user, membership.cooperative_id)
    return membership


def get_dividend(user, pk: int) -> Dividend:
    return get_object_or_404(Dividend.objects.filter(cooperative__in=visible_cooperatives(user))
                             .select_related("cooperative"), pk=pk)


def dividend_payments(user, dividend: Dividend):
    return DividendPayment.objects.visible_to(user).filter(dividend=dividend).select_related("household").annotate(head=head_name()).order_by(
        "-amount", "household__household_code")


# --- training and employment ------------------------------------------------------------------

def employed_after(trainee_ref: str = "member_id", end_ref: str = "course__end_on"):
    """An employment of the trainee starting on or after the course's last day."""
    return Exists(Employment.objects.filter(county_code=OuterRef("county_code"), member=OuterRef(trainee_ref), started_on__gte=OuterRef(end_ref)))


def visible_courses(user, area: str = ""):
    """Courses held in the user's area, and those elsewhere with trainees from it."""
    return Course.objects.filter(Q(pk__in=Course.objects.visible_to(user, area).values("pk"))
                                 | Q(pk__in=Trainee.objects.visible_to(user, area).values("course_id")))


def courses(user, *, area: str = "", year: int | None = None, programme: str = ""):
    qs = visible_courses(user, area)
    if year:
        qs = qs.filter(end_on__year=year)
    if programme:
        qs = qs.filter(programme=programme)
    return qs.annotate(
        enrolled=Count("trainees", filter=~Q(trainees__status=TraineeStatus.DROPPED), distinct=True),
        completed=Count("trainees", filter=Q(trainees__status=TraineeStatus.COMPLETED), distinct=True),
        certified=Count("trainees__certificates", distinct=True),
    ).order_by("-start_on", "name")


def get_course(user, pk: int) -> Course:
    return get_object_or_404(visible_courses(user), pk=pk)


def course_trainees(user, course: Course):
    return (Trainee.objects.visible_to(user).filter(course=course).select_related("member", "household")
            .annotate(employed=employed_after(), certificates_n=Count("certificates"))
            .order_by("status", "member__name"))


def get_trainee(user, pk: int) -> Trainee:
    visible = Q(pk__in=Trainee.objects.visible_to(user).values("pk")) | Q(course__in=Course.objects.visible_to(user))
    return get_object_or_404(Trainee.objects.filter(visible).select_related("course", "member", "household"), pk=pk)


def certificates(user, *, area: str = "", year: int | None = None, subsidy: str = ""):
    qs = Certificate.objects.visible_to(user, area).select_related("trainee__member", "trainee__course")
    if year:
        qs = qs.filter(issued_on__year=year)
    has = Exists(TrainingSubsidy.objects.filter(county_code=OuterRef("county_code"), certificate=OuterRef("pk")))
    qs = qs.annotate(subsidised=has)
    if subsidy == "none":
        qs = qs.filter(subsidised=False)
    return qs.order_by("-issued_on", "number")


def subsidies(user, *, area: str = "", year: int | None = None, status: str = ""):
    qs = TrainingSubsidy.objects.visible_to(user, area).select_related("member", "certificate")
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-granted_on", "pk")


def employments(user, *, area: str = "", current: bool = False, after_training: bool = False):
    qs = Employment.objects.visible_to(user, area).select_related("member", "household", "trainee__course")
    if current:
        qs = qs.filter(ended_on__isnull=True)
    if after_training:
        qs = qs.filter(trainee__isnull=False)
    return qs.order_by("-started_on", "pk")


def welfare_jobs(user, *, area: str = "", current: bool = True):
    qs = PublicWelfareJob.objects.visible_to(user, area).select_related("member", "household") \
        .annotate(place=division_name())
    if current:
        qs = qs.filter(ended_on__isnull=True)
    return qs.order_by("division_code", "post", "pk")


def member_by_id_number(user, id_number: str) -> Member | None:
    from fupin.registry import idnumber

    try:
        number = idnumber.parse(id_number).number
    except idnumber.IdNumberError:
        number = idnumber.clean(id_number)
    return Member.objects.visible_to(user).active().filter(id_number=number).select_related("household").first()


# --- zero-employment households ---------------------------------------------------------------

def employment_sources(on: dt.date, household_ref: str = "pk") -> list[Exists]:
    """Some member of the household is employed on ``on``, by each of the three sources (the registry's
    work status or post, an open Employment, an open PublicWelfareJob)."""
    registry = Member.objects.filter(WORKING_MEMBER, county_code=OuterRef("county_code"), household=OuterRef(household_ref))  # index member_working
    open_q = Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gte=on))
    work = Employment.objects.filter(open_q, county_code=OuterRef("county_code"), household=OuterRef(household_ref), member__status="active")
    job = PublicWelfareJob.objects.filter(open_q, county_code=OuterRef("county_code"), household=OuterRef(household_ref), member__status="active")
    return [Exists(registry), Exists(work), Exists(job)]


def zero_employment_households(user, *, area: str = "", on: dt.date | None = None, household_type: str = ""):
    """零就业家庭: active households of the assisted types (poor, exited, monitored; or the one type
    asked for) with someone able to work (``registry.selectors.able_to_work``) and nobody employed on
    ``on``: one query with Exists. Yearly figures take ``on`` = ``clock.reference_day(year)`` (the
    year's last day, or today while it runs), so every page counts the same households."""
    on = on or clock.today()
    qs = Household.objects.visible_to(user, area).active()
    qs = qs.filter(household_type=household_type) if household_type else qs.filter(household_type__in=ASSISTED_TYPES)
    # NOT (a OR b OR c) as three NOT EXISTS: each becomes an anti-join (an OR of EXISTS is probed
    # row by row on PostgreSQL: seconds at county scale).
    for employed in employment_sources(on):
        qs = qs.exclude(employed)
    return (qs.filter(Exists(able_to_work(on)))
            .annotate(head=head_name("pk"),
                      able=_sub_count(able_to_work(on)))
            .select_related("division").order_by("division_id", "household_code"))


# --- the overview -----------------------------------------------------------------------------

def _completed_trainees(user, area: str, year: int):
    """Trainees who completed a course ending in ``year`` (the trained of the plan's training target)."""
    return Trainee.objects.visible_to(user, area).filter(course__end_on__year=year, status=TraineeStatus.COMPLETED)


def training_figures(user, *, area: str = "", year: int) -> dict:
    """The training figures of ``overview`` alone (trained, employed after training, certified): the
    targets read these without the rest of the overview."""
    t = _completed_trainees(user, area, year).aggregate(trained=Count("pk"),
                                                        employed=Count("pk", filter=Q(employed_after())))
    return {"trained": t["trained"], "employed_after_training": t["employed"],
            "certified": Certificate.objects.visible_to(user, area).filter(issued_on__year=year).count()}


def trained_by_area(user, *, area: str, year: int, width: int) -> dict[str, dict]:
    """{child code: {"trained", "employed"}} of the completed trainees, one grouped query (``area_rows``)."""
    rows = (_completed_trainees(user, area, year).annotate(sub=Substr("division_code", 1, width)).values("sub")
            .annotate(trained=Count("pk"), employed=Count("pk", filter=Q(employed_after()))).order_by())
    return {r["sub"]: r for r in rows}


def overview(user, *, area: str = "", year: int) -> dict:
    """The programme figures for an area and a year, each a single aggregate query."""
    parts = IndustryParticipation.objects.visible_to(user, area).current().filter(year=year)
    members = CooperativeMember.objects.visible_to(user, area).current()
    paid = DividendPayment.objects.visible_to(user, area).filter(dividend__year=year)
    trainees = Trainee.objects.visible_to(user, area).filter(course__end_on__year=year)
    t = training_figures(user, area=area, year=year)
    exact = Decimal(t["employed_after_training"] * 100) / t["trained"] if t["trained"] else None
    rate = exact.quantize(Decimal("0.1")) if exact is not None else None
    figures = {
        "households_in_industry": parts.values("household").distinct().count(),
        "participations": parts.count(),
        "cooperatives": Cooperative.objects.visible_to(user, area).count(),
        "member_households": members.values("household").distinct().count(),
        **paid.aggregate(dividends_paid=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY_OUT),
                         dividend_households=Count("household", distinct=True)),
        "trainees": trainees.exclude(status=TraineeStatus.DROPPED).count(),
        **t,
        "employment_rate": rate,
        "employment_rate_exact": exact,
        "welfare_jobs": PublicWelfareJob.objects.visible_to(user, area).filter(ended_on__isnull=True).count(),
        "zero_employment": zero_employment_households(user, area=area, on=clock.reference_day(year)).count(),
        **TrainingSubsidy.objects.visible_to(user, area).filter(year=year).aggregate(
            subsidies=Count("pk"), subsidies_pending=Count("pk", filter=Q(status="pending")),
            subsidy_amount=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY_OUT)),
    }
    for key in ("dividends_paid", "subsidy_amount"):
        figures[key] = Decimal(figures[key]).quantize(Decimal("0.01"))
    return figures


def area_rows(user, *, area: str, year: int) -> list[dict]:
    """One row per child area (townships of a county, villages of a township): grouped counts."""
    width = child_width(area)
    if not width or len(area) < 2:
        return []
    children = list(Division.objects.visible_to(user).children_of(area).order_by("code"))

    def grouped(qs, **aggregates):
        return {r["sub"]: r for r in qs.annotate(sub=Substr("division_code", 1, width)).values("sub")
                .annotate(**aggregates)}

    parts = grouped(IndustryParticipation.objects.visible_to(user, area).current().filter(year=year),
                    households=Count("household", distinct=True))
    members = grouped(CooperativeMember.objects.visible_to(user, area).current(),
                      members=Count("household", distinct=True))
    trained = trained_by_area(user, area=area, year=year, width=width)
    jobs = grouped(PublicWelfareJob.objects.visible_to(user, area).filter(ended_on__isnull=True), jobs=Count("pk"))
    zero = {r["sub"]: r for r in zero_employment_households(user, area=area, on=clock.reference_day(year)).order_by()
            .annotate(sub=Substr("division_id", 1, width)).values("sub").annotate(zero=Count("pk"))}
    rows = []
    for child in children:
        c = child.code
        rows.append({"division": child, "households": parts.get(c, {}).get("households", 0),
                     "members": members.get(c, {}).get("members", 0),
                     "trained": trained.get(c, {}).get("trained", 0),
                     "employed": trained.get(c, {}).get("employed", 0),
                     "jobs": jobs.get(c, {}).get("jobs", 0), "zero": zero.get(c, {}).get("zero", 0)})
    return rows


# --- the household card -----------------------------------------------------------------------

def household_card_section(user, household) -> dict:
    from fupin.programmes import domains

    year = clock.today().year
    return {
        "household": household, "can_industry": domains.may_manage(user, domains.INDUSTRY),
        "participations": list(household.industries.select_related("industry").order_by("-year", "industry__order")[:20]),
        "shares": list(household.cooperative_shares.select_related("cooperative").order_by("left_on", "-joined_on")[:20]),
        "dividends": list(household.dividends.select_related("dividend__cooperative")
                          .order_by("-dividend__year", "pk")[:20]),
        "trainings": list(household.trainings.select_related("course", "member").prefetch_related("certificates")
                          .order_by("-course__start_on")[:20]),
        "employments": list(household.employments.select_related("member").order_by("ended_on", "-started_on")[:20]),
        "jobs": list(household.welfare_jobs.select_related("member").order_by("ended_on", "-started_on")[:10]),
        "year": year,
    }
