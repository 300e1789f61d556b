"""The set-based reads: zero-employment households (edge ages included), the households of an industry
with their shares and dividends, the overview figures and the employment rate after training."""

import datetime as dt
from decimal import Decimal

import pytest

from fupin.core import clock
from fupin.core.actions import SYSTEM
from fupin.core.clock import years_before
from fupin.programmes import actions, selectors
from tests.factories import HUFANG, HUFANG_VILLAGE, JIANYUAN, TANXI_VILLAGE, make_household, person
from tests.programmes import support

pytestmark = pytest.mark.django_db

OLD = dt.date(1950, 1, 1)


def _home(*members, head=None, **fields):
    return make_household(head=head or person("head", birth=OLD, labour_skill="lost"), members=list(members),
                          **fields)


def test_zero_employment_households_by_the_documented_rule(users):
    today = clock.today()
    user = users["county"]
    able = make_household(head=person("head"))  # 48, able, no work: listed
    working = make_household(head=person("head", work_status="out_of_province", work_months=10))
    registry_job = make_household(head=person("head", public_welfare_job="护林员", public_welfare_job_months=12))
    turned_16_today = _home(person("son", birth=years_before(today, 16), exact=True, education="junior",
                                   schooling="not_in_school"))
    almost_16 = _home(person("son", birth=years_before(today, 16) + dt.timedelta(days=1), exact=True,
                             education="junior", schooling="not_in_school"))
    aged_59 = make_household(head=person("head", birth=years_before(today, 60) + dt.timedelta(days=1), exact=True))
    turned_60_today = make_household(head=person("head", birth=years_before(today, 60), exact=True))
    student = _home(person("son", birth=dt.date(2004, 3, 1), education="", schooling="undergraduate"))
    ill = make_household(head=person("head", serious_illness=True))
    disabled = make_household(head=person("head", disabled=True, disability_category="4", disability_grade="3"))
    ordinary = make_household(head=person("head"), household_type="ordinary")
    exited = make_household(head=person("head"), household_type="exited")
    with_job = make_household(head=person("head"))
    actions.add_welfare_job(actor=SYSTEM, division_code=JIANYUAN, post="保洁员", member=with_job.members.get(),
                            started_on=today - dt.timedelta(days=30), monthly_pay=Decimal("600"))
    with_work = make_household(head=person("head"))
    actions.record_employment(actor=SYSTEM, member=with_work.members.get(), employer="县工业园", place="黎川",
                              started_on=today - dt.timedelta(days=10), monthly_wage=Decimal("3000"))
    work_ended = make_household(head=person("head"))
    ended = actions.record_employment(actor=SYSTEM, member=work_ended.members.get(), employer="县工业园", place="黎川",
                                      started_on=today - dt.timedelta(days=100), monthly_wage=Decimal("3000"))
    actions.end_employment(actor=SYSTEM, employment=ended, ended_on=today - dt.timedelta(days=1))
    elsewhere = make_household(TANXI_VILLAGE, head=person("head"))

    listed = set(selectors.zero_employment_households(user).values_list("pk", flat=True))
    assert listed == {able.pk, turned_16_today.pk, aged_59.pk, exited.pk, work_ended.pk, elsewhere.pk}
    assert not listed & {working.pk, registry_job.pk, almost_16.pk, turned_60_today.pk, student.pk, ill.pk,
                         disabled.pk, ordinary.pk, with_job.pk, with_work.pk}
    # the area narrows the list; a township cadre never sees another township's households
    assert elsewhere.pk not in set(selectors.zero_employment_households(users["township"]).values_list("pk", flat=True))
    assert set(selectors.zero_employment_households(user, area=TANXI_VILLAGE).values_list("pk", flat=True)) == {
        elsewhere.pk}
    # asking for ordinary households gives them
    assert set(selectors.zero_employment_households(user, household_type="ordinary").values_list("pk", flat=True)) \
        == {ordinary.pk}
    row = selectors.zero_employment_households(user).get(pk=able.pk)
    assert row.able == 1 and row.head == "黄建国"


