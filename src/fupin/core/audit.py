"""Recording audit events. Every action calls :func:`record` inside its own transaction.

An event says who did what to which object, with only the fields that changed (before and
after). Values are stored JSON-safe: dates as ISO strings, decimals as strings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, models

from fupin.core.actions import is_system, user_or_none
from fupin.core.middleware import current_ip
from fupin.core.models import AuditEvent


def json_value(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict:
    """The JSON-safe values of ``fields`` on ``instance`` (foreign keys by their id)."""
    out = {}
    for name in fields:
        field = instance._meta.get_field(name)
        out[name] = json_value(getattr(instance, field.attname))
    return out


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose value changed, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def actor_label(user) -> str:
    if is_system(user):  # (None is refused: an event names its actor)
        return "system"
    name = getattr(user, "full_name", "") or ""
    return f"{user.get_username()} {name}".strip()


def record(
    *,
    actor,
    verb: str,
    object_type: str = "",
    object_id="",
    county_code: str = "",
    division_code: str = "",
    household_id: int | None = None,
    summary: str = "",
    reason: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Write one audit event. Must run inside the action's transaction (a test case's own wrapping
    transaction does not count, so that tests catch an action that forgot its own)."""
    if not any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
        raise RuntimeError("audit.record must be called inside the action's transaction")
    return AuditEvent.objects.create(
        actor=user_or_none(actor),
        actor_label=actor_label(actor),
        ip_address=current_ip.get(),
        verb=verb,
        object_type=object_type,
        object_id=str(object_id),
        county_code=county_code or (division_code or "")[:6],
        division_code=division_code,
        household_id=household_id,
        summary=summary[:300],
        reason=reason,
        before=before,
        after=after,
    )

