"""Industry and employment programmes (seed plan 四(二)1(1)-(3)).

Industry: the county's industries, household participation by year, cooperatives with member
households and their shares (户户有股份), yearly dividends paid to the members by shares
(年年有分红). Training and employment: courses of the training programmes, trainees, skill
certificates and the subsidy paid by certificate (凭证直接补助), employment (after training or
not), public-welfare jobs.

Every table carries ``county_code`` and its unique keys include it. Rows are never deleted: a
participation, a membership, an employment or a job is ended with a date (and a reason).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.accounts.roles import Department
from fupin.core.codes import CodeList
from fupin.core.scope import ScopedQuerySet

MONEY = {"max_digits": 14, "decimal_places": 2}
QUANTITY = {"max_digits": 14, "decimal_places": 2}


# --- industry ---------------------------------------------------------------------------------

class IndustryQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(active=True)


class Industry(models.Model):
    """One of the county's industries (烤烟, 白茶 ...); configurable, deactivated rather than deleted."""

    AREA_FIELD = "county_code"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    name = models.CharField(_("产业名称"), max_length=30)
    unit = models.CharField(_("规模单位"), max_length=10, help_text=_("如：亩、箱、头、羽"))
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    objects = IndustryQuerySet.as_manager()

    class Meta:
        verbose_name = _("产业")
        verbose_name_plural = _("产业")
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["county_code", "name"], name="industry_county_name")]

    def __str__(self) -> str:
        return self.name


class ParticipationQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(ended_on__isnull=True)


