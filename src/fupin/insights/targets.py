"""The plan's targets (seed-plan 三、目标任务 and 四): for an area and a year, each target's value,
the target value, the gap and whether it is met, the per-child-area breakdown, and the list of the
households (or trainees, or villages) behind the gap.

Every figure is one grouped query (set-based), and reads start from ``visible_to``. Where another app
already computes a figure, it is reused: the programmes app's zero-employment rule, able-to-work
members and training figures, the welfare app's unrenovated and willing-not-relocated lists, the funds
app's policy checks (以奖代补).

Each target says over which people it is counted and how (``Definition.population`` and
``formula``, shown on its page): one definition, and the figure is computed from it by one selector
(the ones the dashboard, the report and the programme pages read too).

- Absolute targets (the number of people trained) apply only to the region they are set for: the
  plan's 1,000 is the county's, a township has one only if a row is set for it.
- County-wide targets (以奖代补) are assessed for the county only.
- Housing and relocation are the current state of the registry (not dated by year); the states of
  people (able to work, employed) are taken on the year's reference day (``clock.reference_day``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal
from functools import cached_property

from django.db.models import Case, Count, Exists, F, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.core import clock
from fupin.core.scope import counties_q, scope_for
from fupin.divisions.codes import child_width
from fupin.divisions.models import Division
from fupin.funds import sums
from fupin.insights.models import Target, TargetKey
from fupin.programmes import selectors as programmes
from fupin.programmes.models import IndustryParticipation, Trainee, TraineeStatus
from fupin.registry import codes
from fupin.registry.models import Household, Member
from fupin.registry.selectors import able_to_work
from fupin.targeting.models import Degree, IdentificationResult
from fupin.targeting.selectors import applicable_rule_set, latest_official_run, of_runs
from fupin.welfare import selectors as welfare

MIN, MAX, ABOVE = "min", "max", "above"  # met when value >= target, value <= target, value > target
HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")
REGISTERED_POOR = (codes.HouseholdType.POOR, codes.HouseholdType.EXITED)  # 建档立卡

# What a drill-down list holds
HOUSEHOLDS, RESULTS, TRAINEES, AREAS, NONE = "households", "results", "trainees", "areas", "none"


@dataclass(frozen=True)
class Definition:
    key: str
    short: str  # column heading of the breakdown
    unit: str
    compare: str
    default: Decimal | None
    rule: str
    list_kind: str
    list_title: str
    absolute: bool = False
    county_only: bool = False
    optional_threshold: bool = False  # blank threshold means "derived" (the county's growth)
    population: str = ""  # over which households or people the figure is counted
    formula: str = ""  # how it is computed from them
    figure: str = ""  # the key of the same figure on other pages (core.templatetags.fupin.fig)

    @property
    def label(self) -> str:
        return TargetKey(self.key).label


PCT, PEOPLE, HH = "%", gettext_lazy("人"), gettext_lazy("户")

_lazy = gettext_lazy
JIANDANG = _lazy("建档立卡户（在册贫困户和脱贫户）")

DEFINITIONS: dict[str, Definition] = {d.key: d for d in [
    Definition(TargetKey.MILD_INCOME, _lazy("轻度户收入占比"), PCT, MIN, Decimal(70),
               _lazy("具备劳动能力的轻度贫困户人均可支配收入达全县农村居民平均水平的 70% 左右"),
               RESULTS, _lazy("人均收入低于目标比例的轻度户"),
               population=_lazy("建档立卡户中的轻度户：本年正式识别时有普通或技能劳动力的在册贫困户和脱贫户"),
               formula=_lazy("这些户纯收入合计 ÷ 人口合计 ÷ 全县农村居民人均可支配收入 × 100%"),
               figure="mild_income_share"),
    Definition(TargetKey.MODERATE_INCOME, _lazy("中度户收入占比"), PCT, MIN, Decimal(50),
               _lazy("具有部分劳动能力的中度贫困户人均可支配收入达全县平均水平的 50% 左右"),
               RESULTS, _lazy("人均收入低于目标比例的中度户"),
               population=_lazy("建档立卡户中的中度户：本年正式识别时只有弱劳动力或半劳动力的在册贫困户和脱贫户"),
               formula=_lazy("这些户纯收入合计 ÷ 人口合计 ÷ 全县农村居民人均可支配收入 × 100%"),
               figure="moderate_income_share"),
    Definition(TargetKey.INCOME_GROWTH, _lazy("收入增幅"), PCT, ABOVE, None,
               _lazy("贫困人口人均可支配收入年均增幅高于全县平均增幅"),
               RESULTS, _lazy("收入增幅未高于全县增幅的建档立卡户"), optional_threshold=True,
               population=_lazy("本年正式识别中有本年和上年收入的建档立卡户"),
               formula=_lazy("（本年纯收入合计 ÷ 上年纯收入合计 − 1）× 100%，上年纯收入按本年人口折算"),
               figure="registered_income_growth"),
    Definition(TargetKey.HOUSES, _lazy("未改造危房"), HH, MAX, Decimal(0),
               _lazy("全面完成建档立卡贫困户危旧房（C/D 级）改造任务"),
               HOUSEHOLDS, _lazy("危房尚未改造的建档立卡户"),
               population=_lazy("建档立卡户中住 C/D 级危房、尚未改造且未搬迁的户"),
               formula=_lazy("户数（目标为 0）"),
               figure="plan_unrenovated"),
    Definition(TargetKey.TRAINED, _lazy("培训结业"), PEOPLE, MIN, Decimal(1000),
               _lazy("完成贫困人口技能培训 1000 人"), AREAS, _lazy("各区域培训结业人数"), absolute=True,
               population=_lazy("本年结业的培训班中结业的学员"), formula=_lazy("人数"),
               figure="trained"),
    Definition(TargetKey.TRAINED_EMPLOYED, _lazy("培训后就业率"), PCT, MIN, Decimal(90),
               _lazy("培训后就业率在 90% 以上"), TRAINEES, _lazy("培训结业后尚未就业的学员"),
               population=_lazy("本年结业的学员"),
               formula=_lazy("结业后（不早于结业日）有就业记录的人数 ÷ 结业人数 × 100%"),
               figure="trained_employed_rate"),
    Definition(TargetKey.INDUSTRY_SKILL, _lazy("缺产业或技能"), HH, MAX, Decimal(0),
               _lazy("有劳动能力和劳动意愿的贫困户都有一个以上增收产业、掌握一门以上就业创业技能"),
               HOUSEHOLDS, _lazy("缺少产业或技能的有劳动能力和劳动意愿的户"),
               population=_lazy("建档立卡户中有成员在年末具备劳动能力（16-59 周岁、无大病残疾、非在校、非丧失劳动力）且有劳动意愿的户"),
               formula=_lazy("其中没有本年产业、或没有成员掌握技能（技能劳动力或培训结业）的户数（目标为 0）"),
               figure="industry_skill_gap"),
    Definition(TargetKey.ZERO_EMPLOYMENT, _lazy("零就业家庭"), HH, MAX, Decimal(0),
               _lazy("零就业家庭至少有 1 人就业"), HOUSEHOLDS, _lazy("尚无人就业的零就业家庭"),
               population=_lazy("在册贫困户、脱贫户和监测户中有成员在年末具备劳动能力的户"),
               formula=_lazy("其中年末没有任何成员务工、就业或在公益性岗位的户数（目标为 0）"),
               figure="zero_employment"),
    Definition(TargetKey.RELOCATION, _lazy("待搬迁"), HH, MAX, Decimal(0),
               _lazy("有搬迁意愿的建档立卡贫困户应搬尽搬"), HOUSEHOLDS, _lazy("有搬迁意愿尚未搬迁的建档立卡户"),
               population=_lazy("建档立卡户中有搬迁意愿的户"), formula=_lazy("其中尚未搬迁的户数（目标为 0）"),
               figure="plan_relocation_waiting"),
    Definition(TargetKey.REWARD_SHARE, _lazy("以奖代补比例"), PCT, MIN, None,
               _lazy("每年产业扶贫资金中不低于 30% 采取以奖代补方式扶持有劳动能力和劳动意愿的贫困户发展产业"),
               NONE, "", county_only=True,
               population=_lazy("本年中央财政专项扶贫资金（产业）；以奖代补只计支付给有劳动能力和劳动意愿成员的户"),
               formula=_lazy("计入的以奖代补支付 ÷ 本年中央产业扶贫资金 × 100%（不计入的支付在资金政策检查页列出）"),
               figure="reward_share"),
]}


def pct(part, whole) -> Decimal | None:
    """An exact percentage (compared unrounded; ``shown`` rounds it for the page)."""
    if not whole:
        return None
    return Decimal(part) * HUNDRED / Decimal(whole)


def shown(value, rounding=ROUND_HALF_UP):
    """A figure as shown: fractions to one decimal place; whole numbers and None as they are."""
    if not isinstance(value, Decimal) or value == value.to_integral_value():
        return plain(value) if isinstance(value, Decimal) else value
    return value.quantize(ONE_DECIMAL, rounding)


def plain(value: Decimal | None) -> Decimal | None:
    """A stored threshold without trailing zeros (70.00 -> 70, 24.90 -> 24.9)."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


