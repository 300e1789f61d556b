"""The yearly report: the small-count suppression rule (properties), the page, the audited workbook."""

import io
from decimal import Decimal

import polars as pl
import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from fupin.core.models import AuditEvent
from fupin.insights import reports
from tests.conftest import login
from tests.factories import COUNTY, HUFANG, TANXI_VILLAGE, make_household

T = 5
SMALL = "<5"


# --- the suppression rule -----------------------------------------------------------------------------

columns = st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=9)
thresholds = st.integers(min_value=3, max_value=8)


@given(values=columns, threshold=thresholds)
@settings(max_examples=400, deadline=None)
def test_no_small_count_is_published(values, threshold):
    cells, total = reports.protect_column(values, sum(values), threshold)
    for value, cell in zip(values, cells, strict=True):
        if isinstance(cell, int):
            assert cell == value and (cell == 0 or cell >= threshold)
        else:
            assert cell in (f"<{threshold}", reports.HIDDEN)
            assert value > 0  # zero stays zero
            if cell == f"<{threshold}":
                assert 1 <= value < threshold
    if isinstance(total, int):
        assert total == sum(values) and (total == 0 or total >= threshold)


@given(values=columns, threshold=thresholds)
@settings(max_examples=400, deadline=None)
def test_the_total_does_not_give_a_suppressed_cell_back(values, threshold):
    cells, total = reports.protect_column(values, sum(values), threshold)
    ranges = reports.cell_ranges(cells, total, threshold)
    for value, found in zip(values, ranges, strict=True):
        if found is None:
            continue
        low, high = found
        assert low <= value <= high  # the attacker's view is sound
        assert low < high, (values, cells, total)  # and never pins the cell down


def test_one_small_cell_hides_the_smallest_other_cell():
    cells, total = reports.protect_column([3, 12, 40, 0], 55, T)
    assert cells == [SMALL, reports.HIDDEN, 40, 0] and total == 55


def test_a_one_next_to_exactly_the_threshold_takes_a_bigger_partner():
    # 1 + 5 = 6 would give the 1 back (the hidden cell is known to be at least 5)
    cells, total = reports.protect_column([1, 5, 9], 15, T)
    assert cells == [SMALL, 5, reports.HIDDEN] and total == 15


def test_without_a_partner_the_total_is_hidden():
    cells, total = reports.protect_column([1, 4, 1], 6, T)
    assert cells == [SMALL, SMALL, SMALL] and total == reports.HIDDEN


def test_a_small_total_is_itself_suppressed():
    assert reports.protect_column([2, 0], 2, T) == ([SMALL, 0], SMALL)


def test_rates_from_a_suppressed_count_are_hidden():
    rows = [{"name": "甲村", "people": 40, "poor_people": 3, "incidence": Decimal("7.50"), "income_households": 12,
             "per_capita": Decimal(9000), "assisted": 2, "all_rate": Decimal(50)},
            {"name": "乙村", "people": 60, "poor_people": 20, "incidence": Decimal("33.33"), "income_households": 20,
             "per_capita": Decimal(8000), "assisted": 30, "all_rate": Decimal(90)}]
    total = {"name": "合计", "people": 100, "poor_people": 23, "incidence": Decimal(23), "income_households": 32,
             "per_capita": Decimal(8400), "assisted": 32, "all_rate": Decimal(88)}
    columns_ = [c for c in reports.AREA_COLUMNS if c.key in ("people", "poor_people", "incidence", "per_capita",
                                                               "all_rate")]
    out, out_total = reports.protect_table(rows, total, columns_, T)
    assert out[0]["poor_people"] == SMALL and out[0]["incidence"] == reports.HIDDEN
    assert out[1]["poor_people"] == reports.HIDDEN and out[1]["incidence"] == reports.HIDDEN  # the partner
    assert out[0]["all_rate"] == reports.HIDDEN and out[0]["per_capita"] == Decimal(9000)
    assert out_total["poor_people"] == 23 and out_total["incidence"] == Decimal(23)


def test_the_threshold_comes_from_the_setting(settings):
    settings.FUPIN_SUPPRESS_BELOW = 10
    assert reports.suppress_below() == 10
    settings.FUPIN_SUPPRESS_BELOW = 1
    assert reports.suppress_below() == 3  # below 3 "<T" would name the exact count


# --- the report ---------------------------------------------------------------------------------------

@pytest.fixture
def small_county(users):
    for _ in range(3):
        make_household(house_grade="C")
    for _ in range(7):
        make_household(TANXI_VILLAGE, household_type="ordinary")
    return users


def published_counts(report) -> list:
    keys = [c.key for c in report["columns"] if c.kind == "count"]
    values = [row[k] for row in (*report["rows"], report["total"]) for k in keys]
    values += [item[1] for item in report["summary"]]
    return values


@pytest.mark.django_db
def test_public_report_publishes_no_small_count(small_county):
    report = reports.build(small_county["county"], COUNTY, 2023, public=True)
    for value in published_counts(report):
        assert not (isinstance(value, int) and 1 <= value < T)
    hufang = next(r for r in report["rows"] if r["code"] == HUFANG)
    assert hufang["poor_households"] == SMALL and report["total"]["poor_households"] == SMALL
    houses = next(t for t in report["targets"] if t["key"] == "houses")
    assert houses["value"] == SMALL and houses["gap"] == SMALL
    internal = reports.build(small_county["county"], COUNTY, 2023)
    assert next(r for r in internal["rows"] if r["code"] == HUFANG)["poor_households"] == 3
    assert next(t for t in internal["targets"] if t["key"] == "houses")["value"] == 3


