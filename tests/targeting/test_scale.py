"""规模控制: the county's scale and its split (which must add up), the page, and identification that
would go over it (refused at the county's approval without an explicit, recorded over-scale approval)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.core.models import AuditEvent
from fupin.divisions.models import Division
from fupin.targeting import actions, selectors
from fupin.targeting.models import Scale
from fupin.workflows import actions as workflows
from tests.conftest import login
from tests.factories import COUNTY, HUFANG, JIANYUAN, TANXI, make_household, person
from tests.targeting.support import identify, income
from tests.workflows.support import pass_step, review, run_notice, votes

pytestmark = pytest.mark.django_db
YEAR = 2023


def townships() -> list[str]:
    return list(Division.objects.filter(parent_code=COUNTY).order_by("code").values_list("code", flat=True))


def split(people: dict[str, int], rest_to: str = HUFANG, total: int = 100) -> dict[str, dict]:
    """A complete split of ``total`` over the county's townships: the given figures, the rest to one."""
    found = {t: {"poor_people": people.get(t, 0)} for t in townships()}
    found[rest_to]["poor_people"] += total - sum(v["poor_people"] for v in found.values())
    return found


def test_a_split_adds_up_or_nothing_is_written(users):
    county = users["county"]
    actions.save_scales(actor=county, area_code=COUNTY, year=YEAR, own={"poor_people": 100})
    with pytest.raises(ValidationError, match="分解合计 99，与黎川县的 100 不符"):
        actions.save_scales(actor=county, area_code=COUNTY, year=YEAR, children=split({}, total=99))
    incomplete = split({})
    incomplete.pop(TANXI)
    with pytest.raises(ValidationError, match="分解须包含全部下级区域"):
        actions.save_scales(actor=county, area_code=COUNTY, year=YEAR, children=incomplete)
    assert Scale.objects.count() == 1
    actions.save_scales(actor=county, area_code=COUNTY, year=YEAR, children=split({TANXI: 40}))
    assert Scale.objects.get(division_code=TANXI).poor_people == 40
    assert Scale.objects.get(division_code=HUFANG).poor_people == 60
    # a township splits its figure over its villages, which must add up to it too
    villages = list(Division.objects.filter(parent_code=HUFANG).values_list("code", flat=True))
    figures = {v: {"poor_people": 0} for v in villages}
    figures[JIANYUAN]["poor_people"] = 59
    with pytest.raises(ValidationError, match="与湖坊乡的 60 不符"):
        actions.save_scales(actor=county, area_code=HUFANG, year=YEAR, children=figures)
    figures[JIANYUAN]["poor_people"] = 60
    actions.save_scales(actor=county, area_code=HUFANG, year=YEAR, children=figures)
    assert Scale.objects.get(division_code=JIANYUAN).poor_people == 60
    # changing the county's figure alone would break the split
    with pytest.raises(ValidationError, match="重新分解"):
        actions.save_scales(actor=county, area_code=COUNTY, year=YEAR, own={"poor_people": 101})
    event = AuditEvent.objects.filter(verb="scale.set").last()
    assert event.after[JIANYUAN]["poor_people"] == 60 and event.division_code == HUFANG


def test_only_the_county_administrator_sets_scales_and_townships_get_theirs_from_the_split(users):
    with pytest.raises(PermissionDenied):
        actions.save_scales(actor=users["township"], area_code=COUNTY, year=YEAR, own={"poor_people": 1})
    with pytest.raises(ValidationError, match="乡镇的规模由县分解确定"):
        actions.save_scales(actor=users["county"], area_code=HUFANG, year=YEAR, own={"poor_people": 1})
    with pytest.raises(ValidationError, match="不能为负数"):
        actions.save_scales(actor=users["county"], area_code=COUNTY, year=YEAR, own={"poor_people": -1})


