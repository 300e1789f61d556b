import pytest
from django.db import DatabaseError, transaction

from fupin.core import audit
from fupin.core.actions import SYSTEM
from fupin.core.models import AuditEvent


@pytest.mark.django_db(transaction=True)
def test_audit_events_cannot_be_updated_or_deleted():
    with transaction.atomic():
        event = audit.record(actor=SYSTEM, verb="test.event", summary="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "x"


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit.record(actor=SYSTEM, verb="test.event")


def test_diff_keeps_only_changed_fields():
    assert audit.diff({"a": 1, "b": 2}, {"a": 1, "b": 3}) == ({"b": 2}, {"b": 3})
