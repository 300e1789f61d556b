"""Department data matching (部门数据比对, issue 5 section 3): each kind of department list is matched
by normalised ID number against the active members, and the county's rules turn the matches into
risk clues (for the monitoring procedure) and discrepancy reports (for the cadres)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from fupin.core import clock
from fupin.core.actions import SYSTEM
from fupin.core.masking import mask_id_number
from fupin.core.models import AuditEvent
from fupin.exchange import actions, matching, selectors
from fupin.exchange.models import (
    FindingStatus,
    MatchFinding,
    MatchRule,
    MatchRun,
    MatchStatus,
    Outcome,
    Source,
)
from fupin.registry import actions as registry_actions
from fupin.registry import idnumber
from fupin.workflows import actions as workflow_actions
from fupin.workflows.models import Case, RiskClue
from tests.exchange.support import department_csv, new_id
from tests.factories import COUNTY, HUFANG, JIANYUAN, TANXI, TANXI_VILLAGE, make_household, person

pytestmark = pytest.mark.django_db


MEDICAL = ["证件号码", "姓名", "年度", "参保状态", "医疗总费用", "个人自付"]
CIVIL = ["证件号码", "姓名", "救助类型", "金额", "日期"]
DISABLED = ["证件号码", "姓名", "残疾类别", "残疾等级"]
EDUCATION = ["证件号码", "姓名", "类型", "学段", "金额"]
HOUSING = ["证件号码", "姓名", "危房等级", "已改造"]
LABOUR = ["证件号码", "姓名", "类型", "单位", "务工月数"]
POLICE = ["证件号码", "姓名", "事项", "日期"]
MARKET = ["证件号码", "姓名", "企业名称", "主体类型", "注册资本"]
VEHICLES = ["证件号码", "姓名", "号牌号码", "车辆类型"]
SALARIED = ["证件号码", "姓名", "单位"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded lists and reports go to a scratch directory."""
    settings.MEDIA_ROOT = tmp_path


# --- helpers ----------------------------------------------------------------------------------

def home(household_type: str = "poor", village: str = JIANYUAN, *, head: dict | None = None,
         members: list[dict] | None = None, **fields):
    return make_household(village, household_type=household_type, head=head or person("head"),
                          members=members or [], **fields)


def head_of(household):
    return household.members.get(relation="head")


def run_list(source: str, headers: list[str], rows: list[list], *, actor=SYSTEM, area: str = COUNTY,
             name: str = "名单.csv") -> MatchRun:
    run = actions.create_match(actor=actor, source=source, name=name, data=department_csv(headers, rows),
                               area_code=area, enqueue=False)
    return actions.execute_match(run)


def found(run: MatchRun, kind: str) -> list[MatchFinding]:
    return list(MatchFinding.objects.filter(run=run, rule__kind=kind).order_by("id"))


def by_household(run: MatchRun, kind: str) -> dict[int, MatchFinding]:
    findings = found(run, kind)
    out = {f.household_id: f for f in findings}
    assert len(out) == len(findings), "one finding per household expected"
    return out


def by_member(run: MatchRun, kind: str) -> dict[int, MatchFinding]:
    findings = found(run, kind)
    out = {f.member_id: f for f in findings}
    assert len(out) == len(findings), "one finding per member expected"
    return out


def rule(kind: str, county: str = COUNTY) -> MatchRule:
    matching.ensure_rules(county)
    return MatchRule.objects.get(county_code=county, kind=kind)


def tune(kind: str, *, enabled: bool = True, params: dict | None = None, household_types: list[str] | None = None,
         risk: str = "", actor=SYSTEM) -> MatchRule:
    r = rule(kind)
    return actions.update_rule(actor=actor, rule=r, enabled=enabled, params=params if params is not None else r.params,
                               household_types=household_types or list(r.household_types), risk=risk)


def report_text(run: MatchRun) -> str:
    with run.report.open("rb") as handle:
        data = handle.read()
    assert data.startswith("\ufeff".encode())
    return data.decode("utf-8-sig")


def stranger_id() -> str:
    """A valid ID of nobody in the registry (the factories' people are born from 1975 on, or as given)."""
    return new_id(dt.date(1933, 3, 3))


def id_ending_in_x(birth: dt.date) -> str:
    for seq in range(1, 1000):
        number = idnumber.make(COUNTY, birth, seq)
        if number.endswith("X"):
            return number
    raise AssertionError("no ID ending in X")


# --- the rule kinds -----------------------------------------------------------------------------

def test_every_kind_of_rule_is_seeded_once_per_county_with_its_defaults(lichuan):
    rules = matching.ensure_rules(COUNTY)
    assert sorted(r.kind for r in rules) == sorted(matching.KINDS)
    for r in rules:
        kind = matching.KINDS[r.kind]
        assert (r.source, r.outcome, r.name, r.risk, r.params, r.household_types, r.enabled) == (
            kind.source, kind.outcome, kind.name, kind.risk, kind.params, list(kind.household_types), True)
        assert r.source in matching.LISTS
        assert (r.outcome == Outcome.CLUE) == bool(r.risk)
    tune("dropout", enabled=False)
    again = matching.ensure_rules(COUNTY)
    assert len(again) == len(matching.KINDS) == MatchRule.objects.filter(county_code=COUNTY).count()
    assert not MatchRule.objects.get(county_code=COUNTY, kind="dropout").enabled  # a changed rule is kept
    assert len(matching.ensure_rules("360102")) == len(matching.KINDS)  # every county has its own


def test_medical_out_of_pocket_is_summed_per_household_against_the_share_of_the_province_income(lichuan):
    # defaults: income 19936; 脱贫户、监测户 50% = 9968, other households 100% = 19936
    exited_above = home("exited", members=[person("spouse", sex="2")])
    exited_at = home("exited", members=[person("spouse", sex="2")])
    monitored_above = home("monitored")
    ordinary_above = home("ordinary")
    ordinary_at = home("ordinary")
    ordinary_mid = home("ordinary")
    poor = home("poor")
    spouse = exited_above.members.get(relation="spouse")
    rows = [
        [head_of(exited_above).id_number, "黄建国", "2023", "参保", "20000", "3000"],
        [spouse.id_number, "李秀英", "2023", "参保", "12000", "2,000元"],
        [spouse.id_number, "李秀英", "2023", "参保", "9000", "4969"],  # a second stay of the same member
        [head_of(exited_at).id_number, "黄建国", "2023", "参保", "", "5000"],
        [exited_at.members.get(relation="spouse").id_number, "李秀英", "2023", "参保", "", "4968"],
        [head_of(monitored_above).id_number, "黄建国", "2023", "参保", "", "9969"],
        [head_of(ordinary_above).id_number, "黄建国", "2023", "参保", "", "19937"],
        [head_of(ordinary_at).id_number, "黄建国", "2023", "参保", "", "19936"],
        [head_of(ordinary_mid).id_number, "黄建国", "2023", "参保", "", "15000"],
        [head_of(poor).id_number, "黄建国", "2023", "参保", "", "50000"],
    ]
    run = run_list(Source.MEDICAL_INSURANCE, MEDICAL, rows)
    findings = by_household(run, "medical_out_of_pocket")
    assert set(findings) == {exited_above.pk, monitored_above.pk, ordinary_above.pk}
    f = findings[exited_above.pk]
    assert (f.value, f.detail, f.member_id, f.row, f.outcome) == (
        "9969", "2023 年个人自付医疗费用 9969 元，超过 9968 元", None, 2, Outcome.CLUE)
    assert findings[monitored_above.pk].detail == "2023 年个人自付医疗费用 9969 元，超过 9968 元"
    assert findings[ordinary_above.pk].detail == "2023 年个人自付医疗费用 19937 元，超过 19936 元"
    assert findings[ordinary_above.pk].division_code == JIANYUAN
    assert run.counts["clue_findings"] == 3 and run.counts["clues_created"] == 3
    clues = RiskClue.objects.filter(household__in=[exited_above, monitored_above, ordinary_above])
    assert {c.risk for c in clues} == {"因病（医疗自付费用高）"} and clues.count() == 3


def test_medical_thresholds_follow_the_rule_parameters(lichuan):
    tune("medical_out_of_pocket", params={"income": 10000, "share_exited": 40, "share_other": 80},
         household_types=["exited", "ordinary", "poor"])
    exited_above, exited_at = home("exited"), home("exited")
    ordinary_above, ordinary_at = home("ordinary"), home("ordinary")
    poor_above = home("poor")  # now included: "other" share
    monitored = home("monitored")  # no longer included
    rows = [[head_of(h).id_number, "", "2023", "", "", amount] for h, amount in [
        (exited_above, "4001"), (exited_at, "4000"), (ordinary_above, "8001"), (ordinary_at, "8000"),
        (poor_above, "8000.5"), (monitored, "90000")]]
    run = run_list(Source.MEDICAL_INSURANCE, MEDICAL, rows)
    findings = by_household(run, "medical_out_of_pocket")
    assert set(findings) == {exited_above.pk, ordinary_above.pk, poor_above.pk}
    assert findings[exited_above.pk].detail == "2023 年个人自付医疗费用 4001 元，超过 4000 元"
    assert findings[ordinary_above.pk].detail == "2023 年个人自付医疗费用 8001 元，超过 8000 元"


