import datetime as dt
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from fupin.accounts.models import User
from fupin.core.models import Setting
from fupin.registry import idnumber
from fupin.registry.models import Household, HouseholdIncome, Member, VillageProfile, WorkTeamMember
from tests.factories import make_household

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", "--households", "1500", "--seed", "7", "--no-serve")


def test_demo_population_is_valid_and_plausible(demo):
    assert Household.objects.count() == 1500
    members = list(Member.objects.values("household_id", "id_number", "sex", "birth_date", "relation",
                                         "schooling", "education"))
    ref = dt.date(2023, 12, 31)
    for m in members:
        parsed = idnumber.parse(m["id_number"])
        assert parsed.sex == m["sex"] and parsed.birth_date == m["birth_date"]
        assert parsed.address_code[:2] in ("36", "35")
        age = idnumber.age_on(m["birth_date"], ref)
        if 7 <= age <= 14:
            assert m["schooling"] in ("primary", "grade_7_9", "not_in_school"), m
        if not m["schooling"] or m["schooling"] == "not_in_school":
            assert m["education"], m
    assert len({m["id_number"] for m in members}) == len(members)
    # one head per household, size kept, relations agree with ages
    heads = Counter(m["household_id"] for m in members if m["relation"] == "head")
    assert set(heads.values()) == {1} and len(heads) == 1500
    sizes = dict(Household.objects.values_list("id", "size"))
    assert Counter(m["household_id"] for m in members) == Counter(sizes)
    births = {(m["household_id"], m["relation"]): m["birth_date"] for m in members}
    for m in members:
        head_birth = births[(m["household_id"], "head")]
        if m["relation"] in ("son", "daughter"):
            assert m["birth_date"].year - head_birth.year >= 15
        if m["relation"] in ("father", "mother"):
            assert head_birth.year - m["birth_date"].year >= 15


def test_demo_follows_the_plans_proportions(demo):
    people = Household.objects.aggregate(all=Count("members"), poor=Count("members", filter=Q(household_type="poor")))
    share = people["poor"] / people["all"]
    assert 0.07 < share < 0.13  # 14,326 of about 150,000 rural people
    causes = Counter(Household.objects.filter(household_type="poor").values_list("main_cause", flat=True))
    assert causes.most_common(1)[0][0] == "01"  # illness is the most common cause
    assert VillageProfile.objects.filter(listed_13th_plan=True).count() == 15
    assert VillageProfile.objects.filter(division_id="361022201205", listed_13th_plan=True).exists()
    assert WorkTeamMember.objects.filter(role="first_secretary").count() == 15
    assert HouseholdIncome.objects.count() == 3000
    assert set(Household.objects.values_list("household_type", flat=True)) == {"poor", "exited", "monitored",
                                                                              "ordinary"}


def test_demo_accounts_and_helper_households(demo):
    for username in ("county", "township", "village", "helper", "dept", "auditor"):
        assert User.objects.get(username=username).check_password("Lichuan@2023")
    helper = User.objects.get(username="helper")
    assigned = Household.objects.filter(helper_user=helper)
    assert assigned.count() > 0
    assert set(assigned.values_list("division_id", flat=True)) == {"361022201205"}


def test_the_same_seed_gives_the_same_county(demo):
    first = list(Member.objects.order_by("id_number").values_list("id_number", "name")[:200])
    call_command("demo", "--households", "1500", "--seed", "7", "--no-serve", "--reset")
    assert list(Member.objects.order_by("id_number").values_list("id_number", "name")[:200]) == first
    assert Household.objects.count() == 1500


def test_reset_empties_what_users_made_in_the_demo(demo):
    """Data made by using the demo (an API token, a visit, a payment) never blocks a new demo."""
    from rest_framework.authtoken.models import Token

    from fupin.assistance.models import Visit
    from fupin.funds.models import Disbursement

    Token.objects.create(user=User.objects.get(username="county"))
    assert Visit.objects.exists() and Disbursement.objects.exists()
    call_command("demo", "--households", "1500", "--seed", "8", "--no-serve", "--reset")
    assert not Token.objects.exists()
    assert Household.objects.count() == 1500 and Visit.objects.exists()


