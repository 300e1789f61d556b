"""The targets computed in one grouped query per family (issue 15: speed) give the same figures as
counting each one on its own: a small population with one household at each edge, the figures
computed by hand, per township and for the county (the county's figure is the sum of its townships)."""

import datetime as dt
from decimal import Decimal

import pytest

from fupin.core.actions import SYSTEM
from fupin.insights import targets
from fupin.programmes import actions as programmes
from tests.factories import COUNTY, HUFANG, TANXI, TANXI_VILLAGE, make_household, person
from tests.insights import support_targets as support

YEAR = support.YEAR
pytestmark = pytest.mark.django_db


def _industry(household, tea, *, year=YEAR, ended=False):
    part = programmes.add_participation(actor=SYSTEM, household=household, industry=tea, year=year,
                                        scale=Decimal(1), started_on=dt.date(year, 2, 1))
    if ended:
        programmes.end_participation(actor=SYSTEM, participation=part, ended_on=dt.date(YEAR, 6, 1), reason="停产")
    return part


def _counted_one_by_one(user, area):
    """The figures as counted before, one query each (anti-joins over the able households)."""
    on = targets.reference_day(YEAR)
    industry, skilled, trained = targets._industry_skill_probes(YEAR, on)
    able = targets._able_households(user, area, on)
    no_industry = able.exclude(industry).count()
    no_skill = able.exclude(skilled).exclude(trained).count()
    neither = able.exclude(industry).exclude(skilled).exclude(trained).count()
    return {"able": able.count(), "no_industry": no_industry, "no_skill": no_skill,
            "n": no_industry + no_skill - neither}


def test_industry_and_skill_in_one_query_equal_the_counts_one_by_one(users):
    from tests.programmes.support import industries

    tea = industries()["白茶"]
    # 湖坊乡: one household at each edge
    support.single()  # neither
    support.single(skill="skilled")  # skill only
    _industry(support.single(skill="skilled"), tea)  # both: not in the gap
    _industry(support.single(), tea)  # industry only
    support.trained(support.course(HUFANG), support.head(support.single()))  # a completed training is a skill
    _industry(support.single(), tea, year=YEAR - 1)  # last year's industry only: no industry this year
    _industry(support.single(skill="skilled"), tea, ended=True)  # an ended industry is not current
    support.single(skill="lost")  # not able to work: not counted
    make_household(head=person("head", work_willing=False))  # not willing: not counted
    make_household(household_type="monitored")  # not 建档立卡
    # 潭溪乡: two, one with both
    support.single(TANXI_VILLAGE)
    _industry(support.single(TANXI_VILLAGE, skill="skilled"), tea)

    by_child = targets.industry_skill_by_child(users["county"], COUNTY, YEAR, 9)
    # 湖坊乡: able 7; no industry: neither, skill only, trained, last year's, ended = 5;
    # no skill: neither, industry only, last year's = 3; either: 6 (all but "both")
    assert by_child[HUFANG] == {"able": 7, "no_industry": 5, "no_skill": 3, "n": 6}
    assert by_child[TANXI] == {"able": 2, "no_industry": 1, "no_skill": 1, "n": 1}
    total = targets.industry_skill_counts(users["county"], COUNTY, YEAR)
    assert total == {"able": 9, "no_industry": 6, "no_skill": 4, "n": 7}
    assert total == _counted_one_by_one(users["county"], COUNTY)
    assert by_child[HUFANG] == _counted_one_by_one(users["county"], HUFANG)
    # the same households as the gap list, and the assessment shows the same figures
    assert targets.industry_skill_households(users["county"], COUNTY, YEAR).count() == 7
    a = targets.assess(targets.Context(users["county"], COUNTY, YEAR), "industry_skill")
    assert a.value == 7 and dict(a.figures) == {"有劳动能力和劳动意愿的户": 9, "缺少产业": 6, "缺少技能": 4}


def test_income_targets_in_one_query_per_township_and_for_the_county(users):
    support.rule_sets()  # county rural income 5,000 (2022: 4,000)
    support.single(net=3000, before=2000)  # 湖坊乡, mild, grew 50%
    support.single(net=4000)  # 湖坊乡, mild, no income last year: not in the growth
    support.single(net=1000, skill="weak", before=1000)  # 湖坊乡, moderate, 0% growth
    support.single(TANXI_VILLAGE, net=4500, before=5000)  # 潭溪乡, mild, -10%
    support.single(TANXI_VILLAGE, skill="lost")  # no income: in no income target
    support.identify()
    ctx = targets.Context(users["county"], COUNTY, YEAR)
    a = {k: targets.assess(ctx, k) for k in ("mild_income", "moderate_income", "income_growth")}
    # mild: (3000 + 4000 + 4500) / 3 people / 5000 = 76.666..%
    assert a["mild_income"].value == Decimal("76.7")
    assert dict(a["mild_income"].figures)["户数"] == 3 and dict(a["mild_income"].figures)["人数"] == 3
    assert a["moderate_income"].exact == Decimal(20)  # 1000 / 5000
    # growth over those with both years: (3000 + 1000 + 4500) / (2000 + 1000 + 5000) - 1 = 6.25%
    assert a["income_growth"].exact == Decimal("6.25")
    assert dict(a["income_growth"].figures)["有两年收入的建档立卡户"] == 3
    _children, table = targets.breakdown(users["county"], COUNTY, YEAR, context=ctx)
    cells = {t["definition"].key: {c["code"]: c["value"] for c in t["cells"]} for t in table}
    assert cells["mild_income"][HUFANG] == Decimal(70) and cells["mild_income"][TANXI] == Decimal(90)
    assert cells["moderate_income"][HUFANG] == Decimal(20) and cells["moderate_income"][TANXI] is None
    assert cells["income_growth"][HUFANG] == Decimal("33.3") and cells["income_growth"][TANXI] == Decimal(-10)


def test_the_county_figure_of_every_count_is_the_sum_of_its_townships(users):
    make_household(house_grade="C")
    make_household(TANXI_VILLAGE, house_grade="D", relocation_willing=True)
    support.single()
    support.single(TANXI_VILLAGE)
    ctx = targets.Context(users["county"], COUNTY, YEAR)
    values = {a.key: a.exact for a in targets.assess_all(users["county"], COUNTY, YEAR, context=ctx)}
    _children, table = targets.breakdown(users["county"], COUNTY, YEAR, context=ctx)
    for row in table:
        key = row["definition"].key
        if key in targets.COUNT_KEYS and key != "trained":
            assert values[key] == sum(c["value"] for c in row["cells"]), key
    assert values["zero_employment"] == (
        targets.programmes.zero_employment_households(users["county"], area=COUNTY, on=ctx.on).count())
