"""Reads of the exchange app, always through the user's area scope (the system, ``None``, sees all)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from fupin.core.scope import prefix_q
from fupin.divisions.models import Division, Level
from fupin.exchange.models import ImportBatch
from fupin.registry.models import Household


def households(user, area: str = ""):
    """Active households under ``area`` that ``user`` may see."""
    qs = Household.objects.filter(status="active")
    if user is None:
        return qs.filter(prefix_q("division_id", area))
    return qs.visible_to(user, area)


def villages(user, area: str = ""):
    qs = Division.objects.filter(level=Level.VILLAGE)
    qs = qs.filter(prefix_q("code", area)) if user is None else qs.visible_to(user, area)
    return qs.order_by("code")


def import_batches(user):
    return ImportBatch.objects.visible_to(user).select_related("created_by", "job")


def get_import(user, pk: int) -> ImportBatch:
    """A batch the user may see: within their area, or their own upload (before its area is known)."""
    qs = ImportBatch.objects.select_related("created_by", "job")
    batch = get_object_or_404(qs, pk=pk)
    if batch.created_by_id == getattr(user, "pk", None) or import_batches(user).filter(pk=pk).exists():
        return batch
    raise Http404
