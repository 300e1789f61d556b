import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fupin.assistance import actions
from fupin.assistance.models import CountyLeader, Measure, Plan, PlanLevel, PlanStatus, Visit
from fupin.core.actions import SYSTEM
from fupin.registry import actions as registry_actions
from tests.assistance.support import YEAR, area_plan, household_plan, measure, png
from tests.conftest import login
from tests.factories import COUNTY, HUFANG, JIANYUAN, TANXI_VILLAGE, make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(users):
    household = make_household(JIANYUAN, household_type="poor")
    return registry_actions.assign_helper(actor=SYSTEM, household=household, helper=users["helper"])


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_coverage_pages_drill_down(client, users, mine):
    household_plan(mine)
    login(client, users["county"])
    page = client.get(reverse("assistance:coverage"), {"year": YEAR})
    html = page.content.decode()
    assert page.status_code == 200 and "湖坊乡" in html and 'data-testid="coverage"' in html
    assert f"?area={HUFANG}&year={YEAR}" in html
    page = client.get(reverse("assistance:coverage"), {"area": HUFANG, "year": YEAR})
    assert "枧源村" in page.content.decode()
    page = client.get(reverse("assistance:coverage"), {"area": JIANYUAN, "year": YEAR})
    html = page.content.decode()
    assert f'data-household="{mine.pk}"' in html and mine.household_code in html
    page = client.get(reverse("assistance:coverage"), {"area": JIANYUAN, "year": YEAR, "missing": "helper"})
    assert f'data-household="{mine.pk}"' not in page.content.decode()
    nobody = make_household(JIANYUAN, household_type="poor", helper_name="")
    page = client.get(reverse("assistance:coverage"), {"area": JIANYUAN, "year": YEAR, "missing": "helper"})
    assert reverse("registry:assign_helper", args=[nobody.pk]) in page.content.decode()


def test_coverage_is_scoped_and_needs_the_capability(client, users):
    login(client, users["township"])
    assert client.get(reverse("assistance:coverage"), {"area": TANXI_VILLAGE}).status_code == 404
    assert client.get(reverse("assistance:coverage"), {"area": "abc"}).status_code == 400
    assert client.get(reverse("assistance:coverage")).status_code == 200  # opens at the township
    client.logout()
    assert client.get(reverse("assistance:coverage")).status_code == 302  # login


def test_a_prefecture_user_asking_for_the_prefecture_gets_its_first_county(client, users):
    """八个一 coverage is a county's page and below: a prefecture's user (or a link) naming the
    prefecture opens its first county with the drill-down, not a 404; a run's gaps stay a county's."""
    from fupin.accounts.roles import Role
    from tests.factories import make_user

    login(client, make_user(Role.SUPERVISOR, "3610", "city"))
    page = client.get(reverse("assistance:coverage"), {"area": "3610", "year": YEAR})
    assert page.status_code == 200 and f"?area={HUFANG}&year={YEAR}" in page.content.decode()
    assert client.get(reverse("assistance:gaps"), {"area": "3610", "year": YEAR}).status_code == 404
    assert client.get(reverse("assistance:coverage"), {"area": "361"}).status_code == 400  # no such level


def test_roles_without_the_capability_get_403(client, users, mine):
    login(client, users["dept"])
    assert client.get(reverse("assistance:worklist")).status_code == 403
    assert client.get(reverse("assistance:visit_new", args=[mine.pk])).status_code == 403
    assert client.get(reverse("assistance:plan_new")).status_code == 403
    login(client, users["helper"])
    assert client.get(reverse("assistance:leader_new"), {"township": HUFANG}).status_code == 403
    assert client.get(reverse("assistance:plan_new")).status_code == 403


def test_read_only_roles_get_no_write_forms(client, users, mine):
    plan = household_plan(mine)
    m = measure(plan)
    login(client, users["auditor"])
    assert client.get(plan.get_absolute_url()).status_code == 200
    for url in [reverse("assistance:plan_edit", args=[plan.pk]), reverse("assistance:measure_add", args=[plan.pk]),
                reverse("assistance:measure_edit", args=[m.pk]), reverse("assistance:measure_status", args=[m.pk])]:
        assert client.get(url).status_code == 403, url
    other = make_household(JIANYUAN, household_type="poor")
    assert client.get(reverse("assistance:household_plan", args=[other.pk])).status_code == 403
    assert client.post(reverse("assistance:plan_approve", args=[plan.pk])).status_code == 403