reference_day = clock.reference_day

def is_met(compare: str, value, target) -> bool | None:
    if value is None or target is None:
        return None
    if compare == MIN:
        return value >= target
    if compare == MAX:
        return value <= target
    return value > target


def gap_of(compare: str, value, target) -> Decimal | None:
    """The shortfall in the target's unit (0 when met)."""
    met = is_met(compare, value, target)
    if met is None:
        return None
    if met:
        return Decimal(0)
    return Decimal(value - target) if compare == MAX else Decimal(target - value)


@dataclass
class Resolved:
    threshold: Decimal | None
    enabled: bool
    origin: str
    row: Target | None = None


@dataclass
class Assessment:
    definition: Definition
    area: str
    year: int
    value: Decimal | int | None
    target: Decimal | None
    met: bool | None
    gap: Decimal | None
    enabled: bool
    origin: str
    figures: list[tuple[str, object]] = field(default_factory=list)
    note: str = ""
    threshold: Decimal | None = None  # the target unrounded (``target`` is as shown)
    exact: Decimal | int | None = None  # the value unrounded (``value`` is as shown)

    @property
    def key(self) -> str:
        return self.definition.key


class Context:
    """One user, area and year: the shared lookups (run, rule sets, target rows) done once.

    Above a county (a prefecture or province) every county keeps its own run, rule set and targets:
    ``runs`` and ``income_of`` / ``growth_of`` are per county, each child area is assessed against its
    own county's, and the area's own income shares are weighted by each county's rural income."""

    # Figures another builder may already hold for the same user, area and year (``seed``)
    SEEDS = ("housing", "programme_figures", "zero_employment_total", "reward")
    reward = None  # the county's 以奖代补 share (funds.selectors.reward_share), when the page has it

    def __init__(self, user, area: str, year: int):
        self.user, self.area, self.year = user, area, year
        self.county = area[:6] if len(area) >= 6 else ""  # "" above the counties
        self.on = reference_day(year)
        self.width = child_width(area) or len(area)  # the child areas' code length (a village: itself)

    def seed(self, **known) -> Context:
        """Reuse figures computed by the same selectors elsewhere (the report has the housing and
        programme figures already), so each is computed once per page."""
        for name, value in known.items():
            if name not in self.SEEDS:
                raise KeyError(name)
            setattr(self, name, value)
        return self

    @cached_property
    def counties(self) -> list[str]:
        """The counties of the area (one for a county and below)."""
        return Division.objects.visible_to(self.user).county_codes(self.area)

    @cached_property
    def runs(self) -> dict:
        """{county: its official run of the year} (counties without one are left out)."""
        found = {}
        for county in self.counties:
            run = latest_official_run(county, self.year)
            if run is not None and run.year == self.year:
                found[county] = run
        return found

    @property
    def run(self):
        """The county's run of the year (above the counties: None, see ``runs``)."""
        return self.runs.get(self.county) if self.county else None

    def income_of(self, county: str) -> Decimal | None:
        """The county's rural income (本县农村居民人均可支配收入) of its rule set for the year."""
        return self._rural_income(county, self.year)

    def growth_of(self, county: str) -> Decimal | None:
        now, before = self.income_of(county), self._rural_income(county, self.year - 1)
        if not now or not before:
            return None
        return (now / before - 1) * HUNDRED

    def _rural_income(self, county: str, year: int) -> Decimal | None:
        cache = self.__dict__.setdefault("_incomes", {})
        if (county, year) not in cache:
            rule_set = applicable_rule_set(county, year)
            cache[(county, year)] = rule_set.county_rural_income if rule_set else None
        return cache[(county, year)]

    @property
    def county_income(self) -> Decimal | None:
        return self.income_of(self.county) if self.county else None

    @property
    def county_growth(self) -> Decimal | None:
        return self.growth_of(self.county) if self.county else None

    @cached_property
    def rows(self) -> list[Target]:
        return list(Target.objects.filter(counties_q(self.area), year__lte=self.year))

    def per_county(self, name: str, compute, *, runs: bool = False):
        """``compute(code)`` for the area (``indicators.added_up``: above the counties each county's,
        kept until it changes, added up); ``runs``: the figure reads the county's run of the year."""
        from fupin.insights import indicators

        run = tuple(sorted(r.pk for r in self.runs.values())) if runs else ()
        return indicators.added_up(self.user, self.area, (name, self.year, self.width, *run), compute)

    @cached_property
    def programme_figures(self) -> dict:
        """The training figures (``programmes.training_figures``, part of ``programmes.overview``)."""
        return self.per_county("training", lambda code: programmes.training_figures(self.user, area=code,
                                                                                      year=self.year))

    @cached_property
    def programme_rows(self) -> dict[str, dict]:
        """{child code: {"trained", "employed"}} (``programmes.trained_by_area``)."""
        return self.per_county("trained_by_area", lambda code: programmes.trained_by_area(
            self.user, area=code, year=self.year, width=self.width))

    @cached_property
    def housing(self) -> dict:
        """``welfare.housing_overview`` (above the counties the same kept counts as the dashboard's)."""
        from fupin.insights import indicators

        return indicators.added_up(self.user, self.area, ("housing",),
                                   lambda code: dict(welfare.housing_overview(self.user, code)))

    @cached_property
    def income_rows(self) -> dict[str, dict]:
        """The three income targets' sums per child area (``_income_by_child``); above the counties per
        county (their shares are each county's), folded into the child areas by ``child_income``."""
        return self.per_county("income_rows", lambda code: _income_by_child(self, code, max(self.width, 6)),
                               runs=True)

    @cached_property
    def child_income(self) -> dict[str, dict]:
        """``income_rows`` per child area, with each income target's denominator: the people of each
        county times its rural income (``mild_base``, ``moderate_base``)."""
        folded: dict[str, dict] = {}
        for code, r in self.income_rows.items():
            child = folded.setdefault(code[:self.width], {**dict.fromkeys(INCOME_SUMS, 0),
                                                          "mild_base": 0, "moderate_base": 0})
            for k in INCOME_SUMS:
                child[k] += r[k]
            income = self.income_of(code[:6])
            for prefix in ("mild", "moderate"):
                if income is None or child[f"{prefix}_base"] is None:
                    child[f"{prefix}_base"] = None
                else:
                    child[f"{prefix}_base"] += r[f"{prefix}_people"] * income
        return folded

    @cached_property
    def zero_employment(self) -> dict[str, int]:
        """零就业家庭 per child area: one grouped query over ``programmes.zero_employment_households``."""
        def compute(code):
            qs = programmes.zero_employment_households(self.user, area=code, on=self.on)
            return {c: r["n"] for c, r in _grouped(qs, "division_id", self.width, n=Count("pk")).items()}

        return self.per_county("zero_employment", compute)

    @cached_property
    def zero_employment_total(self) -> int:
        return sum(self.zero_employment.values())

    @cached_property
    def industry_skill(self) -> dict[str, dict]:
        return self.per_county("industry_skill", lambda code: industry_skill_by_child(
            self.user, code, self.year, self.width))

    def resolve(self, key: str, area: str) -> Resolved:
        """The target that applies to ``area``: the most specific region containing it, then the
        latest year; absolute targets only from a row for exactly that area; else the plan's default."""
        definition = DEFINITIONS[key]
        candidates = [r for r in self.rows if r.key == key and area.startswith(r.region_code)]
        if definition.absolute:
            candidates = [r for r in candidates if r.region_code == area]
        county = area[:6] if len(area) >= 6 else ""
        if candidates:
            row = max(candidates, key=lambda r: (len(r.region_code), r.year))
            origin = _("%(region)s %(year)s 年起的设定") % {"region": area_name(row.region_code), "year": row.year}
            threshold = plain(row.threshold)
            if threshold is None and definition.optional_threshold:
                threshold, origin = self.growth_of(county) if county else None, origin + _("（按全县增幅）")
            return Resolved(threshold, row.enabled, origin, row)
        if definition.absolute and area != county:
            return Resolved(None, True, _("未设本区域目标"))
        if not county and key in (TargetKey.INCOME_GROWTH, TargetKey.REWARD_SHARE):
            return Resolved(None, True, _("各县按本县的目标考核（不设全区统一目标）"))
        if key == TargetKey.INCOME_GROWTH:
            return Resolved(self.growth_of(county), True, _("全县农村居民人均可支配收入增幅（本年与上年规则集）"))
        if key == TargetKey.REWARD_SHARE:
            from fupin.funds import rules as fund_rules

            limits = fund_rules.thresholds(county, self.year)
            return Resolved(plain(limits.reward_share * HUNDRED), True, limits.origin)
        return Resolved(definition.default, True, _("方案默认值"))