def test_demo_refuses_a_database_with_real_data(settings):
    from tests import factories

    factories.load_lichuan()
    make_household()
    with pytest.raises(CommandError, match="非演示数据"):
        call_command("demo", "--households", "200", "--no-serve")
    assert Household.objects.count() == 1
    assert Setting.get("dataset") is None


def test_the_demo_has_a_date_and_cases_at_every_step(demo, client):
    """The installation's clock stands on the demo's date (every page shows it); every household
    procedure has cases at each of its steps, notices among them whose period has run out."""
    from fupin.core import clock
    from fupin.demo import walkthrough
    from fupin.demo.management.commands.demo import TODAY
    from fupin.workflows.models import Case, Notice

    assert clock.today() == TODAY and TODAY.year == 2023
    client.force_login(User.objects.get(username="village"))
    assert f"演示日期 {TODAY.isoformat()}" in client.get("/", follow=True).content.decode()
    open_at = set(Case.objects.filter(status="open").values_list("kind", "step"))
    for kind, plan in walkthrough.PLANS.items():
        steps = {walkthrough._plan(entry)[0] for entry in plan} - {None}
        if kind in ("exit", "risk_clear"):  # a county of 1,500 households has only a few candidates
            assert len({(kind, step) for step in steps} & open_at) >= 3, kind
        else:
            assert {(kind, step) for step in steps} <= open_at, kind
    assert Case.objects.filter(kind="identify", status="done", year=2023).count() == 2
    run_out = Notice.objects.filter(status="posted", ends_on__lte=TODAY)
    assert {"identify", "exit", "reentry", "monitor", "risk_clear"} <= set(run_out.values_list("procedure", flat=True))
    assert run_out.filter(division_code="361022201205").exists()  # one the demo village's cadre can close
    assert Notice.objects.filter(status="posted", ends_on__gt=TODAY).exists()  # and some still running


def test_a_seeded_identification_case_is_walked_from_its_notice_to_the_end(demo, client):
    """On the demo's date: the township closes a notice whose period ran out, the county approves,
    announces (a 公告 may be closed at once) and registers; the year's flows count the new household."""
    from django.utils import timezone

    from fupin.accounts.roles import Role
    from fupin.core import clock
    from fupin.insights.indicators import flows
    from fupin.workflows.models import Case, Notice
    from tests.factories import make_user

    notice = Notice.objects.filter(procedure="identify", step="second_notice", status="posted",
                                   ends_on__lte=clock.today()).first()
    case = notice.cases.get()
    county = User.objects.get(username="county")
    before = flows(county, "361022", 2023).totals["new_poor"]
    client.force_login(make_user(Role.TOWNSHIP_CADRE, case.division_code[:9], "walker"))
    client.post(f"/workflows/notices/{notice.pk}/close/")
    case.refresh_from_db()
    assert case.step == "county_approval"
    client.force_login(county)
    client.post(f"/workflows/cases/{case.pk}/act/", {"step": "county_approval", "decision_no": "黎扶字〔2023〕99号",
                                                      "over_scale": "on", "over_scale_reason": "演示"})
    case.refresh_from_db()
    assert case.step == "announcement"
    client.post(f"/workflows/notices/new/?case={case.pk}", {"case": case.pk, "period_days": 0,
                                                            "posted_on": clock.today().isoformat()})
    announcement = case.notices.get(step="announcement")
    client.post(f"/workflows/notices/{announcement.pk}/close/")
    client.post(f"/workflows/cases/{case.pk}/act/", {"step": "register", "note": "录入系统"})
    case.refresh_from_db()
    assert case.status == "done" and case.household.household_type == "poor"
    walked = case.steps.order_by("-pk")[:5]  # notice closed, approved, announcement posted and closed, registered
    assert {timezone.localtime(s.acted_at).date() for s in walked} == {clock.today()}
    assert timezone.localtime(Case.objects.get(pk=case.pk).finished_at).date() == clock.today()
    assert flows(county, "361022", 2023).totals["new_poor"] == before + 1
