"""Permission sweep over every page of the site (not the API, which tests/api/test_permissions.py
sweeps). For each role (and for a visitor who has not logged in) every URL pattern is requested with
records inside the user's area and with records outside it: another township (河溪村, 潭溪乡) for
township and village users; for helpers also a household of their own village that is another
helper's; for county-level users another county (南丰县, made by hand). The user's own pages are also
asked with an outside record in the query or the form ("add that household to my project").

A page may refuse, redirect or show nothing, but it may never fail (500), show an outside record
(household codes, people's names, and a rare tag in every name of the outside world's records, also
inside xlsx downloads; a PDF or an image of an outside record is a leak by itself), or change anything
outside the user's area (no audit event about an outside household, record or area; no row added to
or taken from an outside area). All violations of a role are gathered into one message.

The patterns are enumerated from the URL resolver, so a new page fails ``test_every_page_is_covered``
until COVERED says how to request it."""

from __future__ import annotations

import datetime as dt
import io
import logging
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fupin.accounts.roles import Role
from fupin.core.actions import SYSTEM
from fupin.core.models import AuditEvent
from fupin.divisions.models import Division, Level
from tests import factories
from tests.factories import JIANYUAN, TANXI_VILLAGE

pytestmark = pytest.mark.django_db
YEAR = 2023

# Another county, made by hand (no division file ships for it): 南丰县, one township, one village.
OTHER_COUNTY = "361023"
OTHER_TOWNSHIP = "361023100"
OTHER_VILLAGE = "361023100200"

SKIPPED_NAMESPACES = ("api", "admin")  # the API has its own sweep; no admin site is mounted
SKIPPED_PREFIXES = ("static/", "media/")

PDF = b"%PDF-1.4\n%test\n"


# --- the worlds -------------------------------------------------------------------------------


class NotInWorld(LookupError):
    """The world has no record of this kind of its own (the outside check does not apply to it)."""


