"""The county's own exit assessment (三率一度, domain.md 2.3): a reproducible random sample of households,
stratified by township, in three frames (exited, registered poor, not registered), and one survey
per sampled household."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.core import clock
from fupin.core.codes import CodeList
from fupin.core.scope import ScopedQuerySet


class Frame(CodeList):
    """Whom a sampled household stands for."""

    EXITED = "exited", _("脱贫户")
    REGISTERED = "registered", _("在册贫困户")
    NON_REGISTERED = "non_registered", _("非建档立卡农户")


class SampleStatus(CodeList):
    OPEN = "open", _("调查中")
    CLOSED = "closed", _("已结束")


class SampleQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A county's samples are seen by everyone whose area lies in (or contains) the county: a
        township sees the sample (and only its own sampled households: SampleItem is scoped itself)."""
        from fupin.core.scope import scope_for

        scope = scope_for(user)
        if scope.is_empty:
            return self.none()
        if scope.unrestricted:
            return self
        q = models.Q(county_code__in={p[:6] for p in scope.prefixes if len(p) >= 6})
        for prefix in (p for p in scope.prefixes if len(p) < 6):
            q |= models.Q(county_code__startswith=prefix)
        return self.filter(q)


class Sample(models.Model):
    """One assessment sample of a county and year: the seed and the sizes per stratum it was drawn
    with (so the same draw can be made again), the frame sizes at the time, who drew it."""

    county_code = models.CharField(_("县级代码"), max_length=6)
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=100)
    seed = models.BigIntegerField(_("随机种子"))
    sizes = models.JSONField(_("各层样本量"), help_text=_("{乡镇代码: {抽样类别: 户数}}"))
    frames = models.JSONField(_("抽样框"), default=dict, help_text=_("抽样时各层的户数与人口"))
    status = models.CharField(_("状态"), max_length=10, choices=SampleStatus.choices, default=SampleStatus.OPEN)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    drawn_at = models.DateTimeField(_("抽样时间"), default=clock.now)

    objects = SampleQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核抽样")
        verbose_name_plural = _("考核抽样")
        ordering = ["-year", "-drawn_at"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("assessment:sample", args=[self.pk])


class SampleItem(models.Model):
    """A household drawn into a sample (its frame, and its size when drawn)."""

    AREA_FIELD = "division_code"
    HELPER_FIELD = "household__helper_user_id"

    county_code = models.CharField(max_length=6)
    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, related_name="items")
    division_code = models.CharField(_("村"), max_length=12)
    frame = models.CharField(_("抽样类别"), max_length=16, choices=Frame.choices)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    size = models.PositiveSmallIntegerField(_("家庭人口"))
    order = models.PositiveIntegerField(_("序号"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("样本户")
        ordering = ["sample", "order"]
        constraints = [models.UniqueConstraint(fields=["county_code", "sample", "household"], name="sample_item_once")]
        indexes = [models.Index(fields=["sample", "division_code"], name="sample_item_area")]

    def __str__(self) -> str:
        return f"{self.sample_id}/{self.order}"


class Survey(models.Model):
    """The survey of a sampled household: the three questions, who asked them and when. One per item;
    a correction is a new version of the same row (the audit log keeps the old answers)."""

    AREA_FIELD = "item__division_code"
    HELPER_FIELD = "item__household__helper_user_id"

    county_code = models.CharField(max_length=6)
    item = models.OneToOneField(SampleItem, on_delete=models.PROTECT, related_name="survey")
    wrongly_exited = models.BooleanField(_("错退"), null=True, help_text=_("只对脱贫户：是否达不到脱贫标准却已退出"))
    missed = models.BooleanField(_("漏评"), null=True, help_text=_("只对非建档立卡农户：是否符合贫困户标准却未识别"))
    approves = models.BooleanField(_("认可帮扶工作"))
    note = models.CharField(_("情况说明"), max_length=300, blank=True)
    surveyor = models.CharField(_("调查人"), max_length=50)
    surveyed_on = models.DateField(_("调查日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now=True)
    clue = models.ForeignKey("workflows.RiskClue", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("转出的风险线索"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("入户调查")

    def __str__(self) -> str:
        return f"{self.item_id}"

    @property
    def failed(self) -> bool:
        return bool(self.wrongly_exited) or bool(self.missed)


def _report_path(instance, filename: str) -> str:
    return f"assessment/reports/{instance.sample_id}-{filename}"


class SurveyUpload(models.Model):
    """A filled-in survey workbook loaded back: who, when, how many surveys it changed, and (when it
    had problems and nothing was written) the error report in the household import's shape."""

    AREA_FIELD = "division_code"

    county_code = models.CharField(max_length=6)
    division_code = models.CharField(_("范围"), max_length=12)
    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, related_name="uploads")
    file_name = models.CharField(_("文件名"), max_length=200)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    changed = models.PositiveIntegerField(_("登记或更正的调查"), default=0)
    problem_count = models.PositiveIntegerField(_("错误数"), default=0)
    report = models.FileField(_("错误报告"), upload_to=_report_path, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("调查表导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
