"""Reads of the funds app: sources, the project library, ledgers (台账) per level and the yearly
policy checks. Every aggregate is a grouped query (set-based SQL), never a loop over rows.

The area ledgers attribute money to where it was allocated (``Allocation.division_code``; each
payment carries its allocation's area as ``allocation_area``), so at every level
disbursed <= allocated <= budget, and an area's totals are the sum of its children plus the items
kept at the area itself. The household ledger lists what each household received.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Length, Substr
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from fupin.core.scope import prefix_q, scope_for
from fupin.divisions.codes import child_label, child_width
from fupin.divisions.models import Division
from fupin.funds import rules, sums
from fupin.funds.models import (
    LIVE,
    ZERO,
    Allocation,
    Disbursement,
    DisbursementMode,
    FundSource,
    Project,
    ProjectBeneficiary,
    ProjectStatus,
    ProjectType,
    RecordStatus,
    SourceKind,
)
from fupin.funds.sums import YuanFromFen
from fupin.registry.models import Household, VillageProfile

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)


def _sum(expr: str = "amount", **filters):
    return sums.total(expr, **filters)


def _money_sub(qs, group: str):
    """A correlated subquery: the exact money total of ``qs`` per ``group`` (0.00 when none)."""
    return Coalesce(Subquery(qs.values(group).annotate(s=sums.total()).values("s")), Value(0), output_field=YuanFromFen())


# --- lists and objects ---------------------------------------------------------------------------

def sources(user, year: int | None = None):
    qs = FundSource.objects.visible_to(user)
    return qs.filter(year=year) if year else qs


def get_source(user, pk: int) -> FundSource:
    return get_object_or_404(FundSource.objects.visible_to(user), pk=pk)


def source_rows(user, year: int):
    """Each active source of the year with what is allocated from it and paid out of it."""
    allocated = Allocation.objects.filter(county_code=OuterRef("county_code"), source=OuterRef("pk"), status=RecordStatus.ACTIVE)
    disbursed = Disbursement.objects.filter(county_code=OuterRef("county_code"), source=OuterRef("pk"))
    return (sources(user, year).annotate(allocated=_money_sub(allocated, "source"),
                                         disbursed=_money_sub(disbursed, "source"))
            .order_by("status", "kind", "pk"))


def projects(user, area: str = ""):
    return Project.objects.visible_to(user, area)


def get_project(user, pk: int) -> Project:
    return get_object_or_404(Project.objects.visible_to(user), pk=pk)


def project_list(user, *, area: str = "", year: int | None = None, type: str = "", status: str = "", q: str = ""):
    qs = projects(user, area)
    if year:
        qs = qs.filter(year=year)
    if type:
        qs = qs.filter(type=type)
    if status:
        qs = qs.filter(status=status)
    if q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(code__startswith=q.strip()))
    allocated = Allocation.objects.filter(county_code=OuterRef("county_code"), project=OuterRef("pk"), status=RecordStatus.ACTIVE)
    disbursed = Disbursement.objects.filter(county_code=OuterRef("county_code"), project=OuterRef("pk"))
    households = (ProjectBeneficiary.objects.filter(county_code=OuterRef("county_code"), project=OuterRef("pk")).values("project")
                  .annotate(n=Count("pk")).values("n"))
    return qs.annotate(allocated=_money_sub(allocated, "project"), disbursed=_money_sub(disbursed, "project"),
                       households=Coalesce(Subquery(households), Value(0))).order_by("-year", "code")


def project_money(project: Project) -> dict:
    allocated = project.allocations.filter(status=RecordStatus.ACTIVE).aggregate(s=_sum())["s"]
    disbursed = project.disbursements.aggregate(s=_sum())["s"]
    return {"budget": project.budget, "allocated": allocated, "disbursed": disbursed,
            "unallocated": project.budget - allocated, "balance": allocated - disbursed}


def project_allocations(project: Project):
    paid = Disbursement.objects.filter(county_code=OuterRef("county_code"), allocation=OuterRef("pk"))
    return (project.allocations.select_related("source", "household")
            .annotate(disbursed=_money_sub(paid, "allocation")).order_by("pk"))


def get_allocation(user, pk: int) -> Allocation:
    return get_object_or_404(Allocation.objects.visible_to(user).select_related("project", "source", "household"),
                             pk=pk)


def get_disbursement(user, pk: int) -> Disbursement:
    return get_object_or_404(Disbursement.objects.visible_to(user).select_related("allocation", "project"), pk=pk)


def village_project_counts(prefix: str, year: int):
    """``{"division_code", "n"}`` per village under ``prefix``: the village's batch of projects
    (一村一批扶持项目) in ``year``, counting declared and approved ones, not rejected or cancelled."""
    return (Project.objects.filter(prefix_q("division_code", prefix), year=year, status__in=LIVE)
            .annotate(code_len=Length("division_code")).filter(code_len=12)
            .values("division_code").annotate(n=Count("pk")).order_by("division_code"))


def years(user) -> list[int]:
    found = set(FundSource.objects.visible_to(user).values_list("year", flat=True).distinct())
    found |= set(Project.objects.visible_to(user).values_list("year", flat=True).distinct())
    return sorted(found, reverse=True)


# --- ledgers -------------------------------------------------------------------------------------

@dataclass
class Ledger:
    area: str
    name: str
    year: int
    totals: dict  # budget (county: the sources' amount), allocated, disbursed, balance
    kinds: list[dict]
    projects: list[dict]
    children: list[dict]  # townships or villages, with the items kept at the area itself as `own`
    own: dict
    households: list = field(default_factory=list)  # village level: households with what they received
    allocations: list = field(default_factory=list)  # village level: each allocation to it

    @property
    def child_level(self) -> str:
        return child_label(self.area)


def _area_name(code: str) -> str:
    division = Division.objects.filter(code=code).first()
    return division.name if division else code


def scoped_entries(user, area: str):
    """Allocations and payments of ``area`` (by where they were allocated) the user may see."""
    scope = scope_for(user).narrowed(area)
    allocations = Allocation.objects.in_scope(scope).filter(status=RecordStatus.ACTIVE)
    disbursements = Disbursement.objects.filter(scope.q("allocation_area"))
    return allocations, disbursements


def _money_row(allocated: Decimal, disbursed: Decimal, **extra) -> dict:
    return {**extra, "allocated": allocated, "disbursed": disbursed, "balance": allocated - disbursed}


def ledger(user, area: str, year: int) -> Ledger:
    """The ledger of an area (province, prefecture, county, township or village) for a year; above a
    county its rows are the counties (or prefectures) below it."""
    allocations, disbursements = scoped_entries(user, area)
    allocations, disbursements = allocations.filter(year=year), disbursements.filter(year=year)

    # per kind of source
    alloc_kind = dict(allocations.values_list("source__kind").annotate(s=sums.total()))
    paid_kind = dict(disbursements.values_list("source__kind").annotate(s=sums.total()))
    amounts = {}
    if len(area) <= 6:  # the sources are the counties': a prefecture's are its counties' together
        amounts = dict(FundSource.objects.visible_to(user, area).filter(year=year, status=RecordStatus.ACTIVE)
                       .values_list("kind").annotate(s=sums.total()))
    kinds = []
    for kind in SourceKind:
        if kind in alloc_kind or kind in paid_kind or kind in amounts:
            row = _money_row(alloc_kind.get(kind) or ZERO, paid_kind.get(kind) or ZERO, kind=kind, label=kind.label,
                             amount=amounts.get(kind))
            row["unallocated"] = None if row["amount"] is None else row["amount"] - row["allocated"]
            kinds.append(row)

    # per project: the projects of the area and those with money allocated in it

    # a project allocated into the area is listed even when the project itself lies above it
    own_projects = Project.objects.visible_to(user, area).filter(year=year, status__in=LIVE)
    project_qs = (Project.objects.filter(Q(pk__in=own_projects.values("pk")) | Q(pk__in=allocations.values("project")))
                  .annotate(allocated=_money_sub(allocations.filter(county_code=OuterRef("county_code"), project=OuterRef("pk")), "project"),
                            disbursed=_money_sub(disbursements.filter(county_code=OuterRef("county_code"), project=OuterRef("pk")), "project"))
                  .order_by("division_code", "code"))
    # above a county the projects stay on each county's ledger (thousands of them in a prefecture)
    project_rows = ([_money_row(p.allocated, p.disbursed, project=p, budget=p.budget) for p in project_qs]
                    if len(area) >= 6 else [])

    totals = _money_row(allocations.aggregate(s=_sum())["s"], disbursements.aggregate(s=_sum())["s"],
                        amount=sum(amounts.values(), ZERO) if len(area) <= 6 else None)

    children: list[dict] = []
    own = _money_row(totals["allocated"], totals["disbursed"])
    households: list = []
    allocation_rows: list = []
    width = child_width(area)
    if width:
        alloc_child = dict(allocations.annotate(n=Length("division_code")).filter(n__gte=width)
                           .values_list(Substr("division_code", 1, width)).annotate(s=sums.total()))
        paid_child = dict(disbursements.annotate(n=Length("allocation_area")).filter(n__gte=width)
                          .values_list(Substr("allocation_area", 1, width)).annotate(s=sums.total()))
        for division in Division.objects.visible_to(user).children_of(area).order_by("code"):
            children.append(_money_row(alloc_child.get(division.code) or ZERO, paid_child.get(division.code) or ZERO,
                                       code=division.code, name=division.name))
        own = _money_row(allocations.filter(division_code=area).aggregate(s=_sum())["s"],
                         disbursements.filter(allocation_area=area).aggregate(s=_sum())["s"])
    else:
        paid = Disbursement.objects.filter(county_code=OuterRef("county_code"), allocation=OuterRef("pk"))
        allocation_rows = list(allocations.select_related("source", "project", "household")
                               .annotate(disbursed=_money_sub(paid, "allocation")).order_by("pk"))
        households = household_benefits(user, area, year)
    return Ledger(area=area, name=_area_name(area), year=year, totals=totals, kinds=kinds, projects=project_rows,
                  children=children, own=own, households=households, allocations=allocation_rows)


def household_benefits(user, area: str, year: int | None = None):
    """Households under ``area`` with what they received (one grouped query over payments)."""
    qs = Disbursement.objects.visible_to(user, area).filter(household__isnull=False)
    if year:
        qs = qs.filter(year=year)
    return (qs.values("household_id", "household__household_code", "division_code")
            .annotate(total=sums.total(), payments=Count("pk", filter=Q(reverses__isnull=True)),
                      reward=_sum(filter=Q(mode=DisbursementMode.REWARD)))
            .order_by("household__household_code"))


def household_ledger(user, household: Household) -> dict:
    """Every benefit a household received: payments (with reversals) by date, project and mode,
    totals per year and mode, and the allocations made to it."""
    entries = (Disbursement.objects.visible_to(user).filter(household=household)
               .select_related("project", "source", "reverses").order_by("-paid_on", "-pk"))
    by_year_mode = list(Disbursement.objects.visible_to(user).filter(household=household)
                        .values("year", "mode").annotate(total=sums.total()).order_by("-year", "mode"))
    for row in by_year_mode:
        row["label"] = DisbursementMode(row["mode"]).label
    total = Disbursement.objects.visible_to(user).filter(household=household).aggregate(s=_sum())["s"]
    allocations = (Allocation.objects.visible_to(user).filter(household=household)
                   .select_related("project", "source").order_by("-year", "pk"))
    projects_ = (ProjectBeneficiary.objects.visible_to(user).filter(household=household)
                 .select_related("project").order_by("-project__year", "project__code"))
    return {"household": household, "entries": entries, "by_year_mode": by_year_mode, "total": total,
            "allocations": allocations, "projects": projects_}


def household_card_section(user, household) -> dict | None:
    from fupin.accounts.roles import Cap

    if not user.can(Cap.VIEW_FUNDS):
        return None
    data = household_ledger(user, household)
    data["entries"] = list(data["entries"][:20])
    data["projects"] = list(data["projects"][:20])
    return data


# --- policy checks -------------------------------------------------------------------------------

@dataclass
class Check:
    key: str
    title: str
    rule: str
    passed: bool
    figures: list[tuple]  # (label, value) or (label, value, figure key: the same figure on other pages)
    shortfalls: list[dict] = field(default_factory=list)


def check_county(user, area: str = "") -> str:
    """The county whose checks a user may see: the checks are county-wide, so only users who see the
    whole county get them ('' otherwise)."""
    scope = scope_for(user)
    county = (area or next((p for p in scope.prefixes if len(p) >= 6), ""))[:6]
    if not county or not scope.contains_code(county):
        return ""
    return county


@dataclass
class RewardShare:
    """以奖代补 (seed-plan 四(二)1(1)): at least ``limit`` of the year's central industry fund
    (中央财政专项扶贫资金（产业）) paid as 以奖代补 to households able and willing to work.

    - denominator ``fund``: the year's central industry fund, the active sources' amounts (not what was
      allocated or paid: one denominator everywhere);
    - numerator ``counted``: 以奖代补 payments (reversals included) from that fund to households with a
      member able and willing to work on the year's reference day (``registry.selectors.able_to_work``);
    - ``excluded``: 以奖代补 paid to other households: listed as exceptions, not counted.
    """

    fund: Decimal
    counted: Decimal
    excluded: Decimal
    limit: Decimal
    exceptions: list = field(default_factory=list)  # households paid but not able and willing to work

    @property
    def share(self) -> Decimal | None:
        return self.counted / self.fund if self.fund else None

    @property
    def required(self) -> Decimal:
        return (self.fund * self.limit).quantize(Decimal("0.01"))

    @property
    def passed(self) -> bool:
        return bool(self.fund) and self.counted >= self.fund * self.limit


def reward_share(user, county_code: str, year: int) -> RewardShare:
    """The county's 以奖代补 share of a year (see ``RewardShare``): two grouped sums."""
    from fupin.core.clock import reference_day
    from fupin.registry.selectors import able_to_work

    limits = rules.thresholds(county_code, year)
    fund = (FundSource.objects.visible_to(user, county_code)
            .filter(year=year, status=RecordStatus.ACTIVE, kind=SourceKind.CENTRAL_INDUSTRY).aggregate(s=_sum())["s"])
    paid = (Disbursement.objects.visible_to(user, county_code)
            .filter(year=year, source__kind=SourceKind.CENTRAL_INDUSTRY, mode=DisbursementMode.REWARD,
                    household__isnull=False)
            .annotate(able=Exists(able_to_work(reference_day(year), "household_id", willing=True))))
    counted = paid.filter(able=True).aggregate(s=_sum())["s"]
    excluded = paid.filter(able=False).aggregate(s=_sum())["s"]
    exceptions = list(paid.filter(able=False).values("household_id", "household__household_code", "division_code")
                      .annotate(total=sums.total()).filter(total__gt=0).order_by("division_code",
                                                                                  "household__household_code"))
    return RewardShare(fund, counted, excluded, limits.reward_share, exceptions)


