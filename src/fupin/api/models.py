"""API tokens: only a hash of the key is stored (the key is shown once, when it is made); each token
expires, and a password change or reset revokes it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token")
    key_hash = models.CharField(max_length=64, unique=True)  # SHA-256 of the key, hex
    prefix = models.CharField(_("令牌前缀"), max_length=8)  # the key's first characters, to tell tokens apart
    created = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()