def test_leader_pages(client, users):
    login(client, users["county"])
    url = reverse("assistance:leader_new") + f"?township={HUFANG}"
    page = client.post(url, {"name": "", "post": "副县长", "started_on": "2023-01-01"})
    assert page.status_code == 200 and 'class="field-error"' in page.content.decode()
    page = client.post(url, {"name": "黄建国", "post": "副县长", "started_on": "2999-01-01"})
    assert "开始日期不能晚于今天" in page.content.decode() and 'value="黄建国"' in page.content.decode()
    assert not CountyLeader.objects.exists()
    page = client.post(url, {"name": "黄建国", "post": "副县长", "started_on": "2023-01-01"})
    assert page.status_code == 302
    leader = CountyLeader.objects.get()
    page = client.get(reverse("assistance:leaders"))
    assert "黄建国" in page.content.decode()
    page = client.post(reverse("assistance:leader_end", args=[leader.pk]), {"ended_on": "2023-03-01", "reason": "调动"})
    assert page.status_code == 302 and CountyLeader.objects.get().ended_on == dt.date(2023, 3, 1)


def test_plan_pages(client, users):
    login(client, users["village"])
    page = client.post(reverse("assistance:plan_new"), {
        "where-level": "village", "where-division_code": JIANYUAN, "where-year": YEAR, "title": "枧源村发展目标",
        "goals": "白茶产业"})
    plan = Plan.objects.get()
    assert page.status_code == 302 and page["Location"] == plan.get_absolute_url()
    page = client.post(reverse("assistance:plan_new"), {
        "where-level": "village", "where-division_code": JIANYUAN, "where-year": YEAR, "title": "again"})
    assert page.status_code == 200 and "已有该计划" in page.content.decode()
    page = client.get(reverse("assistance:plans"), {"year": YEAR, "level": "village"})
    assert "枧源村发展目标" in page.content.decode()
    page = client.get(plan.get_absolute_url())
    assert page.status_code == 200 and 'data-testid="approve"' not in page.content.decode()  # not their level
    page = client.post(reverse("assistance:measure_add", args=[plan.pk]), {
        "category": "infrastructure", "description": "通组公路", "cost": "200000.00", "lead_unit": "交通局"})
    assert page.status_code == 302 and Measure.objects.get().cost == 200000
    login(client, users["township"])
    assert 'data-testid="approve"' in client.get(plan.get_absolute_url()).content.decode()
    page = client.post(reverse("assistance:plan_approve", args=[plan.pk]), {"note": "同意"})
    assert page.status_code == 302 and Plan.objects.get().status == PlanStatus.APPROVED
    page = client.post(reverse("assistance:plan_edit", args=[plan.pk]), {"title": "枧源村发展目标（修订）", "goals": "x"})
    assert page.status_code == 302 and Plan.objects.get().status == PlanStatus.DRAFT


def test_household_plan_is_made_when_missing(client, users, mine):
    login(client, users["helper"])
    url = reverse("assistance:household_plan", args=[mine.pk]) + f"?year={YEAR}"
    page = client.get(url)
    assert page.status_code == 200 and "帮扶计划" in page.content.decode()
    page = client.post(url, {"title": "吴家帮扶计划", "goals": "增收"})
    plan = Plan.objects.get()
    assert page.status_code == 302 and plan.household == mine and plan.level == PlanLevel.HOUSEHOLD
    assert client.get(url)["Location"] == plan.get_absolute_url()
    page = client.post(reverse("assistance:measure_add", args=[plan.pk]), {
        "category": "health", "description": "x", "cost": "0", "income_project": "on", "expected_income": "100"})
    assert page.status_code == 200 and "开发式帮扶" in page.content.decode()
    page = client.post(reverse("assistance:measure_add", args=[plan.pk]), {
        "category": "industry", "description": "白茶", "cost": "1000", "income_project": "on",
        "expected_income": "4000"})
    assert page.status_code == 302
    m = Measure.objects.get()
    page = client.post(reverse("assistance:measure_status", args=[m.pk]), {"status": "done", "done_on": ""})
    assert page.status_code == 200 and "完成日期" in page.content.decode()


def test_another_helper_cannot_open_the_plan(client, users, mine):
    from fupin.accounts.roles import Role
    from tests.factories import make_user

    plan = household_plan(mine)
    login(client, make_user(Role.HELPER, JIANYUAN, "helper2"))
    assert client.get(plan.get_absolute_url()).status_code == 404
    assert client.get(reverse("assistance:household_plan", args=[mine.pk])).status_code == 404