def area_name(code: str) -> str:
    return Division.objects.filter(code=code).values_list("name", flat=True).first() or code


# --- the measures -------------------------------------------------------------------------------

def _results(ctx: Context, area: str):
    """The results of the year's official runs over ``area`` (each county's own run, on its county)."""
    if not ctx.runs:
        return IdentificationResult.objects.none()
    return IdentificationResult.objects.visible_to(ctx.user, area).filter(of_runs(ctx.runs.values()))


def _degree_results(ctx: Context, area: str, degree: str):
    """建档立卡 households (registered poor and exited when the run was made) of a degree, with income."""
    return _results(ctx, area).filter(household_type__in=REGISTERED_POOR, degree=degree, net_income__isnull=False)


def _growth_results(ctx: Context, area: str):
    return _results(ctx, area).filter(household_type__in=REGISTERED_POOR, net_income__isnull=False,
                                      previous_per_capita_income__gt=0)


def money_sum(expr, **extra):
    """An exact money SUM (whole fen on SQLite, see ``fupin.funds.sums``); 0.00 when there are no rows."""
    return Coalesce(Sum(sums.Fen(expr), **extra), Value(0), output_field=sums.YuanFromFen())


INCOME_SUMS = ("mild_n", "mild_people", "mild_net", "moderate_n", "moderate_people", "moderate_net",
               "growth_n", "now", "before")