class IndustryParticipation(models.Model):
    """A household working in an industry in a year (1-2 短平快 industries per household)."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="industries",
                                  verbose_name=_("户"))
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="participations",
                                 verbose_name=_("产业"))
    year = models.PositiveSmallIntegerField(_("年度"))
    scale = models.DecimalField(_("规模"), **QUANTITY)
    expected_income = models.DecimalField(_("预期收入（元）"), default=0, **MONEY)
    support = models.CharField(_("扶持内容"), max_length=200, blank=True, help_text=_("如：种苗补助、技术指导"))
    support_amount = models.DecimalField(_("扶持金额（元）"), default=0, **MONEY)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("产业参与")
        verbose_name_plural = _("产业参与")
        constraints = [
            models.UniqueConstraint(fields=["county_code", "household", "industry", "year"],
                                    condition=Q(ended_on__isnull=True), name="participation_open_unique"),
        ]
        indexes = [
            models.Index(fields=["industry", "year", "division_code"], name="participation_industry_year"),
            models.Index(fields=["county_code", "year", "division_code"], name="participation_year_area"),
            models.Index(fields=["household", "year"], name="participation_household"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.industry_id} {self.year}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class Cooperative(models.Model):
    """A farmers' cooperative (合作社 + 贫困户) in a township or village."""

    AREA_FIELD = "division_code"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("所在乡镇或村"), max_length=12)
    name = models.CharField(_("合作社名称"), max_length=100)
    registration_code = models.CharField(_("统一社会信用代码"), max_length=30)
    industries = models.ManyToManyField(Industry, related_name="cooperatives", verbose_name=_("经营产业"))
    leader = models.CharField(_("负责人"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    founded_on = models.DateField(_("成立日期"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("合作社")
        verbose_name_plural = _("合作社")
        constraints = [
            models.UniqueConstraint(fields=["county_code", "registration_code"], name="cooperative_code_unique"),
        ]
        indexes = [models.Index(fields=["division_code", "name"], name="cooperative_area")]

    def __str__(self) -> str:
        return self.name


class ShareType(CodeList):
    LAND = "land", _("土地入股")
    FOREST = "forest", _("山场入股")
    LABOUR = "labour", _("劳动力入股")
    CAPITAL = "capital", _("资金入股")
    FUND = "fund", _("扶贫资金折股")


class MemberQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(left_on__isnull=True)

    def held_on(self, day):
        """The memberships that held shares on ``day`` (joined on or before it, not yet left)."""
        return self.filter(Q(joined_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gt=day)))


class CooperativeMember(models.Model):
    """A household's shares in a cooperative over a period. A change of shares ends this row and
    opens a new one from the same day, so the shares held on any date can be read back."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="members",
                                    verbose_name=_("合作社"))
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="cooperative_shares",
                                  verbose_name=_("户"))
    shares = models.DecimalField(_("股份"), **QUANTITY)
    share_type = models.CharField(_("入股方式"), max_length=10, choices=ShareType.choices)
    joined_on = models.DateField(_("入股日期"))
    left_on = models.DateField(_("退股日期"), null=True, blank=True)
    leave_reason = models.CharField(_("变更或退股原因"), max_length=200, blank=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("合作社成员")
        verbose_name_plural = _("合作社成员")
        constraints = [
            models.UniqueConstraint(fields=["county_code", "cooperative", "household"],
                                    condition=Q(left_on__isnull=True), name="coop_member_open_unique"),
            models.CheckConstraint(condition=Q(shares__gte=0), name="coop_member_shares_not_negative"),
        ]
        indexes = [
            models.Index(fields=["cooperative", "joined_on"], name="coop_member_coop"),
            models.Index(fields=["household", "left_on"], name="coop_member_household"),
        ]

    def __str__(self) -> str:
        return f"{self.cooperative_id} {self.household_id} {self.shares}"

    @property
    def is_open(self) -> bool:
        return self.left_on is None


class Dividend(models.Model):
    """A cooperative's dividend for a year, paid to the member households by the shares they held
    on the declaration date; the payments add up exactly to the total."""

    AREA_FIELD = "division_code"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="dividends",
                                    verbose_name=_("合作社"))
    year = models.PositiveSmallIntegerField(_("分红年度"))
    total = models.DecimalField(_("分红总额（元）"), **MONEY)
    total_shares = models.DecimalField(_("总股份"), editable=False, **QUANTITY)
    declared_on = models.DateField(_("宣布日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("分红")
        verbose_name_plural = _("分红")
        constraints = [
            models.UniqueConstraint(fields=["county_code", "cooperative", "year"], name="dividend_coop_year"),
            models.CheckConstraint(condition=Q(total__gt=0), name="dividend_total_positive"),
        ]
        indexes = [models.Index(fields=["county_code", "year", "division_code"], name="dividend_year_area")]

    def __str__(self) -> str:
        return f"{self.cooperative_id} {self.year}"


class DividendPayment(models.Model):
    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    dividend = models.ForeignKey(Dividend, on_delete=models.PROTECT, related_name="payments",
                                 verbose_name=_("分红"))
    membership = models.ForeignKey(CooperativeMember, on_delete=models.PROTECT, related_name="payments",
                                   verbose_name=_("股份记录"))
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="dividends",
                                  verbose_name=_("户"))
    shares = models.DecimalField(_("股份"), **QUANTITY)
    amount = models.DecimalField(_("分红金额（元）"), **MONEY)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("分红发放")
        verbose_name_plural = _("分红发放")
        constraints = [
            models.UniqueConstraint(fields=["county_code", "dividend", "household"], name="dividend_payment_unique"),
        ]
        indexes = [models.Index(fields=["household", "dividend"], name="dividend_payment_household")]

    def __str__(self) -> str:
        return f"{self.dividend_id} {self.household_id} {self.amount}"


# --- training and employment ------------------------------------------------------------------

class TrainingProgramme(CodeList):
    GOLDEN_COLLAR = "golden_collar", _("金蓝领工程")
    SUNSHINE = "sunshine", _("阳光工程")
    RAIN_DEW = "rain_dew", _("雨露计划")
    PRACTICAL = "practical", _("实用技术培训")
    OTHER = "other", _("其他")


class Course(models.Model):
    AREA_FIELD = "division_code"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("举办地区划代码"), max_length=12)
    name = models.CharField(_("培训班名称"), max_length=100)
    programme = models.CharField(_("培训项目"), max_length=16, choices=TrainingProgramme.choices)
    organiser = models.CharField(_("主办部门"), max_length=30, choices=Department.choices)
    place = models.CharField(_("培训地点"), max_length=100)
    start_on = models.DateField(_("开班日期"))
    end_on = models.DateField(_("结业日期"))
    hours = models.PositiveSmallIntegerField(_("课时"))
    capacity = models.PositiveSmallIntegerField(_("计划人数"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        indexes = [models.Index(fields=["county_code", "end_on", "division_code"], name="course_year_area")]
        constraints = [models.CheckConstraint(condition=Q(end_on__gte=models.F("start_on")),
                                              name="course_dates_ordered")]

    def __str__(self) -> str:
        return self.name


class TraineeStatus(CodeList):
    ENROLLED = "enrolled", _("在训")
    COMPLETED = "completed", _("已结业")
    DROPPED = "dropped", _("中途退出")


class Trainee(models.Model):
    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="trainees", verbose_name=_("培训班"))
    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="trainings",
                               verbose_name=_("学员"))
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="trainings",
                                  verbose_name=_("户"))
    status = models.CharField(_("状态"), max_length=10, choices=TraineeStatus.choices,
                              default=TraineeStatus.ENROLLED)
    enrolled_on = models.DateField(_("报名日期"))
    completed_on = models.DateField(_("结业日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("学员")
        verbose_name_plural = _("学员")
        constraints = [
            models.UniqueConstraint(fields=["county_code", "course", "member"], name="trainee_once_per_course"),
        ]
        indexes = [
            models.Index(fields=["course", "status"], name="trainee_course"),
            models.Index(fields=["member"], name="trainee_member"),
            models.Index(fields=["household"], name="trainee_household"),
        ]

    def __str__(self) -> str:
        return f"{self.course_id} {self.member_id}"


class CertificateKind(CodeList):
    SKILL = "skill", _("技能资格证书")
    GRADE = "grade", _("技术等级证书")


class Certificate(models.Model):
    AREA_FIELD = "division_code"
    HELPER_FIELD = "trainee__household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="certificates",
                                verbose_name=_("学员"))
    kind = models.CharField(_("证书类型"), max_length=10, choices=CertificateKind.choices)
    occupation = models.CharField(_("职业（工种）"), max_length=50)
    number = models.CharField(_("证书编号"), max_length=40)
    issued_on = models.DateField(_("发证日期"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("技能证书")
        verbose_name_plural = _("技能证书")
        constraints = [
            models.UniqueConstraint(fields=["county_code", "kind", "number"], name="certificate_number_unique"),
        ]
        indexes = [models.Index(fields=["county_code", "issued_on", "division_code"], name="certificate_year_area")]

    def __str__(self) -> str:
        return self.number


class SubsidyStandard(models.Model):
    """The yearly amount paid per certificate of a kind (凭证直接补助), set by the county."""

    AREA_FIELD = "county_code"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("证书类型"), max_length=10, choices=CertificateKind.choices)
    amount = models.DecimalField(_("补助标准（元/证）"), **MONEY)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训补助标准")
        verbose_name_plural = _("培训补助标准")
        constraints = [
            models.UniqueConstraint(fields=["county_code", "year", "kind"], name="subsidy_standard_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="subsidy_standard_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.kind} {self.amount}"


class SubsidyStatus(CodeList):
    PENDING = "pending", _("待发放")
    PAID = "paid", _("已发放")


class TrainingSubsidy(models.Model):
    """The subsidy for one certificate, at most once per certificate."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "member__household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="training_subsidies",
                               verbose_name=_("学员"))
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="subsidies",
                                    verbose_name=_("证书"))
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("补助金额（元）"), **MONEY)
    status = models.CharField(_("状态"), max_length=10, choices=SubsidyStatus.choices, default=SubsidyStatus.PENDING)
    granted_on = models.DateField(_("核定日期"))
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训补助")
        verbose_name_plural = _("培训补助")
        constraints = [
            models.UniqueConstraint(fields=["county_code", "certificate"], name="subsidy_once_per_certificate"),
        ]
        indexes = [models.Index(fields=["county_code", "year", "status", "division_code"], name="subsidy_year_area")]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.amount}"


