"""Records of imports and of department data matching runs (each with its file, counts, results)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.core.codes import CodeList
from fupin.core.scope import ScopedQuerySet


class ImportStatus(CodeList):
    RUNNING = "running", _("处理中")
    REJECTED = "rejected", _("有错误，未导入")
    CHECKED = "checked", _("检查通过（试导入）")
    IMPORTED = "imported", _("已导入")
    FAILED = "failed", _("失败")


def _upload_path(instance, filename: str) -> str:
    return f"imports/{instance.county_code or 'all'}/{instance.stored_name}"


class ImportBatch(models.Model):
    """One upload of the household workbook: the file, what was asked, what happened."""

    AREA_FIELD = "division_code"

    county_code = models.CharField(_("县级代码"), max_length=6, blank=True)
    division_code = models.CharField(_("导入范围"), max_length=12, blank=True)
    file = models.FileField(_("文件"), upload_to=_upload_path)
    stored_name = models.CharField(max_length=80)
    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    dry_run = models.BooleanField(_("只检查不导入"), default=False)
    partial = models.BooleanField(_("跳过有错误的户"), default=False)
    sync_members = models.BooleanField(_("同步减员"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.RUNNING)
    counts = models.JSONField(_("统计"), default=dict, blank=True)
    problem_count = models.PositiveIntegerField(_("错误数"), default=0)
    report = models.FileField(_("错误报告"), upload_to="imports/reports/", blank=True)
    job = models.ForeignKey("core.Job", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入批次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class Source(CodeList):
    """The kinds of department list the county receives (domain.md 2.1 and 3)."""

    MEDICAL_INSURANCE = "medical_insurance", _("医保：医疗费用与参保")
    CIVIL_AFFAIRS = "civil_affairs", _("民政：低保、特困、临时救助")
    DISABLED_FEDERATION = "disabled_federation", _("残联：残疾人证")
    EDUCATION = "education", _("教育：辍学与学生资助")
    HOUSING = "housing", _("住建：农村危房")
    HUMAN_RESOURCES = "human_resources", _("人社：失业与就业登记")
    PUBLIC_SECURITY = "public_security", _("公安：死亡与户籍迁出")
    MARKET_REGULATION = "market_regulation", _("市场监管：工商注册登记")
    VEHICLES = "vehicles", _("公安交管：机动车登记")
    SALARIED = "salaried", _("财政供养人员")
    NATIONAL = "national", _("全国防返贫监测系统：回传预警名单")


class Outcome(CodeList):
    CLUE = "clue", _("风险线索")
    DISCREPANCY = "discrepancy", _("数据差异")


class MatchRule(models.Model):
    """A configurable rule of a county: which matches of a department list become a risk clue or a
    discrepancy report. The condition is one of the kinds in :mod:`fupin.exchange.matching`; the
    county sets its parameters (thresholds, household types) and switches it on or off."""

    county_code = models.CharField(_("县级代码"), max_length=6)
    kind = models.CharField(_("规则"), max_length=40)
    source = models.CharField(_("数据来源"), max_length=30, choices=Source.choices)
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices)
    name = models.CharField(_("名称"), max_length=100)
    risk = models.CharField(_("风险类型"), max_length=100, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    household_types = models.JSONField(_("适用户类型"), default=list, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("比对规则")
        ordering = ["source", "id"]
        constraints = [models.UniqueConstraint(fields=["county_code", "kind"], name="matchrule_county_kind")]

    def __str__(self) -> str:
        return self.name


class MatchStatus(CodeList):
    RUNNING = "running", _("处理中")
    DONE = "done", _("已完成")
    REJECTED = "rejected", _("文件无法读取")
    FAILED = "failed", _("失败")


class MatchRun(models.Model):
    """One department list matched against the registry: the file, its counts, its findings."""

    AREA_FIELD = "division_code"

    county_code = models.CharField(_("县级代码"), max_length=6)
    division_code = models.CharField(_("比对范围"), max_length=12)
    source = models.CharField(_("数据来源"), max_length=30, choices=Source.choices)
    file = models.FileField(_("文件"), upload_to="matches/")
    stored_name = models.CharField(max_length=80)
    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(_("状态"), max_length=10, choices=MatchStatus.choices, default=MatchStatus.RUNNING)
    counts = models.JSONField(_("统计"), default=dict, blank=True)
    report = models.FileField(_("未匹配与无效行"), upload_to="matches/reports/", blank=True)
    job = models.ForeignKey("core.Job", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("比对时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("比对批次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_source_display()}"


class FindingStatus(CodeList):
    OPEN = "open", _("待核实")
    FIXED = "fixed", _("已核实更正")
    DISMISSED = "dismissed", _("部门数据有误或无需处理")


class MatchFinding(models.Model):
    """What one rule found for one household (and member): a risk clue or a discrepancy."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    run = models.ForeignKey(MatchRun, on_delete=models.PROTECT, related_name="findings")
    rule = models.ForeignKey(MatchRule, on_delete=models.PROTECT, related_name="+", verbose_name=_("规则"))
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices)
    county_code = models.CharField(max_length=6)
    division_code = models.CharField(max_length=12)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("户"))
    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("成员"))
    row = models.PositiveIntegerField(_("文件行号"), null=True, blank=True)
    value = models.CharField(_("部门数据"), max_length=200, blank=True)
    detail = models.CharField(_("情况"), max_length=500)
    clue = models.ForeignKey("workflows.RiskClue", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("风险线索"))
    status = models.CharField(_("状态"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    note = models.TextField(_("核实说明"), blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    handled_at = models.DateTimeField(_("核实时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("比对发现")
        indexes = [models.Index(fields=["run", "outcome", "division_code"], name="finding_run"),
                   models.Index(fields=["outcome", "status", "division_code"], name="finding_open_area"),
                   models.Index(fields=["household"], name="finding_household")]

    def __str__(self) -> str:
        return self.detail


class NationalExport(models.Model):
    """One batch of the year's monitored households sent to the national monitoring system
    (全国防返贫监测信息系统): the workbook as it went out, the column map it used, who made it."""

    AREA_FIELD = "county_code"

    county_code = models.CharField(_("县级代码"), max_length=6)
    year = models.PositiveSmallIntegerField(_("年度"))
    file = models.FileField(_("文件"), upload_to="national/")
    households = models.PositiveIntegerField(_("户数"), default=0)
    counts = models.JSONField(_("统计"), default=dict, blank=True)
    columns = models.JSONField(_("列对照"), default=list, help_text=_("导出时使用的列对照（字段、表头）"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("导出时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("全国系统报送批次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.year}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("exchange:national_detail", args=[self.pk])


class NationalExportItem(models.Model):
    """A household in a national batch, with the monitoring case it went out for (if one was waiting
    at the step 录入全国防返贫监测系统) and what the row reported."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(max_length=6)
    division_code = models.CharField(max_length=12)
    batch = models.ForeignKey(NationalExport, on_delete=models.PROTECT, related_name="items")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("workflows.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    report = models.CharField(_("报送类型"), max_length=10)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("报送户")
        constraints = [models.UniqueConstraint(fields=["county_code", "batch", "household"], name="national_item_once")]
        indexes = [models.Index(fields=["household"], name="national_item_household")]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.household_id}"
