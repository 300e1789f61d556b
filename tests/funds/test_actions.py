"""The funds actions: each rule refuses with a clear message and writes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.core.models import AuditEvent
from fupin.funds import actions
from fupin.funds.models import (
    Allocation,
    Disbursement,
    DisbursementMode,
    FundSource,
    Project,
    ProjectBeneficiary,
    ProjectStatus,
    ProjectStep,
    SourceKind,
)
from tests.factories import HUFANG, HUFANG_VILLAGE, JIANYUAN, TANXI_VILLAGE
from tests.funds.support import household, project, source

pytestmark = pytest.mark.django_db
D = Decimal


# --- money ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [("1", D("1.00")), ("1,234.5", D("1234.50")), (D("0.01"), D("0.01")),
                                             (7, D("7.00"))])
def test_money_parses_exact_yuan(value, expected):
    assert actions.money(value) == expected
    assert isinstance(actions.money(value), Decimal)


@pytest.mark.parametrize("value", [0.1, "0.001", "abc", "0", "-5", "NaN", "Infinity", "1e13"])
def test_money_refuses_floats_fractions_of_fen_and_nonsense(value):
    with pytest.raises(ValidationError):
        actions.money(value)


# --- sources --------------------------------------------------------------------------------------

def test_source_is_recorded_and_audited(users):
    s = source(users["finance"], amount="10000000")
    assert s.county_code == s.division_code == "361022" and s.amount == D("10000000.00")
    assert AuditEvent.objects.filter(verb="funds.source.create", object_id=str(s.pk)).exists()


def test_departmental_source_needs_a_department(users):
    with pytest.raises(ValidationError) as exc:
        actions.create_source(actor=users["finance"], county_code="361022", fields={
            "year": 2023, "kind": SourceKind.DEPARTMENT, "name": "水利资金", "amount": "5000"})
    assert "department" in exc.value.error_dict
    assert not FundSource.objects.exists()


def test_only_finance_and_county_record_sources(users):
    for who in ("township", "village", "auditor", "dept", "agri"):
        with pytest.raises(PermissionDenied):
            source(users[who])
    source(users["county"])
    assert FundSource.objects.count() == 1


def test_source_amount_cannot_drop_below_allocated(users):
    s = source(users["finance"], amount="1000")
    p = project(users["finance"], budget="1000")
    actions.allocate(actor=users["finance"], source=s, project=p, amount="600")
    with pytest.raises(ValidationError) as exc:
        actions.update_source(actor=users["finance"], source=s, changes={"amount": D("599.99")})
    assert "600.00" in str(exc.value)
    actions.update_source(actor=users["finance"], source=s, changes={"amount": D("600")})
    s.refresh_from_db()
    assert s.amount == D("600.00")


def test_cancel_source_needs_reason_and_no_allocations(users):
    s = source(users["finance"], amount="1000")
    with pytest.raises(ValidationError):
        actions.cancel_source(actor=users["finance"], source=s, reason=" ")
    p = project(users["finance"], budget="1000")
    a = actions.allocate(actor=users["finance"], source=s, project=p, amount="10")
    with pytest.raises(ValidationError):
        actions.cancel_source(actor=users["finance"], source=s, reason="重复登记")
    actions.cancel_allocation(actor=users["finance"], allocation=a, reason="录错")
    actions.cancel_source(actor=users["finance"], source=s, reason="重复登记")
    s.refresh_from_db()
    assert s.status == "cancelled"


# --- projects -------------------------------------------------------------------------------------

def test_village_cadre_declares_in_own_village_only(users):
    p = project(users["village"], approve=False)
    assert p.status == ProjectStatus.DECLARED and p.code == "2023-0001"
    assert ProjectStep.objects.filter(project=p, to_status=ProjectStatus.DECLARED).count() == 1
    with pytest.raises(PermissionDenied):
        project(users["village"], area=HUFANG_VILLAGE, approve=False)
    with pytest.raises(PermissionDenied):
        project(users["township"], area=TANXI_VILLAGE, approve=False)
    project(users["township"], area=HUFANG, approve=False)
    with pytest.raises(PermissionDenied):
        project(users["auditor"], approve=False)
    assert Project.objects.count() == 2


def test_project_code_unique_per_county(users):
    project(users["county"], code="LC-1", approve=False)
    with pytest.raises(ValidationError) as exc:
        project(users["county"], code="LC-1", approve=False)
    assert "code" in exc.value.error_dict


def test_procedure_runs_in_order_with_history(users):
    p = project(users["village"], approve=False)
    with pytest.raises(PermissionDenied):
        actions.transition(actor=users["village"], project=p, key="approve")
    with pytest.raises(ValidationError):
        actions.transition(actor=users["finance"], project=p, key="accept")
    for key in ("approve", "start", "accept", "complete"):
        p = actions.transition(actor=users["finance"], project=p, key=key, note=key)
    assert p.status == ProjectStatus.COMPLETED
    assert list(p.steps.values_list("to_status", flat=True)) == [
        "declared", "approved", "implementing", "accepted", "completed"]
    assert AuditEvent.objects.filter(object_type="funds.project", object_id=str(p.pk)).count() == 5


def test_reject_and_cancel_need_a_reason(users):
    p = project(users["village"], approve=False)
    with pytest.raises(ValidationError) as exc:
        actions.transition(actor=users["finance"], project=p, key="reject", note="")
    assert "note" in exc.value.error_dict
    p = actions.transition(actor=users["finance"], project=p, key="reject", note="材料不全")
    assert p.status == ProjectStatus.REJECTED and p.status_reason == "材料不全"
    p = actions.transition(actor=users["village"], project=p, key="resubmit", note="已补充")
    assert p.status == ProjectStatus.DECLARED and p.status_reason == ""


def test_project_with_allocations_cannot_be_cancelled(users):
    s = source(users["finance"])
    p = project(users["finance"])
    actions.allocate(actor=users["finance"], source=s, project=p, amount="100")
    with pytest.raises(ValidationError):
        actions.transition(actor=users["finance"], project=p, key="cancel", note="不做了")


def test_declarer_edits_until_approved(users):
    p = project(users["village"], approve=False)
    actions.update_project(actor=users["village"], project=p, changes={"name": "香榧基地"})
    p = actions.transition(actor=users["finance"], project=p, key="approve")
    with pytest.raises(PermissionDenied):
        actions.update_project(actor=users["village"], project=p, changes={"name": "又改"})
    actions.update_project(actor=users["finance"], project=p, changes={"budget": D("600000")})
    p.refresh_from_db()
    assert p.name == "香榧基地" and p.budget == D("600000.00")


def test_budget_cannot_drop_below_allocated(users):
    s = source(users["finance"])
    p = project(users["finance"], budget="1000")
    actions.allocate(actor=users["finance"], source=s, project=p, amount="800")
    with pytest.raises(ValidationError) as exc:
        actions.update_project(actor=users["finance"], project=p, changes={"budget": D("799.99")})
    assert "budget" in exc.value.error_dict


def test_beneficiaries_by_code_all_or_nothing(users):
    h1, h2 = household(), household()
    other = household(TANXI_VILLAGE)
    p = project(users["village"], approve=False)
    with pytest.raises(ValidationError) as exc:
        actions.add_beneficiaries(actor=users["village"], project=p,
                                  household_codes=[h1.household_code, "NOPE", other.household_code])
    text = " ".join(exc.value.messages)
    assert "NOPE" in text and other.household_code in text
    assert not ProjectBeneficiary.objects.exists()
    actions.add_beneficiaries(actor=users["village"], project=p, household_codes=[h1.household_code,
                                                                                   h2.household_code])
    assert p.beneficiaries.count() == 2
    with pytest.raises(ValidationError):
        actions.add_beneficiaries(actor=users["village"], project=p, household_codes=[h1.household_code])


# --- allocations ----------------------------------------------------------------------------------

def test_allocation_within_source_and_budget(users):
    fin = users["finance"]
    s = source(fin, amount="1000")
    p1, p2 = project(fin, budget="700"), project(fin, budget="700")
    actions.allocate(actor=fin, source=s, project=p1, amount="700")
    with pytest.raises(ValidationError) as exc:
        actions.allocate(actor=fin, source=s, project=p1, amount="0.01")
    assert "超出项目预算" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        actions.allocate(actor=fin, source=s, project=p2, amount="300.01")
    assert "超出资金来源余额" in str(exc.value) and "300.00" in str(exc.value)
    actions.allocate(actor=fin, source=s, project=p2, amount="300")
    assert Allocation.objects.count() == 2
    assert AuditEvent.objects.filter(verb="funds.allocation.create").count() == 2


def test_only_approved_projects_receive_allocations(users):
    fin = users["finance"]
    s = source(fin)
    p = project(fin, approve=False)
    with pytest.raises(ValidationError) as exc:
        actions.allocate(actor=fin, source=s, project=p, amount="1")
    assert "project" in exc.value.error_dict
    p = actions.transition(actor=fin, project=p, key="reject", note="no")
    with pytest.raises(ValidationError):
        actions.allocate(actor=fin, source=s, project=p, amount="1")
    assert not Allocation.objects.exists()


def test_source_year_must_match_project_year(users):
    fin = users["finance"]
    s = source(fin, year=2022)
    p = project(fin)
    with pytest.raises(ValidationError):
        actions.allocate(actor=fin, source=s, project=p, amount="1")


def test_allocation_to_village_and_household(users):
    fin = users["finance"]
    h = household()
    stranger = household()
    s = source(fin)
    p = project(fin, area=HUFANG, households=[h])
    a = actions.allocate(actor=fin, source=s, project=p, amount="100", division_code=JIANYUAN)
    assert a.division_code == JIANYUAN
    a = actions.allocate(actor=fin, source=s, project=p, amount="100", household=h)
    assert a.division_code == JIANYUAN and a.household == h
    with pytest.raises(ValidationError) as exc:
        actions.allocate(actor=fin, source=s, project=p, amount="1", household=stranger)
    assert "household" in exc.value.error_dict
    with pytest.raises(ValidationError):
        actions.allocate(actor=fin, source=s, project=p, amount="1", division_code=HUFANG_VILLAGE, household=h)
    with pytest.raises(ValidationError):
        actions.allocate(actor=fin, source=s, project=p, amount="1", division_code=TANXI_VILLAGE)
    with pytest.raises(PermissionDenied):
        actions.allocate(actor=users["township"], source=s, project=p, amount="1")


# --- disbursements --------------------------------------------------------------------------------

def test_disbursement_never_exceeds_allocation(users):
    fin = users["finance"]
    h = household()
    s = source(fin)
    p = project(fin, households=[h])
    a = actions.allocate(actor=fin, source=s, project=p, amount="1000")
    actions.disburse(actor=fin, allocation=a, amount="999.99", mode=DisbursementMode.REWARD, household=h,
                     voucher_no="V1")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        actions.disburse(actor=fin, allocation=a, amount="0.02", mode=DisbursementMode.REWARD, household=h,
                         voucher_no="V2")
    assert "最多还能支付 0.01 元" in str(exc.value)
    assert Disbursement.objects.count() == 1 and AuditEvent.objects.count() == events
    actions.disburse(actor=fin, allocation=a, amount="0.01", mode=DisbursementMode.REWARD, household=h,
                     voucher_no="V3")
    assert actions.disbursed_of(a) == D("1000.00")


def test_household_modes_need_a_beneficiary(users):
    fin = users["finance"]
    h, stranger = household(), household()
    s = source(fin)
    p = project(fin, households=[h])
    a = actions.allocate(actor=fin, source=s, project=p, amount="1000")
    for mode in (DisbursementMode.DIRECT_SUBSIDY, DisbursementMode.REWARD, DisbursementMode.ASSET_SHARES):
        with pytest.raises(ValidationError) as exc:
            actions.disburse(actor=fin, allocation=a, amount="1", mode=mode, voucher_no="V")
        assert "household" in exc.value.error_dict
    with pytest.raises(ValidationError):
        actions.disburse(actor=fin, allocation=a, amount="1", mode=DisbursementMode.REWARD, household=stranger,
                         voucher_no="V")
    d = actions.disburse(actor=fin, allocation=a, amount="1", mode=DisbursementMode.LOAN_INTEREST, voucher_no="V")
    assert d.household is None and d.division_code == JIANYUAN
    with pytest.raises(ValidationError):
        actions.disburse(actor=fin, allocation=a, amount="1", mode=DisbursementMode.REWARD, household=h,
                         voucher_no="")


def test_household_allocation_pays_its_household(users):
    fin = users["finance"]
    h, h2 = household(), household()
    s = source(fin)
    p = project(fin, households=[h, h2])
    a = actions.allocate(actor=fin, source=s, project=p, amount="500", household=h)
    d = actions.disburse(actor=fin, allocation=a, amount="500", mode=DisbursementMode.DIRECT_SUBSIDY, voucher_no="V")
    assert d.household == h
    with pytest.raises(ValidationError):
        actions.disburse(actor=fin, allocation=a, amount="0.01", mode=DisbursementMode.DIRECT_SUBSIDY, household=h2,
                         voucher_no="V")


def test_reversal_keeps_both_entries_and_frees_the_amount(users):
    fin = users["finance"]
    h = household()
    s = source(fin)
    p = project(fin, households=[h])
    a = actions.allocate(actor=fin, source=s, project=p, amount="100")
    d = actions.disburse(actor=fin, allocation=a, amount="100", mode=DisbursementMode.REWARD, household=h,
                         voucher_no="V1")
    with pytest.raises(ValidationError):
        actions.reverse_disbursement(actor=fin, disbursement=d, reason="")
    r = actions.reverse_disbursement(actor=fin, disbursement=d, reason="重复支付")
    assert r.amount == D("-100.00") and r.reverses == d and r.voucher_no == "冲V1"
    assert actions.disbursed_of(a) == D("0.00")
    with pytest.raises(ValidationError):
        actions.reverse_disbursement(actor=fin, disbursement=d, reason="again")
    with pytest.raises(ValidationError):
        actions.reverse_disbursement(actor=fin, disbursement=r, reason="again")
    actions.disburse(actor=fin, allocation=a, amount="100", mode=DisbursementMode.REWARD, household=h, voucher_no="V2")
    assert Disbursement.objects.count() == 3
    with pytest.raises(PermissionDenied):
        actions.reverse_disbursement(actor=users["auditor"], disbursement=d, reason="x")


def test_cancel_allocation_only_when_nothing_paid(users):
    fin = users["finance"]
    s = source(fin)
    p = project(fin)
    a = actions.allocate(actor=fin, source=s, project=p, amount="100")
    actions.disburse(actor=fin, allocation=a, amount="10", mode=DisbursementMode.LOAN_RISK, voucher_no="V")
    with pytest.raises(ValidationError):
        actions.cancel_allocation(actor=fin, allocation=a, reason="错")
    with pytest.raises(ValidationError):
        actions.disburse(actor=fin, allocation=a, amount="0", mode=DisbursementMode.LOAN_RISK, voucher_no="V")


def test_fund_rule_is_data(users):
    from fupin.funds import rules

    assert rules.thresholds("361022", 2023).reward_share == D("0.30")
    assert "默认" in rules.thresholds("361022", 2023).origin
    actions.set_fund_rule(actor=users["finance"], region_code="361022", year=2023, reward_share="0.35",
                          poor_village_amount="250000", village_infrastructure_min="2000000", document="黎府办〔2023〕5号")
    t = rules.thresholds("361022", 2024)
    assert t.reward_share == D("0.35") and t.poor_village_amount == D("250000.00") and "黎府办" in t.origin
    assert rules.thresholds("361022", 2022).reward_share == D("0.30")
    with pytest.raises(ValidationError):
        actions.set_fund_rule(actor=users["finance"], region_code="361022", year=2023, reward_share="1.5",
                              poor_village_amount="1", village_infrastructure_min="1")
    with pytest.raises(PermissionDenied):
        actions.set_fund_rule(actor=users["township"], region_code="361022", year=2023, reward_share="0.3",
                              poor_village_amount="1", village_infrastructure_min="1")
