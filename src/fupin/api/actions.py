"""Writes of the api app: API tokens (create shows the key once; revoke), each recorded. Only the
SHA-256 of a key is stored; a token expires after FUPIN_API_TOKEN_DAYS days."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.api.models import ApiToken
from fupin.core import audit
from fupin.core.actions import SYSTEM, atomic, is_system
from fupin.core.scope import root_code


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def revoke_for_password_change(*, user) -> None:
    """A changed or reset password ends the user's API token (whoever had the key loses access)."""
    with atomic():
        if ApiToken.objects.filter(user=user).delete()[0]:
            audit.record(actor=SYSTEM, verb="api.token.revoke", object_type="accounts.user", object_id=user.pk,
                         division_code=root_code(user),
                         summary=_("密码已修改，接口令牌随之撤销：%(u)s") % {"u": user.username})


def _check_user(user) -> None:
    if not user.is_active:
        raise ValidationError(_("该账号已停用，不能使用接口令牌。"))
    if user.is_locked:
        raise ValidationError(_("该账号已被锁定，不能创建接口令牌。"))


@atomic()
def create_token(*, actor, user) -> str:
    """A new token for ``user`` (any old one is replaced); returns the key, which is shown only once.

    A user creates their own token; ``actor=SYSTEM`` is an operator at the console (``fupin api token``)."""
    if not is_system(actor) and actor.pk != user.pk:
        raise PermissionDenied(_("只能为自己创建接口令牌。"))
    _check_user(user)
    replaced = ApiToken.objects.filter(user=user).delete()[0] > 0
    key = secrets.token_urlsafe(30)
    ApiToken.objects.create(user=user, key_hash=hash_key(key), prefix=key[:8],
                            expires_at=timezone.now() + timedelta(days=settings.FUPIN_API_TOKEN_DAYS))
    audit.record(actor=actor, verb="api.token.create", object_type="accounts.user", object_id=user.pk,
                 division_code=root_code(user),
                 summary=_("创建接口令牌：%(u)s%(r)s") % {"u": user.username, "r": _("（替换旧令牌）") if replaced else ""})
    return key


@atomic()
def revoke_token(*, actor, user) -> bool:
    """Revoke ``user``'s token; False when there was none."""
    if not is_system(actor) and actor.pk != user.pk:
        raise PermissionDenied(_("只能撤销自己的接口令牌。"))
    deleted = ApiToken.objects.filter(user=user).delete()[0] > 0
    if deleted:
        audit.record(actor=actor, verb="api.token.revoke", object_type="accounts.user", object_id=user.pk,
                     division_code=root_code(user),
                     summary=_("撤销接口令牌：%(u)s") % {"u": user.username})
    return deleted
