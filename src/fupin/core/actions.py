"""What every action of every app does, in one place.

An action is the only code that writes a domain table. Each one:

- names who acts: a user, or :data:`SYSTEM` for the system's own work (a job, a migration, the demo);
  ``None`` is refused, so that nothing runs as nobody by accident;
- authorizes with :func:`authorize`: the actor's role, capability and area (a household's area, and
  for helpers that it is one of theirs), each refusal worded by :func:`denied`;
- runs in :func:`atomic`: the outermost action opens a durable transaction (it may not be nested in a
  caller's transaction that could still roll it back after it reported success); an action called by
  another action joins the caller's transaction;
- takes row locks with :func:`lock` on what it reads and then writes (two clicks on the same case or
  two edits of the same household are applied one after the other, each on the fresh row);
- records its audit event (:mod:`fupin.core.audit`) inside that transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from fupin.core.scope import AreaScope, scope_for


class SystemActor:
    """The system itself as an actor: may do everything everywhere; recorded as "system"."""

    pk = None
    id = None
    is_system = True
    is_authenticated = True
    is_active = True
    is_superuser = True
    is_staff = False
    role = "system"
    department = ""
    username = "system"
    full_name = "系统"
    area_prefixes = ("",)
    helper_user_id = None

    def get_username(self) -> str:
        return self.username

    def can(self, capability: str) -> bool:
        return True

    def get_area_scope(self) -> AreaScope:
        return AreaScope(prefixes=("",))

    def __str__(self) -> str:
        return "system"

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


def is_system(actor) -> bool:
    """True for :data:`SYSTEM`; a user is False; ``None`` is an error (name the actor)."""
    if actor is None:
        raise TypeError("an action needs an actor: a user, or fupin.core.actions.SYSTEM")
    return getattr(actor, "is_system", False)


def user_or_none(actor):
    """The actor for a user column (created_by, ...): the user, or None for the system."""
    return None if is_system(actor) else actor


def denied(reason: str = "", what: str = "") -> PermissionDenied:
    """The one way a refusal is worded: what was refused, and why (role, capability or area)."""
    head = _("不能办理“%(w)s”") % {"w": what} if what else _("不能办理此事项")
    return PermissionDenied(f"{head}：{reason}" if reason else f"{head}。")


ROLE = "role"
CAPABILITY = "capability"
AREA = "area"
HELPER = "helper"
REASONS = {
    ROLE: lambda roles: _("由%(r)s办理，您的角色不能办理。") % {"r": roles},
    CAPABILITY: lambda _x: _("您的角色没有这项权限。"),
    AREA: lambda _x: _("不在您的管辖范围内。"),
    HELPER: lambda _x: _("该户不是您的帮扶户。"),
}


def authorize(actor, *, capability: str | None = None, roles: Iterable[str] = (), area: str = "",
              areas: Iterable[str] = (), household=None, what: str = "") -> None:
    """Refuse unless ``actor`` holds ``capability`` (if given), has one of ``roles`` (if given), and
    every area (``area``, each of ``areas``, the ``household``'s village) lies in its scope; a helper
    reaches only the households assigned to them. The system passes."""
    if is_system(actor):
        return
    roles = tuple(roles)
    if capability and not actor.can(capability):
        raise denied(REASONS[CAPABILITY](None), what)
    if roles and actor.role not in roles and not actor.is_superuser:
        from fupin.workflows.procedures import Role

        names = "、".join(str(dict(Role.choices).get(r, r)) for r in roles)
        raise denied(REASONS[ROLE](names), what)
    scope = scope_for(actor)
    codes = [c for c in (area, *areas) if c]
    if household is not None:
        codes.append(household.division_id)
    for code in codes:
        if not scope.contains_code(code):
            raise denied(REASONS[AREA](None), what)
    if household is not None and scope.helper_user_id is not None and household.helper_user_id != actor.pk:
        raise denied(REASONS[HELPER](None), what)


_depth: ContextVar[int] = ContextVar("fupin_action_depth", default=0)


def may(actor, **checks) -> bool:
    """Would :func:`authorize` let ``actor`` through (same keywords)? Pages show an action's button or
    link only when the user may use it: they ask this with what the action itself checks."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    try:
        authorize(actor, **checks)
    except PermissionDenied:
        return False
    return True


@contextmanager
def atomic() -> Iterator[None]:
    """The transaction of an action: durable for the outermost action, joined by the actions it calls."""
    depth = _depth.get()
    token = _depth.set(depth + 1)
    try:
        with transaction.atomic(durable=depth == 0):
            yield
    finally:
        _depth.reset(token)


def lock(instance: models.Model) -> models.Model:
    """Lock the row of ``instance`` (SELECT ... FOR UPDATE; SQLite serialises writers anyway) and read
    it again into the same object, so the action decides on the row as it is now. Call inside
    :func:`atomic`. Returns the instance."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock() must run inside the action's transaction")
    rows = type(instance)._base_manager.select_for_update().filter(pk=instance.pk)
    county = getattr(instance, "county_code", None)
    if county is not None:  # one county's shard on Citus (FOR UPDATE must name the distribution column)
        rows = rows.filter(county_code=county)
    rows.values_list("pk", flat=True).get()
    instance.refresh_from_db()
    return instance