@dataclass(eq=False)
class World:
    """The records of one area. ``tag`` is a rare string in every name and title of the world's
    records; with the household codes and people's names it is what must not leak."""

    name: str
    village: str
    tag: str
    area_level: bool = True  # its village, township and their records are its own (not only a household's)
    support: World | None = None  # where its county-level records are (None: its own)
    inside: World | None = None  # the user's own world (set once all are built)
    records: dict = field(default_factory=dict)
    markers: set = field(default_factory=set)
    household_ids: set = field(default_factory=set)
    objects: set = field(default_factory=set)  # (object_type, object_id) as the audit log names them

    @property
    def township(self) -> str:
        return self.village[:9]

    @property
    def county(self) -> str:
        return self.village[:6]

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The area that is wholly the world's: its county (if it has its own), else its township (a
        household-only world has none)."""
        if not self.area_level:
            return ()
        return (self.county,) if self.support is None else (self.township,)

    def own(self, key):
        """The world's own record of a kind, else NotInWorld (the world has no such record of its own:
        a township has no rule set, a household-only world no cooperative)."""
        record = self.records.get(key)
        if record is None:
            raise NotInWorld(key)
        return record

    def rec(self, key):
        """The world's record, or its county's (e.g. the fund source a township's allocation draws on)."""
        if self.records.get(key) is None and self.support is not None:
            return self.support.own(key)
        return self.own(key)

    def area(self, level: str = "village") -> str:
        if not self.area_level:
            raise NotInWorld(level)
        return {"village": self.village, "township": self.township, "county": self.county}[level]

    def __getattr__(self, key):
        records = self.__dict__.get("records", {})
        if key in records:
            return records[key]
        raise AttributeError(key)

    def keep(self, **records):
        for key, record in records.items():
            self.records[key] = record
            if record is not None and hasattr(record, "_meta"):
                self.objects.add((record._meta.label_lower, str(record.pk)))


def _person(relation: str, name: str, *, sex: str = "1", birth=dt.date(1975, 5, 1), **fields) -> dict:
    return factories.person(relation, sex=sex, birth=birth, name=name, **fields)


def other_county() -> None:
    """南丰县 (361023) with one township and one village, next to 黎川县, by hand."""
    Division.objects.create(code=OTHER_COUNTY, name="南丰县", level=Level.COUNTY, parent_code="3610",
                            county_code=OTHER_COUNTY)
    Division.objects.create(code=OTHER_TOWNSHIP, name="琴城镇", level=Level.TOWNSHIP, parent_code=OTHER_COUNTY,
                            county_code=OTHER_COUNTY, kind="town")
    Division.objects.create(code=OTHER_VILLAGE, name="西门村委会", level=Level.VILLAGE, parent_code=OTHER_TOWNSHIP,
                            county_code=OTHER_COUNTY, kind="village_committee", urban_rural_class="220")


def county_records(world: World, *, rule_set=None) -> None:
    """What a county has once: a published rule set, fund source, industries, standards, code lists."""
    from fupin.exchange import matching
    from fupin.funds import actions as funds
    from fupin.funds.models import SourceKind
    from fupin.programmes import actions as programmes
    from fupin.programmes.models import Industry
    from fupin.registry import actions as registry
    from fupin.targeting import actions as targeting
    from fupin.targeting.defaults import ensure_national
    from fupin.targeting.models import RuleSet
    from fupin.welfare import actions as welfare
    from fupin.workflows import actions as workflows
    from tests.welfare.support import STANDARD

    county, tag = world.county, world.tag
    if rule_set is None:
        ensure_national(RuleSet)
        national = RuleSet.objects.get(region_code="", year=2021)
        rule_set = targeting.copy_rule_set(actor=SYSTEM, source=national, region_code=county, year=YEAR,
                                           name=f"{tag}识别规则")
        rule_set = targeting.publish_rule_set(actor=SYSTEM, rule_set=rule_set)
    source = funds.create_source(actor=SYSTEM, county_code=county, fields={
        "year": YEAR, "kind": SourceKind.CENTRAL_INDUSTRY, "name": f"{tag}中央财政衔接资金", "amount": Decimal("1000000.00"),
        "document_no": f"{tag}财农〔2023〕1号"})
    programmes.seed_industries(actor=SYSTEM, county_code=county)
    industry = programmes.add_industry(actor=SYSTEM, county_code=county, name=f"{tag}油茶", unit="亩")
    assert Industry.objects.filter(county_code=county).count() > 1
    programmes.set_subsidy_standard(actor=SYSTEM, county_code=county, year=YEAR, kind="skill", amount=Decimal(800))
    rule = matching.ensure_rules(county)[0]
    type(rule).objects.filter(pk=rule.pk).update(name=f"{tag}比对规则")  # (no action renames a rule)
    world.keep(rule_set=rule_set, source=source, industry=industry, match_rule=rule,
               standard=welfare.save_standard(actor=SYSTEM, region_code=county, year=YEAR,
                                              values={**STANDARD, "notes": f"{tag}保障标准"}),
               risk_type=registry.save_risk_type(actor=SYSTEM, county_code=county, name=f"{tag}风险"),
               work_year=workflows.open_year(actor=SYSTEM, county_code=county, year=YEAR))


def build_world(world: World, *, actor, matcher, helper=None) -> World:
    """One of every record in ``world.village`` through the apps' actions (as the system), its
    household assigned to ``helper``. County-level records come from ``support`` (or the world
    itself, see county_records). Without ``area_level`` only the household's records count as the
    world's own (the records of the village, township or county it needs are built, untagged)."""
    from fupin.accounts import actions as accounts
    from fupin.assistance import actions as assistance
    from fupin.assistance.models import Category, PlanLevel
    from fupin.core import clock
    from fupin.exchange import actions as exchange
    from fupin.exchange.models import Source
    from fupin.funds import actions as funds
    from fupin.funds.models import DisbursementMode, ProjectType
    from fupin.programmes import actions as programmes
    from fupin.registry import actions as registry
    from fupin.welfare import actions as welfare
    from fupin.workflows import actions as workflows
    from tests.assistance.support import png
    from tests.exchange import support as exchange_support
    from tests.workflows.support import review, votes

    county = world.support or world
    tag, village, township, area_level = world.tag, world.village, world.township, world.area_level
    if area_level:  # the world's own user (who imports its workbook): named after it
        actor = accounts.update_user(actor=SYSTEM, user=actor, changes={"full_name": f"{tag}干部"},
                                     prefixes=list(actor.area_prefixes))
        world.keep(actor=actor)
    own = tag if area_level else "本村"  # names of the area's records: tagged only when they are the world's
    home = factories.make_household(village, head=_person("head", f"潘{tag}", birth=dt.date(1970, 3, 3)), members=[
        _person("spouse", f"龚{tag}", sex="2", birth=dt.date(1972, 4, 4), disabled=True, disability_category="4",
                disability_grade="1", dibao=True),
        _person("son", f"潘{tag}明", birth=dt.date(1996, 6, 6))])
    if helper is not None:
        registry.assign_helper(actor=SYSTEM, household=home, helper=helper)
        home.refresh_from_db()
    registry.set_income(actor=SYSTEM, household=home, year=YEAR, values={"wage_income": Decimal(9000)})
    head, spouse, son = (home.members.get(relation=r) for r in ("head", "spouse", "son"))
    applicant = factories.make_household(village, household_type="ordinary", poverty_attribute="", main_cause="",
                                         head=_person("head", f"邹{tag}", birth=dt.date(1972, 7, 7)))
    shaky = factories.make_household(village, house_grade="D", relocation_willing=True,
                                     head=_person("head", f"钟{tag}", birth=dt.date(1966, 6, 6)))
    spare = factories.make_household(village, household_type="ordinary", poverty_attribute="", main_cause="",
                                     house_grade="C", relocation_willing=True,
                                     head=_person("head", f"蒋{tag}", birth=dt.date(1980, 8, 8)))
    world.keep(household=home, member=spouse, head=head, son=son, applicant=applicant, shaky=shaky, spare=spare)

    # funds
    project = funds.declare_project(actor=SYSTEM, division_code=village, year=YEAR, fields={
        "name": f"{own}油茶基地", "type": ProjectType.INDUSTRY, "budget": Decimal("500000.00"), "lead_unit": "县农业农村局"})
    funds.add_beneficiaries(actor=SYSTEM, project=project, household_codes=[home.household_code])
    project = funds.transition(actor=SYSTEM, project=project, key="approve", note="同意")
    allocation = funds.allocate(actor=SYSTEM, source=county.source, project=project, amount=Decimal("100000.00"),
                                division_code=village, household=None if area_level else home,
                                allocated_on=dt.date(YEAR, 3, 1))
    disbursement = funds.disburse(actor=SYSTEM, allocation=allocation, amount=Decimal("3000.00"),
                                  mode=DisbursementMode.REWARD, household=home, paid_on=dt.date(YEAR, 4, 1),
                                  voucher_no=f"记-{home.pk}")
    world.keep(allocation=allocation, disbursement=disbursement)
    if area_level:
        world.keep(project=project)

    # procedures: an identification case at its notice, with a document and an objection; a clue
    case = workflows.start_case(actor=SYSTEM, household=applicant, kind="identify", note=f"{tag}申请")
    document = workflows.add_document(actor=SYSTEM, case=case, kind="application", name=f"{tag}申请书.pdf",
                                      content=PDF)
    workflows.act(actor=SYSTEM, case=case, outcome="pass", note="评议", data=votes(review(SYSTEM, village)))
    workflows.act(actor=SYSTEM, case=case, outcome="pass", note="核实")
    notice = workflows.post_notice(actor=SYSTEM, cases=[case], period_days=7)
    objection = workflows.record_objection(actor=SYSTEM, notice=notice, case=case, raised_by=f"{tag}村民",
                                           content="收入情况有出入", raised_on=notice.posted_on)
    clue = workflows.create_clue(actor=SYSTEM, household=home, source="cadre_visit", risk="因病",
                                 detail=f"{tag}户主住院")
    world.keep(case=case, document=document, notice=notice, objection=objection, clue=clue)

    # assistance
    plan = assistance.create_plan(actor=SYSTEM, level=PlanLevel.HOUSEHOLD, year=YEAR, household=home,
                                  fields={"title": f"{tag}户帮扶计划"})
    measure = assistance.add_measure(actor=SYSTEM, plan=plan, fields={
        "category": Category.HEALTH, "description": f"{tag}家庭医生签约", "cost": Decimal("100.00"),
        "lead_unit": "乡卫生院", "planned_on": dt.date(YEAR, 6, 30)})
    visit = assistance.record_visit(actor=SYSTEM, household=home, visited_on=dt.date(YEAR, 5, 1),
                                    notes=f"{tag}了解家庭收入情况", photos=[(f"{home.pk}.png", png())])
    world.keep(plan=plan, measure=measure, visit=visit, photo=visit.photos.get())
    if area_level:
        world.keep(leader=assistance.assign_leader(actor=SYSTEM, division_code=township, fields={
            "name": f"{tag}县长", "post": "副县长", "started_on": dt.date(YEAR, 1, 1)}))

    # programmes
    participation = programmes.add_participation(actor=SYSTEM, household=home, industry=county.industry, year=YEAR,
                                                 scale=Decimal(5), started_on=dt.date(YEAR, 3, 1))
    cooperative = programmes.create_cooperative(
        actor=SYSTEM, division_code=township, name=f"{own}白茶专业合作社{home.pk}",
        registration_code=f"93{village[:6]}MA{home.pk:08d}", industries=[county.industry], leader="邓文华",
        founded_on=dt.date(2020, 3, 1))
    membership = programmes.join_cooperative(actor=SYSTEM, cooperative=cooperative, household=home, shares=Decimal(10),
                                             share_type="land", joined_on=dt.date(2021, 1, 1))
    dividend = programmes.declare_dividend(actor=SYSTEM, cooperative=cooperative, year=2022, total=Decimal(1000),
                                           declared_on=dt.date(YEAR, 2, 1))
    course = programmes.create_course(actor=SYSTEM, division_code=township, name=f"{own}茶艺培训班",
                                      programme="practical", organiser="human_resources", place="农技站",
                                      start_on=dt.date(YEAR, 5, 8), end_on=dt.date(YEAR, 5, 20), hours=40,
                                      capacity=30)
    running = programmes.create_course(actor=SYSTEM, division_code=township, name=f"{own}电商培训班",
                                       programme="practical", organiser="human_resources", place="农技站",
                                       start_on=clock.today() - dt.timedelta(days=1),
                                       end_on=clock.today() + dt.timedelta(days=30), hours=40, capacity=30)
    done, free, trainee = (programmes.enroll(actor=SYSTEM, course=course, member=m, enrolled_on=dt.date(YEAR, 5, 1))
                           for m in (head, son, spouse))
    certificates = []
    for n, finished in enumerate((done, free)):
        programmes.complete_training(actor=SYSTEM, trainee=finished, completed_on=dt.date(YEAR, 5, 20))
        certificates.append(programmes.issue_certificate(actor=SYSTEM, trainee=finished, kind="skill",
                                                         occupation="茶艺师", number=f"{tag}{home.pk}-{n}",
                                                         issued_on=dt.date(YEAR, 6, 1)))
    subsidy = programmes.grant_subsidy(actor=SYSTEM, certificate=certificates[0])
    employment = programmes.record_employment(actor=SYSTEM, member=son, employer=f"{tag}鞋厂", place="福建晋江",
                                              started_on=dt.date(YEAR, 6, 1), monthly_wage=Decimal("4200"))
    welfare_job = programmes.add_welfare_job(actor=SYSTEM, division_code=village, post=f"{tag}保洁员", member=head,
                                             started_on=dt.date(YEAR, 1, 1), monthly_pay=Decimal("500"))
    world.keep(participation=participation, membership=membership, trainee=trainee, certificate=certificates[1],
               subsidy=subsidy, employment=employment, welfare_job=welfare_job)
    if area_level:
        world.keep(cooperative=cooperative, dividend=dividend, course=course, running_course=running)

    # welfare
    disability = welfare.grant_disability_subsidy(actor=SYSTEM, member=spouse, kind="care", year=YEAR, months=12,
                                                  monthly_amount=Decimal(100))
    renovation = welfare.plan_renovation(actor=SYSTEM, household=shaky, year=YEAR, method="repair",
                                         subsidy=Decimal("8000"))
    # a relocation site is seen by the whole county (welfare.selectors.sites): its name is no secret
    site = welfare.save_site(actor=SYSTEM, values={"name": f"安置点{home.pk}", "division_code": township,
                                                   "site_type": "concentrated", "capacity": 10})
    relocation = welfare.allocate_relocation(actor=SYSTEM, household=shaky, site=site, year=YEAR,
                                             allocated_on=dt.date(YEAR, 3, 1), willing_confirmed=True)
    need = welfare.post_need(actor=SYSTEM, division_code=village, household=home, category="education",
                             title=f"{tag}助学需求", amount=Decimal(2000), posted_on=dt.date(YEAR, 3, 1))
    offer = welfare.register_offer(actor=SYSTEM, division_code=township, donor=f"{own}商会", category="education",
                                   amount=Decimal(5000), offered_on=dt.date(YEAR, 3, 1))
    charity_match = welfare.match(actor=SYSTEM, need=need, offer=offer, amount=Decimal(500),
                                  matched_on=dt.date(YEAR, 3, 2))
    world.keep(disability=disability, renovation=renovation, relocation=relocation, need=need,
               charity_match=charity_match)
    if area_level:
        world.keep(site=site, offer=offer)

    # exchange: a department list matched in the township (a finding on the household), an import
    data = exchange_support.department_csv(["证件号码", "姓名", "单位"], [
        [head.id_number, head.name, "县教育局"], [exchange_support.new_id(), "王五", "县财政局"]])
    match_run = exchange.execute_match(exchange.create_match(
        actor=matcher, source=Source.SALARIED, name=f"{own}财政供养人员.csv", data=data, area_code=township,
        enqueue=False))
    world.keep(finding=match_run.findings.filter(household=home).first())
    if area_level:
        rows = exchange_support.workbook_rows(1, village=village)
        rows[0].update({"姓名": f"{tag}导入", "证件号码": "36102219700101"})  # a problem: the batch keeps a report
        batch = exchange.create_import(actor=actor, name=f"{tag}.csv", enqueue=False,
                                       data=exchange_support.to_csv(rows))
        exchange.execute_import(batch)
        batch.refresh_from_db()
        assert batch.report, "the import should have kept an error report"
        world.keep(match_run=match_run, batch=batch)

    # registry: the village's work team
    if area_level:
        world.keep(workteam=registry.add_work_team_member(
            actor=SYSTEM, division=Division.objects.get(code=village),
            fields={"name": f"{tag}队员", "role": "member", "unit": "县财政局", "started_on": dt.date(YEAR, 1, 1)}))

    # registry: a member removed and a household closed this year (both may be restored)
    parted = factories.make_household(village, household_type="ordinary", poverty_attribute="", main_cause="",
                                      head=_person("head", f"吴{tag}", birth=dt.date(1968, 8, 8)),
                                      members=[_person("daughter", f"吴{tag}兰", sex="2", birth=dt.date(1999, 9, 9))])
    registry.remove_member(actor=SYSTEM, member=parted.members.get(relation="daughter"), reason_code="married_out")
    closed = factories.make_household(village, household_type="ordinary", poverty_attribute="", main_cause="",
                                      head=_person("head", f"喻{tag}", birth=dt.date(1950, 5, 5)))
    registry.close_household(actor=SYSTEM, household=closed, reason_code="moved_away", note="整户迁出")
    world.keep(removed_member=parted.members.get(relation="daughter"), closed_household=closed)

    households = (home, applicant, shaky, spare, parted, closed)
    world.household_ids |= {h.pk for h in households}
    world.markers |= {h.household_code for h in households} | {tag}
    world.markers |= {m.name for h in households for m in h.members.all()}
    return world


def finish_county(worlds: list[World], county: World) -> None:
    """What is built over a county once its households are in: the identification run of each world's
    township, the assessment sample (with each world's upload), a monitored household and the
    national batch that reports it."""
    from fupin.assessment import actions as assessment
    from fupin.assessment import workbook
    from fupin.assessment.models import Frame, SampleItem
    from fupin.exchange import actions as exchange
    from fupin.targeting import actions as targeting

    townships = sorted({w.township for w in worlds})
    sample = assessment.draw_sample(actor=SYSTEM, county_code=county.county, year=YEAR, seed=7,
                                    sizes={t: {f: 50 for f in Frame.values} for t in townships},
                                    name=f"{county.tag}考核评估")
    county.keep(sample=sample)
    for w in worlds:
        w.keep(sample_item=SampleItem.objects.filter(sample=sample, household=w.household).first())
        if w.area_level:  # its township's run and its upload
            run = targeting.start_run(actor=SYSTEM, area_code=w.township, year=YEAR, enqueue=False)
            w.keep(run=targeting.execute_run(run))
            w.keep(upload=workbook.load(actor=w.actor, sample=sample, name=f"{w.tag}调查表.xlsx",
                                        data=b"not a workbook").upload)
    watched = factories.make_household(county.village, household_type="monitored", monitoring_type="marginal",
                                       monitoring_start=dt.date(2022, 5, 1), risk_types="01", poverty_attribute="",
                                       main_cause="", head=_person("head", f"韩{county.tag}"))
    county.household_ids.add(watched.pk)
    county.markers |= {watched.household_code, f"韩{county.tag}"}
    county.keep(national=exchange.export_national(actor=SYSTEM, county_code=county.county, year=YEAR))


def build_worlds(users, rules) -> dict[str, World]:
    """inside: 枧源村 (湖坊乡), its household the helper's; tanxi: 河溪村 (潭溪乡); unassigned: another
    household of 枧源村 with another helper; nanfeng: a village of another county (南丰县)."""
    inside = World("inside", JIANYUAN, "枧内")
    worlds = {"inside": inside}
    county_records(inside, rule_set=rules)
    build_world(inside, actor=users["township"], matcher=users["county"], helper=users["helper"])
    other_helper = factories.make_user(Role.HELPER, JIANYUAN, "helper2", full_name="瑄玥帮扶人")
    worlds["unassigned"] = build_world(World("unassigned", JIANYUAN, "瑄玥", area_level=False, support=inside),
                                       actor=users["village"], matcher=users["county"], helper=other_helper)
    worlds["tanxi"] = build_world(World("tanxi", TANXI_VILLAGE, "琰曦", support=inside),
                                  actor=users["other_township"], matcher=users["county"])
    finish_county(list(worlds.values()), worlds["inside"])
    other_county()
    admin = factories.make_user(Role.COUNTY_ADMIN, OTHER_COUNTY, "nanfeng", full_name="南丰管理员")
    worlds["nanfeng"] = world = World("nanfeng", OTHER_VILLAGE, "璎珞")
    county_records(world)
    build_world(world, actor=admin, matcher=admin)
    finish_county([world], world)
    for world in worlds.values():
        world.inside = inside
    return worlds




# --- what each page is asked ------------------------------------------------------------------

Args = Callable[[World], "dict | list[dict]"]


@dataclass(frozen=True)
class Spec:
    """How a pattern is requested for a world: its URL arguments and GET query (each a dict, or a
    list of dicts for several requests) and, when the view takes POST, the data to post (to the URL
    with the query). A world without a record of the kind (NotInWorld) is not asked."""

    kwargs: Args | None = None
    query: Args | None = None
    post: Callable[[World], dict] | None = None
    get: bool = True  # False: the view takes POST only (a GET must not be answered: 405, or refused first)
    fresh: bool = False  # the POST ends the session: made with a client of its own
    note: str = ""  # why the check is narrower than the others', where it is
    # The user's own record in the URL, an outside one in the query (cross_get, added to the inside
    # query) or in the posted data (cross_post, posted to the inside URL): "add that household to my
    # project", "enrol that person on my course".
    cross_get: Callable[[World], dict] | None = None
    cross_post: Callable[[World], dict] | None = None

    def requests(self, world: World) -> list[tuple[dict, dict]]:
        kwargs = self.kwargs(world) if self.kwargs else {}
        query = self.query(world) if self.query else {}
        return [(k, q) for k in _listed(kwargs) for q in _listed(query)]


def _listed(value) -> list[dict]:
    return value if isinstance(value, list) else [value]


def page(kwargs=None, query=None, *, note="", cross_get=None) -> Spec:
    """A page that only reads."""
    return Spec(kwargs, query, note=note, cross_get=cross_get)


def form(kwargs=None, query=None, *, post=None, note="", fresh=False, cross_get=None, cross_post=None) -> Spec:
    """A page that shows a form on GET and acts on POST."""
    return Spec(kwargs, query, post=post or (lambda w: {}), note=note, fresh=fresh, cross_get=cross_get,
                cross_post=cross_post)


def action(kwargs=None, query=None, *, post=None, note="", cross_post=None) -> Spec:
    """A view that takes POST only (@require_POST)."""
    return Spec(kwargs, query, post=post or (lambda w: {}), get=False, note=note, cross_post=cross_post)


def pk(record: str, **more) -> Args:
    """The URL names the world's own record of a kind (``pk``), with fixed further arguments."""
    return lambda w: {"pk": w.own(record).pk, **more}


def foreign(w: World, key: str):
    """The world's own record, if the world lies in another county (else NotInWorld: a record of the
    user's own county, such as a site every township may use, is not foreign)."""
    if w.county == w.inside.county:
        raise NotInWorld(key)
    return w.own(key)


def today() -> str:
    from fupin.core import clock

    return clock.today().isoformat()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def new_id() -> str:
    from tests.exchange.support import new_id as make

    return make(dt.date(1990, 1, 1))


def village_area(w: World) -> dict:
    return {"area": w.area("village")}


def township_area(w: World) -> dict:
    return {"area": w.area("township")}


def area_year(w: World) -> dict:
    return {"area": w.area("village"), "year": YEAR}


def township_year(w: World) -> dict:
    return {"area": w.area("township"), "year": YEAR}


HOUSEHOLD_FORM = {"household_type": "poor", "poverty_attribute": "general", "main_cause": "01",
                  "identification_standard": "national", "farmland_area": "9.00", "safe_water": "on",
                  "has_power": "on", "house_grade": "A"}
MEMBER_FORM = {"id_type": "resident_id", "ethnicity": "01", "education": "junior", "labour_skill": "ordinary",
               "medical_insurance": "on", "critical_illness_insurance": "on"}
INCOME_FORM = {f: "0" for f in ("wage_income", "business_income", "property_income", "property_dividends",
                                "transfer_dibao", "transfer_tekun", "transfer_pension", "transfer_ecological",
                                "transfer_family_planning", "transfer_other", "production_costs",
                                "insurance_payouts", "medical_out_of_pocket")} | {"wage_income": "12345"}
STANDARD_FORM = {"dibao_line": "6000", "tekun_standard": "7800", "premium_subsidy": "380", "edu_preschool": "1000",
                 "edu_compulsory": "1250", "edu_senior": "2000", "edu_vocational": "2000", "edu_higher": "3000",
                 "disability_living_monthly": "80", "disability_care_monthly": "100"}


def _csv(w: World) -> dict:
    from tests.exchange import support as exchange_support

    rows = exchange_support.workbook_rows(1, village=w.area("village"))
    return {"file": upload("import.csv", exchange_support.to_csv(rows), "text/csv"), "dry_run": "", "partial": "on"}


def _salaried(w: World) -> dict:
    from tests.exchange import support as exchange_support

    data = exchange_support.department_csv(["证件号码", "姓名", "单位"], [[w.own("head").id_number, "x", "县教育局"]])
    return {"source": "salaried", "file": upload("list.csv", data, "text/csv"), "area": w.area("township")}


COVERED: dict[str, Spec] = {
    # --- site-wide ----------------------------------------------------------------------------
    "healthz": page(note="no record of an area: database, worker and disk health, no login"),
    "set_language": form(post=lambda w: {"language": "zh-hans", "next": "/"},
                         note="no record of an area: the language of the session"),
    "accounts:login": form(post=lambda w: {"username": "nobody", "password": "wrong"},
                           note="no record of an area: a failed login of an unknown user"),
    "accounts:logout": Spec(post=lambda w: {}, fresh=True, note="no record of an area; POST ends the session"),
    "accounts:password_change": form(post=lambda w: {},
                                     note="the user's own password: posted empty, so it is left alone"),
    "accounts:user_list": page(),
    "accounts:user_new": form(post=lambda w: {
        "username": f"new_{w.name}", "full_name": f"{w.tag}新用户", "role": "village_cadre",
        "prefixes": w.area("village"), "password": "Fresh-Passw0rd!9", "is_active": "on"}),
    "accounts:user_edit": form(pk("actor"), post=lambda w: {
        "username": w.own("actor").username, "full_name": "改名", "role": w.own("actor").role,
        "prefixes": ",".join(w.own("actor").area_prefixes), "is_active": ""}),
    "accounts:user_unlock": action(pk("actor")),
    "accounts:user_reset_password": action(pk("actor"), post=lambda w: {"password": "Fresh-Passw0rd!9"}),
    "web:home": page(),
    "web:area": page(lambda w: [{"code": w.area("village")}, {"code": w.area("township")}]),
    "web:audit_log": page(query=lambda w: {"q": w.tag}),
    "web:favicon": page(note="no record of an area: redirects to the app's icon, a static file"),
    # --- registry -----------------------------------------------------------------------------
    "registry:household_list": page(query=lambda w: [village_area(w), {"q": w.own("household").household_code}]),
    "registry:household_new": form(query=lambda w: {"village": w.area("village")}, post=lambda w: {
        "household_type": "ordinary", "head-name": "新户主", "head-id_number": new_id(),
        **{f"head-{k}": v for k, v in MEMBER_FORM.items()}}),
    "registry:household_detail": page(pk("household"), query=lambda w: [{}, {"as_of": f"{YEAR}-12-31"}]),
    "registry:household_edit": form(pk("household"), post=lambda w: {**HOUSEHOLD_FORM, "reason": "核实"}),
    "registry:income_edit": form(pk("household", year=YEAR), post=lambda w: {**INCOME_FORM, "reason": "核实"}),
    "registry:member_add": form(pk("household"), post=lambda w: {
        **MEMBER_FORM, "name": "新成员", "id_number": new_id(), "relation": "daughter", "join_reason": "birth",
        "joined_on": today()}),
    "registry:change_head": form(pk("household"), post=lambda w: {
        "new_head": w.own("member").pk, "reason": "户主外出", f"relation_{w.own('head').pk}": "spouse",
        f"relation_{w.own('son').pk}": "son"}, cross_post=lambda w: {
        "new_head": w.own("member").pk, "reason": "户主外出", f"relation_{w.inside.head.pk}": "other"}),
    "registry:household_move": form(pk("household"), post=lambda w: {
        "division_code": w.inside.village, "reason": "迁入本村"},
        cross_post=lambda w: {"division_code": w.area("village"), "reason": "迁出"}),
    "registry:household_close": form(pk("household"), post=lambda w: {
        "reason_code": "moved_away", "closed_on": today(), "note": "整户迁出"}),
    "registry:household_reopen": form(pk("closed_household"), post=lambda w: {"reason": "迁出未落实"}),
    "registry:assign_helper": form(pk("household"), post=lambda w: {"helper": ""}),
    "registry:member_list": page(query=lambda w: [village_area(w), {"q": w.own("member").name}]),
    "registry:member_edit": form(pk("member"), post=lambda w: {
        **MEMBER_FORM, "name": "改名", "relation": "spouse", "reason": "核实"}),
    "registry:member_remove": form(pk("member"), post=lambda w: {"reason_code": "moved_out", "removed_on": today()}),
    "registry:member_restore": form(pk("removed_member"), post=lambda w: {"reason": "误点减员"}),
    "registry:reveal": action(lambda w: [{"kind": "member", "pk": w.own("member").pk, "field": "id_number"},
                                         {"kind": "household", "pk": w.own("household").pk, "field": "phone"}]),
    "registry:village_list": page(query=township_area),
    "registry:village_detail": page(lambda w: {"code": w.area("village")}),
    "registry:village_edit": form(lambda w: {"code": w.area("village")}, post=lambda w: {
        "poverty_status": "poor", "collective_income": "1", "reason": "核实"}),
    "registry:workteam_add": form(lambda w: {"code": w.area("village")}, post=lambda w: {
        "name": "新队员", "role": "member", "started_on": today()}),
    "registry:workteam_end": form(pk("workteam"), post=lambda w: {"ended_on": today()}),
    "registry:risk_types": form(post=lambda w: {"name": "新风险", "active": "on"},
                                note="the user's own county's code list (no area to name)"),
    "registry:risk_type_edit": form(pk("risk_type"), post=lambda w: {"name": "改名", "active": "on"},
                                    note="a county's code list: outside only for county-level users"),
    # --- targeting ----------------------------------------------------------------------------
    "targeting:index": page(),
    "targeting:rule_set_detail": page(pk("rule_set"), note="rule sets are a county's: outside = another county"),
    "targeting:rule_set_edit": form(pk("rule_set"), post=lambda w: {"name": "改名", "income_line": "1"},
                                    note="rule sets are a county's: outside = another county"),
    "targeting:rule_set_copy": action(pk("rule_set"), post=lambda w: {"year": YEAR + 1},
                                      note="rule sets are a county's: outside = another county"),
    "targeting:rule_set_publish": action(pk("rule_set"), note="rule sets are a county's: outside = another county"),
    "targeting:scale": form(query=lambda w: {"area": w.area("township"), "year": YEAR}, post=lambda w: {
        "own_poor_people": "1", f"c{w.area('township')}_poor_people": "1", "note": "调整"}),
    "targeting:village_exit": page(query=lambda w: {"year": YEAR}),
    "targeting:run_start": action(post=lambda w: {"rule_set": w.inside.rule_set.pk, "area": w.area("township"),
                                                  "dry_run": "1"}),
    "targeting:run_detail": page(pk("run")),
    "targeting:run_progress": page(pk("run")),
    "targeting:run_results": page(pk("run"), query=lambda w: [{}, {"area": w.area("village")}],
                                  cross_get=lambda w: {"base": w.own("run").pk, "change": "added"}),
    "targeting:run_mpi": page(pk("run"), query=lambda w: [{}, {"area": w.area("township")}]),
    "targeting:run_register": page(pk("run"), query=lambda w: [{}, {"list": "remove"}]),
    "targeting:run_villages": page(pk("run")),
    "targeting:run_compare": page(lambda w: [{"pk": w.own("run").pk, "other": w.inside.run.pk},
                                             {"pk": w.inside.run.pk, "other": w.own("run").pk}]),
    # --- workflows ----------------------------------------------------------------------------
    "workflows:tasks": page(),
    "workflows:case_list": page(query=lambda w: [village_area(w), {"area": w.area("village"), "status": ""}]),
    "workflows:case_new": form(query=lambda w: {"household": w.own("spare").pk},
                               post=lambda w: {"kind": "identify", "note": "申请"}),
    "workflows:village_case_new": action(post=lambda w: {"village": w.area("village"), "note": "申请退出",
                                                         "year": YEAR}),
    "workflows:case_bulk": action(post=lambda w: {"case": [w.own("case").pk], "note": "批量通过"}),
    "workflows:case_detail": page(pk("case")),
    "workflows:case_act": action(pk("case"), post=lambda w: {"outcome": "return", "note": "退回"}),
    "workflows:document_add": action(pk("case"), post=lambda w: {
        "kind": "application", "file": upload("a.pdf", PDF, "application/pdf")}),
    "workflows:document_download": page(pk("document")),
    "workflows:review_new": form(query=lambda w: {"village": w.area("village")}, post=lambda w: {
        "held_on": today(), "place": "村委会", "chair": "陈志强", "expected": 25, "present": 20, "minutes": "评议"}),
    "workflows:notice_list": page(query=village_area),
    "workflows:notice_new": form(query=lambda w: {"case": w.own("case").pk}, post=lambda w: {
        "case": [w.own("case").pk], "period_days": 7, "posted_on": today()},
        cross_get=lambda w: {"case": [w.inside.case.pk, w.own("case").pk]}),
    "workflows:notice_detail": page(pk("notice")),
    "workflows:notice_pdf": page(pk("notice")),
    "workflows:notice_close": action(pk("notice")),
    "workflows:objection_add": action(pk("notice"), post=lambda w: {
        "case": w.own("case").pk, "raised_by": "张三", "raised_on": today(), "content": "有异议"},
        cross_post=lambda w: {"case": w.own("case").pk, "raised_by": "张三", "raised_on": today(),
                              "content": "有异议"}),
    "workflows:objection_resolve": action(pk("objection"), post=lambda w: {
        "upheld": "0", "resolution": "经核实不成立"}),
    "workflows:clue_list": page(query=lambda w: [village_area(w), {"area": w.area("village"), "status": ""}]),
    "workflows:clue_new": form(query=lambda w: {"household": w.own("household").pk}, post=lambda w: {
        "source": "cadre_visit", "risk": "因病", "found_on": today()}),
    "workflows:clue_detail": page(pk("clue")),
    "workflows:clue_handle": action(pk("clue"), post=lambda w: {"action": "dismiss", "reason": "已核实无风险"}),
    "workflows:years": page(),
    "workflows:year_action": action(post=lambda w: {"action": "exits", "year_id": w.own("work_year").pk},
                                    note="a county's working year: outside = another county"),
    # --- funds --------------------------------------------------------------------------------
    "funds:index": page(query=lambda w: {"year": YEAR}),
    "funds:sources": page(query=lambda w: {"year": YEAR}),
    "funds:source_new": form(post=lambda w: {"year": YEAR, "kind": "central_industry", "name": "新资金",
                                             "amount": "1.00"},
                             note="a source of the user's own county (no area to name)"),
    "funds:source_detail": page(pk("source"), note="sources are a county's: outside = another county"),
    "funds:source_edit": form(pk("source"), post=lambda w: {
        "year": YEAR, "kind": "central_industry", "name": "改名", "amount": "1000000.00"},
        note="sources are a county's: outside = another county"),
    "funds:source_cancel": action(pk("source"), post=lambda w: {"reason": "误录"},
                                  note="sources are a county's: outside = another county"),
    "funds:projects": page(query=lambda w: [{"year": YEAR}, {"area": w.area("village"), "year": YEAR}]),
    "funds:project_new": form(query=lambda w: {"area": w.area("village")}, post=lambda w: {
        "division_code": w.area("village"), "year": YEAR, "code": f"{YEAR}-900", "name": f"{w.tag}新项目",
        "type": "industry", "budget": "1000.00", "lead_unit": "农业农村局"}),
    "funds:project_detail": page(pk("project")),
    "funds:project_edit": form(pk("project"), post=lambda w: {
        "division_code": w.own("project").division_code, "year": YEAR, "code": w.own("project").code,
        "name": "改名", "type": "industry", "budget": "500000.00", "lead_unit": "农业农村局"}),
    "funds:project_transition": action(pk("project", key="cancel"), post=lambda w: {"note": "撤销"}),
    "funds:beneficiary_add": form(pk("project"), post=lambda w: {
        "household_codes": w.own("shaky").household_code, "planned_amount": "100.00"},
        cross_post=lambda w: {"household_codes": w.own("shaky").household_code, "planned_amount": "100.00"}),
    "funds:allocation_new": form(pk("project"), post=lambda w: {
        "source": w.rec("source").pk, "amount": "10.00", "division_code": w.own("project").division_code,
        "allocated_on": today()}, cross_post=lambda w: {
        "source": w.rec("source").pk, "amount": "10.00", "division_code": w.inside.village,
        "household_code": w.own("household").household_code, "allocated_on": today()}),
    "funds:allocation_cancel": action(pk("allocation"), post=lambda w: {"reason": "误下达"}),
    "funds:disbursement_new": form(pk("allocation"), post=lambda w: {
        "amount": "10.00", "mode": "works", "paid_on": today(), "voucher_no": "记-999"}, cross_post=lambda w: {
        "amount": "10.00", "mode": "reward", "household_code": w.own("household").household_code,
        "paid_on": today(), "voucher_no": "记-998"}),
    "funds:disbursement_reverse": form(pk("disbursement"), post=lambda w: {"reason": "误付", "paid_on": today()}),
    "funds:ledger": page(query=lambda w: [area_year(w), township_year(w)]),
    "funds:ledger_xlsx": page(query=lambda w: [area_year(w), township_year(w)]),
    "funds:household_ledger": page(pk("household")),
    "funds:checks": page(query=lambda w: {"year": YEAR}),
    "funds:rule_new": form(post=lambda w: {"year": YEAR, "reward_share": "0.5", "poor_village_amount": "1",
                                           "village_infrastructure_min": "1"},
                           note="the user's own county's thresholds (no area to name)"),
    # --- assistance ---------------------------------------------------------------------------
    "assistance:coverage": page(query=lambda w: [area_year(w), township_year(w)]),
    "assistance:gaps": page(query=township_year),
    "assistance:leaders": page(query=township_area),
    "assistance:leader_new": form(query=lambda w: {"township": w.area("township")}, post=lambda w: {
        "name": "新领导", "post": "副县长", "started_on": today()}),
    "assistance:leader_end": form(pk("leader"), post=lambda w: {"ended_on": today(), "reason": "调任"}),
    "assistance:plans": page(query=lambda w: [{"year": YEAR}, area_year(w)]),
    "assistance:plan_new": form(post=lambda w: {
        "where-level": "village", "where-division_code": w.area("village"), "where-year": YEAR + 1,
        "title": f"{w.tag}新计划"}),
    "assistance:plan_detail": page(pk("plan")),
    "assistance:plan_edit": form(pk("plan"), post=lambda w: {"title": "改名"}),
    "assistance:plan_approve": action(pk("plan"), post=lambda w: {"note": "同意"}),
    "assistance:measure_add": form(pk("plan"), post=lambda w: {
        "category": "health", "description": "签约", "cost": "1.00"}),
    "assistance:measure_edit": form(pk("measure"), post=lambda w: {
        "category": "health", "description": "改", "cost": "2.00"}),
    "assistance:measure_status": form(pk("measure"), post=lambda w: {"status": "done", "done_on": today()}),
    "assistance:household_plan": form(pk("household"), query=lambda w: {"year": YEAR + 1},
                                      post=lambda w: {"title": "新计划"}),
    "assistance:visit_new": form(pk("household"), post=lambda w: {"visited_on": today(), "notes": "走访"}),
    "assistance:worklist": page(query=lambda w: [{"year": YEAR}, village_area(w)]),
    "assistance:visits": page(query=lambda w: [{}, {"household": w.own("household").pk}],
                              cross_get=lambda w: {"area": w.area("village")}),
    "assistance:photo": page(pk("photo")),
    # --- programmes ---------------------------------------------------------------------------
    "programmes:index": page(query=lambda w: [{"year": YEAR}, township_year(w)]),
    "programmes:industry_list": page(query=township_year),
    "programmes:industry_new": form(post=lambda w: {"name": "新产业", "unit": "亩", "order": 1},
                                    note="the user's own county's industries (no area to name)"),
    "programmes:industry_detail": page(pk("industry"), note="industries are a county's: outside = another county"),
    "programmes:industry_toggle": action(pk("industry"), note="industries are a county's: outside = another county"),
    "programmes:participation_new": form(query=lambda w: {"household": w.own("household").pk}, post=lambda w: {
        "industry": w.rec("industry").pk, "year": YEAR - 1, "scale": "1", "expected_income": "0",
        "support_amount": "0", "started_on": today()}, cross_post=lambda w: {
        "industry": w.own("industry").pk, "year": YEAR - 1, "scale": "1", "expected_income": "0",
        "support_amount": "0", "started_on": today()}),
    "programmes:participation_end": form(pk("participation"), post=lambda w: {"ended_on": today(), "reason": "转产"}),
    "programmes:cooperative_list": page(query=township_year),
    "programmes:cooperative_new": form(post=lambda w: {
        "name": f"{w.tag}新合作社", "registration_code": "93361022MA99999999", "division_code": w.area("township"),
        "industries": [w.rec("industry").pk], "leader": "邓文华", "founded_on": "2020-01-01"}, cross_post=lambda w: {
        "name": "新合作社", "registration_code": "93361022MA99999998", "division_code": w.inside.township,
        "industries": [foreign(w, "industry").pk], "leader": "邓文华", "founded_on": "2020-01-01"}),
    "programmes:cooperative_detail": page(pk("cooperative"), query=lambda w: [{}, {"history": "1"}]),
    "programmes:member_join": form(pk("cooperative"), post=lambda w: {
        "household_code": w.own("spare").household_code, "shares": "1", "share_type": "land", "joined_on": today()},
        cross_post=lambda w: {"household_code": w.own("spare").household_code, "shares": "1", "share_type": "land",
                              "joined_on": today()}),
    "programmes:dividend_new": form(pk("cooperative"), post=lambda w: {
        "year": YEAR - 2, "total": "100", "declared_on": today()}),
    "programmes:member_shares": form(pk("membership"), post=lambda w: {
        "shares": "20", "share_type": "land", "on": today(), "reason": "增资"}),
    "programmes:member_leave": form(pk("membership"), post=lambda w: {"left_on": today(), "reason": "退股"}),
    "programmes:dividend_detail": page(pk("dividend")),
    "programmes:course_list": page(query=township_year),
    "programmes:course_new": form(post=lambda w: {
        "name": f"{w.tag}新培训班", "programme": "practical", "organiser": "human_resources",
        "division_code": w.area("township"), "place": "农技站", "start_on": today(), "end_on": today(), "hours": 8,
        "capacity": 10}),
    "programmes:course_detail": page(pk("course")),
    "programmes:enroll": form(pk("running_course"), query=lambda w: [{}, {"household": w.own("household").pk}],
                              post=lambda w: {"id_number": w.own("spare").members.get().id_number,
                                              "enrolled_on": today()},
                              cross_get=lambda w: {"household": w.own("household").pk},
                              cross_post=lambda w: {"id_number": w.own("spare").members.get().id_number,
                                                    "enrolled_on": today()}),
    "programmes:trainee_complete": action(pk("trainee"), post=lambda w: {"completed_on": f"{YEAR}-05-20"}),
    "programmes:certificate_new": form(pk("trainee"), post=lambda w: {
        "kind": "skill", "occupation": "茶艺师", "number": "N-1", "issued_on": today()}),
    "programmes:subsidy_list": page(query=township_year),
    "programmes:standard_set": form(post=lambda w: {"year": YEAR, "kind": "grade", "amount": "900"},
                                    note="the user's own county's standard (no area to name)"),
    "programmes:subsidy_grant": action(pk("certificate")),
    "programmes:subsidy_paid": action(pk("subsidy"), post=lambda w: {"paid_on": today()}),
    "programmes:employment_list": page(query=township_year),
    "programmes:employment_new": form(query=lambda w: {"trainee": w.own("trainee").pk}, post=lambda w: {
        "id_number": "", "employer": "鞋厂", "place": "晋江", "started_on": today(), "monthly_wage": "3000"},
        cross_post=lambda w: {"id_number": w.own("spare").members.get().id_number, "employer": "鞋厂", "place": "晋江",
                              "started_on": today(), "monthly_wage": "3000"}),
    "programmes:employment_end": action(pk("employment"), post=lambda w: {"ended_on": today()}),
    "programmes:job_list": page(query=lambda w: [township_year(w), {"area": w.area("township"), "all": "1"}]),
    "programmes:job_new": form(query=lambda w: {"division": w.area("village")}, post=lambda w: {
        "post": "护林员", "division_code": w.area("village"), "id_number": w.own("spare").members.get().id_number,
        "started_on": today(), "monthly_pay": "500"}, cross_post=lambda w: {
        "post": "护林员", "division_code": w.inside.village, "id_number": w.own("spare").members.get().id_number,
        "started_on": today(), "monthly_pay": "500"}),
    "programmes:job_end": form(pk("welfare_job"), post=lambda w: {"ended_on": today(), "reason": "离岗"}),
    "programmes:zero_employment": page(query=township_year),
    # --- welfare ------------------------------------------------------------------------------
    "welfare:index": page(query=lambda w: [{}, area_year(w)]),
    "welfare:standards": page(),
    "welfare:standard_new": form(post=lambda w: {**STANDARD_FORM, "region_code": w.area("township"),
                                                 "year": YEAR + 1}),
    "welfare:standard_edit": form(pk("standard"), post=lambda w: {**STANDARD_FORM, "year": YEAR,
                                                                  "dibao_line": "1"},
                                  note="standards are a county's: outside = another county"),
    "welfare:dibao": page(query=area_year),
    "welfare:tekun": page(query=area_year),
    "welfare:premium": page(query=area_year),
    "welfare:premium_missing": page(query=area_year),
    "welfare:premium_new": form(query=lambda w: [{"member": w.own("member").pk},
                                                 {"household": w.own("household").pk}],
                                post=lambda w: {"member": w.own("member").pk, "year": YEAR, "amount": "380",
                                                "paid_on": today()},
                                cross_post=lambda w: {"member": w.own("member").pk, "year": YEAR, "amount": "380",
                                                      "paid_on": today()}),
    "welfare:medical": page(query=area_year),
    "welfare:medical_new": form(query=lambda w: {"member": w.own("head").pk}, post=lambda w: {
        "member": w.own("head").pk, "treated_on": today(), "total_cost": "1000", "basic_paid": "500",
        "critical_paid": "0", "aid_amount": "100"}),
    "welfare:education": page(query=area_year),
    "welfare:education_missing": page(query=area_year),
    "welfare:education_new": form(query=lambda w: {"member": w.own("son").pk}, post=lambda w: {
        "member": w.own("son").pk, "year": YEAR, "semester": "year", "amount": "1000", "paid_on": today()}),
    "welfare:disability": page(query=area_year),
    "welfare:disability_missing": page(query=lambda w: [area_year(w), {**area_year(w), "kind": "care"}]),
    "welfare:disability_new": form(query=lambda w: {"member": w.own("member").pk, "kind": "care"}, post=lambda w: {
        "member": w.own("member").pk, "kind": "care", "year": YEAR + 1, "months": 12, "monthly_amount": "100"}),
    "welfare:disability_pay": form(pk("disability"), post=lambda w: {"paid_on": today()}),
    "welfare:housing": page(query=lambda w: [village_area(w), {**village_area(w), "plan": "1"}]),
    "welfare:renovations": page(query=village_area),
    "welfare:renovation_new": form(query=lambda w: {"household": w.own("spare").pk}, post=lambda w: {
        "year": YEAR, "method": "repair", "subsidy": "100"}),
    "welfare:renovation": form(pk("renovation"), post=lambda w: {"step": "start", "on": today()}),
    "welfare:relocation_waiting": page(query=lambda w: [village_area(w), {**village_area(w), "plan": "1"}]),
    "welfare:relocations": page(query=village_area),
    "welfare:relocation_new": form(query=lambda w: {"household": w.own("spare").pk}, post=lambda w: {
        "site": w.rec("relocation").site_id, "year": YEAR, "allocated_on": today(), "willing_confirmed": "on"},
        cross_post=lambda w: {"site": foreign(w, "site").pk, "year": YEAR, "allocated_on": today(),
                              "willing_confirmed": "on"},
        note="a site is the county's: another township's site may take the user's households (not a cross check)"),
    "welfare:relocation": form(pk("relocation"), post=lambda w: {"action": "cancel", "cancel-reason": "放弃搬迁"}),
    "welfare:sites": page(),
    "welfare:site_new": form(post=lambda w: {"name": f"{w.tag}新安置点", "division_code": w.area("township"),
                                             "site_type": "concentrated", "capacity": 5, "status": "planning"}),
    "welfare:site_edit": form(pk("site"), post=lambda w: {
        "name": "改名", "division_code": w.inside.township, "site_type": "concentrated", "capacity": 99,
        "status": "planning"}),
    "welfare:charity": page(query=village_area),
    "welfare:need_new": form(query=lambda w: {"household": w.own("household").pk}, post=lambda w: {
        "division_code": w.own("household").division_id, "category": "education", "title": "助学",
        "amount": "100", "posted_on": today()}),
    "welfare:need": form(pk("need"), post=lambda w: {"action": "match", "match-offer": w.rec("charity_match").offer_id,
                                                     "match-amount": "10", "match-matched_on": today()},
                         cross_post=lambda w: {"action": "match", "match-offer": w.own("offer").pk,
                                               "match-amount": "10", "match-matched_on": today()}),
    "welfare:match_act": action(pk("charity_match"), post=lambda w: {"action": "cancel", "cancel-reason": "取消"}),
    "welfare:offers": page(query=village_area),
    "welfare:offer_new": form(post=lambda w: {
        "donor": f"{w.tag}新商会", "donor_type": "organisation", "division_code": w.area("township"),
        "category": "education", "amount": "100", "offered_on": today()}),
    "welfare:offer_withdraw": form(pk("offer"), post=lambda w: {"reason": "撤回"}),
    # --- insights -----------------------------------------------------------------------------
    "insights:dashboard": page(query=lambda w: [{}, area_year(w), {**township_year(w), "part": "income"}]),
    "insights:targets": page(query=lambda w: [{}, area_year(w)]),
    "insights:target_settings": form(query=lambda w: {"region": w.area("township")}, post=lambda w: {
        "region_code": w.area("township"), "year": YEAR, "key": "houses", "threshold": "1", "enabled": "on"}),
    "insights:target_detail": page(lambda w: {"key": "houses"}, query=lambda w: [{}, area_year(w)]),
    "insights:report": page(query=lambda w: [{}, township_year(w), {**township_year(w), "format": "xlsx"}]),
    # --- assessment ---------------------------------------------------------------------------
    "assessment:index": form(post=lambda w: {"year": YEAR, "name": "抽样", "seed": 1},
                             note="draws a sample of the user's own county (no area to name)"),
    "assessment:sample": page(pk("sample"), note="samples are a county's: outside = another county"),
    "assessment:items": page(pk("sample"), query=lambda w: [{}, {"pending": "1"}],
                             note="samples are a county's: outside = another county"),
    "assessment:findings": action(pk("sample"), note="samples are a county's: outside = another county"),
    "assessment:close": action(pk("sample"), note="samples are a county's: outside = another county"),
    "assessment:survey_workbook": page(pk("sample"), note="samples are a county's: outside = another county"),
    "assessment:survey_upload": form(pk("sample"), post=lambda w: {"file": upload("s.xlsx", b"not a workbook")},
                                     note="samples are a county's: outside = another county"),
    "assessment:upload_report": page(pk("upload")),
    "assessment:survey": form(pk("sample_item"), post=lambda w: {
        "approves": "1", "surveyor": "王调查", "surveyed_on": today()}),
    # --- exchange -----------------------------------------------------------------------------
    "exchange:index": page(),
    "exchange:retention": action(post=lambda w: {"days": "90"}, note="the user's own county's setting"),
    "exchange:import_upload": action(post=_csv),
    "exchange:import_detail": page(pk("batch")),
    "exchange:import_progress": page(pk("batch")),
    "exchange:import_report": page(pk("batch")),
    "exchange:blank_template": page(),
    "exchange:export_households": page(query=lambda w: [
        {"area": w.area("township"), "file_format": "csv"}, {"area": w.area("village"), "file_format": "csv"}]),
    "exchange:export_villages": page(query=lambda w: [{}, township_area(w)]),
    "exchange:export_card": page(pk("household"), query=lambda w: [{}, {"full": "1"}]),
    "exchange:identification_export": page(lambda w: {"run_pk": w.own("run").pk}),
    "exchange:identification_export_xlsx": page(lambda w: {"run_pk": w.own("run").pk}),
    "exchange:matching": page(),
    "exchange:match_upload": action(post=_salaried),
    "exchange:match_detail": page(pk("match_run")),
    "exchange:match_progress": page(pk("match_run")),
    "exchange:match_report": page(pk("match_run")),
    "exchange:rules": page(),
    "exchange:rule_edit": form(pk("match_rule"), post=lambda w: {"enabled": "", "household_types": ["poor"]},
                               note="matching rules are a county's: outside = another county"),
    "exchange:findings": page(query=lambda w: [{}, village_area(w), {"area": w.area("village"), "status": ""}]),
    "exchange:finding_resolve": form(pk("finding"), post=lambda w: {"status": "dismissed", "note": "部门数据有误"}),
    "exchange:national": form(post=lambda w: {"year": YEAR},
                              note="exports the user's own county (no area to name)"),
    "exchange:national_columns": form(post=lambda w: {"reset": "1"},
                                      note="the user's own county's column map (no area to name)"),
    "exchange:national_detail": page(pk("national"), note="national batches are a county's: outside = another county"),
    "exchange:national_file": page(pk("national"), note="national batches are a county's: outside = another county"),
    "exchange:national_confirm": action(pk("national"),
                                        note="national batches are a county's: outside = another county"),
}


# --- the sweep --------------------------------------------------------------------------------

def url_names() -> list[str]:
    """Every named pattern of the site, namespaced (``registry:household_detail``), but the API's."""
    names = []

    def walk(patterns, prefix: str, namespace: str):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                inner = ":".join(filter(None, [namespace, p.namespace]))
                if (p.namespace or "") in SKIPPED_NAMESPACES or route.startswith(SKIPPED_PREFIXES):
                    continue
                walk(p.url_patterns, route, inner)
            elif isinstance(p, URLPattern) and not route.startswith(SKIPPED_PREFIXES):
                assert p.name, f"an unnamed pattern cannot be covered: {route}"
                names.append(f"{namespace}:{p.name}" if namespace else p.name)
    walk(get_resolver().url_patterns, "", "")
    return names


def test_every_page_is_covered():
    """A new page fails here until COVERED says how to ask it (and an entry for a page that is gone too)."""
    names = url_names()
    assert len(names) == len(set(names)), "duplicate pattern names"
    missing = sorted(set(names) - set(COVERED))
    stale = sorted(set(COVERED) - set(names))
    assert not missing, "URL patterns without an entry in COVERED (say how to request them):\n  " + "\n  ".join(missing)
    assert not stale, "entries in COVERED for patterns that no longer exist:\n  " + "\n  ".join(stale)
    with_arguments = [n for n in names if COVERED[n].kwargs]
    assert len(names) > 200 and len(with_arguments) > 100


OK_OUTSIDE = (302, 400, 403, 404, 405)
LOGIN = "/accounts/login/"


@dataclass
class Sweep:
    """One role's sweep: the client, what is outside, and what was found."""

    client: object
    user: object
    outside: list[World]
    violations: list[str] = field(default_factory=list)
    inside_statuses: dict = field(default_factory=dict)  # page -> status of the inside GETs
    requests: int = 0
    not_applicable: int = 0

    def __post_init__(self):
        self.markers = sorted(set().union(*(w.markers for w in self.outside)), key=len, reverse=True)
        self.households = set().union(*(w.household_ids for w in self.outside))
        self.objects = set().union(*(w.objects for w in self.outside))
        self.prefixes = tuple(p for w in self.outside for p in w.prefixes)
        self.tables = outside_tables(self.prefixes, self.households)

    def footprint(self) -> dict[str, int]:
        """How many rows each table has in the outside areas or of the outside households (one query)."""
        parts, params = [], []
        for n, (_label, qs) in enumerate(self.tables):
            sql, more = qs.values("pk").query.sql_with_params()
            parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS t{n})")
            params.extend(more)
        with transaction.get_connection().cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            counts = cursor.fetchone()
        return dict(zip((label for label, _qs in self.tables), counts, strict=True))

    def flag(self, name: str, method: str, url: str, status, what: str) -> None:
        line = f"{name} {method} {url} -> {status}: {what}"
        if line not in self.violations:
            self.violations.append(line)

    def request(self, name: str, method: str, url: str, *, query=None, data=None, fresh=False):
        """The response (or the exception as a 500), and the audit events it wrote outside."""
        from django.test import Client

        client = self.client
        if fresh:
            client = Client()
            if self.user is not None:
                client.force_login(self.user)
        last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        before = self.footprint() if method == "POST" else {}
        self.requests += 1
        # A savepoint of its own (not an atomic block: the actions' outermost transaction is durable),
        # so that a request failing half-way leaves the test's transaction usable for the next one.
        savepoint = transaction.savepoint()
        try:
            if method == "GET":
                response = client.get(url, query or {})
            else:
                target = f"{url}?{_encode(query)}" if query else url
                response = client.post(target, data or {})
        except Exception as exc:  # a failing view is what is looked for
            transaction.savepoint_rollback(savepoint)
            transaction.get_connection().needs_rollback = False
            shown = f"{url}?{_encode(query)}" if query else url
            self.flag(name, method, shown, 500, f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:200]}")
            return None
        transaction.savepoint_commit(savepoint)
        if method == "POST":
            after = self.footprint()
            grown = {label: after[label] - n for label, n in before.items() if after[label] != n}
            if grown:
                self.flag(name, method, url, response.status_code, f"rows of the outside area changed in number: {grown}")
        for event in AuditEvent.objects.filter(pk__gt=last):
            if (event.household_id in self.households or (event.object_type, event.object_id) in self.objects
                    or (self.prefixes and (event.division_code or "").startswith(self.prefixes))
                    or (self.prefixes and event.county_code in self.prefixes)):
                self.flag(name, method, url, response.status_code,
                          f"recorded outside the user's area: {event.verb} {event.object_type}#{event.object_id} "
                          f"({event.division_code}) {event.summary[:60]}")
        return response

    def leaked(self, response, *sent: dict) -> tuple[str, bool]:
        """The outside markers the response shows, and whether its body could be searched at all. What
        the request itself sent (a search term, a posted name) is echoed by forms: such markers do not
        count (the record's other markers, e.g. the head's name beside a household code, still do)."""
        text, searchable = body_text(response)
        echoed = " ".join(str(v) for d in sent if d for vs in d.values() for v in _listed(vs))
        found = [m for m in self.markers if m in text and m not in echoed]
        if not found:
            return "", searchable
        at = text.index(found[0])  # where: a little of the text around the first one
        return f"{found[:4]} in …{' '.join(text[max(0, at - 80):at + 40].split())}…", searchable


