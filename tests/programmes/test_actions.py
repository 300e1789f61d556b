"""The programme actions: rules, exact dividends, history kept, audit, nothing written on error."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.core.actions import SYSTEM
from fupin.core.models import AuditEvent
from fupin.programmes import actions
from fupin.programmes.models import (
    CooperativeMember,
    Dividend,
    DividendPayment,
    Employment,
    Industry,
    IndustryParticipation,
    PublicWelfareJob,
    Trainee,
    TrainingSubsidy,
)
from tests.factories import COUNTY, HUFANG, JIANYUAN, TANXI, TANXI_VILLAGE, make_household
from tests.programmes import support

pytestmark = pytest.mark.django_db


def test_the_plans_six_industries_are_seeded_once_and_more_can_be_added_and_deactivated(users):
    assert actions.seed_industries(actor=SYSTEM, county_code=COUNTY) == 6
    assert actions.seed_industries(actor=SYSTEM, county_code=COUNTY) == 0
    assert set(Industry.objects.values_list("name", flat=True)) == {"烤烟", "食用菌", "香榧", "白茶", "毛竹", "水产养殖"}
    lotus = actions.add_industry(actor=users["agri"], county_code=COUNTY, name="白莲", unit="亩")
    with pytest.raises(ValidationError) as exc:
        actions.add_industry(actor=users["agri"], county_code=COUNTY, name="白莲", unit="亩")
    assert "name" in exc.value.error_dict
    actions.set_industry_active(actor=users["agri"], industry=lotus, active=False)
    lotus.refresh_from_db()
    assert not lotus.active
    assert AuditEvent.objects.filter(verb="programmes.industry.deactivate", object_id=str(lotus.pk)).exists()


def test_participation_rules_and_end_with_reason(users):
    tea = support.industries()["白茶"]
    home = make_household()
    p = actions.add_participation(actor=users["village"], household=home, industry=tea, year=2023,
                                  scale=Decimal("2.5"), started_on=dt.date(2023, 3, 1), support="茶苗补助",
                                  support_amount=Decimal("1200.00"))
    assert (p.division_code, p.county_code) == (JIANYUAN, COUNTY)
    with pytest.raises(ValidationError, match="已登记白茶产业"):
        actions.add_participation(actor=users["village"], household=home, industry=tea, year=2023, scale=1,
                                  started_on=dt.date(2023, 3, 1))
    with pytest.raises(ValidationError) as exc:
        actions.add_participation(actor=users["village"], household=home, industry=tea, year=2024, scale=0,
                                  started_on=dt.date(2024, 3, 1))
    assert "scale" in exc.value.error_dict
    with pytest.raises(ValidationError):
        actions.add_participation(actor=users["village"], household=home, industry=tea, year=2024, scale=1,
                                  started_on=dt.date(2024, 3, 1), support_amount=Decimal("1.005"))
    with pytest.raises(ValidationError) as exc:
        actions.end_participation(actor=users["village"], participation=p, ended_on=dt.date(2023, 9, 1), reason=" ")
    assert "reason" in exc.value.error_dict
    actions.end_participation(actor=users["village"], participation=p, ended_on=dt.date(2023, 9, 1),
                              reason="茶园遭冻害")
    p.refresh_from_db()
    assert p.ended_on == dt.date(2023, 9, 1) and IndustryParticipation.objects.count() == 1
    # once ended, the same industry can be taken up again that year
    actions.add_participation(actor=users["village"], household=home, industry=tea, year=2023, scale=1,
                              started_on=dt.date(2023, 10, 1))
    assert IndustryParticipation.objects.count() == 2


def test_another_township_cannot_record_for_a_household_outside_it(users):
    tea = support.industries()["白茶"]
    home = make_household()
    with pytest.raises(PermissionDenied):
        actions.add_participation(actor=users["other_township"], household=home, industry=tea, year=2023, scale=1,
                                  started_on=dt.date(2023, 3, 1))
    assert not IndustryParticipation.objects.exists()


def test_cooperative_registration_code_is_unique_in_the_county(users):
    support.cooperative(registration_code="93361022MA35ABCD1X")
    with pytest.raises(ValidationError) as exc:
        support.cooperative(registration_code="93361022ma35abcd1x")
    assert "registration_code" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        support.cooperative(division="3610", registration_code="X1")
    assert "division_code" in exc.value.error_dict


def test_shares_change_keeps_history_and_leaving_is_never_a_delete(users):
    coop = support.cooperative()
    home = make_household()
    m = support.join(coop, home, "10")
    with pytest.raises(ValidationError, match="已是本合作社成员"):
        support.join(coop, home, "5")
    new = actions.change_shares(actor=users["township"], membership=m, shares=Decimal("15"), share_type="fund",
                                on=dt.date(2022, 6, 1), reason="扶贫资金折股追加")
    m.refresh_from_db()
    assert m.left_on == dt.date(2022, 6, 1) and new.joined_on == dt.date(2022, 6, 1) and new.shares == 15
    assert list(CooperativeMember.objects.held_on(dt.date(2022, 5, 31)).values_list("shares", flat=True)) == [10]
    assert list(CooperativeMember.objects.held_on(dt.date(2022, 6, 1)).values_list("shares", flat=True)) == [15]
    actions.leave_cooperative(actor=users["township"], membership=new, left_on=dt.date(2023, 1, 1), reason="外出务工")
    assert CooperativeMember.objects.count() == 2 and not CooperativeMember.objects.current().exists()
    with pytest.raises(ValidationError):
        actions.leave_cooperative(actor=users["township"], membership=new, left_on=dt.date(2023, 2, 1), reason="x")


def test_dividend_is_paid_by_the_shares_held_on_the_declaration_day_exact_to_the_fen(users):
    coop = support.cooperative()
    a, b, c, late = (make_household() for _ in range(4))
    support.join(coop, a, "1")
    support.join(coop, b, "1")
    mc = support.join(coop, c, "1")
    support.join(coop, late, "5", on=dt.date(2024, 2, 1))  # joined after the declaration day: nothing
    actions.leave_cooperative(actor=SYSTEM, membership=mc, left_on=dt.date(2023, 12, 31), reason="退股")
    support.join(coop, c, "1", on=dt.date(2024, 1, 1))  # left, then joined again (not held on the day before)
    dividend = actions.declare_dividend(actor=users["agri"], cooperative=coop, year=2023,
                                        total=Decimal("1000.00"), declared_on=dt.date(2024, 1, 15))
    paid = dict(DividendPayment.objects.filter(dividend=dividend).values_list("household_id", "amount"))
    assert paid == {a.pk: Decimal("333.34"), b.pk: Decimal("333.33"), c.pk: Decimal("333.33")}
    assert sum(paid.values()) == dividend.total and dividend.total_shares == 3
    assert AuditEvent.objects.filter(verb="programmes.dividend.declare").count() == 1
    with pytest.raises(ValidationError, match="已经宣布"):
        actions.declare_dividend(actor=users["agri"], cooperative=coop, year=2023, total=Decimal("1"),
                                 declared_on=dt.date(2024, 1, 15))


@pytest.mark.parametrize("total, field", [(Decimal("0"), "total"), (Decimal("10.001"), "total")])
def test_bad_dividends_write_nothing(users, total, field):
    coop = support.cooperative()
    support.join(coop, make_household(), "3")
    with pytest.raises(ValidationError) as exc:
        actions.declare_dividend(actor=users["agri"], cooperative=coop, year=2023, total=total,
                                 declared_on=dt.date(2024, 1, 15))
    assert field in exc.value.error_dict
    assert not Dividend.objects.exists() and not DividendPayment.objects.exists()


def test_a_dividend_with_no_shareholders_on_the_day_is_refused(users):
    coop = support.cooperative()
    support.join(coop, make_household(), "3", on=dt.date(2024, 3, 1))
    with pytest.raises(ValidationError, match="没有持股成员"):
        actions.declare_dividend(actor=users["agri"], cooperative=coop, year=2023, total=Decimal("100"),
                                 declared_on=dt.date(2024, 1, 15))
    assert not Dividend.objects.exists()


def test_enrolment_once_per_course_and_capacity(users):
    course = support.course(capacity=2)
    homes = [make_household() for _ in range(3)]
    members = [h.members.get() for h in homes]
    hr = users["county"]
    actions.enroll(actor=hr, course=course, member=members[0], enrolled_on=dt.date(2023, 5, 1))
    with pytest.raises(ValidationError, match="已报名"):
        actions.enroll(actor=hr, course=course, member=members[0], enrolled_on=dt.date(2023, 5, 1))
    second = actions.enroll(actor=hr, course=course, member=members[1], enrolled_on=dt.date(2023, 5, 1))
    with pytest.raises(ValidationError, match="已满"):
        actions.enroll(actor=hr, course=course, member=members[2], enrolled_on=dt.date(2023, 5, 1))
    actions.drop_trainee(actor=hr, trainee=second)  # a place frees up
    actions.enroll(actor=hr, course=course, member=members[2], enrolled_on=dt.date(2023, 5, 1))
    assert Trainee.objects.count() == 3


def test_subsidy_needs_a_certificate_a_standard_and_is_paid_once_per_certificate(users):
    hr = users["county"]
    course = support.course()
    member = make_household().members.get()
    trainee = actions.enroll(actor=hr, course=course, member=member, enrolled_on=dt.date(2023, 5, 1))
    with pytest.raises(ValidationError, match="结业后才能登记证书"):
        actions.issue_certificate(actor=hr, trainee=trainee, kind="skill", occupation="茶叶加工工", number="C1",
                                  issued_on=dt.date(2023, 6, 1))
    actions.complete_training(actor=hr, trainee=trainee, completed_on=dt.date(2023, 5, 20))
    cert = actions.issue_certificate(actor=hr, trainee=trainee, kind="skill", occupation="茶叶加工工", number="C1",
                                     issued_on=dt.date(2023, 6, 1))
    with pytest.raises(ValidationError, match="补助标准尚未设定"):
        actions.grant_subsidy(actor=hr, certificate=cert)
    assert not TrainingSubsidy.objects.exists()
    actions.set_subsidy_standard(actor=hr, county_code=COUNTY, year=2023, kind="skill", amount=Decimal("800.00"))
    subsidy = actions.grant_subsidy(actor=hr, certificate=cert, granted_on=dt.date(2023, 6, 10))
    assert subsidy.amount == Decimal("800.00") and subsidy.status == "pending" and subsidy.member_id == member.pk
    with pytest.raises(ValidationError, match="一证只补一次"):
        actions.grant_subsidy(actor=hr, certificate=cert)
    with pytest.raises(ValidationError):
        actions.mark_subsidy_paid(actor=hr, subsidy=subsidy, paid_on=dt.date(2023, 6, 1))
    actions.mark_subsidy_paid(actor=hr, subsidy=subsidy, paid_on=dt.date(2023, 7, 1))
    subsidy.refresh_from_db()
    assert subsidy.status == "paid" and subsidy.paid_on == dt.date(2023, 7, 1)
    with pytest.raises(ValidationError, match="已发放"):
        actions.mark_subsidy_paid(actor=hr, subsidy=subsidy, paid_on=dt.date(2023, 7, 2))


def test_employment_and_welfare_jobs(users):
    member = make_household().members.get()
    with pytest.raises(ValidationError) as exc:
        actions.record_employment(actor=users["village"], member=member, employer="", place="福建晋江",
                                  started_on=dt.date(2023, 6, 1), monthly_wage=Decimal("4200"))
    assert "employer" in exc.value.error_dict
    work = actions.record_employment(actor=users["village"], member=member, employer="晋江鞋厂", place="福建晋江",
                                     started_on=dt.date(2023, 6, 1), monthly_wage=Decimal("4200"))
    actions.end_employment(actor=users["village"], employment=work, ended_on=dt.date(2023, 12, 31))
    assert Employment.objects.get().ended_on == dt.date(2023, 12, 31)
    job = actions.add_welfare_job(actor=users["township"], division_code=JIANYUAN, post="保洁员", member=member,
                                  started_on=dt.date(2024, 1, 1), monthly_pay=Decimal("500"))
    with pytest.raises(ValidationError, match="一人只能占一个岗位"):
        actions.add_welfare_job(actor=users["township"], division_code=JIANYUAN, post="护林员", member=member,
                                started_on=dt.date(2024, 1, 1), monthly_pay=Decimal("500"))
    with pytest.raises(PermissionDenied):
        actions.add_welfare_job(actor=users["township"], division_code=TANXI_VILLAGE, post="护林员", member=member,
                                started_on=dt.date(2024, 1, 1), monthly_pay=Decimal("500"))
    actions.end_welfare_job(actor=users["township"], job=job, ended_on=dt.date(2024, 6, 30), reason="外出务工")
    assert PublicWelfareJob.objects.count() == 1 and PublicWelfareJob.objects.get().ended_on
    assert AuditEvent.objects.filter(verb__startswith="programmes.welfare_job").count() == 2


def test_departments_write_only_in_their_domain(users):
    """The agriculture office may add a cooperative but not a course; civil affairs may do neither;
    human resources the other way round."""
    from tests.factories import make_user

    hr = make_user("department", COUNTY, "hr", department="human_resources")
    rural = make_user("department", COUNTY, "rural", department="rural_revitalization")
    support.cooperative(actor=users["agri"])
    support.cooperative(actor=rural)
    with pytest.raises(PermissionDenied):
        support.course(actor=users["agri"])
    with pytest.raises(PermissionDenied):
        support.cooperative(actor=users["dept"])
    with pytest.raises(PermissionDenied):
        support.course(actor=users["dept"])
    with pytest.raises(PermissionDenied):
        support.cooperative(actor=hr)
    support.course(actor=hr)
    support.course(actor=rural)
    with pytest.raises(PermissionDenied):
        support.course(actor=users["auditor"])
    with pytest.raises(PermissionDenied):  # a township cadre only in its township
        support.cooperative(TANXI, actor=users["township"])
    support.cooperative(HUFANG, actor=users["township"])


def test_every_write_is_audited_with_the_household_and_area(users):
    hr, agri, village = users["county"], users["agri"], users["village"]
    tea = support.industries()["白茶"]
    home = make_household()
    member = home.members.get()
    p = actions.add_participation(actor=village, household=home, industry=tea, year=2023, scale=1,
                                  started_on=dt.date(2023, 3, 1))
    actions.end_participation(actor=village, participation=p, ended_on=dt.date(2023, 5, 1), reason="改种")
    coop = support.cooperative(actor=agri)
    m = support.join(coop, home, "4", actor=agri)
    m = actions.change_shares(actor=agri, membership=m, shares=5, share_type="land", on=dt.date(2022, 1, 1),
                              reason="追加")
    actions.declare_dividend(actor=agri, cooperative=coop, year=2022, total=Decimal("10"),
                             declared_on=dt.date(2023, 1, 5))
    actions.leave_cooperative(actor=agri, membership=m, left_on=dt.date(2023, 2, 1), reason="退股")
    course = support.course(actor=hr)
    trainee = actions.enroll(actor=hr, course=course, member=member, enrolled_on=dt.date(2023, 5, 1))
    trainee = actions.complete_training(actor=hr, trainee=trainee, completed_on=dt.date(2023, 5, 20))
    cert = actions.issue_certificate(actor=hr, trainee=trainee, kind="grade", occupation="茶艺师", number="G1",
                                     issued_on=dt.date(2023, 6, 1))
    actions.set_subsidy_standard(actor=hr, county_code=COUNTY, year=2023, kind="grade", amount=Decimal("1000"))
    subsidy = actions.grant_subsidy(actor=hr, certificate=cert)
    actions.mark_subsidy_paid(actor=hr, subsidy=subsidy, paid_on=subsidy.granted_on)
    work = actions.record_employment(actor=hr, member=member, employer="茶厂", place="黎川", trainee=trainee,
                                     started_on=dt.date(2023, 6, 1), monthly_wage=Decimal("3000"))
    actions.end_employment(actor=hr, employment=work, ended_on=dt.date(2023, 9, 1))
    verbs = set(AuditEvent.objects.filter(verb__startswith="programmes.").values_list("verb", flat=True))
    assert verbs >= {
        "programmes.participation.add", "programmes.participation.end", "programmes.cooperative.create",
        "programmes.member.join", "programmes.member.shares", "programmes.member.leave",
        "programmes.dividend.declare", "programmes.course.create", "programmes.trainee.enroll",
        "programmes.trainee.complete", "programmes.certificate.issue", "programmes.subsidy_standard.set",
        "programmes.subsidy.grant", "programmes.subsidy.pay", "programmes.employment.add", "programmes.employment.end"}
    enrol = AuditEvent.objects.get(verb="programmes.trainee.enroll")
    assert (enrol.household_id, enrol.division_code, enrol.actor_id) == (home.pk, JIANYUAN, hr.pk)


def test_an_employment_can_only_follow_the_members_own_training(users):
    course = support.course()
    a, b = (make_household().members.get() for _ in range(2))
    trainee = actions.enroll(actor=SYSTEM, course=course, member=a, enrolled_on=dt.date(2023, 5, 1))
    with pytest.raises(ValidationError) as exc:
        actions.record_employment(actor=SYSTEM, member=b, employer="茶厂", place="黎川", trainee=trainee,
                                  started_on=dt.date(2023, 6, 1), monthly_wage=Decimal("3000"))
    assert "trainee" in exc.value.error_dict and not Employment.objects.exists()