def test_medical_spending_of_different_years_is_not_added_up(lichuan):
    h = home("exited")
    rows = [[head_of(h).id_number, "黄建国", "2022", "", "", "6000"],
            [head_of(h).id_number, "黄建国", "2023", "", "", "6000"]]  # 9968 a year would be the threshold
    run = run_list(Source.MEDICAL_INSURANCE, MEDICAL, rows)
    assert not found(run, "medical_out_of_pocket")


def test_medical_insurance_mismatch_is_reported_both_ways(lichuan):
    insured = home("exited", members=[person("spouse", sex="2", medical_insurance=False)])
    agree = home("ordinary", members=[person("spouse", sex="2", medical_insurance=False)])
    spouse = insured.members.get(relation="spouse")
    rows = [
        [head_of(insured).id_number, "黄建国", "2023", "断保", "", ""],  # registry: insured
        [spouse.id_number, "李秀英", "2023", "正常参保", "", ""],  # registry: not insured
        [head_of(agree).id_number, "黄建国", "2023", "已参保", "", ""],  # agrees
        [agree.members.get(relation="spouse").id_number, "李秀英", "2023", "未参保", "", ""],  # agrees
        [stranger_id(), "王五", "2023", "断保", "", ""],  # not in the registry
    ]
    run = run_list(Source.MEDICAL_INSURANCE, MEDICAL, rows)
    findings = by_member(run, "medical_insurance_mismatch")
    assert set(findings) == {head_of(insured).pk, spouse.pk}
    assert (findings[head_of(insured).pk].value, findings[head_of(insured).pk].detail) == (
        "no", "医保部门无参保记录，系统登记已参保")
    assert (findings[spouse.pk].value, findings[spouse.pk].detail) == ("yes", "医保部门有参保记录，系统登记未参保")
    assert findings[spouse.pk].outcome == Outcome.DISCREPANCY and findings[spouse.pk].clue_id is None
    assert run.counts["discrepancies"] == 2 and run.counts["clue_findings"] == 0
    assert not found(run, "medical_out_of_pocket")  # no amounts given


def test_medical_insurance_status_left_blank_is_no_discrepancy(lichuan):
    h = home("poor", head=person("head", medical_insurance=False))
    run = run_list(Source.MEDICAL_INSURANCE, MEDICAL, [[head_of(h).id_number, "黄建国", "2023", "", "", "100"]])
    assert run.counts["matched_members"] == 1
    assert run.counts["findings"] == {str(rule("medical_insurance_mismatch").pk): 0,
                                      str(rule("medical_out_of_pocket").pk): 0}


def test_dibao_and_tekun_lists_give_new_assistance_clues_and_registry_discrepancies(lichuan):
    exited = home("exited")
    ordinary = home("ordinary")
    poor_registered = home("poor", head=person("head", dibao=True))
    monitored = home("monitored")
    ordinary_registered = home("ordinary", head=person("head", tekun=True))
    rows = [
        [head_of(exited).id_number, "黄建国", "农村低保", "600", "2024-01-01"],
        [head_of(ordinary).id_number, "黄建国", "特困供养", "900", "2024-02-01"],
        [head_of(poor_registered).id_number, "黄建国", "低保", "600", ""],
        [head_of(monitored).id_number, "黄建国", "最低生活保障", "600", ""],
        [head_of(ordinary_registered).id_number, "黄建国", "特困人员", "", ""],
    ]
    run = run_list(Source.CIVIL_AFFAIRS, CIVIL, rows)
    new = by_household(run, "assistance_new")
    # only 脱贫户 and 一般农户, and only when the registry does not know it already
    assert set(new) == {exited.pk, ordinary.pk}
    assert (new[exited.pk].value, new[exited.pk].detail) == ("dibao", "民政低保名单有此人，家庭为脱贫户")
    assert (new[ordinary.pk].value, new[ordinary.pk].detail) == ("tekun", "民政特困供养名单有此人，家庭为一般农户")
    assert all(f.outcome == Outcome.CLUE and f.clue.risk == "低保、特困新纳入（民政）" for f in new.values())
    mismatch = by_household(run, "assistance_mismatch")
    assert set(mismatch) == {exited.pk, ordinary.pk, monitored.pk}  # the registered ones agree
    assert mismatch[exited.pk].detail == "民政低保名单有此人，系统未登记享受低保"
    assert mismatch[monitored.pk].detail == "民政低保名单有此人，系统未登记享受低保"
    assert mismatch[ordinary.pk].detail == "民政特困名单有此人，系统未登记特困供养"
    assert mismatch[ordinary.pk].member_id == head_of(ordinary).pk
    assert not found(run, "temporary_assistance")


def test_temporary_assistance_is_a_clue_for_households_not_registered_as_poor(lichuan):
    ordinary, exited, poor = home("ordinary"), home("exited"), home("poor")
    rows = [
        [head_of(ordinary).id_number, "黄建国", "临时救助", "3000", "2024/3/5"],
        [head_of(exited).id_number, "黄建国", "临时救助", "", ""],
        [head_of(poor).id_number, "黄建国", "临时救助", "5000", "2024-03-05"],
    ]
    run = run_list(Source.CIVIL_AFFAIRS, CIVIL, rows)
    findings = by_household(run, "temporary_assistance")
    assert set(findings) == {ordinary.pk, exited.pk}
    assert (findings[ordinary.pk].value, findings[ordinary.pk].detail) == ("3000", "获得临时救助 3000 元（2024-03-05）")
    assert (findings[exited.pk].value, findings[exited.pk].detail) == ("", "获得临时救助")
    assert findings[ordinary.pk].clue.risk == "突发严重困难（临时救助）"
    assert not found(run, "assistance_new") and not found(run, "assistance_mismatch")


def test_temporary_assistance_below_the_minimum_amount_is_ignored(lichuan):
    tune("temporary_assistance", params={"min_amount": 2000})
    small, large, exact = home("ordinary"), home("ordinary"), home("monitored")
    rows = [[head_of(small).id_number, "", "临时救助", "1999", ""],
            [head_of(large).id_number, "", "临时救助", "2500", ""],
            [head_of(exact).id_number, "", "临时救助", "2000", ""]]
    run = run_list(Source.CIVIL_AFFAIRS, CIVIL, rows)
    assert set(by_household(run, "temporary_assistance")) == {large.pk, exact.pk}


def test_disability_card_carries_category_and_grade(lichuan):
    unregistered = home("exited")
    registered = home("ordinary", head=person("head", disabled=True, disability_category="4", disability_grade="2"))
    other_grade = home("ordinary", head=person("head", disabled=True, disability_category="4", disability_grade="2"))
    moderate = home("monitored")
    poor = home("poor")
    rows = [
        [head_of(unregistered).id_number + "41", "黄建国", "", ""],  # a 20-character card: 肢体, 一级
        [head_of(registered).id_number + "42", "黄建国", "", ""],  # agrees with the registry
        [head_of(other_grade).id_number, "黄建国", "肢体残疾", "三级"],
        [head_of(moderate).id_number + "53", "黄建国", "", ""],
        [head_of(poor).id_number + "12", "黄建国", "", ""],
    ]
    run = run_list(Source.DISABLED_FEDERATION, DISABLED, rows)
    assert run.counts["invalid"] == 0 and run.counts["matched_members"] == 5
    mismatch = by_household(run, "disability_mismatch")
    assert set(mismatch) == {unregistered.pk, other_grade.pk, moderate.pk, poor.pk}
    assert (mismatch[unregistered.pk].value, mismatch[unregistered.pk].detail) == (
        "4/1", "残联有残疾人证，系统未登记残疾（残联：类别 4，等级 1）")
    assert (mismatch[other_grade.pk].value, mismatch[other_grade.pk].detail) == (
        "4/3", "残联登记的残疾类别或等级与系统不同（残联：类别 4，等级 3）")
    assert mismatch[moderate.pk].detail == "残联有残疾人证，系统未登记残疾（残联：类别 5，等级 3）"
    severe = by_household(run, "severe_disability")
    assert set(severe) == {unregistered.pk}  # grade 3 is not severe; 贫困户 is not at risk of becoming poor
    assert (severe[unregistered.pk].value, severe[unregistered.pk].detail) == ("1", "持 1 级残疾人证，系统尚未登记残疾")
    assert severe[unregistered.pk].clue.risk == "因残（重度残疾）"


def test_severe_disability_does_not_fire_for_a_member_already_registered_disabled(lichuan):
    h = home("exited", head=person("head", disabled=True, disability_category="1", disability_grade="3"))
    run = run_list(Source.DISABLED_FEDERATION, DISABLED, [[head_of(h).id_number + "11", "黄建国", "", ""]])
    assert not found(run, "severe_disability")
    assert found(run, "disability_mismatch")[0].detail == "残联登记的残疾类别或等级与系统不同（残联：类别 1，等级 1）"
    assert RiskClue.objects.count() == 0


