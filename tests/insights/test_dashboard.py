"""The dashboard page: figures, child rows with drill-down links, chart data, scope and capability."""

import json
import re

import pytest

from fupin.core.actions import SYSTEM
from tests.conftest import login
from tests.factories import COUNTY, HUFANG, HUFANG_VILLAGE, JIANYUAN, TANXI, TANXI_VILLAGE
from tests.insights.support_dashboard import household, income

pytestmark = pytest.mark.django_db


@pytest.fixture
def population(users):
    household(JIANYUAN, size=3, household_type="poor", main_cause="01")
    household(HUFANG_VILLAGE, size=2, household_type="ordinary")
    tanxi = household(TANXI_VILLAGE, size=5, household_type="poor", main_cause="02")
    income(tanxi, 2023, wage=5000)


def _charts(response) -> dict:
    content = response.content.decode()
    found = re.search(r'<script id="insights-charts-core" type="application/json">(.*?)</script>', content, re.S)
    return {c["id"]: c for c in json.loads(found.group(1))}


def test_county_dashboard_shows_figures_children_and_charts(client, users, population):
    login(client, users["county"])
    response = client.get("/insights/?year=2023")
    assert response.status_code == 200
    content = response.content.decode()
    assert "黎川县" in content and 'data-figure="incidence" data-value="80">80.00</span>%' in content  # 8 / 10
    assert 'data-figure="registered_poor_households" data-value="2">2<' in content
    assert f"?area={HUFANG}&year=2023" in content and "湖坊乡" in content and "潭溪乡" in content
    assert "vendor/echarts-5.6.0/echarts.min.js" in content
    charts = _charts(response)
    incidence = charts["incidence"]
    assert incidence["codes"] == [TANXI, HUFANG]  # townships with households, in code order
    assert incidence["series"][0]["data"] == [100.0, 60.0]
    assert {d["name"]: d["value"] for d in charts["types"]["data"]} == {"贫困户": 2, "一般农户": 1}
    assert charts["causes"]["table"]["rows"][0]["link"] == f"/households/?area={COUNTY}&cause=01"
    for key in ("attributes", "monitoring", "flows"):
        assert key in charts and f'data-testid="table-{key}"' in content
    assert "part=income" in content and "part=results" not in content  # the parts come one after the other


@pytest.mark.parametrize("part, keys, figure", [
    ("income", ["income_structure", "income_types", "income_children"], "fig-income"),
    ("results", ["compliance", "degree", "compliance_children"], "fig-compliance"),
    ("coverage", ["coverage"], "fig-coverage"),
    ("training", ["training"], "fig-training"),
    ("housing", ["housing"], "fig-housing"),
    ("funds", ["funds_source", "funds_mode"], "fig-funds"),
])
def test_each_part_answers_on_its_own(client, users, population, part, keys, figure):
    login(client, users["county"])
    response = client.get(f"/insights/?area={COUNTY}&year=2023&part={part}", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content and f'data-testid="part-{part}"' in content and f'data-testid="{figure}"' in content
    found = re.search(r'<script id="insights-charts-[a-z]+" type="application/json">(.*?)</script>', content, re.S)
    assert [c["id"] for c in json.loads(found.group(1))] == keys
    following = {"income": "results", "results": "coverage", "coverage": "housing", "housing": "funds",
                 "funds": "training", "training": None}[part]
    assert (f"part={following}" in content) if following else ("hx-get" not in content)


def test_a_part_opened_on_its_own_is_a_whole_page(client, users, population):
    """The retry link and a bookmark open a part outside the dashboard: a page with the menu, its
    charts' script and a way back, and no placeholder of the next part."""
    login(client, users["county"])
    content = client.get(f"/insights/?area={COUNTY}&year=2023&part=housing").content.decode()
    assert "<html" in content and 'data-testid="part-housing"' in content and "返回数据看板" in content
    assert "echarts.min.js" in content and "part=funds" not in content


def test_the_housing_part_counts_the_houses(client, users, population):
    from fupin.registry import actions as registry
    from fupin.registry.models import Household

    registry.update_household(actor=SYSTEM, household=Household.objects.get(division_id=JIANYUAN),
                              changes={"house_grade": "C"})
    login(client, users["county"])
    content = client.get(f"/insights/?area={HUFANG}&part=housing").content.decode()
    assert 'data-figure="cd_houses" data-value="1">1<' in content and "（0.00%）" in content
    # a poor household's C house, not renovated, not relocated: the plan's figure too
    assert 'data-figure="plan_unrenovated" data-value="1">1<' in content
    login(client, users["other_township"])
    assert client.get(f"/insights/?area={HUFANG}&part=housing").status_code == 404


def test_township_and_village_drill_down(client, users, population):
    login(client, users["county"])
    township = client.get(f"/insights/?area={HUFANG}&year=2023").content.decode()
    assert f'data-testid="drill-{JIANYUAN}"' in township and "枧源村" in township
    assert "潭溪乡" not in township.split('data-testid="crumbs"')[1].split("</ol>")[0]
    assert '>60.00</span>%' in township  # 3 / 5
    village = client.get(f"/insights/?area={JIANYUAN}&year=2023")
    assert village.status_code == 200
    text = village.content.decode()
    assert 'data-testid="child-table"' not in text and ">100.00</span>%" in text
    assert f'href="/insights/?area={HUFANG}&year=2023"' in text  # breadcrumb back up


def test_a_township_user_starts_at_and_stays_in_their_township(client, users, population):
    login(client, users["township"])
    response = client.get("/insights/")
    assert response.status_code == 200
    assert 'data-testid="area-name">湖坊乡' in response.content.decode()
    assert client.get(f"/insights/?area={TANXI}").status_code == 404
    assert client.get(f"/insights/?area={COUNTY}").status_code == 404
    assert client.get(f"/insights/?area={TANXI_VILLAGE}").status_code == 404


def test_roles_without_the_capability_get_403(client, users):
    login(client, users["helper"])
    assert client.get("/insights/").status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, users):
    response = client.get("/insights/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_year_without_data_falls_back_to_the_latest_year_with_incomes(client, users, population):
    login(client, users["auditor"])
    response = client.get("/insights/?year=1850")
    assert response.status_code == 200 and response.context["year"] == 2023
    assert client.get("/insights/?year=abc").status_code == 400  # not a year at all: a malformed request
    assert client.get("/insights/?area=999999").status_code == 404


def test_the_income_part_shows_the_per_capita_income(client, users, population):
    login(client, users["county"])
    content = client.get(f"/insights/?area={COUNTY}&year=2023&part=income").content.decode()
    assert 'data-testid="fig-income">1,000.00' in content  # 5000 over the 5 people of the one household
    assert f'href="/insights/?area={TANXI}&amp;year=2023"' in content  # its row drills down
