"""Where a household appears (tasks, cases, review votes, project payments and beneficiaries) it shows its
户主 and village names beside the 户编号, not the code alone."""

import pytest
from django.urls import reverse

from fupin.core.templatetags.fupin import household_label
from fupin.workflows import actions, selectors
from tests.conftest import login
from tests.factories import JIANYUAN, make_household, person
from tests.funds.support import project

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(users):
    home = make_household(JIANYUAN, household_type="ordinary", poverty_attribute="", main_cause="",
                          head=person("head", name="欧阳明"))
    return actions.start_case(actor=users["village"], household=home, kind="identify", note="申请")


def test_the_label_tag():
    html = str(household_label("36102220120500001", "欧阳明", "枧源村委会", pk=7))
    assert html == ('<a href="/households/7/">欧阳明</a><div class="small text-secondary" '
                    'data-household-code="36102220120500001">枧源村委会 · 36102220120500001</div>')
    # no head known: the code is the link, nothing repeated
    assert str(household_label("36102220120500001", "", "", pk=7)) == '<a href="/households/7/">36102220120500001</a>'
    assert str(household_label("<b>", "", "")) == "&lt;b&gt;"  # escaped


def test_my_tasks_name_the_head_and_the_village(users, case):
    [task] = selectors.my_tasks(users["village"])
    assert task.title == f"贫困户识别 · 欧阳明 {case.household.household_code}（枧源村委会） · 村民代表大会民主评议"


def test_the_review_votes_and_the_case_show_the_head_and_village(client, users, case):
    login(client, users["village"])
    page = client.get(reverse("workflows:review_new"), {"village": JIANYUAN}).content.decode()
    votes = page[page.index('data-testid="votes"'):]
    assert f'<a href="/households/{case.household_id}/">欧阳明</a>' in votes
    # the page is the village's meeting (its name is the heading): the code beside the head
    assert f'data-household-code="{case.household.household_code}">{case.household.household_code}<' in votes
    page = client.get(case.get_absolute_url()).content.decode()
    assert "欧阳明" in page and 'data-testid="case-village">枧源村委会<' in page


def test_a_projects_beneficiaries_show_the_head_and_village(client, users):
    home = make_household(JIANYUAN, head=person("head", name="欧阳明"))
    p = project(households=[home])
    login(client, users["county"])
    page = client.get(reverse("funds:project_detail", args=[p.pk])).content.decode()
    table = page[page.index('data-testid="beneficiaries"'):]
    assert f'<a href="/households/{home.pk}/">欧阳明</a>' in table
    assert '<td data-label="村">枧源村委会</td>' in table


def test_the_audit_log_names_the_household_of_an_event(client, users, django_assert_max_num_queries):
    homes = [make_household(JIANYUAN, head=person("head", name=f"欧阳{i}")) for i in range(3)]
    login(client, users["county"])
    with django_assert_max_num_queries(25):
        page = client.get(reverse("web:audit_log")).content.decode()
    for home in homes:
        assert f'<a href="/households/{home.pk}/">欧阳{homes.index(home)}</a>' in page
        assert f'data-household-code="{home.household_code}">{home.household_code}<' in page
    assert "枧源村委会" in page  # the area column names the village
