"""Users with a role, division-code grants and login-security state."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.accounts.roles import Department, Role, capabilities_of
from fupin.core.scope import AreaScope


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.VILLAGE_CADRE)
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    organisation = models.CharField(_("单位"), max_length=100, blank=True)
    department = models.CharField(_("部门"), max_length=30, choices=Department.choices, blank=True)
    failed_logins = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return f"{self.full_name or self.username} ({self.username})"

    def save(self, *args, **kwargs):
        changed = self._password is not None  # set_password() was called: a new password is saved
        super().save(*args, **kwargs)
        if changed:
            from fupin.accounts.signals import password_changed

            password_changed.send(sender=type(self), user=self)

    @cached_property
    def area_prefixes(self) -> tuple[str, ...]:
        if self.is_superuser:
            return ("",)
        return tuple(self.grants.values_list("prefix", flat=True))

    def get_area_scope(self) -> AreaScope:
        helper = self.pk if self.role == Role.HELPER and not self.is_superuser else None
        return AreaScope(prefixes=self.area_prefixes, helper_user_id=helper)

    @cached_property
    def capabilities(self) -> frozenset[str]:
        caps = capabilities_of(self.role, self.department)
        if self.is_superuser:
            from fupin.accounts.roles import CAPABILITIES

            caps = frozenset().union(*CAPABILITIES.values())
        return caps

    def can(self, capability: str) -> bool:
        return self.is_active and capability in self.capabilities

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()

    @property
    def county_code(self) -> str:
        prefixes = [p for p in self.area_prefixes if len(p) >= 6]
        return prefixes[0][:6] if prefixes else ""


class AreaGrant(models.Model):
    """One division-code prefix a user may see (a county, a township or a village)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    prefix = models.CharField(_("区划代码前缀"), max_length=12)

    class Meta:
        verbose_name = _("管辖区域")
        constraints = [models.UniqueConstraint(fields=["user", "prefix"], name="grant_unique_prefix")]

    def __str__(self) -> str:
        return self.prefix


class LoginFailure(models.Model):
    """A failed login from an address (kept a day): too many from one address within the window and
    that address is refused for a while without touching any account, so nobody can lock out a whole
    village's accounts by trying them from one machine."""

    ip_address = models.CharField(max_length=45)
    username = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["ip_address", "at"], name="login_failure_ip_time")]

    def __str__(self) -> str:
        return f"{self.ip_address} {self.at:%Y-%m-%d %H:%M}"
