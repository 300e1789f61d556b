"""Demo data for assistance: called by `fupin demo` after the population is generated.

County leaders for all townships but two, the county reduction plan, township plans (one
township without), village plans for every poor village and most others, work teams for most
villages the generator left without one, household plans with measures and income projects for
most helped households, and visits to the demo helper's households. Deliberate gaps: households
without a plan, plans without an income project, a few households without a helper, demo
households not visited for more than 30 days. Bulk inserts; deterministic from the seed.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from fupin.assistance import rules
from fupin.assistance.models import (
    Category,
    CountyLeader,
    Measure,
    MeasureStatus,
    Plan,
    PlanLevel,
    PlanStatus,
    Visit,
)
from fupin.core import clock
from fupin.core.actions import atomic
from fupin.divisions.models import Division, Kind, Level
from fupin.registry import codes
from fupin.registry.models import Household, Member, VillageProfile, WorkTeamMember

# Tables emptied (children first) when the demo is generated again.
TABLES: list[str] = ["assistance_visitphoto", "assistance_visit", "assistance_measure", "assistance_plan",
                     "assistance_countyleader"]

YEAR = 2023  # the county plan's year (the demo population's reference year)
SURNAMES = "黄李陈吴刘张王杨周徐邓付邹曾熊罗涂揭饶龚"
GIVEN = "国建明华伟军平志强文德林永春金海清水云福荣生根发贵忠勇辉俊杰秀英兰芳玉珍丽红梅凤霞"
POSTS = ["县委常委、常务副县长", "县委常委、组织部部长", "县委常委、宣传部部长", "县委常委、政法委书记",
         "副县长", "县人大常委会副主任", "县政协副主席", "县委常委、纪委书记", "县委常委、统战部部长"]
UNITS = ["黎川县乡村振兴局", "黎川县财政局", "黎川县农业农村局", "黎川县林业局", "黎川县水利局", "黎川县交通运输局",
         "黎川县教育体育局", "黎川县卫生健康委员会", "黎川县人力资源和社会保障局", "黎川县民政局"]
INDUSTRIES = ["白茶", "烤烟", "食用菌", "香榧", "毛竹", "水产养殖"]

# What a household's main cause of poverty calls for (the first measure of its plan).
CAUSE_MEASURE = {
    "01": (Category.HEALTH, "家庭医生签约服务，落实大病救治和慢病卡", "黎川县卫生健康委员会", 1500),
    "02": (Category.SAFETY_NET, "落实残疾人两项补贴和低保兜底", "黎川县民政局", 2400),
    "03": (Category.OTHER_EDUCATION, "落实雨露计划和高中阶段教育资助", "黎川县教育体育局", 3000),
    "04": (Category.HOUSING, "灾后住房修缮，纳入危房改造", "黎川县住房和城乡建设局", 15000),
    "05": (Category.INDUSTRY, "流转土地发展林下种植", "黎川县林业局", 2000),
    "06": (Category.WATER, "接通集中供水管网", "黎川县水利局", 1200),
    "07": (Category.EMPLOYMENT, "参加阳光工程实用技术培训", "黎川县人力资源和社会保障局", 800),
    "08": (Category.SAFETY_NET, "纳入农村低保，落实临时救助", "黎川县民政局", 3600),
    "09": (Category.CREDIT, "扶贫小额信贷 5 万元，财政贴息", "黎川县金融办", 2500),
    "10": (Category.INFRASTRUCTURE, "入户路硬化", "黎川县交通运输局", 6000),
    "11": (Category.SOCIAL_HELP, "结对帮扶，扶志扶智宣讲", "黎川县乡村振兴局", 0),
    "99": (Category.LIVING, "改厨改厕，改善生活条件", "黎川县农业农村局", 1000),
}


# The measure that closes each guarantee gap (assistance.selectors.GAP_CATEGORIES).
GAP_MEASURE = {
    "food_ok": (Category.SAFETY_NET, "纳入农村低保，落实临时救助", "黎川县民政局", 3600),
    "education_ok": (Category.COMPULSORY_EDUCATION, "控辍保学，劝返复学或送教上门", "黎川县教育体育局", 0),
    "medical_ok": (Category.HEALTH, "代缴城乡居民医保和大病保险个人缴费", "黎川县医疗保障局", 380),
    "housing_ok": (Category.HOUSING, "纳入农村危房改造", "黎川县住房和城乡建设局", 20000),
    "water_ok": (Category.WATER, "接通集中供水管网", "黎川县水利局", 1200),
}


def _gaps(county_code: str) -> dict[int, list[str]]:
    """{household id: the guarantee tests it fails} in the county's latest 2023 official run."""
    from fupin.targeting.models import IdentificationResult
    from fupin.targeting.selectors import latest_official_run

    run = latest_official_run(county_code, YEAR)
    if run is None or run.year != YEAR:
        return {}
    found: dict[int, list[str]] = {}
    rows = (IdentificationResult.objects.filter(run=run)
            .filter(Q(food_ok=False) | Q(education_ok=False) | Q(medical_ok=False) | Q(housing_ok=False)
                    | Q(water_ok=False))
            .values_list("household_id", *GAP_MEASURE))
    for hid, *flags in rows:
        found[hid] = [key for key, ok in zip(GAP_MEASURE, flags, strict=True) if ok is False]
    return found


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return "13" + f"{rng.randrange(0, 10**9):09d}"