@pytest.fixture
def tight(users, rules):
    """湖坊乡 has a scale of 3 poor people; 2 are registered; a 2-person household applies."""
    actions.save_scales(actor=users["county"], area_code=COUNTY, year=YEAR, own={"poor_people": 100},
                        children=split({HUFANG: 3}, rest_to=TANXI))
    registered = make_household(members=[person("spouse", sex="2")])  # registered poor: 2 people
    income(registered, 2000)
    applicant = make_household(household_type="ordinary", poverty_attribute="", main_cause="",
                               members=[person("spouse", sex="2")])
    income(applicant, 6000)
    return applicant


def _to_county_approval(users, clock, household):
    village, township = users["village"], users["township"]
    case = workflows.start_case(actor=village, household=household, kind="identify", note="本人申请", year=YEAR)
    pass_step(village, case, **votes(review(village, JIANYUAN)))
    pass_step(village, case, note="入户核实")
    run_notice(village, case, clock)
    pass_step(township, case, note="乡镇审核同意")
    run_notice(township, case, clock)
    return case


def test_identification_over_scale_needs_the_explicit_approval(users, clock, tight):
    case = _to_county_approval(users, clock, tight)
    assert selectors.over_scale(tight, YEAR) == [
        {"code": HUFANG, "name": "湖坊乡", "scale": 3, "registered": 2, "after": 4}]
    with pytest.raises(ValidationError, match="批准后将超出识别规模（湖坊乡规模 3 人，在册 2 人，批准后 4 人）"):
        pass_step(users["county"], case, decision_no="黎扶字〔2023〕1号")
    with pytest.raises(ValidationError, match="须写明理由"):
        pass_step(users["county"], case, decision_no="黎扶字〔2023〕1号", over_scale=True, over_scale_reason=" ")
    case.refresh_from_db()
    assert case.step == "county_approval"
    pass_step(users["county"], case, decision_no="黎扶字〔2023〕1号", over_scale=True,
              over_scale_reason="突发重病致贫，经县扶贫开发领导小组研究同意")
    case.refresh_from_db()
    assert case.step == "announcement"
    record = case.steps.get(step="county_approval", outcome="pass")
    assert record.data["over_scale"] is True and record.data["over_scale_areas"][0]["code"] == HUFANG
    event = AuditEvent.objects.get(verb="case.over_scale")
    assert "湖坊乡 4/3" in event.summary and "突发重病" in event.reason


def test_monitoring_is_not_subject_to_scale(users, clock, tight):
    village = users["village"]
    case = workflows.start_case(actor=village, household=tight, kind="monitor", note="因病",
                                data={"monitoring_type": "marginal", "risk_types": ["01"]})
    assert workflows.scale_warnings(case) == []


def test_the_pages_show_the_scale_and_the_run_warns_when_over(client, users, clock, tight, rules):
    run = identify(rules)  # the applicant (3,000 per person) and the registered household: 湖坊乡 4 > 3
    login(client, users["county"])
    page = client.get(f"/targeting/runs/{run.pk}/").content.decode()
    assert 'data-testid="scale-over"' in page and "湖坊乡" in page
    scale = client.get(f"/targeting/scale/?area={COUNTY}&year={YEAR}").content.decode()
    assert "防返贫监测不受规模限制" in scale and 'data-area="361022201"' in scale
    case = _to_county_approval(users, clock, tight)
    detail = client.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="scale-warning"' in detail and "超规模审批" in detail
    # the split form: a wrong total is shown with the figures kept
    data = {f"c{t}_poor_people": "1" for t in townships()}
    data["own_poor_people"] = "100"
    response = client.post(f"/targeting/scale/?area={COUNTY}&year={YEAR}", data)
    assert response.status_code == 200 and "不符" in response.content.decode()
    assert Scale.objects.get(division_code=HUFANG).poor_people == 3


def test_a_township_opens_on_its_own_scale_and_special_units_need_no_share(client, users, tight):
    login(client, users["township"])
    page = client.get("/targeting/scale/").content.decode()
    assert "湖坊乡 · " in page and 'data-area="361022201205"' in page  # its villages, not the county's townships
    assert client.get("/targeting/scale/?year=abc").status_code == 400
    login(client, users["county"])
    page = client.get(f"/targeting/scale/?area={COUNTY}&year={YEAR}").content.decode()
    assert "361022401" not in page  # the industrial park holds no households
