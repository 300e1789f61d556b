"""Guarantees (低保, 特困, premium subsidy, medical aid, education aid, the two disability subsidies),
housing (dangerous-house renovation, relocation) and charity matching (社会帮扶).

The standards are data (``WelfareStandard``, per year and region, the most specific region wins);
the eligibility lists are computed in SQL by ``selectors``. Every row carries ``county_code`` and
names its area column in ``AREA_FIELD``; rows are never deleted (cancelled or withdrawn instead).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from fupin.core.codes import CodeList
from fupin.core.scope import ScopedQuerySet, scope_for
from fupin.registry.models import Household, Member

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


# --- code lists -------------------------------------------------------------------------------

class Stage(CodeList):
    """Education-aid stages (资助阶段) and the registry's schooling values they cover."""

    PRESCHOOL = "preschool", _("学前教育")
    COMPULSORY = "compulsory", _("义务教育")
    SENIOR = "senior", _("普通高中")
    VOCATIONAL = "vocational", _("中职")
    HIGHER = "higher", _("高职高专及本科")


SCHOOLING_STAGE = {
    "kindergarten": Stage.PRESCHOOL,
    "primary": Stage.COMPULSORY,
    "grade_7_9": Stage.COMPULSORY,
    "senior": Stage.SENIOR,
    "vocational_secondary": Stage.VOCATIONAL,
    "vocational_higher": Stage.HIGHER,
    "technician": Stage.HIGHER,
    "undergraduate": Stage.HIGHER,
}


class Semester(CodeList):
    YEAR = "year", _("全年")
    SPRING = "spring", _("春季学期")
    AUTUMN = "autumn", _("秋季学期")


class SubsidyKind(CodeList):
    LIVING = "living", _("困难残疾人生活补贴")
    CARE = "care", _("重度残疾人护理补贴")


class RenovationMethod(CodeList):
    REPAIR = "repair", _("修缮加固")
    REBUILD = "rebuild", _("拆除重建")
    REPLACE = "replace", _("置换")
    OTHER = "other", _("其他")


class RenovationStatus(CodeList):
    PLANNED = "planned", _("已立项")
    STARTED = "started", _("施工中")
    COMPLETED = "completed", _("已竣工")
    ACCEPTED = "accepted", _("已验收")
    CANCELLED = "cancelled", _("已取消")


class SiteType(CodeList):
    CONCENTRATED = "concentrated", _("集中安置")
    SCATTERED = "scattered", _("分散安置")


class SiteStatus(CodeList):
    PLANNING = "planning", _("规划中")
    BUILDING = "building", _("建设中")
    IN_USE = "in_use", _("已入住")
    CLOSED = "closed", _("已停用")


class RelocationStatus(CodeList):
    ALLOCATED = "allocated", _("已分配安置房")
    MOVED_IN = "moved_in", _("已搬迁入住")
    CANCELLED = "cancelled", _("已取消")


class CharityCategory(CodeList):
    LIVING = "living", _("生活救助")
    MEDICAL = "medical", _("医疗救助")
    EDUCATION = "education", _("助学")
    HOUSING = "housing", _("住房")
    INDUSTRY = "industry", _("产业发展")
    EMPLOYMENT = "employment", _("就业")
    INFRASTRUCTURE = "infrastructure", _("村内设施")
    OTHER = "other", _("其他")


class NeedStatus(CodeList):
    OPEN = "open", _("待对接")
    PARTLY = "partly", _("部分对接")
    MATCHED = "matched", _("已对接")
    FULFILLED = "fulfilled", _("已兑现")
    WITHDRAWN = "withdrawn", _("已撤回")


class OfferStatus(CodeList):
    OPEN = "open", _("可对接")
    PARTLY = "partly", _("部分对接")
    MATCHED = "matched", _("已全部对接")
    WITHDRAWN = "withdrawn", _("已撤回")


class DonorType(CodeList):
    ORGANISATION = "organisation", _("单位或组织")
    PERSON = "person", _("个人")


class MatchStatus(CodeList):
    MATCHED = "matched", _("已对接")
    FULFILLED = "fulfilled", _("已兑现")
    CANCELLED = "cancelled", _("已取消")


# --- standards --------------------------------------------------------------------------------

