import datetime as dt

import pytest
from django.urls import reverse

from fupin.core.actions import SYSTEM
from fupin.core.models import AuditEvent
from fupin.registry import actions
from fupin.registry.models import Household, Member
from tests.conftest import login
from tests.factories import JIANYUAN, TANXI, TANXI_VILLAGE, make_household, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def homes(users):
    """A household in 湖坊乡 枧源村 (assigned to the helper) and one in 潭溪乡."""
    mine = make_household(JIANYUAN, members=[person("spouse", sex="2")], phone="13812345678")
    actions.assign_helper(actor=SYSTEM, household=mine, helper=users["helper"])
    theirs = make_household(TANXI_VILLAGE, members=[person("spouse", sex="2")])
    return {"mine": mine, "theirs": theirs, "unassigned": make_household(JIANYUAN)}


def household_urls(h: Household) -> list[str]:
    member = h.members.exclude(relation="head").first() or h.members.first()
    return [
        reverse("registry:household_detail", args=[h.pk]),
        reverse("registry:household_edit", args=[h.pk]),
        reverse("registry:income_edit", args=[h.pk, 2023]),
        reverse("registry:member_add", args=[h.pk]),
        reverse("registry:change_head", args=[h.pk]),
        reverse("registry:household_move", args=[h.pk]),
        reverse("registry:household_close", args=[h.pk]),
        reverse("registry:assign_helper", args=[h.pk]),
        reverse("registry:member_edit", args=[member.pk]),
        reverse("registry:member_remove", args=[member.pk]),
    ]


