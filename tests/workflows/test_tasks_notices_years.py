"""Deadlines and overdue lists on a controlled clock, what a notice may show, and the year's cycle."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from fupin.core.actions import SYSTEM
from fupin.workflows import actions, selectors
from fupin.workflows.models import YearSnapshot
from tests.conftest import login
from tests.factories import HUFANG_VILLAGE, JIANYUAN, make_household, person
from tests.targeting.support import identify, income
from tests.workflows.support import pass_step, review, run_notice, votes

pytestmark = pytest.mark.django_db


def new_case(users, village=JIANYUAN):
    home = make_household(village, household_type="ordinary", poverty_attribute="", main_cause="")
    actor = users["village"] if village == JIANYUAN else SYSTEM
    return actions.start_case(actor=actor, household=home, kind="identify", note="申请")


def test_step_deadlines_and_overdue_tasks_come_first(users, clock):
    old = new_case(users)
    assert old.step_due == clock.today() + dt.timedelta(days=5)
    clock.advance(4)
    fresh = new_case(users)
    tasks = selectors.my_tasks(users["village"])
    assert [t.overdue for t in tasks] == [False, False]
    clock.advance(2)  # the first case's democratic review is now a day late
    tasks = selectors.my_tasks(users["village"])
    assert tasks[0].overdue and old.household.household_code in tasks[0].title
    assert not tasks[1].overdue and fresh.household.household_code in tasks[1].title
    # the township sees nothing to do yet, the county sees the overdue count by village
    assert selectors.my_tasks(users["township"]) == []
    rows = selectors.overdue_counts(users["county"], "361022", 12)
    assert rows[0]["area"] == JIANYUAN and rows[0]["overdue_cases"] == 1 and rows[0]["open_cases"] == 2


def test_monitoring_cases_must_reach_a_decision_within_fifteen_days(users, clock):
    home = make_household(household_type="ordinary", poverty_attribute="", main_cause="")
    clue = actions.create_clue(actor=users["village"], household=home, source="cadre_visit", risk="因灾",
                               found_on=clock.today() - dt.timedelta(days=3))
    case = actions.convert_clue(actor=users["village"], clue=clue, monitoring_type="hardship", note="房屋受损",
                                  risk_types=["07"])
    assert case.due == clue.found_on + dt.timedelta(days=15)
    clock.advance(13)
    assert selectors.overdue_counts(users["county"], "361022", 9)[0]["overdue_cases"] == 1  # 16 days since the clue


def test_clues_have_a_deadline(users, clock):
    home = make_household()
    clue = actions.create_clue(actor=users["village"], household=home, source="self_report", risk="因学")
    clock.advance(6)
    tasks = selectors.my_tasks(users["village"])
    assert tasks[0].kind == "clue" and tasks[0].overdue
    with pytest.raises(Exception, match="理由"):
        actions.dismiss_clue(actor=users["village"], clue=clue, reason="")
    actions.dismiss_clue(actor=users["village"], clue=clue, reason="已获助学金，风险已解除")
    assert selectors.my_tasks(users["village"]) == []


PROTECTED = [
    re.compile(r"\d{17}[\dXx]"),  # ID numbers
    re.compile(r"1[3-9]\d{9}"),  # mobile phones
    re.compile(r"\d{12,30}"),  # bank accounts
    re.compile("因病|因残|大病|残疾|慢性病|医疗|健康|住院"),  # health data
]


def test_notices_never_show_protected_data(client, users, clock, rules):
    sick = make_household(household_type="ordinary", poverty_attribute="", main_cause="", phone="13812345678",
                          bank_account="6231001234567890123", members=[
                              person("spouse", sex="2", serious_illness=True, disabled=True,
                                     disability_category="4", disability_grade="2", medical_insurance=False)])
    income(sick, 5000)
    identify(rules)
    case = actions.start_case(actor=users["village"], household=sick, kind="identify",
                              note="妻子患大病住院，因病致贫，电话13812345678", reason="因病致贫，残疾")
    pass_step(users["village"], case, **votes(review(users["village"], JIANYUAN)))
    pass_step(users["village"], case)
    notice = actions.post_notice(actor=users["village"], cases=[case], contact="0794-3221234")
    lines = selectors.notice_lines(notice)
    assert lines[0].head_name and lines[0].size == 2 and lines[0].decision == "拟识别为贫困户"
    assert "家庭人均纯收入低于扶贫标准" in lines[0].reason
    login(client, users["village"])
    page = client.get(reverse("workflows:notice_detail", args=[notice.pk])).content.decode()
    sheet = page[page.index('data-testid="notice-sheet"'):page.index('data-testid="objections"')]
    for pattern in PROTECTED:
        assert not pattern.search(sheet), pattern.pattern
    response = client.get(reverse("workflows:notice_pdf", args=[notice.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    for value in (b"13812345678", sick.members.get(relation="head").id_number.encode(), b"6231001234567890123"):
        assert value not in response.content


def test_the_yearly_dynamic_adjustment(users, clock, rules):
    county = users["county"]
    ready = make_household(household_type="poor")
    income(ready, 9000)
    income(ready, 8000, year=2022)
    below_last_year = make_household(household_type="poor")  # above the line only this year: not proposed
    income(below_last_year, 9000)
    income(below_last_year, 3999, year=2022)
    just_above = make_household(household_type="poor")  # 1.50 per person above, both years: stable
    income(just_above, Decimal("4001.50"))
    income(just_above, Decimal("4001.50"), year=2022)
    not_yet = make_household(household_type="poor")
    income(not_yet, 3000)
    unstable = make_household(household_type="exited")
    income(unstable, 5000)
    year = actions.open_year(actor=county, county_code="361022", year=2023)
    run = identify(rules)
    actions.attach_run(actor=county, work_year=year, run=run)
    assert actions.generate_exit_candidates(actor=county, work_year=year) == 2
    assert not below_last_year.cases.exists() and just_above.cases.get().kind == "exit"
    exit_case = ready.cases.get()
    assert exit_case.kind == "exit" and exit_case.step == "democratic_review"
    assert exit_case.steps.get().outcome == "start"
    assert actions.generate_exit_candidates(actor=county, work_year=year) == 0  # not twice
    assert actions.generate_clues(actor=county, work_year=year) == 1
    # natural change: a birth
    from fupin.registry import actions as registry

    registry.add_member(actor=users["village"], household=not_yet, join_reason="birth", joined_on=dt.date(2023, 3, 2),
                        fields=person("son", birth=dt.date(2023, 3, 1), schooling="preschool_age",
                                      labour_skill="none"))
    # the exit goes through
    village, township = users["village"], users["township"]
    pass_step(village, exit_case, **votes(review(village, JIANYUAN)))
    pass_step(village, exit_case)
    from tests.workflows.support import consent

    consent(village, exit_case)
    pass_step(village, exit_case)
    run_notice(village, exit_case, clock)
    run_notice(township, exit_case, clock)
    pass_step(county, exit_case)
    actions.act(actor=village, case=just_above.cases.get(), outcome="reject", note="户主不认可退出")
    actions.close_year(actor=county, work_year=year)
    year.refresh_from_db()
    assert year.status == "closed"
    counts = year.summary
    assert counts["flows"]["exit"] == {"households": 1, "people": 1}
    assert counts["joined"]["birth"] == 1
    snapshot = dict(YearSnapshot.objects.filter(year=2023).values_list("household_id", "household_type"))
    assert snapshot[ready.pk] == "exited" and snapshot[not_yet.pk] == "poor"
    assert selectors.year_counts("361022", 2023)["totals"][2023]["poor"]["households"] == 3  # not_yet and two kept


def test_workflow_pages(client, users, clock, rules):
    case = new_case(users)
    login(client, users["village"])
    assert client.get(reverse("workflows:tasks")).status_code == 200
    page = client.get(reverse("workflows:case_detail", args=[case.pk])).content.decode()
    assert "村民代表大会民主评议" in page
    response = client.post(reverse("workflows:review_new") + f"?village={JIANYUAN}", {
        "held_on": clock.today().isoformat(), "place": "村委会", "chair": "陈志强", "expected": "25", "present": "20",
        "minutes": "评议", f"for_{case.pk}": "16", f"against_{case.pk}": "2", f"abstain_{case.pk}": "2"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.step == "village_check"
    client.post(reverse("workflows:case_act", args=[case.pk]), {"outcome": "pass", "note": "核实"})
    case.refresh_from_db()
    assert case.step == "first_notice"
    response = client.post(reverse("workflows:notice_new"), {"case": [case.pk], "period_days": "7",
                                                             "posted_on": clock.today().isoformat()})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    other = new_case(users, HUFANG_VILLAGE)
    assert client.get(reverse("workflows:case_detail", args=[other.pk])).status_code == 404
    for url in ("case_list", "notice_list", "clue_list"):
        assert client.get(reverse(f"workflows:{url}")).status_code == 200
    login(client, users["county"])
    assert client.get(reverse("workflows:years")).status_code == 200
    page = client.get(reverse("workflows:tasks")).content.decode()
    assert 'data-testid="overdue"' in page
