"""Area scope: the one mechanism that decides which rows a user may see.

A user holds one or more division-code prefixes (``361022`` = Lichuan county, ``361022201`` =
湖坊乡, a 12-digit code = one village). A prefix becomes a half-open range on the code column
(``code >= '361022201' AND code < '361022202'``), which uses the btree index; LIKE would not.
Helpers are further limited to the households assigned to them. Every view, export, API call
and job filters through :meth:`ScopedQuerySet.visible_to`; nothing filters by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q


def prefix_upper_bound(prefix: str) -> str | None:
    """The smallest digit string greater than every string that starts with ``prefix``.

    '361022201' -> '361022202'; '361099' -> '3611'; '999' -> None (no upper bound).
    """
    digits = prefix.rstrip("9")
    if not digits:
        return None
    return digits[:-1] + str(int(digits[-1]) + 1)


def prefix_q(field: str, prefix: str) -> Q:
    if not prefix:
        return Q()
    upper = prefix_upper_bound(prefix)
    q = Q(**{f"{field}__gte": prefix})
    if upper is not None:
        q &= Q(**{f"{field}__lt": upper})
    return q


def counties_q(area: str, field: str = "county_code") -> Q:
    """The counties of ``area`` on a county-code column: one county for a county or anything below it
    (an equality, one shard on Citus), the range of the counties of a prefecture or province."""
    return Q(**{field: area[:6]}) if len(area) >= 6 else prefix_q(field, area)


def code_in_prefixes(code: str, prefixes: tuple[str, ...]) -> bool:
    return any(code.startswith(p) for p in prefixes)


@dataclass(frozen=True)
class AreaScope:
    """What a user may see: division prefixes and, for helpers, their own households only."""

    prefixes: tuple[str, ...] = ()
    helper_user_id: int | None = None

    @property
    def unrestricted(self) -> bool:
        return "" in self.prefixes and self.helper_user_id is None

    @property
    def is_empty(self) -> bool:
        return not self.prefixes

    def contains_code(self, code: str) -> bool:
        return code_in_prefixes(code or "", self.prefixes)

    def narrowed(self, area: str) -> AreaScope:
        """The part of this scope under ``area``, as prefixes (one range per prefix, never two
        ranges on the same column, which planners handle badly)."""
        if not area:
            return self
        if code_in_prefixes(area, self.prefixes):
            prefixes: tuple[str, ...] = (area,)
        else:
            prefixes = tuple(p for p in self.prefixes if p.startswith(area))
        return AreaScope(prefixes=prefixes, helper_user_id=self.helper_user_id)

    def q(self, area_field: str, helper_field: str | None = None) -> Q:
        if self.is_empty:
            return Q(pk__in=[])
        area = Q()
        if "" not in self.prefixes:
            for prefix in self.prefixes:
                area |= prefix_q(area_field, prefix)
        if self.helper_user_id is not None and helper_field:
            area &= Q(**{helper_field: self.helper_user_id})
        return area


NOTHING = AreaScope()


def scope_for(user) -> AreaScope:
    """The scope of a user; anonymous or inactive users see nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    getter = getattr(user, "get_area_scope", None)
    return getter() if getter else NOTHING


def root_code(user) -> str:
    """The area a user works in when they hold exactly one grant (else '': several, or the system)."""
    if user is None:
        return ""
    prefixes = scope_for(user).prefixes
    return prefixes[0] if len(prefixes) == 1 else ""


def home_county(user) -> str:
    """The county a user works in (their first grant at county level or below), else ''."""
    prefixes = [p for p in scope_for(user).prefixes if len(p) >= 6]
    return prefixes[0][:6] if prefixes else ""


class ScopedQuerySet(models.QuerySet):
    """Base queryset for every model that belongs to an area.

    The model names its area column in ``AREA_FIELD`` (a division-code column or a path to one)
    and, when helpers are limited to their households, the path to the helper in ``HELPER_FIELD``.
    """

    def visible_to(self, user, area: str = ""):
        """Rows the user may see, optionally only those under the division ``area``."""
        return self.in_scope(scope_for(user).narrowed(area))

    def in_scope(self, scope: AreaScope):
        model = self.model
        found = self.filter(scope.q(model.AREA_FIELD, getattr(model, "HELPER_FIELD", None)))
        if scope.helper_user_id is not None and getattr(model, "HELPER_MANY", False):
            found = found.distinct()  # a helper path through a many-to-many (a notice's cases)
        return found

