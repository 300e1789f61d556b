"""Recording audit events. Every action calls :func:`record` inside its own transaction.

An event says who did what to which object, with only the fields that changed (before and
after). Values are stored JSON-safe: dates as ISO strings, decimals as strings.

The hash chain: each event carries ``hash``, the SHA-256 of its content (:data:`HASHED_FIELDS`,
serialised by :func:`canonical`) and of ``prev_hash``, the hash of the event before it in the same
county (ids ascending; :data:`GENESIS` for the first). An event changed, removed or slipped in
behind the application's back breaks the chain, and :func:`verify` (``fupin audit verify``) reports
the first broken link of each county. :func:`chain` links new events inside the writing
transaction: on PostgreSQL it first takes a transaction-level advisory lock per county, so that
two transactions never chain onto the same predecessor (the unique constraint ``audit_chain_link``
refuses it anyway); SQLite serialises writers already. Every way of inserting events through the
ORM chains: :func:`record`, ``AuditEvent.save()`` and ``AuditEvent.objects.bulk_create()``. Code
that inserts with raw SQL must call :func:`chain` on the events first and insert ``prev_hash`` and
``hash`` with them, in the order chained (ids ascending).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, connections, models, router
from django.utils import timezone

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
    event = AuditEvent(
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
    chain([event])
    event.save(force_insert=True)
    return event


# --- the hash chain ---------------------------------------------------------------------------

GENESIS = "0" * 64
HASHED_FIELDS = (
    "occurred_at", "actor_id", "actor_label", "ip_address", "verb", "object_type", "object_id", "county_code",
    "division_code", "household_id", "summary", "reason", "before", "after",
)
_JSON_FIELDS = ("before", "after")
_COUNTY = HASHED_FIELDS.index("county_code")
_LOCK_SPACE = 0x66757069  # "fupi": the first key of the chain's advisory locks (the second: the county)


def _plain(value):
    """A JSON value as it reads back from either engine: PostgreSQL's jsonb keeps numbers as numeric,
    so an integral float (1.0, 1e16) may come back as an int; both hash as the int."""
    kind = type(value)
    if kind is float:
        return int(value) if value.is_integer() else value
    if kind is dict:
        return {k: v if type(v) in _SCALARS else _plain(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _SCALARS else _plain(v) for v in value]
    return value


_SCALARS = frozenset([str, int, bool, type(None)])
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _utc(value: dt.datetime) -> str:
    if timezone.is_naive(value):  # as the database would store it (Django assumes the default zone)
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical(content: Sequence, prev_hash: str) -> bytes:
    """The bytes hashed for an event: sorted-key compact JSON (UTF-8) of the values of
    :data:`HASHED_FIELDS` (in that order, as read from the database) and ``prev_hash``."""
    doc = dict(zip(HASHED_FIELDS, content, strict=True))
    doc["occurred_at"] = _utc(doc["occurred_at"])
    doc["before"] = _plain(doc["before"])
    doc["after"] = _plain(doc["after"])
    doc["prev_hash"] = prev_hash
    return _ENCODER.encode(doc).encode()


def digest(content: Sequence, prev_hash: str) -> str:
    return hashlib.sha256(canonical(content, prev_hash)).hexdigest()


def _content(event: AuditEvent) -> list:
    """An unsaved event's values as they will read back from the database."""
    values = []
    for name in HASHED_FIELDS:
        model_field = event._meta.get_field(name.removesuffix("_id") if name == "actor_id" else name)
        value = getattr(event, model_field.attname)
        if name in _JSON_FIELDS:
            value = None if value is None else json.loads(json.dumps(value))
        else:
            value = model_field.to_python(value)
        values.append(value)
    return values


def _lock_and_head(conn, county_code: str) -> str:
    """Serialise the chain of a county until the transaction ends; the hash of its last event."""
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_LOCK_SPACE, county_code])
        cursor.execute(
            f"SELECT hash FROM {AuditEvent._meta.db_table} WHERE county_code = %s ORDER BY id DESC LIMIT 1",
            [county_code])
        row = cursor.fetchone()
    return row[0] if row else GENESIS


def chain(events: Iterable[AuditEvent], using: str | None = None) -> list[AuditEvent]:
    """Give each new event (one without a hash) its ``prev_hash`` and ``hash``, in the order given,
    per county, after the county's last event. Must run in the transaction that inserts them, and
    they must be inserted in this order (ids ascending). Events that already carry a hash (a
    restore) are kept as they are and continue the chain. Returns the events."""
    events = list(events)
    pending = [e for e in events if not e.hash]
    if not pending:
        return events
    conn = connections[using or router.db_for_write(AuditEvent)]
    if not conn.in_atomic_block:
        raise RuntimeError("audit events are chained inside the transaction that inserts them")
    heads = {county: _lock_and_head(conn, county) for county in sorted({e.county_code for e in pending})}
    for event in events:
        if event.hash:
            if event.county_code in heads:
                heads[event.county_code] = event.hash
            continue
        event.prev_hash = heads[event.county_code]
        event.hash = digest(_content(event), event.prev_hash)
        heads[event.county_code] = event.hash
    return events


@dataclass
class Break:
    """The first broken link of a chain."""

    event_id: int
    occurred_at: dt.datetime
    county_code: str
    content_altered: bool  # the event's own hash does not match its content and prev_hash
    link_altered: bool  # its prev_hash is not the hash of the event before it (one removed, slipped in or re-hashed)
    expected_hash: str
    stored_hash: str
    expected_prev_hash: str
    stored_prev_hash: str
    previous_id: int | None  # the event before it in the chain as stored (None: it is the first)

    @property
    def kind(self) -> str:
        return " and ".join(k for k, v in (("content", self.content_altered), ("link", self.link_altered)) if v)


@dataclass
class ChainReport:
    county_code: str
    events: int = 0
    head_id: int | None = None
    head_hash: str = GENESIS
    broken: Break | None = None
    checked: int = field(default=0)  # events found intact before the first broken link

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify(county_code: str | None = None, *, chunk_size: int = 5000, using: str | None = None) -> list[ChainReport]:
    """Walk each county's chain in id order, recompute every hash and check every link. One pass over
    the table, streamed; the first broken link of each county is reported."""
    events = AuditEvent.objects.using(using or router.db_for_read(AuditEvent)).order_by("county_code", "id")
    if county_code is not None:
        events = events.filter(county_code=county_code)
    reports: list[ChainReport] = []
    report = None
    previous_hash = GENESIS
    n = len(HASHED_FIELDS)
    for row in events.values_list(*HASHED_FIELDS, "id", "prev_hash", "hash").iterator(chunk_size=chunk_size):
        content, (event_id, prev_hash, stored) = row[:n], row[n:]
        county = content[_COUNTY]
        if report is None or report.county_code != county:
            report = ChainReport(county)
            reports.append(report)
            previous_hash = GENESIS
        report.events += 1
        if report.broken is None:
            expected = digest(content, prev_hash)
            if expected != stored or prev_hash != previous_hash:
                report.broken = Break(
                    event_id=event_id, occurred_at=content[0], county_code=county,
                    content_altered=expected != stored, link_altered=prev_hash != previous_hash,
                    expected_hash=expected, stored_hash=stored, expected_prev_hash=previous_hash,
                    stored_prev_hash=prev_hash, previous_id=report.head_id)
            else:
                report.checked += 1
        previous_hash = stored
        report.head_id, report.head_hash = event_id, stored
    return reports

