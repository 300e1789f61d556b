"""Demo data for programmes: called by `fupin demo` after the population is generated.

The plan's six industries; 2022 and 2023 participation for about two thirds of the poor and exited
households (white tea 白茶 the most common); about twenty cooperatives in the poor villages (and a
few others) with member households and their shares; dividends for 2022 and 2023 split by the
same exact allocation as the action; 2023 courses of the training programmes with about a
thousand trainees, certificates, the subsidy standard and subsidies (some still to pay),
employment after training for about 90% of those who finished; public-welfare jobs in the poor
villages. Deliberate gaps: households in no industry, certificates without a subsidy, trainees
without a job, and the zero-employment households the population already holds.
Bulk inserts; deterministic from the seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from fupin.accounts.roles import Department
from fupin.core.actions import SYSTEM, atomic
from fupin.core.clock import years_before
from fupin.divisions.models import Division
from fupin.programmes import actions
from fupin.programmes.models import (
    Certificate,
    CertificateKind,
    Cooperative,
    CooperativeMember,
    Course,
    Dividend,
    DividendPayment,
    Employment,
    Industry,
    IndustryParticipation,
    PublicWelfareJob,
    ShareType,
    SubsidyStandard,
    SubsidyStatus,
    Trainee,
    TraineeStatus,
    TrainingProgramme,
    TrainingSubsidy,
)
from fupin.registry import codes
from fupin.registry.models import Household, Member, VillageProfile

# Tables emptied (children first) when the demo is generated again.
TABLES: list[str] = [
    "programmes_dividendpayment", "programmes_dividend", "programmes_cooperativemember",
    "programmes_cooperative_industries", "programmes_cooperative", "programmes_industryparticipation",
    "programmes_trainingsubsidy", "programmes_subsidystandard", "programmes_employment", "programmes_certificate",
    "programmes_trainee", "programmes_course", "programmes_publicwelfarejob", "programmes_industry",
]

YEAR = 2023
BATCH = 2000
# industry -> (weight among households, scale range in its unit, expected income per unit)
INDUSTRY_MIX = {"白茶": (34, (1, 6), 2200), "烤烟": (14, (3, 15), 1500), "食用菌": (16, (1, 5), 3000),
                "香榧": (10, (1, 8), 1800), "毛竹": (16, (5, 40), 300), "水产养殖": (10, (1, 6), 2500)}
SUPPORT = {"白茶": "茶苗补助、技术指导", "烤烟": "烤房补助、烟叶收购保障", "食用菌": "菌棒补助", "香榧": "苗木补助",
           "毛竹": "低产林改造补助", "水产养殖": "鱼苗补助"}
COURSES = [
    (TrainingProgramme.PRACTICAL, Department.AGRICULTURE, "白茶种植与加工技术培训班", "茶叶加工工"),
    (TrainingProgramme.PRACTICAL, Department.AGRICULTURE, "食用菌栽培技术培训班", "食用菌生产工"),
    (TrainingProgramme.SUNSHINE, Department.HUMAN_RESOURCES, "阳光工程家政服务培训班", "家政服务员"),
    (TrainingProgramme.GOLDEN_COLLAR, Department.HUMAN_RESOURCES, "金蓝领电工培训班", "电工"),
    (TrainingProgramme.GOLDEN_COLLAR, Department.HUMAN_RESOURCES, "金蓝领焊工培训班", "焊工"),
    (TrainingProgramme.RAIN_DEW, Department.RURAL_REVITALIZATION, "雨露计划中式烹调培训班", "中式烹调师"),
    (TrainingProgramme.SUNSHINE, Department.HUMAN_RESOURCES, "阳光工程电子商务培训班", "电子商务师"),
    (TrainingProgramme.PRACTICAL, Department.AGRICULTURE, "烤烟生产技术培训班", "农作物植保员"),
]
EMPLOYERS = [("黎川县工业园区陶瓷企业", "黎川县"), ("福建晋江鞋服企业", "福建晋江"), ("浙江义乌电商园", "浙江义乌"),
             ("县茶叶加工厂", "黎川县"), ("广东东莞电子厂", "广东东莞"), ("抚州市家政服务公司", "抚州市"),
             ("乡镇食用菌基地", "黎川县"), ("南昌建筑公司", "南昌市")]
POSTS = ["保洁员", "护林员", "水管员", "治安巡逻员", "河道巡查员", "公路养护员"]


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


@atomic()
def generate(*, county_code: str, seed: int, users: dict) -> str:
    rng = random.Random(seed * 6007 + 11)
    actions.seed_industries(actor=SYSTEM, county_code=county_code)
    industries = {i.name: i for i in Industry.objects.filter(county_code=county_code)}
    parts, chosen = _participations(rng, county_code, industries)
    coops, members, dividends, payments = _cooperatives(rng, county_code, industries, chosen)
    training = _training(rng, county_code)
    jobs = _welfare_jobs(rng, county_code)
    return _("产业与就业：产业参与 %(parts)s 条，合作社 %(coops)s 个（成员户 %(members)s 户），分红 %(dividends)s 次"
             "（发放 %(payments)s 笔）；培训班 %(courses)s 期，学员 %(trainees)s 人，证书 %(certificates)s 本，"
             "培训后就业 %(employed)s 人；公益性岗位 %(jobs)s 个") % {
        "parts": f"{parts:,}", "coops": coops, "members": f"{members:,}", "dividends": dividends,
        "payments": f"{payments:,}", "courses": training["courses"], "trainees": f"{training['trainees']:,}",
        "certificates": f"{training['certificates']:,}", "employed": f"{training['employed']:,}", "jobs": f"{jobs:,}"}


def _participations(rng, county_code, industries):
    households = list(Household.objects.filter(
        county_code=county_code, status=codes.RecordStatus.ACTIVE,
        household_type__in=[codes.HouseholdType.POOR, codes.HouseholdType.EXITED])
        .order_by("pk").values_list("pk", "division_id"))
    names = list(INDUSTRY_MIX)
    weights = [INDUSTRY_MIX[n][0] for n in names]
    rows = []
    chosen: dict[str, list[tuple[int, str]]] = defaultdict(list)  # village -> (household, industry)
    for household_id, village in households:
        if rng.random() > 0.68:
            continue  # a deliberate gap: households without an industry yet
        picks = {rng.choices(names, weights)[0]}
        if rng.random() < 0.3:
            picks.add(rng.choices(names, weights)[0])
        for name in sorted(picks):
            low, high = INDUSTRY_MIX[name][1]
            scale = _money(rng.uniform(low, high)).quantize(Decimal("0.1"))
            income = _money(scale * INDUSTRY_MIX[name][2])
            chosen[village].append((household_id, name))
            for year in (YEAR - 1, YEAR):
                if year == YEAR - 1 and rng.random() < 0.25:
                    continue
                rows.append(IndustryParticipation(
                    county_code=county_code, division_code=village, household_id=household_id,
                    industry=industries[name], year=year, scale=scale, expected_income=income,
                    support=SUPPORT[name], support_amount=_money(rng.choice([500, 800, 1000, 1200, 1500, 2000])),
                    started_on=dt.date(year, rng.randint(2, 4), rng.randint(1, 28))))
    IndustryParticipation.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows), chosen


def _cooperatives(rng, county_code, industries, chosen):
    poor = list(VillageProfile.objects.filter(county_code=county_code, listed_13th_plan=True)
                .order_by("division_id").values_list("division_id", flat=True))
    others = sorted((v for v in chosen if v not in poor), key=lambda v: -len(chosen[v]))[:6]
    villages = [v for v in poor + others if chosen.get(v)][:21]
    coop_rows = []
    for n, village in enumerate(villages):
        counts = Counter(name for _h, name in chosen[village])
        main = "白茶" if n % 3 == 0 else counts.most_common(1)[0][0]
        second = [name for name, _c in counts.most_common(3) if name != main][:1 if n % 2 else 0]
        coop_rows.append((village, main, second))
    names = dict(Division.objects.filter(code__in=villages).values_list("code", "name"))
    coops = Cooperative.objects.bulk_create([
        Cooperative(county_code=county_code, division_code=village, registration_code=f"93361022MA{35000 + n:05d}X",
                    name=f"黎川县{names.get(village, village)}{main}专业合作社", leader=rng.choice("黄李陈吴刘邓") + rng.choice("建国明华志强文"),
                    phone=f"1390794{n:04d}", founded_on=dt.date(2018 + n % 4, rng.randint(1, 12), rng.randint(1, 28)))
        for n, (village, main, _second) in enumerate(coop_rows)])
    Through = Cooperative.industries.through
    Through.objects.bulk_create([Through(cooperative_id=c.pk, industry_id=industries[name].pk)
                                 for c, (_v, main, second) in zip(coops, coop_rows, strict=True)
                                 for name in [main, *second]])
    member_rows = []
    for coop, (village, main, second) in zip(coops, coop_rows, strict=True):
        wanted = {main, *second}
        households = sorted({h for h, name in chosen[village] if name in wanted})
        households += sorted({h for h, _name in chosen[village]} - set(households))[:5]
        for household_id in households[:60]:
            joined = max(coop.founded_on, dt.date(2021, 1, 1)) + dt.timedelta(days=rng.randint(0, 500))
            member_rows.append(CooperativeMember(
                county_code=county_code, division_code=village, cooperative=coop, household_id=household_id,
                shares=Decimal(rng.choice([1, 2, 2, 3, 5, 5, 8, 10, 12, 20])) + (Decimal("0.5") if rng.random() < 0.1
                                                                             else 0),
                share_type=rng.choice(ShareType.values), joined_on=joined))
    CooperativeMember.objects.bulk_create(member_rows, batch_size=BATCH)
    dividends, payments = [], []
    for coop in coops:
        for year, declared in ((YEAR - 1, dt.date(YEAR, 1, 20)), (YEAR, dt.date(YEAR + 1, 1, 20))):
            held = list(CooperativeMember.objects.held_on(declared).filter(cooperative=coop, shares__gt=0)
                        .order_by("pk").values_list("pk", "household_id", "division_code", "shares"))
            if not held:
                continue
            whole = sum((s for *_r, s in held), Decimal(0))
            total = _money(whole * Decimal(rng.randint(2800, 6200)) / 100)
            dividend = Dividend(county_code=county_code, division_code=coop.division_code, cooperative=coop,
                                year=year, total=total, total_shares=whole, declared_on=declared,
                                note="按股分红，户户有股份、年年有分红")
            dividends.append((dividend, actions.dividend_rows(total, held)))
    Dividend.objects.bulk_create([d for d, _rows in dividends])
    for dividend, rows in dividends:
        payments += [DividendPayment(county_code=county_code, dividend=dividend, **row) for row in rows]
    DividendPayment.objects.bulk_create(payments, batch_size=BATCH)
    members = len({(m.household_id) for m in member_rows})
    return len(coops), members, len(dividends), len(payments)


def _training(rng, county_code):
    ref = dt.date(YEAR, 3, 1)
    people = list(Member.objects.filter(
        county_code=county_code, status=codes.RecordStatus.ACTIVE,
        household__household_type__in=[codes.HouseholdType.POOR, codes.HouseholdType.EXITED],
        birth_date__lte=years_before(ref, 18), birth_date__gt=years_before(ref, 55), serious_illness=False,
        disabled=False, schooling__in=["", codes.Schooling.NOT_IN_SCHOOL])
        .order_by("pk").values_list("pk", "household_id", "division_code"))
    picked = rng.sample(people, min(len(people), 1080))
    townships = sorted({code[:9] for _m, _h, code in picked})
    courses = []
    per_course = 45
    for n in range((len(picked) + per_course - 1) // per_course):
        programme, organiser, name, _occupation = COURSES[n % len(COURSES)]
        start = dt.date(YEAR, 3, 1) + dt.timedelta(days=9 * n)
        township = townships[n % len(townships)] if townships else county_code
        courses.append(Course(county_code=county_code, division_code=township, name=f"{name}（第{n // len(COURSES) + 1}期）",
                              programme=programme, organiser=organiser, place="乡镇文化活动中心",
                              start_on=start, end_on=start + dt.timedelta(days=rng.choice([7, 10, 14])),
                              hours=rng.choice([40, 56, 80, 120]), capacity=50))
    Course.objects.bulk_create(courses)
    trainees = []
    for i, (member_id, household_id, village) in enumerate(picked):
        course = courses[i // per_course]
        done = rng.random() < 0.96
        trainees.append(Trainee(county_code=county_code, division_code=village, course=course, member_id=member_id,
                                household_id=household_id, enrolled_on=course.start_on - dt.timedelta(days=5),
                                status=TraineeStatus.COMPLETED if done else TraineeStatus.DROPPED,
                                completed_on=course.end_on if done else None))
    Trainee.objects.bulk_create(trainees, batch_size=BATCH)
    completed = [t for t in trainees if t.status == TraineeStatus.COMPLETED]
    certificates = []
    for n, t in enumerate(completed):
        if rng.random() < 0.72:
            kind = CertificateKind.SKILL if rng.random() < 0.75 else CertificateKind.GRADE
            occupation = next(c[3] for c in COURSES if t.course.name.startswith(c[2]))
            certificates.append(Certificate(county_code=county_code, division_code=t.division_code, trainee=t,
                                            kind=kind, occupation=occupation, number=f"2336102200{n:05d}",
                                            issued_on=t.course.end_on + dt.timedelta(days=rng.randint(10, 40))))
    Certificate.objects.bulk_create(certificates, batch_size=BATCH)
    standards = {CertificateKind.SKILL: Decimal("800.00"), CertificateKind.GRADE: Decimal("1200.00")}
    SubsidyStandard.objects.bulk_create([SubsidyStandard(county_code=county_code, year=YEAR, kind=k, amount=a)
                                         for k, a in standards.items()])
    subsidies = []
    for c in certificates:
        if rng.random() < 0.9:  # the rest wait for the subsidy to be granted
            paid = rng.random() < 0.75
            granted = c.issued_on + dt.timedelta(days=rng.randint(5, 20))
            subsidies.append(TrainingSubsidy(
                county_code=county_code, division_code=c.division_code, member_id=c.trainee.member_id, certificate=c,
                year=YEAR, amount=standards[c.kind], granted_on=granted,
                status=SubsidyStatus.PAID if paid else SubsidyStatus.PENDING,
                paid_on=granted + dt.timedelta(days=rng.randint(10, 30)) if paid else None))
    TrainingSubsidy.objects.bulk_create(subsidies, batch_size=BATCH)
    jobs = []
    for t in completed:
        if rng.random() < 0.92:
            employer, place = rng.choice(EMPLOYERS)
            ended = rng.random() < 0.08
            start = t.course.end_on + dt.timedelta(days=rng.randint(1, 60))
            jobs.append(Employment(county_code=county_code, division_code=t.division_code, member_id=t.member_id,
                                   household_id=t.household_id, trainee=t, employer=employer, place=place,
                                   started_on=start, ended_on=start + dt.timedelta(days=200) if ended else None,
                                   monthly_wage=_money(rng.randint(2400, 6000))))
    Employment.objects.bulk_create(jobs, batch_size=BATCH)
    return {"courses": len(courses), "trainees": len(trainees), "certificates": len(certificates),
            "employed": len(jobs)}


def _welfare_jobs(rng, county_code):
    poor = set(VillageProfile.objects.filter(county_code=county_code, listed_13th_plan=True)
               .values_list("division_id", flat=True))
    ref = dt.date(YEAR, 3, 1)
    taken = set(Trainee.objects.filter(county_code=county_code).values_list("member_id", flat=True))
    people = [p for p in Member.objects.filter(
        county_code=county_code, status=codes.RecordStatus.ACTIVE, division_code__in=poor,
        household__household_type__in=[codes.HouseholdType.POOR, codes.HouseholdType.EXITED],
        birth_date__lte=years_before(ref, 30), birth_date__gt=years_before(ref, 60), serious_illness=False,
        disabled=False).order_by("pk").values_list("pk", "household_id", "division_code") if p[0] not in taken]
    picked = rng.sample(people, min(len(people), 15 * 14))
    rows = [PublicWelfareJob(county_code=county_code, division_code=village, post=rng.choice(POSTS),
                             member_id=member_id, household_id=household_id,
                             started_on=dt.date(YEAR, rng.randint(1, 6), rng.randint(1, 28)),
                             monthly_pay=_money(rng.choice([400, 500, 600, 800])))
            for member_id, household_id, village in picked]
    PublicWelfareJob.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
