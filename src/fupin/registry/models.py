"""Households (户卡), members, yearly household incomes, and the village register (村册).

Every table carries ``county_code`` and its unique keys include it (partitioning and Citus
distribute by it later). Rows are never deleted: members and households are closed with a
reason through the actions in ``actions.py``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.core.scope import ScopedQuerySet
from fupin.divisions.models import Division
from fupin.registry import codes

MONEY = {"max_digits": 12, "decimal_places": 2}
AREA = {"max_digits": 10, "decimal_places": 2}

# Able to work (registry.selectors.able_to_work, which adds the working ages) and at work by the
# registry's own columns (programmes.selectors.employment_sources): the selectors' conditions and those
# of the partial indexes that serve them (member_able, member_working), so both always say the same.
NOT_ABLE_SKILLS = (codes.LabourSkill.LOST, codes.LabourSkill.NONE)
WORKING_STATUSES = (codes.WorkStatus.IN_TOWNSHIP, codes.WorkStatus.IN_COUNTY, codes.WorkStatus.IN_PROVINCE,
                    codes.WorkStatus.OUT_OF_PROVINCE, codes.WorkStatus.OTHER)
ABLE_MEMBER = (Q(status=codes.RecordStatus.ACTIVE, serious_illness=False, disabled=False)
               & ~Q(labour_skill__in=NOT_ABLE_SKILLS)
               & (Q(schooling="") | Q(schooling=codes.Schooling.NOT_IN_SCHOOL)))
# An able legal supporter whatever the day (welfare.selectors.able_supporter_q adds the ages 18-59):
# active, no serious illness, no grade 1-2 disability; the condition of the partial index member_supporter.
SEVERE_DISABILITY_GRADES = ("1", "2")
SUPPORTER_MEMBER = (Q(status=codes.RecordStatus.ACTIVE, serious_illness=False)
                    & ~Q(disabled=True, disability_grade__in=SEVERE_DISABILITY_GRADES))
# C and D: the grades of an unsafe house (危房), the condition of the partial index household_houses.
HOUSE_CD = ("C", "D")
# In school at a stage with education aid (the keys of welfare.models.SCHOOLING_STAGE, a test keeps them
# the same): the condition of the partial index member_in_school.
IN_SCHOOL = (codes.Schooling.KINDERGARTEN, codes.Schooling.PRIMARY, codes.Schooling.GRADE_7_9, codes.Schooling.SENIOR,
             codes.Schooling.VOCATIONAL_SECONDARY, codes.Schooling.VOCATIONAL_HIGHER, codes.Schooling.TECHNICIAN,
             codes.Schooling.UNDERGRADUATE)
IN_SCHOOL_MEMBER = Q(status=codes.RecordStatus.ACTIVE, schooling__in=IN_SCHOOL)
WORKING_MEMBER = Q(status=codes.RecordStatus.ACTIVE) & (Q(work_status__in=WORKING_STATUSES, work_months__gt=0)
                                                        | ~Q(public_welfare_job=""))


class HouseholdQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(status=codes.RecordStatus.ACTIVE)


class RiskType(models.Model):
    """A risk type a county (or its city or province) adds to the national list of monitoring risk
    types (codes.RiskTypeCode, shipped with the system): the next free code from 20, marked local, and
    switchable off. Reference data: small, read by every county."""

    region_code = models.CharField(_("适用地区"), max_length=12)
    code = models.CharField(_("代码"), max_length=4)
    name = models.CharField(_("名称"), max_length=30)
    national_code = models.CharField(_("全国系统代码"), max_length=10, blank=True,
                                     help_text=_("导出到全国防返贫监测系统时使用的代码；空则用本代码"))
    active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("风险类型")
        ordering = ["sort", "code"]
        # one code, one meaning, in the whole installation (a county's own types get the next free code)
        constraints = [models.UniqueConstraint(fields=["code"], name="risk_type_code_once")]

    def __str__(self) -> str:
        return self.name

    is_local = True


class RiskTypesField(models.CharField):
    """Several risk-type codes in one column, comma-separated and sorted ("01,04"); reads as their names."""

    def display(self, value) -> str:
        codes_ = [c for c in str(value or "").split(",") if c]
        if not codes_:
            return "—"
        names = {**dict(codes.RiskTypeCode.choices),
                 **dict(RiskType.objects.filter(code__in=codes_).values_list("code", "name"))}
        return "、".join(str(names.get(c, c)) for c in codes_)


class Household(models.Model):
    AREA_FIELD = "division_id"
    HELPER_FIELD = "helper_user_id"

    # identity
    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    household_code = models.CharField(_("户编号"), max_length=30)
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, db_column="division_code", related_name="+",
        verbose_name=_("行政区划"), limit_choices_to={"level": 5},
        db_index=False,  # household_area_code (division, household_code) serves it
    )
    group_name = models.CharField(_("村民小组"), max_length=50, blank=True)
    # 家庭人口数: the number of active members, kept by the member actions (aggregates read it).
    size = models.PositiveSmallIntegerField(_("家庭人口数"), default=0, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=codes.RecordStatus.choices,
                              default=codes.RecordStatus.ACTIVE)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=60, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=30, blank=True)

    # classification
    household_type = models.CharField(_("户类型"), max_length=12, choices=codes.HouseholdType.choices,
                                      default=codes.HouseholdType.ORDINARY)
    poverty_attribute = models.CharField(_("贫困户属性"), max_length=10, choices=codes.PovertyAttribute.choices,
                                         blank=True)
    identification_standard = models.CharField(_("识别标准"), max_length=12,
                                               choices=codes.IdentificationStandard.choices, blank=True)
    identification_year = models.PositiveSmallIntegerField(_("识别年度"), null=True, blank=True)
    exit_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True)
    enjoys_policy = models.BooleanField(_("享受政策"), null=True, blank=True)
    monitoring_type = models.CharField(_("监测类型"), max_length=10, choices=codes.MonitoringType.choices,
                                       blank=True)
    monitoring_start = models.DateField(_("纳入监测日期"), null=True, blank=True)
    risk_types = RiskTypesField(_("风险类型"), max_length=60, blank=True, default="", db_default="",
                                help_text=_("监测户的风险类型（代码表，可多选）；风险消除后保留，记录最近一次监测的风险"))
    main_cause = models.CharField(_("主要致贫原因"), max_length=2, choices=codes.PovertyCause.choices, blank=True)
    other_cause_1 = models.CharField(_("其他致贫原因一"), max_length=2, choices=codes.PovertyCause.choices,
                                     blank=True)
    other_cause_2 = models.CharField(_("其他致贫原因二"), max_length=2, choices=codes.PovertyCause.choices,
                                     blank=True)
    military_family = models.BooleanField(_("军烈属"), default=False)
    one_child = models.BooleanField(_("独生子女户"), default=False)
    two_daughters = models.BooleanField(_("双女户"), default=False)

    # production
    farmland_area = models.DecimalField(_("耕地面积（亩）"), null=True, blank=True, **AREA)
    forest_area = models.DecimalField(_("林地面积（亩）"), null=True, blank=True, **AREA)
    cooperative_member = models.BooleanField(_("加入农民合作社"), default=False)

    # living conditions
    house_grade = models.CharField(_("危房等级"), max_length=1, choices=codes.HouseGrade.choices, blank=True)
    house_renovated = models.BooleanField(_("危房已改造"), default=False)
    house_area = models.DecimalField(_("住房面积（平方米）"), null=True, blank=True, **AREA)
    safe_water = models.BooleanField(_("饮水安全"), default=True)
    sanitary_toilet = models.BooleanField(_("卫生厕所"), default=False)
    has_power = models.BooleanField(_("通生活用电"), default=True)
    main_fuel = models.CharField(_("主要燃料"), max_length=10, choices=codes.Fuel.choices, blank=True)
    access_road = models.CharField(_("入户路类型"), max_length=10, choices=codes.AccessRoad.choices, blank=True)

    # relocation
    relocation_willing = models.BooleanField(_("有搬迁意愿"), default=False)
    relocated = models.BooleanField(_("已搬迁"), default=False)

    # help
    helper_name = models.CharField(_("帮扶责任人"), max_length=50, blank=True)
    helper_unit = models.CharField(_("帮扶责任人单位"), max_length=100, blank=True)
    helper_phone = models.CharField(_("帮扶责任人电话"), max_length=20, blank=True)
    helper_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="helped_households",
        verbose_name=_("帮扶责任人账号"), db_index=False,  # household_helper serves it
    )

    # record keeping
    closed_on = models.DateField(_("销户日期"), null=True, blank=True)
    close_reason = models.CharField(_("销户原因"), max_length=20, choices=codes.CloseReason.choices, blank=True)
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        constraints = [
            models.UniqueConstraint(fields=["county_code", "household_code"], name="household_code_unique"),
        ]
        indexes = [
            models.Index(fields=["division", "household_code"], name="household_area_code"),
            models.Index(fields=["household_type", "division"], name="household_type_area"),
            models.Index(fields=["poverty_attribute", "division"], name="household_attr_area"),
            models.Index(fields=["main_cause", "division"], name="household_cause_area"),
            models.Index(fields=["helper_user"], name="household_helper"),
            models.Index(fields=["household_code"], name="household_code"),
            # Covers the area counts (households, people and types per area) without the table (the
            # counts are COUNT(*): a COUNT of the id would read the table for it).
            models.Index(fields=["status", "division", "household_type", "size"], name="household_area_counts"),
            # The same for the households that are not ordinary (a sixth): their attribute, cause and
            # monitoring type per area; and for the C/D houses and the households willing to move: the
            # housing counts. Index-only, 50 ms -> 13 ms and 6 ms at 150,000 households.
            models.Index(fields=["division", "status", "household_type", "poverty_attribute", "main_cause",
                                 "monitoring_type", "size"],
                         condition=~Q(household_type=codes.HouseholdType.ORDINARY), name="household_kinds"),
            models.Index(fields=["division", "status", "household_type", "house_grade", "house_renovated", "relocated",
                                 "relocation_willing"],
                         condition=Q(house_grade__in=HOUSE_CD) | Q(relocation_willing=True), name="household_houses"),
        ]

    def __str__(self) -> str:
        return self.household_code

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("registry:household_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status == codes.RecordStatus.ACTIVE

    @property
    def other_causes(self) -> list[str]:
        return [c for c in (self.other_cause_1, self.other_cause_2) if c]


class HouseholdIncome(models.Model):
    """A household's income for one year (domain.md 1.1). 纯收入 and 人均纯收入 are derived."""

    AREA_FIELD = "household__division_id"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="incomes")
    year = models.PositiveSmallIntegerField(_("收入年度"))
    wage_income = models.DecimalField(_("工资性收入"), default=0, **MONEY)
    business_income = models.DecimalField(_("生产经营性收入"), default=0, **MONEY)
    property_income = models.DecimalField(_("财产性收入"), default=0, **MONEY)
    property_dividends = models.DecimalField(_("其中：资产收益分红"), default=0, **MONEY)
    transfer_income = models.DecimalField(_("转移性收入"), default=0, **MONEY,
                                          help_text=_("下列各项之和：低保金、特困供养金、养老金、生态补偿金、计划生育金、其他"))
    # 转移性收入 itemised as on the national card; transfer_income is always their sum
    transfer_dibao = models.DecimalField(_("其中：低保金"), default=0, **MONEY)
    transfer_tekun = models.DecimalField(_("其中：特困供养金"), default=0, **MONEY)
    transfer_pension = models.DecimalField(_("其中：养老金"), default=0, **MONEY)
    transfer_ecological = models.DecimalField(_("其中：生态补偿金"), default=0, **MONEY)
    transfer_family_planning = models.DecimalField(_("其中：计划生育金"), default=0, **MONEY)
    transfer_other = models.DecimalField(_("其中：其他转移性收入"), default=0, **MONEY)
    production_costs = models.DecimalField(_("生产经营性支出"), default=0, **MONEY)
    insurance_payouts = models.DecimalField(_("理赔收入"), default=0, **MONEY)
    medical_out_of_pocket = models.DecimalField(_("合规自付医疗支出"), default=0, **MONEY)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("家庭年收入")
        constraints = [
            models.UniqueConstraint(fields=["county_code", "household", "year"], name="income_household_year"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"

    @property
    def net_income(self):
        return (self.wage_income + self.business_income + self.property_income + self.transfer_income
                - self.production_costs)


class MemberQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(status=codes.RecordStatus.ACTIVE)


class Member(models.Model):
    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    # member_household_status (household, status) serves the foreign key: no index of its own
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members", db_index=False)
    status = models.CharField(_("状态"), max_length=10, choices=codes.RecordStatus.choices,
                              default=codes.RecordStatus.ACTIVE)

    # identity
    name = models.CharField(_("姓名"), max_length=50)
    sex = models.CharField(_("性别"), max_length=1, choices=codes.Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    id_type = models.CharField(_("证件类型"), max_length=20, choices=codes.IdType.choices,
                               default=codes.IdType.RESIDENT_ID)
    id_number = models.CharField(_("证件号码"), max_length=18)
    relation = models.CharField(_("与户主关系"), max_length=20, choices=codes.Relation.choices)
    ethnicity = models.CharField(_("民族"), max_length=2, choices=codes.Ethnicity.choices, default="01")
    political_status = models.CharField(_("政治面貌"), max_length=2, choices=codes.PoliticalStatus.choices,
                                        blank=True)

    # status
    education = models.CharField(_("文化程度"), max_length=12, choices=codes.Education.choices, blank=True)
    schooling = models.CharField(_("在校生状况"), max_length=22, choices=codes.Schooling.choices, blank=True)
    dropout_reason = models.CharField(_("辍学原因"), max_length=100, blank=True)
    chronic_illness = models.BooleanField(_("长期慢性病"), default=False)
    serious_illness = models.BooleanField(_("患有大病"), default=False)
    disabled = models.BooleanField(_("残疾"), default=False)
    disability_category = models.CharField(_("残疾类别"), max_length=1, choices=codes.DisabilityCategory.choices,
                                           blank=True)
    disability_grade = models.CharField(_("残疾等级"), max_length=1, choices=codes.DisabilityGrade.choices,
                                        blank=True)
    disability_cert_year = models.PositiveSmallIntegerField(_("残疾证办证年度"), null=True, blank=True)
    labour_skill = models.CharField(_("劳动技能"), max_length=10, choices=codes.LabourSkill.choices, blank=True)
    work_willing = models.BooleanField(_("有劳动意愿"), default=True,
                                       help_text=_("有劳动能力的成员是否愿意务工或发展生产（劳动意愿）"))

    # work
    work_status = models.CharField(_("务工状况"), max_length=16, choices=codes.WorkStatus.choices, blank=True)
    work_months = models.PositiveSmallIntegerField(_("务工时间（月）"), null=True, blank=True)
    workplace = models.CharField(_("务工单位或地点"), max_length=100, blank=True)
    public_welfare_job = models.CharField(_("公益性岗位"), max_length=50, blank=True)
    public_welfare_job_months = models.PositiveSmallIntegerField(_("公益性岗位时间（月）"), null=True, blank=True)

    # social security and other flags
    medical_insurance = models.BooleanField(_("基本医疗保险"), default=False)
    critical_illness_insurance = models.BooleanField(_("大病保险"), default=False)
    commercial_insurance = models.BooleanField(_("商业补充保险"), default=False)
    medical_aid = models.BooleanField(_("医疗救助"), default=False)
    dibao = models.BooleanField(_("享受低保"), default=False)
    tekun = models.BooleanField(_("特困供养"), default=False)
    pension_insurance = models.BooleanField(_("养老保险"), default=False)
    speaks_putonghua = models.BooleanField(_("会讲普通话"), default=True)

    # record keeping
    joined_on = models.DateField(_("入户日期"), null=True, blank=True)
    join_reason = models.CharField(_("入户原因"), max_length=12, choices=codes.JoinReason.choices,
                                   default=codes.JoinReason.INITIAL)
    removed_on = models.DateField(_("减员日期"), null=True, blank=True)
    removal_reason = models.CharField(_("减员原因"), max_length=20, choices=codes.RemovalReason.choices, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        constraints = [
            # A person lives in one household: one active record per ID number in a county. The
            # actions also check across counties (a nationwide unique key cannot include county_code).
            models.UniqueConstraint(
                fields=["county_code", "id_number"], condition=Q(status="active"), name="member_active_id_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["id_number"], name="member_id_number"),
            models.Index(fields=["name"], name="member_name", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["division_code", "household", "id"], name="member_area_household"),
            models.Index(fields=["household", "status"], name="member_household_status"),
            # the county's members with a labour skill, index-only (the targets' 技能 probe)
            models.Index(fields=["county_code", "labour_skill", "status", "household"], name="member_county_skill"),
            # the active members on 低保 or 特困 or disabled (a tenth of them), with every column the welfare
            # gaps read: their counts and the 低保 households, index-only instead of reading every member
            models.Index(fields=["division_code", "county_code", "household", "id", "dibao", "tekun", "disabled",
                                 "disability_grade"],
                         condition=Q(status="active") & (Q(dibao=True) | Q(tekun=True) | Q(disabled=True)),
                         name="member_gap_people"),
            # households with someone able to work (and willing), and with someone at work by the
            # registry: index-only probes for 零就业 and the industry/skill target, not the whole table.
            # The county first, as every query names it (one shard on Citus): the probes and the sets
            # they hash are then read from the index alone (at 150,000 households 0.27 s -> 0.15 s and
            # 0.18 s -> 0.10 s); with the household first each entry's county was read from the table.
            models.Index(fields=["county_code", "household", "birth_date", "work_willing"], condition=ABLE_MEMBER,
                         name="member_able"),
            models.Index(fields=["county_code", "household"], condition=WORKING_MEMBER, name="member_working"),
            # households with an able supporter (特困 is for those without one): index-only
            models.Index(fields=["county_code", "household", "birth_date"], condition=SUPPORTER_MEMBER,
                         name="member_supporter"),
            # the children in school (a fifth of the members), with the columns the education coverage
            # and gaps read: index-only (0.15 s -> 0.07 s at 150,000 households)
            models.Index(fields=["county_code", "division_code", "household", "schooling", "id"],
                         condition=IN_SCHOOL_MEMBER, name="member_in_school"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == codes.RecordStatus.ACTIVE

    @property
    def health_terms(self) -> list[str]:
        terms = [codes.Health.CHRONIC.label if self.chronic_illness else None,
                 codes.Health.SERIOUS.label if self.serious_illness else None,
                 codes.Health.DISABLED.label if self.disabled else None]
        return [str(t) for t in terms if t] or [str(codes.Health.HEALTHY.label)]

    @property
    def disability_card(self) -> str:
        if self.disability_category and self.disability_grade:
            return f"{self.id_number}{self.disability_category}{self.disability_grade}"
        return ""


class VillageProfile(models.Model):
    """The village register (村册, domain.md 1.4): one per village-level division."""

    AREA_FIELD = "division_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division = models.OneToOneField(Division, on_delete=models.PROTECT, db_column="division_code",
                                    related_name="profile", verbose_name=_("行政区划"))
    poverty_status = models.CharField(_("贫困村状态"), max_length=10, choices=codes.VillagePovertyStatus.choices,
                                      default=codes.VillagePovertyStatus.NOT_POOR)
    listed_12th_plan = models.BooleanField(_("十二五贫困村"), default=False)
    listed_13th_plan = models.BooleanField(_("十三五贫困村"), default=False)
    exit_year = models.PositiveSmallIntegerField(_("出列年度"), null=True, blank=True)
    infrastructure_lagging = models.BooleanField(_("基础设施落后"), default=False)
    industry_lagging = models.BooleanField(_("产业发展滞后"), default=False)
    weak_leadership = models.BooleanField(_("村级班子软弱涣散"), default=False)
    ethnic_minority_village = models.BooleanField(_("少数民族村"), default=False)
    whole_village_programme = models.BooleanField(_("整村推进村"), default=False)
    mutual_aid_fund = models.BooleanField(_("有互助资金"), default=False)
    disasters_last_year = models.CharField(_("上年受灾情况"), max_length=200, blank=True)
    collective_income = models.DecimalField(_("村集体经济收入（元）"), default=0, **MONEY)
    # infrastructure
    paved_road = models.BooleanField(_("通硬化路"), default=False)
    tap_water = models.BooleanField(_("通自来水"), default=False)
    power_grid = models.BooleanField(_("通动力电"), default=False)
    clinic = models.BooleanField(_("有标准化卫生室"), default=False)
    broadband = models.BooleanField(_("通宽带"), default=False)
    # counts kept by the village (registered households and persons are counted from the registry)
    hamlet_count = models.PositiveIntegerField(_("自然村数"), null=True, blank=True)
    group_count = models.PositiveIntegerField(_("村民小组数"), null=True, blank=True)
    household_count = models.PositiveIntegerField(_("总户数"), null=True, blank=True)
    population = models.PositiveIntegerField(_("总人口"), null=True, blank=True)
    minority_population = models.PositiveIntegerField(_("少数民族人口"), null=True, blank=True)
    labour_force = models.PositiveIntegerField(_("劳动力人数"), null=True, blank=True)
    trained_labour = models.PositiveIntegerField(_("受过培训的劳动力"), null=True, blank=True)
    migrant_workers = models.PositiveIntegerField(_("外出务工人数"), null=True, blank=True)
    migrant_outside_province = models.PositiveIntegerField(_("省外务工人数"), null=True, blank=True)
    relocation_needed = models.PositiveIntegerField(_("需搬迁户数"), null=True, blank=True)
    relocation_done = models.PositiveIntegerField(_("已搬迁户数"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("村册")
        verbose_name_plural = _("村册")

    def __str__(self) -> str:
        return str(self.division_id)

    @property
    def village_types(self) -> list[str]:
        names = [("infrastructure_lagging", _("基础设施落后")), ("industry_lagging", _("产业发展滞后")),
                 ("weak_leadership", _("村级班子软弱涣散"))]
        return [str(label) for field, label in names if getattr(self, field)]


class WorkTeamMember(models.Model):
    """A member of a village's resident work team (驻村工作队), with dates; never deleted."""

    AREA_FIELD = "division_code"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("区划代码"), max_length=12)
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("职务"), max_length=20, choices=codes.WorkTeamRole.choices,
                            default=codes.WorkTeamRole.MEMBER)
    unit = models.CharField(_("派出单位"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    started_on = models.DateField(_("驻村开始日期"))
    ended_on = models.DateField(_("驻村结束日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("驻村工作队员")
        ordering = ["division_code", "role", "started_on"]
        indexes = [models.Index(fields=["division_code", "ended_on"], name="workteam_area")]

    def __str__(self) -> str:
        return self.name
