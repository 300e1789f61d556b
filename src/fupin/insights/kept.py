"""Figures kept per county: the grouped rows a figure is folded from, kept (in Django's cache) for
each county until anything in that county changes, so that a prefecture's or province's figures,
folded from its counties' rows, are computed only for the counties that changed since.

"Changed" is the county's audit chain: every action that writes a county's rows records an audit
event with its county (``core.audit``, the one write path: ``tests/core/test_table_owners.py``), so
the county's last event id names the state of its data. The key also holds the domain clock's day
(ages and reference days move with it) and what the caller adds (the identification runs read).
Kept rows are a user's only when that user sees the whole county (any user above the counties does);
otherwise they are computed every time. A safety net: kept rows expire after ``KEEP_SECONDS``."""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.db.models import Max

from fupin.core import clock
from fupin.core.scope import scope_for

KEEP_SECONDS = 6 * 3600


def county_version(county: str) -> int:
    """The county's last audit event (index audit_chain_order: one probe)."""
    from fupin.core.models import AuditEvent

    return AuditEvent.objects.filter(county_code=county).aggregate(v=Max("id"))["v"] or 0


def rows(user, county: str, key: tuple, compute: Callable[[], list]) -> list:
    """``compute()`` (a list of plain rows) for ``county``, kept while the county does not change."""
    scope = scope_for(user)
    if scope.helper_user_id is not None or not scope.contains_code(county):
        return compute()
    name = "fupin:kept:" + ":".join(str(part) for part in (county, county_version(county), clock.today(), *key))
    found = cache.get(name)
    if found is None:
        found = compute()
        cache.set(name, found, KEEP_SECONDS)
    return found