def test_dropout_is_a_clue_and_student_aid_for_a_non_student_a_discrepancy(lichuan):
    child = person("son", birth=dt.date(2011, 3, 1), schooling="grade_7_9")
    exited = home("exited", members=[child])
    poor = home("poor", members=[person("daughter", sex="2", birth=dt.date(2012, 4, 1), schooling="primary")])
    adult = home("ordinary", members=[person("son", birth=dt.date(2004, 1, 1), schooling="not_in_school",
                                             education="senior")])
    son = exited.members.get(relation="son")
    daughter = poor.members.get(relation="daughter")
    grown = adult.members.get(relation="son")
    rows = [
        [son.id_number, "黄小明", "疑似辍学", "初中", ""],
        [daughter.id_number, "黄小红", "辍学", "", ""],
        [son.id_number, "黄小明", "学生资助", "初中", "500"],  # in school: agrees
        [grown.id_number, "黄大明", "雨露计划", "中职", "1500"],
        [head_of(adult).id_number, "黄建国", "资助", "", ""],
    ]
    run = run_list(Source.EDUCATION, EDUCATION, rows)
    dropouts = by_member(run, "dropout")
    assert set(dropouts) == {son.pk, daughter.pk}  # every household type
    assert (dropouts[son.pk].value, dropouts[son.pk].detail) == ("初中", "教育部门辍学名单有此人（初中）")
    assert dropouts[daughter.pk].detail == "教育部门辍学名单有此人"
    assert dropouts[son.pk].clue.risk == "因学（义务教育阶段辍学）"
    aid = by_member(run, "student_aid_mismatch")
    assert set(aid) == {grown.pk, head_of(adult).pk}
    assert (aid[grown.pk].value, aid[grown.pk].detail) == ("中职", "教育部门资助名单有此人，系统登记非在校生")


def test_unsafe_house_clue_and_house_grade_discrepancy(lichuan):
    exited = home("exited")  # no grade registered
    renovated = home("poor", house_grade="C")
    ordinary = home("ordinary", house_grade="A")
    monitored = home("monitored", house_grade="B")
    blank_flag = home("monitored", house_grade="D")
    rows = [
        [head_of(exited).id_number, "黄建国", "D级", "未改造"],
        [head_of(renovated).id_number, "黄建国", "C", "已改造"],
        [head_of(ordinary).id_number, "黄建国", "D", "否"],
        [head_of(monitored).id_number, "黄建国", "B", ""],
        [head_of(blank_flag).id_number, "黄建国", "D", ""],
    ]
    run = run_list(Source.HOUSING, HOUSING, rows)
    unsafe = by_household(run, "unsafe_house")
    assert set(unsafe) == {exited.pk, blank_flag.pk}  # 已改造, B and 一般农户 give no clue
    assert (unsafe[exited.pk].value, unsafe[exited.pk].detail) == ("D", "住建部门鉴定为 D 级危房，尚未改造")
    assert unsafe[exited.pk].clue.risk == "住房安全无保障"
    grade = by_household(run, "house_grade_mismatch")
    assert set(grade) == {exited.pk, ordinary.pk}
    assert grade[exited.pk].detail == "住建部门鉴定为 D 级，系统登记为 （空）"
    assert (grade[ordinary.pk].value, grade[ordinary.pk].detail) == ("D", "住建部门鉴定为 D 级，系统登记为 A 级")


def test_unemployment_clue_for_exited_and_monitored_and_employment_discrepancy(lichuan):
    exited, monitored, ordinary, poor = home("exited"), home("monitored"), home("ordinary"), home("poor")
    working = home("ordinary", head=person("head", work_status="in_county", work_months=10))
    idle = home("poor", head=person("head", work_status="none"))
    rows = [
        [head_of(exited).id_number, "黄建国", "失业登记", "", ""],
        [head_of(monitored).id_number, "黄建国", "失业", "", ""],
        [head_of(ordinary).id_number, "黄建国", "失业登记", "", ""],
        [head_of(poor).id_number, "黄建国", "就业登记", "某某电子厂", "10"],
        [head_of(working).id_number, "黄建国", "就业", "县城", ""],
        [head_of(idle).id_number, "黄建国", "就业登记", "", ""],
    ]
    run = run_list(Source.HUMAN_RESOURCES, LABOUR, rows)
    unemployed = by_household(run, "unemployed")
    assert set(unemployed) == {exited.pk, monitored.pk}
    assert (unemployed[exited.pk].value, unemployed[exited.pk].detail) == ("unemployed", "人社部门有失业登记")
    assert unemployed[monitored.pk].clue.risk == "因务工就业不稳（失业）"
    employed = by_household(run, "employment_mismatch")
    assert set(employed) == {poor.pk, idle.pk}
    assert (employed[poor.pk].value, employed[poor.pk].detail) == (
        "某某电子厂", "人社部门有就业登记（某某电子厂），系统登记未务工")
    assert employed[idle.pk].detail == "人社部门有就业登记，系统登记未务工"



def test_deaths_and_moves_out_are_discrepancies_for_active_members(lichuan):
    h = home("exited", members=[person("spouse", sex="2"), person("son", birth=dt.date(2001, 1, 1))])
    ordinary = home("ordinary")
    spouse, son = h.members.get(relation="spouse"), h.members.get(relation="son")
    gone = home("poor", members=[person("daughter", sex="2", birth=dt.date(2000, 1, 1))])
    removed = gone.members.get(relation="daughter")
    registry_actions.remove_member(actor=SYSTEM, member=removed, reason_code="death")
    rows = [
        [spouse.id_number, "李秀英", "死亡", "2024-01-05"],
        [son.id_number, "黄小明", "户籍迁出", ""],
        [head_of(ordinary).id_number, "黄建国", "死亡注销", "20240301"],
        [removed.id_number, "黄小红", "死亡", "2023-12-01"],  # already removed: nothing to report
    ]
    run = run_list(Source.PUBLIC_SECURITY, POLICE, rows)
    assert run.status == MatchStatus.DONE
    deaths = by_member(run, "death")
    assert set(deaths) == {spouse.pk, head_of(ordinary).pk}
    assert (deaths[spouse.pk].value, deaths[spouse.pk].detail) == ("2024-01-05", "公安登记死亡（2024-01-05），系统仍为在册成员")
    assert deaths[head_of(ordinary).pk].detail == "公安登记死亡（2024-03-01），系统仍为在册成员"
    moved = by_member(run, "moved_out")
    assert set(moved) == {son.pk}
    assert (moved[son.pk].value, moved[son.pk].detail) == ("", "公安登记户籍迁出，系统仍为在册成员")
    assert run.counts["unmatched_rows"] == 1 and run.counts["discrepancies"] == 3


def test_business_registrations_of_poor_and_monitored_members(lichuan):
    poor, monitored, exited = home("poor"), home("monitored"), home("exited")
    rows = [
        [head_of(poor).id_number, "黄建国", "某某商贸有限公司", "有限责任公司", "50"],
        [head_of(monitored).id_number, "黄建国", "某某小卖部", "", ""],
        [head_of(exited).id_number, "黄建国", "某某农家乐", "个体工商户", "10"],
    ]
    run = run_list(Source.MARKET_REGULATION, MARKET, rows)
    findings = by_household(run, "business_owner")
    assert set(findings) == {poor.pk, monitored.pk}
    assert (findings[poor.pk].value, findings[poor.pk].detail) == (
        "某某商贸有限公司", "名下有工商注册登记：某某商贸有限公司（有限责任公司），注册资本 50 万元")
    assert findings[monitored.pk].detail == "名下有工商注册登记：某某小卖部"
    assert findings[poor.pk].outcome == Outcome.DISCREPANCY and RiskClue.objects.count() == 0


def test_business_registrations_below_the_minimum_capital_are_ignored(lichuan):
    tune("business_owner", params={"min_capital": 10})
    small, large = home("poor"), home("poor")
    rows = [[head_of(small).id_number, "", "小店", "", "5"], [head_of(large).id_number, "", "大店", "", "10"]]
    run = run_list(Source.MARKET_REGULATION, MARKET, rows)
    assert set(by_household(run, "business_owner")) == {large.pk}



def test_vehicles_of_poor_and_monitored_members_except_exempt_types(lichuan):
    car, motorbike, tractor, ordinary = home("poor"), home("poor"), home("monitored"), home("ordinary")
    no_type = home("monitored")
    rows = [
        [head_of(car).id_number, "黄建国", "赣F12345", "小型轿车"],
        [head_of(motorbike).id_number, "黄建国", "赣F5678", "普通二轮摩托车"],
        [head_of(tractor).id_number, "黄建国", "赣F0001", "手扶拖拉机"],
        [head_of(ordinary).id_number, "黄建国", "赣F9999", "小型轿车"],
        [head_of(no_type).id_number, "黄建国", "赣F1111", ""],
    ]
    run = run_list(Source.VEHICLES, VEHICLES, rows)
    assert run.status == MatchStatus.DONE
    findings = by_household(run, "vehicle_owner")
    assert set(findings) == {car.pk, no_type.pk}
    assert (findings[car.pk].value, findings[car.pk].detail) == ("赣F12345", "名下有机动车：赣F12345（小型轿车）")
    assert findings[no_type.pk].detail == "名下有机动车：赣F1111"


