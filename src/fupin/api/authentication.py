"""Who is calling: a browser session (writes need the CSRF token) or an API token.

Both refuse inactive and locked accounts, the same as the login page does."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


def _refuse_locked(user) -> None:
    if not user.is_active:
        raise exceptions.AuthenticationFailed(_("该账号已停用。"))
    if getattr(user, "is_locked", False):
        raise exceptions.AuthenticationFailed(_("该账号已被锁定，请稍后再试或联系管理员。"))


class SessionAuthentication(authentication.SessionAuthentication):
    """The logged-in browser; unsafe methods are checked against the CSRF token."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            _refuse_locked(result[0])
        return result


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>`` with a token created on the 接口令牌 page or by ``fupin api token``.
    The key is looked up by its hash; an expired token is refused."""

    def authenticate_credentials(self, key):
        from datetime import timedelta

        from django.utils import timezone

        from fupin.api.actions import hash_key
        from fupin.api.models import ApiToken

        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("接口令牌无效。"))
        if token.expired:
            raise exceptions.AuthenticationFailed(_("接口令牌已过期，请重新生成。"))
        _refuse_locked(token.user)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # not on every call
        return token.user, token