def _income_by_child(ctx: Context, area: str, width: int) -> dict[str, dict]:
    """The sums behind the three income targets per child area, in ONE grouped query over the run's
    建档立卡 results with an income: per degree (mild, moderate) the households, people and net income
    (``_degree_results``), and over those with last year's income too (``_growth_results``) the
    households and both years' net income. The area's figures are the sums of these rows."""
    mild, moderate = Q(degree=Degree.MILD), Q(degree=Degree.MODERATE)
    growth = Q(previous_per_capita_income__gt=0)
    qs = _results(ctx, area).filter(household_type__in=REGISTERED_POOR, net_income__isnull=False)
    return _grouped(qs, "division_code", width,
                    mild_n=Count("pk", filter=mild), mild_people=Coalesce(Sum("size", filter=mild), 0),
                    mild_net=money_sum(NET, filter=mild),
                    moderate_n=Count("pk", filter=moderate),
                    moderate_people=Coalesce(Sum("size", filter=moderate), 0),
                    moderate_net=money_sum(NET, filter=moderate),
                    growth_n=Count("pk", filter=growth), now=money_sum(NET, filter=growth),
                    before=money_sum(BEFORE, filter=growth))


def _income_totals(ctx: Context) -> dict:
    money = ("mild_net", "moderate_net", "now", "before")  # exact Decimal sums (0.00 when no rows, as SUM)
    totals = {k: sum((r[k] for r in ctx.income_rows.values()), Decimal("0.00") if k in money else 0)
              for k in INCOME_SUMS}
    for prefix in ("mild", "moderate"):  # people × their county's rural income, summed (None if one lacks it)
        bases = [r[f"{prefix}_base"] for r in ctx.child_income.values() if r[f"{prefix}_n"]]
        totals[f"{prefix}_base"] = None if None in bases else sum(bases, Decimal(0))
    return totals


