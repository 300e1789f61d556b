"""Every page renders for the people who use it; buttons follow the domain rights; 403 and 404 where due."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from fupin.accounts.roles import Role
from fupin.core.actions import SYSTEM
from fupin.welfare import actions
from tests.conftest import login
from tests.factories import COUNTY, JIANYUAN, make_user
from tests.welfare.support import adult, born, child, household, person, standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users):
    standard()
    poor = household(adult(age=45, name="王大", dibao=True), adult("spouse", sex="2", name="李二"),
                     child("son", age=10, name="王小"), income=Decimal(8000), house_grade="D")
    from fupin.registry import actions as registry_actions

    registry_actions.update_household(actor=SYSTEM, household=poor, changes={"relocation_willing": True})
    household(person("head", name="孤老", birth=born(78), exact=True, disabled=True, disability_category="4",
                     disability_grade="1"))
    site = actions.save_site(actor=SYSTEM, values={"name": "县城安置点", "division_code": COUNTY,
                                                 "site_type": "concentrated", "capacity": 10, "status": "in_use"})
    need = actions.post_need(actor=SYSTEM, division_code=JIANYUAN, household=poor, category="education",
                             title="助学", amount=Decimal(1000), posted_on=dt.date(2023, 9, 1))
    offer = actions.register_offer(actor=SYSTEM, division_code=COUNTY, donor="爱心企业", category="education",
                                   amount=Decimal(5000), offered_on=dt.date(2023, 9, 1), contact="13907940000")
    member = poor.members.get(name="王大")
    return {"poor": poor, "site": site, "need": need, "offer": offer, "member": member}


LIST_PAGES = ["welfare:index", "welfare:standards", "welfare:dibao", "welfare:tekun", "welfare:premium",
              "welfare:premium_missing", "welfare:medical", "welfare:education", "welfare:education_missing",
              "welfare:disability", "welfare:disability_missing", "welfare:housing", "welfare:renovations",
              "welfare:relocation_waiting", "welfare:relocations", "welfare:sites", "welfare:charity",
              "welfare:offers"]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_render(client, users, world, name):
    response = login(client, users["county"]).get(reverse(name), {"year": 2023})
    assert response.status_code == 200
    assert "<table" in response.content.decode() or name == "welfare:index"


def test_overview_counts_and_links(client, users, world):
    page = login(client, users["county"]).get(reverse("welfare:index"), {"year": 2023}).content.decode()
    assert 'data-testid="dibao-missing-link"' in page
    assert "湖坊乡" in page  # the per-township table
    # 王大's household: 8,000 for 3 people < 6,000 line: the spouse and the son are not on 低保
    dibao = login(client, users["county"]).get(reverse("welfare:dibao"), {"year": 2023}).content.decode()
    listed = [name for name in ("李二", "王小", "王大") if f'<td data-label="姓名">{name}<' in dibao]
    assert listed == ["李二", "王小"]
    # the 户 column names the household's 户主 (王大) beside its 户编号
    poor = world["poor"]
    assert f'<a href="/households/{poor.pk}/">王大</a><div class="small text-secondary" data-household-code="{poor.household_code}">' in dibao
    tekun = client.get(reverse("welfare:tekun"), {"year": 2023}).content.decode()
    assert "孤老" in tekun and "肢体一级" in tekun


def test_record_forms_render_and_save(client, users, world):
    c = login(client, users["county"])
    member = world["member"]
    url = reverse("welfare:premium_new") + f"?member={member.pk}&year=2023"
    assert "登记参保缴费补助" in c.get(url).content.decode()
    response = c.post(url, {"member": member.pk, "year": 2023, "amount": "", "paid_on": "2023-03-01"})
    assert response.status_code == 302
    assert "王大" not in c.get(reverse("welfare:premium_missing"), {"year": 2023}).content.decode()
    from fupin.welfare.models import PremiumSubsidy

    assert PremiumSubsidy.objects.get(member=member).amount == Decimal("380")
    for name in ("welfare:medical_new", "welfare:education_new", "welfare:disability_new"):
        page = c.get(reverse(name) + f"?household={world['poor'].pk}")
        assert page.status_code == 200 and "王小" in page.content.decode()


def test_a_form_error_shows_beside_the_field_and_keeps_input(client, users, world):
    c = login(client, users["county"])
    member = world["member"]
    response = c.post(reverse("welfare:medical_new") + f"?member={member.pk}", {
        "member": member.pk, "treated_on": "2023-05-01", "hospital": "县人民医院", "total_cost": "1000",
        "basic_paid": "600", "critical_paid": "300", "aid_amount": "200"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "超过医疗总费用" in page and "县人民医院" in page


def test_housing_pages(client, users, world):
    c = login(client, users["county"])
    poor = world["poor"]
    assert poor.household_code in c.get(reverse("welfare:housing")).content.decode()
    response = c.post(reverse("welfare:renovation_new") + f"?household={poor.pk}",
                      {"year": 2023, "method": "rebuild", "subsidy": "20000", "started_on": "2023-04-01"})
    assert response.status_code == 302
    from fupin.welfare.models import HouseRenovation

    renovation = HouseRenovation.objects.get(household=poor)
    detail = c.get(reverse("welfare:renovation", args=[renovation.pk])).content.decode()
    assert "登记竣工" in detail
    heading = detail.split('<h2 class="page-title', 1)[1].split("</h2>", 1)[0]
    assert "王大" in heading and poor.household_code in heading  # named by its head, with the code
    c.post(reverse("welfare:renovation", args=[renovation.pk]), {"step": "complete", "on": "2023-08-01"})
    c.post(reverse("welfare:renovation", args=[renovation.pk]), {"step": "accept", "on": "2023-08-15"})
    poor.refresh_from_db()
    assert poor.house_renovated
    assert c.get(reverse("welfare:relocation_new") + f"?household={poor.pk}").status_code == 200
    response = c.post(reverse("welfare:relocation_new") + f"?household={poor.pk}",
                      {"site": world["site"].pk, "year": 2023, "allocated_on": "2023-05-01", "willing_confirmed": "on"})
    assert response.status_code == 302, response.content.decode()[-3000:]
    from fupin.welfare.models import Relocation

    relocation = Relocation.objects.get(household=poor)
    c.post(reverse("welfare:relocation", args=[relocation.pk]), {"action": "move_in", "move-moved_in_on": "2023-10-01"})
    poor.refresh_from_db()
    assert poor.relocated
    sites = c.get(reverse("welfare:sites")).content.decode()
    assert "县城安置点" in sites


def test_charity_pages_hide_personal_data(client, users, world):
    c = login(client, users["county"])
    needs = c.get(reverse("welfare:charity")).content.decode()
    member = world["member"]
    assert "助学" in needs and member.id_number not in needs
    offers = c.get(reverse("welfare:offers")).content.decode()
    assert "爱心企业" in offers and "13907940000" not in offers and "139****0000" in offers
    detail = c.get(reverse("welfare:need", args=[world["need"].pk])).content.decode()
    assert 'data-testid="match-form"' in detail and member.id_number not in detail


def test_household_card_has_the_section(client, users, world):
    page = login(client, users["county"]).get(world["poor"].get_absolute_url()).content.decode()
    assert 'data-testid="welfare-section"' in page and "助学" in page


def test_buttons_follow_the_domain(client, users, world):
    education = make_user(Role.DEPARTMENT, COUNTY, "edu", department="education")
    page = login(client, education).get(reverse("welfare:education_missing"), {"year": 2023}).content.decode()
    assert "登记资助" in page
    page = client.get(reverse("welfare:premium_missing"), {"year": 2023}).content.decode()
    assert "登记补助" not in page
    assert client.get(reverse("welfare:premium_new") + f"?member={world['member'].pk}").status_code == 403
    card = client.get(world["poor"].get_absolute_url()).content.decode()
    assert reverse("welfare:education_new") in card and reverse("welfare:premium_new") not in card


def test_capability_and_scope(client, users, world):
    # a helper does not see the programmes at all; another township's cadre sees no household of Hufang
    assert login(client, users["helper"]).get(reverse("welfare:index")).status_code == 403
    c = login(client, users["other_township"])
    assert c.get(reverse("welfare:need", args=[world["need"].pk])).status_code == 404
    assert c.get(reverse("welfare:premium_new") + f"?member={world['member'].pk}").status_code == 404
    assert "王小" not in c.get(reverse("welfare:dibao"), {"year": 2023}).content.decode()
    # the auditor reads but may not write
    a = login(client, users["auditor"])
    assert a.get(reverse("welfare:index")).status_code == 200
    assert a.get(reverse("welfare:need_new")).status_code == 403
    assert a.get(reverse("welfare:standard_new")).status_code == 403


def test_standards_page_edit(client, users, world):
    c = login(client, users["county"])
    from fupin.welfare.models import WelfareStandard

    s = WelfareStandard.objects.get(region_code=COUNTY, year=2023)
    page = c.get(reverse("welfare:standard_edit", args=[s.pk])).content.decode()
    assert "农村低保标准" in page
    data = {k: str(v) for k, v in {**{f: getattr(s, f) for f in actions.STANDARD_FIELDS}}.items()}
    data.update({"dibao_line": "6200"})
    assert c.post(reverse("welfare:standard_edit", args=[s.pk]), data).status_code == 302
    s.refresh_from_db()
    assert s.dibao_line == Decimal("6200")
    data["dibao_line"] = "-1"
    response = c.post(reverse("welfare:standard_edit", args=[s.pk]), data)
    assert response.status_code == 200 and "is-invalid" in response.content.decode()


def test_remaining_write_pages(client, users, world):
    c = login(client, users["county"])
    # a new standard for a township; the form re-shows a bad region beside the field
    assert c.get(reverse("welfare:standard_new")).status_code == 200
    data = {**{f: "1" for f in actions.STANDARD_FIELDS}, "notes": "", "region_code": "36", "year": 2023}
    response = c.post(reverse("welfare:standard_new"), data)
    assert response.status_code == 200 and "管辖范围" in response.content.decode()
    assert c.post(reverse("welfare:standard_new"), {**data, "region_code": "361022201"}).status_code == 302
    # sites
    assert c.post(reverse("welfare:site_new"), {"name": "乡安置点", "division_code": "361022201",
                                                "site_type": "scattered", "capacity": 5,
                                                "status": "building"}).status_code == 302
    from fupin.welfare.models import CharityMatch, CharityOffer, DisabilitySubsidy, RelocationSite

    site = RelocationSite.objects.get(name="乡安置点")
    assert c.get(reverse("welfare:site_edit", args=[site.pk])).status_code == 200
    # a disability subsidy granted unpaid, then paid from the list
    from fupin.registry.models import Member

    orphan = Member.objects.get(name="孤老")
    c.post(reverse("welfare:disability_new") + f"?member={orphan.pk}",
           {"member": orphan.pk, "kind": "care", "year": 2023, "months": 12, "monthly_amount": ""})
    subsidy = DisabilitySubsidy.objects.get(member=orphan)
    assert subsidy.monthly_amount == Decimal(1) and not subsidy.paid  # the new township standard applies
    assert "登记发放" in c.get(reverse("welfare:disability"), {"year": 2023}).content.decode()
    c.post(reverse("welfare:disability_pay", args=[subsidy.pk]), {"paid_on": "2023-12-20"})
    subsidy.refresh_from_db()
    assert subsidy.paid
    # an ineligible grant is refused with the reason beside the member
    refused = c.post(reverse("welfare:disability_new") + f"?member={world['member'].pk}",
                     {"member": world["member"].pk, "kind": "care", "year": 2023, "months": 12})
    assert "须为一级或二级残疾人" in refused.content.decode()
    # charity: match, cancel, withdraw an offer
    need, offer = world["need"], world["offer"]
    c.post(reverse("welfare:need", args=[need.pk]), {"action": "match", "match-offer": offer.pk,
                                                     "match-amount": "400", "match-matched_on": "2023-10-01"})
    match = CharityMatch.objects.get()
    c.post(reverse("welfare:match_act", args=[match.pk]), {"action": "cancel", "cancel-reason": "捐助方变更"})
    match.refresh_from_db()
    assert match.status == "cancelled"
    assert c.post(reverse("welfare:offer_withdraw", args=[offer.pk]), {"reason": "已捐往他处"}).status_code == 302
    assert CharityOffer.objects.get().status == "withdrawn"
    c.post(reverse("welfare:need", args=[need.pk]), {"action": "withdraw", "withdraw-reason": "已解决"})
    need.refresh_from_db()
    assert need.status == "withdrawn"


def test_a_township_cannot_withdraw_a_county_offer(client, users, world):
    c = login(client, users["township"])
    offers = c.get(reverse("welfare:offers")).content.decode()
    assert "爱心企业" in offers and reverse("welfare:offer_withdraw", args=[world["offer"].pk]) not in offers
    assert c.post(reverse("welfare:offer_withdraw", args=[world["offer"].pk]), {"reason": "x"}).status_code == 403


def test_a_prefecture_user_reads_the_overview_of_the_prefecture(client, users):
    """The prefecture is a choice of the area list (no error on the field), its figures are its
    counties' added up, and the standard warning names the counties without one, not the prefecture."""
    household(adult(dibao=True), income=Decimal(100))
    login(client, make_user(Role.SUPERVISOR, "3610", "city"))
    page = client.get(reverse("welfare:index"), {"area": "3610", "year": 2023})
    html = page.content.decode()
    assert page.status_code == 200 and "is-invalid" not in html
    assert 'data-testid="no-standard"' in html and "黎川县" in html  # 黎川县 has no 2023 standard yet
    standard()  # 黎川县's
    html = client.get(reverse("welfare:index"), {"area": "3610", "year": 2023}).content.decode()
    assert 'data-testid="no-standard"' not in html
    assert page.context["g"]["dibao_people"] == 1
    # the prefecture's counties, one row each, drilling down to the county
    assert [(r["code"], r["dibao_people"]) for r in page.context["by_area"]] == [(COUNTY, 1)]
    assert f"?area={COUNTY}&year=2023" in html