class StandardQuerySet(models.QuerySet):
    def applying_to(self, code: str, year: int):
        """The standards of ``year`` whose region contains ``code``, most specific first."""
        regions = [""] + [code[:n] for n in (2, 4, 6, 9, 12) if len(code) >= n]
        return self.filter(year=year, region_code__in=regions).order_by(Length("region_code").desc())

    def visible_to(self, user):
        """National and provincial standards are readable by all; the rest within the user's area."""
        scope = scope_for(user)
        if scope.is_empty:
            return self.none()
        if scope.unrestricted:
            return self
        regions = {""} | {p[:n] for p in scope.prefixes for n in (2, 4, 6, 9) if len(p) >= n}
        return self.filter(Q(region_code__in=regions) | scope.q("region_code"))


class WelfareStandard(models.Model):
    """The year's guarantee standards for a region ('' = national default). The most specific
    region containing a household's village applies (like the targeting rule sets)."""

    AREA_FIELD = "region_code"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False, blank=True)
    region_code = models.CharField(_("适用区域"), max_length=12, blank=True,
                                   help_text=_("空为全国；省 2 位、市 4 位、县 6 位、乡 9 位区划代码"))
    year = models.PositiveSmallIntegerField(_("年度"))
    dibao_line = models.DecimalField(_("农村低保标准（元/人·年）"), **MONEY)
    tekun_standard = models.DecimalField(_("特困人员基本生活标准（元/人·年）"), **MONEY)
    premium_subsidy = models.DecimalField(_("低保特困参保个人缴费补助（元/人·年）"), **MONEY)
    edu_preschool = models.DecimalField(_("学前教育资助（元/年）"), **MONEY)
    edu_compulsory = models.DecimalField(_("义务教育资助（元/年）"), **MONEY)
    edu_senior = models.DecimalField(_("普通高中资助（元/年）"), **MONEY)
    edu_vocational = models.DecimalField(_("中职资助（元/年）"), **MONEY)
    edu_higher = models.DecimalField(_("高职高专及本科资助（元/年）"), **MONEY)
    disability_living_monthly = models.DecimalField(_("困难残疾人生活补贴（元/月）"), **MONEY)
    disability_care_monthly = models.DecimalField(_("重度残疾人护理补贴（元/月）"), **MONEY)
    notes = models.TextField(_("依据与说明"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = StandardQuerySet.as_manager()

    class Meta:
        verbose_name = _("保障标准")
        verbose_name_plural = _("保障标准")
        constraints = [models.UniqueConstraint(fields=["county_code", "region_code", "year"],
                                               name="welfare_standard_region_year")]
        indexes = [models.Index(fields=["year", "region_code"], name="welfare_standard_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.region_code or _('全国')}"

    def education_amount(self, stage: str) -> Decimal:
        return {Stage.PRESCHOOL: self.edu_preschool, Stage.COMPULSORY: self.edu_compulsory,
                Stage.SENIOR: self.edu_senior, Stage.VOCATIONAL: self.edu_vocational,
                Stage.HIGHER: self.edu_higher}[stage]

    def disability_monthly(self, kind: str) -> Decimal:
        return self.disability_living_monthly if kind == SubsidyKind.LIVING else self.disability_care_monthly


# --- guarantees -------------------------------------------------------------------------------

class MemberRecord(models.Model):
    """Shared columns of the per-member records: the member's county, village and household."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", editable=False,
                                  verbose_name=_("户"), db_index=False)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("成员"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class PremiumSubsidy(MemberRecord):
    """城乡居民医保个人缴费补助 for a 低保 or 特困 member: one per member per year."""

    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("补助金额（元）"), **MONEY)
    paid_on = models.DateField(_("补助日期"))

    class Meta:
        verbose_name = _("参保缴费补助")
        verbose_name_plural = _("参保缴费补助")
        constraints = [models.UniqueConstraint(fields=["county_code", "member", "year"],
                                               name="premium_member_year")]
        indexes = [models.Index(fields=["division_code", "year"], name="premium_area_year"),
                   models.Index(fields=["household"], name="premium_household")]

    def __str__(self) -> str:
        return f"{self.member} {self.year}"


class MedicalAid(MemberRecord):
    """One medical-aid case: basic insurance -> critical-illness insurance -> medical aid -> own pocket."""

    treated_on = models.DateField(_("就医（结算）日期"))
    hospital = models.CharField(_("医疗机构"), max_length=100, blank=True)
    total_cost = models.DecimalField(_("医疗总费用（元）"), **MONEY)
    basic_paid = models.DecimalField(_("基本医保报销（元）"), default=ZERO, **MONEY)
    critical_paid = models.DecimalField(_("大病保险报销（元）"), default=ZERO, **MONEY)
    aid_amount = models.DecimalField(_("医疗救助金额（元）"), default=ZERO, **MONEY)

    class Meta:
        verbose_name = _("医疗救助")
        verbose_name_plural = _("医疗救助")
        indexes = [models.Index(fields=["division_code", "treated_on"], name="medaid_area_date"),
                   models.Index(fields=["household"], name="medaid_household")]

    def __str__(self) -> str:
        return f"{self.member} {self.treated_on}"

    @property
    def out_of_pocket(self) -> Decimal:
        return self.total_cost - self.basic_paid - self.critical_paid - self.aid_amount


class EducationAid(MemberRecord):
    """Education aid (教育资助) for a registered child, by stage, per year or semester."""

    year = models.PositiveSmallIntegerField(_("年度"))
    stage = models.CharField(_("资助阶段"), max_length=12, choices=Stage.choices, editable=False)
    semester = models.CharField(_("学期"), max_length=8, choices=Semester.choices, default=Semester.YEAR)
    amount = models.DecimalField(_("资助金额（元）"), **MONEY)
    paid_on = models.DateField(_("发放日期"))

    class Meta:
        verbose_name = _("教育资助")
        verbose_name_plural = _("教育资助")
        constraints = [models.UniqueConstraint(fields=["county_code", "member", "year", "semester"],
                                               name="eduaid_member_year_semester")]
        indexes = [models.Index(fields=["division_code", "year", "stage"], name="eduaid_area_year"),
                   models.Index(fields=["household"], name="eduaid_household")]

    def __str__(self) -> str:
        return f"{self.member} {self.year} {self.get_stage_display()}"


class DisabilitySubsidy(MemberRecord):
    """One of the two disability subsidies for a member and year (months x monthly amount)."""

    kind = models.CharField(_("补贴类别"), max_length=8, choices=SubsidyKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    months = models.PositiveSmallIntegerField(_("发放月数"))
    monthly_amount = models.DecimalField(_("月补贴标准（元）"), **MONEY)
    paid = models.BooleanField(_("已发放"), default=False)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("残疾人两项补贴")
        verbose_name_plural = _("残疾人两项补贴")
        constraints = [models.UniqueConstraint(fields=["county_code", "member", "year", "kind"],
                                               name="disability_member_year_kind")]
        indexes = [models.Index(fields=["division_code", "year", "kind"], name="disability_area_year"),
                   models.Index(fields=["household"], name="disability_household")]

    def __str__(self) -> str:
        return f"{self.member} {self.year} {self.get_kind_display()}"

    @property
    def total(self) -> Decimal:
        return self.monthly_amount * self.months


# --- housing ----------------------------------------------------------------------------------

class HouseholdRecord(models.Model):
    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("户"),
                                  db_index=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class HouseRenovation(HouseholdRecord):
    """危房改造 of one household's C/D house: planned -> started -> completed -> accepted (验收)."""

    year = models.PositiveSmallIntegerField(_("改造年度"))
    grade = models.CharField(_("改造前危房等级"), max_length=1, choices=[("C", _("C级")), ("D", _("D级"))])
    method = models.CharField(_("改造方式"), max_length=10, choices=RenovationMethod.choices)
    subsidy = models.DecimalField(_("补助资金（元）"), default=ZERO, **MONEY)
    status = models.CharField(_("状态"), max_length=10, choices=RenovationStatus.choices,
                              default=RenovationStatus.PLANNED)
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    completed_on = models.DateField(_("竣工日期"), null=True, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("危房改造")
        verbose_name_plural = _("危房改造")
        constraints = [models.UniqueConstraint(
            fields=["county_code", "household"], condition=~Q(status__in=["accepted", "cancelled"]),
            name="renovation_one_open")]
        indexes = [models.Index(fields=["division_code", "status"], name="renovation_area_status"),
                   models.Index(fields=["household"], name="renovation_household")]

    def __str__(self) -> str:
        return f"{self.household} {self.year} {self.get_method_display()}"


class RelocationSite(models.Model):
    """An 易地扶贫搬迁 resettlement site with a capacity in households."""

    AREA_FIELD = "division_code"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("所在区划"), max_length=12)
    name = models.CharField(_("安置点名称"), max_length=100)
    site_type = models.CharField(_("安置方式"), max_length=12, choices=SiteType.choices)
    capacity = models.PositiveIntegerField(_("容纳户数"))
    status = models.CharField(_("状态"), max_length=10, choices=SiteStatus.choices, default=SiteStatus.BUILDING)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("安置点")
        verbose_name_plural = _("安置点")
        constraints = [models.UniqueConstraint(fields=["county_code", "name"], name="site_name_unique")]
        indexes = [models.Index(fields=["division_code"], name="site_area")]

    def __str__(self) -> str:
        return self.name


class Relocation(HouseholdRecord):
    """A household's move to a site: confirmed willing, allocated, moved in."""

    site = models.ForeignKey(RelocationSite, on_delete=models.PROTECT, related_name="relocations",
                             verbose_name=_("安置点"))
    year = models.PositiveSmallIntegerField(_("搬迁年度"))
    willing_confirmed = models.BooleanField(_("已确认搬迁意愿"), default=False)
    allocated_on = models.DateField(_("分配日期"))
    moved_in_on = models.DateField(_("入住日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RelocationStatus.choices,
                              default=RelocationStatus.ALLOCATED)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("搬迁安置")
        verbose_name_plural = _("搬迁安置")
        constraints = [models.UniqueConstraint(fields=["county_code", "household"], condition=~Q(status="cancelled"),
                                               name="relocation_one_active")]
        indexes = [models.Index(fields=["division_code", "status"], name="relocation_area_status"),
                   models.Index(fields=["site", "status"], name="relocation_site_status"),
                   models.Index(fields=["household"], name="relocation_household")]

    def __str__(self) -> str:
        return f"{self.household} → {self.site}"


# --- charity ----------------------------------------------------------------------------------

class CharityNeed(models.Model):
    """A need posted for a household or a whole village (amount in yuan; in-kind needs at their value)."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("所在村"), max_length=12)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("户（为空则为村级需求）"), db_index=False)
    category = models.CharField(_("类别"), max_length=16, choices=CharityCategory.choices)
    title = models.CharField(_("需求名称"), max_length=100)
    description = models.TextField(_("需求说明"), blank=True)
    in_kind = models.BooleanField(_("实物需求"), default=False)
    amount = models.DecimalField(_("所需金额或折价（元）"), **MONEY)
    matched_amount = models.DecimalField(_("已对接金额（元）"), default=ZERO, editable=False, **MONEY)
    posted_on = models.DateField(_("发布日期"))
    status = models.CharField(_("状态"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    withdraw_reason = models.CharField(_("撤回原因"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶需求")
        verbose_name_plural = _("帮扶需求")
        indexes = [models.Index(fields=["division_code", "status"], name="need_area_status"),
                   models.Index(fields=["household"], name="need_household")]

    def __str__(self) -> str:
        return self.title

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.matched_amount


class CharityOffer(models.Model):
    """What an organisation or a person offers (money, or goods and services at their value)."""

    AREA_FIELD = "division_code"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("面向区域"), max_length=12)
    donor = models.CharField(_("单位或个人"), max_length=100)
    donor_type = models.CharField(_("捐助方类型"), max_length=12, choices=DonorType.choices,
                                  default=DonorType.ORGANISATION)
    contact = models.CharField(_("联系人及电话"), max_length=60, blank=True)
    category = models.CharField(_("类别"), max_length=16, choices=CharityCategory.choices)
    description = models.TextField(_("捐助内容"), blank=True)
    in_kind = models.BooleanField(_("实物捐助"), default=False)
    amount = models.DecimalField(_("金额或折价（元）"), **MONEY)
    matched_amount = models.DecimalField(_("已对接金额（元）"), default=ZERO, editable=False, **MONEY)
    offered_on = models.DateField(_("登记日期"))
    status = models.CharField(_("状态"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    withdraw_reason = models.CharField(_("撤回原因"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶资源")
        verbose_name_plural = _("帮扶资源")
        indexes = [models.Index(fields=["division_code", "status"], name="offer_area_status")]

    def __str__(self) -> str:
        return self.donor

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.matched_amount


class CharityMatch(models.Model):
    """Part (or all) of an offer assigned to a need; fulfilled when handed over."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "need__household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("所在村"), max_length=12, editable=False)
    need = models.ForeignKey(CharityNeed, on_delete=models.PROTECT, related_name="matches", verbose_name=_("需求"))
    offer = models.ForeignKey(CharityOffer, on_delete=models.PROTECT, related_name="matches",
                              verbose_name=_("资源"))
    amount = models.DecimalField(_("对接金额（元）"), **MONEY)
    matched_on = models.DateField(_("对接日期"))
    fulfilled_on = models.DateField(_("兑现日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=MatchStatus.choices, default=MatchStatus.MATCHED)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("需求对接")
        verbose_name_plural = _("需求对接")
        indexes = [models.Index(fields=["division_code", "status"], name="match_area_status")]

    def __str__(self) -> str:
        return f"{self.offer} → {self.need}"
