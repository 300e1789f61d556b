"""低保 and 特困: who meets the rule but is not covered (set-based queries), with the edge cases."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fupin.core.actions import SYSTEM
from fupin.welfare import rules, selectors
from tests.factories import HUFANG, TANXI_VILLAGE
from tests.welfare.support import adult, born, child, household, person, standard

pytestmark = pytest.mark.django_db

YEAR = 2023


def tekun_names(users, area="361022"):
    return set(selectors.tekun_uncovered(users["county"], area, YEAR).values_list("name", flat=True))


def dibao_ids(users, area="361022"):
    return set(selectors.dibao_uncovered(users["county"], area, YEAR).values_list("pk", flat=True))


# --- 特困: no labour capacity ------------------------------------------------------------------

def test_exactly_sixty_has_no_labour_capacity_but_fifty_nine_has(users):
    standard()
    household(person("head", name="六十岁", birth=born(60), exact=True))
    household(person("head", name="差一天", birth=born(60, days=-1), exact=True))
    assert tekun_names(users) == {"六十岁"}


def test_under_sixteen_counts_but_exactly_sixteen_does_not(users):
    standard()
    household(adult(age=75, name="祖父"), person("grandson", name="差一天十六", birth=born(16, days=-1), exact=True,
                                                schooling="grade_7_9", labour_skill=""))
    household(adult(age=75, name="外祖父"), person("grandson", name="十六岁", birth=born(16), exact=True,
                                                 schooling="senior", labour_skill=""))
    names = tekun_names(users)
    assert {"祖父", "差一天十六", "外祖父"} <= names
    assert "十六岁" not in names


@pytest.mark.parametrize(("category", "grade", "eligible"), [
    ("5", "1", True), ("5", "2", True), ("5", "3", False),  # intellectual
    ("6", "2", True), ("6", "3", False),  # mental
    ("4", "1", True), ("4", "2", False),  # physical: grade 1 only
    ("1", "1", False),  # vision is not in the rule
])
def test_disability_grades(users, category, grade, eligible):
    standard()
    household(adult(age=40, name="残疾人", disabled=True, disability_category=category, disability_grade=grade))
    assert ("残疾人" in tekun_names(users)) is eligible


# --- 特困: no able supporter -------------------------------------------------------------------

@pytest.mark.parametrize(("son", "supported"), [
    ({}, True),
    ({"serious_illness": True}, False),
    ({"disabled": True, "disability_category": "4", "disability_grade": "2"}, False),
    ({"disabled": True, "disability_category": "4", "disability_grade": "3"}, True),
])
def test_a_household_with_and_without_an_able_supporter(users, son, supported):
    standard()
    household(adult(age=70, name="老人"), adult("son", age=40, name="儿子", **son))
    assert ("老人" in tekun_names(users)) is not supported


def test_a_supporter_must_be_eighteen_to_fifty_nine(users):
    standard()
    household(adult(age=70, name="老人甲"), adult("son", age=17, name="十七岁"))  # not yet an adult
    household(adult(age=70, name="老人乙"), adult("son", age=18, name="十八岁"))
    household(adult(age=80, name="老人丙"), adult("son", age=60, name="六十岁儿子"))  # himself elderly
    names = tekun_names(users)
    assert "老人甲" in names and "老人乙" not in names and "老人丙" in names


def test_a_livelihood_or_coverage_takes_a_member_off_the_list(users):
    standard()  # 特困 standard 7,800 per person
    household(adult(age=70, name="有收入"), income=Decimal(7800))
    household(adult(age=70, name="收入低"), income=Decimal(7799))
    household(adult(age=70, name="已特困", tekun=True))
    household(adult(age=70, name="已注销老人"))  # closed below
    from fupin.registry import actions as registry_actions
    from fupin.registry.models import Household

    registry_actions.close_household(actor=SYSTEM, household=Household.objects.get(members__name="已注销老人"),
                                     reason_code="all_deceased")
    names = tekun_names(users)
    assert "收入低" in names
    assert not names & {"有收入", "已特困", "已注销老人"}


# --- 低保 ---------------------------------------------------------------------------------------

def test_dibao_per_capita_income_below_the_line(users):
    standard()  # 低保 line 6,000
    below = household(adult(), adult("spouse", sex="2"), income=Decimal(11999))
    equal = household(adult(), adult("spouse", sex="2"), income=Decimal(12000))
    covered = household(adult(dibao=True), adult("spouse", sex="2"), income=Decimal(5000))
    household(adult(), income=None)  # no income recorded: not judged
    found = dibao_ids(users)
    assert set(below.members.values_list("pk", flat=True)) <= found
    assert not set(equal.members.values_list("pk", flat=True)) & found
    covered_ids = dict(covered.members.values_list("dibao", "pk"))
    assert covered_ids[False] in found and covered_ids[True] not in found


def test_dibao_uses_the_latest_income_year_and_that_years_line(users):
    standard(year=2022, dibao_line=Decimal(5000))
    standard()
    from fupin.registry import actions as registry_actions

    h = household(adult(name="去年穷"), income=Decimal(4000), year=2022)
    assert set(h.members.values_list("pk", flat=True)) <= dibao_ids(users)
    registry_actions.set_income(actor=SYSTEM, household=h, year=2023, values={"wage_income": Decimal(6500)})
    assert not dibao_ids(users)
    old = household(adult(name="旧收入"), income=Decimal(5500), year=2022)  # 2022 line 5,000: not below
    assert not set(old.members.values_list("pk", flat=True)) & dibao_ids(users)


def test_the_most_specific_region_wins(users):
    standard(region="", dibao_line=Decimal(3000))
    standard()  # county: 6,000
    standard(region=HUFANG, dibao_line=Decimal(5000))
    hufang = household(adult(name="湖坊"), income=Decimal(5500))  # 5,500 >= 5,000 of the township
    tanxi = household(adult(name="潭溪"), income=Decimal(5500), village=TANXI_VILLAGE)  # < 6,000 of the county
    found = dibao_ids(users)
    assert hufang.members.get().pk not in found
    assert tanxi.members.get().pk in found
    assert selectors.standard_for("361022201205", YEAR).region_code == HUFANG
    assert selectors.standard_for("361022200202", YEAR).region_code == "361022"
    assert selectors.standard_for("440000000000", YEAR).region_code == ""


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(income=st.integers(min_value=0, max_value=30000), size=st.integers(min_value=1, max_value=4),
       line=st.integers(min_value=1000, max_value=9000))
def test_dibao_rule_property(users, income, size, line):
    from fupin.welfare.models import WelfareStandard

    WelfareStandard.objects.filter(region_code="361022", year=YEAR).delete()
    standard(dibao_line=Decimal(line))
    people = [adult(age=40)] + [child("son" if i % 2 else "daughter", age=5 + i, sex="1" if i % 2 else "2",
                                      schooling="primary") for i in range(1, size)]
    h = household(*people, income=Decimal(income))
    found = dibao_ids(users)
    ids = set(h.members.values_list("pk", flat=True))
    expected = Decimal(income) / size < line
    assert (ids <= found) is expected and (not (ids & found)) is (not expected)


def test_scope_another_township_sees_nothing_of_hufang(users):
    standard()
    household(adult(age=70, name="湖坊老人"), income=Decimal(100))
    assert selectors.tekun_uncovered(users["other_township"], "", YEAR).count() == 0
    assert selectors.dibao_uncovered(users["other_township"], "", YEAR).count() == 0
    assert selectors.tekun_uncovered(users["township"], "", YEAR).count() == 1


@given(birth=st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2023, 12, 31)),
       ref=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)),
       years=st.sampled_from([16, 18, 60]))
def test_the_date_bound_agrees_with_the_age(birth, ref, years):
    """The SQL compares birth dates with a bound; it must say the same as counting the age."""
    assert (birth <= rules.years_before(ref, years)) == (rules.age_on(birth, ref) >= years)


def test_the_stages_with_aid_are_the_schooling_codes_of_the_index_member_in_school():
    """The education coverage reads the children in school from the partial index member_in_school:
    its condition and the stages with aid must name the same schooling codes."""
    from fupin.registry.models import IN_SCHOOL
    from fupin.welfare.models import SCHOOLING_STAGE

    assert set(SCHOOLING_STAGE) == {str(code) for code in IN_SCHOOL}
