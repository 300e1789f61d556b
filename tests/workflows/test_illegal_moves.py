"""Every illegal move is refused with a clear message, and nothing changes."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.workflows import actions
from fupin.workflows.models import CaseStatus, Outcome
from tests.factories import JIANYUAN, TANXI_VILLAGE, make_household, person
from tests.targeting.support import identify, income
from tests.workflows.support import JPEG, PDF, consent, pass_step, review, run_notice, votes

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(users):
    home = make_household(household_type="ordinary", poverty_attribute="", main_cause="")
    return actions.start_case(actor=users["village"], household=home, kind="identify", note="申请")


def test_the_wrong_role_cannot_act(users, case):
    for role in ("township", "county", "auditor", "dept", "helper"):
        with pytest.raises(PermissionDenied, match="您的角色不能办理"):
            pass_step(users[role], case, **votes(review(users["village"], JIANYUAN)))
    case.refresh_from_db()
    assert case.step == "democratic_review" and case.steps.count() == 2


def test_the_wrong_area_cannot_act(users, case):
    from fupin.accounts.roles import Role
    from tests.factories import make_user

    other_village = make_user(Role.VILLAGE_CADRE, TANXI_VILLAGE)
    with pytest.raises(PermissionDenied, match="管辖范围"):
        actions.act(actor=other_village, case=case, outcome=Outcome.RETURN, note="x")
    elsewhere = make_household(TANXI_VILLAGE, household_type="ordinary", poverty_attribute="", main_cause="")
    with pytest.raises(PermissionDenied):
        actions.start_case(actor=users["village"], household=elsewhere, kind="identify", note="x")


def test_missing_inputs_are_named(users, case):
    village = users["village"]
    with pytest.raises(ValidationError, match="民主评议会议记录"):
        pass_step(village, case)
    meeting = review(village, JIANYUAN)
    with pytest.raises(ValidationError, match="表决票数"):
        pass_step(village, case, review=meeting.pk)
    with pytest.raises(ValidationError, match="不能超过实到人数"):
        pass_step(village, case, **votes(meeting, yes=20, no=5, abstain=0))
    with pytest.raises(ValidationError, match="同意票未超过实到人数的一半"):
        pass_step(village, case, **votes(meeting, yes=10, no=8, abstain=2))
    pass_step(village, case, **votes(meeting))
    with pytest.raises(ValidationError, match="办理说明"):
        pass_step(village, case, note="")


def test_a_democratic_review_needs_a_quorum(users):
    with pytest.raises(ValidationError, match="三分之二"):
        review(users["village"], JIANYUAN, present=10)


def test_notices_cannot_be_closed_early_or_with_an_open_objection(users, clock, case):
    village = users["village"]
    pass_step(village, case, **votes(review(village, JIANYUAN)))
    pass_step(village, case)
    with pytest.raises(ValidationError, match="公示环节"):
        pass_step(village, case)
    with pytest.raises(ValidationError, match="不少于 5 天"):
        actions.post_notice(actor=village, cases=[case], period_days=3)
    notice = actions.post_notice(actor=village, cases=[case], period_days=7)
    with pytest.raises(ValidationError, match="已在公示中"):
        actions.post_notice(actor=village, cases=[case])
    clock.advance(6)
    with pytest.raises(ValidationError, match="公示期未满"):
        actions.close_notice(actor=village, notice=notice)
    objection = actions.record_objection(actor=village, notice=notice, case=case, raised_by="村民甲",
                                         content="该户家中有小汽车")
    clock.advance(1)
    with pytest.raises(ValidationError, match="异议尚未处理"):
        actions.close_notice(actor=village, notice=notice)
    with pytest.raises(ValidationError, match="公示期内"):
        actions.record_objection(actor=village, notice=notice, case=case, raised_by="村民乙", content="x")
    actions.resolve_objection(actor=village, objection=objection, upheld=False, resolution="经核实，车辆为亲戚所有")
    actions.close_notice(actor=village, notice=notice)
    case.refresh_from_db()
    assert case.step == "township_review"


def test_an_upheld_objection_returns_or_rejects_the_case(users, clock, case):
    village = users["village"]
    pass_step(village, case, **votes(review(village, JIANYUAN)))
    pass_step(village, case)
    notice = actions.post_notice(actor=village, cases=[case])
    objection = actions.record_objection(actor=village, notice=notice, case=case, raised_by="村民甲",
                                         content="儿子为财政供养人员")
    with pytest.raises(ValidationError):
        actions.resolve_objection(actor=village, objection=objection, upheld=True, resolution="")
    actions.resolve_objection(actor=village, objection=objection, upheld=True, resolution="属实，不予识别",
                              consequence=Outcome.REJECT)
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED
    with pytest.raises(ValidationError, match="已办结"):
        pass_step(village, case)


def test_returning_and_rejecting_need_a_reason(users, case):
    village = users["village"]
    with pytest.raises(ValidationError):
        actions.act(actor=village, case=case, outcome=Outcome.REJECT)
    with pytest.raises(ValidationError, match="之前的环节"):
        actions.act(actor=village, case=case, outcome=Outcome.RETURN, note="x", return_to="democratic_review")
    pass_step(village, case, **votes(review(village, JIANYUAN)))
    actions.act(actor=village, case=case, outcome=Outcome.RETURN, note="票数记录有误，重新评议")
    case.refresh_from_db()
    assert case.step == "democratic_review"


def test_cross_check_findings_block_a_pass(users, clock):
    home = make_household(household_type="ordinary", poverty_attribute="", main_cause="")
    case = actions.start_case(actor=users["village"], household=home, kind="identify", note="申请",
                              options={"cross_check": True})
    pass_step(users["village"], case, **votes(review(users["village"], JIANYUAN)))
    pass_step(users["village"], case)
    run_notice(users["village"], case, clock)
    with pytest.raises(ValidationError, match="车辆"):
        pass_step(users["county"], case, vehicles=True, housing=False, salaried=False, business=False)


def test_who_may_start_what(users, rules):
    village = users["village"]
    poor = make_household(household_type="poor")
    with pytest.raises(ValidationError, match="不能发起"):
        actions.start_case(actor=village, household=poor, kind="identify", note="x")
    with pytest.raises(ValidationError, match="尚无识别结果"):
        actions.start_case(actor=village, household=poor, kind="exit")
    income(poor, 3000)
    identify(rules)
    with pytest.raises(ValidationError, match=r"人均纯收入 3,000\.00 元未超过收入线 4,000 元"):
        actions.start_case(actor=village, household=poor, kind="exit")
    at_line = make_household(household_type="poor")
    income(at_line, 4000)
    identify(rules)
    with pytest.raises(ValidationError, match="未超过收入线"):
        actions.start_case(actor=village, household=at_line, kind="exit")
    # above the line this year, below it last year: not yet stable
    relapsing = make_household(household_type="poor")
    income(relapsing, 4001)
    income(relapsing, 3999, year=2022)
    identify(rules)
    with pytest.raises(ValidationError, match=r"上年人均纯收入 3,999\.00 元未超过上年收入线 4,000 元，收入尚不稳定"):
        actions.start_case(actor=village, household=relapsing, kind="exit")
    ordinary = make_household(household_type="ordinary", poverty_attribute="", main_cause="")
    actions.start_case(actor=village, household=ordinary, kind="identify", note="申请")
    with pytest.raises(ValidationError, match="已有办理中"):
        actions.start_case(actor=village, household=ordinary, kind="identify", note="再次申请")
    with pytest.raises(ValidationError, match="监测类型"):
        actions.start_case(actor=village, household=ordinary, kind="monitor", note="x")
    exited = make_household(household_type="exited")
    with pytest.raises(ValidationError, match="纳入贫困户或监测户"):
        actions.start_case(actor=village, household=exited, kind="reentry", note="x")
    nobody_works = make_household(household_type="monitored", head=person("head", labour_skill="none"))
    with pytest.raises(ValidationError, match="兜底户继续监测"):
        actions.start_case(actor=village, household=nobody_works, kind="risk_clear", note="x")


def test_risk_elimination_needs_a_method_and_assistance(users, clock, rules):
    village, township, county = users["village"], users["township"], users["county"]
    home = make_household(household_type="monitored")
    income(home, 9000)
    income(home, 9000, year=2022)
    identify(rules)
    case = actions.start_case(actor=village, household=home, kind="risk_clear", note="收入恢复")
    pass_step(village, case, **votes(review(village, JIANYUAN)))
    run_notice(village, case, clock)
    pass_step(township, case)
    pass_step(county, case, decision_no="x")
    with pytest.raises(ValidationError, match="风险消除方式"):
        pass_step(county, case)
    with pytest.raises(ValidationError, match="帮扶措施"):
        pass_step(county, case, method="assisted")


def _to_final_step(users, clock, home):
    village, township, county = users["village"], users["township"], users["county"]
    case = actions.start_case(actor=village, household=home, kind="risk_clear", note="收入恢复")
    pass_step(village, case, **votes(review(village, JIANYUAN)))
    run_notice(village, case, clock)
    pass_step(township, case)
    pass_step(county, case, decision_no="x")
    return case


@pytest.mark.parametrize(("now", "before", "start", "house", "reason"), [
    (5999, 9000, dt.date(2020, 1, 1), "A", "人均纯收入 5,999.00 元低于监测线 6,000 元"),
    (9000, 5999, dt.date(2020, 1, 1), "A", "上年人均纯收入 5,999.00 元低于上年监测线 6,000 元"),
    (9000, None, dt.date(2020, 1, 1), "A", "缺少 2022 年度收入数据"),
    (9000, 9000, dt.date(2020, 1, 1), "D", "住房安全不达标"),
    (9000, 9000, None, "A", None),  # the time under monitoring is checked where the start is known
])
def test_risk_elimination_is_refused_at_its_final_step_when_a_rule_fails(users, clock, rules, now, before, start,
                                                                          house, reason):
    home = make_household(household_type="monitored", monitoring_start=start, house_grade=house)
    income(home, now)
    if before is not None:
        income(home, before, year=2022)
    identify(rules)
    case = _to_final_step(users, clock, home)
    if reason is None:
        pass_step(users["county"], case, method="natural")
        home.refresh_from_db()
        assert home.household_type == "ordinary"
        return
    with pytest.raises(ValidationError, match=reason):
        pass_step(users["county"], case, method="natural")
    home.refresh_from_db()
    case.refresh_from_db()
    assert home.household_type == "monitored" and case.step == "mark_cleared"  # nothing written


def test_risk_elimination_waits_for_the_minimum_time_under_monitoring(users, clock, rules):
    home = make_household(household_type="monitored", monitoring_start=clock.today() - dt.timedelta(days=30))
    income(home, 9000)
    income(home, 9000, year=2022)
    identify(rules)
    case = _to_final_step(users, clock, home)
    with pytest.raises(ValidationError, match="纳入监测不满 6 个月"):
        pass_step(users["county"], case, method="natural")
    clock.advance(160)  # 30 + 5 (notice) + 160 days: six months have passed
    pass_step(users["county"], case, method="natural")
    case.refresh_from_db()
    assert case.status == CaseStatus.DONE and case.data["method"] == "natural"


def test_attachments_are_checked_for_type_and_size(users, settings, case):
    village = users["village"]
    with pytest.raises(ValidationError, match="只接受"):
        actions.add_document(actor=village, case=case, kind="consent", name="x.exe", content=b"MZ")
    with pytest.raises(ValidationError, match="不符"):
        actions.add_document(actor=village, case=case, kind="consent", name="x.pdf", content=JPEG)
    settings.FUPIN_MAX_UPLOAD_MB = 0
    with pytest.raises(ValidationError, match="不能超过"):
        actions.add_document(actor=village, case=case, kind="consent", name="x.pdf", content=PDF)
    settings.FUPIN_MAX_UPLOAD_MB = 10
    with pytest.raises(PermissionDenied):
        actions.add_document(actor=users["dept"], case=case, kind="consent", name="x.pdf", content=PDF)
    document = consent(village, case)
    assert document.size == len(PDF) and document.file.read() == PDF


def test_a_closed_year_is_frozen(users, clock, case):
    county = users["county"]
    year = actions.open_year(actor=county, county_code="361022", year=case.year)
    with pytest.raises(ValidationError, match="未办结"):
        actions.close_year(actor=county, work_year=year)
    actions.act(actor=users["village"], case=case, outcome=Outcome.REJECT, note="材料不全")
    actions.close_year(actor=county, work_year=year)
    with pytest.raises(ValidationError, match="已关账"):
        actions.start_case(actor=users["village"], household=case.household, kind="identify", note="x",
                           year=case.year)
    with pytest.raises(PermissionDenied):
        actions.open_year(actor=users["township"], county_code="361022", year=case.year + 1)
    assert clock.today() >= dt.date(2000, 1, 1)


def test_the_final_step_and_the_run_agree_on_risk_elimination(users, rules):
    """For monitored households of every kind, the case's check on the run's reference day says
    exactly what the run said (risk_cleared), and every refusal says why."""
    import itertools

    from fupin.targeting.selectors import household_results

    homes = []
    for now, before, oop, grade, skill, start in itertools.product(
            (5999, 7000), (None, 5999, 9000), (0, 10001), ("A", "C"), ("ordinary", "lost"),
            (dt.date(2020, 1, 1), dt.date(2023, 7, 1))):
        home = make_household(household_type="monitored", monitoring_start=start, house_grade=grade,
                              head=person("head", labour_skill=skill))
        income(home, now, medical_out_of_pocket=oop)
        if before is not None:
            income(home, before, year=2022)
        homes.append(home)
    identify(rules)
    for home in homes:
        result = household_results(home)[0]
        blockers = actions.risk_clear_blockers(home, on=dt.date(2023, 12, 31))
        assert (not blockers) is result.risk_cleared, (blockers, result.explanation)
        if not result.risk_cleared:
            assert "结论：监测户，继续监测" in result.explanation
            reasons = ("低于监测线", "低于上年监测线", "缺少上年收入数据", "不达标", "合规自付医疗支出", "整户无劳动能力",
                       "纳入监测不满")
            assert any(r in result.explanation for r in reasons), result.explanation
