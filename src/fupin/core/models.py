"""The append-only audit trail and small key-value settings of the installation."""

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.core.scope import ScopedQuerySet


class AuditEventQuerySet(ScopedQuerySet):
    def for_household(self, household_id: int):
        return self.filter(household_id=household_id)

    def bulk_create(self, objs, *args, **kwargs):
        """Chain the new events (in list order, per county) in the same transaction, then insert them."""
        from fupin.core import audit

        objs = list(objs)
        with transaction.atomic(using=self.db):
            audit.chain(objs, using=self.db)
            return super().bulk_create(objs, *args, **kwargs)


class AuditEvent(models.Model):
    """One recorded change. Rows are never updated or deleted (the database refuses it).

    ``before``/``after`` hold only the fields that changed, as JSON-safe values, so the state of
    any object at any past moment can be rebuilt by undoing later events (see registry.history).
    """

    AREA_FIELD = "division_code"

    county_code = models.CharField(_("县级代码"), max_length=6, blank=True, db_index=True)
    occurred_at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    ip_address = models.CharField(_("IP 地址"), max_length=45, blank=True)
    verb = models.CharField(_("操作"), max_length=64)
    object_type = models.CharField(_("对象类型"), max_length=40, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    division_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    household_id = models.BigIntegerField(_("户"), null=True, blank=True)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    # The chain (see fupin.core.audit): SHA-256 of this event's content and the previous event's hash
    # in the same county (GENESIS for the first), so that a changed, removed or inserted event shows.
    prev_hash = models.CharField(_("前一事件哈希"), max_length=64, editable=False)
    hash = models.CharField(_("哈希"), max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        indexes = [
            models.Index(fields=["household_id", "occurred_at"], name="audit_household_time"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["division_code", "occurred_at"], name="audit_division_time"),
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_time"),
            models.Index(fields=["county_code", "id"], name="audit_chain_order"),
        ]
        constraints = [
            # Every event is chained, and no two events of a county chain onto the same predecessor.
            models.CheckConstraint(condition=~models.Q(hash=""), name="audit_hash_set"),
            models.UniqueConstraint(fields=["county_code", "prev_hash"], name="audit_chain_link"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        """A new event is chained (fupin.core.audit.chain) before it is written."""
        if self._state.adding and not self.hash:
            from fupin.core import audit

            using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
            with transaction.atomic(using=using):
                audit.chain([self], using=using)
                return super().save(*args, **kwargs)
        return super().save(*args, **kwargs)


class Setting(models.Model):
    """Installation-wide facts such as "this database holds the demo county"."""

    key = models.CharField(max_length=100, primary_key=True)
    value = models.JSONField(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("系统设置")

    def __str__(self) -> str:
        return self.key

    @classmethod
    def get(cls, key: str, default=None):
        row = cls.objects.filter(key=key).first()
        return default if row is None else row.value

    @classmethod
    def put(cls, key: str, value) -> None:
        cls.objects.update_or_create(key=key, defaults={"value": value})


class Job(models.Model):
    """A piece of background work (an identification run, an import...) with its progress.

    The task queue (django-tasks with the database backend) executes it; this row is what the
    pages poll for the progress bar and what remains as the record of how it went.
    """

    AREA_FIELD = "division_code"

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("运行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=40)
    title = models.CharField(_("名称"), max_length=200)
    county_code = models.CharField(_("县级代码"), max_length=6, blank=True)
    division_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    message = models.CharField(_("当前步骤"), max_length=300, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
