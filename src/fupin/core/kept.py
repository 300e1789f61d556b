"""Figures kept per county: the grouped rows a figure is computed from, kept (in Django's cache) for
each county until anything in that county changes, so that a county's pages, and a prefecture's or
province's figures folded from its counties' rows, are computed again only for the counties that
changed since (issue 15: every page under a second at scale).

"Changed" is the audit chain: every action that writes a county's rows records an audit event with
its county (``core.audit``, the one write path: ``tests/core/test_table_owners.py``), and every
action on a shared row (a standard, target or rule of a prefecture, a province or the whole
system, the divisions loaded) records one with that area's code ("" for the whole system). A
county's version is the head of its chain and of the chains of the areas above it, so its data and
everything its figures read name the state. (Events that change nothing, a download or a history
viewed, move the chain too: the figures are computed once more, never stale.) The key also holds the domain clock's day (ages and reference days move with it) and what
the caller adds (the year, the child width, the identification runs read). Kept rows are a user's
only when that user sees the whole county (any user above the counties does); otherwise they are
computed every time. A safety net: kept rows expire after ``KEEP_SECONDS``."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable

from django.core.cache import cache
from django.core.signals import request_finished, request_started

from fupin.core import clock
from fupin.core.scope import scope_for

KEEP_SECONDS = 6 * 3600


_request = threading.local()  # .versions: {county: version} while a GET or HEAD request is served


def versions_per_request() -> None:
    """Read each county's version once per GET or HEAD request (a province's page keeps figures of a
    hundred counties several times over); requests that may write read it each time."""
    def started(sender, environ=None, **kwargs):
        method = (environ or {}).get("REQUEST_METHOD", "")
        _request.versions = {} if method in ("GET", "HEAD") else None

    def finished(sender, **kwargs):
        _request.versions = None

    request_started.connect(started, weak=False, dispatch_uid="fupin.kept.started")
    request_finished.connect(finished, weak=False, dispatch_uid="fupin.kept.finished")


def county_version(county: str) -> str:
    """The head of the audit chain of the county and of the areas above it (the prefecture, the
    province and the whole system): one probe each (index audit_chain_order); once per county in a
    GET request. Each chain's last id and hash, not the largest id of the four: ids are given when an
    event is written, not when it commits, so another chain's later id may commit first; within one
    chain the writers take turns (``audit._lock_and_head``). The hash tells apart two states that
    reuse an id (a rebuilt demo, a restored backup under a running server)."""
    from fupin.core.models import AuditEvent

    versions = getattr(_request, "versions", None)
    if versions is not None and county in versions:
        return versions[county]
    heads = []
    for code in (county, county[:4], county[:2], ""):
        head = (AuditEvent.objects.filter(county_code=code).order_by("-id").values_list("id", "hash").first()
                or (0, ""))
        heads.append(f"{head[0]}.{head[1]}")
    version = hashlib.sha256("/".join(heads).encode()).hexdigest()[:24]
    if versions is not None:
        versions[county] = version
    return version


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


def rows_of(user, counties: list[str], key: tuple, compute: Callable[[str], list]) -> list:
    """The rows of ``compute(county)`` for each of ``counties`` (each kept as ``rows``), put together."""
    found: list = []
    for county in counties:
        found += rows(user, county, key, lambda c=county: compute(c))
    return found


def added_up(user, counties: list[str], key: tuple, compute: Callable[[str], dict]) -> dict:
    """``compute(county)`` (a dict of counts and sums, or of such dicts per child area) for each of
    ``counties``, each kept as ``rows``, added up."""
    total: dict = {}
    for county in counties:
        add_into(total, rows(user, county, key, lambda c=county: [compute(c)])[0])
    return total


def add_into(total: dict, figures: dict) -> None:
    """Add ``figures`` (numbers, or dicts of numbers per child area) into ``total``."""
    for name, value in figures.items():
        if isinstance(value, dict):
            add_into(total.setdefault(name, {}), value)
        elif isinstance(value, str):  # a grouped row's own code
            total[name] = value
        else:
            total[name] = total.get(name, 0) + (value or 0)