def test_the_households_of_white_tea_with_their_shares_and_dividends(users):
    found = support.industries()
    tea, tobacco = found["白茶"], found["烤烟"]
    coop = support.cooperative()
    other = support.cooperative(industry_names=("烤烟",))
    a, b, c = make_household(), make_household(HUFANG_VILLAGE), make_household(TANXI_VILLAGE)
    for home in (a, b, c):
        actions.add_participation(actor=SYSTEM, household=home, industry=tea, year=2023, scale=Decimal("3"),
                                  started_on=dt.date(2023, 3, 1))
    actions.add_participation(actor=SYSTEM, household=a, industry=tobacco, year=2023, scale=Decimal("5"),
                              started_on=dt.date(2023, 3, 1))
    support.join(coop, a, "30")
    support.join(coop, b, "10")
    support.join(other, a, "99")  # a tobacco cooperative: not counted for white tea
    actions.declare_dividend(actor=SYSTEM, cooperative=coop, year=2023, total=Decimal("1000.01"),
                             declared_on=dt.date(2024, 1, 10))
    actions.declare_dividend(actor=SYSTEM, cooperative=other, year=2023, total=Decimal("500"),
                             declared_on=dt.date(2024, 1, 10))
    rows = {r.household_id: r for r in selectors.industry_households(users["county"], tea, year=2023)}
    assert set(rows) == {a.pk, b.pk, c.pk}
    assert (rows[a.pk].shares, rows[a.pk].dividends, rows[a.pk].cooperative) == (
        Decimal("30"), Decimal("750.01"), coop.name)
    assert (rows[b.pk].shares, rows[b.pk].dividends) == (Decimal("10"), Decimal("250.00"))
    assert (rows[c.pk].shares, rows[c.pk].dividends, rows[c.pk].cooperative) == (Decimal("0"), Decimal("0"), None)
    assert rows[a.pk].head == "黄建国"
    township = {r.household_id for r in selectors.industry_households(users["township"], tea, year=2023)}
    assert township == {a.pk, b.pk}
    assert {r.household_id for r in selectors.industry_households(users["county"], tea, area=JIANYUAN,
                                                                  year=2023)} == {a.pk}
    assert not selectors.industry_households(users["county"], tea, year=2022).exists()
    summary = {i.name: i for i in selectors.industry_summary(users["county"], year=2023)}
    assert (summary["白茶"].households, summary["白茶"].scale_total, summary["白茶"].cooperatives_n) == (
        3, Decimal("9"), 1)
    # the township sees its county's industries too
    assert selectors.industries(users["township"]).filter(name="白茶").exists()


def test_overview_counts_training_employment_after_training_and_the_rate(users):
    course = support.course(HUFANG, end=dt.date(2023, 5, 20))
    people = [make_household().members.get() for _ in range(4)]
    trainees = [actions.enroll(actor=SYSTEM, course=course, member=m, enrolled_on=dt.date(2023, 5, 1)) for m in people]
    for t in trainees[:3]:
        actions.complete_training(actor=SYSTEM, trainee=t, completed_on=dt.date(2023, 5, 20))
    actions.issue_certificate(actor=SYSTEM, trainee=trainees[0], kind="skill", occupation="茶艺师", number="N1",
                              issued_on=dt.date(2023, 6, 1))
    actions.record_employment(actor=SYSTEM, member=people[0], employer="茶厂", place="黎川", trainee=trainees[0],
                              started_on=dt.date(2023, 5, 20), monthly_wage=Decimal("3000"))  # on the last day: counts
    actions.record_employment(actor=SYSTEM, member=people[1], employer="茶厂", place="黎川",
                              started_on=dt.date(2023, 5, 19), monthly_wage=Decimal("3000"))  # before the end: not
    figures = selectors.overview(users["county"], year=2023)
    assert (figures["trainees"], figures["trained"], figures["certified"], figures["employed_after_training"]) == (
        4, 3, 1, 1)
    assert figures["employment_rate"] == Decimal("33.3")
    rows = {r["division"].code: r for r in selectors.area_rows(users["county"], area="361022", year=2023)}
    assert rows[HUFANG]["trained"] == 3 and rows[HUFANG]["employed"] == 1
    assert selectors.overview(users["other_township"], year=2023)["trained"] == 0
