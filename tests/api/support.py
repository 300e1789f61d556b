"""Records of 湖坊乡 / 枧源村 (and one of 潭溪乡) for the API tests, built through the apps' actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from rest_framework.test import APIClient

from fupin.assistance import actions as assistance_actions
from fupin.assistance.models import Category, PlanLevel
from fupin.core import jobs
from fupin.core.actions import SYSTEM
from fupin.funds import actions as funds_actions
from fupin.funds.models import DisbursementMode, ProjectType, SourceKind
from fupin.registry import actions as registry_actions
from fupin.workflows import actions as workflow_actions
from tests import factories

YEAR = 2023


@dataclass
class World:
    household: object
    member: object
    source: object
    project: object
    allocation: object
    disbursement: object
    case: object
    clue: object
    plan: object
    measure: object
    visit: object
    job: object
    other_household: object  # in 潭溪乡


def build(users) -> World:
    """One of everything in 枧源村 (湖坊乡), the helper assigned to the household."""
    home = factories.make_household(factories.JIANYUAN, members=[factories.person("spouse", sex="2")])
    registry_actions.assign_helper(actor=SYSTEM, household=home, helper=users["helper"])
    member = home.members.exclude(relation="head").get()
    source = funds_actions.create_source(actor=SYSTEM, county_code=factories.COUNTY, fields={
        "year": YEAR, "kind": SourceKind.CENTRAL_INDUSTRY, "name": "中央财政专项扶贫资金（产业）",
        "amount": Decimal("1000000.00"), "document_no": "赣财农〔2023〕1号"})
    project = funds_actions.declare_project(actor=SYSTEM, division_code=factories.JIANYUAN, year=YEAR, fields={
        "name": "白茶种植基地", "type": ProjectType.INDUSTRY, "budget": Decimal("500000.00"),
        "lead_unit": "县农业农村局"})
    funds_actions.add_beneficiaries(actor=SYSTEM, project=project, household_codes=[home.household_code])
    project = funds_actions.transition(actor=SYSTEM, project=project, key="approve", note="同意")
    allocation = funds_actions.allocate(actor=SYSTEM, source=source, project=project, amount=Decimal("100000.00"),
                                        division_code=factories.JIANYUAN, allocated_on=dt.date(YEAR, 3, 1))
    payment = funds_actions.disburse(actor=SYSTEM, allocation=allocation, amount=Decimal("3000.00"),
                                     mode=DisbursementMode.REWARD, household=home, paid_on=dt.date(YEAR, 4, 1),
                                     voucher_no="记-001")
    applicant = factories.make_household(factories.JIANYUAN, household_type="ordinary", head=factories.person(
        "head", birth=dt.date(1972, 7, 7)))
    case = workflow_actions.start_case(actor=users["village"], household=applicant, kind="identify", submit=False)
    clue = workflow_actions.create_clue(actor=users["village"], household=home, source="cadre_visit", risk="因病",
                                        detail="户主住院")
    plan = assistance_actions.create_plan(actor=SYSTEM, level=PlanLevel.HOUSEHOLD, year=YEAR, household=home,
                                          fields={"title": "户帮扶计划"})
    measure = assistance_actions.add_measure(actor=SYSTEM, plan=plan, fields={
        "category": Category.HEALTH, "description": "家庭医生签约", "cost": Decimal("100.00"),
        "lead_unit": "乡卫生院", "planned_on": dt.date(YEAR, 6, 30)})
    visit = assistance_actions.record_visit(actor=users["helper"], household=home, visited_on=dt.date(YEAR, 5, 1),
                                            notes="了解家庭收入情况")
    job = jobs.create(kind="exchange.import", title="导入 枧源村.csv", actor=users["township"],
                      division_code=factories.HUFANG)
    other = factories.make_household(factories.TANXI_VILLAGE, head=factories.person(
        "head", birth=dt.date(1968, 3, 3)))
    return World(home, member, source, project, allocation, payment, case, clue, plan, measure, visit, job, other)


def client_for(user, *, token: bool = False) -> APIClient:
    client = APIClient()
    if token:
        from fupin.api import actions

        key = actions.create_token(actor=user, user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    else:
        client.force_authenticate(user=None)
        client.force_login(user)
    return client


def token_header(user) -> tuple[str, str]:
    from fupin.api import actions

    return "Authorization", f"Token {actions.create_token(actor=user, user=user)}"


def build_full(users) -> World:
    """:func:`build`, plus an identification run of 湖坊乡 and an import batch (needs the ``rules`` fixture)."""
    from fupin.exchange import actions as exchange_actions
    from fupin.targeting import actions as targeting_actions
    from tests.exchange import support as exchange_support

    world = build(users)
    run = targeting_actions.start_run(actor=SYSTEM, area_code=factories.HUFANG, year=2023, enqueue=False)
    world.run = targeting_actions.execute_run(run)
    world.batch = exchange_actions.create_import(actor=users["township"], name="a.csv", enqueue=False,
                                                 data=exchange_support.to_csv(exchange_support.workbook_rows(1)))
    build_programmes(users, world)
    return world


def build_programmes(users, world) -> None:
    """A course, a cooperative, an employment, a public-welfare job, a renovation and a relocation in 湖坊乡."""
    from fupin.programmes import actions as programme_actions
    from fupin.welfare import actions as welfare_actions
    from tests.programmes import support as programme_support

    world.course = programme_support.course(factories.HUFANG)
    world.cooperative = programme_support.cooperative(factories.HUFANG, phone="07946666666")
    world.employment = programme_actions.record_employment(
        actor=SYSTEM, member=world.member, employer="晋江鞋厂", place="福建晋江", started_on=dt.date(2023, 6, 1),
        monthly_wage=Decimal("4200"))
    head = world.household.members.get(relation="head")
    world.welfare_job = programme_actions.add_welfare_job(
        actor=SYSTEM, division_code=factories.JIANYUAN, post="保洁员", member=head, started_on=dt.date(2023, 1, 1),
        monthly_pay=Decimal("500"))
    shaky = factories.make_household(factories.JIANYUAN, house_grade="D", relocation_willing=True,
                                     head=factories.person("head", birth=dt.date(1966, 6, 6)))
    world.renovation = welfare_actions.plan_renovation(actor=SYSTEM, household=shaky, year=2023, method="repair",
                                                       subsidy=Decimal("8000"))
    site = welfare_actions.save_site(actor=SYSTEM, values={"name": "湖坊安置点", "division_code": factories.HUFANG,
                                                         "site_type": "concentrated", "capacity": 10})
    world.relocation = welfare_actions.allocate_relocation(actor=SYSTEM, household=shaky, site=site, year=2023,
                                                           allocated_on=dt.date(2023, 3, 1), willing_confirmed=True)