def _weighted_share(net, people, base) -> Decimal | None:
    """Net income over people × their county's rural income, in %: for one county exactly
    ``_income_share`` (base = people × the county's income); above the counties each county's poor
    are weighed against their own county's income."""
    if not people or not base or net is None:
        return None
    return pct(Decimal(net), base)


NET = F("net_income")
BEFORE = F("previous_per_capita_income") * F("size")  # last year's net income at this year's size


def _income_share(net, people, county_income) -> Decimal | None:
    if not people or not county_income or net is None:
        return None
    return pct(Decimal(net) / people, county_income)


def _growth(now, before) -> Decimal | None:
    if not before or now is None:
        return None
    return (Decimal(now) / Decimal(before) - 1) * HUNDRED


def _able_households(user, area: str, on: dt.date):
    """Active 建档立卡 households with a member able and willing to work on ``on`` (the registry's rule), of
    the area's counties (named, so that a county's query with its subqueries runs on its one shard)."""
    return (Household.objects.visible_to(user, area).filter(counties_q(area)).active()
            .filter(household_type__in=REGISTERED_POOR).filter(Exists(able_to_work(on, willing=True))))


def _industry_skill_probes(year: int, on: dt.date) -> tuple[Exists, Exists, Exists]:
    """Per household: a current industry of the year; a skilled member (技能劳动力); a completed training."""
    industry = IndustryParticipation.objects.current().filter(county_code=OuterRef("county_code"), household=OuterRef("pk"), year=year)
    skilled = Member.objects.active().filter(county_code=OuterRef("county_code"), household=OuterRef("pk"), labour_skill=codes.LabourSkill.SKILLED)
    trained = Trainee.objects.filter(county_code=OuterRef("county_code"), household=OuterRef("pk"), status=TraineeStatus.COMPLETED,
                                     course__end_on__lte=on, member__status=codes.RecordStatus.ACTIVE)
    return Exists(industry), Exists(skilled), Exists(trained)


def industry_skill_households(user, area: str, year: int):
    """Active 建档立卡 households with a member able and willing to work that have no current industry of
    the year or no member with a skill (技能劳动力, or a completed training)."""
    on = reference_day(year)
    industry, skilled, trained = _industry_skill_probes(year, on)
    return (_able_households(user, area, on)
            .annotate(has_industry=industry, has_skill=skilled | trained)
            .filter(Q(has_industry=False) | Q(has_skill=False)))


INDUSTRY_SKILL_COUNTS = ("able", "no_industry", "no_skill", "n")


