"""On PostgreSQL, concurrent enrolments never overfill a course and a dividend is declared once,
whatever the interleaving (the actions lock the course / the cooperative row first)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from fupin.core.actions import SYSTEM
from fupin.programmes import actions
from fupin.programmes.models import Dividend, DividendPayment, Trainee
from tests.concurrency import at_once
from tests.factories import make_household
from tests.programmes import support

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")]


def _race(n, work):
    """Each outcome: "ok", or the message of the ValidationError that refused it."""
    results = at_once(n, work)
    unexpected = [r for r in results.values() if isinstance(r, Exception) and not isinstance(r, ValidationError)]
    assert not unexpected, unexpected
    return [" ".join(r.messages) if isinstance(r, ValidationError) else "ok" for r in results.values()]


def test_concurrent_enrolments_respect_the_capacity(lichuan):
    assert connection.vendor == "postgresql"
    course = support.course(capacity=3)
    members = [make_household().members.get() for _ in range(8)]
    outcomes = _race(8, lambda i: actions.enroll(actor=SYSTEM, course=course, member=members[i],
                                                 enrolled_on=dt.date(2023, 5, 1)))
    assert len(outcomes) == 8 and outcomes.count("ok") == 3
    assert all("已满" in o for o in outcomes if o != "ok")
    assert Trainee.objects.filter(course=course).count() == 3


def test_a_dividend_declared_twice_at_once_is_paid_once(lichuan):
    coop = support.cooperative()
    for n in range(5):
        support.join(coop, make_household(), str(n + 1))
    outcomes = _race(4, lambda i: actions.declare_dividend(actor=SYSTEM, cooperative=coop, year=2023,
                                                           total=Decimal("999.99"), declared_on=dt.date(2024, 1, 10)))
    assert len(outcomes) == 4 and outcomes.count("ok") == 1
    assert all("已经宣布" in o for o in outcomes if o != "ok")
    dividend = Dividend.objects.get()
    assert DividendPayment.objects.filter(dividend=dividend).count() == 5
    assert sum(DividendPayment.objects.values_list("amount", flat=True)) == Decimal("999.99")
