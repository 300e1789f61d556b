"""A household's history, and the household as it was at a chosen moment.

Every change to a household, its members or its incomes is an audit event holding the changed
fields before and after. The state at time T is the current state with every later event undone
(newest first): fields take their ``before`` values; an object whose creation came after T is
dropped. Bulk-loaded households (demo, import) have no creation event: before their
``created_at`` they did not exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from fupin.core.audit import snapshot
from fupin.core.display import display_value
from fupin.core.masking import MASKERS
from fupin.core.models import AuditEvent
from fupin.registry.actions import HOUSEHOLD_TRACKED, INCOME_FIELDS, MEMBER_TRACKED
from fupin.registry.models import Household, HouseholdIncome, Member, VillageProfile, WorkTeamMember

KINDS = {
    "registry.household": (Household, HOUSEHOLD_TRACKED),
    "registry.member": (Member, MEMBER_TRACKED),
    "registry.householdincome": (HouseholdIncome, INCOME_FIELDS),
}


READS = ("personal.reveal", "history.view")  # events that record a look, not a change


def events(household: Household, *, with_access: bool = False):
    qs = AuditEvent.objects.for_household(household.pk)
    if not with_access:
        qs = qs.exclude(verb__in=READS)
    return qs.order_by("-occurred_at", "-id")


@dataclass
class PastState:
    at: dt.datetime
    existed: bool
    household: dict = field(default_factory=dict)
    members: list[dict] = field(default_factory=list)
    incomes: list[dict] = field(default_factory=list)


def as_of(household: Household, at: dt.datetime) -> PastState:
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    state: dict[str, dict[str, dict | None]] = {
        "registry.household": {str(household.pk): snapshot(household, HOUSEHOLD_TRACKED) | {"id": household.pk}},
        "registry.member": {
            str(m.pk): snapshot(m, MEMBER_TRACKED) | {"id": m.pk, "created_at": m.created_at}
            for m in household.members.all()
        },
        "registry.householdincome": {
            str(i.pk): snapshot(i, INCOME_FIELDS) | {"id": i.pk, "year": i.year} for i in household.incomes.all()
        },
    }
    later = (AuditEvent.objects.for_household(household.pk).filter(occurred_at__gt=at)
             .exclude(verb__in=READS).order_by("-occurred_at", "-id"))
    for event in later:
        objects = state.get(event.object_type)
        if objects is None or event.object_id not in objects or objects[event.object_id] is None:
            continue
        if event.before is None:
            objects[event.object_id] = None  # created after `at`
        else:
            objects[event.object_id].update(event.before)
    existed = state["registry.household"][str(household.pk)] is not None and household.created_at <= at
    alive = lambda d: [v for v in d.values() if v is not None]  # noqa: E731
    # Members bulk-loaded with the household have no creation event: their row's time tells.
    members = [m for m in alive(state["registry.member"]) if m["created_at"] <= at]
    past_household = {k: _masked(k, v) for k, v in (state["registry.household"][str(household.pk)] or {}).items()}
    members = [{k: _masked(k, v) for k, v in m.items()} for m in members]
    return PastState(
        at=at,
        existed=existed,
        household=past_household,  # personal numbers masked, as on the live card
        members=sorted(members, key=lambda m: (m["status"] != "active", m["relation"] != "head", m["birth_date"])),
        incomes=sorted(alive(state["registry.householdincome"]), key=lambda i: -i["year"]),
    )



def describe_changes(event: AuditEvent) -> list[tuple[str, str, str]]:
    """(field label, old value, new value) rows for one event, as a reader should see them."""
    model, _fields = KINDS.get(event.object_type, (None, ()))
    if model is None:
        model = {"registry.villageprofile": VillageProfile, "registry.workteammember": WorkTeamMember}.get(
            event.object_type)
    if model is None:
        return []
    before, after = event.before or {}, event.after or {}
    rows = []
    for name in list(after) + [k for k in before if k not in after]:
        try:
            label = str(model._meta.get_field(name).verbose_name)
        except Exception:
            label = name
        old = display_value(model, name, _masked(name, before.get(name))) if event.before is not None else ""
        new = display_value(model, name, _masked(name, after.get(name)))
        rows.append((label, old, new))
    return rows


def _masked(name: str, value):
    """History never shows personal numbers in full (revealing is a separate, logged step)."""
    if name in ("id_number", "bank_account"):
        return MASKERS[name](value)
    if name in ("phone", "helper_phone"):
        return MASKERS["phone"](value)
    return value