class Employment(models.Model):
    """A member in work (after a training or not); ended with a date."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="employments",
                               verbose_name=_("就业人员"))
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="employments",
                                  verbose_name=_("户"))
    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, null=True, blank=True, related_name="employments",
                                verbose_name=_("培训记录"))
    employer = models.CharField(_("用工单位"), max_length=100)
    place = models.CharField(_("就业地点"), max_length=100)
    started_on = models.DateField(_("就业日期"))
    ended_on = models.DateField(_("离职日期"), null=True, blank=True)
    monthly_wage = models.DecimalField(_("月工资（元）"), **MONEY)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("就业")
        verbose_name_plural = _("就业")
        indexes = [
            models.Index(fields=["member", "started_on"], name="employment_member"),
            models.Index(fields=["household", "ended_on"], name="employment_household"),
            models.Index(fields=["county_code", "started_on", "division_code"], name="employment_area"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.employer}"


class PublicWelfareJob(models.Model):
    """A public-welfare post (公益性岗位) in a village or township held by a member."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("岗位所在乡镇或村"), max_length=12)
    post = models.CharField(_("岗位名称"), max_length=50, help_text=_("如：保洁员、护林员、水管员、治安巡逻员"))
    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="welfare_jobs",
                               verbose_name=_("上岗人员"))
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="welfare_jobs",
                                  verbose_name=_("户"))
    started_on = models.DateField(_("上岗日期"))
    ended_on = models.DateField(_("离岗日期"), null=True, blank=True)
    end_reason = models.CharField(_("离岗原因"), max_length=200, blank=True)
    monthly_pay = models.DecimalField(_("月补贴（元）"), **MONEY)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("公益性岗位")
        verbose_name_plural = _("公益性岗位")
        constraints = [
            models.UniqueConstraint(fields=["county_code", "member"], condition=Q(ended_on__isnull=True),
                                    name="welfare_job_one_open_per_member"),
        ]
        indexes = [
            models.Index(fields=["division_code", "ended_on"], name="welfare_job_area"),
            models.Index(fields=["household", "ended_on"], name="welfare_job_household"),
        ]

    def __str__(self) -> str:
        return f"{self.post} {self.member_id}"