def industry_skill_by_child(user, area: str, year: int, width: int) -> dict[str, dict[str, int]]:
    """Per child area (code prefix of ``width``): the households able and willing to work (``able``),
    those without a current industry of the year, without a skill, and without either (``n``, the
    target's value), from ONE grouped query: each household gets two flags (1: a current industry,
    2: a skilled member or a completed training) and is counted per child area and flags. The probes
    are uncorrelated sets of the area's counties' household ids (``id IN (...)``, hashed once on PostgreSQL;
    an OR of correlated EXISTS is probed row by row, seconds at county scale), each appearing once."""
    on = reference_day(year)
    counties = counties_q(area)  # the county's (a prefecture's: its counties')
    industry = (IndustryParticipation.objects.current().filter(counties, year=year)
                .values("household_id"))
    skilled = (Member.objects.active().filter(counties, labour_skill=codes.LabourSkill.SKILLED)
               .values("household_id"))  # index member_county_skill
    trained = (Trainee.objects.filter(counties, status=TraineeStatus.COMPLETED, course__end_on__lte=on,
                                      member__status=codes.RecordStatus.ACTIVE).values("household_id"))
    flags = (Case(When(Q(pk__in=industry), then=Value(1)), default=Value(0))
             + Case(When(Q(pk__in=skilled) | Q(pk__in=trained), then=Value(2)), default=Value(0)))
    rows = (_able_households(user, area, on).order_by()
            .annotate(sub=Substr("division_id", 1, width), flags=flags).values("sub", "flags")
            .annotate(households=Count("pk")))
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        c = out.setdefault(r["sub"], dict.fromkeys(INDUSTRY_SKILL_COUNTS, 0))
        n, has = r["households"], r["flags"]
        c["able"] += n
        c["no_industry"] += 0 if has & 1 else n
        c["no_skill"] += 0 if has & 2 else n
        c["n"] += 0 if has == 3 else n
    return out


def industry_skill_counts(user, area: str, year: int) -> dict[str, int]:
    """The households able to work, those without an industry, without a skill, and without either
    (the target's value): the sums of ``industry_skill_by_child``."""
    return _sum_counts(industry_skill_by_child(user, area, year, len(area)), INDUSTRY_SKILL_COUNTS)


def _sum_counts(rows: dict[str, dict], keys) -> dict[str, int]:
    return {k: sum(r[k] for r in rows.values()) for k in keys}


def household_gap(ctx: Context, key: str, area: str):
    """The households behind a household-count target."""
    if key == TargetKey.HOUSES:
        return welfare.unrenovated(ctx.user, area, plan=True)
    if key == TargetKey.INDUSTRY_SKILL:
        return industry_skill_households(ctx.user, area, ctx.year)
    if key == TargetKey.ZERO_EMPLOYMENT:
        return programmes.zero_employment_households(ctx.user, area=area, on=ctx.on)
    if key == TargetKey.RELOCATION:
        return welfare.willing_not_relocated(ctx.user, area, plan=True)
    raise KeyError(key)


def untrained_employment(ctx: Context, area: str):
    """Trainees who completed a course ending in the year and have no employment after it."""
    return (Trainee.objects.visible_to(ctx.user, area)
            .filter(course__end_on__year=ctx.year, status=TraineeStatus.COMPLETED)
            .annotate(employed=programmes.employed_after()).filter(employed=False))