def test_the_exempt_vehicle_types_are_configurable(lichuan):
    tune("vehicle_owner", params={"exempt": ["货车"]})
    motorbike, van = home("poor"), home("poor")
    rows = [[head_of(motorbike).id_number, "", "赣F5678", "普通二轮摩托车"],
            [head_of(van).id_number, "", "赣F0002", "轻型厢式货车"]]
    run = run_list(Source.VEHICLES, VEHICLES, rows)
    assert set(by_household(run, "vehicle_owner")) == {motorbike.pk}


def test_salaried_members_of_poor_and_monitored_households(lichuan):
    monitored, poor, exited = home("monitored"), home("poor"), home("exited")
    rows = [[head_of(monitored).id_number, "黄建国", "县教育局"], [head_of(poor).id_number, "黄建国", "乡卫生院"],
            [head_of(exited).id_number, "黄建国", "县财政局"]]
    run = run_list(Source.SALARIED, SALARIED, rows)
    findings = by_household(run, "salaried_member")
    assert set(findings) == {monitored.pk, poor.pk}
    assert (findings[monitored.pk].value, findings[monitored.pk].detail) == ("县教育局", "家庭成员为财政供养人员：县教育局")


# --- matching by ID number ----------------------------------------------------------------------

def test_ids_are_normalised_before_matching_and_the_rest_is_reported(lichuan):
    spaced = home("poor")
    x_id = id_ending_in_x(dt.date(1961, 7, 9))
    lower_x = home("poor", head=person("head", id_number=x_id))
    wide = home("monitored")
    legacy18 = idnumber.make(COUNTY, dt.date(1968, 2, 3), 15)
    legacy = home("poor", head=person("head", id_number=legacy18))
    gone = home("poor", members=[person("son", birth=dt.date(1999, 9, 9))])
    removed = gone.members.get(relation="son")
    registry_actions.remove_member(actor=SYSTEM, member=removed, reason_code="moved_out")
    n = head_of(spaced).id_number
    w = head_of(wide).id_number
    stranger = stranger_id()
    bad = n[:17] + ("0" if n[17] != "0" else "1")
    rows = [
        [f" {n[:6]} {n[6:14]} {n[14:]} ", "甲", "县教育局"],
        [x_id.lower(), "乙", "县教育局"],
        [w.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")), "丙", "县教育局"],
        [legacy18[:6] + legacy18[8:17], "丁", "县教育局"],
        [bad, "戊", "县教育局"],
        [stranger, "己", "县教育局"],
        [removed.id_number, "庚", "县教育局"],
        ["", "辛", "县教育局"],
    ]
    assert len(legacy18[:6] + legacy18[8:17]) == 15 and idnumber.parse(legacy18[:6] + legacy18[8:17]).number == legacy18
    run = run_list(Source.SALARIED, SALARIED, rows)
    assert run.counts["rows"] == 8
    assert run.counts["invalid"] == 2
    assert run.counts["checked"] == 6
    assert run.counts["matched_rows"] == 4 and run.counts["matched_members"] == 4
    assert run.counts["unmatched_rows"] == 2
    assert set(by_household(run, "salaried_member")) == {spaced.pk, lower_x.pk, wide.pk, legacy.pk}
    assert {f.row for f in found(run, "salaried_member")} == {2, 3, 4, 5}
    report = report_text(run)
    lines = report.splitlines()
    assert lines[0] == "行号,列,值,说明"
    assert lines[1:] == [  # the invalid rows, then the unmatched ones; the matched rows are not listed
        f"6,证件号码,{mask_id_number(bad)},校验位应为 {idnumber.check_char(bad[:17])}，实为 {bad[17]}",
        "9,证件号码,,证件号码不能为空",
        f"7,证件号码,{mask_id_number(stranger)},系统中没有此人（己）",  # the report is kept: numbers masked
        f"8,证件号码,{mask_id_number(removed.id_number)},系统中没有此人（庚）",
    ]


def test_a_member_listed_twice_gives_one_finding(lichuan):
    h = home("poor")
    number = head_of(h).id_number
    run = run_list(Source.SALARIED, SALARIED, [[number, "", "县教育局"], [number, "", "县卫健委"]])
    assert run.counts["matched_rows"] == 2 and run.counts["matched_members"] == 1
    findings = found(run, "salaried_member")
    assert len(findings) == 1 and findings[0].row == 2
    assert run.counts["discrepancies"] == 1


def test_invalid_cells_make_the_row_invalid_with_a_message(lichuan):
    h = home("exited")
    other = home("exited")
    rows = [[head_of(h).id_number, "黄建国", "低保户补助", "600", ""],
            [head_of(other).id_number, "黄建国", "低保", "六百", "不是日期"],
            [head_of(home("exited")).id_number, "黄建国", "", "", ""]]
    run = run_list(Source.CIVIL_AFFAIRS, CIVIL, rows)
    assert run.counts["rows"] == 3 and run.counts["invalid"] == 3 and run.counts["matched_rows"] == 0
    assert MatchFinding.objects.filter(run=run).count() == 0
    report = report_text(run)
    assert "2,救助类型,低保户补助,“救助类型”的值不在可选范围内（低保、最低生活保障、农村低保、特困、特困供养、特困人员、临时救助）" in report
    assert "3,金额,六百,“金额”应为数字" in report
    assert "3,日期,不是日期,“日期”无法识别为日期" in report
    assert "4,救助类型,,“救助类型”不能为空" in report


def test_a_title_row_above_the_header_and_aliased_headers_are_accepted(lichuan):
    h = home("exited")
    data = ("民政局 2024 年 3 月低保名单,,,\n公民身份号码,姓名,保障类型,保障金额\n"
            f"{head_of(h).id_number},黄建国,低保,600\n").encode("gb18030")
    run = actions.create_match(actor=SYSTEM, source=Source.CIVIL_AFFAIRS, name="低保.csv", data=data,
                               area_code=COUNTY, enqueue=False)
    run = actions.execute_match(run)
    assert run.status == MatchStatus.DONE
    assert run.counts["matched_members"] == 1
    f = found(run, "assistance_mismatch")[0]
    assert f.row == 3 and f.household_id == h.pk


def test_a_csv_title_line_of_one_cell_is_allowed_above_the_header(lichuan):
    h = home("exited")
    data = ("民政局 2024 年 3 月低保名单\n证件号码,姓名,救助类型\n"
            f"{head_of(h).id_number},黄建国,低保\n").encode()
    run = actions.create_match(actor=SYSTEM, source=Source.CIVIL_AFFAIRS, name="低保.csv", data=data,
                               area_code=COUNTY, enqueue=False)
    run = actions.execute_match(run)
    assert run.status == MatchStatus.DONE, run.counts
    assert run.counts["matched_members"] == 1


def test_xlsx_lists_are_matched_too(lichuan):
    from tests.exchange.support import to_xlsx

    h = home("monitored")
    data = to_xlsx([{"证件号码": head_of(h).id_number, "姓名": "黄建国", "单位": "县教育局"}], headers=SALARIED)
    run = actions.create_match(actor=SYSTEM, source=Source.SALARIED, name="财政供养.xlsx", data=data,
                               area_code=COUNTY, enqueue=False)
    run = actions.execute_match(run)
    assert run.status == MatchStatus.DONE and run.counts["matched_members"] == 1
    assert found(run, "salaried_member")[0].detail == "家庭成员为财政供养人员：县教育局"


# --- clues --------------------------------------------------------------------------------------

def test_clue_findings_become_one_open_department_clue_per_household_and_risk(users):
    h = home("exited", members=[person("son", birth=dt.date(2011, 3, 1), schooling="grade_7_9"),
                                person("daughter", sex="2", birth=dt.date(2012, 5, 1), schooling="primary")])
    son, daughter = h.members.get(relation="son"), h.members.get(relation="daughter")
    rows = [[son.id_number, "黄小明", "辍学", "初中", ""], [daughter.id_number, "黄小红", "辍学", "小学", ""]]
    run = run_list(Source.EDUCATION, EDUCATION, rows, actor=users["county"])
    dropouts = found(run, "dropout")
    assert len(dropouts) == 2
    assert run.counts["clue_findings"] == 2 and run.counts["clues_created"] == 1
    clue = RiskClue.objects.get(household=h)
    assert dropouts[0].clue == dropouts[1].clue == clue
    assert (clue.source, clue.risk, clue.status, clue.county_code, clue.division_code) == (
        "department", "因学（义务教育阶段辍学）", "open", COUNTY, JIANYUAN)
    assert clue.detail == f"部门比对 #{run.pk}（教育：辍学与学生资助）：教育部门辍学名单有此人（初中）"
    assert clue.found_on == clock.today() and clue.due_on == clock.today() + dt.timedelta(days=5)
    assert clue.created_by == users["county"] and clue.run_id is None
    # another risk of the same household is another clue
    labour = run_list(Source.HUMAN_RESOURCES, LABOUR, [[head_of(h).id_number, "黄建国", "失业登记", "", ""]],
                      actor=users["county"])
    assert labour.counts["clues_created"] == 1
    assert sorted(RiskClue.objects.filter(household=h).values_list("risk", flat=True)) == [
        "因务工就业不稳（失业）", "因学（义务教育阶段辍学）"]
    assert found(labour, "unemployed")[0].clue.risk == "因务工就业不稳（失业）"


def test_an_open_clue_with_that_risk_is_reused_and_an_open_monitoring_case_gets_none(lichuan):
    with_clue = home("exited", members=[person("son", birth=dt.date(2011, 3, 1), schooling="grade_7_9")])
    existing = workflow_actions.create_clue(actor=SYSTEM, household=with_clue, source="cadre_visit",
                                            risk="因学（义务教育阶段辍学）", detail="走访发现")
    other_risk = home("exited", members=[person("son", birth=dt.date(2011, 3, 1), schooling="grade_7_9")])
    workflow_actions.create_clue(actor=SYSTEM, household=other_risk, source="cadre_visit", risk="因病")
    dismissed = home("exited", members=[person("son", birth=dt.date(2011, 3, 1), schooling="grade_7_9")])
    old = workflow_actions.create_clue(actor=SYSTEM, household=dismissed, source="department",
                                       risk="因学（义务教育阶段辍学）")
    workflow_actions.dismiss_clue(actor=SYSTEM, clue=old, reason="已返校")
    monitored = home("exited", members=[person("son", birth=dt.date(2011, 3, 1), schooling="grade_7_9")])
    now = clock.now()
    Case.objects.create(county_code=COUNTY, division_code=JIANYUAN, household=monitored, kind="monitor", year=2024,
                        step="visit", step_started_at=now, step_due=clock.today(), started_at=now)
    closed_case = home("exited", members=[person("son", birth=dt.date(2011, 3, 1), schooling="grade_7_9")])
    Case.objects.create(county_code=COUNTY, division_code=JIANYUAN, household=closed_case, kind="monitor",
                        year=2023, status="done", step="record", step_started_at=now, step_due=clock.today(),
                        started_at=now)
    homes = [with_clue, other_risk, dismissed, monitored, closed_case]
    rows = [[h.members.get(relation="son").id_number, "黄小明", "辍学", "", ""] for h in homes]
    run = run_list(Source.EDUCATION, EDUCATION, rows)
    findings = by_household(run, "dropout")
    assert set(findings) == {h.pk for h in homes}
    assert run.counts["clue_findings"] == 5 and run.counts["clues_created"] == 3
    assert findings[with_clue.pk].clue == existing
    assert RiskClue.objects.filter(household=with_clue).count() == 1
    assert RiskClue.objects.filter(household=other_risk).count() == 2
    assert findings[other_risk.pk].clue.risk == "因学（义务教育阶段辍学）" and findings[other_risk.pk].clue.source == "department"
    assert findings[dismissed.pk].clue != old and findings[dismissed.pk].clue.status == "open"
    assert findings[monitored.pk].clue is None and not RiskClue.objects.filter(household=monitored).exists()
    assert findings[closed_case.pk].clue is not None


def test_the_same_list_twice_creates_no_duplicate_findings_or_clues(lichuan):
    h = home("exited")
    rows = [[head_of(h).id_number, "黄建国", "低保", "600", ""], [head_of(h).id_number, "黄建国", "临时救助", "800", ""]]
    first = run_list(Source.CIVIL_AFFAIRS, CIVIL, rows)
    assert first.counts["clue_findings"] == 2 and first.counts["discrepancies"] == 1
    assert first.counts["clues_created"] == 2
    second = run_list(Source.CIVIL_AFFAIRS, CIVIL, rows)
    assert second.counts["matched_members"] == 1
    assert second.counts["clue_findings"] == 0 and second.counts["discrepancies"] == 0
    assert second.counts["clues_created"] == 0
    assert set(second.counts["findings"].values()) == {0}
    assert MatchFinding.objects.count() == 3 and RiskClue.objects.count() == 2
    # once checked, a discrepancy is reported again by the next list that still shows it
    mismatch = found(first, "assistance_mismatch")[0]
    actions.resolve_finding(actor=SYSTEM, finding=mismatch, status=FindingStatus.DISMISSED, note="民政数据有误")
    third = run_list(Source.CIVIL_AFFAIRS, CIVIL, rows)
    assert third.counts["discrepancies"] == 1 and third.counts["clue_findings"] == 0
    assert found(third, "assistance_mismatch")[0].status == FindingStatus.OPEN


def test_a_risk_seen_again_after_its_clue_was_dismissed_gives_a_new_clue(lichuan):
    h = home("exited", members=[person("son", birth=dt.date(2011, 3, 1), schooling="grade_7_9")])
    rows = [[h.members.get(relation="son").id_number, "黄小明", "辍学", "", ""]]
    first = run_list(Source.EDUCATION, EDUCATION, rows)
    clue = found(first, "dropout")[0].clue
    workflow_actions.dismiss_clue(actor=SYSTEM, clue=clue, reason="核实已返校")
    later = run_list(Source.EDUCATION, EDUCATION, rows)  # the next term's list: out of school again
    assert later.counts["clues_created"] == 1
    assert RiskClue.objects.filter(household=h, status="open", risk="因学（义务教育阶段辍学）").count() == 1


# --- rules are configurable ---------------------------------------------------------------------

def test_a_disabled_rule_finds_nothing_while_the_others_still_run(lichuan):
    tune("assistance_mismatch", enabled=False)
    h = home("exited")
    run = run_list(Source.CIVIL_AFFAIRS, CIVIL, [[head_of(h).id_number, "黄建国", "低保", "", ""]])
    assert not found(run, "assistance_mismatch")
    assert len(found(run, "assistance_new")) == 1
    assert str(rule("assistance_mismatch").pk) not in run.counts["findings"]
    assert run.counts["discrepancies"] == 0 and run.counts["clue_findings"] == 1
    tune("assistance_mismatch", enabled=True)
    again = run_list(Source.CIVIL_AFFAIRS, CIVIL, [[head_of(h).id_number, "黄建国", "低保", "", ""]])
    assert len(found(again, "assistance_mismatch")) == 1


def test_household_types_and_risk_of_a_rule_change_the_outcome(lichuan):
    tune("salaried_member", household_types=["exited"])
    tune("dropout", household_types=["poor"], risk="因学（控辍保学）")
    exited, poor = home("exited"), home("poor")
    run = run_list(Source.SALARIED, SALARIED, [[head_of(exited).id_number, "", "县教育局"],
                                                [head_of(poor).id_number, "", "县教育局"]])
    assert set(by_household(run, "salaried_member")) == {exited.pk}
    kid = home("poor", members=[person("son", birth=dt.date(2011, 3, 1), schooling="grade_7_9")])
    other = home("exited", members=[person("son", birth=dt.date(2011, 3, 1), schooling="grade_7_9")])
    rows = [[h.members.get(relation="son").id_number, "", "辍学", "", ""] for h in (kid, other)]
    run = run_list(Source.EDUCATION, EDUCATION, rows)
    assert set(by_household(run, "dropout")) == {kid.pk}
    assert RiskClue.objects.get(household=kid).risk == "因学（控辍保学）"


def test_update_rule_checks_its_input_and_leaves_the_rule_unchanged(users):
    r = rule("medical_out_of_pocket")
    before = (r.params, r.household_types, r.enabled)
    county = users["county"]
    cases = [
        ({"income": 20000, "ratio": 3}, ["exited"], "params"),
        ({"income": -1}, ["exited"], "params"),
        ({"share_exited": "50"}, ["exited"], "params"),
        ({"income": 20000}, [], "household_types"),
    ]
    for params, types, key in cases:
        with pytest.raises(ValidationError) as error:
            actions.update_rule(actor=county, rule=r, enabled=False, params=params, household_types=types)
        assert key in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        actions.update_rule(actor=county, rule=rule("unsafe_house"), enabled=True, params={"grades": "C"},
                            household_types=["poor"])
    assert "params" in error.value.message_dict
    r.refresh_from_db()
    assert (r.params, r.household_types, r.enabled) == before
    assert not AuditEvent.objects.filter(verb="match.rule").exists()


@pytest.mark.parametrize("who", ["dept", "township", "auditor"])
def test_only_county_administrators_may_change_rules(users, who):
    r = rule("assistance_new")
    with pytest.raises(PermissionDenied):
        actions.update_rule(actor=users[who], rule=r, enabled=False, params={}, household_types=["exited"])
    r.refresh_from_db()
    assert r.enabled and not AuditEvent.objects.filter(verb="match.rule").exists()


def test_a_rule_change_is_audited_with_before_and_after(users):
    r = rule("medical_out_of_pocket")
    actions.update_rule(actor=users["county"], rule=r, enabled=True, params={"income": 21000},
                        household_types=["exited", "monitored"], risk="因病（自付费用高）")
    r.refresh_from_db()
    assert r.params == {"income": 21000, "share_exited": 50, "share_other": 100}  # the others keep defaults
    assert r.risk == "因病（自付费用高）" and r.updated_by == users["county"]
    event = AuditEvent.objects.get(verb="match.rule")
    assert (event.actor, event.object_type, event.object_id, event.county_code) == (
        users["county"], "exchange.matchrule", str(r.pk), COUNTY)
    assert event.before == {"params": {"income": 19936, "share_exited": 50, "share_other": 100},
                            "household_types": ["exited", "monitored", "ordinary"], "risk": "因病（医疗自付费用高）"}
    assert event.after == {"params": {"income": 21000, "share_exited": 50, "share_other": 100},
                           "household_types": ["exited", "monitored"], "risk": "因病（自付费用高）"}


def test_a_discrepancy_rule_keeps_an_empty_risk(users):
    r = rule("death")
    actions.update_rule(actor=users["county"], rule=r, enabled=True, params={}, household_types=["poor"],
                        risk="随便")
    r.refresh_from_db()
    assert r.risk == "" and r.household_types == ["poor"]


def test_update_rule_rejects_unknown_household_types(users):
    with pytest.raises(ValidationError):
        actions.update_rule(actor=users["county"], rule=rule("salaried_member"), enabled=True, params={},
                            household_types=["rich"])


# --- scope and permissions ----------------------------------------------------------------------

def test_a_township_run_only_matches_members_of_that_township(users):
    hufang = home("poor", JIANYUAN)
    tanxi = home("poor", TANXI_VILLAGE)
    rows = [[head_of(hufang).id_number, "甲", "县教育局"], [head_of(tanxi).id_number, "乙", "县教育局"]]
    run = run_list(Source.SALARIED, SALARIED, rows, actor=users["county"], area=HUFANG)
    assert (run.county_code, run.division_code) == (COUNTY, HUFANG)
    assert run.counts["matched_members"] == 1 and run.counts["unmatched_rows"] == 1
    assert set(by_household(run, "salaried_member")) == {hufang.pk}
    assert f"3,证件号码,{mask_id_number(head_of(tanxi).id_number)},系统中没有此人（乙）" in report_text(run)


def test_who_may_match_which_list(users):
    h = home("exited")
    data = department_csv(CIVIL, [[head_of(h).id_number, "黄建国", "低保", "", ""]])
    run = actions.create_match(actor=users["dept"], source=Source.CIVIL_AFFAIRS, name="低保.csv", data=data,
                               enqueue=False)
    assert (run.division_code, run.created_by) == (COUNTY, users["dept"])  # the department's county
    assert actions.execute_match(run).counts["matched_members"] == 1
    assert actions.may_match(users["dept"], Source.CIVIL_AFFAIRS)
    assert not actions.may_match(users["dept"], Source.MEDICAL_INSURANCE)
    assert actions.may_match(users["county"], Source.VEHICLES)
    for who, source in [("dept", Source.MEDICAL_INSURANCE), ("dept", Source.VEHICLES),
                        ("township", Source.CIVIL_AFFAIRS), ("village", Source.CIVIL_AFFAIRS),
                        ("auditor", Source.CIVIL_AFFAIRS), ("helper", Source.CIVIL_AFFAIRS)]:
        assert not actions.may_match(users[who], source)
        with pytest.raises(PermissionDenied):
            actions.create_match(actor=users[who], source=source, name="x.csv", data=data, area_code=COUNTY,
                                 enqueue=False)
    with pytest.raises(PermissionDenied):  # outside the county administrator's area
        actions.create_match(actor=users["county"], source=Source.CIVIL_AFFAIRS, name="x.csv", data=data,
                             area_code="360102", enqueue=False)
    assert MatchRun.objects.count() == 1


@pytest.mark.parametrize(("source", "name", "data", "area", "field"), [
    ("welfare", "x.csv", b"a", COUNTY, "source"),
    (Source.CIVIL_AFFAIRS, "x.csv", b"", COUNTY, "file"),
    (Source.CIVIL_AFFAIRS, "x.pdf", b"%PDF", COUNTY, "file"),
    (Source.CIVIL_AFFAIRS, "x.csv", b"a", "36", "area_code"),
], ids=["unknown-source", "empty-file", "not-a-spreadsheet", "area-above-county"])
def test_create_match_rejects_bad_requests(lichuan, source, name, data, area, field):
    with pytest.raises(ValidationError) as error:
        actions.create_match(actor=SYSTEM, source=source, name=name, data=data, area_code=area, enqueue=False)
    assert field in error.value.message_dict
    assert not MatchRun.objects.exists()


def test_findings_and_runs_are_seen_within_area_and_department(users):
    hufang = home("exited", JIANYUAN)
    tanxi = home("exited", TANXI_VILLAGE)
    civil = run_list(Source.CIVIL_AFFAIRS, CIVIL, [[head_of(hufang).id_number, "", "低保", "", ""],
                                                   [head_of(tanxi).id_number, "", "低保", "", ""]])
    medical = run_list(Source.MEDICAL_INSURANCE, MEDICAL, [[head_of(hufang).id_number, "", "", "断保", "", ""]])

    def households(user, **kw):
        return {f.household_id for f in selectors.findings(user, **kw)}

    assert households(users["county"]) == {hufang.pk, tanxi.pk}
    assert households(users["township"]) == {hufang.pk}
    assert households(users["other_township"]) == {tanxi.pk}
    assert households(users["village"]) == {hufang.pk}
    assert households(users["county"], area=TANXI) == {tanxi.pk}
    assert households(users["township"], area=TANXI) == set()
    assert {f.run_id for f in selectors.findings(users["dept"])} == {civil.pk}  # only civil-affairs rules
    assert {f.run_id for f in selectors.findings(users["township"], outcome=Outcome.DISCREPANCY)} == {
        civil.pk, medical.pk}
    assert {f.rule.kind for f in selectors.findings(users["county"], outcome=Outcome.CLUE)} == {"assistance_new"}
    assert set(selectors.match_runs(users["county"])) == {civil, medical}
    assert set(selectors.match_runs(users["dept"])) == {civil}
    assert set(selectors.visible_rules(users["dept"]).values_list("source", flat=True)) == {Source.CIVIL_AFFAIRS}
    assert selectors.open_finding_counts(users["other_township"]) == {"clue": 1, "discrepancy": 1}
    with pytest.raises(Exception, match="No MatchRun matches"):
        selectors.get_match_run(users["dept"], medical.pk)
    assert selectors.household_findings(users["township"], tanxi) == []


# --- every run is recorded ----------------------------------------------------------------------

def test_a_run_records_its_file_counts_report_and_an_audit_event(users):
    exited, ordinary = home("exited"), home("ordinary", head=person("head", dibao=True))
    rows = [
        [head_of(exited).id_number, "黄建国", "低保", "600", "2024-01-01"],  # clue + discrepancy
        [head_of(ordinary).id_number, "黄建国", "低保", "600", ""],  # nothing: the registry knows it
        [stranger_id(), "王五", "特困", "", ""],  # not in the registry
        ["123", "赵六", "低保", "", ""],  # invalid
        ["", "", "", "", ""],  # blank line: skipped
    ]
    data = department_csv(CIVIL, rows)
    run = actions.create_match(actor=users["county"], source=Source.CIVIL_AFFAIRS, name="民政 3 月.csv", data=data,
                               area_code=COUNTY, enqueue=False)
    assert run.status == MatchStatus.RUNNING
    run = actions.execute_match(run)
    assert run.status == MatchStatus.DONE
    assert run.file_name == "民政 3 月.csv" and run.file.read() == data
    assert run.sha256 == hashlib.sha256(data).hexdigest()
    c = run.counts
    assert {k: c[k] for k in ("rows", "invalid", "checked", "matched_rows", "matched_members", "unmatched_rows",
                              "clue_findings", "discrepancies", "clues_created")} == {
        "rows": 4, "invalid": 1, "checked": 3, "matched_rows": 2, "matched_members": 2, "unmatched_rows": 1,
        "clue_findings": 1, "discrepancies": 1, "clues_created": 1}
    civil_rules = {str(r.pk): r.kind for r in MatchRule.objects.filter(source=Source.CIVIL_AFFAIRS)}
    assert {civil_rules[k]: n for k, n in c["findings"].items()} == {
        "assistance_new": 1, "temporary_assistance": 0, "assistance_mismatch": 1}
    assert run.report.name.endswith("-rows.csv")
    report = report_text(run)
    assert "5,证件号码,***,证件号码应为 18 位（或旧 15 位、残疾人证 20 位），实为 3 位" in report
    assert "系统中没有此人（王五）" in report
    run.job.refresh_from_db()
    assert run.job.status == "done" and run.job.progress == 100
    event = AuditEvent.objects.get(verb="match.run")
    assert (event.actor, event.object_id, event.county_code, event.division_code) == (
        users["county"], str(run.pk), COUNTY, COUNTY)
    assert event.summary == (f"部门数据比对 #{run.pk}（民政：低保、特困、临时救助）：4 行，匹配 2 人，风险线索 1 条，"
                             "数据差异 1 条")
    assert event.after["file"] == "民政 3 月.csv" and event.after["clues_created"] == 1
    assert "findings" not in event.after


@pytest.mark.parametrize(("name", "data", "message"), [
    ("名单.xlsx", b"PK\x03\x04 this is no workbook", "无法读取工作簿"),
    ("名单.csv", b"\x00\x01\x02binary", "文件不是工作簿或 CSV 文本"),
    ("名单.csv", "姓名,救助类型\n张三,低保\n".encode(), "前 10 行中没有找到表头（须包含“证件号码”列）"),
    ("名单.csv", "证件号码,姓名,金额\n110101199003070011,张三,600\n".encode(), "缺少必填列：救助类型"),
    ("名单.csv", "证件号码,姓名,救助类型,类别\n110101199003070011,张三,低保,低保\n".encode(), "出现了两次"),
], ids=["not-a-workbook", "binary", "no-id-column", "missing-required-column", "column-twice"])
def test_an_unreadable_list_is_rejected_with_a_clear_message(lichuan, name, data, message):
    h = home("exited")
    run = actions.create_match(actor=SYSTEM, source=Source.CIVIL_AFFAIRS, name=name, data=data, area_code=COUNTY,
                               enqueue=False)
    run = actions.execute_match(run)
    assert run.status == MatchStatus.REJECTED
    assert set(run.counts) == {"fatal"} and message in run.counts["fatal"]
    assert not run.report
    assert not MatchFinding.objects.exists() and not RiskClue.objects.filter(household=h).exists()
    run.job.refresh_from_db()
    assert run.job.status == "done" and run.job.result == {"fatal": run.counts["fatal"]}


def test_the_background_task_runs_the_match(lichuan):
    from fupin.exchange.tasks import run_match

    h = home("monitored")
    run = actions.create_match(actor=SYSTEM, source=Source.SALARIED, name="x.csv",
                               data=department_csv(SALARIED, [[head_of(h).id_number, "", "县教育局"]]),
                               area_code=COUNTY, enqueue=False)
    assert run_match.call(run.pk) == {"run": run.pk, "status": "done"}
    assert len(found(run, "salaried_member")) == 1


# --- resolving discrepancies --------------------------------------------------------------------

@pytest.fixture
def discrepancy(users):
    h = home("poor", JIANYUAN)
    run = run_list(Source.SALARIED, SALARIED, [[head_of(h).id_number, "黄建国", "县教育局"]], actor=users["county"])
    return found(run, "salaried_member")[0]


@pytest.mark.parametrize("status", [FindingStatus.FIXED, FindingStatus.DISMISSED])
def test_a_cadre_resolves_a_discrepancy_with_a_note(users, discrepancy, status):
    actions.resolve_finding(actor=users["township"], finding=discrepancy, status=status, note="已核实")
    discrepancy.refresh_from_db()
    assert (discrepancy.status, discrepancy.note, discrepancy.handled_by) == (status, "已核实", users["township"])
    assert discrepancy.handled_at is not None
    event = AuditEvent.objects.get(verb="match.resolve")
    assert (event.actor, event.object_id, event.household_id, event.division_code, event.reason) == (
        users["township"], str(discrepancy.pk), discrepancy.household_id, JIANYUAN, "已核实")
    assert event.after == {"status": status}
    assert "家庭成员为财政供养人员：县教育局" in event.summary
    with pytest.raises(ValidationError):  # not twice
        actions.resolve_finding(actor=users["township"], finding=discrepancy, status=FindingStatus.FIXED,
                                note="再次")
    assert AuditEvent.objects.filter(verb="match.resolve").count() == 1


def test_resolving_needs_a_note_a_result_and_the_area(users, discrepancy):
    for status, note in [(FindingStatus.FIXED, "  "), (FindingStatus.OPEN, "说明"), ("maybe", "说明")]:
        with pytest.raises(ValidationError):
            actions.resolve_finding(actor=users["village"], finding=discrepancy, status=status, note=note)
    for who in ("other_township", "dept", "auditor"):
        with pytest.raises(PermissionDenied):
            actions.resolve_finding(actor=users[who], finding=discrepancy, status=FindingStatus.FIXED, note="说明")
    discrepancy.refresh_from_db()
    assert discrepancy.status == FindingStatus.OPEN and not AuditEvent.objects.filter(verb="match.resolve").exists()


# --- pages --------------------------------------------------------------------------------------

def test_the_matching_page_offers_the_upload_to_those_who_may_match(client, users):
    client.force_login(users["county"])
    page = client.get(reverse("exchange:matching"))
    assert page.status_code == 200
    assert 'data-testid="match-form"' in page.content.decode()
    assert set(dict(page.context["form"].fields["source"].choices)) == set(Source.values)
    client.force_login(users["dept"])
    page = client.get(reverse("exchange:matching"))
    assert list(dict(page.context["form"].fields["source"].choices)) == [Source.CIVIL_AFFAIRS]
    client.force_login(users["township"])
    page = client.get(reverse("exchange:matching"))
    assert page.status_code == 200 and "form" not in page.context
    client.force_login(users["helper"])
    assert client.get(reverse("exchange:matching")).status_code == 403


def test_uploading_a_list_queues_the_match_and_the_run_page_shows_the_counts(client, users,
                                                                            django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    exited = home("exited")
    data = department_csv(CIVIL, [[head_of(exited).id_number, "黄建国", "低保", "600", ""],
                                  [stranger_id(), "王五", "低保", "", ""], ["x", "赵六", "低保", "", ""]])
    client.force_login(users["county"])
    upload = io.BytesIO(data)
    upload.name = "低保名单.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exchange:match_upload"),
                               {"source": Source.CIVIL_AFFAIRS, "area": HUFANG, "file": upload})
    run = MatchRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("exchange:match_detail", args=[run.pk])
    assert (run.source, run.division_code, run.file_name, run.created_by) == (
        Source.CIVIL_AFFAIRS, HUFANG, "低保名单.csv", users["county"])
    task = DBTaskResult.objects.get()
    assert task.task_path == "fupin.exchange.tasks.run_match" and task.args_kwargs["args"] == [run.pk]
    running = client.get(response.url)
    assert running.status_code == 200 and "exchange/_progress.html" in [t.name for t in running.templates]
    actions.execute_match(run)  # what the worker does
    page = client.get(response.url)
    assert page.status_code == 200
    c = page.context["c"]
    assert (c["rows"], c["invalid"], c["matched_members"], c["unmatched_rows"], c["clue_findings"],
            c["discrepancies"]) == (3, 1, 1, 1, 1, 1)
    text = page.content.decode()
    assert "无效 1 行" in text and "未匹配 1 行" in text and "新建线索 1 条" in text
    assert "民政低保名单有此人，系统未登记享受低保" in text
    assert {f.rule.kind for f in page.context["page"]} == {"assistance_new", "assistance_mismatch"}
    rule_pk = rule("assistance_mismatch").pk
    filtered = client.get(response.url, {"rule": rule_pk})
    assert [f.rule_id for f in filtered.context["page"]] == [rule_pk]
    rows_csv = client.get(reverse("exchange:match_report", args=[run.pk]))
    assert rows_csv.status_code == 200
    assert "系统中没有此人（王五）" in b"".join(rows_csv.streaming_content).decode("utf-8-sig")
    assert client.get(reverse("exchange:match_progress", args=[run.pk])).status_code == 204


