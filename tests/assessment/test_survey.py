"""Recording the surveys and computing the four figures from them, checked against counts worked out
by hand, per township and for the county; a township sees only its own."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.assessment import actions, selectors
from fupin.assessment.models import Frame, SampleItem, Survey
from fupin.core.models import AuditEvent
from fupin.workflows.models import ClueSource, RiskClue
from tests.assessment.support import answer, county, draw
from tests.conftest import login
from tests.factories import HUFANG, TANXI

pytestmark = pytest.mark.django_db


def items(sample, township, frame):
    return list(SampleItem.objects.filter(sample=sample, frame=frame, division_code__startswith=township)
                .select_related("sample", "household").order_by("order"))


@pytest.fixture
def surveyed(users):
    """Everyone drawn and surveyed. 湖坊乡: one of 4 exited wrongly exited, the two-person ordinary
    household missed, one household (of 11) not approving; 潭溪乡: nothing found, all approve."""
    county()
    sample = draw(users["county"])
    exited = items(sample, HUFANG, Frame.EXITED)
    answer(exited[0], wrong=True)
    for item in exited[1:]:
        answer(item)
    for item in items(sample, HUFANG, Frame.REGISTERED):
        answer(item, approves=False if item == items(sample, HUFANG, Frame.REGISTERED)[0] else True)
    for item in items(sample, HUFANG, Frame.NON_REGISTERED):
        answer(item, missed=item.size == 2)
    for frame in Frame.values:
        for item in items(sample, TANXI, frame):
            answer(item)
    return sample


def test_the_four_figures_worked_by_hand(users, surveyed):
    found = selectors.figures(users["county"], surveyed)
    hufang = next(r for r in found["townships"] if r["code"] == HUFANG)
    tanxi = next(r for r in found["townships"] if r["code"] == TANXI)
    c = found["county"]
    # 湖坊乡: 1 of 4 exited households; 2 of 6 non-registered people; 10 of 11 households approve;
    # combined = (2 registered + 2/6 × 6 + 1/4 × 4) / 12 rural people = 5/12
    assert (hufang["wrong_exit"].events, hufang["wrong_exit"].units) == (1, 4)
    assert hufang["missed"].value == pytest.approx(2 / 6)
    assert (hufang["approval"].events, hufang["approval"].units) == (10, 11)
    assert hufang["combined"].value == pytest.approx(5 / 12)
    assert hufang["passes"] == {"combined": False, "wrong_exit": False, "missed": False, "approval": True}
    # 潭溪乡: nothing found; no registered poor
    assert tanxi["wrong_exit"].value == 0 and tanxi["missed"].value == 0 and tanxi["approval"].value == 1
    assert tanxi["combined"].value == 0
    assert tanxi["passes"] == {"combined": True, "wrong_exit": True, "missed": True, "approval": True}
    # the county: the same ratios over the whole sample: 1/6, 2/9, 15/16, (2 + 2 + 1) / 17
    assert (c["wrong_exit"].events, c["wrong_exit"].units) == (1, 6)
    assert c["missed"].value == pytest.approx(2 / 9)
    assert (c["approval"].events, c["approval"].units) == (15, 16)
    assert c["combined"].value == pytest.approx(5 / 17)
    assert c["wrong_exit"].low < 1 / 6 < c["wrong_exit"].high


def test_a_township_sees_its_own_figures_and_households(users, surveyed):
    found = selectors.figures(users["township"], surveyed)
    assert found["county"] is None and [r["code"] for r in found["townships"]] == [HUFANG]
    assert {i.division_code[:9] for i in selectors.items(users["township"], surveyed)} == {HUFANG}
    assert selectors.progress(users["township"], surveyed) == {"items": 11, "surveyed": 11, "pending": 0}



def test_villages_do_not_assess_themselves(client, users, surveyed):
    login(client, users["village"])
    assert client.get(f"/assessment/samples/{surveyed.pk}/").status_code == 403
    assert client.get("/assessment/").status_code == 403


@pytest.mark.parametrize(("frame", "values", "field"), [
    (Frame.EXITED, {"wrongly_exited": None}, "wrongly_exited"),  # an exited household must be asked
    (Frame.REGISTERED, {"wrongly_exited": False}, "wrongly_exited"),  # ... and only an exited one
    (Frame.NON_REGISTERED, {"missed": None}, "missed"),
    (Frame.EXITED, {"missed": False}, "missed"),
    (Frame.EXITED, {"approves": None}, "approves"),
    (Frame.EXITED, {"surveyor": " "}, "surveyor"),
    (Frame.EXITED, {"surveyed_on": None}, "surveyed_on"),
])
def test_incomplete_or_misplaced_answers_are_refused(users, frame, values, field):
    county()
    sample = draw(users["county"])
    item = items(sample, HUFANG, frame)[0]
    answers = {"wrongly_exited": False if frame == Frame.EXITED else None,
               "missed": False if frame == Frame.NON_REGISTERED else None,
               "approves": True, "surveyor": "王调查", "surveyed_on": dt.date.today(), "note": "", **values}
    with pytest.raises(ValidationError) as raised:
        actions.record_survey(actor=users["township"], item=item, values=answers)
    assert field in raised.value.message_dict
    assert not Survey.objects.exists()


def test_the_survey_date_lies_between_the_draw_and_today(users, clock):
    county()
    sample = draw(users["county"])
    item = items(sample, HUFANG, Frame.EXITED)[0]
    for day in (clock.today() + dt.timedelta(days=1), clock.today() - dt.timedelta(days=1)):
        with pytest.raises(ValidationError):
            answer(item, day=day, actor=users["township"])
    answer(item, day=clock.today(), actor=users["township"])
    clock.advance(3)
    survey = answer(item, wrong=True, actor=users["township"], day=clock.today())  # a correction
    assert Survey.objects.count() == 1 and survey.wrongly_exited is True
    events = AuditEvent.objects.filter(verb="assessment.survey").order_by("pk")
    assert events.count() == 2 and events.last().before["wrongly_exited"] is False


def test_a_township_surveys_only_its_own_households(users):
    county()
    sample = draw(users["county"])
    with pytest.raises(PermissionDenied):
        answer(items(sample, TANXI, Frame.EXITED)[0], actor=users["township"])
    with pytest.raises(PermissionDenied):
        answer(items(sample, HUFANG, Frame.EXITED)[0], actor=users["village"])
    assert not Survey.objects.exists()


def test_a_closed_sample_takes_no_more_surveys(users):
    county()
    sample = draw(users["county"])
    actions.close_sample(actor=users["county"], sample=sample)
    with pytest.raises(ValidationError):
        answer(items(sample, HUFANG, Frame.EXITED)[0], actor=users["township"])


def test_findings_become_risk_clues_once(users, surveyed):
    assert actions.findings_to_clues(actor=users["county"], sample=surveyed) == 2
    clues = RiskClue.objects.filter(source=ClueSource.ASSESSMENT).order_by("pk")
    assert [c.risk for c in clues] == ["考核抽查：错退", "考核抽查：漏评"]
    assert {c.household_id for c in clues} == set(
        Survey.objects.filter(item__sample=surveyed, clue__isnull=False).values_list("item__household_id", flat=True))
    assert actions.findings_to_clues(actor=users["county"], sample=surveyed) == 0  # not twice
    assert RiskClue.objects.filter(source=ClueSource.ASSESSMENT).count() == 2
    with pytest.raises(PermissionDenied):
        actions.findings_to_clues(actor=users["township"], sample=surveyed)


def test_the_survey_page_on_a_phone_records_and_moves_to_the_next(client, users):
    county()
    sample = draw(users["county"])
    first, second = items(sample, HUFANG, Frame.EXITED)[:2]
    login(client, users["township"])
    page = client.get(f"/assessment/households/{first.pk}/").content.decode()
    assert "是否错退" in page and "是否漏评" not in page
    response = client.post(f"/assessment/households/{first.pk}/", {
        "wrongly_exited": "0", "approves": "1", "surveyor": "李秀英", "surveyed_on": dt.date.today().isoformat()})
    assert response.status_code == 302 and response["Location"] == f"/assessment/households/{second.pk}/"
    assert Survey.objects.get(item=first).approves is True
    bad = client.post(f"/assessment/households/{second.pk}/", {"approves": "1", "surveyor": "李秀英",
                                                                "surveyed_on": dt.date.today().isoformat()})
    assert bad.status_code == 200 and "脱贫户须回答是否错退" in bad.content.decode()
    assert not Survey.objects.filter(item=second).exists()
    other = items(sample, TANXI, Frame.EXITED)[0]
    assert client.get(f"/assessment/households/{other.pk}/").status_code == 404
    login(client, users["auditor"])
    assert client.get(f"/assessment/samples/{sample.pk}/").status_code == 200
    assert client.get(f"/assessment/households/{first.pk}/").status_code == 403


def test_the_sample_page_shows_the_figures_and_sends_the_findings(client, users, surveyed):
    login(client, users["county"])
    page = client.get(f"/assessment/samples/{surveyed.pk}/").content.decode()
    assert "16.67%" in page and "错退户 / 调查的脱贫户 1 / 6" in page  # the county's wrong-exit rate
    assert "93.75%" in page  # approval 15 / 16
    response = client.post(f"/assessment/samples/{surveyed.pk}/findings/")
    assert response.status_code == 302 and RiskClue.objects.filter(source=ClueSource.ASSESSMENT).count() == 2
    login(client, users["township"])
    page = client.get(f"/assessment/samples/{surveyed.pk}/").content.decode()
    assert "湖坊乡" in page and "潭溪乡" not in page and "转为风险线索" not in page


def test_a_finding_needs_a_note_and_a_correction_withdraws_its_clue(users):
    county()
    sample = draw(users["county"])
    item = items(sample, HUFANG, Frame.EXITED)[0]
    values = {"wrongly_exited": True, "missed": None, "approves": True, "surveyor": "王调查",
              "surveyed_on": dt.date.today(), "note": " "}
    with pytest.raises(ValidationError) as raised:
        actions.record_survey(actor=users["township"], item=item, values=values)
    assert "note" in raised.value.message_dict
    actions.record_survey(actor=users["township"], item=item, values={**values, "note": "务工收入中断"})
    actions.findings_to_clues(actor=users["county"], sample=sample)
    clue = RiskClue.objects.get(source=ClueSource.ASSESSMENT)
    actions.record_survey(actor=users["township"], item=item, values={**values, "wrongly_exited": False, "note": ""})
    clue.refresh_from_db()
    assert clue.status == "dismissed" and "不再认定" in clue.dismiss_reason
    assert Survey.objects.get(item=item).clue is None
    assert selectors.failed_surveys(users["county"], sample).count() == 0