def _measure(ctx: Context, key: str) -> tuple[object, list, str]:
    """(value, figures, note) of a target for the context's area."""
    area = ctx.area
    if key in (TargetKey.MILD_INCOME, TargetKey.MODERATE_INCOME):
        prefix = "mild" if key == TargetKey.MILD_INCOME else "moderate"
        totals = _income_totals(ctx)
        agg = {"n": totals[f"{prefix}_n"], "people": totals[f"{prefix}_people"], "net": totals[f"{prefix}_net"]}
        per_capita = (Decimal(agg["net"]) / agg["people"]).quantize(Decimal("0.01")) if agg["people"] else None
        if ctx.county:
            figures = [(_("户数"), agg["n"]), (_("人数"), agg["people"] or 0), (_("人均纯收入（元）"), per_capita),
                       (_("全县农村居民人均可支配收入（元）"), ctx.county_income)]
            note = "" if ctx.run else _("本年度尚无正式识别结果")
            if ctx.run and not ctx.county_income:
                note = _("本年度规则集未填写全县农村居民人均可支配收入")
            return _income_share(agg["net"], agg["people"], ctx.county_income), figures, note
        base = totals[f"{prefix}_base"]
        figures = [(_("户数"), agg["n"]), (_("人数"), agg["people"] or 0), (_("人均纯收入（元）"), per_capita),
                   (_("各县人数 × 本县农村居民人均可支配收入之和（元）"), base)]
        note = _("各县按本县农村居民人均可支配收入计算后合计（%(n)s 个县有本年正式识别结果）") % {"n": len(ctx.runs)}
        return _weighted_share(agg["net"], agg["people"], base), figures, note
    if key == TargetKey.INCOME_GROWTH:
        totals = _income_totals(ctx)
        agg = {"n": totals["growth_n"], "now": totals["now"], "before": totals["before"]}
        figures = [(_("有两年收入的建档立卡户"), agg["n"]), (_("本年纯收入合计（元）"), agg["now"]),
                   (_("上年纯收入合计（元）"), agg["before"])]
        if ctx.county:
            figures.append((_("全县增幅（%）"), shown(ctx.county_growth)))
        return _growth(agg["now"], agg["before"]), figures, "" if ctx.runs else _("本年度尚无正式识别结果")
    if key in (TargetKey.HOUSES, TargetKey.RELOCATION):
        housing = ctx.housing
        if key == TargetKey.HOUSES:
            figures = [(_("建档立卡户中 C/D 级危房户"), housing["plan_cd"]), (_("已改造"), housing["plan_renovated"]),
                       (_("全部农户中改造中"), housing["under_way"])]
            return housing["plan_not_renovated"], figures, ""
        figures = [(_("有搬迁意愿的建档立卡户"), housing["plan_willing"]), (_("已搬迁"), housing["plan_relocated"]),
                   (_("全部农户中已分配安置点"), housing["allocated"])]
        return housing["plan_waiting"], figures, ""
    if key in (TargetKey.TRAINED, TargetKey.TRAINED_EMPLOYED):
        f = ctx.programme_figures
        figures = [(_("培训结业人数"), f["trained"]), (_("结业后就业人数"), f["employed_after_training"]),
                   (_("取得证书"), f["certified"])]
        value = f["trained"] if key == TargetKey.TRAINED else pct(f["employed_after_training"], f["trained"])
        return value, figures, ""
    if key == TargetKey.INDUSTRY_SKILL:
        gap = _sum_counts(ctx.industry_skill, INDUSTRY_SKILL_COUNTS)
        figures = [(_("有劳动能力和劳动意愿的户"), gap["able"]), (_("缺少产业"), gap["no_industry"]),
                   (_("缺少技能"), gap["no_skill"])]
        return gap["n"], figures, ""
    if key == TargetKey.ZERO_EMPLOYMENT:
        n = ctx.zero_employment_total
        return n, [(_("零就业家庭"), n)], ""
    if key == TargetKey.REWARD_SHARE:
        from fupin.funds.selectors import check_county, reward_share

        if len(area) != 6 or check_county(ctx.user, area) != area:
            return None, [], _("以奖代补比例按全县产业扶贫资金考核，只在县级显示")
        reward = ctx.reward if ctx.reward is not None else reward_share(ctx.user, area, ctx.year)
        figures = [(_("中央产业扶贫资金（元）"), reward.fund),
                   (_("以奖代补支付：计入（元）"), reward.counted),
                   (_("以奖代补支付：不计入（元）"), reward.excluded)]
        share = reward.share * HUNDRED if reward.share is not None else None
        return share, figures, "" if reward.fund else _("本年度未登记中央产业扶贫资金")
    raise KeyError(key)


def assess(ctx: Context, key: str) -> Assessment:
    definition = DEFINITIONS[key]
    resolved = ctx.resolve(key, ctx.area)
    value, figures, note = _measure(ctx, key)
    met = is_met(definition.compare, value, resolved.threshold) if resolved.enabled else None
    gap = gap_of(definition.compare, value, resolved.threshold) if resolved.enabled else None
    return Assessment(definition, ctx.area, ctx.year, shown(value), shown(resolved.threshold), met,
                      shown(gap, ROUND_UP), resolved.enabled, resolved.origin, figures, note,
                      threshold=resolved.threshold, exact=value)


def assess_all(user, area: str, year: int, *, context: Context | None = None) -> list[Assessment]:
    """Every target of the area; ``context`` (of the same user, area and year) shares its figures with
    the caller's other reads (the breakdown, the report)."""
    ctx = context or Context(user, area, year)
    return [assess(ctx, key) for key in DEFINITIONS]


# --- per child area -----------------------------------------------------------------------------

def _grouped(qs, field_name: str, width: int, **aggregates) -> dict[str, dict]:
    return {r["sub"]: r for r in qs.order_by().annotate(sub=Substr(field_name, 1, width)).values("sub")
            .annotate(**aggregates)}


