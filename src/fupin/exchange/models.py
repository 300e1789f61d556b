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
