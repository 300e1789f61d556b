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
