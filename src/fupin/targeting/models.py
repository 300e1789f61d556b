"""Rule sets (versioned, per year and region), identification runs, and their append-only results."""

from __future__ import annotations

from fractions import Fraction

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.core.codes import CodeList
from fupin.core.scope import ScopedQuerySet
from fupin.registry.codes import IdentificationStandard
from fupin.targeting import indicators

MONEY = {"max_digits": 12, "decimal_places": 2}


class RuleSetStatus(CodeList):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class RuleSetQuerySet(models.QuerySet):
    def for_county(self, county_code: str, year: int):
        """Rule sets that apply to a county in a year: its own, its city's, its province's, national."""
        regions = ["", county_code[:2], county_code[:4], county_code]
        return self.filter(year=year, region_code__in=regions)

    def visible_to(self, user):
        """National and provincial rule sets are readable by all; others within the user's area."""
        from fupin.core.scope import scope_for

        scope = scope_for(user)
        if scope.is_empty:
            return self.none()
        if scope.unrestricted:
            return self
        regions = {""} | {p[:n] for p in scope.prefixes for n in (2, 4, 6) if len(p) >= n}
        return self.filter(region_code__in=regions)


class RuleSet(models.Model):
    """Everything a run needs to decide, for one year and one region. Once a real run has used
    it, it is never changed again: edits go into a new version."""

    region_code = models.CharField(_("适用区域"), max_length=12, blank=True,
                                   help_text=_("空为全国；省 2 位、市 4 位、县 6 位区划代码"))
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=100)
    status = models.CharField(_("状态"), max_length=10, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT)
    based_on = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("复制自"))
    notes = models.TextField(_("依据与说明"), blank=True)
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True,
                                     help_text=_("首次用于正式识别后锁定，不能再修改"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # Lines and incomes (yuan per person per year)
    identification_standard = models.CharField(_("识别标准"), max_length=12, choices=IdentificationStandard.choices,
                                               default=IdentificationStandard.NATIONAL)
    income_line = models.DecimalField(_("收入线（贫困线）"), **MONEY)
    monitoring_threshold = models.DecimalField(_("防返贫监测线"), null=True, blank=True, **MONEY,
                                               help_text=_("2021 年起由省确定；空表示不做监测识别"))
    county_rural_income = models.DecimalField(_("本县农村居民人均可支配收入"), null=True, blank=True, **MONEY)
    province_rural_income = models.DecimalField(_("全省上年农村居民人均可支配收入"), null=True, blank=True, **MONEY)
    province_poverty_rate = models.DecimalField(_("全省贫困发生率（%）"), max_digits=5, decimal_places=2, null=True,
                                                blank=True)

    # 两不愁三保障 + 饮水 (domain.md 2.5)
    food_min_income = models.DecimalField(_("吃穿：人均纯收入下限"), default=0, **MONEY,
                                          help_text=_("低于此数且未享受低保、特困供养，判为吃穿不达标"))
    safety_net_secures_food = models.BooleanField(_("吃穿：享受低保或特困供养视为达标"), default=True)
    school_age_from = models.PositiveSmallIntegerField(_("义务教育：起始年龄"), default=6)
    school_age_to = models.PositiveSmallIntegerField(_("义务教育：截止年龄"), default=15)
    age_reference = models.CharField(_("年龄计算日（月-日）"), max_length=5, default="12-31")
    health_exempts_schooling = models.BooleanField(_("义务教育：因病因残送教上门不计失学"), default=True)
    require_basic_insurance = models.BooleanField(_("基本医疗：须参加基本医疗保险"), default=True)
    require_critical_insurance = models.BooleanField(_("基本医疗：须参加大病保险"), default=True)
    require_medical_aid = models.BooleanField(_("基本医疗：大病患者须享受医疗救助"), default=False)
    unsafe_house_grades = models.CharField(_("住房：不安全等级"), max_length=4, default="CD")
    renovation_counts = models.BooleanField(_("住房：已改造视为安全"), default=True)
    relocation_counts = models.BooleanField(_("住房：已搬迁入住视为安全"), default=True)
    water_test = models.BooleanField(_("饮水安全：纳入判定"), default=True)
    school_year_cutoff = models.CharField(
        _("义务教育：入学年龄截止日（月-日）"), max_length=5, default="08-31",
        help_text=_("在该日前年满起始年龄的儿童当年入学；此后出生的推迟一年（如 9-12 月出生）"))
    gap_ceiling = models.DecimalField(
        _("保障缺口纳入识别的收入上限"), null=True, blank=True, **MONEY,
        help_text=_("空表示只按收入线识别。填写后，人均纯收入不低于收入线但低于此数、且下列保障项未达标的户也识别为"
                    "贫困户；不得高于监测线"))
    gap_tests = models.CharField(
        _("纳入识别的保障缺口"), max_length=60, blank=True, default="housing,education",
        help_text=_("只在填写了上限时使用：吃穿 food、义务教育 education、基本医疗 medical、住房安全 housing、"
                    "饮水安全 water"))

    # 退出与风险消除 (domain.md 2.2, 3): "stably above"
    exit_prior_year = models.BooleanField(
        _("退出：上年人均纯收入也须高于上年收入线"), default=True,
        help_text=_("收入稳定超过收入线：本年与上年都高于当年的收入线"))
    exit_margin = models.DecimalField(
        _("退出：本年人均纯收入须高出收入线（元）"), default=0, **MONEY,
        help_text=_("0 表示高于收入线即可"))
    risk_clear_years = models.PositiveSmallIntegerField(
        _("风险消除：人均纯收入连续高于监测线的年数"), default=2,
        help_text=_("1 表示只看本年；2 表示本年与上年都不低于当年的监测线"))
    risk_clear_min_months = models.PositiveSmallIntegerField(
        _("风险消除：纳入监测满（月）"), default=6, help_text=_("纳入监测不满此月数的户不能消除风险"))

    # 防返贫监测 (domain.md 3)
    oop_ratio_exited = models.DecimalField(_("医疗自付：脱贫户阈值（占省农村人均收入）"), max_digits=5,
                                           decimal_places=2, default=0.5)
    oop_ratio_others = models.DecimalField(_("医疗自付：其他农户阈值（占省农村人均收入）"), max_digits=5,
                                           decimal_places=2, default=1.0)
    income_drop_ratio = models.DecimalField(_("收入骤减：较上年下降比例"), max_digits=5, decimal_places=2, default=0.5)

    # 分类 (the plan's degrees) and village identification ("一高一低一无")
    village_incidence_multiple = models.DecimalField(_("贫困村：贫困发生率为全省的倍数"), max_digits=5,
                                                     decimal_places=2, default=2)
    village_income_ratio = models.DecimalField(_("贫困村：人均收入低于全省的比例"), max_digits=5,
                                               decimal_places=2, default=0.6)

    # 贫困村、贫困县退出 (domain.md 2.3)
    village_exit_incidence = models.DecimalField(
        _("贫困村退出：贫困发生率低于（%）"), max_digits=5, decimal_places=2, default=2,
        help_text=_("中部地区 2%，西部地区 3%"))
    village_exit_collective_income = models.DecimalField(
        _("贫困村退出：村集体经济收入不低于（元）"), default=50000, **MONEY)
    village_exit_items = models.CharField(
        _("贫困村退出：基础设施和公共服务条件"), max_length=80, blank=True,
        default="road,water,power,clinic,broadband,team",
        help_text=_("通硬化路 road、通自来水 water、通动力电 power、标准化卫生室 clinic、通宽带 broadband、驻村工作队在岗 team"))
    county_exit_incidence = models.DecimalField(
        _("贫困县退出：贫困发生率低于（%）"), max_digits=5, decimal_places=2, default=2,
        help_text=_("中部地区 2%，西部地区 3%"))

    # MPI
    mpi_k = models.CharField(_("多维贫困临界值 k"), max_length=20, default=str(indicators.DEFAULT_K))
    mpi_weights = models.JSONField(_("多维贫困指标权重"), default=indicators.default_weights)

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("识别规则集")
        verbose_name_plural = _("识别规则集")
        ordering = ["-year", "region_code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "year", "version"], name="ruleset_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def k(self) -> Fraction:
        return Fraction(self.mpi_k)

    @property
    def weights(self) -> dict[str, Fraction]:
        return {key: Fraction(str(value)) for key, value in (self.mpi_weights or {}).items()}


class RunStatus(CodeList):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class RunQuerySet(ScopedQuerySet):
    def visible_to(self, user, area: str = ""):
        """Runs over the user's area or a part of it, and runs over a larger area that contains it
        (a township cadre sees the county's run; its results are narrowed to the township)."""
        from fupin.core.scope import scope_for

        scope = scope_for(user).narrowed(area)
        if scope.is_empty or scope.unrestricted:
            return self.in_scope(scope)
        containing = {p[:n] for p in scope.prefixes for n in (6, 9, 12) if len(p) >= n}
        return self.filter(models.Q(area_code__in=containing) | scope.q("area_code"))


class IdentificationRun(models.Model):
    AREA_FIELD = "area_code"

    county_code = models.CharField(_("县级代码"), max_length=6)
    area_code = models.CharField(_("识别范围"), max_length=12)
    year = models.PositiveSmallIntegerField(_("年度"))
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="runs", verbose_name=_("规则集"))
    params = models.JSONField(_("所用参数"), help_text=_("运行时规则集的完整快照，用于复现"))
    dry_run = models.BooleanField(_("试算"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    job = models.ForeignKey("core.Job", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    summary = models.JSONField(_("结果汇总"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = _("识别运行")
        verbose_name_plural = _("识别运行")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["county_code", "year", "dry_run", "status"], name="run_county_year")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.year} {self.area_code}{' (试算)' if self.dry_run else ''}"

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class Conclusion(CodeList):
    POOR = "poor", _("贫困户")
    NOT_POOR = "not_poor", _("非贫困户")
    NO_DATA = "no_data", _("缺少收入数据")


class MonitoringCandidate(CodeList):
    UNSTABLE = "unstable", _("脱贫不稳定户")
    MARGINAL = "marginal", _("边缘易致贫户")
    HARDSHIP = "hardship", _("突发严重困难户")


class Degree(CodeList):
    MILD = "mild", _("轻度贫困")
    MODERATE = "moderate", _("中度贫困")
    SEVERE = "severe", _("重度贫困")


DEPRIVATION_FIELDS = [f"dep_{i.key}" for i in indicators.INDICATORS]  # columns of IdentificationResult


class IdentificationResult(models.Model):
    """One household in one run: every value used and the conclusion, with the reasons in words.
    Written once by the run (set-based INSERT ... SELECT); never updated."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    run = models.ForeignKey(IdentificationRun, on_delete=models.PROTECT, related_name="results")
    county_code = models.CharField(max_length=6)
    division_code = models.CharField(max_length=12)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="identifications")
    household_type = models.CharField(_("户类型"), max_length=12)
    size = models.PositiveSmallIntegerField(_("家庭人口数"))
    net_income = models.DecimalField(_("纯收入"), null=True, **MONEY)
    per_capita_income = models.DecimalField(_("人均纯收入"), null=True, **MONEY)
    previous_per_capita_income = models.DecimalField(_("上年人均纯收入"), null=True, **MONEY)
    medical_out_of_pocket = models.DecimalField(_("合规自付医疗支出"), null=True, **MONEY)
    below_line = models.BooleanField(_("低于收入线"), null=True)
    below_monitoring = models.BooleanField(_("低于监测线"), null=True)
    food_ok = models.BooleanField(_("吃穿"), null=True)
    education_ok = models.BooleanField(_("义务教育"))
    medical_ok = models.BooleanField(_("基本医疗"))
    housing_ok = models.BooleanField(_("住房安全"))
    water_ok = models.BooleanField(_("饮水安全"))
    out_of_school = models.PositiveSmallIntegerField(_("失学辍学人数"), default=0)
    uninsured = models.PositiveSmallIntegerField(_("未参加基本医保人数"), default=0)
    uninsured_critical = models.PositiveSmallIntegerField(_("未参加大病保险人数"), default=0)
    able_members = models.PositiveSmallIntegerField(_("有劳动能力人数"), default=0)
    weak_members = models.PositiveSmallIntegerField(_("弱劳动力人数"), default=0)
    conclusion = models.CharField(_("识别结论"), max_length=10, choices=Conclusion.choices)
    gap_admitted = models.BooleanField(_("按保障缺口识别（地方规则）"), default=False,
                                       help_text=_("收入不低于收入线，但低于规则集的上限且有规定的保障缺口"))
    stable_above = models.BooleanField(_("收入稳定超过收入线"), null=True,
                                       help_text=_("退出的收入条件：本年（及上年，按规则集）高于收入线"))
    monitoring = models.CharField(_("监测对象类型"), max_length=10, choices=MonitoringCandidate.choices, blank=True)
    risk_cleared = models.BooleanField(_("符合风险消除条件"), default=False)
    attribute = models.CharField(_("贫困户属性"), max_length=10, blank=True)
    degree = models.CharField(_("贫困程度"), max_length=10, choices=Degree.choices)
    safety_net = models.BooleanField(_("托底保障"))
    # MPI deprivations g_ij, one column per indicator of indicators.INDICATORS
    dep_health_illness = models.BooleanField(_("患大病或残疾"), default=False)
    dep_health_uninsured = models.BooleanField(_("未参加基本医保"), default=False)
    dep_education_adults = models.BooleanField(_("成人文化程度低"), default=False)
    dep_education_children = models.BooleanField(_("儿童失学"), default=False)
    dep_living_housing = models.BooleanField(_("危房"), default=False)
    dep_living_water = models.BooleanField(_("饮水不安全"), default=False)
    dep_living_toilet = models.BooleanField(_("无卫生厕所"), default=False)
    dep_living_fuel = models.BooleanField(_("固体燃料"), default=False)
    dep_living_power = models.BooleanField(_("未通电"), default=False)
    dep_living_road = models.BooleanField(_("泥土路"), default=False)
    dep_income = models.BooleanField(_("收入低于收入线"), default=False)
    mpi_units = models.PositiveIntegerField(_("多维贫困得分（单位）"))
    mpi_score = models.DecimalField(_("多维贫困得分"), max_digits=6, decimal_places=4)
    mpi_poor = models.BooleanField(_("多维贫困"))
    explanation = models.TextField(_("说明"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("识别结果")
        verbose_name_plural = _("识别结果")
        constraints = [
            # One row per household and run (a household has one village within a run); the key also
            # serves the listing of a run's results by area.
            models.UniqueConstraint(fields=["county_code", "run", "division_code", "household"],
                                    name="result_run_area_household"),
        ]
        indexes = [models.Index(fields=["household", "run"], name="result_household")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.household_id}"

    @property
    def household_type_label(self) -> str:
        from fupin.registry.codes import HouseholdType

        return str(HouseholdType(self.household_type).label) if self.household_type in HouseholdType.values else ""

    @property
    def headline(self) -> str:
        """The conclusion in a few words, as the explanation's "结论" says it (for badges and lists)."""
        if self.conclusion != Conclusion.NOT_POOR:
            return str(self.get_conclusion_display())
        if self.monitoring:
            return str(_("监测对象：%(t)s") % {"t": self.get_monitoring_display()})
        gap = not all((self.food_ok is not False, self.education_ok, self.medical_ok, self.housing_ok,
                       self.water_ok))
        if self.household_type == "monitored":
            return str(_("监测户：符合风险消除条件") if self.risk_cleared else _("监测户：继续监测"))
        if self.household_type == "poor":
            if not self.stable_above:
                return str(_("非贫困户：收入尚未稳定"))
            return str(_("非贫困户：先解决保障缺口") if gap else _("非贫困户：符合退出条件"))
        return str(_("非贫困户：有保障缺口") if gap else _("非贫困户"))


class VillageResult(models.Model):
    """A village in one run: counts from the household results and the "一高一低一无" tests."""

    AREA_FIELD = "division_code"

    run = models.ForeignKey(IdentificationRun, on_delete=models.PROTECT, related_name="village_results")
    county_code = models.CharField(max_length=6)
    division_code = models.CharField(max_length=12)
    households = models.PositiveIntegerField(_("户数"))
    people = models.PositiveIntegerField(_("人口"))
    poor_households = models.PositiveIntegerField(_("贫困户"))
    poor_people = models.PositiveIntegerField(_("贫困人口"))
    incidence = models.DecimalField(_("贫困发生率（%）"), max_digits=6, decimal_places=2)
    mean_income = models.DecimalField(_("人均纯收入"), null=True, **MONEY)
    collective_income = models.DecimalField(_("村集体经济收入"), null=True, **MONEY)
    high_incidence = models.BooleanField(_("一高：贫困发生率高"), null=True)
    low_income = models.BooleanField(_("一低：人均收入低"), null=True)
    no_collective_income = models.BooleanField(_("一无：无集体经济收入"), null=True)
    suggest_poor_village = models.BooleanField(_("建议列为贫困村"), default=False)
    suggest_infrastructure = models.BooleanField(_("建议类型：基础设施落后"), default=False)
    suggest_industry = models.BooleanField(_("建议类型：产业发展滞后"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("村识别结果")
        constraints = [
            models.UniqueConstraint(fields=["county_code", "run", "division_code"], name="village_result_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.division_code}"


class Scale(models.Model):
    """规模控制 (scale control, domain.md 2.1): how many poor people (and households, and poor villages)
    an area may have identified in a year, set by the county and split down to townships and villages
    (a split adds up to its parent). Identification that would take an area over its scale needs an
    explicit, recorded over-scale approval; monitoring is not subject to scale."""

    AREA_FIELD = "division_code"

    county_code = models.CharField(_("县级代码"), max_length=6)
    year = models.PositiveSmallIntegerField(_("年度"))
    division_code = models.CharField(_("区域"), max_length=12)
    poor_people = models.PositiveIntegerField(_("贫困人口规模（人）"))
    poor_households = models.PositiveIntegerField(_("贫困户规模（户）"), null=True, blank=True)
    poor_villages = models.PositiveIntegerField(_("贫困村规模（个）"), null=True, blank=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("识别规模")
        verbose_name_plural = _("识别规模")
        constraints = [models.UniqueConstraint(fields=["county_code", "year", "division_code"], name="scale_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.division_code} {self.poor_people}"
