"""Finding a household: by 户编号, name, ID number (or its tail) and phone, in the user's scope only;
the header search box, the area tree, the pager's jump, household labels and the CLI's 户编号."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from fupin.registry import idnumber, selectors
from fupin.registry.selectors import Query, classify_query
from tests.conftest import login
from tests.factories import COUNTY, HUFANG, JIANYUAN, TANXI_VILLAGE, make_household, person

pytestmark = pytest.mark.django_db

# Hand-made ID numbers with tails no other test household has (born on the 29th, sequence 777/778).
OUYANG_ID = idnumber.make(COUNTY, dt.date(1980, 1, 29), 777)
XIAOHONG_ID = idnumber.make(COUNTY, dt.date(2001, 3, 29), 778)


@pytest.fixture
def homes(users):
    """欧阳明 (with 欧阳小红) in 湖坊乡 枧源村, 黄建国 in the same village, another 欧阳明 in 潭溪乡 with
    the same phone as the first one."""
    ouyang = make_household(JIANYUAN, head=person("head", name="欧阳明", id_number=OUYANG_ID), phone="13979412345",
                            members=[person("daughter", sex="2", name="欧阳小红", id_number=XIAOHONG_ID,
                                            birth=dt.date(2001, 3, 29))])
    huang = make_household(JIANYUAN, phone="13800000000")
    tanxi = make_household(TANXI_VILLAGE, head=person("head", name="欧阳明"), phone="13979412345")
    return {"ouyang": ouyang, "huang": huang, "tanxi": tanxi}


def found(user, q):
    return set(selectors.household_list(user, q=q))


# --- reading the query -------------------------------------------------------------------------

@pytest.mark.parametrize("q, expected", [
    ("36102220120500001", Query("code", "36102220120500001")),
    ("３６１０２２２０１２０５００００１", Query("code", "36102220120500001")),  # full-width digits
    (" 36102220120500001 ", Query("code", "36102220120500001")),
    ("13979412345", Query("phone", "13979412345")),
    ("139-7941-2345", Query("phone", "13979412345")),
    ("2345", Query("tail", "2345")),
    ("777x", Query("tail", "777X")),
    ("0794123456", Query("tail", "0794123456")),  # a landline is no mobile: matched as a tail
    ("12", Query("too_short", "12")),
    ("欧阳", Query("name", "欧阳")),
    (" 欧阳 明", Query("name", "欧阳 明")),
    ("", Query("", "")),
])
def test_a_query_is_read_by_its_shape(q, expected):
    assert classify_query(q) == expected


def test_an_id_number_is_read_as_one_whatever_its_case_or_width():
    assert classify_query(OUYANG_ID) == Query("id", OUYANG_ID)
    lower = OUYANG_ID.lower()
    assert classify_query(lower) == Query("id", OUYANG_ID)
    # An old 15-digit number is converted to the 18-character one it stands for.
    old = OUYANG_ID[:6] + OUYANG_ID[8:17]
    assert classify_query(old) == Query("id", OUYANG_ID)


# --- finding -------------------------------------------------------------------------------------

def test_a_household_code_finds_exactly_that_household(users, homes):
    assert found(users["county"], homes["huang"].household_code) == {homes["huang"]}
    # Not a prefix search: the code with its last digit changed finds nothing else.
    code = homes["huang"].household_code
    other = code[:-1] + ("9" if code[-1] != "9" else "8")
    assert found(users["county"], other) == set()


def test_an_id_number_finds_the_members_household(users, homes):
    assert found(users["county"], XIAOHONG_ID) == {homes["ouyang"]}  # a member, not the head
    assert found(users["county"], OUYANG_ID.lower()) == {homes["ouyang"]}


def test_the_last_digits_of_an_id_number_find_the_household(users, homes):
    tail = XIAOHONG_ID[-4:]
    # The precondition of the expectation: no other household's ID number or phone ends so.
    from fupin.registry.models import Household, Member
    assert set(Member.objects.filter(id_number__endswith=tail).values_list("household_id", flat=True)) == \
        {homes["ouyang"].pk}
    assert not Household.objects.filter(phone__endswith=tail).exists()
    assert found(users["county"], tail) == {homes["ouyang"]}
    assert found(users["county"], XIAOHONG_ID[-6:]) == {homes["ouyang"]}


def test_a_phone_or_its_tail_finds_the_household_in_scope(users, homes):
    assert found(users["county"], "13979412345") == {homes["ouyang"], homes["tanxi"]}
    assert found(users["township"], "13979412345") == {homes["ouyang"]}
    assert found(users["township"], "139 7941 2345") == {homes["ouyang"]}
    assert found(users["township"], "2345") == {homes["ouyang"]}
    assert found(users["county"], "13979412346") == set()


def test_a_name_finds_heads_and_members(users, homes):
    assert found(users["county"], "欧阳明") == {homes["ouyang"], homes["tanxi"]}
    assert found(users["township"], "欧阳明") == {homes["ouyang"]}
    assert found(users["township"], "欧阳小红") == {homes["ouyang"]}
    assert found(users["township"], "欧阳") == {homes["ouyang"]}
    assert found(users["township"], "黄建国") >= {homes["huang"]}
    assert found(users["township"], "张三丰") == set()


def test_households_out_of_scope_are_not_found(users, homes):
    tanxi = homes["tanxi"]
    head_id = tanxi.members.get(relation="head").id_number
    for q in (tanxi.household_code, head_id, head_id[-4:]):
        assert tanxi not in found(users["township"], q), q
    assert found(users["helper"], homes["ouyang"].household_code) == set()  # not assigned to the helper
    assert found(users["county"], tanxi.household_code) == {tanxi}


def test_too_few_digits_find_nothing(users, homes):
    assert found(users["county"], "12") == set()
    assert found(users["county"], "x") == set()  # one letter is a name nobody has


def test_the_member_list_reads_the_query_the_same_way(users, homes):
    ouyang = homes["ouyang"]
    names = {m.name for m in selectors.member_list(users["township"], q=ouyang.household_code)}
    assert names == {"欧阳明", "欧阳小红"}
    assert [m.name for m in selectors.member_list(users["township"], q=XIAOHONG_ID[-4:])] == ["欧阳小红"]
    assert list(selectors.member_list(users["township"], q=homes["tanxi"].household_code)) == []


def test_a_search_is_one_query(users, homes, django_assert_num_queries):
    from fupin.core.scope import scope_for

    scope_for(users["township"])  # the user's grants, read once per request
    with django_assert_num_queries(1):
        assert list(selectors.household_list(users["township"], q="2345")) == [homes["ouyang"]]


# --- labels: head and village names ----------------------------------------------------------

def test_villages_with_the_same_name_carry_their_townships(lichuan):
    # 新城社区居委会 exists in 德胜镇 and in 西城乡; 枧源村委会 only once.
    labels = selectors.village_labels(["361022105002", "361022206001", JIANYUAN, HUFANG])
    assert labels == {"361022105002": "德胜镇·新城社区居委会", "361022206001": "西城乡·新城社区居委会",
                      JIANYUAN: "枧源村委会", HUFANG: "湖坊乡"}


def test_labels_are_attached_to_a_page_in_a_few_queries(users, homes, django_assert_max_num_queries):
    rows = list(selectors.visible_households(users["county"]).order_by("pk"))
    with django_assert_max_num_queries(3):
        selectors.attach_heads(rows)
    assert [(r.head_name, r.village_name) for r in rows] == [
        ("欧阳明", "枧源村委会"), ("黄建国", "枧源村委会"), ("欧阳明", "河溪村委会")]


# --- the area tree -------------------------------------------------------------------------------

def test_the_area_tree_is_indented_and_scoped(users):
    county = selectors.area_tree(users["county"])
    assert county[0] == (COUNTY, "黎川县")
    assert (HUFANG, "\u3000湖坊乡") in county and (JIANYUAN, "\u3000\u3000枧源村委会") in county
    # villages follow their township
    assert county.index((JIANYUAN, "\u3000\u3000枧源村委会")) > county.index((HUFANG, "\u3000湖坊乡"))
    township = selectors.area_tree(users["township"])
    assert township[0] == (HUFANG, "湖坊乡")
    assert (JIANYUAN, "\u3000枧源村委会") in township
    assert all(code.startswith(HUFANG) for code, _name in township)
    assert selectors.area_tree(users["village"]) == [(JIANYUAN, "枧源村委会")]


# --- pages ---------------------------------------------------------------------------------------

def test_the_header_has_one_household_search(client, users, homes):
    login(client, users["county"])
    page = client.get(reverse("workflows:tasks")).content.decode()
    assert page.count('data-testid="header-search"') == 1
    assert f'action="{reverse("registry:household_list")}"' in page and 'name="q"' in page
    client.logout()
    assert 'data-testid="header-search"' not in client.get(reverse("accounts:login")).content.decode()


def test_a_household_code_in_the_search_opens_the_household(client, users, homes):
    login(client, users["township"])
    response = client.get(reverse("registry:household_list"), {"q": homes["ouyang"].household_code})
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:household_detail", args=[homes["ouyang"].pk])
    # Another township's household: the list, empty.
    response = client.get(reverse("registry:household_list"), {"q": homes["tanxi"].household_code})
    assert response.status_code == 200 and "没有符合条件的农户" in response.content.decode()


def test_the_household_list_shows_head_and_village_and_filters_by_the_tree(client, users, homes):
    login(client, users["county"])
    page = client.get(reverse("registry:household_list"), {"q": "欧阳明"}).content.decode()
    assert "欧阳明" in page and "枧源村委会" in page and "河溪村委会" in page
    assert "\u3000湖坊乡</option>" in page and "\u3000\u3000枧源村委会</option>" in page
    # choosing the township in the tree keeps its households only
    page = client.get(reverse("registry:household_list"), {"q": "欧阳明", "village": HUFANG}).content.decode()
    assert homes["ouyang"].household_code in page and homes["tanxi"].household_code not in page
    # a code outside the user's tree is refused by the form (the choice is ignored, nothing leaks)
    login(client, users["township"])
    page = client.get(reverse("registry:household_list"), {"village": TANXI_VILLAGE}).content.decode()
    assert homes["tanxi"].household_code not in page


@override_settings(FUPIN_PAGE_SIZE=1)
def test_the_pager_jumps_to_a_page_keeping_the_filters(client, users, homes):
    login(client, users["county"])
    url = reverse("registry:household_list")
    page = client.get(url, {"household_type": "poor"}).content.decode()
    assert 'data-testid="page-jump"' in page
    assert '<input type="hidden" name="household_type" value="poor" form="page-jump">' in page
    assert 'name="page" min="1" max="3"' in page and '<form id="page-jump" method="get" hidden></form>' in page
    # rows are ordered by village then code: 河溪村 (潭溪乡, 361022200202) comes first
    third = client.get(url, {"household_type": "poor", "page": "3"}).content.decode()
    assert "1 / 3" not in third and "3 / 3" in third and homes["huang"].household_code in third
    # bad page numbers: not a number → the first page, too large → the last
    assert "1 / 3" in client.get(url, {"household_type": "poor", "page": "abc"}).content.decode()
    assert "3 / 3" in client.get(url, {"household_type": "poor", "page": "99"}).content.decode()


# --- the command line ----------------------------------------------------------------------------

def test_export_card_takes_a_household_code_or_an_id(tmp_path, homes):
    out = tmp_path / "card.xlsx"
    call_command("export", "card", "--household", homes["ouyang"].household_code, "--output", str(out))
    assert out.stat().st_size > 0
    out.unlink()
    call_command("export", "card", "--household", str(homes["huang"].pk), "--output", str(out))
    assert out.stat().st_size > 0
    for bad in ("36102220120599999", "abc", "999999"):
        with pytest.raises(CommandError, match=f"没有户编号或 id 为 {bad} 的户"):
            call_command("export", "card", "--household", bad, "--output", str(tmp_path / "x.xlsx"))


def test_household_by_ref(homes):
    assert selectors.household_by_ref(homes["tanxi"].household_code) == homes["tanxi"]
    assert selectors.household_by_ref(str(homes["tanxi"].pk)) == homes["tanxi"]
    assert selectors.household_by_ref(f" {homes['tanxi'].pk} ") == homes["tanxi"]
    assert selectors.household_by_ref("欧阳明") is None
    assert selectors.household_by_ref("") is None
