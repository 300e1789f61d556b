"""The audit events' hash chain: every way of writing events chains them (per county, in id order),
values read back from either engine hash as they were written, and `fupin audit verify` reports the
first broken link of a chain changed behind the application's back (a content change, a removed
event, a rewritten and re-hashed event)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from fupin.core import append_only, audit
from fupin.core.actions import SYSTEM
from fupin.core.models import AuditEvent
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db


def record(n: int, county: str = "361022", **fields) -> list[AuditEvent]:
    with transaction.atomic():
        return [audit.record(actor=SYSTEM, verb="test.event", county_code=county, summary=f"event {i}", **fields)
                for i in range(n)]


def behind_the_back(sql: str, params=()) -> None:
    """What an operator with the owner's rights could do: lift the trigger and change rows."""
    with transaction.atomic(), append_only.suspended(connection), connection.cursor() as cursor:
        cursor.execute(sql, list(params))


def verify(county=None) -> dict[str, audit.ChainReport]:
    return {r.county_code: r for r in audit.verify(county, chunk_size=3)}  # several chunks


def run_verify(*args) -> tuple[int, str]:
    import io

    out = io.StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


def test_events_are_chained_per_county_from_the_genesis():
    a = record(3, "361022")
    b = record(2, "361023")
    blank = record(1, "")
    assert a[0].prev_hash == audit.GENESIS and b[0].prev_hash == audit.GENESIS and blank[0].prev_hash == audit.GENESIS
    assert [e.prev_hash for e in a[1:]] == [e.hash for e in a[:-1]]
    assert b[1].prev_hash == b[0].hash
    assert all(len(e.hash) == 64 and int(e.hash, 16) >= 0 for e in a + b + blank)
    stored = AuditEvent.objects.get(pk=a[1].pk)
    assert (stored.prev_hash, stored.hash) == (a[1].prev_hash, a[1].hash)
    reports = verify()
    assert set(reports) == {"361022", "361023", ""}
    assert all(r.ok for r in reports.values())
    assert (reports["361022"].events, reports["361022"].head_id, reports["361022"].head_hash) == (3, a[-1].pk, a[-1].hash)
    code, out = run_verify()
    assert code == 0 and "361022：完好，3 个事件" in out and "（无县）：完好，1 个事件" in out


def test_the_hash_covers_the_content_and_the_link():
    event = record(1)[0]
    content = list(AuditEvent.objects.filter(pk=event.pk).values_list(*audit.HASHED_FIELDS).get())
    assert audit.digest(content, event.prev_hash) == event.hash
    assert audit.digest(content, "1" * 64) != event.hash
    for i in range(len(content)):
        changed = list(content)
        changed[i] = "x" if changed[i] != "x" else "y"
        if audit.HASHED_FIELDS[i] == "occurred_at":
            changed[i] = content[i] + dt.timedelta(microseconds=1)
        assert audit.digest(changed, event.prev_hash) != event.hash, audit.HASHED_FIELDS[i]


@pytest.mark.filterwarnings("ignore:DateTimeField AuditEvent.occurred_at received a naive datetime")
def test_values_hash_as_they_read_back(users):
    """Floats that jsonb keeps as numerics, nested values, Chinese text, ids given as strings, a naive time."""
    already = AuditEvent.objects.filter(county_code="361022").count()  # the users' own events
    tricky = {"farmland_area": 3.0, "big": 1e16, "tiny": 1.5e-7, "share": 0.1, "n": 12, "flag": True, "none": None,
              "name": "李秀兰", "nested": {"b": [1, 2.50, "三"], "a": {}}, "list": [], "id": "36102219800101002X"}
    with transaction.atomic():
        audit.record(actor=users["village"], verb="test.tricky", division_code="361022201205", household_id="42",
                     object_id=7, summary="改 \"引号\" \\ 与换行\n", reason="理由", before=tricky, after={"x": [tricky]})
        AuditEvent.objects.create(verb="test.naive", county_code="361022",
                                  occurred_at=dt.datetime(2023, 5, 1, 8, 30, 0, 123456))
        AuditEvent(verb="test.save", county_code="361022", before={"v": 2.0}).save()
    reports = verify()
    assert reports["361022"].ok and reports["361022"].events == already + 3, reports["361022"].broken


def test_bulk_create_chains_in_order_per_county():
    first = record(1)[0]
    now = timezone.now()
    events = [AuditEvent(county_code=c, occurred_at=now, actor_label="system", verb="bulk", object_id=str(i),
                         before={"a": i}, after={"a": i + 1.5})
              for i, c in enumerate(["361022", "361023", "361022", "361022", "361023"])]
    with transaction.atomic():
        AuditEvent.objects.bulk_create(events, batch_size=2)
    assert events[0].prev_hash == first.hash and events[2].prev_hash == events[0].hash
    assert events[3].prev_hash == events[2].hash and events[4].prev_hash == events[1].hash
    assert events[1].prev_hash == audit.GENESIS
    assert all(r.ok for r in verify().values())
    assert verify("361022")["361022"].events == 4


