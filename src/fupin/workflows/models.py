"""Cases of the procedures, their step history, documents, democratic reviews, public notices with
objections, risk clues, and the working year with its frozen snapshot."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.core.codes import CodeList
from fupin.core.scope import ScopedQuerySet
from fupin.workflows.procedures import DocumentKind, Kind, procedure


class CaseStatus(CodeList):
    OPEN = "open", _("办理中")
    DONE = "done", _("已办结")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class Outcome(CodeList):
    START = "start", _("发起")
    PASS = "pass", _("通过")
    RETURN = "return", _("退回")
    REJECT = "reject", _("不予通过")
    POSTED = "posted", _("公示")
    WITHDRAW = "withdraw", _("撤回")


class RiskMethod(CodeList):
    ASSISTED = "assisted", _("帮扶消除")
    NATURAL = "natural", _("自然消除")


class CaseQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status=CaseStatus.OPEN)


class Case(models.Model):
    """One household (or, for the village procedures, one village) going through one procedure."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(_("县级代码"), max_length=6)
    division_code = models.CharField(_("区划代码"), max_length=12)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="cases",
                                  verbose_name=_("户"), null=True, blank=True,
                                  help_text=_("村级程序（贫困村退出）没有户：对象是 division_code 的村"))
    kind = models.CharField(_("程序"), max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    step = models.CharField(_("当前环节"), max_length=30)
    step_started_at = models.DateTimeField(_("环节开始时间"))
    step_due = models.DateField(_("环节办理期限"))
    due = models.DateField(_("全程办理期限"), null=True, blank=True)
    options = models.JSONField(_("程序选项"), default=dict, blank=True)
    data = models.JSONField(_("办理数据"), default=dict, blank=True,
                            help_text=_("如返贫纳入类型、监测类型、风险消除方式"))
    reason = models.CharField(_("理由"), max_length=300, blank=True,
                              help_text=_("公示用的理由，不得包含证件号码、电话、银行账号和健康信息"))
    clue = models.ForeignKey("RiskClue", on_delete=models.PROTECT, null=True, blank=True, related_name="cases")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    started_at = models.DateTimeField(_("发起时间"))
    finished_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("办理案件")
        verbose_name_plural = _("办理案件")
        indexes = [
            models.Index(fields=["status", "division_code", "step"], name="case_open_area_step"),
            models.Index(fields=["household", "kind"], name="case_household"),
            models.Index(fields=["county_code", "year", "kind"], name="case_county_year"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("workflows:case_detail", args=[self.pk])

    @property
    def procedure(self):
        return procedure(self.kind)

    @property
    def current_step(self):
        return self.procedure.step(self.step)

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN

    @property
    def is_village_case(self) -> bool:
        return self.household_id is None

    @property
    def subject_label(self) -> str:
        """Who the case is about, as a list shows it: the household's code, or the village's name."""
        if self.household_id is not None:
            return self.household.household_code
        from fupin.divisions.models import Division

        return Division.objects.filter(code=self.division_code).values_list("name", flat=True).first() or \
            self.division_code

    @property
    def subject_url(self) -> str:
        from django.urls import reverse

        if self.household_id is not None:
            return self.household.get_absolute_url()
        return reverse("registry:village_detail", args=[self.division_code])


class CaseStep(models.Model):
    """What happened at a step: who, when, the outcome and its reason, and what was supplied."""

    AREA_FIELD = "case__division_code"
    HELPER_FIELD = "case__household__helper_user_id"

    county_code = models.CharField(max_length=6)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(_("环节"), max_length=30)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("填报内容"), default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    acted_at = models.DateTimeField(_("办理时间"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("办理记录")
        ordering = ["acted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.step} {self.outcome}"


class DemocraticReview(models.Model):
    """A meeting of the villagers' representatives (or the village committees) reviewing cases."""

    AREA_FIELD = "division_code"

    county_code = models.CharField(max_length=6)
    division_code = models.CharField(_("村"), max_length=12)
    held_on = models.DateField(_("会议日期"))
    place = models.CharField(_("地点"), max_length=100)
    chair = models.CharField(_("主持人"), max_length=50)
    expected = models.PositiveIntegerField(_("应到人数"))
    present = models.PositiveIntegerField(_("实到人数"))
    minutes = models.TextField(_("会议记录"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("民主评议会议")

    def __str__(self) -> str:
        return f"{self.division_code} {self.held_on}"


def _document_path(instance, filename: str) -> str:
    return f"cases/{instance.county_code}/{instance.case_id}/{instance.stored_name}"


class Document(models.Model):
    """An attachment (photo, signed form, minutes...) stored on disk, checked for type and size."""

    AREA_FIELD = "case__division_code"
    HELPER_FIELD = "case__household__helper_user_id"

    county_code = models.CharField(max_length=6)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("材料类型"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("文件"), upload_to=_document_path)
    stored_name = models.CharField(max_length=80)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=60)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("附件材料")

    def __str__(self) -> str:
        return self.original_name


class NoticeKind(CodeList):
    NOTICE = "notice", _("公示")
    ANNOUNCEMENT = "announcement", _("公告")


class NoticeStatus(CodeList):
    POSTED = "posted", _("公示中")
    CLOSED = "closed", _("已结束")


class Notice(models.Model):
    """A public notice (公示) or announcement (公告) posted in a village for cases at one step."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "cases__household__helper_user_id"  # a helper: notices of their households
    HELPER_MANY = True

    county_code = models.CharField(max_length=6)
    division_code = models.CharField(_("村"), max_length=12)
    kind = models.CharField(_("类型"), max_length=12, choices=NoticeKind.choices)
    procedure = models.CharField(_("程序"), max_length=12, choices=Kind.choices)
    step = models.CharField(_("环节"), max_length=30)
    title = models.CharField(_("标题"), max_length=200)
    posted_on = models.DateField(_("张贴日期"))
    period_days = models.PositiveSmallIntegerField(_("公示天数"))
    ends_on = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.POSTED)
    contact = models.CharField(_("受理异议电话（村委会）"), max_length=30, blank=True)
    cases = models.ManyToManyField(Case, related_name="notices")
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示公告")
        ordering = ["-posted_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("workflows:notice_detail", args=[self.pk])


class Objection(models.Model):
    """An objection raised during a notice period; it must be resolved before the notice ends."""

    AREA_FIELD = "notice__division_code"
    HELPER_FIELD = "case__household__helper_user_id"

    county_code = models.CharField(max_length=6)
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="objections")
    raised_by = models.CharField(_("异议人"), max_length=50)
    raised_on = models.DateField(_("提出日期"))
    content = models.TextField(_("异议内容"))
    resolved = models.BooleanField(_("已处理"), default=False)
    upheld = models.BooleanField(_("异议成立"), null=True)
    resolution = models.TextField(_("处理结果"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("异议")

    def __str__(self) -> str:
        return f"{self.raised_by} {self.raised_on}"


class ClueSource(CodeList):
    SELF_REPORT = "self_report", _("农户自主申报")
    CADRE_VISIT = "cadre_visit", _("干部走访排查")
    IDENTIFICATION = "identification", _("识别运行预警")
    DEPARTMENT = "department", _("部门信息比对")
    ASSESSMENT = "assessment", _("考核评估抽查")
    NATIONAL = "national", _("全国防返贫监测系统")
    OTHER = "other", _("其他")


class ClueStatus(CodeList):
    OPEN = "open", _("待处理")
    DISMISSED = "dismissed", _("已排除")
    CONVERTED = "converted", _("已纳入监测程序")


class RiskClueQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status=ClueStatus.OPEN)


class RiskClue(models.Model):
    """A sign that a household may be at risk; handled within its deadline (dismissed with a
    reason, or turned into a monitoring case)."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(max_length=6)
    division_code = models.CharField(max_length=12)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="risk_clues",
                                  verbose_name=_("户"))
    source = models.CharField(_("来源"), max_length=20, choices=ClueSource.choices)
    risk = models.CharField(_("风险类型"), max_length=100)
    detail = models.TextField(_("情况"), blank=True)
    found_on = models.DateField(_("发现日期"))
    due_on = models.DateField(_("处理期限"))
    status = models.CharField(_("状态"), max_length=10, choices=ClueStatus.choices, default=ClueStatus.OPEN)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    dismiss_reason = models.TextField(_("排除理由"), blank=True)
    run = models.ForeignKey("targeting.IdentificationRun", on_delete=models.PROTECT, null=True, blank=True,
                            related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RiskClueQuerySet.as_manager()

    class Meta:
        verbose_name = _("风险线索")
        verbose_name_plural = _("风险线索")
        indexes = [models.Index(fields=["status", "division_code", "due_on"], name="clue_open_area_due"),
                   models.Index(fields=["household", "status"], name="clue_household")]

    def __str__(self) -> str:
        return f"{self.risk} #{self.pk}"


class YearStatus(CodeList):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已关账")


class WorkYear(models.Model):
    """A county's year of dynamic adjustment (动态调整): opened, worked, closed with a snapshot."""

    AREA_FIELD = "county_code"

    county_code = models.CharField(_("县级代码"), max_length=6)
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=10, choices=YearStatus.choices, default=YearStatus.OPEN)
    run = models.ForeignKey("targeting.IdentificationRun", on_delete=models.PROTECT, null=True, blank=True,
                            related_name="+", verbose_name=_("年度识别运行"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(_("年度汇总"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度动态调整")
        constraints = [models.UniqueConstraint(fields=["county_code", "year"], name="work_year_unique")]

    def __str__(self) -> str:
        return f"{self.county_code} {self.year}"

    @property
    def is_open(self) -> bool:
        return self.status == YearStatus.OPEN


class YearSnapshot(models.Model):
    """Each household as it stood when its county closed the year (never changed afterwards)."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    division_code = models.CharField(max_length=12)
    status = models.CharField(max_length=10)
    household_type = models.CharField(max_length=12)
    poverty_attribute = models.CharField(max_length=10, blank=True)
    monitoring_type = models.CharField(max_length=10, blank=True)
    size = models.PositiveSmallIntegerField()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度快照")
        constraints = [models.UniqueConstraint(fields=["county_code", "year", "household"], name="snapshot_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.household_id}"
