"""Kept figures (``core.kept``): a county's grouped rows are kept until anything in the county, or a
shared row above it (a standard of the province or of the whole system), changes; then computed
again. Never a stale figure: each step below checks the figure against a hand count, and that the
unchanged county's figure is answered without reading the members again."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fupin.insights import indicators
from fupin.welfare import selectors
from tests.welfare.support import adult, household, standard

pytestmark = pytest.mark.django_db

YEAR = 2023
COUNTY = "361022"


def _missing(user) -> int:
    return sum(row["dibao_missing"] for row in selectors.guarantee_counts(user, COUNTY, YEAR).values())


def _reads_members(call) -> bool:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return any('"registry_member"' in q["sql"] for q in ctx.captured_queries)


def test_a_county_figure_is_kept_until_the_county_or_a_standard_above_it_changes(users):
    user = users["county"]
    standard(region="36")  # the province's: 低保 line 6,000 a person
    household(adult(), adult("spouse", sex="2"), income=Decimal(11999))  # 2 people below the line
    assert _missing(user) == 2
    assert not _reads_members(lambda: _missing(user))  # kept: nothing changed

    household(adult(), income=Decimal(5999))  # a change in the county: one more below the line
    assert _reads_members(lambda: _missing(user))
    assert _missing(user) == 3

    standard(region="36", dibao_line=Decimal(2000))  # the province's line lowered: nobody below it
    assert _missing(user) == 0
    standard(region="", year=2023, dibao_line=Decimal(2500))  # the whole system's: the province's stays
    assert _missing(user) == 0
    standard(region="36", dibao_line=Decimal(6000))
    assert _missing(user) == 3


def test_a_user_who_sees_part_of_the_county_is_never_served_kept_rows(users):
    standard()
    household(adult(), income=Decimal(100))  # 建元村, 湖坊乡
    assert _missing(users["county"]) == 1
    # the other township's user asks for the county: only their own rows, computed, not the county's
    assert _missing(users["other_township"]) == 0
    assert _reads_members(lambda: _missing(users["other_township"]))


def test_the_dashboard_population_follows_a_new_household(users):
    user = users["county"]
    before = indicators.population(user, COUNTY, YEAR)
    household(adult(), adult("spouse", sex="2"))
    after = indicators.population(user, COUNTY, YEAR)
    assert (after.households, after.people) == (before.households + 1, before.people + 2)
