"""Writes on users: creation, roles and grants, passwords, lockout. Each records an audit event."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts.models import AreaGrant, User
from fupin.accounts.roles import EXPECTED_PREFIX_LENGTHS, Cap, Role
from fupin.core import audit
from fupin.core.actions import SYSTEM, atomic, is_system
from fupin.core.scope import code_in_prefixes
from fupin.divisions.models import Division

USER_FIELDS = ["username", "full_name", "role", "phone", "organisation", "department", "is_active"]


def _user_snapshot(user: User) -> dict:
    data = audit.snapshot(user, USER_FIELDS)
    data["prefixes"] = sorted(user.grants.values_list("prefix", flat=True)) if user.pk else []
    return data


def _home(user: User) -> str:
    """Where a user's events are filed (their first area), so the area's auditors see them."""
    return (user.area_prefixes or ("",))[0]


def _check_prefixes(*, actor: User | None, role: str, prefixes: list[str]) -> list[str]:
    cleaned = sorted({p.strip() for p in prefixes if p.strip()})
    if not cleaned:
        raise ValidationError({"prefixes": _("至少指定一个管辖区域。")})
    known = set(Division.objects.filter(code__in=cleaned).values_list("code", flat=True))
    for prefix in cleaned:
        if prefix not in known:
            raise ValidationError({"prefixes": _("区划代码不存在：%(code)s") % {"code": prefix}})
        if len(prefix) not in EXPECTED_PREFIX_LENGTHS.get(role, ()):
            raise ValidationError(
                {"prefixes": _("区划 %(code)s 的级别与角色“%(role)s”不符。") % {"code": prefix, "role": Role(role).label}}
            )
        if not is_system(actor) and not code_in_prefixes(prefix, actor.area_prefixes):
            raise ValidationError({"prefixes": _("区划 %(code)s 不在您的管辖范围内。") % {"code": prefix}})
    return cleaned


def _require_manager(actor: User | None, user: User | None = None) -> None:
    if is_system(actor):
        return
    if not actor.can(Cap.MANAGE_USERS):
        raise PermissionDenied(_("您无权管理用户。"))
    if user is not None and user.pk and not actor.is_superuser:
        if not all(code_in_prefixes(p, actor.area_prefixes) for p in user.area_prefixes):
            raise PermissionDenied(_("该用户不在您的管辖范围内。"))


def create_user(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    prefixes: list[str],
    full_name: str = "",
    phone: str = "",
    organisation: str = "",
    department: str = "",
    must_change_password: bool = True,
) -> User:
    _require_manager(actor)
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("用户名已存在。")})
    prefixes = _check_prefixes(actor=actor, role=role, prefixes=prefixes)
    user = User(
        username=username, role=role, full_name=full_name, phone=phone, organisation=organisation,
        department=department, must_change_password=must_change_password,
    )
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    with atomic():
        user.set_password(password)
        user.password_changed_at = timezone.now()
        user.save()
        AreaGrant.objects.bulk_create(AreaGrant(user=user, prefix=p) for p in prefixes)
        audit.record(
            actor=actor, verb="user.create", object_type="accounts.user", object_id=user.pk,
            county_code=prefixes[0][:6] if len(prefixes[0]) >= 6 else "", division_code=prefixes[0],
            summary=_("新建用户 %(u)s（%(r)s）") % {"u": username, "r": Role(role).label},
            after=_user_snapshot(user),
        )
    return user


def update_user(*, actor: User | None, user: User, changes: dict, prefixes: list[str] | None = None) -> User:
    _require_manager(actor, user)
    before = _user_snapshot(user)
    role = changes.get("role", user.role)
    with atomic():
        for name, value in changes.items():
            if name not in USER_FIELDS or name == "username":
                raise ValidationError({name: _("不能修改此字段。")})
            setattr(user, name, value)
        user.save()
        if prefixes is not None:
            cleaned = _check_prefixes(actor=actor, role=role, prefixes=prefixes)
            user.grants.exclude(prefix__in=cleaned).delete()
            existing = set(user.grants.values_list("prefix", flat=True))
            AreaGrant.objects.bulk_create(AreaGrant(user=user, prefix=p) for p in cleaned if p not in existing)
        user.__dict__.pop("area_prefixes", None)
        user.__dict__.pop("capabilities", None)
        old, new = audit.diff(before, _user_snapshot(user))
        if old or new:
            audit.record(
                actor=actor, verb="user.update", object_type="accounts.user", object_id=user.pk,
                division_code=_home(user),
                summary=_("修改用户 %(u)s") % {"u": user.username}, before=old, after=new,
            )
    return user


def reset_password(*, actor: User, user: User, password: str) -> None:
    """An administrator sets a temporary password; the user must change it at next login."""
    _require_manager(actor, user)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    with atomic():
        user.set_password(password)
        user.must_change_password = True
        user.password_changed_at = timezone.now()
        user.failed_logins = 0
        user.locked_until = None
        user.save()
        audit.record(
            actor=actor, verb="user.reset_password", object_type="accounts.user", object_id=user.pk,
            division_code=_home(user),
            summary=_("重置用户 %(u)s 的密码") % {"u": user.username},
        )


def change_own_password(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("原密码不正确。")})
    if old_password == new_password:
        raise ValidationError({"new_password": _("新密码不能与原密码相同。")})
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    with atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.password_changed_at = timezone.now()
        user.save()
        audit.record(
            actor=user, verb="user.change_password", object_type="accounts.user", object_id=user.pk,
            division_code=_home(user), summary=_("修改本人密码"),
        )


def unlock_user(*, actor: User, user: User) -> None:
    _require_manager(actor, user)
    with atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        audit.record(
            actor=actor, verb="user.unlock", object_type="accounts.user", object_id=user.pk,
            division_code=_home(user), summary=_("解锁用户 %(u)s") % {"u": user.username},
        )


def address_throttled(ip: str) -> bool:
    """Too many failed logins from this address lately (FUPIN_LOGIN_IP_MAX_FAILURES within
    FUPIN_LOGIN_IP_WINDOW_MINUTES): its next attempts are refused without trying any account."""
    from fupin.accounts.models import LoginFailure

    since = timezone.now() - timedelta(minutes=settings.FUPIN_LOGIN_IP_WINDOW_MINUTES)
    return LoginFailure.objects.filter(ip_address=ip, at__gte=since).count() >= settings.FUPIN_LOGIN_IP_MAX_FAILURES


def record_login_failure(*, username: str, ip: str = "") -> None:
    """Count a failed login against the account (locked for a while after too many in a row) and
    against the address it came from (throttled after too many)."""
    from fupin.accounts.models import LoginFailure

    limit = settings.FUPIN_LOGIN_MAX_FAILURES
    with atomic():
        if ip:
            LoginFailure.objects.create(ip_address=ip, username=username[:150])
            LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None:
            audit.record(actor=SYSTEM, verb="auth.login_failed", summary=_("未知用户名登录失败：%(u)s") % {"u": username[:50]})
            return
        if user.is_locked:
            audit.record(actor=user, verb="auth.login_refused", object_type="accounts.user", object_id=user.pk,
                         summary=_("账户锁定期间尝试登录"))
            return
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins"])
        audit.record(actor=user, verb="auth.login_failed", object_type="accounts.user", object_id=user.pk,
                     summary=_("登录失败（第 %(n)d 次）") % {"n": user.failed_logins})
        if user.failed_logins >= limit:
            until = timezone.now() + timedelta(minutes=settings.FUPIN_LOGIN_LOCKOUT_MINUTES)
            User.objects.filter(pk=user.pk).update(locked_until=until, failed_logins=0)
            from fupin.core import security

            security.log("account_locked", username=user.username)
            audit.record(actor=user, verb="auth.locked", object_type="accounts.user", object_id=user.pk,
                         summary=_("连续 %(n)d 次登录失败，账户锁定至 %(t)s") % {"n": limit, "t": f"{timezone.localtime(until):%H:%M}"})


def record_login_success(*, user: User) -> None:
    with atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        audit.record(actor=user, verb="auth.login", object_type="accounts.user", object_id=user.pk,
                     division_code=_home(user), summary=_("登录"))


def record_logout(*, user: User) -> None:
    with atomic():
        audit.record(actor=user, verb="auth.logout", object_type="accounts.user", object_id=user.pk,
                     division_code=_home(user), summary=_("退出登录"))
