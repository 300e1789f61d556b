"""Fund sources, the project library (项目库) with its status history, allocations (source to project,
village or household), disbursements (never deleted: a mistaken payment is reversed by a negative
entry) and the thresholds of the plan's fund rules.

Money is ``DecimalField(max_digits=14, decimal_places=2)``: yuan with fen, never float. Every table
carries ``county_code`` and its unique keys include it. The sums that must never be exceeded (a
source's amount, a project's budget, an allocation) are enforced by the actions under row locks.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.accounts.roles import Department
from fupin.core.codes import CodeList
from fupin.core.scope import ScopedQuerySet

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


class SourceKind(CodeList):
    CENTRAL_INDUSTRY = "central_industry", _("中央财政专项扶贫资金（产业）")
    PROVINCIAL_VILLAGE = "provincial_village", _("省级贫困村专项资金")
    COUNTY_INTEGRATED = "county_integrated", _("县级整合资金")
    DEPARTMENT = "department", _("部门资金")
    SOCIAL = "social", _("社会帮扶资金")
    OTHER = "other", _("其他")


class ProjectType(CodeList):
    INDUSTRY = "industry", _("产业发展")
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    TRAINING = "training", _("就业培训")
    HOUSING = "housing", _("安居工程")
    EDUCATION = "education", _("教育")
    HEALTH = "health", _("健康")
    WELFARE_JOBS = "welfare_jobs", _("公益岗位")
    RELOCATION = "relocation", _("易地搬迁")
    OTHER = "other", _("其他")


# The assistance categories of domain.md 3 each project type belongs to (the 帮扶措施 a project
# delivers), so project and measure statistics speak the same language.
ASSISTANCE_CATEGORY = {
    ProjectType.INDUSTRY: _("产业帮扶"),
    ProjectType.INFRASTRUCTURE: _("基础设施"),
    ProjectType.TRAINING: _("就业帮扶"),
    ProjectType.HOUSING: _("住房安全"),
    ProjectType.EDUCATION: _("义务教育"),
    ProjectType.HEALTH: _("健康帮扶"),
    ProjectType.WELFARE_JOBS: _("公益岗位"),
    ProjectType.RELOCATION: _("易地搬迁"),
    ProjectType.OTHER: _("其他"),
}


class ProjectStatus(CodeList):
    DECLARED = "declared", _("申报")
    APPROVED = "approved", _("审批")
    IMPLEMENTING = "implementing", _("实施")
    ACCEPTED = "accepted", _("验收")
    COMPLETED = "completed", _("完成")
    REJECTED = "rejected", _("驳回")
    CANCELLED = "cancelled", _("撤销")


# Projects that may receive allocations and disbursements.
FUNDABLE = (ProjectStatus.APPROVED, ProjectStatus.IMPLEMENTING, ProjectStatus.ACCEPTED, ProjectStatus.COMPLETED)
# Projects that count (in the library, in the village's batch of projects).
LIVE = (ProjectStatus.DECLARED, *FUNDABLE)


class DisbursementMode(CodeList):
    LOAN_RISK = "loan_risk", _("贷款风险补偿")
    LOAN_INTEREST = "loan_interest", _("贷款贴息")
    DIRECT_SUBSIDY = "direct_subsidy", _("产业直补")
    INSURANCE = "insurance", _("产业保险")
    REWARD = "reward", _("以奖代补")
    ASSET_SHARES = "asset_shares", _("资产收益折股")
    # Not one of the plan's industry modes: paying contractors of infrastructure and other works.
    WORKS = "works", _("工程建设支付")


# Modes paid to a household: the household must be named (and be one of the project's beneficiaries).
HOUSEHOLD_MODES = (DisbursementMode.DIRECT_SUBSIDY, DisbursementMode.REWARD, DisbursementMode.ASSET_SHARES)


class RecordStatus(CodeList):
    ACTIVE = "active", _("有效")
    CANCELLED = "cancelled", _("已撤销")


# --- fund sources ------------------------------------------------------------------------------

class FundSource(models.Model):
    """One year's fund from one source (a document with an amount), received by the county."""

    AREA_FIELD = "division_code"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("资金类别"), max_length=20, choices=SourceKind.choices)
    department = models.CharField(_("部门"), max_length=30, choices=Department.choices, blank=True)
    name = models.CharField(_("资金名称"), max_length=200)
    document_no = models.CharField(_("文号"), max_length=100, blank=True)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    received_on = models.DateField(_("到账日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    status_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("资金来源")
        verbose_name_plural = _("资金来源")
        indexes = [models.Index(fields=["county_code", "year", "kind"], name="fundsource_county_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("funds:source_detail", args=[self.pk])


# --- the project library -----------------------------------------------------------------------

class ProjectQuerySet(ScopedQuerySet):
    def live(self):
        return self.filter(status__in=LIVE)

    def fundable(self):
        return self.filter(status__in=FUNDABLE)


class Project(models.Model):
    """A project in the library: at a county, a township or a village (12-digit code)."""

    AREA_FIELD = "division_code"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("实施地点"), max_length=12)
    year = models.PositiveSmallIntegerField(_("年度"))
    code = models.CharField(_("项目编号"), max_length=30)
    name = models.CharField(_("项目名称"), max_length=200)
    type = models.CharField(_("项目类型"), max_length=20, choices=ProjectType.choices)
    budget = models.DecimalField(_("预算（元）"), **MONEY)
    lead_unit = models.CharField(_("牵头单位"), max_length=100)
    cooperating_units = models.CharField(_("配合单位"), max_length=300, blank=True)
    starts_on = models.DateField(_("计划开工日期"), null=True, blank=True)
    ends_on = models.DateField(_("计划完成日期"), null=True, blank=True)
    description = models.TextField(_("建设内容"), blank=True)
    village_wide = models.BooleanField(
        _("惠及全村"), default=False,
        help_text=_("村内公共项目（如道路、饮水）：受益户可为一般农户。否则到户项目的受益户须为建档立卡户或监测户"))
    status = models.CharField(_("状态"), max_length=12, choices=ProjectStatus.choices,
                              default=ProjectStatus.DECLARED)
    status_reason = models.CharField(_("驳回或撤销原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目库")
        constraints = [models.UniqueConstraint(fields=["county_code", "code"], name="project_code_unique")]
        indexes = [
            models.Index(fields=["division_code", "year", "status"], name="project_area_year"),
            models.Index(fields=["county_code", "year", "type"], name="project_county_year"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("funds:project_detail", args=[self.pk])

    @property
    def is_village_project(self) -> bool:
        return len(self.division_code) == 12

    @property
    def is_fundable(self) -> bool:
        return self.status in FUNDABLE

    @property
    def assistance_category(self) -> str:
        return str(ASSISTANCE_CATEGORY.get(self.type, ""))


class ProjectBeneficiary(models.Model):
    """A household the project benefits, with the amount planned for it."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("村"), max_length=12, editable=False)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="beneficiaries",
                                verbose_name=_("项目"))
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="fund_projects",
                                  verbose_name=_("户"))
    planned_amount = models.DecimalField(_("计划金额（元）"), default=ZERO, **MONEY)
    added_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("受益户")
        verbose_name_plural = _("受益户")
        constraints = [models.UniqueConstraint(fields=["county_code", "project", "household"],
                                               name="beneficiary_unique")]
        indexes = [models.Index(fields=["household", "project"], name="beneficiary_household")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.household_id}"


class ProjectStep(models.Model):
    """One status change of a project: who, when, from and to, and why."""

    AREA_FIELD = "project__division_code"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="steps", verbose_name=_("项目"))
    from_status = models.CharField(_("原状态"), max_length=12, choices=ProjectStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=ProjectStatus.choices)
    note = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    actor_label = models.CharField(_("办理人"), max_length=150, blank=True)
    acted_at = models.DateTimeField(_("办理时间"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目办理记录")
        ordering = ["acted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.from_status}->{self.to_status}"


# --- allocations and disbursements -------------------------------------------------------------

class Allocation(models.Model):
    """Money of a source given to a project, optionally narrowed to a village and/or a household.

    ``division_code`` is where the money goes: the household's village, the village named, or else
    the project's own area; the area ledgers group by it.
    """

    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    division_code = models.CharField(_("到村（区划）"), max_length=12, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"), editable=False)
    source = models.ForeignKey(FundSource, on_delete=models.PROTECT, related_name="allocations",
                               verbose_name=_("资金来源"))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="allocations",
                                verbose_name=_("项目"))
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="fund_allocations", verbose_name=_("到户"))
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    purpose = models.CharField(_("用途"), max_length=300, blank=True)
    allocated_on = models.DateField(_("下达日期"))
    status = models.CharField(_("状态"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    status_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("资金分配")
        verbose_name_plural = _("资金分配")
        indexes = [
            models.Index(fields=["division_code", "year"], name="allocation_area_year"),
            models.Index(fields=["county_code", "year", "source"], name="allocation_county_year"),
            models.Index(fields=["project", "status"], name="allocation_project"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.amount}"

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url() + f"#allocation-{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status == RecordStatus.ACTIVE


class Disbursement(models.Model):
    """A payment against one allocation. Never deleted or changed: a mistaken payment is reversed by
    a second entry with the negative amount that names the original and the reason."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    # where the payment landed: the household's village, else the allocation's area
    division_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"), editable=False)
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="disbursements",
                                   verbose_name=_("资金分配"))
    # copied from the allocation so the ledgers group without joins
    source = models.ForeignKey(FundSource, on_delete=models.PROTECT, related_name="+", editable=False)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="disbursements", editable=False)
    allocation_area = models.CharField(_("分配区划"), max_length=12, editable=False)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    mode = models.CharField(_("支付方式"), max_length=20, choices=DisbursementMode.choices)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="fund_disbursements", verbose_name=_("受益户"))
    paid_on = models.DateField(_("支付日期"))
    voucher_no = models.CharField(_("凭证号"), max_length=60)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="reversed_by", verbose_name=_("冲销的支付"))
    reason = models.CharField(_("冲销原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("资金支付")
        verbose_name_plural = _("资金支付")
        indexes = [
            models.Index(fields=["allocation_area", "year"], name="disb_alloc_area_year"),
            models.Index(fields=["division_code", "year"], name="disb_area_year"),
            models.Index(fields=["county_code", "year", "source", "mode"], name="disb_county_year"),
            models.Index(fields=["household", "paid_on"], name="disb_household"),
            models.Index(fields=["allocation"], name="disb_allocation"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.amount}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


# --- the plan's fund rules, as data --------------------------------------------------------------

class FundRule(models.Model):
    """The thresholds of the yearly policy checks for a region (county code, or a shorter prefix,
    or '' for everywhere) from a year on. The most specific region, latest year <= the checked
    year wins; without any row the plan's numbers apply (see ``rules.DEFAULTS``)."""

    AREA_FIELD = "region_code"

    county_code = models.CharField(_("县级代码"), max_length=6, blank=True, editable=False)
    region_code = models.CharField(_("适用区域"), max_length=12, blank=True)
    year = models.PositiveSmallIntegerField(_("起始年度"))
    reward_share = models.DecimalField(_("以奖代补最低比例"), max_digits=5, decimal_places=4,
                                       help_text=_("占当年中央产业扶贫资金的比例，如 0.30"))
    poor_village_amount = models.DecimalField(_("每个贫困村省级资金（元）"), **MONEY)
    village_infrastructure_min = models.DecimalField(_("县级整合资金用于村基础设施最低额（元）"), **MONEY)
    document = models.CharField(_("依据"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("资金政策标准")
        verbose_name_plural = _("资金政策标准")
        constraints = [models.UniqueConstraint(fields=["county_code", "region_code", "year"],
                                               name="fundrule_region_year")]

    def __str__(self) -> str:
        return f"{self.region_code or '*'} {self.year}"