def policy_checks(user, county_code: str, year: int) -> tuple[list[Check], rules.Thresholds]:
    """The plan's three fund rules for a county and year, each with its figures and pass/fail."""
    from fupin.registry.selectors import poor_villages

    limits = rules.thresholds(county_code, year)
    sources_ = FundSource.objects.visible_to(user, county_code).filter(year=year, status=RecordStatus.ACTIVE)
    allocations = Allocation.objects.visible_to(user, county_code).filter(year=year, status=RecordStatus.ACTIVE)
    payments = Disbursement.objects.visible_to(user, county_code).filter(year=year)

    # (a) at least 30% of the central industry fund paid as 以奖代补 to households able and willing to work
    reward = reward_share(user, county_code, year)
    checks = [Check(
        "reward_share", _("以奖代补比例"),
        _("当年中央产业扶贫资金中不低于 %(p)s 以以奖代补方式扶持有劳动能力和劳动意愿的贫困户发展产业") % {
            "p": _pct(limits.reward_share)},
        reward.passed,
        [(_("中央产业扶贫资金"), reward.fund, "central_industry_fund"),
         (_("以奖代补支付（计入：有劳动能力和劳动意愿的户）"), reward.counted, "reward_counted"),
         (_("以奖代补支付（不计入：无劳动能力或无劳动意愿的户）"), reward.excluded, "reward_excluded"),
         (_("应不低于"), reward.required),
         (_("实际比例"), reward.share * 100 if reward.share is not None else None, "reward_share", "pct")],
        [{"code": r["household__household_code"], "household_id": r["household_id"], "division_code": r["division_code"],
          "received": r["total"]} for r in reward.exceptions])]

    # (b) every poor village (of the year: those exited since count for it) received its 200,000 from the province
    villages = poor_villages(county_code, year)
    poor = list(VillageProfile.objects.visible_to(user, county_code).filter(division_id__in=villages)
                .values_list("division_id", "division__name").order_by("division_id"))
    received = dict(allocations.filter(source__kind=SourceKind.PROVINCIAL_VILLAGE)
                    .annotate(n=Length("division_code")).filter(n=12)
                    .values_list("division_code").annotate(s=sums.total()))
    short = [{"code": code, "name": name, "received": received.get(code) or ZERO,
              "missing": limits.poor_village_amount - (received.get(code) or ZERO)}
             for code, name in poor if (received.get(code) or ZERO) < limits.poor_village_amount]
    provincial = sum((received.get(code) or ZERO for code, _name in poor), ZERO)
    checks.append(Check(
        "poor_villages", _("贫困村省级资金"),
        _("每个贫困村每年获得省级资金 %(a)s 元") % {"a": f"{limits.poor_village_amount:,.2f}"},
        bool(poor) and not short,
        [(_("贫困村数"), len(poor), "poor_villages"), (_("已足额的村"), len(poor) - len(short)),
         (_("未足额的村"), len(short)), (_("分配到贫困村的省级资金"), provincial)], short))

    # (c) the county's integrated funds: at least 1.5 million into the poor villages' infrastructure
    infra = allocations.filter(source__kind=SourceKind.COUNTY_INTEGRATED, project__type=ProjectType.INFRASTRUCTURE,
                               project__division_code__in=villages)
    put = infra.aggregate(s=_sum())["s"]
    elsewhere = (allocations.filter(source__kind=SourceKind.COUNTY_INTEGRATED,
                                    project__type=ProjectType.INFRASTRUCTURE)
                 .exclude(project__division_code__in=villages).aggregate(s=_sum())["s"])
    paid = (payments.filter(source__kind=SourceKind.COUNTY_INTEGRATED, project__type=ProjectType.INFRASTRUCTURE,
                            project__division_code__in=villages).aggregate(s=_sum())["s"])
    integrated = sources_.filter(kind=SourceKind.COUNTY_INTEGRATED).aggregate(s=_sum())["s"]
    checks.append(Check(
        "village_infrastructure", _("县级整合资金用于贫困村基础设施"),
        _("县级每年整合不低于 %(a)s 元财政资金用于贫困村基础设施建设") % {
            "a": f"{limits.village_infrastructure_min:,.2f}"},
        put >= limits.village_infrastructure_min,
        [(_("县级整合资金"), integrated), (_("分配到贫困村基础设施项目"), put, "poor_village_infrastructure"),
         (_("其中已支付"), paid),
         (_("分配到非贫困村或乡镇的基础设施（不计入）"), elsewhere),
         (_("应不低于"), limits.village_infrastructure_min),
         (_("贫困村基础设施项目数"), infra.values("project").distinct().count())]))
    return checks, limits


def _pct(value) -> str:
    if value is None:
        return "—"
    return f"{(Decimal(value) * 100).quantize(Decimal('0.01'))}%"


STATUS_BADGE = {ProjectStatus.DECLARED: "bg-blue-lt", ProjectStatus.APPROVED: "bg-azure-lt",
                ProjectStatus.IMPLEMENTING: "bg-indigo-lt", ProjectStatus.ACCEPTED: "bg-teal-lt",
                ProjectStatus.COMPLETED: "bg-green-lt", ProjectStatus.REJECTED: "bg-red-lt",
                ProjectStatus.CANCELLED: "bg-secondary-lt"}