def _income_project(rng: random.Random) -> tuple[str, str, str, int, int]:
    """(category, description, lead unit, cost, expected yearly income)."""
    kind = rng.random()
    if kind < 0.55:
        industry = rng.choice(INDUSTRIES)
        return (Category.INDUSTRY, f"发展{industry}产业，产业直补并入股合作社分红", "黎川县农业农村局",
                rng.randrange(10, 40) * 100, rng.randrange(20, 80) * 100)
    if kind < 0.8:
        return (Category.EMPLOYMENT, "转移就业，落实一次性交通补贴", "黎川县人力资源和社会保障局",
                rng.randrange(3, 10) * 100, rng.randrange(150, 400) * 100)
    if kind < 0.92:
        return Category.PUBLIC_JOB, "安排村保洁公益性岗位", "黎川县乡村振兴局", 0, rng.randrange(60, 120) * 100
    return Category.CREDIT, "扶贫小额信贷入股产业基地，按年分红", "黎川县金融办", 2500, rng.randrange(30, 60) * 100


VILLAGE_MEASURES = [
    (Category.INFRASTRUCTURE, "通组公路硬化 2.5 公里", "黎川县交通运输局", 600000),
    (Category.WATER, "自然村集中供水工程", "黎川县水利局", 180000),
    (Category.INDUSTRY, "组建产业合作社，贫困户土地入股", "黎川县农业农村局", 200000),
    (Category.LIVING, "村庄整治，改水改厕", "黎川县农业农村局", 150000),
    (Category.EMPLOYMENT, "建设扶贫车间，吸纳就近就业", "黎川县人力资源和社会保障局", 300000),
]

VILLAGE_PROJECTS = [
    ("村组道路硬化", "infrastructure", "黎川县交通运输局"), ("安全饮水巩固提升", "infrastructure", "黎川县水利局"),
    ("{industry}种植基地", "industry", "黎川县农业农村局"), ("村级光伏电站", "industry", "黎川县乡村振兴局"),
    ("农田水利设施修缮", "infrastructure", "黎川县水利局"), ("村卫生室标准化建设", "health", "黎川县卫生健康委员会"),
]


def _village_projects(county_code: str, villages: list[Division], rng: random.Random, users: dict) -> int:
    """Declare a batch of projects for villages that have none in the library yet (leaving some without)."""
    from django.utils import timezone

    from fupin.funds.actions import next_project_code
    from fupin.funds.models import Project, ProjectStatus, ProjectStep
    from fupin.funds.selectors import village_project_counts

    have = {r["division_code"] for r in village_project_counts(county_code, YEAR)}
    seq = int(next_project_code(county_code, YEAR).split("-")[1])
    actor = users.get("township")
    projects = []
    for v in villages:
        if v.code in have or rng.random() < 0.12:
            continue
        for name, kind, lead in rng.sample(VILLAGE_PROJECTS, rng.randrange(1, 3)):
            status = ProjectStatus.APPROVED if rng.random() < 0.5 else ProjectStatus.DECLARED
            title = f"{v.name}{name.format(industry=rng.choice(INDUSTRIES))}"
            projects.append(Project(
                county_code=county_code, division_code=v.code, year=YEAR, code=f"{YEAR}-{seq:04d}", name=title,
                type=kind, budget=Decimal(rng.randrange(5, 40) * 10000), lead_unit=lead, status=status,
                starts_on=dt.date(YEAR, 4, 1), ends_on=dt.date(YEAR, 11, 30), description=title, created_by=actor))
            seq += 1
    Project.objects.bulk_create(projects)
    label = (actor.full_name or actor.username) if actor else "system"
    steps = []
    for p in projects:
        path = [ProjectStatus.DECLARED] + ([ProjectStatus.APPROVED] if p.status == ProjectStatus.APPROVED else [])
        for i, status in enumerate(path):
            steps.append(ProjectStep(county_code=county_code, project=p, from_status=path[i - 1] if i else "",
                                     to_status=status, actor=actor, actor_label=label,
                                     acted_at=timezone.make_aware(dt.datetime(YEAR, 3 + i, 15, 10, 0))))
    ProjectStep.objects.bulk_create(steps)
    return len(projects)