def household_path(model) -> str | None:
    """The path from ``model`` to the household it belongs to (None: it belongs to none); the one
    walk of test_object_scope, with the household itself as ``pk``."""
    from tests.core.test_object_scope import household_path as path_to_household

    path = path_to_household(model)
    return "pk" if path == "" else path


def outside_tables(prefixes: tuple[str, ...], households: set[int]) -> list[tuple[str, object]]:
    """For every table of an area (AREA_FIELD), the query of its rows in ``prefixes`` or of ``households``
    (the audit log is checked event by event instead)."""
    from django.apps import apps
    from django.db.models import Q

    from fupin.core.scope import prefix_q

    tables = []
    for model in apps.get_models():
        if not hasattr(model, "AREA_FIELD") or model is AuditEvent:
            continue
        where = Q(pk__in=[])
        for prefix in prefixes:
            where |= prefix_q(model.AREA_FIELD, prefix)
        path = household_path(model)
        if path is not None and households:
            where |= Q(**{f"{path}__in": households})
        tables.append((model._meta.label, model._base_manager.filter(where)))
    return tables


def close(response) -> None:
    """Close a response as the test client does: without the request_finished handler that closes
    the database connection (on PostgreSQL that would close the test's own connection)."""
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _encode(query: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(query, doseq=True)


def body_text(response) -> tuple[str, bool]:
    """The text of a response: HTML, CSV, JSON as they are, an xlsx by its XML parts; a PDF or an
    image cannot be searched (False)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    close(response)
    header = response.get("Content-Disposition", "")
    ctype = response.get("Content-Type", "")
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            parts = [book.read(n).decode("utf-8", "ignore") for n in book.namelist() if n.endswith(".xml")]
        return header + "".join(parts), True
    if ctype.startswith(("text/", "application/json")) or not content:
        return header + content.decode("utf-8", "ignore"), True
    return header, False


def sweep(client, user, worlds: dict[str, World], outside: list[str]) -> Sweep:
    """Every covered pattern, for ``user`` (None: a visitor who has not logged in, for whom every
    world, the inside one too, is outside)."""
    if user is not None:
        client.force_login(user)
    run = Sweep(client, user, [worlds[n] for n in outside])
    inside = worlds["inside"]
    for name, spec in COVERED.items():
        asked = spec.requests(inside)  # the inside world has every kind of record: no NotInWorld here
        for kwargs, query in asked:
            url = reverse(name, kwargs=kwargs)
            if inside in run.outside:
                check_outside_get(run, name, url, query, inside)
                continue
            response = run.request(name, "GET", url, query=query)
            if response is None:
                continue
            shown = f"{url}?{_encode(query)}" if query else url
            if spec.get:
                run.inside_statuses[f"{name} {shown}"] = response.status_code
            elif 200 <= response.status_code < 300:
                run.flag(name, "GET", shown, response.status_code, "a POST-only view answered GET")
            if response.status_code == 200:
                found, _searchable = run.leaked(response, query)
                if found:
                    run.flag(name, "GET", shown, 200, f"shows outside records: {found}")
        for world in run.outside:
            try:
                requests = spec.requests(world)
            except NotInWorld:
                run.not_applicable += 1
                continue
            for kwargs, query in requests:
                url = reverse(name, kwargs=kwargs)
                if spec.get and (kwargs, query) not in asked:
                    check_outside_get(run, name, url, query, world)
                if spec.post is not None:
                    try:
                        data = spec.post(world)
                    except NotInWorld:
                        run.not_applicable += 1
                        continue
                    response = run.request(name, "POST", url, query=query, data=data, fresh=spec.fresh)
                    if response is not None and response.status_code == 200:
                        found, _searchable = run.leaked(response, query, data)
                        if found:
                            run.flag(name, "POST", url, 200, f"shows {world.name} records: {found}")
                    elif response is not None and response.status_code not in OK_OUTSIDE:
                        run.flag(name, "POST", url, response.status_code, f"unexpected status ({world.name})")
            if world is not inside:
                cross(run, name, spec, asked[0], world)
    return run


def cross(run: Sweep, name: str, spec: Spec, inside: tuple[dict, dict], world: World) -> None:
    """The user's own record in the URL, the outside world's in the query or the posted data."""
    kwargs, query = inside
    url = reverse(name, kwargs=kwargs)
    for method, make in (("GET", spec.cross_get), ("POST", spec.cross_post)):
        if make is None:
            continue
        try:
            extra = make(world)
        except NotInWorld:
            run.not_applicable += 1
            continue
        if method == "GET":
            check_outside_get(run, name, url, {**query, **extra}, world)
            continue
        response = run.request(name, "POST", url, query=query, data=extra)
        if response is None:
            continue
        if response.status_code == 200:
            found, _searchable = run.leaked(response, query, extra)
            if found:
                run.flag(name, "POST", url, 200, f"shows {world.name} records: {found}")
        elif spec.get and response.status_code == 302 and not response["Location"].startswith(LOGIN):
            # a form page redirects once it has acted
            run.flag(name, "POST", url, 302, f"accepted the {world.name} record named in the form: {extra}")


def check_outside_get(run: Sweep, name: str, url: str, query: dict, world: World) -> None:
    response = run.request(name, "GET", url, query=query)
    if response is None:
        return
    shown = f"{url}?{_encode(query)}" if query else url
    status = response.status_code
    if status in OK_OUTSIDE:
        close(response)
        return
    if status != 200:
        run.flag(name, "GET", shown, status, f"answered for the {world.name} record")
        return
    found, searchable = run.leaked(response, query)
    if found:
        run.flag(name, "GET", shown, 200, f"shows {world.name} records: {found}")
    elif not searchable:
        run.flag(name, "GET", shown, 200, f"served the {world.name} file ({response.get('Content-Type')})")


# Which worlds are outside each role's area (county-level users: the other county; helpers: also the
# household of their village that is another helper's; a visitor who has not logged in: everything,
# the inside world standing for all of them).
OUTSIDE = {
    "county": ["nanfeng"], "township": ["tanxi"], "village": ["tanxi"], "helper": ["tanxi", "unassigned"],
    "dept": ["nanfeng"], "auditor": ["nanfeng"], "finance": ["nanfeng"],
    "anonymous": ["inside"],
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def _quiet():
    """Thousands of refusals are the expected answers: not worth a log line each."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


@pytest.mark.parametrize("role", list(OUTSIDE))
def test_no_page_fails_shows_or_changes_anything_outside_the_users_area(client, users, rules, role):
    started = time.monotonic()
    worlds = build_worlds(users, rules)
    built = time.monotonic() - started
    result = sweep(client, users.get(role), worlds, OUTSIDE[role])
    print(f"\n{role}: {result.requests} requests, {result.not_applicable} not applicable, "
          f"built in {built:.1f}s, swept in {time.monotonic() - started - built:.1f}s")
    if role == "county":  # the sweep asks real pages: the county administrator sees nearly all inside records
        shown = [page for page, status in result.inside_statuses.items() if status == 200]
        assert len(shown) > 0.9 * len(result.inside_statuses), {
            page: status for page, status in result.inside_statuses.items() if status != 200}
    assert not result.violations, f"{role}: {len(result.violations)} violations\n" + "\n".join(result.violations)


def test_a_prefecture_user_reads_every_page_and_changes_nothing(client, users, rules):
    """市省级用户 (a prefecture's office, grant 3610, over both counties here): every page answers without
    failing; every form and action posted with a county's own records (the data its own users would
    post) changes no row and records nothing, in either county."""
    worlds = build_worlds(users, rules)
    city = factories.make_user(Role.SUPERVISOR, "3610", "city")
    client.force_login(city)
    # the "outside" of this sweep is everything: each world's rows are counted before and after a POST
    run = Sweep(client, city, [worlds["inside"], worlds["nanfeng"]])
    shown = 0
    for name, spec in COVERED.items():
        for world in (worlds["inside"], worlds["nanfeng"]):
            try:
                asked = spec.requests(world)
            except NotInWorld:
                continue
            for kwargs, query in asked:
                url = reverse(name, kwargs=kwargs)
                response = run.request(name, "GET", url, query=query)
                shown += response is not None and response.status_code == 200
                if spec.post is None:
                    continue
                try:
                    data = spec.post(world)
                except NotInWorld:
                    continue
                run.request(name, "POST", url, query=query, data=data, fresh=spec.fresh)
    # a download is logged (an audit event of the area) by a GET: that is reading, not changing
    failures = [v for v in run.violations if " GET " not in v or "-> 500" in v]
    assert not failures, f"{len(failures)} violations\n" + "\n".join(failures)
    assert shown > 100  # the sweep really read pages (the dashboards, lists and registers of both counties)