def test_a_bad_upload_is_shown_again_with_the_error(client, users):
    client.force_login(users["county"])
    upload = io.BytesIO(b"whatever")
    upload.name = "名单.pdf"
    response = client.post(reverse("exchange:match_upload"),
                           {"source": Source.CIVIL_AFFAIRS, "area": COUNTY, "file": upload})
    assert response.status_code == 400
    assert "请上传 xlsx 工作簿或 CSV 文件。" in response.content.decode()
    upload = io.BytesIO(b"x")
    upload.name = "名单.csv"
    response = client.post(reverse("exchange:match_upload"),
                           {"source": Source.MEDICAL_INSURANCE, "area": TANXI_VILLAGE, "file": upload})
    assert response.status_code == 400 and "area" in response.context["form"].errors  # not one of the choices
    assert not MatchRun.objects.exists()


def test_department_users_upload_only_their_lists_and_cadres_not_at_all(client, users):
    upload = io.BytesIO(b"x")
    upload.name = "名单.csv"
    client.force_login(users["dept"])
    response = client.post(reverse("exchange:match_upload"),
                           {"source": Source.MEDICAL_INSURANCE, "area": COUNTY, "file": upload})
    assert response.status_code == 400 and "source" in response.context["form"].errors
    client.force_login(users["township"])
    upload.seek(0)
    response = client.post(reverse("exchange:match_upload"),
                           {"source": Source.CIVIL_AFFAIRS, "area": HUFANG, "file": upload})
    assert response.status_code == 403
    assert not MatchRun.objects.exists()


