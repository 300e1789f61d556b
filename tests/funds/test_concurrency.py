"""Many payments at once against one allocation never overdraw it (PostgreSQL, real transactions).

Each thread runs the ``disburse`` action in its own connection. The action locks the allocation row
(SELECT ... FOR UPDATE) and re-sums its payments inside the lock, so the payments serialise: the
total never exceeds the allocation, and a refused attempt leaves no payment and no audit event.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from fupin.core.models import AuditEvent
from fupin.funds import actions
from fupin.funds.models import Disbursement, DisbursementMode
from tests.concurrency import at_once
from tests.funds.support import household, project, source

THREADS = 24


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and concurrent transactions: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_disbursements_never_overdraw(users):
    fin = users["finance"]
    h = household()
    s = source(fin, amount="100000")
    p = project(fin, budget="100000", households=[h])
    allocation = actions.allocate(actor=fin, source=s, project=p, amount="10000.00", household=h)
    # 24 payments of 700.01..723.01 yuan: only about 14 of them fit into 10,000.00
    amounts = [Decimal("700.01") + i for i in range(THREADS)]
    events_before = AuditEvent.objects.filter(verb="funds.disbursement.create").count()
    results = at_once(THREADS, lambda i: actions.disburse(
        actor=fin, allocation=allocation, amount=amounts[i], mode=DisbursementMode.REWARD, voucher_no=f"T{i}").pk)
    assert len(results) == THREADS
    unexpected = [r for r in results.values() if isinstance(r, Exception) and not isinstance(r, ValidationError)]
    assert not unexpected, unexpected
    succeeded = {i for i, r in results.items() if not isinstance(r, Exception)}
    refused = set(results) - succeeded
    assert succeeded and refused
    for i in refused:
        assert "超出分配额度" in " ".join(results[i].messages)

    rows = Disbursement.objects.filter(allocation=allocation)
    total = actions.disbursed_of(allocation)
    assert isinstance(total, Decimal)
    assert total <= Decimal("10000.00")
    assert total == sum((amounts[i] for i in succeeded), Decimal("0.00"))
    assert rows.count() == len(succeeded)
    assert set(rows.values_list("voucher_no", flat=True)) == {f"T{i}" for i in succeeded}
    events = AuditEvent.objects.filter(verb="funds.disbursement.create")
    assert events.count() - events_before == len(succeeded)
    assert {e.after["voucher_no"] for e in events} == {f"T{i}" for i in succeeded}
    # what is left cannot take even the smallest refused amount
    assert Decimal("10000.00") - total < min(amounts[i] for i in refused)
