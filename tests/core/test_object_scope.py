"""Scope on every object: a helper reaches only the documents, objections, notices and records of
their own households; an update checks the object's current area as well as the new one; every model
that belongs to a household limits helpers to their households."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied

from fupin.core.actions import SYSTEM
from fupin.registry.models import Household
from fupin.welfare import actions as welfare
from fupin.workflows import actions as workflows
from tests.conftest import login
from tests.factories import HUFANG, JIANYUAN, TANXI, make_household
from tests.workflows.support import PDF, review, votes

pytestmark = pytest.mark.django_db


def household_path(model, depth: int = 0) -> str | None:
    """The path from ``model`` to the household it belongs to (None: it belongs to no household)."""
    if model is Household:
        return ""
    if depth > 2:
        return None
    relations = [f for f in model._meta.get_fields() if f.is_relation and f.many_to_one and f.related_model]
    for f in relations:
        if f.related_model is Household:
            return f.name
    for f in relations:
        if f.related_model._meta.app_label not in ("accounts", "core", "divisions"):
            found = household_path(f.related_model, depth + 1)
            if found:
                return f"{f.name}__{found}"
    return None


def test_every_model_of_a_household_limits_helpers_to_their_households():
    missing = [m._meta.label for m in apps.get_models()
               if hasattr(m, "AREA_FIELD") and household_path(m) and not getattr(m, "HELPER_FIELD", None)]
    assert missing == []


def test_a_helper_reaches_only_the_documents_and_notices_of_their_households(client, users):
    helper, village = users["helper"], users["village"]
    from fupin.registry import actions as registry

    mine = make_household(household_type="ordinary", poverty_attribute="", main_cause="")
    other = make_household(household_type="ordinary", poverty_attribute="", main_cause="")
    registry.assign_helper(actor=SYSTEM, household=mine, helper=helper)
    documents, notices = {}, {}
    for home in (mine, other):
        case = workflows.start_case(actor=village, household=home, kind="identify", note="申请")
        documents[home.pk] = workflows.add_document(actor=village, case=case, kind="application", name="申请书.pdf",
                                                    content=PDF)
        workflows.act(actor=village, case=case, outcome="pass", note="评议", data=votes(review(village, JIANYUAN)))
        workflows.act(actor=village, case=case, outcome="pass", note="核实")
        notices[home.pk] = workflows.post_notice(actor=village, cases=[case], period_days=7)
    login(client, helper)
    assert client.get(f"/workflows/documents/{documents[mine.pk].pk}/").status_code == 200
    assert client.get(f"/workflows/documents/{documents[other.pk].pk}/").status_code == 404
    assert client.get(f"/workflows/notices/{notices[mine.pk].pk}/").status_code == 200
    assert client.get(f"/workflows/notices/{notices[other.pk].pk}/").status_code == 404
    assert client.get(f"/workflows/notices/{notices[other.pk].pk}.pdf").status_code == 404
    response = client.post(f"/workflows/notices/{notices[other.pk].pk}/objections/",
                           {"case": notices[other.pk].cases.get().pk, "raised_by": "张三", "content": "x",
                            "raised_on": "2023-01-01"})
    assert response.status_code == 404
    listed = client.get("/workflows/notices/").content.decode()
    assert other.household_code not in listed


def test_a_township_cannot_take_over_another_townships_site(users):
    site = welfare.save_site(actor=users["county"], values={
        "name": "潭溪安置点", "division_code": TANXI, "site_type": "concentrated", "capacity": 20})
    with pytest.raises(PermissionDenied):
        welfare.save_site(actor=users["township"], site=site, values={
            "name": "潭溪安置点", "division_code": HUFANG, "site_type": "concentrated", "capacity": 9999})
    site.refresh_from_db()
    assert site.division_code == TANXI and site.capacity == 20


def test_refusals_are_pages_in_chinese(client, users):
    login(client, users["village"])
    response = client.get("/exchange/national/")
    assert response.status_code == 403 and "没有权限" in response.content.decode() and "回到首页" in response.content.decode()
    missing = client.get("/households/999999/")
    assert missing.status_code == 404 and "没有找到" in missing.content.decode()
