"""The time as the domain sees it. Deadlines, overdue lists and the dates that actions give their
records (case steps, notices, clues, visits, payments) ask this module, so tests (and a demo or
training installation) can set the clock; audit events and technical timestamps keep real time.

Two things move it. An installation may store the day it lives on (the core Setting ``clock.today``,
an ISO date: `fupin demo` sets it to a day inside the demo's working year, and every page shows it);
the time of day stays real. On top of that, ``set_offset`` moves the clock by a timedelta (tests,
and demos that walk procedures through past days). Without the setting the clock is the real date."""

import datetime as dt
import time

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

SETTING = "clock.today"
STORED_SECONDS = 30.0  # how long a process trusts the stored day it read (a change made here is seen at once)

_offset = dt.timedelta(0)
_stored: tuple[float, dt.date | None] | None = None  # (when it was read, the stored day)


def _read_stored() -> dt.date | None:
    from django.db import DatabaseError

    from fupin.core.models import Setting

    try:
        value = Setting.get(SETTING)
    except (DatabaseError, RuntimeError):  # no table yet (before migrate), or no database access (unit tests)
        return None
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def stored_today() -> dt.date | None:
    """The day the installation set for its clock (a demo), or None: the clock is real time. Read at
    most once per ``STORED_SECONDS`` per process."""
    global _stored
    moment = time.monotonic()
    if _stored is None or moment - _stored[0] > STORED_SECONDS:
        _stored = (moment, _read_stored())
    return _stored[1]


def store_today(day: dt.date | None) -> None:
    """Set (None: remove) the installation's day; audit-free, like the demo's other settings."""
    from fupin.core.models import Setting

    if day is None:
        Setting.objects.filter(key=SETTING).delete()
    else:
        Setting.put(SETTING, day.isoformat())
    forget()


def forget() -> None:
    """Read the stored day again at the next use."""
    global _stored
    _stored = None


def _setting_changed(sender, instance, **kwargs) -> None:
    if instance.pk == SETTING:
        forget()


post_save.connect(_setting_changed, sender="core.Setting", dispatch_uid="fupin.core.clock.saved")
post_delete.connect(_setting_changed, sender="core.Setting", dispatch_uid="fupin.core.clock.deleted")


def now() -> dt.datetime:
    real = timezone.now()
    day = stored_today()
    if day is not None:
        local = timezone.localtime(real)
        real = dt.datetime.combine(day, local.time(), tzinfo=local.tzinfo)
    return real + _offset


def today() -> dt.date:
    return timezone.localtime(now()).date()


def set_offset(delta: dt.timedelta) -> None:
    """Move the domain clock (tests: see the `clock` fixture)."""
    global _offset
    _offset = delta


def reset() -> None:
    """No offset, and the stored day read again at the next use."""
    set_offset(dt.timedelta(0))
    forget()


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier (28 February for a 29 February that the earlier year lacks)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def reference_day(year: int) -> dt.date:
    """The day a year's state is taken on: its last day, or today while the year runs. Every yearly
    figure that depends on a state (able to work, employed, in a programme) is taken on this day."""
    return min(dt.date(year, 12, 31), today())


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day when it is shorter)."""
    import calendar

    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
