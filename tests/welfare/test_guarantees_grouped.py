"""The 低保 / 特困 coverage and gaps counted in one grouped member query (``guarantee_counts``, issue 15:
speed) equal the lists counted one by one (``dibao_uncovered``, ``tekun_uncovered``) and the people and
households on each: a small population with one household at each edge, the figures computed by hand,
per township, per village and for the county."""

import datetime as dt
from decimal import Decimal

import pytest

from fupin.core.actions import SYSTEM
from fupin.registry import actions as registry_actions
from fupin.welfare import selectors
from tests.factories import HUFANG, TANXI, TANXI_VILLAGE
from tests.welfare.support import JIANYUAN, adult, child, household, standard

pytestmark = pytest.mark.django_db

YEAR = 2023
DAY = dt.date(2023, 6, 1)
COUNTY = "361022"


def _one_by_one(user, area):
    members = selectors.members(user, area)
    return {
        "dibao_people": members.filter(dibao=True).count(),
        "dibao_households": members.filter(dibao=True).values("household").distinct().count(),
        "tekun_people": members.filter(tekun=True).count(),
        "tekun_households": members.filter(tekun=True).values("household").distinct().count(),
        "dibao_missing": selectors.dibao_uncovered(user, area, YEAR).count(),
        "tekun_missing": selectors.tekun_uncovered(user, area, YEAR).count(),
    }


def test_grouped_guarantees_equal_the_lists_one_by_one(users):
    standard(year=2022, dibao_line=Decimal(5000))
    standard()  # 2023: 低保 line 6,000, 特困 standard 7,800 per person
    # 湖坊乡 (建元村)
    household(adult(), adult("spouse", sex="2"), income=Decimal(11999))  # poor: both missing 低保 (2)
    household(adult(), adult("spouse", sex="2"), income=Decimal(12000))  # exactly the line: not poor
    household(adult(dibao=True), adult("spouse", sex="2"), income=Decimal(5000))  # on 低保 1, spouse missing 1
    household(adult(dibao=True), child(dibao=True), income=Decimal(3000))  # 2 on 低保, one household
    household(adult(tekun=True, age=75), income=Decimal(100))  # on 特困: in no gap
    household(adult(age=70), income=Decimal(7799))  # no livelihood, no supporter: 特困 gap (not 低保 poor)
    household(adult(age=70), income=Decimal(7800))  # a livelihood (exactly the standard): no 特困 gap
    household(adult(age=70))  # no income at all: 特困 gap, not judged for 低保
    household(adult(age=70), adult("son", age=40), income=Decimal(100))  # the son supports him: 低保 gap 2
    old = household(adult(age=80), income=Decimal(4000), year=2022)  # 2022 income below 2022's line
    registry_actions.set_income(actor=SYSTEM, household=old, year=YEAR, values={"wage_income": Decimal(9000)})
    household(adult(age=80), income=Decimal(5500), year=2022)  # latest 2022: above 2022's 5,000, no 低保 gap;
    # and 5,500 < 7,800: 特困 gap
    # 潭溪乡
    household(adult(age=70), adult("spouse", age=68, sex="2"), income=Decimal(1000), village=TANXI_VILLAGE)
    household(adult(tekun=True, age=90), adult("spouse", age=88, sex="2", tekun=True), village=TANXI_VILLAGE)

    user = users["county"]
    by_area = {r["code"]: {k: v for k, v in r.items() if k not in ("code", "name")}
               for r in selectors.guarantee_by_area(user, COUNTY, YEAR)}
    # by hand
    assert by_area[HUFANG] == {"dibao_people": 3, "dibao_households": 2, "tekun_people": 1, "tekun_households": 1,
                               "dibao_missing": 2 + 1 + 2, "tekun_missing": 3}
    assert by_area[TANXI] == {"dibao_people": 0, "dibao_households": 0, "tekun_people": 2, "tekun_households": 1,
                              "dibao_missing": 2, "tekun_missing": 2}
    # the grouped figures are the one-by-one definitions, per township, per village and for the county
    assert by_area[HUFANG] == _one_by_one(user, HUFANG)
    assert by_area[TANXI] == _one_by_one(user, TANXI)
    villages = selectors.guarantee_counts(user, COUNTY, YEAR)
    assert villages[JIANYUAN] == _one_by_one(user, JIANYUAN)
    overview = selectors.guarantee_overview(user, COUNTY, YEAR)
    assert {k: overview[k] for k in selectors.GUARANTEE_KEYS} == _one_by_one(user, COUNTY)
    assert {k: overview[k] for k in selectors.GUARANTEE_KEYS} == {
        k: by_area[HUFANG][k] + by_area[TANXI][k] for k in selectors.GUARANTEE_KEYS}
    # a user of another township counts their own township only
    other = selectors.guarantee_counts(users["other_township"], "", YEAR)
    assert HUFANG not in {code[:9] for code in other}
    assert {k: sum(v[k] for v in other.values()) for k in selectors.GUARANTEE_KEYS} == _one_by_one(
        users["other_township"], "")