def test_a_rejected_run_page_says_why(client, users):
    run = actions.create_match(actor=users["county"], source=Source.CIVIL_AFFAIRS, name="x.csv",
                               data="姓名\n张三\n".encode(), area_code=COUNTY, enqueue=False)
    actions.execute_match(run)
    client.force_login(users["county"])
    page = client.get(reverse("exchange:match_detail", args=[run.pk]))
    assert page.status_code == 200
    assert "文件无法读取：前 10 行中没有找到表头" in page.content.decode()


def test_the_findings_page_lists_and_filters_findings(client, users):
    hufang, tanxi = home("exited", JIANYUAN), home("exited", TANXI_VILLAGE)
    run_list(Source.CIVIL_AFFAIRS, CIVIL, [[head_of(hufang).id_number, "", "低保", "", ""],
                                           [head_of(tanxi).id_number, "", "低保", "", ""]])
    url = reverse("exchange:findings")
    client.force_login(users["county"])
    default = client.get(url)  # open discrepancies
    assert default.status_code == 200
    assert {(f.outcome, f.household_id) for f in default.context["page"]} == {
        ("discrepancy", hufang.pk), ("discrepancy", tanxi.pk)}
    assert 'data-testid="resolve"' in default.content.decode()
    table = default.content.decode()
    table = table[table.index('data-testid="findings"'):]
    # each finding names the household's 户主 and village beside the 户编号
    assert f'<a href="/households/{hufang.pk}/">{head_of(hufang).name}</a>' in table
    assert f'data-household-code="{hufang.household_code}">枧源村委会 · {hufang.household_code}<' in table
    clues = client.get(url, {"outcome": "clue", "status": ""})
    assert {f.rule.kind for f in clues.context["page"]} == {"assistance_new"}
    assert "已生成线索" in clues.content.decode()
    area = client.get(url, {"outcome": "", "status": "", "area": TANXI})
    assert {f.household_id for f in area.context["page"]} == {tanxi.pk}
    mismatch = rule("assistance_mismatch")
    by_rule = client.get(url, {"outcome": "", "status": "open", "rule": mismatch.pk})
    assert {f.rule_id for f in by_rule.context["page"]} == {mismatch.pk}
    client.force_login(users["township"])
    mine = client.get(url, {"outcome": "", "status": ""})
    assert {f.household_id for f in mine.context["page"]} == {hufang.pk}
    client.force_login(users["dept"])
    theirs = client.get(url)
    assert theirs.status_code == 200 and 'data-testid="resolve"' not in theirs.content.decode()