@atomic()
def generate(*, county_code: str, seed: int, users: dict) -> str:
    """Create the demo's assistance data; return one line saying what was made."""
    # One random stream per part, so each part comes out the same whatever the others did.
    def stream(part: int) -> random.Random:
        return random.Random(seed * 100 + part)

    rng = stream(1)
    today = clock.today()
    county = users.get("county")
    townships = list(Division.objects.filter(county_code=county_code, level=Level.TOWNSHIP).order_by("code"))
    villages = list(Division.objects.filter(county_code=county_code, level=Level.VILLAGE,
                                            kind=Kind.VILLAGE_COMMITTEE).order_by("code"))
    poor = set(VillageProfile.objects.filter(county_code=county_code).filter(
        Q(poverty_status=codes.VillagePovertyStatus.POOR) | Q(listed_13th_plan=True)).values_list("division_id",
                                                                                                flat=True))

    # 一乡一个挂点县领导: all but two townships (not the demo township).
    rural = [t.code for t in townships if t.code != "361022201"
             and Division.objects.filter(parent_code=t.code, kind=Kind.VILLAGE_COMMITTEE).exists()]
    without_leader = set(rng.sample(rural, min(2, len(rural))))
    leaders = [CountyLeader(county_code=county_code, division_code=t.code, name=_name(rng), post=rng.choice(POSTS),
                            unit="黎川县人民政府", phone=_phone(rng),
                            started_on=dt.date(2021, 6, 1) + dt.timedelta(days=rng.randrange(0, 300)))
               for t in townships if t.code not in without_leader]
    CountyLeader.objects.bulk_create(leaders)

    # Plans of the county, the townships (one without) and the villages (all poor ones, most others).
    rng = stream(2)
    approved_on = dt.date(YEAR, 3, 20)
    plans = [Plan(county_code=county_code, year=YEAR, level=PlanLevel.COUNTY, division_code=county_code,
                  title=f"黎川县 {YEAR} 年脱贫攻坚巩固提升方案",
                  goals="贫困人口人均可支配收入增幅高于全县平均；全面完成建档立卡贫困户危旧房改造；"
                        "有劳动能力的贫困户都有一个以上增收产业。",
                  approach="产业扶贫、保障扶贫、安居扶贫三大工程；落实八个一帮扶措施。",
                  planned_exits=1200, planned_exit_people=3900, status=PlanStatus.APPROVED, approved_by=county,
                  approved_on=approved_on, created_by=county)]
    without_plan = rng.choice(rural) if rural else ""
    for t in townships:
        if t.code == without_plan:
            continue
        plans.append(Plan(county_code=county_code, year=YEAR, level=PlanLevel.TOWNSHIP, division_code=t.code,
                          title=f"{t.name} {YEAR} 年精准扶贫帮扶方案",
                          goals=f"全乡（镇）计划脱贫 {rng.randrange(40, 140)} 户，贫困村基础设施明显改善。",
                          approach="乡（镇）主要领导抓好 1 个产业扶贫示范点；合作社+贫困户全覆盖。",
                          planned_exits=rng.randrange(40, 140), status=PlanStatus.APPROVED, approved_by=county,
                          approved_on=approved_on, created_by=county))
    village_plans = 0
    for v in villages:
        if v.code not in poor and rng.random() < 0.12:
            continue
        village_plans += 1
        industry = rng.choice(INDUSTRIES)
        approved = rng.random() < 0.8
        plans.append(Plan(county_code=county_code, year=YEAR, level=PlanLevel.VILLAGE, division_code=v.code,
                          title=f"{v.name} {YEAR} 年发展目标", goals=f"选准{industry}为主导产业，组建一个合作组织；"
                          f"村集体经济收入达到 {rng.randrange(5, 20)} 万元。",
                          approach="设立一笔贷款风险金，落实一种帮扶机制；完善通组公路和安全饮水。",
                          planned_exits=rng.randrange(5, 40),
                          status=PlanStatus.APPROVED if approved else PlanStatus.DRAFT,
                          approved_by=users.get("township") if approved else None,
                          approved_on=approved_on if approved else None, created_by=users.get("village")))
    Plan.objects.bulk_create(plans)
    # The village plans' own measures (一村一策): infrastructure and the village's leading industry.
    village_measures = []
    for plan in plans:
        if plan.level != PlanLevel.VILLAGE:
            continue
        for category, text, unit, cost in rng.sample(VILLAGE_MEASURES, 2):
            done = rng.random() < 0.4
            village_measures.append(Measure(
                county_code=county_code, division_code=plan.division_code, plan=plan, year=YEAR, category=category,
                description=text, cost=Decimal(cost), lead_unit=unit, planned_on=dt.date(YEAR, rng.randrange(5, 12), 1),
                status=MeasureStatus.DONE if done else MeasureStatus.IN_PROGRESS,
                done_on=dt.date(YEAR, rng.randrange(3, 11), rng.randrange(1, 28)) if done else None))
    Measure.objects.bulk_create(village_measures)

    # Work teams (定点帮扶工作组) for most villages the generator left without one: it staffs the poor
    # villages, each with a first secretary.
    rng = stream(3)
    staffed = set(WorkTeamMember.objects.filter(county_code=county_code).values_list("division_code", flat=True))
    team = []
    for v in villages:
        if v.code in staffed or rng.random() < 0.08:
            continue
        started = dt.date(2021, 5, 1) + dt.timedelta(days=rng.randrange(0, 300))
        for role in ("leader", "member"):  # first secretaries go to the poor villages (the generator's)
            team.append(WorkTeamMember(county_code=county_code, division_code=v.code, role=role, name=_name(rng),
                                       unit=rng.choice(UNITS), phone=_phone(rng), started_on=started))
    WorkTeamMember.objects.bulk_create(team)

    # 一村一批扶持项目: the funds demo puts projects in the poor villages; most other villages
    # declare a batch of their own into the project library (some leave it for later: the gap).
    rng = stream(7)
    village_projects = _village_projects(county_code, villages, rng, users)

    # Household plans: most helped households; most with an income project.
    rng = stream(4)
    helped = list(Household.objects.filter(county_code=county_code).filter(rules.needs_help_q())
                  .order_by("id").values_list("id", "division_id", "main_cause", "poverty_attribute",
                                              "household_code"))
    demo_helper = users.get("helper")
    mine = set(Household.objects.filter(helper_user=demo_helper).values_list("id", flat=True)) if demo_helper else set()
    household_plans, chosen = [], []
    # Leave two of the demo helper's households without a plan, and about one in ten elsewhere.
    mine_unplanned = set(sorted(mine)[:2])
    for hid, village, cause, attribute, code in helped:
        if hid in mine_unplanned or (hid not in mine and rng.random() < 0.1):
            continue
        approved = rng.random() < 0.7
        household_plans.append(Plan(
            county_code=county_code, year=YEAR, level=PlanLevel.HOUSEHOLD, division_code=village, household_id=hid,
            title=f"{code} 户 {YEAR} 年度帮扶计划", goals="年内人均纯收入稳定超过扶贫标准，两不愁三保障全部落实。",
            planned_income=Decimal(rng.randrange(45, 90) * 100),
            status=PlanStatus.APPROVED if approved else PlanStatus.DRAFT,
            approved_by=users.get("village") if approved else None, approved_on=approved_on if approved else None))
        chosen.append((hid, village, cause, attribute))
    Plan.objects.bulk_create(household_plans, batch_size=5000)
    plan_ids = dict(Plan.objects.filter(county_code=county_code, year=YEAR, level=PlanLevel.HOUSEHOLD)
                    .values_list("household_id", "id"))
    measures = []
    income_projects = 0
    # Households whose 2023 identification found a guarantee gap mostly get a measure of its kind;
    # the rest stay on the gap list (八个一 → 保障缺口与措施).
    gaps = _gaps(county_code)
    gap_measures = 0
    for hid, village, cause, attribute in chosen:
        for gap in gaps.get(hid, ()):
            if rng.random() < 0.8:
                category, text, unit, cost = GAP_MEASURE[gap]
                measures.append(Measure(
                    county_code=county_code, division_code=village, plan_id=plan_ids[hid], household_id=hid,
                    year=YEAR, category=category, description=text, cost=Decimal(cost), lead_unit=unit,
                    planned_on=dt.date(YEAR, rng.randrange(3, 12), 1), status=MeasureStatus.IN_PROGRESS))
                gap_measures += 1
        category, text, unit, cost = CAUSE_MEASURE.get(cause or "99", CAUSE_MEASURE["99"])
        done = rng.random() < 0.6
        common = {"county_code": county_code, "division_code": village, "plan_id": plan_ids[hid], "household_id": hid,
                  "year": YEAR}
        measures.append(Measure(
            **common, category=category, description=text, cost=Decimal(cost), lead_unit=unit,
            planned_on=dt.date(YEAR, rng.randrange(3, 12), 1),
            status=MeasureStatus.DONE if done else MeasureStatus.IN_PROGRESS,
            done_on=dt.date(YEAR, rng.randrange(3, 12), rng.randrange(1, 28)) if done else None))
        # 特困 households (no one able to work) and some others get no income project: the gaps.
        if attribute == codes.PovertyAttribute.TEKUN or rng.random() < 0.08 or (hid in mine and rng.random() < 0.3):
            continue
        category, text, unit, cost, income = _income_project(rng)
        measures.append(Measure(
            **common, category=category, description=text, cost=Decimal(cost), lead_unit=unit,
            planned_on=dt.date(YEAR, rng.randrange(3, 12), 1), status=MeasureStatus.IN_PROGRESS,
            income_project=True, expected_income=Decimal(income)))
        income_projects += 1
    Measure.objects.bulk_create(measures, batch_size=5000)

    # A few helped households without a helper (not the demo helper's); the demo helper's own
    # households carry the helper's name on their cards, as registry.assign_helper would copy it.
    rng = stream(5)
    if demo_helper is not None:
        Household.objects.filter(helper_user=demo_helper).update(
            helper_name=demo_helper.full_name or demo_helper.username, helper_unit=demo_helper.organisation,
            helper_phone=demo_helper.phone)
    unhelped = [hid for hid, *_rest in helped if hid not in mine and rng.random() < 0.01]
    Household.objects.filter(pk__in=unhelped).update(helper_name="", helper_unit="", helper_phone="",
                                                     helper_user=None)

    # Visits to the demo helper's households: most recent, three not visited for more than 30 days.
    rng = stream(6)
    visits = []
    villages_of = dict(Household.objects.filter(pk__in=mine).values_list("id", "division_id"))
    heads = dict(Member.objects.filter(household_id__in=mine, relation=codes.Relation.HEAD)
                 .values_list("household_id", "name"))
    notes = ["了解家庭收入和务工情况，宣讲产业奖补政策。", "查看住房和饮水安全，核对家庭成员信息。",
             "跟进产业项目进展，帮助联系合作社收购。", "了解医疗报销情况，协助办理慢病卡。"]
    for n, hid in enumerate(sorted(mine)):
        stale = n < 3
        last = today - dt.timedelta(days=rng.randrange(35, 80) if stale else rng.randrange(1, 25))
        for k in range(rng.randrange(2, 5)):
            visits.append(Visit(
                county_code=county_code, division_code=villages_of[hid], household_id=hid,
                visited_on=last - dt.timedelta(days=k * rng.randrange(25, 45)), visitor=demo_helper,
                visitor_name=demo_helper.full_name or demo_helper.username,
                notes=f"{heads.get(hid, '')}户：{rng.choice(notes)}",
                findings=rng.choice(["", "", "屋顶漏雨，需维修。", "子女在外务工收入不稳定。"]),
                actions_taken=rng.choice(["", "已联系村委会安排维修。", "推荐参加县里的就业培训。"])))
    Visit.objects.bulk_create(visits)
    return _("帮扶：县级领导 %(leaders)s 人，县、乡镇方案 %(plans)s 个，村级方案 %(village_plans)s 个，"
             "村申报项目 %(village_projects)s 个，户帮扶计划 %(household_plans)s 个、措施 %(measures)s 条"
             "（增收项目 %(income_projects)s 条，补保障缺口 %(gap_measures)s 条），新增驻村工作队员 %(team)s 人，"
             "%(unhelped)s 户未安排帮扶人，走访 %(visits)s 次") % {
        "leaders": len(leaders), "plans": len(plans) - village_plans, "village_plans": village_plans,
        "village_projects": village_projects, "household_plans": f"{len(household_plans):,}",
        "measures": f"{len(measures):,}", "income_projects": f"{income_projects:,}", "gap_measures": f"{gap_measures:,}",
        "team": len(team), "unhelped": len(unhelped), "visits": len(visits)}
