"""The welfare actions: rights by domain and area, validation (nothing written on error), audit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fupin.accounts.roles import Department, Role
from fupin.core.actions import SYSTEM
from fupin.core.models import AuditEvent
from fupin.registry.models import Household
from fupin.welfare import actions, rules, selectors
from fupin.welfare.domains import DOMAIN_LABELS, Domain, may_manage
from fupin.welfare.models import (
    CharityMatch,
    DisabilitySubsidy,
    EducationAid,
    HouseRenovation,
    MedicalAid,
    PremiumSubsidy,
    Relocation,
)
from tests.factories import COUNTY, HUFANG, JIANYUAN, TANXI_VILLAGE, make_user
from tests.welfare.support import STANDARD, adult, child, household, standard

pytestmark = pytest.mark.django_db
D = Decimal
DAY = dt.date(2023, 6, 1)


def dept(name):
    return make_user(Role.DEPARTMENT, COUNTY, f"d_{name}", department=name)


# --- who may write ------------------------------------------------------------------------------

def test_domain_mapping(users):
    expected = {
        Department.CIVIL_AFFAIRS: {Domain.MEDICAL_AID, Domain.CHARITY},
        Department.MEDICAL_INSURANCE: {Domain.PREMIUM, Domain.MEDICAL_AID},
        Department.EDUCATION: {Domain.EDUCATION},
        Department.DISABLED_FEDERATION: {Domain.DISABILITY},
        Department.HOUSING: {Domain.HOUSING},
        Department.RURAL_REVITALIZATION: set(DOMAIN_LABELS),
        Department.AGRICULTURE: set(),
        Department.FINANCE: set(),
    }
    for department, domains in expected.items():
        user = dept(department)
        assert {d for d in DOMAIN_LABELS if may_manage(user, d)} == domains, department
    for key in ("county", "township", "village"):
        assert all(may_manage(users[key], d) for d in DOMAIN_LABELS)
    for key in ("helper", "auditor"):
        assert not any(may_manage(users[key], d) for d in DOMAIN_LABELS)


def test_actions_enforce_the_domain_and_the_area(users):
    standard()
    h = household(adult(dibao=True, name="低保户主"))
    member = h.members.get()
    with pytest.raises(PermissionDenied):
        actions.record_premium_subsidy(actor=dept(Department.HOUSING), member=member, year=2023, paid_on=DAY)
    with pytest.raises(PermissionDenied):
        actions.record_premium_subsidy(actor=users["other_township"], member=member, year=2023, paid_on=DAY)
    with pytest.raises(PermissionDenied):
        actions.record_premium_subsidy(actor=users["auditor"], member=member, year=2023, paid_on=DAY)
    assert not PremiumSubsidy.objects.exists()
    actions.record_premium_subsidy(actor=dept(Department.MEDICAL_INSURANCE), member=member, year=2023, paid_on=DAY)
    actions.record_medical_aid(actor=users["dept"], member=member, treated_on=DAY, total_cost=D(100))  # 民政
    assert PremiumSubsidy.objects.count() == 1 and MedicalAid.objects.count() == 1


# --- standards ----------------------------------------------------------------------------------

def test_standard_rights_and_validation(users):
    with pytest.raises(PermissionDenied):
        actions.save_standard(actor=users["township"], region_code=HUFANG, year=2023, values={})
    with pytest.raises(PermissionDenied):
        actions.save_standard(actor=users["county"], region_code="36", year=2023, values={})
    with pytest.raises(ValidationError) as err:
        standard(dibao_line=D(-5))
    assert "dibao_line" in err.value.message_dict
    s = actions.save_standard(actor=users["county"], region_code=COUNTY, year=2023, values=STANDARD)
    actions.save_standard(actor=users["county"], region_code=COUNTY, year=2023, values=STANDARD)  # no change
    assert AuditEvent.objects.filter(verb="welfare.standard.save", object_id=str(s.pk)).count() == 1


# --- premium subsidy ----------------------------------------------------------------------------

def test_premium_subsidy_rules(users):
    h = household(adult(dibao=True, name="甲"), adult("spouse", sex="2", name="乙"))
    dibao, other = h.members.get(name="甲"), h.members.get(name="乙")
    with pytest.raises(ValidationError, match="保障标准"):
        actions.record_premium_subsidy(actor=users["county"], member=dibao, year=2023, paid_on=DAY)
    standard()
    with pytest.raises(ValidationError, match="不是低保或特困人员"):
        actions.record_premium_subsidy(actor=users["county"], member=other, year=2023, paid_on=DAY)
    assert list(selectors.premium_missing(users["county"], "", 2023)) == [dibao]
    row = actions.record_premium_subsidy(actor=users["county"], member=dibao, year=2023, paid_on=DAY)
    assert row.amount == D("380") and row.division_code == JIANYUAN
    with pytest.raises(ValidationError, match="已有 2023 年度"):
        actions.record_premium_subsidy(actor=users["county"], member=dibao, year=2023, paid_on=DAY, amount=D(1))
    assert not selectors.premium_missing(users["county"], "", 2023).exists()
    assert AuditEvent.objects.filter(verb="welfare.premium.record", household_id=h.pk).count() == 1


# --- medical aid --------------------------------------------------------------------------------

def test_medical_aid_parts_cannot_exceed_the_total(users):
    member = household(adult()).members.get()
    with pytest.raises(ValidationError) as err:
        actions.record_medical_aid(actor=users["county"], member=member, treated_on=DAY, total_cost=D(1000),
                                   basic_paid=D(600), critical_paid=D(300), aid_amount=D("100.01"))
    assert "aid_amount" in err.value.message_dict
    assert not MedicalAid.objects.exists()
    row = actions.record_medical_aid(actor=users["county"], member=member, treated_on=DAY, total_cost=D(1000),
                                     basic_paid=D(600), critical_paid=D(300), aid_amount=D(60))
    assert row.out_of_pocket == D(40)


money = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)


@given(total=money, basic=money, critical=money, aid=money)
def test_medical_parts_property(total, basic, critical, aid):
    problems = rules.medical_problems(total, basic, critical, aid)
    assert (not problems) == (total > 0 and basic + critical + aid <= total)
    if not problems:
        assert total - basic - critical - aid >= 0


# --- education aid ------------------------------------------------------------------------------

def test_education_aid_by_stage_and_cap(users):
    standard()
    h = household(adult(), child("son", age=10, name="小学生"), child("daughter", age=17, sex="2", name="高中生",
                                                                   schooling="senior"),
                  child("son", age=4, name="幼儿", schooling="preschool_age"))
    pupil, senior, toddler = (h.members.get(name=n) for n in ("小学生", "高中生", "幼儿"))
    assert {m.name for m in selectors.education_missing(users["county"], "", 2023)} == {"小学生", "高中生"}
    with pytest.raises(ValidationError, match="不在教育资助范围内"):
        actions.record_education_aid(actor=users["county"], member=toddler, year=2023, paid_on=DAY)
    spring = actions.record_education_aid(actor=users["county"], member=senior, year=2023, paid_on=DAY,
                                          semester="spring")
    assert (spring.stage, spring.amount) == ("senior", D(1000))
    with pytest.raises(ValidationError, match="最多 1000"):
        actions.record_education_aid(actor=users["county"], member=senior, year=2023, paid_on=DAY, semester="autumn",
                                     amount=D(1500))
    with pytest.raises(ValidationError, match="已登记过"):
        actions.record_education_aid(actor=users["county"], member=senior, year=2023, paid_on=DAY, semester="year")
    actions.record_education_aid(actor=users["county"], member=pupil, year=2023, paid_on=DAY)
    coverage = {r["stage"]: r for r in selectors.education_coverage(users["county"], "", 2023)}
    assert coverage["compulsory"]["covered"] == 1 and coverage["senior"]["covered"] == 1
    assert coverage["preschool"]["children"] == 0
    assert not selectors.education_missing(users["county"], "", 2023).exists()


def test_education_aid_only_for_registered_households(users):
    standard()
    ordinary = household(adult(), child("son", age=10, name="一般户孩子"), household_type="ordinary")
    assert not selectors.education_missing(users["county"], "", 2023).exists()
    with pytest.raises(ValidationError, match="建档立卡"):
        actions.record_education_aid(actor=users["county"], member=ordinary.members.get(name="一般户孩子"), year=2023,
                                     paid_on=DAY)
    assert not EducationAid.objects.exists()


def test_stage_mapping():
    assert rules.stage_of("kindergarten") == "preschool"
    assert rules.stage_of("grade_7_9") == rules.stage_of("primary") == "compulsory"
    assert rules.stage_of("vocational_secondary") == "vocational"
    assert rules.stage_of("technician") == rules.stage_of("undergraduate") == "higher"
    assert rules.stage_of("not_in_school") is None and rules.stage_of("postgraduate") is None


# --- disability subsidies -----------------------------------------------------------------------

def test_disability_subsidy_eligibility(users):
    standard()
    dibao_home = household(adult(dibao=True), adult("spouse", sex="2", name="低保家残疾", disabled=True,
                                                  disability_category="1", disability_grade="4"))
    plain = household(adult(name="一般残疾", disabled=True, disability_category="4", disability_grade="3"))
    severe = household(adult(name="重度残疾", disabled=True, disability_category="2", disability_grade="2"))
    living = {m.name for m in selectors.disability_missing(users["county"], "", 2023, "living")}
    care = {m.name for m in selectors.disability_missing(users["county"], "", 2023, "care")}
    assert living == {"低保家残疾"} and care == {"重度残疾"}
    with pytest.raises(ValidationError, match="须为低保家庭的残疾人"):
        actions.grant_disability_subsidy(actor=users["county"], member=plain.members.get(), kind="living", year=2023,
                                         months=12)
    with pytest.raises(ValidationError, match="须为一级或二级残疾人"):
        actions.grant_disability_subsidy(actor=users["county"], member=plain.members.get(), kind="care", year=2023,
                                         months=12)
    with pytest.raises(ValidationError, match="1 至 12"):
        actions.grant_disability_subsidy(actor=users["county"], member=severe.members.get(), kind="care", year=2023,
                                         months=13)
    assert not DisabilitySubsidy.objects.exists()
    row = actions.grant_disability_subsidy(actor=users["county"], member=severe.members.get(), kind="care",
                                           year=2023, months=12)
    assert row.total == D(1200) and not row.paid
    actions.pay_disability_subsidy(actor=users["county"], subsidy=row, paid_on=DAY)
    with pytest.raises(ValidationError):
        actions.pay_disability_subsidy(actor=users["county"], subsidy=row, paid_on=DAY)
    member = dibao_home.members.get(name="低保家残疾")
    actions.grant_disability_subsidy(actor=users["county"], member=member, kind="living", year=2023, months=6)
    assert not selectors.disability_missing(users["county"], "", 2023, "living").exists()


# --- housing ------------------------------------------------------------------------------------

def test_renovation_flow_marks_the_household_through_the_registry(users, clock):
    housing = dept(Department.HOUSING)
    h = household(adult(), house_grade="C")
    safe = household(adult(), house_grade="B")
    assert list(selectors.unrenovated(users["county"], "")) == [h]
    with pytest.raises(ValidationError, match="不需要改造"):
        actions.plan_renovation(actor=housing, household=safe, year=2023, method="repair", subsidy=D(5000))
    r = actions.plan_renovation(actor=housing, household=h, year=2023, method="repair", subsidy=D(8000))
    with pytest.raises(ValidationError, match="正在进行"):
        actions.plan_renovation(actor=housing, household=h, year=2023, method="repair", subsidy=D(8000))
    with pytest.raises(ValidationError, match="不能办理该环节"):
        actions.advance_renovation(actor=housing, renovation=r, step="accept", on=DAY)
    actions.advance_renovation(actor=housing, renovation=r, step="start", on=DAY)
    with pytest.raises(ValidationError, match="不能早于上一环节"):
        actions.advance_renovation(actor=housing, renovation=r, step="complete", on=DAY - dt.timedelta(days=1))
    actions.advance_renovation(actor=housing, renovation=r, step="complete", on=DAY + dt.timedelta(days=60))
    h.refresh_from_db()
    assert not h.house_renovated
    actions.advance_renovation(actor=housing, renovation=r, step="accept", on=DAY + dt.timedelta(days=70))
    h.refresh_from_db()
    assert h.house_renovated and r.status == "accepted"
    event = AuditEvent.objects.get(verb="household.update", household_id=h.pk)
    assert event.actor == housing and event.after == {"house_renovated": True}
    assert not selectors.unrenovated(users["county"], "").exists()


def test_renovation_cancel_needs_a_reason(users):
    h = household(adult(), house_grade="D")
    r = actions.plan_renovation(actor=users["county"], household=h, year=2023, method="rebuild", subsidy=D(20000))
    with pytest.raises(ValidationError):
        actions.advance_renovation(actor=users["county"], renovation=r, step="cancel", on=DAY, reason=" ")
    actions.advance_renovation(actor=users["county"], renovation=r, step="cancel", on=DAY, reason="户主不同意")
    assert HouseRenovation.objects.get().status == "cancelled"
    actions.plan_renovation(actor=users["county"], household=h, year=2024, method="rebuild", subsidy=D(20000))


def test_relocation_capacity_and_move_in(users):
    site = actions.save_site(actor=users["county"], values={"name": "城南安置点", "division_code": COUNTY,
                                                            "site_type": "concentrated", "capacity": 1})
    first = household(adult(), relocation_willing=True)
    second = household(adult(), relocation_willing=True)
    unwilling = household(adult())
    assert set(selectors.willing_not_relocated(users["county"], "")) == {first, second}
    with pytest.raises(ValidationError, match="未登记搬迁意愿"):
        actions.allocate_relocation(actor=users["county"], household=unwilling, site=site, year=2023,
                                    allocated_on=DAY, willing_confirmed=True)
    with pytest.raises(ValidationError, match="确认搬迁意愿"):
        actions.allocate_relocation(actor=users["county"], household=first, site=site, year=2023, allocated_on=DAY,
                                    willing_confirmed=False)
    r = actions.allocate_relocation(actor=users["county"], household=first, site=site, year=2023, allocated_on=DAY,
                                    willing_confirmed=True)
    with pytest.raises(ValidationError, match="已满"):
        actions.allocate_relocation(actor=users["county"], household=second, site=site, year=2023,
                                    allocated_on=DAY, willing_confirmed=True)
    assert Relocation.objects.count() == 1
    values = {"name": "城南安置点", "division_code": COUNTY, "site_type": "concentrated", "capacity": 2}
    site = actions.save_site(actor=users["county"], site=site, values=values)
    second_move = actions.allocate_relocation(actor=users["county"], household=second, site=site, year=2023,
                                              allocated_on=DAY, willing_confirmed=True)
    with pytest.raises(ValidationError, match="不能少于"):
        actions.save_site(actor=users["county"], site=site, values={**values, "capacity": 1})
    actions.cancel_relocation(actor=users["county"], relocation=second_move, reason="改为分散安置")
    with pytest.raises(ValidationError, match="早于分配日期"):
        actions.move_in(actor=users["county"], relocation=r, moved_in_on=DAY - dt.timedelta(days=1))
    actions.move_in(actor=users["county"], relocation=r, moved_in_on=DAY + dt.timedelta(days=30))
    first.refresh_from_db()
    assert first.relocated
    assert AuditEvent.objects.filter(verb="household.update", household_id=first.pk).exists()
    occupancy = selectors.sites(users["county"]).get()
    assert (occupancy.occupied, occupancy.moved_in) == (1, 1)
    assert set(selectors.willing_not_relocated(users["county"], "")) == {second}
    assert not selectors.willing_not_relocated(users["county"], "").get().allocated


# --- charity ------------------------------------------------------------------------------------

def test_matching_respects_both_remainders_and_statuses_follow(users):
    need = actions.post_need(actor=users["village"], division_code=JIANYUAN, household=None, category="infrastructure",
                             title="村道路灯", amount=D(3000), posted_on=DAY)
    big = actions.register_offer(actor=users["county"], division_code=COUNTY, donor="县商会", category="other",
                                 amount=D(2000), offered_on=DAY)
    small = actions.register_offer(actor=users["county"], division_code=HUFANG, donor="乡贤", category="other",
                                   amount=D(5000), offered_on=DAY)
    with pytest.raises(ValidationError, match="超过该资源尚余"):
        actions.match(actor=users["county"], need=need, offer=big, amount=D("2000.01"), matched_on=DAY)
    m1 = actions.match(actor=users["county"], need=need, offer=big, amount=D(2000), matched_on=DAY)
    need.refresh_from_db()
    big.refresh_from_db()
    assert (need.status, need.matched_amount, big.status) == ("partly", D(2000), "matched")
    with pytest.raises(ValidationError, match="超过需求尚缺的 1000"):
        actions.match(actor=users["county"], need=need, offer=small, amount=D(1500), matched_on=DAY)
    m2 = actions.match(actor=users["county"], need=need, offer=small, amount=D(1000), matched_on=DAY)
    need.refresh_from_db()
    assert need.status == "matched"
    actions.fulfil(actor=users["county"], charity_match=m1, fulfilled_on=DAY)
    need.refresh_from_db()
    assert need.status == "matched"
    actions.cancel_match(actor=users["county"], charity_match=m2, reason="资源改用于他处")
    need.refresh_from_db()
    small.refresh_from_db()
    assert (need.status, need.remaining, small.status, small.remaining) == ("partly", D(1000), "open", D(5000))
    m3 = actions.match(actor=users["county"], need=need, offer=small, amount=D(1000), matched_on=DAY)
    actions.fulfil(actor=users["county"], charity_match=m3, fulfilled_on=DAY)
    need.refresh_from_db()
    assert need.status == "fulfilled"
    with pytest.raises(ValidationError):
        actions.fulfil(actor=users["county"], charity_match=m3, fulfilled_on=DAY)
    assert CharityMatch.objects.filter(status="fulfilled").count() == 2
    assert AuditEvent.objects.filter(verb__startswith="welfare.match").count() == 6  # 3 matches, 2 fulfilled, 1 cancelled


def test_offers_reach_only_their_area_and_personal_data_is_refused(users):
    need = actions.post_need(actor=users["county"], division_code=TANXI_VILLAGE, household=None, category="other",
                             title="潭溪需求", amount=D(100), posted_on=DAY)
    hufang_offer = actions.register_offer(actor=users["county"], division_code=HUFANG, donor="湖坊企业",
                                          category="other", amount=D(100), offered_on=DAY)
    with pytest.raises(ValidationError, match="不面向"):
        actions.match(actor=users["county"], need=need, offer=hufang_offer, amount=D(50), matched_on=DAY)
    for text in ("联系电话13907941234", "身份证36102219800101123X"):
        with pytest.raises(ValidationError, match="身份证号或手机号码"):
            actions.post_need(actor=users["county"], division_code=JIANYUAN, household=None, category="other",
                              title="需求", description=text, amount=D(100), posted_on=DAY)
    with pytest.raises(PermissionDenied):
        actions.post_need(actor=users["other_township"], division_code=JIANYUAN, household=None, category="other",
                          title="越权", amount=D(100), posted_on=DAY)
    with pytest.raises(PermissionDenied):
        actions.post_need(actor=dept(Department.EDUCATION), division_code=JIANYUAN, household=None,
                          category="other", title="越权", amount=D(100), posted_on=DAY)
    assert selectors.offers(users["other_township"]).count() == 0  # Hufang's offer is not Tanxi's
    assert selectors.offers(users["township"]).count() == 1


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amounts=st.lists(st.integers(min_value=1, max_value=1500), min_size=1, max_size=6))
def test_matched_never_exceeds_need_or_offer(users, amounts):
    need = actions.post_need(actor=SYSTEM, division_code=JIANYUAN, household=None, category="other", title="需求",
                             amount=D(2000), posted_on=DAY)
    offer = actions.register_offer(actor=SYSTEM, division_code=COUNTY, donor="捐助方", category="other",
                                   amount=D(2500), offered_on=DAY)
    for amount in amounts:
        try:
            actions.match(actor=SYSTEM, need=need, offer=offer, amount=D(amount), matched_on=DAY)
        except ValidationError:
            pass
        need.refresh_from_db()
        offer.refresh_from_db()
        assert D(0) <= need.matched_amount <= need.amount
        assert D(0) <= offer.matched_amount <= offer.amount
        assert need.matched_amount == sum(m.amount for m in need.matches.all())


def test_household_need_takes_the_households_village(users):
    h = household(adult(), village=TANXI_VILLAGE)
    need = actions.post_need(actor=users["county"], division_code="", household=h, category="medical",
                             title="看病", amount=D(800), posted_on=DAY)
    assert need.division_code == TANXI_VILLAGE and need.county_code == "361022"
    assert Household.objects.filter(pk=h.pk).exists()