def child_values(ctx: Context, key: str, width: int) -> dict[str, object] | None:
    """{child code: value} for the context's area, one grouped query; None when not broken down."""
    area = ctx.area
    if width != ctx.width:
        raise ValueError(f"the child width of {area} is {ctx.width}")
    if key in (TargetKey.MILD_INCOME, TargetKey.MODERATE_INCOME):
        prefix = "mild" if key == TargetKey.MILD_INCOME else "moderate"
        return {c: _weighted_share(r[f"{prefix}_net"], r[f"{prefix}_people"], r[f"{prefix}_base"])
                for c, r in ctx.child_income.items() if r[f"{prefix}_n"]}
    if key == TargetKey.INCOME_GROWTH:
        return {c: _growth(r["now"], r["before"]) for c, r in ctx.child_income.items() if r["growth_n"]}
    if key == TargetKey.INDUSTRY_SKILL:
        return {c: r["n"] for c, r in ctx.industry_skill.items()}
    if key == TargetKey.ZERO_EMPLOYMENT:
        return dict(ctx.zero_employment)
    if key in (TargetKey.HOUSES, TargetKey.RELOCATION):
        def compute(code):
            rows = _grouped(household_gap(ctx, key, code), "division_id", width, n=Count("pk"))
            return {c: r["n"] for c, r in rows.items()}

        return ctx.per_county(f"gap_{key}", compute)
    if key == TargetKey.TRAINED:
        return {c: r["trained"] for c, r in ctx.programme_rows.items()}
    if key == TargetKey.TRAINED_EMPLOYED:
        return {c: pct(r["employed"], r["trained"]) for c, r in ctx.programme_rows.items()}
    return None


COUNT_KEYS = (TargetKey.HOUSES, TargetKey.RELOCATION, TargetKey.INDUSTRY_SKILL, TargetKey.ZERO_EMPLOYMENT,
              TargetKey.TRAINED)


def breakdown(user, area: str, year: int, keys=None, *, context: Context | None = None
              ) -> tuple[list[Division], list[dict]]:
    """The child areas (counties of a prefecture, townships of a county, villages of a township) and,
    per target, each child's value, target and whether it is met, and how many children meet it:
    ``[{definition, cells: [{code, value, target, met}], met, assessed}]``. ``context`` as in ``assess_all``."""
    width = child_width(area) if len(area) >= 2 else None
    if not width:
        return [], []
    ctx = context or Context(user, area, year)
    children = list(Division.objects.visible_to(user).children_of(area).order_by("code"))
    if len(area) < 6:  # a county whose register is not in the system yet is not assessed (nor counted as met)
        from fupin.core import kept
        from fupin.insights import indicators

        registered = [c for c in indicators.counties_of(user, area) if kept.rows(
            user, c, ("registered",), lambda c=c: [Household.objects.filter(county_code=c).exists()])[0]]
        children = [c for c in children if any(county.startswith(c.code) for county in registered)]
    table = []
    for key in keys or DEFINITIONS:
        definition = DEFINITIONS[key]
        if definition.county_only:
            continue
        values = child_values(ctx, key, width)
        if values is None:
            continue
        cells = []
        for child in children:
            value = values.get(child.code, 0 if key in COUNT_KEYS else None)
            resolved = ctx.resolve(key, child.code)
            met = is_met(definition.compare, value, resolved.threshold) if resolved.enabled else None
            cells.append({"code": child.code, "value": shown(value), "target": shown(resolved.threshold),
                          "met": met})
        table.append({"definition": definition, "cells": cells, "met": sum(1 for c in cells if c["met"]),
                      "assessed": sum(1 for c in cells if c["met"] is not None)})
    return children, table


# --- the drill-down list ------------------------------------------------------------------------

def gap_list(user, area: str, year: int, key: str, assessment: Assessment | None = None):
    """The rows behind a target's gap (a queryset, for paging), or None when the target has no list."""
    definition = DEFINITIONS[key]
    ctx = Context(user, area, year)
    if definition.list_kind == HOUSEHOLDS:
        return (household_gap(ctx, key, area).select_related("division")
                .annotate(head=programmes.head_name("pk")).order_by("division_id", "household_code"))
    if definition.list_kind == TRAINEES:
        return (untrained_employment(ctx, area).select_related("member", "household", "course")
                .order_by("division_code", "course__end_on", "pk"))
    if definition.list_kind == RESULTS:
        threshold = (assessment or assess(ctx, key)).threshold
        if threshold is None:
            return IdentificationResult.objects.none()
        if key == TargetKey.INCOME_GROWTH:
            qs = _growth_results(ctx, area).filter(
                per_capita_income__lte=F("previous_per_capita_income") * (1 + threshold / HUNDRED))
        else:
            if not ctx.county_income:
                return IdentificationResult.objects.none()
            degree = Degree.MILD if key == TargetKey.MILD_INCOME else Degree.MODERATE
            line = (ctx.county_income * threshold / HUNDRED).quantize(Decimal("0.01"))
            qs = _degree_results(ctx, area, degree).filter(per_capita_income__lt=line)
        return (qs.select_related("household")
                .annotate(head=programmes.head_name("household_id"), village=programmes.division_name())
                .order_by("per_capita_income", "household_id"))
    return None


def visible_area(user, area: str) -> bool:
    return bool(area) and scope_for(user).contains_code(area)

