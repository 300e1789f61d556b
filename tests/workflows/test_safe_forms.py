"""Action forms of the procedures keep what was typed when they come back with an error, name the
error in Chinese beside the field, and start from what the context implies (a clue's monitoring type)."""

import re

import pytest
from django.urls import reverse

from fupin.core.models import AuditEvent
from fupin.workflows import actions
from fupin.workflows.models import Case, ClueStatus, DemocraticReview, Objection, RiskClue
from tests.conftest import login
from tests.factories import JIANYUAN, make_household, person
from tests.workflows.support import pass_step, review

pytestmark = pytest.mark.django_db

ENGLISH_FIELD = re.compile(r"\* (note|risk_types|monitoring_type|reason|resolution|raised_by|content|votes_\w+)\b")


def selected(page: str, name: str) -> list[str]:
    """The values the page shows as chosen in the select (or ticked among the checkboxes) ``name``."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    if select:
        return re.findall(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return re.findall(rf'<input type="checkbox" name="{name}" value="([^"]*)"[^>]*checked', page)


def textarea(page: str, name: str) -> str:
    found = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    return found.group(1).strip() if found else None


def value(page: str, name: str) -> str | None:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    if not found:
        return None
    typed = re.search(r'value="([^"]*)"', found.group(0))
    return typed.group(1) if typed else ""


def field_errors(page: str) -> list[str]:
    return [e.strip() for e in re.findall(r'<div class="field-error" role="alert">(.*?)</div>', page, re.S)]


# --- which monitoring type a clue implies -------------------------------------------------------

@pytest.mark.parametrize(("household_type", "risk", "detail", "expected"), [
    ("ordinary", "突发严重困难风险", "", "hardship"),       # an identification run names the type
    ("exited", "边缘易致贫风险", "", "marginal"),           # named: the household type does not override it
    ("ordinary", "脱贫不稳定风险", "", "unstable"),
    ("ordinary", "因自然灾害", "房屋被洪水冲毁", "hardship"),  # a sudden event
    ("ordinary", "因意外事故", "", "hardship"),
    ("exited", "因病", "户主住院", "unstable"),             # a household that left poverty
    ("ordinary", "因病", "户主住院", "marginal"),           # any other household
])
def test_a_clue_implies_a_monitoring_type(users, household_type, risk, detail, expected):
    home = make_household(household_type=household_type, **({"poverty_attribute": "", "main_cause": ""}
                                                           if household_type == "ordinary" else {}))
    clue = actions.create_clue(actor=users["village"], household=home, source="self_report", risk=risk, detail=detail)
    assert actions.implied_monitoring_type(clue) == expected


@pytest.fixture
def hardship_clue(users, rules):
    home = make_household(household_type="ordinary", poverty_attribute="", main_cause="")
    return actions.create_clue(actor=users["village"], household=home, source="self_report", risk="因意外事故",
                               detail="户主车祸受伤")


def test_the_clue_page_starts_from_the_implied_type(client, users, hardship_clue):
    page = login(client, users["village"]).get(reverse("workflows:clue_detail", args=[hardship_clue.pk]))
    page = page.content.decode()
    assert selected(page, "monitoring_type") == ["hardship"]
    assert selected(page, "risk_types") == ["04"]  # 因意外事故, named by the clue


def test_converting_without_a_note_keeps_the_chosen_type_and_writes_nothing(client, users, hardship_clue):
    login(client, users["village"])
    events = AuditEvent.objects.count()
    response = client.post(reverse("workflows:clue_handle", args=[hardship_clue.pk]), {
        "action": "convert", "monitoring_type": "marginal", "risk_types": ["01", "04"], "note": ""})
    assert response.status_code == 200  # the form again, not a redirect
    page = response.content.decode()
    assert selected(page, "monitoring_type") == ["marginal"]  # the user's choice, not the implied hardship
    assert sorted(selected(page, "risk_types")) == ["01", "04"]
    assert field_errors(page) == ["请填写核实情况。"]
    assert not ENGLISH_FIELD.search(page)
    hardship_clue.refresh_from_db()
    assert hardship_clue.status == ClueStatus.OPEN and not Case.objects.exists()
    assert AuditEvent.objects.count() == events

    response = client.post(reverse("workflows:clue_handle", args=[hardship_clue.pk]), {
        "action": "convert", "monitoring_type": "marginal", "risk_types": ["01", "04"], "note": "入户核实"})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.data["monitoring_type"] == "marginal" and case.data["risk_types"] == "01,04"


def test_dismissing_without_a_reason_says_so_beside_the_field(client, users, hardship_clue):
    login(client, users["village"])
    response = client.post(reverse("workflows:clue_handle", args=[hardship_clue.pk]),
                           {"action": "dismiss", "reason": "  "})
    page = response.content.decode()
    assert response.status_code == 200 and field_errors(page) == ["排除线索须说明理由。"]
    assert RiskClue.objects.get().status == ClueStatus.OPEN


# --- a step of a case ---------------------------------------------------------------------------

@pytest.fixture
def at_review(users, rules):
    """An identification case at its democratic review, and a meeting with 20 present."""
    home = make_household(household_type="ordinary", poverty_attribute="", main_cause="",
                          head=person("head", name="邹平安"))
    case = actions.start_case(actor=users["village"], household=home, kind="identify", note="农户申请")
    assert case.step == "democratic_review"  # the application passed with its note
    return case, review(users["village"], JIANYUAN, present=20)


def test_a_refused_step_keeps_the_votes_and_the_note(client, users, at_review):
    case, meeting = at_review
    steps = case.steps.count()
    login(client, users["village"])
    response = client.post(reverse("workflows:case_act", args=[case.pk]), {
        "step": "democratic_review", "outcome": "pass", "note": "逐户表决", "review": meeting.pk,
        "votes_for": "15", "votes_against": "4", "votes_abstain": "3"})  # 22 votes, 20 present
    assert response.status_code == 200
    page = response.content.decode()
    assert "表决票数之和（22）不能超过实到人数（20）。" in page
    assert selected(page, "review") == [str(meeting.pk)]
    assert (value(page, "votes_for"), value(page, "votes_against"), value(page, "votes_abstain")) == ("15", "4", "3")
    assert textarea(page, "note") == "逐户表决"
    case.refresh_from_db()
    assert case.step == "democratic_review" and case.steps.count() == steps


def test_a_step_with_a_bad_number_names_the_field_in_chinese(client, users, at_review):
    case, meeting = at_review
    steps = case.steps.count()
    login(client, users["village"])
    response = client.post(reverse("workflows:case_act", args=[case.pk]), {
        "step": "democratic_review", "outcome": "pass", "review": meeting.pk,
        "votes_for": "-1", "votes_against": "0", "votes_abstain": "0"})
    page = response.content.decode()
    assert response.status_code == 200
    assert field_errors(page) == ["确保该值大于或等于0。"]
    assert value(page, "votes_for") == "-1"
    assert not ENGLISH_FIELD.search(page)
    assert case.steps.count() == steps


# --- a democratic review meeting with the votes of each household --------------------------------

def test_a_meeting_with_a_wrong_vote_keeps_every_vote_and_records_nothing(client, users, at_review):
    case, _meeting = at_review
    login(client, users["village"])
    meeting = {"held_on": "2023-05-01", "place": "村委会", "chair": "陈志强", "expected": "25", "present": "20",
               "minutes": "逐户表决"}
    url = reverse("workflows:review_new") + f"?village={JIANYUAN}"
    response = client.post(url, {**meeting, f"for_{case.pk}": "12", f"against_{case.pk}": "7",
                                 f"abstain_{case.pk}": "2"})  # 21 > 20 present
    page = response.content.decode()
    assert response.status_code == 200
    assert f"{case.subject_label}：表决票数之和（21）不能超过实到人数（20）。" in page
    assert (value(page, f"for_{case.pk}"), value(page, f"against_{case.pk}"),
            value(page, f"abstain_{case.pk}")) == ("12", "7", "2")
    assert value(page, "place") == "村委会"
    assert DemocraticReview.objects.count() == 1  # only the fixture's

    response = client.post(url, {**meeting, f"for_{case.pk}": "abc"})
    assert f"{case.subject_label}：票数须为不小于 0 的整数。" in response.content.decode()
    assert DemocraticReview.objects.count() == 1


# --- objections on a notice ----------------------------------------------------------------------

@pytest.fixture
def posted(users, at_review):
    case, meeting = at_review
    pass_step(users["village"], case, review=meeting.pk, votes_for=15, votes_against=3, votes_abstain=2)
    pass_step(users["village"], case, note="已核实")
    return actions.post_notice(actor=users["village"], cases=[case], period_days=7), case


def test_an_objection_without_content_keeps_what_was_typed(client, users, posted):
    notice, case = posted
    login(client, users["village"])
    response = client.post(reverse("workflows:objection_add", args=[notice.pk]), {
        "case": case.pk, "raised_by": "邻居王某", "raised_on": notice.posted_on.isoformat(), "content": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert value(page, "raised_by") == "邻居王某" and selected(page, "case") == [str(case.pk)]
    assert len(field_errors(page)) == 1 and not ENGLISH_FIELD.search(page)
    assert not Objection.objects.exists()


def test_resolving_an_objection_without_a_result_keeps_the_conclusion(client, users, posted):
    notice, case = posted
    objection = actions.record_objection(actor=users["village"], notice=notice, case=case, raised_by="邻居王某",
                                         content="家有轿车")
    login(client, users["village"])
    response = client.post(reverse("workflows:objection_resolve", args=[objection.pk]), {
        "upheld": "1", "consequence": "reject", "resolution": ""})
    page = response.content.decode()
    assert response.status_code == 200
    form = re.search(rf'data-testid="resolve-{objection.pk}">(.*?)</form>', page, re.S).group(1)
    assert selected(form, "upheld") == ["1"] and selected(form, "consequence") == ["reject"]
    assert len(field_errors(form)) == 1 and not ENGLISH_FIELD.search(page)
    objection.refresh_from_db()
    assert not objection.resolved


def test_closing_the_year_and_rejecting_ask_first(client, users, at_review):
    case, _meeting = at_review
    page = login(client, users["village"]).get(case.get_absolute_url()).content.decode()
    assert f'data-confirm="确认对 {case.household.household_code} 的贫困户识别不予通过？程序将就此结束。"' in page
    work_year = actions.open_year(actor=users["county"], county_code="361022", year=2024)
    page = login(client, users["county"]).get(reverse("workflows:years")).content.decode()
    button = re.search(r'<button[^>]*data-testid="close-year"[^>]*>', page).group(0)
    assert f'data-confirm="确认关账 {work_year.year} 年度？' in button
