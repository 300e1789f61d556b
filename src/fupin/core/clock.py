"""The time as the domain sees it. Deadlines and overdue lists ask this module, so tests (and a
training installation) can set the clock; everything else keeps using Django's timezone."""

import datetime as dt

from django.utils import timezone

_offset = dt.timedelta(0)


def now() -> dt.datetime:
    return timezone.now() + _offset


def today() -> dt.date:
    return timezone.localtime(now()).date()


def set_offset(delta: dt.timedelta) -> None:
    """Move the domain clock (tests: see the `clock` fixture)."""
    global _offset
    _offset = delta


def reset() -> None:
    set_offset(dt.timedelta(0))


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