@pytest.mark.django_db
def test_report_page_prints_and_says_which_variant(client, small_county):
    login(client, small_county["county"])
    response = client.get(reverse("insights:report"), {"area": COUNTY, "year": 2023, "public": "on"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "report print-landscape" in text and "d-print-block" in text  # app.css: @page wide, A4 landscape
    assert "对外公开版" in text and "&lt;5" in text and "湖坊乡" in text and 'data-testid="report-targets"' in text
    text = client.get(reverse("insights:report"), {"area": COUNTY, "year": 2023}).content.decode()
    assert "内部版" in text


@pytest.mark.django_db
def test_workbook_download_is_audited(client, small_county):
    login(client, small_county["county"])
    response = client.get(reverse("insights:report"), {"area": HUFANG, "year": 2023, "public": "on",
                                                       "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"report-{HUFANG}-2023-public.xlsx" in response["Content-Disposition"]
    sheets = pl.read_excel(io.BytesIO(response.content), sheet_id=0, has_header=False)
    assert list(sheets) == ["概况", "分区域", "目标考核", "资金"]
    areas = sheets["分区域"]
    assert areas.row(0)[0] == "村" and "枧源村委会" in areas.to_series(0).to_list()
    assert SMALL in [str(v) for v in areas.row(len(areas) - 1)]  # the total row's 3 poor households
    event = AuditEvent.objects.get(verb="export.report")
    assert event.actor == small_county["county"] and event.division_code == HUFANG
    assert event.after == {"area": HUFANG, "year": 2023, "public": True, "format": "xlsx"}


@pytest.mark.django_db
def test_report_is_scoped_and_needs_the_capability(client, small_county):
    response = login(client, small_county["other_township"]).get(reverse("insights:report"),
                                                                  {"area": HUFANG, "year": 2023})
    text = response.content.decode()
    assert response.status_code == 200 and "潭溪乡" in text and "湖坊乡" not in text
    client.logout()
    assert login(client, small_county["helper"]).get(reverse("insights:report")).status_code == 403


def test_a_rate_is_hidden_when_its_complement_is_small():
    assert reports.rate_hidden(38, 40, T) and reports.rate_hidden(2, 40, T)
    assert not reports.rate_hidden(20, 40, T) and not reports.rate_hidden(0, 40, T) and not reports.rate_hidden(40, 40, T)
    rows = [{"name": "甲村", "people": 40, "poor_people": 38, "incidence": Decimal(95)}]
    total = {"name": "合计", "people": 40, "poor_people": 38, "incidence": Decimal(95)}
    columns_ = [c for c in reports.AREA_COLUMNS if c.key in ("people", "poor_people", "incidence")]
    out, out_total = reports.protect_table(rows, total, columns_, T)
    assert out[0]["incidence"] == reports.HIDDEN and out_total["incidence"] == reports.HIDDEN


@pytest.mark.django_db
def test_houses_left_cannot_be_worked_out_from_the_summary(users):
    for renovated in (True, True, True, True, True, False):
        make_household(house_grade="C", house_renovated=renovated)
    report = reports.build(users["county"], COUNTY, 2023, public=True)
    summary = {str(item[0]): item[1] for item in report["summary"]}
    houses = next(t for t in report["targets"] if t["key"] == "houses")
    assert houses["value"] == SMALL and summary["全部农户：尚未改造危房户"] == SMALL
    # 5 renovated of 6: publishing both the 6 and the 5 would give the 1 back
    assert summary["全部农户：已改造危房户"] == 5 and summary["全部农户：C/D 级危房户"] == reports.HIDDEN


@pytest.mark.django_db
def test_employment_rate_is_hidden_when_few_trainees_are_left_without_work(users):
    from tests.insights import support_targets as support

    course = support.course(HUFANG)
    for i in range(6):
        support.trained(course, support.head(support.single()), employed=i > 0)
    public = {t["key"]: t for t in reports.build(users["county"], COUNTY, 2023, public=True)["targets"]}
    internal = {t["key"]: t for t in reports.build(users["county"], COUNTY, 2023)["targets"]}
    assert internal["trained_employed"]["value"] == Decimal("83.3") and internal["trained"]["value"] == 6
    assert public["trained_employed"]["value"] == reports.HIDDEN and public["trained"]["value"] == 6


def test_the_area_list_goes_three_levels_down_and_keeps_the_area_drilled_to(users):
    """A county's user picks among the county, its townships and villages; a prefecture's among the
    prefecture, its counties and townships (not every village of eleven counties in one list: it
    cost 0.3 s a page to draw), and a village reached by drilling down stays chosen."""
    from fupin.accounts.roles import Role
    from fupin.divisions.choices import area_choices
    from tests.factories import COUNTY, HUFANG, JIANYUAN, make_user

    county = dict(area_choices(users["county"]))
    assert {COUNTY, HUFANG, JIANYUAN} <= set(county) and county[JIANYUAN].startswith("　　")
    city = make_user(Role.SUPERVISOR, "3610", "city")
    codes = [code for code, _name in area_choices(city)]
    assert codes[0] == "3610" and COUNTY in codes and HUFANG in codes and JIANYUAN not in codes
    assert JIANYUAN in dict(area_choices(city, current=JIANYUAN))
    assert "361002201001" not in dict(area_choices(users["county"], current="361002201001"))  # not theirs