def test_the_importer_chains_its_events(lichuan):
    from fupin.exchange import importer
    from tests.exchange import support

    rows = support.workbook_rows(2, members=2)
    importer.import_households("a.csv", support.to_csv(rows), actor=SYSTEM)
    for r in rows:
        r["主要致贫原因"] = "因残"
        r["工资性收入"] = "9,500.50"
    importer.import_households("b.csv", support.to_csv(rows), actor=SYSTEM)
    assert AuditEvent.objects.filter(verb="household.update").count() == 2
    reports = verify()
    assert reports and all(r.ok for r in reports.values()), reports


def test_an_altered_event_is_the_first_broken_link():
    events = record(5)
    behind_the_back("UPDATE core_auditevent SET summary = %s WHERE id = %s", ["nothing to see", events[2].pk])
    report = verify()["361022"]
    assert not report.ok and report.broken.event_id == events[2].pk
    assert report.broken.content_altered and not report.broken.link_altered and report.broken.kind == "content"
    assert report.broken.stored_hash == events[2].hash and report.broken.expected_hash != events[2].hash
    assert (report.checked, report.events) == (2, 5)
    code, out = run_verify("--county", "361022")
    assert code == 1
    assert f"链在事件 #{events[2].pk} 处断开" in out and "：内容被改动" in out
    assert events[2].hash in out and report.broken.expected_hash in out


def test_a_removed_event_breaks_the_next_link():
    events = record(5)
    behind_the_back("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
    report = verify()["361022"]
    assert report.broken.event_id == events[3].pk and report.broken.kind == "link"
    assert report.broken.previous_id == events[1].pk
    assert report.broken.expected_prev_hash == events[1].hash and report.broken.stored_prev_hash == events[2].hash
    code, out = run_verify()
    assert code == 1 and f"链在事件 #{events[3].pk} 处断开" in out and "：链接被改动" in out
    assert f"没有接上前一位置（事件 #{events[1].pk}）" in out


def test_a_rewritten_and_rehashed_event_breaks_the_next_link():
    events = record(4)
    content = list(AuditEvent.objects.filter(pk=events[1].pk).values_list(*audit.HASHED_FIELDS).get())
    content[audit.HASHED_FIELDS.index("reason")] = "rewritten"
    behind_the_back("UPDATE core_auditevent SET reason = 'rewritten', hash = %s WHERE id = %s",
                    [audit.digest(content, events[1].prev_hash), events[1].pk])
    report = verify()["361022"]
    assert report.broken.event_id == events[2].pk and report.broken.kind == "link"


def test_removing_the_first_event_and_other_counties_are_reported_apart():
    a = record(3, "361022")
    record(2, "361023")
    behind_the_back("DELETE FROM core_auditevent WHERE id = %s", [a[0].pk])
    reports = verify()
    assert reports["361023"].ok
    assert reports["361022"].broken.event_id == a[1].pk and reports["361022"].broken.previous_id is None
    assert run_verify("--county", "361023")[0] == 0
    code, out = run_verify("--county", "361022")
    assert code == 1 and "（链的起点）" in out


def test_an_unchained_or_forked_event_is_refused_by_the_database():
    event = record(1)[0]
    columns = "county_code, occurred_at, actor_label, ip_address, verb, object_type, object_id, division_code, summary, reason"
    values = "'361022', %s, '', '', 'raw', '', '', '', '', ''"
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO core_auditevent ({columns}, prev_hash, hash) VALUES ({values}, %s, '')",
                       [timezone.now(), event.hash])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO core_auditevent ({columns}, prev_hash, hash) VALUES ({values}, %s, %s)",
                       [timezone.now(), event.prev_hash, "f" * 64])


@pytest.mark.django_db(transaction=True)
def test_chaining_needs_the_inserting_transaction():
    with pytest.raises(RuntimeError):
        audit.chain([AuditEvent(verb="x")])


def test_after_the_trail_is_emptied_the_chains_start_again():
    record(2)
    behind_the_back("DELETE FROM core_auditevent")
    assert record(1)[0].prev_hash == audit.GENESIS
    assert run_verify()[0] == 0


def test_no_events():
    assert run_verify() == (0, "没有审计事件\n已检查 0 个事件，共 0 条链，用时 0.0 秒\n")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_in_one_county_never_fork_the_chain():
    n, per = 6, 5

    def work(i):
        for j in range(per):
            with transaction.atomic():
                if j % 2:
                    audit.record(actor=SYSTEM, verb="race", county_code="361022", summary=f"{i}/{j}")
                else:
                    AuditEvent.objects.bulk_create([AuditEvent(verb="race.bulk", county_code=c, summary=f"{i}/{j}")
                                                    for c in ("361023", "361022")])

    errors = [r for r in at_once(n, work).values() if isinstance(r, Exception)]
    assert not errors, errors
    reports = verify()
    assert reports["361022"].ok and reports["361023"].ok
    assert reports["361022"].events == n * (per // 2 + (per + 1) // 2)
    assert reports["361023"].events == n * ((per + 1) // 2)