def test_resolving_on_the_page(client, users, discrepancy):
    url = reverse("exchange:finding_resolve", args=[discrepancy.pk])
    back = reverse("exchange:findings") + "?outcome=discrepancy"
    client.force_login(users["township"])
    empty = client.post(url, {"status": FindingStatus.FIXED, "note": "", "next": back})
    assert empty.status_code == 200 and "note" in empty.context["form"].errors
    discrepancy.refresh_from_db()
    assert discrepancy.status == FindingStatus.OPEN
    done = client.post(url, {"status": FindingStatus.FIXED, "note": "已办理减员", "next": back})
    assert done.status_code == 302 and done.url == back
    discrepancy.refresh_from_db()
    assert (discrepancy.status, discrepancy.note, discrepancy.handled_by) == (
        FindingStatus.FIXED, "已办理减员", users["township"])
    again = client.post(url, {"status": FindingStatus.DISMISSED, "note": "再次", "next": back})
    assert again.status_code == 200 and "该差异已核实。" in again.content.decode()
    discrepancy.refresh_from_db()
    assert discrepancy.status == FindingStatus.FIXED
    client.force_login(users["other_township"])
    assert client.post(url, {"status": FindingStatus.FIXED, "note": "x", "next": back}).status_code == 404
    client.force_login(users["dept"])
    assert client.post(url, {"status": FindingStatus.FIXED, "note": "x", "next": back}).status_code == 403