def test_living_subsidy_gap_of_a_dibao_household(users):
    """生活补贴: the disabled of a household with someone on 低保, or whose poverty attribute is 低保."""
    standard()
    household(adult(dibao=True), adult("son", disabled=True, disability_category="4", disability_grade="3",
                                       name="低保户残疾"))
    household(adult(disabled=True, disability_category="4", disability_grade="3", name="低保属性残疾"),
              poverty_attribute="dibao")
    household(adult(disabled=True, disability_category="4", disability_grade="3", name="普通残疾"))
    missing = {m.name for m in selectors.disability_missing(users["county"], "", YEAR, "living")}
    assert missing == {"低保户残疾", "低保属性残疾"}
    assert selectors.guarantee_overview(users["county"], COUNTY, YEAR)["living_missing"] == 2


def test_member_gaps_in_one_pass_equal_the_lists(users):
    """``member_gaps`` (the premium, 生活补贴 and 护理补贴 gaps in one member aggregate) counts what the lists
    ``premium_missing`` and ``disability_missing`` list: figures by hand, with a subsidy of another year or
    kind, a member no longer active and a household of another township at each edge."""
    from fupin.registry.models import Member
    from fupin.welfare import actions

    standard(year=2022)
    standard()
    county = users["county"]
    # premiums: two on 低保 (one paid for 2023), one on 特困 paid for 2022 only, one removed from the register
    paid = household(adult(dibao=True, name="已缴"), adult("spouse", sex="2", dibao=True, name="未缴"))
    tekun = household(adult(tekun=True, age=75, name="特困去年缴"))
    household(adult(dibao=True, name="已注销"), adult("son", name="在册"))
    Member.objects.filter(name="已注销").update(status="removed")
    actions.record_premium_subsidy(actor=county, member=paid.members.get(name="已缴"), year=YEAR, paid_on=DAY)
    actions.record_premium_subsidy(actor=county, member=tekun.members.get(), year=2022, paid_on=DAY)
    # 生活补贴: disabled in a household with someone on 低保 (granted 护理 only: still missing 生活), by
    # attribute 低保 (granted 生活 for 2023: covered), plain (not eligible); 护理补贴: grade 1-2 only
    both = household(adult(dibao=True), adult("son", disabled=True, disability_category="4", disability_grade="2",
                                             name="低保重度"))
    household(adult(disabled=True, disability_category="4", disability_grade="3", name="属性低保"),
              poverty_attribute="dibao")
    household(adult(disabled=True, disability_category="4", disability_grade="3", name="普通"))
    household(adult(dibao=True), adult("son", disabled=True, disability_category="4", disability_grade="3"),
              village=TANXI_VILLAGE)  # another township
    actions.grant_disability_subsidy(actor=county, member=both.members.get(name="低保重度"), kind="care",
                                     year=YEAR, months=12)
    actions.grant_disability_subsidy(actor=county, member=Member.objects.get(name="属性低保"), kind="living",
                                     year=YEAR, months=12)
    gaps = selectors.member_gaps(county, COUNTY, YEAR)
    # by hand: premium 未缴, 特困去年缴, 低保重度's parent, the Tanxi parent (4); 生活 低保重度 and the Tanxi son
    # (2); 护理 nobody (低保重度 granted)
    assert gaps == {"premium_missing": 4, "living_missing": 2, "care_missing": 0}
    for user, area in ((county, COUNTY), (county, ""), (county, HUFANG), (users["other_township"], "")):
        assert selectors.member_gaps(user, area, YEAR) == {
            "premium_missing": selectors.premium_missing(user, area, YEAR).count(),
            "living_missing": selectors.disability_missing(user, area, YEAR, "living").count(),
            "care_missing": selectors.disability_missing(user, area, YEAR, "care").count()}
    assert selectors.member_gaps(county, HUFANG, YEAR) == {"premium_missing": 3, "living_missing": 1,
                                                          "care_missing": 0}
    overview = selectors.guarantee_overview(county, COUNTY, YEAR)
    assert {k: overview[k] for k in gaps} == gaps
    assert (overview["living_granted"], overview["care_granted"]) == (1, 1)


def test_latest_income_of_a_year_without_a_line(users):
    """The poor and destitute sets read only the income rows of years with a line (``latest_incomes(...,
    line=...)``), yet a household's latest income stays its latest: a 2023 income where only 2022 has a
    standard is compared with no line (no 低保 poverty, no livelihood), and hides the 2022 income below it."""
    standard(year=2022, dibao_line=Decimal(5000), tekun_standard=Decimal(6000))
    old_only = household(adult(age=70, name="仅2022"), income=Decimal(4000), year=2022)  # latest 2022: poor
    both = household(adult(age=70, name="两年"), income=Decimal(4000), year=2022)
    registry_actions.set_income(actor=SYSTEM, household=both, year=YEAR, values={"wage_income": Decimal(100000)})
    rich = household(adult(age=70, name="2022富"), income=Decimal(9000), year=2022)  # a livelihood in 2022
    user = users["county"]
    poor = set(selectors.poor_households(user, COUNTY, YEAR).values_list("household_id", flat=True))
    destitute = set(selectors.destitute_households(user, COUNTY, YEAR).values_list("pk", flat=True))
    assert poor == {old_only.pk}
    assert destitute == {old_only.pk, both.pk}  # 2023 has no standard: no livelihood; rich lives on 2022's
    assert rich.pk not in destitute
    assert {m.name for m in selectors.dibao_uncovered(user, COUNTY, YEAR)} == {"仅2022"}
    assert {m.name for m in selectors.tekun_uncovered(user, COUNTY, YEAR)} == {"仅2022", "两年"}
    assert selectors.guarantee_overview(user, COUNTY, YEAR)["tekun_missing"] == 2
