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
    """``Authorization: Token <key>`` with a token created on the 接口令牌 page or by ``fupin api token``."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        _refuse_locked(user)
        return user, token