def test_the_worklist_and_a_visit_with_a_photo(client, users, mine, media, clock):
    login(client, users["helper"])
    page = client.get(reverse("assistance:worklist"))
    html = page.content.decode()
    assert page.status_code == 200 and f'data-household="{mine.pk}"' in html and "未走访" in html
    form = client.get(reverse("assistance:visit_new", args=[mine.pk])).content.decode()
    assert 'capture="environment"' in form and 'accept="image/*"' in form and "multiple" in form
    page = client.post(reverse("assistance:visit_new", args=[mine.pk]), {
        "visited_on": clock.today().isoformat(), "notes": "了解务工情况",
        "photos": [SimpleUploadedFile("a.png", png(), content_type="image/png"),
                   SimpleUploadedFile("b.png", png(3, 3), content_type="image/png")]})
    assert page.status_code == 302
    visit = Visit.objects.get()
    assert visit.photos.count() == 2
    page = client.get(reverse("assistance:worklist"))
    assert clock.today().strftime("%Y-%m-%d") in page.content.decode()
    photo = visit.photos.first()
    response = client.get(reverse("assistance:photo", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png()
    card = client.get(mine.get_absolute_url()).content.decode()
    assert 'data-testid="assistance"' in card and reverse("assistance:photo", args=[photo.pk]) in card


def test_a_bad_photo_is_explained_beside_the_field(client, users, mine, media, clock):
    login(client, users["helper"])
    page = client.post(reverse("assistance:visit_new", args=[mine.pk]), {
        "visited_on": clock.today().isoformat(), "notes": "x",
        "photos": [SimpleUploadedFile("evil.png", b"<script>", content_type="image/png")]})
    assert page.status_code == 200 and "不是 JPEG、PNG 或 WebP 图片" in page.content.decode()
    page = client.post(reverse("assistance:visit_new", args=[mine.pk]), {
        "visited_on": (clock.today() + dt.timedelta(days=2)).isoformat(), "notes": "x"})
    assert "走访日期不能晚于今天" in page.content.decode()
    assert not Visit.objects.exists()


def test_photos_are_served_only_in_scope(client, users, mine, media, clock):
    visit = actions.record_visit(actor=users["helper"], household=mine, visited_on=clock.today(), notes="x",
                                 photos=[("a.png", png())])
    photo = visit.photos.get()
    login(client, users["other_township"])
    assert client.get(reverse("assistance:photo", args=[photo.pk])).status_code == 404
    login(client, users["township"])
    assert client.get(reverse("assistance:photo", args=[photo.pk])).status_code == 200
    page = client.get(reverse("assistance:visits"), {"household": mine.pk})
    assert "x" in page.content.decode() and page.status_code == 200
    visits = client.get(reverse("assistance:visits")).content.decode()  # each visit names the 户主 and village
    head = mine.members.get(relation="head").name
    assert f'<a href="/households/{mine.pk}/">{head}</a>' in visits
    assert f'data-household-code="{mine.household_code}">枧源村委会 · {mine.household_code}<' in visits


def test_the_household_card_section(client, users, mine):
    plan = household_plan(mine)
    measure(plan, income=True, description="种白茶")
    login(client, users["village"])
    card = client.get(mine.get_absolute_url()).content.decode()
    assert "种白茶" in card and 'data-testid="card-visit"' in card and plan.get_absolute_url() in card
    ordinary = make_household(JIANYUAN, household_type="ordinary")
    card = client.get(ordinary.get_absolute_url()).content.decode()
    assert 'data-testid="card-plan"' in card and "未制定" not in card


def test_plan_list_filters(client, users, mine):
    area_plan(PlanLevel.COUNTY, COUNTY)
    area_plan(PlanLevel.TOWNSHIP, HUFANG)
    household_plan(mine)
    login(client, users["county"])
    html = client.get(reverse("assistance:plans"), {"year": YEAR, "level": "township"}).content.decode()
    assert "湖坊乡" in html and mine.household_code not in html
    html = client.get(reverse("assistance:plans"), {"year": YEAR, "area": JIANYUAN}).content.decode()
    assert mine.household_code in html
    # a household's plan names its 户主 and village beside the 户编号
    head = mine.members.get(relation="head")
    assert f'<a href="/households/{mine.pk}/">{head.name}</a>' in html
    assert f'data-household-code="{mine.household_code}">枧源村委会 · {mine.household_code}<' in html
    html = client.get(reverse("assistance:plans"), {"year": YEAR, "status": "approved"}).content.decode()
    assert "没有符合条件的计划" in html
