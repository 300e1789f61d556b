"""On PostgreSQL, concurrent allocations never overfill a relocation site and concurrent matches never
take more than a need or an offer holds (row locks; refused attempts write nothing)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from fupin.core.actions import SYSTEM
from fupin.core.models import AuditEvent
from fupin.welfare import actions
from fupin.welfare.models import CharityMatch, Relocation
from tests.concurrency import at_once
from tests.factories import COUNTY, JIANYUAN
from tests.welfare.support import adult, household

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")]
DAY = dt.date(2023, 6, 1)


def run_all(n, work):
    results = at_once(n, work)
    unexpected = [r for r in results.values() if isinstance(r, Exception) and not isinstance(r, ValidationError)]
    assert not unexpected, unexpected
    return results


def test_concurrent_allocations_respect_the_capacity(lichuan):
    site = actions.save_site(actor=SYSTEM, values={"name": "安置点", "division_code": COUNTY,
                                                 "site_type": "concentrated", "capacity": 3})
    homes = [household(adult(), relocation_willing=True) for _ in range(8)]
    results = run_all(8, lambda i: actions.allocate_relocation(
        actor=SYSTEM, household=homes[i], site=site, year=2023, allocated_on=DAY, willing_confirmed=True).pk)
    assert Relocation.objects.count() == 3
    assert sum(1 for r in results.values() if isinstance(r, ValidationError)) == 5
    assert AuditEvent.objects.filter(verb="welfare.relocation.allocate").count() == 3


def test_concurrent_matches_never_exceed_the_need(lichuan):
    need = actions.post_need(actor=SYSTEM, division_code=JIANYUAN, household=None, category="other", title="需求",
                             amount=Decimal(1000), posted_on=DAY)
    offer = actions.register_offer(actor=SYSTEM, division_code=COUNTY, donor="捐助方", category="other",
                                   amount=Decimal(10000), offered_on=DAY)
    run_all(10, lambda i: actions.match(actor=SYSTEM, need=need, offer=offer, amount=Decimal(300), matched_on=DAY).pk)
    need.refresh_from_db()
    offer.refresh_from_db()
    assert CharityMatch.objects.count() == 3
    assert need.matched_amount == offer.matched_amount == Decimal(900)
    assert AuditEvent.objects.filter(verb="welfare.match.create").count() == 3
