"""The pages: they render with their content, forms re-show errors, writes go through the actions,
buttons are hidden from users who may not write, a role without the capability gets 403."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from fupin.core import clock
from fupin.core.actions import SYSTEM
from fupin.core.masking import mask_id_number
from fupin.programmes import actions
from fupin.programmes.models import (
    Cooperative,
    Course,
    Dividend,
    DividendPayment,
    IndustryParticipation,
    Trainee,
)
from tests.conftest import login
from tests.factories import COUNTY, JIANYUAN, TANXI_VILLAGE, make_household, person
from tests.programmes import support

pytestmark = pytest.mark.django_db


@pytest.fixture
def tea_world(users):
    tea = support.industries()["白茶"]
    coop = support.cooperative(name="湖坊乡白茶专业合作社")
    homes = [make_household(head=person("head", name=f"邓{n}")) for n in "甲乙丙"]
    for n, home in enumerate(homes):
        actions.add_participation(actor=SYSTEM, household=home, industry=tea, year=2023, scale=Decimal(2 + n),
                                  started_on=dt.date(2023, 3, 1))
        support.join(coop, home, str(10 * (n + 1)))
    actions.declare_dividend(actor=SYSTEM, cooperative=coop, year=2023, total=Decimal("600.00"),
                             declared_on=dt.date(2024, 1, 10))
    return tea, coop, homes


def test_pages_render_for_the_county(client, users, tea_world):
    _tea, coop, _homes = tea_world
    login(client, users["county"])
    for name, args, text in [
        ("programmes:index", [], "培训后就业率"), ("programmes:industry_list", [], "白茶"),
        ("programmes:cooperative_list", [], "湖坊乡白茶专业合作社"), ("programmes:cooperative_detail", [coop.pk], "邓乙"),
        ("programmes:course_list", [], "培训班"), ("programmes:subsidy_list", [], "补助标准"),
        ("programmes:employment_list", [], "就业登记"), ("programmes:job_list", [], "公益性岗位"),
        ("programmes:zero_employment", [], "零就业家庭"),
        ("programmes:dividend_detail", [Dividend.objects.get().pk], "600.00"),
    ]:
        response = client.get(reverse(name, args=args) + "?year=2023")
        assert response.status_code == 200, name
        assert text in response.content.decode(), name


def test_the_industry_page_lists_households_with_shares_and_dividends(client, users, tea_world):
    tea, _coop, homes = tea_world
    login(client, users["agri"])
    page = client.get(reverse("programmes:industry_detail", args=[tea.pk]), {"year": 2023}).content.decode()
    for home in homes:
        assert home.household_code in page
    assert "邓丙" in page and "300.00" in page and "湖坊乡白茶专业合作社" in page  # 30 of 60 shares: half of 600
    assert client.get(reverse("programmes:industry_detail", args=[tea.pk]),
                      {"year": 2023, "area": TANXI_VILLAGE}).content.decode().count('data-testid="household-row"') == 0


def test_the_household_card_shows_the_programmes(client, users, tea_world):
    _tea, _coop, homes = tea_world
    login(client, users["village"])
    page = client.get(reverse("registry:household_detail", args=[homes[0].pk])).content.decode()
    assert 'data-testid="programmes"' in page and "湖坊乡白茶专业合作社" in page and "100.00" in page
    assert reverse("programmes:participation_new") in page


def test_declaring_a_dividend_through_the_page(client, users, tea_world):
    _tea, coop, _homes = tea_world
    login(client, users["agri"])
    url = reverse("programmes:dividend_new", args=[coop.pk])
    bad = client.post(url, {"year": 2024, "total": "abc", "declared_on": "2024-12-31"})
    assert bad.status_code == 200 and "abc" in bad.content.decode()  # the input is shown again with the error
    again = client.post(url, {"year": 2023, "total": "100", "declared_on": "2024-01-10"})
    assert "已经宣布" in again.content.decode()
    response = client.post(url, {"year": 2024, "total": "1000.00", "declared_on": "2025-01-05"})
    dividend = Dividend.objects.get(year=2024)
    assert response.status_code == 302 and response["Location"] == reverse("programmes:dividend_detail",
                                                                            args=[dividend.pk])
    amounts = sorted(DividendPayment.objects.filter(dividend=dividend).values_list("amount", flat=True))
    assert amounts == [Decimal("166.67"), Decimal("333.33"), Decimal("500.00")] and sum(amounts) == Decimal("1000.00")


def test_cooperative_and_membership_pages(client, users):
    support.industries()
    login(client, users["township"])
    tea = support.industries()["白茶"]
    response = client.post(reverse("programmes:cooperative_new"), {
        "name": "枧源村香榧合作社", "registration_code": "93361022MA0001", "division_code": JIANYUAN,
        "industries": [tea.pk], "leader": "吴志明", "founded_on": "2021-04-01"})
    coop = Cooperative.objects.get(name="枧源村香榧合作社")
    assert response.status_code == 302 and coop.county_code == COUNTY
    home = make_household()
    join = reverse("programmes:member_join", args=[coop.pk])
    wrong = client.post(join, {"household_code": "999", "shares": "5", "share_type": "land", "joined_on": "2022-01-01"})
    assert "没有这个户编号" in wrong.content.decode()
    client.post(join, {"household_code": home.household_code, "shares": "5", "share_type": "land",
                       "joined_on": "2022-01-01"})
    membership = coop.members.get()
    client.post(reverse("programmes:member_shares", args=[membership.pk]),
                {"shares": "8", "share_type": "fund", "on": "2023-01-01", "reason": "扶贫资金折股"})
    assert list(coop.members.order_by("pk").values_list("shares", flat=True)) == [Decimal("5"), Decimal("8")]
    assert "扶贫资金折股" in client.get(reverse("programmes:cooperative_detail", args=[coop.pk]),
                                     {"history": 1}).content.decode()


def test_participation_page(client, users):
    tea = support.industries()["白茶"]
    home = make_household()
    login(client, users["village"])
    url = reverse("programmes:participation_new") + f"?household={home.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"industry": tea.pk, "year": 2023, "scale": "2.5", "expected_income": "6000",
                                 "support": "茶苗", "support_amount": "800", "started_on": "2023-03-01"})
    assert response.status_code == 302
    p = IndustryParticipation.objects.get()
    assert p.scale == Decimal("2.5")
    response = client.post(reverse("programmes:participation_end", args=[p.pk]),
                           {"ended_on": "2023-10-01", "reason": "改种毛竹"})
    assert response.status_code == 302


def test_course_enrolment_by_id_number_and_from_the_household(client, users):
    course = support.course(COUNTY)
    home = make_household(members=[person("spouse", sex="2", birth=dt.date(1978, 2, 1))])
    head, spouse = home.members.order_by("pk")
    login(client, users["county"])
    url = reverse("programmes:enroll", args=[course.pk])
    missing = client.post(url, {"id_number": "", "enrolled_on": "2023-05-01"})
    assert "请填写证件号码或选择成员" in missing.content.decode()
    unknown = client.post(url, {"id_number": "110101199003077777", "enrolled_on": "2023-05-01"})
    assert "没有找到" in unknown.content.decode()
    client.post(url, {"id_number": head.id_number, "enrolled_on": "2023-05-01"})
    client.post(url + f"?household={home.pk}", {"member": spouse.pk, "enrolled_on": "2023-05-01"})
    assert set(Trainee.objects.values_list("member_id", flat=True)) == {head.pk, spouse.pk}
    twice = client.post(url, {"id_number": head.id_number, "enrolled_on": "2023-05-01"})
    assert "已报名" in twice.content.decode()
    trainee = Trainee.objects.get(member=head)
    client.post(reverse("programmes:trainee_complete", args=[trainee.pk]), {"completed_on": "2023-05-20",
                                                                            "action": "complete"})
    client.post(reverse("programmes:certificate_new", args=[trainee.pk]), {
        "kind": "skill", "occupation": "茶叶加工工", "number": "Z2023001", "issued_on": "2023-06-01"})
    client.post(reverse("programmes:standard_set"), {"year": 2023, "kind": "skill", "amount": "600"})
    cert = trainee.certificates.get()
    client.post(reverse("programmes:subsidy_grant", args=[cert.pk]))
    subsidy = cert.subsidies.get()
    early = client.post(reverse("programmes:subsidy_paid", args=[subsidy.pk]), {"paid_on": "2023-07-01"}, follow=True)
    assert "发放日期不能早于核定日期" in early.content.decode()
    client.post(reverse("programmes:subsidy_paid", args=[subsidy.pk]), {"paid_on": clock.today().isoformat()})
    subsidy.refresh_from_db()
    assert subsidy.amount == Decimal("600.00") and subsidy.status == "paid"
    page = client.get(reverse("programmes:course_detail", args=[course.pk])).content.decode()
    assert head.name in page and reverse("programmes:employment_new") in page


def test_welfare_job_and_employment_pages(client, users):
    member = make_household().members.get()
    login(client, users["township"])
    response = client.post(reverse("programmes:job_new"), {"post": "保洁员", "division_code": JIANYUAN,
                                                           "id_number": member.id_number, "started_on": "2024-01-01",
                                                           "monthly_pay": "500"})
    assert response.status_code == 302
    page = client.get(reverse("programmes:job_list")).content.decode()
    assert "保洁员" in page and member.name in page
    response = client.post(reverse("programmes:employment_new"), {
        "id_number": member.id_number, "employer": "县茶厂", "place": "黎川", "started_on": "2024-02-01",
        "monthly_wage": "3200"})
    employments = client.get(reverse("programmes:employment_list")).content.decode()
    assert response.status_code == 302 and "县茶厂" in employments
    # both lists name the household by its 户主 and village beside the 户编号
    home = member.household
    for listing in (page, employments):
        assert f'<a href="/households/{home.pk}/">{member.name}</a>' in listing
        assert f'data-household-code="{home.household_code}">枧源村委会 · {home.household_code}<' in listing


def test_buttons_follow_the_domain_and_pages_refuse_others(client, users, tea_world):
    _tea, coop, _homes = tea_world
    login(client, users["agri"])
    coops = client.get(reverse("programmes:cooperative_list")).content.decode()
    courses = client.get(reverse("programmes:course_list")).content.decode()
    assert 'data-testid="cooperative-new"' in coops and 'data-testid="course-new"' not in courses
    assert client.get(reverse("programmes:course_new")).status_code == 403
    assert client.get(reverse("programmes:cooperative_new")).status_code == 200
    client.logout()
    login(client, users["dept"])
    assert 'data-testid="cooperative-new"' not in client.get(reverse("programmes:cooperative_list")).content.decode()
    assert client.get(reverse("programmes:cooperative_new")).status_code == 403
    assert client.post(reverse("programmes:course_new"), {}).status_code == 403
    assert client.get(reverse("programmes:dividend_new", args=[coop.pk])).status_code == 403
    assert not Course.objects.exists()
    client.logout()
    login(client, users["helper"])  # helpers have no programmes capability
    assert client.get(reverse("programmes:index")).status_code == 403
    client.logout()
    login(client, users["other_township"])  # another township cannot see the cooperative
    assert client.get(reverse("programmes:cooperative_detail", args=[coop.pk])).status_code == 404
    assert client.get(reverse("programmes:member_join", args=[coop.pk])).status_code == 404


def test_the_first_visit_of_a_township_sees_the_plans_industries_but_configures_nothing(client, users):
    from fupin.programmes.models import Industry

    login(client, users["township"])
    page = client.get(reverse("programmes:industry_list")).content.decode()
    assert Industry.objects.filter(county_code=COUNTY).count() == 6
    assert "香榧" in page and 'data-testid="industry-new"' not in page
    assert client.post(reverse("programmes:industry_new"), {"name": "白莲", "unit": "亩", "order": 1}).status_code == 403
    client.logout()
    login(client, users["agri"])
    assert 'data-testid="industry-new"' in client.get(reverse("programmes:industry_list")).content.decode()
    response = client.post(reverse("programmes:industry_new"), {"name": "白莲", "unit": "亩", "order": 1})
    assert response.status_code == 302 and Industry.objects.filter(name="白莲", county_code=COUNTY).exists()


def test_pages_open_on_the_latest_year_with_records(client, users, tea_world):
    login(client, users["county"])
    page = client.get(reverse("programmes:index")).content.decode()
    assert "产业与就业 · 2023" in page and "600" in page  # the 2023 dividend, though the clock is later
    assert "产业与就业 · 2022" in client.get(reverse("programmes:index"), {"year": 2022}).content.decode()


def test_enrolment_from_a_household_code(client, users):
    course = support.course(COUNTY)
    home = make_household(members=[person("spouse", sex="2", birth=dt.date(1980, 2, 1), name="李秀兰")])
    login(client, users["county"])
    url = reverse("programmes:enroll", args=[course.pk])
    page = client.get(url, {"household_code": home.household_code}).content.decode()
    assert "李秀兰" in page and 'data-testid="household-lookup"' in page
    spouse = home.members.get(relation="spouse")
    response = client.post(url + f"?household_code={home.household_code}",
                           {"member": spouse.pk, "enrolled_on": "2023-05-01"})
    assert response.status_code == 302 and Trainee.objects.get().member_id == spouse.pk
    assert "没有这个户编号" in client.get(url, {"household_code": "0000"}, follow=True).content.decode()


def test_a_village_sees_the_township_cooperative_and_course_of_its_households_but_only_its_own_rows(client, users):
    from tests.factories import HUFANG, HUFANG_VILLAGE

    coop = support.cooperative(HUFANG, name="湖坊乡茶业合作社")
    mine, theirs = make_household(head=person("head", name="枧源户")), make_household(
        HUFANG_VILLAGE, head=person("head", name="湖坊户"))
    support.join(coop, mine, "2")
    support.join(coop, theirs, "3")
    dividend = actions.declare_dividend(actor=SYSTEM, cooperative=coop, year=2023, total=Decimal("50"),
                                        declared_on=dt.date(2024, 1, 10))
    course = support.course(HUFANG)
    for home in (mine, theirs):
        actions.enroll(actor=SYSTEM, course=course, member=home.members.get(), enrolled_on=dt.date(2023, 5, 1))
    login(client, users["village"])
    assert "湖坊乡茶业合作社" in client.get(reverse("programmes:cooperative_list")).content.decode()
    page = client.get(reverse("programmes:cooperative_detail", args=[coop.pk])).content.decode()
    assert "枧源户" in page and "湖坊户" not in page
    payments = client.get(reverse("programmes:dividend_detail", args=[dividend.pk])).content.decode()
    assert "20.00" in payments and "30.00" not in payments.split('data-testid="payments"')[1]
    page = client.get(reverse("programmes:course_detail", args=[course.pk])).content.decode()
    assert "枧源户" in page and "湖坊户" not in page
    coop_page = client.get(reverse("programmes:cooperative_detail", args=[coop.pk])).content.decode()
    assert 'data-testid="member-join"' not in coop_page and 'data-testid="enroll"' not in page
    assert client.get(reverse("programmes:member_join", args=[coop.pk])).status_code == 403
    response = client.post(reverse("programmes:member_join", args=[coop.pk]), {
        "household_code": mine.household_code, "shares": "1", "share_type": "land", "joined_on": "2022-01-01"})
    assert response.status_code == 403  # a village may not manage a township's cooperative
    client.logout()
    login(client, users["other_township"])
    assert client.get(reverse("programmes:course_detail", args=[course.pk])).status_code == 404


def test_employment_recorded_from_a_trainee_is_linked_to_the_training(client, users):
    course = support.course(COUNTY)
    member = make_household().members.get()
    trainee = actions.enroll(actor=SYSTEM, course=course, member=member, enrolled_on=dt.date(2023, 5, 1))
    actions.complete_training(actor=SYSTEM, trainee=trainee, completed_on=dt.date(2023, 5, 20))
    login(client, users["county"])
    url = reverse("programmes:employment_new") + f"?trainee={trainee.pk}"
    page = client.get(url).content.decode()
    assert member.id_number not in page and mask_id_number(member.id_number) in page  # the trainee, masked
    response = client.post(url, {"id_number": "", "employer": "县茶厂", "place": "黎川",
                                 "started_on": "2023-06-01", "monthly_wage": "3100.50"})
    assert response.status_code == 302
    from fupin.programmes.models import Employment

    work = Employment.objects.get()
    assert work.trainee_id == trainee.pk and work.monthly_wage == Decimal("3100.50")
    assert "县茶厂" in client.get(reverse("programmes:employment_list"), {"after_training": 1}).content.decode()