def test_anonymous_users_are_sent_to_the_login_page(client, homes):
    response = client.get(reverse("registry:household_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_township_cadre_lists_only_their_township(client, users, homes):
    login(client, users["township"])
    page = client.get(reverse("registry:household_list")).content.decode()
    assert homes["mine"].household_code in page
    assert homes["theirs"].household_code not in page
    # Not by searching for it, nor by asking for the other township's area.
    theirs_url = reverse("registry:household_detail", args=[homes["theirs"].pk])
    page = client.get(reverse("registry:household_list"), {"q": homes["theirs"].household_code}).content.decode()
    assert theirs_url not in page and "没有符合条件的农户" in page
    head = homes["theirs"].members.get(relation="head")
    page = client.get(reverse("registry:household_list"), {"q": head.id_number}).content.decode()
    assert theirs_url not in page and "没有符合条件的农户" in page
    assert client.get(reverse("registry:household_list"), {"area": TANXI}).status_code == 404
    assert client.get(reverse("registry:member_list"), {"area": TANXI}).status_code == 404
    assert client.get(reverse("web:area", args=[TANXI])).status_code == 404
    assert client.get(reverse("registry:village_detail", args=[TANXI_VILLAGE])).status_code == 404


def test_a_township_cadre_cannot_open_edit_or_reach_another_townships_household(client, users, homes):
    login(client, users["township"])
    theirs = homes["theirs"]
    for url in household_urls(theirs):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"group_name": "被改", "reason": "x"}).status_code == 404, url
    head = theirs.members.get(relation="head")
    assert client.post(reverse("registry:reveal", args=["member", head.pk, "id_number"])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.group_name == "" and theirs.is_active
    # ...while their own township's household opens and can be edited.
    for url in household_urls(homes["mine"]):
        assert client.get(url).status_code == 200, url


def test_an_auditor_reads_everything_but_cannot_write(client, users, homes):
    login(client, users["auditor"])
    mine = homes["mine"]
    assert client.get(reverse("registry:household_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("web:audit_log")).status_code == 200
    writes = [*household_urls(mine)[1:], reverse("registry:household_new") + f"?village={JIANYUAN}", reverse("registry:village_edit", args=[JIANYUAN]), reverse("registry:workteam_add", args=[JIANYUAN]), reverse("accounts:user_new")]
    events = AuditEvent.objects.count()
    for url in writes:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"group_name": "审计改的", "name": "x"}).status_code == 403, url
    assert AuditEvent.objects.count() == events
    mine.refresh_from_db()
    assert mine.group_name == ""


def test_a_department_user_reads_but_cannot_write_or_reveal(client, users, homes):
    login(client, users["dept"])
    mine = homes["mine"]
    assert client.get(reverse("registry:household_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("registry:household_edit", args=[mine.pk])).status_code == 403
    head = mine.members.get(relation="head")
    assert client.post(reverse("registry:reveal", args=["member", head.pk, "id_number"])).status_code == 403


def test_a_helper_sees_only_the_households_assigned_to_them(client, users, homes):
    login(client, users["helper"])
    page = client.get(reverse("registry:household_list")).content.decode()
    assert homes["mine"].household_code in page
    assert homes["unassigned"].household_code not in page
    assert client.get(reverse("registry:household_detail", args=[homes["unassigned"].pk])).status_code == 404
    assert client.get(reverse("registry:household_edit", args=[homes["mine"].pk])).status_code == 200
    assert client.get(reverse("registry:member_add", args=[homes["mine"].pk])).status_code == 403


def test_lists_mask_personal_numbers_and_revealing_is_logged(client, users, homes):
    login(client, users["village"])
    head = homes["mine"].members.get(relation="head")
    page = client.get(reverse("registry:member_list")).content.decode()
    assert head.id_number not in page
    assert head.id_number[:6] + "*" * 11 + head.id_number[-1:] in page
    card = client.get(reverse("registry:household_detail", args=[homes["mine"].pk])).content.decode()
    assert head.id_number not in card and "13812345678" not in card and "138****5678" in card
    response = client.post(reverse("registry:reveal", args=["member", head.pk, "id_number"]))
    assert head.id_number in response.content.decode()
    assert AuditEvent.objects.filter(verb="personal.reveal", actor=users["village"]).count() == 1
    assert client.get(reverse("registry:reveal", args=["member", head.pk, "id_number"])).status_code == 405


def test_editing_a_member_shows_the_change_in_the_history(client, users, homes):
    login(client, users["village"])
    wife = homes["mine"].members.get(relation="spouse")
    url = reverse("registry:member_edit", args=[wife.pk])
    form = client.get(url).content.decode()
    assert wife.id_number not in form  # the edit form never shows the ID in full
    data = {f: getattr(wife, f) for f in ("name", "id_type", "relation", "ethnicity", "education",
                                          "labour_skill")}
    data.update({"name": "李秀兰", "id_number": "", "medical_insurance": "on", "critical_illness_insurance": "on",
                 "political_status": "13", "reason": "户籍信息更正"})
    response = client.post(url, data)
    assert response.status_code == 302
    wife.refresh_from_db()
    assert wife.name == "李秀兰" and wife.id_number  # blank ID kept the old one
    card = client.get(reverse("registry:household_detail", args=[homes["mine"].pk])).content.decode()
    assert "李秀兰" in card and "户籍信息更正" in card and "<del>李秀英</del>" in card


def test_a_bad_form_keeps_what_was_typed_and_shows_the_error_beside_the_field(client, users, homes):
    login(client, users["village"])
    url = reverse("registry:member_add", args=[homes["mine"].pk])
    response = client.post(url, {"name": "黄小明", "id_number": "361022201501011235", "relation": "son",
                                 "id_type": "resident_id",
                                 "ethnicity": "01", "schooling": "primary", "join_reason": "birth",
                                 "joined_on": "2024-01-01", "reason": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="黄小明"' in page and 'value="361022201501011235"' in page
    assert "校验位应为" in page
    assert Member.objects.filter(name="黄小明").count() == 0


def test_creating_a_household_from_the_village_page(client, users, lichuan):
    login(client, users["village"])
    url = reverse("registry:household_new") + f"?village={JIANYUAN}"
    head = person("head", birth=dt.date(1968, 4, 4))
    data = {"household_type": "ordinary", "group_name": "第5村民小组", "safe_water": "on", "has_power": "on",
            "head-name": "揭国平", "head-id_number": head["id_number"], "head-id_type": "resident_id",
            "head-ethnicity": "01", "head-education": "primary", "head-labour_skill": "ordinary",
            "head-political_status": "13"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    household = Household.objects.get(group_name="第5村民小组")
    assert household.members.get().name == "揭国平" and household.size == 1


def test_area_pages_count_households_and_people(client, users, homes):
    login(client, users["county"])
    page = client.get(reverse("web:area", args=["361022"])).content.decode()
    assert "湖坊乡" in page and "潭溪乡" in page
    login(client, users["township"])
    assert client.get(reverse("web:home")).status_code == 302  # straight to their township
    page = client.get(reverse("web:area", args=["361022201"])).content.decode()
    assert "枧源村委会" in page and "潭溪乡" not in page


def test_village_register_page_and_edit(client, users, lichuan):
    login(client, users["village"])
    assert client.get(reverse("registry:village_detail", args=[JIANYUAN])).status_code == 200
    response = client.post(reverse("registry:village_edit", args=[JIANYUAN]), {
        "poverty_status": "poor", "listed_13th_plan": "on", "collective_income": "0", "broadband": "on"})
    assert response.status_code == 302
    page = client.get(reverse("registry:village_detail", args=[JIANYUAN])).content.decode()
    assert "贫困村" in page


def test_lists_filter_by_village_type_and_cause(client, users, homes):
    login(client, users["county"])
    extra = make_household(JIANYUAN, household_type="ordinary")
    page = client.get(reverse("registry:household_list"), {"village": TANXI_VILLAGE}).content.decode()
    assert reverse("registry:household_detail", args=[homes["theirs"].pk]) in page
    assert reverse("registry:household_detail", args=[homes["mine"].pk]) not in page
    page = client.get(reverse("registry:household_list"), {"household_type": "ordinary"}).content.decode()
    assert reverse("registry:household_detail", args=[extra.pk]) in page
    assert reverse("registry:household_detail", args=[homes["mine"].pk]) not in page
    page = client.get(reverse("registry:household_list"), {"cause": "02"}).content.decode()
    assert "没有符合条件的农户" in page
    # The village choices only offer what the user may see.
    login(client, users["township"])
    page = client.get(reverse("registry:household_list")).content.decode()
    assert f'value="{JIANYUAN}"' in page and f'value="{TANXI_VILLAGE}"' not in page
    assert client.get(reverse("registry:household_list"), {"village": TANXI_VILLAGE}).status_code == 200
    page = client.get(reverse("registry:household_list"), {"village": TANXI_VILLAGE}).content.decode()
    assert reverse("registry:household_detail", args=[homes["theirs"].pk]) not in page


def test_long_lists_count_only_up_to_the_cap(client, users, homes, settings):
    settings.FUPIN_LIST_COUNT_CAP = 2
    settings.FUPIN_PAGE_SIZE = 1
    login(client, users["county"])
    page = client.get(reverse("registry:household_list")).content.decode()
    assert "超过 2 条" in page
    settings.FUPIN_LIST_COUNT_CAP = 100
    page = client.get(reverse("registry:household_list")).content.decode()
    assert "共 3 条" in page
