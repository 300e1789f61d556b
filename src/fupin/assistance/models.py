"""The 八个一 structure and its records: county leaders of townships, plans at every level
(一村一策、一户一法) with their measures, and the visit log of helpers and cadres.

The village work team (驻村工作队) lives in the registry (``registry.WorkTeamMember``), the helper
of a household on the household itself (``Household.helper_user`` / ``helper_name``) and the
village's batch of projects in the funds app's project library. Rows are never deleted: leaders
are ended, measures cancelled with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.core.codes import CodeList
from fupin.core.scope import ScopedQuerySet

MONEY = {"max_digits": 14, "decimal_places": 2}


class Category(CodeList):
    """Assistance categories (domain.md 3)."""

    INDUSTRY = "industry", _("产业帮扶")
    EMPLOYMENT = "employment", _("就业帮扶")
    CREDIT = "credit", _("小额信贷")
    PUBLIC_JOB = "public_job", _("公益性岗位")
    HOUSING = "housing", _("住房安全")
    WATER = "water", _("饮水安全")
    HEALTH = "health", _("健康帮扶")
    COMPULSORY_EDUCATION = "compulsory_education", _("义务教育")
    OTHER_EDUCATION = "other_education", _("其他教育帮扶")
    SAFETY_NET = "safety_net", _("综合保障")
    SOCIAL_HELP = "social_help", _("社会帮扶")
    RELOCATION = "relocation", _("易地搬迁")
    LIVING = "living", _("生活条件改善")
    INFRASTRUCTURE = "infrastructure", _("基础设施")


# Development-type help: the only categories an income project (增收项目) may be.
DEVELOPMENT_CATEGORIES = frozenset({Category.INDUSTRY, Category.EMPLOYMENT, Category.CREDIT, Category.PUBLIC_JOB})


class PlanLevel(CodeList):
    COUNTY = "county", _("县减贫规划")
    TOWNSHIP = "township", _("乡镇帮扶方案")
    VILLAGE = "village", _("村发展目标")
    HOUSEHOLD = "household", _("户帮扶计划")


# The length of the division code each level's plan is made for.
LEVEL_CODE_LENGTH = {PlanLevel.COUNTY: 6, PlanLevel.TOWNSHIP: 9, PlanLevel.VILLAGE: 12, PlanLevel.HOUSEHOLD: 12}


class PlanStatus(CodeList):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已审定")


class MeasureStatus(CodeList):
    PLANNED = "planned", _("计划")
    IN_PROGRESS = "in_progress", _("实施中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


# Measures that count (a cancelled one is kept for the record but is no measure any more).
LIVE_MEASURE_STATUSES = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS, MeasureStatus.DONE)


class CountyLeader(models.Model):
    """一乡一个挂点县领导: a county leader assigned to a township, with dates; ended, never deleted."""

    AREA_FIELD = "division_code"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("乡镇"), max_length=9)
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=60)
    unit = models.CharField(_("单位"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    started_on = models.DateField(_("挂点开始日期"))
    ended_on = models.DateField(_("挂点结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("挂点县领导")
        verbose_name_plural = _("挂点县领导")
        indexes = [models.Index(fields=["county_code", "division_code", "ended_on"], name="leader_area")]
        constraints = [
            models.UniqueConstraint(fields=["county_code", "division_code"], condition=Q(ended_on__isnull=True),
                                    name="leader_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class PlanQuerySet(ScopedQuerySet):
    pass


class Plan(models.Model):
    """A year's plan of one area or one household: 县有减贫规划、乡有脱贫方案、村有发展目标、户有致富项目."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"))
    level = models.CharField(_("层级"), max_length=10, choices=PlanLevel.choices)
    division_code = models.CharField(_("区划代码"), max_length=12)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="assistance_plans", verbose_name=_("户"), db_index=False)
    title = models.CharField(_("标题"), max_length=200)
    goals = models.TextField(_("目标任务"), blank=True)
    approach = models.TextField(_("主要举措"), blank=True)
    planned_exits = models.PositiveIntegerField(_("计划脱贫户数"), null=True, blank=True)
    planned_exit_people = models.PositiveIntegerField(_("计划脱贫人数"), null=True, blank=True)
    planned_income = models.DecimalField(_("计划人均纯收入（元）"), null=True, blank=True, **MONEY)
    status = models.CharField(_("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("审定人"))
    approved_on = models.DateField(_("审定日期"), null=True, blank=True)
    approval_note = models.CharField(_("审定意见"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶计划")
        verbose_name_plural = _("帮扶计划")
        constraints = [
            models.UniqueConstraint(fields=["county_code", "year", "level", "division_code"],
                                    condition=Q(household__isnull=True), name="plan_area_year"),
            models.UniqueConstraint(fields=["county_code", "year", "household"],
                                    condition=Q(household__isnull=False), name="plan_household_year"),
        ]
        indexes = [
            models.Index(fields=["county_code", "year", "level", "division_code"], name="plan_year_level_area"),
            models.Index(fields=["year", "division_code", "level"], name="plan_year_area"),
            models.Index(fields=["household", "year"], name="plan_household"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("assistance:plan_detail", args=[self.pk])

    @property
    def is_approved(self) -> bool:
        return self.status == PlanStatus.APPROVED


class Measure(models.Model):
    """One measure of a plan. Household measures may be the household's income project (增收项目)."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="measures", verbose_name=_("所属计划"))
    # Copied from the plan so the coverage of a million households is one index probe per household.
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", editable=False, db_index=False)
    year = models.PositiveSmallIntegerField(_("年度"), editable=False)
    category = models.CharField(_("帮扶类别"), max_length=24, choices=Category.choices)
    description = models.CharField(_("措施内容"), max_length=300)
    cost = models.DecimalField(_("资金（元）"), default=0, **MONEY)
    planned_on = models.DateField(_("计划完成日期"), null=True, blank=True)
    lead_unit = models.CharField(_("责任单位"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    income_project = models.BooleanField(_("增收项目"), default=False)
    expected_income = models.DecimalField(_("预计年增收（元）"), null=True, blank=True, **MONEY)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶措施")
        verbose_name_plural = _("帮扶措施")
        ordering = ["plan_id", "id"]
        indexes = [
            # EXISTS(measure of this household this year [that is an income project]) per household
            models.Index(fields=["household", "year", "income_project", "status"], name="measure_household"),
            models.Index(fields=["division_code", "year", "category"], name="measure_area"),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_live(self) -> bool:
        return self.status != MeasureStatus.CANCELLED


class Visit(models.Model):
    """A visit to a household by its helper or a cadre (入户走访), with what was found and done."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="visits",
                                  verbose_name=_("户"), db_index=False)
    visited_on = models.DateField(_("走访日期"))
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                                verbose_name=_("走访人"))
    visitor_name = models.CharField(_("走访人"), max_length=50)
    notes = models.TextField(_("走访情况"))
    findings = models.TextField(_("发现的问题"), blank=True)
    actions_taken = models.TextField(_("帮扶举措"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        indexes = [
            models.Index(fields=["household", "visited_on"], name="visit_household"),
            models.Index(fields=["division_code", "visited_on"], name="visit_area"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.visited_on}"


def _photo_path(instance, filename: str) -> str:
    return f"visits/{instance.county_code}/{instance.visit_id}/{instance.stored_name}"


class VisitPhoto(models.Model):
    """A photo taken on a visit, stored under MEDIA_ROOT and served only through a scoped view."""

    AREA_FIELD = "visit__division_code"
    HELPER_FIELD = "visit__household__helper_user_id"

    county_code = models.CharField(max_length=6, editable=False)
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(_("照片"), upload_to=_photo_path)
    stored_name = models.CharField(max_length=80)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=30)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访照片")
        verbose_name_plural = _("走访照片")

    def __str__(self) -> str:
        return self.original_name
