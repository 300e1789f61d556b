"""The domain clock: real time by default, the installation's stored day when it has one (the demo)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fupin.core import clock
from fupin.core.models import Setting


def test_without_a_stored_day_the_clock_is_real_time(db):
    assert clock.stored_today() is None
    assert clock.today() == timezone.localdate()
    assert abs(clock.now() - timezone.now()) < dt.timedelta(seconds=5)


def test_a_unit_test_without_a_database_gets_real_time():
    assert clock.today() == timezone.localdate()


def test_the_stored_day_is_honoured_and_the_time_of_day_stays_real(db):
    clock.store_today(dt.date(2023, 11, 20))
    assert clock.today() == dt.date(2023, 11, 20)
    now = timezone.localtime(clock.now())
    assert now.date() == dt.date(2023, 11, 20)
    real = timezone.localtime()
    assert abs(dt.datetime.combine(real.date(), now.time()) - dt.datetime.combine(real.date(), real.time())) < dt.timedelta(
        minutes=1) or real.time() < dt.time(0, 1)
    assert clock.reference_day(2023) == dt.date(2023, 11, 20)
    clock.store_today(None)
    assert clock.today() == timezone.localdate()
    assert not Setting.objects.filter(key=clock.SETTING).exists()


def test_an_offset_moves_the_stored_day(db, clock):
    from fupin.core import clock as domain_clock

    domain_clock.store_today(dt.date(2023, 12, 20))
    clock.advance(-30)
    assert domain_clock.today() == dt.date(2023, 11, 20)


def test_a_setting_written_elsewhere_is_seen_and_read_once(db):
    assert clock.today() == timezone.localdate()
    Setting.put(clock.SETTING, "2023-06-01")  # a change through the model (another process: within seconds)
    with CaptureQueriesContext(connection) as queries:
        days = {clock.today() for _ in range(50)}
    assert days == {dt.date(2023, 6, 1)}
    assert len(queries.captured_queries) <= 1


@pytest.mark.parametrize("value", ["not a date", 20231120, ""])
def test_a_broken_setting_means_real_time(db, value):
    Setting.put(clock.SETTING, value)
    assert clock.today() == timezone.localdate()


def test_actions_date_their_records_by_the_domain_clock(users, clock):
    """A case started on the demo's day belongs to the demo's year and its steps carry that day."""
    from fupin.core import clock as domain_clock
    from fupin.workflows import actions
    from tests import factories

    domain_clock.store_today(dt.date(2023, 11, 20))
    household = factories.make_household(factories.JIANYUAN, household_type="ordinary")
    case = actions.start_case(actor=users["village"], household=household, kind="identify", note="申请")
    assert case.year == 2023
    assert timezone.localtime(case.steps.last().acted_at).date() == dt.date(2023, 11, 20)
    assert case.step_due == dt.date(2023, 11, 25)


def test_every_page_shows_the_stored_day(client, users):
    client.force_login(users["village"])
    assert "演示日期" not in client.get("/", follow=True).content.decode()
    clock.store_today(dt.date(2023, 11, 20))
    page = client.get("/", follow=True).content.decode()
    assert 'data-testid="demo-date"' in page and "2023-11-20" in page


def test_the_clock_command_sets_and_moves_the_demo_date(db):
    import io

    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--force"):
        call_command("clock", "2023-12-20", stdout=io.StringIO())
    Setting.put("dataset", "demo")
    call_command("clock", "2023-12-20", stdout=io.StringIO())
    assert clock.today() == dt.date(2023, 12, 20)
    out = io.StringIO()
    call_command("clock", "+7", stdout=out)
    assert clock.today() == dt.date(2023, 12, 27) and "2023-12-27" in out.getvalue()
    call_command("clock", "--real", stdout=io.StringIO())
    assert clock.today() == timezone.localdate()