def test_the_resolve_page_opens(client, users, discrepancy):
    url = reverse("exchange:finding_resolve", args=[discrepancy.pk])
    client.force_login(users["township"])
    client.raise_request_exception = False
    page = client.get(url, {"next": reverse("exchange:findings")})
    assert page.status_code == 200
    assert "家庭成员为财政供养人员：县教育局" in page.content.decode()


def test_the_rules_page_and_the_rule_form_save_parameters(client, users):
    client.force_login(users["county"])
    page = client.get(reverse("exchange:rules"))
    assert page.status_code == 200 and page.context["can_edit"]
    assert len(page.context["rules"]) == len(matching.KINDS)
    text = page.content.decode()
    assert "医疗自付费用过高" in text and "上年全省农村居民人均可支配收入（元）：19,936" in text
    medical = rule("medical_out_of_pocket")
    url = reverse("exchange:rule_edit", args=[medical.pk])
    form = client.get(url)
    assert form.status_code == 200 and form.context["form"].initial["param_income"] == 19936
    response = client.post(url, {"enabled": "on", "household_types": ["exited", "monitored"], "risk": "因病",
                                 "param_income": "21000", "param_share_exited": "40", "param_share_other": "90.5"})
    assert response.status_code == 302 and response.url == reverse("exchange:rules")
    medical.refresh_from_db()
    assert medical.params == {"income": 21000, "share_exited": 40, "share_other": 90.5}
    assert (medical.household_types, medical.risk, medical.enabled) == (["exited", "monitored"], "因病", True)
    vehicles = rule("vehicle_owner")
    response = client.post(reverse("exchange:rule_edit", args=[vehicles.pk]),
                           {"household_types": ["poor"], "param_exempt": "摩托车，拖拉机、 电动车"})
    assert response.status_code == 302
    vehicles.refresh_from_db()
    assert (vehicles.params, vehicles.enabled) == ({"exempt": ["摩托车", "拖拉机", "电动车"]}, False)
    bad = client.post(url, {"enabled": "on", "household_types": ["exited"], "param_income": "-5",
                            "param_share_exited": "40", "param_share_other": "90"})
    assert bad.status_code == 200 and "param_income" in bad.context["form"].errors
    medical.refresh_from_db()
    assert medical.params["income"] == 21000
    assert AuditEvent.objects.filter(verb="match.rule").count() == 2


def test_department_users_see_their_rules_but_may_not_change_them(client, users):
    client.force_login(users["dept"])
    page = client.get(reverse("exchange:rules"))
    assert page.status_code == 200 and not page.context["can_edit"]
    civil = rule("assistance_new")
    response = client.post(reverse("exchange:rule_edit", args=[civil.pk]), {"household_types": ["exited"]})
    assert response.status_code == 403
    civil.refresh_from_db()
    assert civil.enabled
    assert client.get(reverse("exchange:rule_edit", args=[rule("medical_out_of_pocket").pk])).status_code == 404
    client.force_login(users["township"])
    assert client.get(reverse("exchange:rule_edit", args=[civil.pk])).status_code == 403


# --- the command line ---------------------------------------------------------------------------

def test_the_match_command_runs_a_list_and_prints_the_counts(lichuan, tmp_path):
    exited = home("exited")
    path = tmp_path / "民政.csv"
    path.write_bytes(department_csv(CIVIL, [[head_of(exited).id_number, "黄建国", "低保", "", ""],
                                            [stranger_id(), "王五", "低保", "", ""], ["bad", "", "低保", "", ""]]))
    out, err = io.StringIO(), io.StringIO()
    report = tmp_path / "rows.csv"
    call_command("match", "civil_affairs", str(path), "--area", "361022", "--report", str(report),
                 stdout=out, stderr=err)
    run = MatchRun.objects.get()
    assert (run.status, run.source, run.division_code, run.file_name, run.created_by) == (
        MatchStatus.DONE, Source.CIVIL_AFFAIRS, COUNTY, "民政.csv", None)
    assert out.getvalue().strip() == (
        f"比对 #{run.pk}（民政：低保、特困、临时救助）：3 行，无效 1 行；匹配 1 行 / 1 人，未匹配 1 行\n"
        "风险线索：发现 1 条，新建线索 1 条；数据差异 1 条")
    assert "读取文件" in err.getvalue() and "生成风险线索" in err.getvalue()  # the progress bar
    assert "系统中没有此人（王五）" in report.read_bytes().decode("utf-8-sig")
    assert AuditEvent.objects.filter(verb="match.run", object_id=str(run.pk)).exists()


def test_the_match_command_refuses_what_it_cannot_do(users, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(department_csv(MEDICAL, [[stranger_id(), "", "", "断保", "", ""]]))
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("match", "welfare", str(path), "--area", COUNTY)
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("match", "medical_insurance", str(tmp_path / "missing.csv"), "--area", COUNTY)
    with pytest.raises(CommandError, match="没有用户 nobody"):
        call_command("match", "medical_insurance", str(path), "--user", "nobody")
    with pytest.raises(CommandError, match="您不能比对这类部门数据"):
        call_command("match", "medical_insurance", str(path), "--user", "dept")
    assert not MatchRun.objects.exists()
    broken = tmp_path / "broken.csv"
    broken.write_bytes("姓名\n张三\n".encode())
    with pytest.raises(CommandError, match="文件无法读取"):
        call_command("match", "civil_affairs", str(broken), "--area", COUNTY, stderr=io.StringIO())
    assert MatchRun.objects.get().status == MatchStatus.REJECTED
