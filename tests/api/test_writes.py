"""Each write endpoint calls its action: the change is made and audited; bad input gives 400 with the
field's (Chinese) message and writes nothing."""

from __future__ import annotations

import pytest

from fupin.assistance.models import Measure, Plan, Visit
from fupin.core.models import AuditEvent
from fupin.funds.models import Allocation, Disbursement, Project
from fupin.registry.models import Household, Member
from fupin.workflows.models import RiskClue
from tests import factories
from tests.api import support

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


@pytest.fixture
def world(users):
    return support.build(users)


def audited(verb: str) -> int:
    return AuditEvent.objects.filter(verb=verb).count()


def test_create_household_writes_the_household_and_its_head_and_audits(users, world):
    client = support.client_for(users["township"])
    head = factories.person("head", birth=factories.dt.date(1980, 1, 2))
    before = audited("household.create")
    response = client.post(f"{V1}/households/", {"division_code": factories.JIANYUAN, "household_type": "poor",
                                                 "poverty_attribute": "general", "main_cause": "01",
                                                 "phone": "13812345678", "head": head}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["division_code"] == factories.JIANYUAN and body["phone"] == "138****5678"
    assert body["members"][0]["relation"] == "head" and "*" in body["members"][0]["id_number"]
    assert audited("household.create") == before + 1


def test_create_household_bad_input_is_400_with_the_field_error_and_writes_nothing(users, world):
    client = support.client_for(users["township"])
    count, events = Household.objects.count(), AuditEvent.objects.count()
    response = client.post(f"{V1}/households/", {"division_code": factories.JIANYUAN, "household_type": "poor",
                                                 "head": {"name": "王五", "id_number": "123", "relation": "head"}},
                           format="json")
    assert response.status_code == 400
    assert "id_number" in response.json() and response.json()["id_number"][0]
    assert Household.objects.count() == count and AuditEvent.objects.count() == events
    # a township's household outside the user's area is refused
    response = client.post(f"{V1}/households/", {"division_code": factories.TANXI_VILLAGE,
                                                 "head": factories.person("head")}, format="json")
    assert response.status_code == 403 and Household.objects.count() == count


def test_update_household_and_members(users, world):
    client = support.client_for(users["village"])
    response = client.patch(f"{V1}/households/{world.household.pk}/", {"farmland_area": "3.50", "reason": "复核"},
                            format="json")
    assert response.status_code == 200 and response.json()["farmland_area"] == "3.50"
    assert AuditEvent.objects.filter(verb="household.update", household_id=world.household.pk).exists()
    response = client.patch(f"{V1}/households/{world.household.pk}/", {"main_cause": "zz"}, format="json")
    assert response.status_code == 400 and "main_cause" in response.json()

    added = client.post(f"{V1}/members/", {**factories.person("son", birth=factories.dt.date(2010, 6, 1),
                                                              schooling="grade_7_9"),
                                           "household": world.household.pk}, format="json")
    assert added.status_code == 201, added.content
    member_id = added.json()["id"]
    assert AuditEvent.objects.filter(verb="member.add", object_id=str(member_id)).exists()
    changed = client.patch(f"{V1}/members/{member_id}/", {"name": "黄小明"}, format="json")
    assert changed.status_code == 200 and changed.json()["name"] == "黄小明"
    refused = client.patch(f"{V1}/members/{member_id}/", {"relation": "head"}, format="json")
    assert refused.status_code == 400 and "变更户主" in refused.json()["relation"][0]
    removed = client.post(f"{V1}/members/{member_id}/remove/", {"reason_code": "bogus"}, format="json")
    assert removed.status_code == 400 and Member.objects.get(pk=member_id).status == "active"
    removed = client.post(f"{V1}/members/{member_id}/remove/", {"reason_code": "moved_out", "note": "迁出"},
                          format="json")
    assert removed.status_code == 200 and removed.json()["status"] == "removed"
    assert AuditEvent.objects.filter(verb="member.remove", object_id=str(member_id)).exists()


def test_reveal_is_recorded_and_needs_the_capability(users, world):
    response = support.client_for(users["village"]).post(f"{V1}/members/{world.member.pk}/reveal/",
                                                         {"field": "id_number"}, format="json")
    assert response.status_code == 200 and response.json()["value"] == world.member.id_number
    assert AuditEvent.objects.filter(verb="personal.reveal", object_id=str(world.member.pk)).exists()
    response = support.client_for(users["helper"]).post(f"{V1}/members/{world.member.pk}/reveal/",
                                                        {"field": "id_number"}, format="json")
    assert response.status_code == 403
    auditor = support.client_for(users["auditor"])
    assert auditor.get(f"{V1}/households/{world.household.pk}/").json()["bank_account"] == ""
    response = auditor.post(f"{V1}/households/{world.household.pk}/reveal/", {"field": "helper_phone"},
                            format="json")
    assert response.status_code == 200 and response.json()["value"] == world.household.helper_phone
    assert AuditEvent.objects.filter(verb="personal.reveal", household_id=world.household.pk,
                                     actor=users["auditor"]).exists()
    bad = auditor.post(f"{V1}/households/{world.household.pk}/reveal/", {"field": "id_number"}, format="json")
    assert bad.status_code == 400 and "field" in bad.json()


def test_assign_helper(users, world):
    client = support.client_for(users["township"])
    bad = client.post(f"{V1}/households/{world.household.pk}/assign-helper/", {"helper": users["county"].pk},
                      format="json")
    assert bad.status_code == 400 and "helper" in bad.json()
    ok = client.post(f"{V1}/households/{world.household.pk}/assign-helper/", {"helper": None}, format="json")
    assert ok.status_code == 200 and ok.json()["helper_user"] is None
    assert AuditEvent.objects.filter(verb="household.assign_helper", household_id=world.household.pk).exists()


def test_project_declare_transition_allocate_disburse_reverse(users, world):
    village, county = support.client_for(users["village"]), support.client_for(users["county"])
    declared = village.post(f"{V1}/funds/projects/", {"division_code": factories.JIANYUAN, "year": 2023,
                                                      "name": "村道硬化", "type": "infrastructure",
                                                      "budget": "200000.00", "lead_unit": "县交通局"}, format="json")
    assert declared.status_code == 201, declared.content
    pk = declared.json()["id"]
    assert AuditEvent.objects.filter(verb__startswith="funds.project", object_id=str(pk)).exists()
    # the village may not approve (MANAGE_FUNDS), the county may
    assert village.post(f"{V1}/funds/projects/{pk}/transition/", {"key": "approve"}, format="json").status_code == 403
    bad = county.post(f"{V1}/funds/projects/{pk}/transition/", {"key": "complete"}, format="json")
    assert bad.status_code == 400 and Project.objects.get(pk=pk).status == "declared"
    ok = county.post(f"{V1}/funds/projects/{pk}/transition/", {"key": "approve", "note": "同意"}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "approved"

    too_much = county.post(f"{V1}/funds/allocations/", {"source": world.source.pk, "project": pk,
                                                        "amount": "999999999.00"}, format="json")
    assert too_much.status_code == 400 and Allocation.objects.filter(project_id=pk).count() == 0
    allocated = county.post(f"{V1}/funds/allocations/", {"source": world.source.pk, "project": pk,
                                                         "amount": "50000.00", "division_code": factories.JIANYUAN},
                            format="json")
    assert allocated.status_code == 201, allocated.content
    allocation = allocated.json()["id"]
    assert AuditEvent.objects.filter(verb__startswith="funds.allocation", object_id=str(allocation)).exists()

    over = county.post(f"{V1}/funds/disbursements/", {"allocation": allocation, "amount": "60000.00",
                                                      "mode": "works", "voucher_no": "记-9"}, format="json")
    assert over.status_code == 400 and not Disbursement.objects.filter(allocation_id=allocation).exists()
    paid = county.post(f"{V1}/funds/disbursements/", {"allocation": allocation, "amount": "20000.00",
                                                      "mode": "works", "voucher_no": "记-9"}, format="json")
    assert paid.status_code == 201, paid.content
    reversed_ = county.post(f"{V1}/funds/disbursements/{paid.json()['id']}/reverse/", {"reason": "重复支付"},
                            format="json")
    assert reversed_.status_code == 201 and reversed_.json()["amount"] == "-20000.00"
    no_reason = county.post(f"{V1}/funds/allocations/{allocation}/cancel/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()

    ledger = county.get(f"{V1}/funds/ledger/", {"area": factories.JIANYUAN, "year": 2023})
    assert ledger.status_code == 200 and ledger.json()["totals"]["allocated"] == "150000.00"
    checks = county.get(f"{V1}/funds/policy-checks/", {"year": 2023})
    assert checks.status_code == 200 and {c["key"] for c in checks.json()["checks"]} >= {"reward_share"}
    assert support.client_for(users["township"]).get(f"{V1}/funds/policy-checks/").status_code == 404


def test_case_act_and_clue_create(users, world):
    village = support.client_for(users["village"])
    missing = village.post(f"{V1}/cases/{world.case.pk}/act/", {"outcome": "pass"}, format="json")
    assert missing.status_code == 400 and "办理说明" in str(missing.json())
    world.case.refresh_from_db()
    assert world.case.step == "apply"
    ok = village.post(f"{V1}/cases/{world.case.pk}/act/", {"outcome": "pass", "note": "本人申请"}, format="json")
    assert ok.status_code == 200 and ok.json()["step"] == "democratic_review"
    assert [s["step"] for s in ok.json()["steps"]][-1] == "apply"

    count = RiskClue.objects.count()
    bad = village.post(f"{V1}/clues/", {"household": world.household.pk, "source": "cadre_visit", "risk": " "},
                       format="json")
    assert bad.status_code == 400 and RiskClue.objects.count() == count
    made = village.post(f"{V1}/clues/", {"household": world.household.pk, "source": "cadre_visit", "risk": "因灾"},
                        format="json")
    assert made.status_code == 201 and AuditEvent.objects.filter(verb="clue.create",
                                                                 object_id=str(made.json()["id"])).exists()


def test_plans_measures_visits(users, world):
    township = support.client_for(users["township"])
    bad = township.post(f"{V1}/assistance/plans/", {"level": "village", "year": 2024,
                                                    "division_code": factories.JIANYUAN, "title": ""}, format="json")
    assert bad.status_code == 400 and "title" in bad.json()
    made = township.post(f"{V1}/assistance/plans/", {"level": "village", "year": 2024,
                                                     "division_code": factories.JIANYUAN, "title": "枧源村发展目标"},
                         format="json")
    assert made.status_code == 201 and Plan.objects.filter(pk=made.json()["id"]).exists()
    assert AuditEvent.objects.filter(verb="assistance.plan.create", object_id=str(made.json()["id"])).exists()
    measure = township.post(f"{V1}/assistance/measures/", {"plan": made.json()["id"], "category": "industry",
                                                           "description": "白茶基地", "cost": "1000.00"},
                            format="json")
    assert measure.status_code == 201, measure.content
    assert Measure.objects.filter(pk=measure.json()["id"]).exists()

    helper = support.client_for(users["helper"])
    count = Visit.objects.count()
    bad = helper.post(f"{V1}/assistance/visits/", {"household": world.household.pk, "visited_on": "2023-06-01",
                                                   "notes": ""}, format="json")
    assert bad.status_code == 400 and Visit.objects.count() == count
    ok = helper.post(f"{V1}/assistance/visits/", {"household": world.household.pk, "visited_on": "2023-06-01",
                                                  "notes": "收入稳定"}, format="json")
    assert ok.status_code == 201 and Visit.objects.count() == count + 1
    assert helper.get(f"{V1}/assistance/visits/").json()["count"] == count + 1


def test_import_starts_a_job_and_the_job_shows_progress(users, world, settings, django_capture_on_commit_callbacks):
    import io

    from tests.exchange import support as exchange_support

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = support.client_for(users["township"])
    file = io.BytesIO(exchange_support.to_csv(exchange_support.workbook_rows(2, members=1)))
    file.name = "households.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{V1}/imports/", {"file": file}, format="multipart")
    assert response.status_code == 202, response.content
    job_id = response.json()["job"]["id"]
    job = client.get(f"{V1}/jobs/{job_id}/").json()
    assert job["status"] == "done" and job["progress"] == 100
    assert client.get(f"{V1}/imports/{response.json()['id']}/").json()["status"] == "imported"
    # a bad upload: 400, no job
    bad = io.BytesIO(b"")
    bad.name = "x.csv"
    assert client.post(f"{V1}/imports/", {"file": bad}, format="multipart").status_code == 400
    # the other township does not see the job
    assert support.client_for(users["other_township"]).get(f"{V1}/jobs/{job_id}/").status_code == 404
