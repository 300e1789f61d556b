"""Demo data for welfare: called by `fupin demo` after the population is generated.

A 2023 standard for Lichuan (illustrative numbers, not the official ones); insurance-premium
subsidies for most 低保/特困 members; medical-aid cases for the seriously ill of poor households;
education aid for most schoolchildren of registered households; the two disability subsidies for
most of those eligible; renovation records for the C/D houses (accepted for the renovated ones,
some in progress, some not started); two relocation sites with the relocated households moved in
and a few allocated; a dozen charity needs, offers and matches. Deliberate gaps everywhere so the
"eligible but not covered" lists show something. Bulk inserts, deterministic from the seed.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from fupin.core.actions import SYSTEM, atomic
from fupin.registry.models import Household, Member
from fupin.welfare import actions
from fupin.welfare.models import (
    SCHOOLING_STAGE,
    DisabilitySubsidy,
    EducationAid,
    HouseRenovation,
    MedicalAid,
    PremiumSubsidy,
    Relocation,
    RelocationSite,
)

# Tables emptied (children first) when the demo is generated again.
TABLES: list[str] = [
    "welfare_charitymatch", "welfare_charityneed", "welfare_charityoffer", "welfare_relocation",
    "welfare_relocationsite", "welfare_houserenovation", "welfare_disabilitysubsidy", "welfare_educationaid",
    "welfare_medicalaid", "welfare_premiumsubsidy", "welfare_welfarestandard",
]

YEAR = 2023
D = Decimal

# Illustrative figures (not the official ones): the 低保 line and 特困 standard are set for the demo
# population's incomes, which follow the plan's era (a national line of about 2,800 yuan).
STANDARD = {
    "dibao_line": D("2760"), "tekun_standard": D("3600"), "premium_subsidy": D("380"),
    "edu_preschool": D("1000"), "edu_compulsory": D("1250"), "edu_senior": D("2000"), "edu_vocational": D("2000"),
    "edu_higher": D("3000"), "disability_living_monthly": D("80"), "disability_care_monthly": D("100"),
    "notes": "演示数据：数额仅为示意（按演示人口的收入水平设定），并非黎川县或江西省正式公布的标准。",
}
STAGE_AMOUNT = {"preschool": "edu_preschool", "compulsory": "edu_compulsory", "senior": "edu_senior",
                "vocational": "edu_vocational", "higher": "edu_higher"}
REGISTERED = ("poor", "exited", "monitored")


def _day(rng: random.Random, start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(days))


def _member_base(m: dict) -> dict:
    return {"county_code": m["county_code"], "division_code": m["division_code"], "household_id": m["household_id"],
            "member_id": m["id"]}


def generate(*, county_code: str, seed: int, users: dict) -> str:
    """Create the demo's welfare data; return one line saying what was made."""
    rng = random.Random(seed * 7 + 6)
    with atomic():
        standard = actions.save_standard(actor=SYSTEM, region_code=county_code, year=YEAR, values=STANDARD)
        members = Member.objects.filter(county_code=county_code, status="active")
        counts = {}
        counts["premium"] = _premiums(rng, members, standard)
        counts["medical"] = _medical(rng, members)
        counts["education"] = _education(rng, members, standard)
        counts["disability"] = _disability(rng, members, standard)
        counts["renovations"] = _renovations(rng, county_code)
        counts["relocations"] = _relocations(rng, county_code)
        counts["charity"] = _charity(rng, county_code)
    return _("保障与社会帮扶：%(year)s 年标准（示意）；参保资助 %(premium)s 笔，医疗救助 %(medical)s 例，"
             "教育资助 %(education)s 笔，残疾人补贴 %(disability)s 笔，危房改造 %(renovations)s 户，"
             "易地搬迁 %(relocations)s 户（2 个安置点），社会帮扶需求 %(charity)s 条（含认捐和对接）") % {
        "year": YEAR, "premium": f"{counts['premium']:,}", "medical": f"{counts['medical']:,}",
        "education": f"{counts['education']:,}", "disability": f"{counts['disability']:,}",
        "renovations": f"{counts['renovations']:,}", "relocations": f"{counts['relocations']:,}",
        "charity": counts["charity"]}


def _premiums(rng, members, standard) -> int:
    rows = [PremiumSubsidy(**_member_base(m), year=YEAR, amount=standard.premium_subsidy,
                           paid_on=_day(rng, dt.date(YEAR, 1, 5), 60))
            for m in members.filter(Q(dibao=True) | Q(tekun=True))
            .values("id", "county_code", "division_code", "household_id").order_by("id")
            if rng.random() < 0.92]
    PremiumSubsidy.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _medical(rng, members) -> int:
    rows = []
    sick = (members.filter(household__household_type__in=REGISTERED, serious_illness=True)
            .values("id", "county_code", "division_code", "household_id").order_by("id"))
    for m in sick:
        for _case in range(rng.choice((0, 1, 1, 2))):
            total = D(rng.randrange(3000, 80000))
            basic = (total * D(rng.uniform(0.5, 0.7))).quantize(D("0.01"))
            critical = ((total - basic) * D(rng.uniform(0.2, 0.5))).quantize(D("0.01"))
            aid = ((total - basic - critical) * D(rng.uniform(0.3, 0.7))).quantize(D("0.01"))
            rows.append(MedicalAid(**_member_base(m), treated_on=_day(rng, dt.date(YEAR, 1, 1), 360),
                                   hospital=rng.choice(["黎川县人民医院", "黎川县中医院", "抚州市第一人民医院",
                                                        "江西省人民医院"]),
                                   total_cost=total, basic_paid=basic, critical_paid=critical, aid_amount=aid))
    MedicalAid.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _education(rng, members, standard) -> int:
    rows = []
    children = (members.filter(household__household_type__in=REGISTERED, schooling__in=list(SCHOOLING_STAGE))
                .values("id", "county_code", "division_code", "household_id", "schooling").order_by("id"))
    for m in children:
        if rng.random() >= 0.9:  # some missing
            continue
        stage = SCHOOLING_STAGE[m["schooling"]]
        yearly = getattr(standard, STAGE_AMOUNT[stage])
        half = (yearly / 2).quantize(D("0.01"))
        rows.append(EducationAid(**_member_base(m), year=YEAR, stage=stage, semester="spring", amount=half,
                                 paid_on=_day(rng, dt.date(YEAR, 3, 1), 60)))
        if rng.random() < 0.85:
            rows.append(EducationAid(**_member_base(m), year=YEAR, stage=stage, semester="autumn", amount=half,
                                     paid_on=_day(rng, dt.date(YEAR, 9, 10), 60)))
    EducationAid.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _disability(rng, members, standard) -> int:
    from fupin.welfare.selectors import dibao_household_q

    rows = []
    base = ("id", "county_code", "division_code", "household_id")
    living = members.filter(disabled=True).filter(dibao_household_q()).values(*base).order_by("id")
    care = members.filter(disabled=True, disability_grade__in=["1", "2"]).values(*base).order_by("id")
    for kind, qs, monthly in (("living", living, standard.disability_living_monthly),
                              ("care", care, standard.disability_care_monthly)):
        for m in qs:
            if rng.random() < 0.85:
                paid = rng.random() < 0.9
                rows.append(DisabilitySubsidy(**_member_base(m), kind=kind, year=YEAR, months=12,
                                              monthly_amount=monthly, paid=paid,
                                              paid_on=dt.date(YEAR, 12, 20) if paid else None))
    DisabilitySubsidy.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _renovations(rng, county_code) -> int:
    rows = []
    houses = (Household.objects.filter(county_code=county_code, status="active", house_grade__in=["C", "D"])
              .values("id", "division_id", "house_grade", "house_renovated").order_by("id"))
    for h in houses:
        grade = h["house_grade"]
        method = rng.choice(["repair", "repair", "rebuild"] if grade == "C" else ["rebuild", "rebuild", "replace"])
        subsidy = D(rng.choice([8000, 10000, 12000]) if method == "repair" else rng.choice([20000, 25000, 30000]))
        base = {"county_code": county_code, "division_code": h["division_id"], "household_id": h["id"],
                "grade": grade, "method": method, "subsidy": subsidy}
        if h["house_renovated"]:
            year = rng.choice([2019, 2020, 2021, 2022])
            started = _day(rng, dt.date(year, 3, 1), 120)
            completed = started + dt.timedelta(days=rng.randrange(60, 150))
            rows.append(HouseRenovation(**base, year=year, status="accepted", started_on=started,
                                        completed_on=completed, accepted_on=completed + dt.timedelta(days=20)))
        elif rng.random() < 0.6:  # in progress; the rest are not started (the gap)
            started = _day(rng, dt.date(YEAR, 3, 1), 180)
            if rng.random() < 0.3:
                rows.append(HouseRenovation(**base, year=YEAR, status="completed", started_on=started,
                                            completed_on=started + dt.timedelta(days=90)))
            else:
                rows.append(HouseRenovation(**base, year=YEAR, status="started", started_on=started))
    HouseRenovation.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _relocations(rng, county_code) -> int:
    willing = list(Household.objects.filter(county_code=county_code, status="active", relocation_willing=True)
                   .values("id", "division_id", "relocated").order_by("id"))
    moved = [h for h in willing if h["relocated"]]
    waiting = [h for h in willing if not h["relocated"]]
    allocated = [h for h in waiting if rng.random() < 0.3]
    placed = moved + allocated
    half = len(placed) * 2 // 3
    sites = [
        RelocationSite.objects.create(county_code=county_code, division_code=f"{county_code}100",
                                      name="日峰镇城南集中安置点", site_type="concentrated",
                                      capacity=max(half + 20, 40), status="in_use"),
        RelocationSite.objects.create(county_code=county_code, division_code=f"{county_code}201",
                                      name="湖坊乡中心村安置点", site_type="concentrated",
                                      capacity=max(len(placed) - half + 10, 20), status="in_use"),
    ]
    rows = []
    for i, h in enumerate(placed):
        site = sites[0] if i < half else sites[1]
        allocated_on = _day(rng, dt.date(YEAR - 1 if h["relocated"] else YEAR, 3, 1), 200)
        rows.append(Relocation(county_code=county_code, division_code=h["division_id"], household_id=h["id"],
                               site=site, year=allocated_on.year, willing_confirmed=True, allocated_on=allocated_on,
                               moved_in_on=allocated_on + dt.timedelta(days=rng.randrange(30, 120))
                               if h["relocated"] else None,
                               status="moved_in" if h["relocated"] else "allocated"))
    Relocation.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


NEEDS = [
    ("education", "大学新生学费资助", 6000, False, True),
    ("medical", "医疗费用缺口", 12000, False, True),
    ("living", "冬季棉被与衣物", 800, True, True),
    ("housing", "危房改造自筹部分", 10000, False, True),
    ("industry", "白茶种植茶苗", 3000, True, True),
    ("employment", "电动三轮车（务工通勤）", 4500, True, True),
    ("infrastructure", "村组路灯安装", 30000, False, False),
    ("infrastructure", "村卫生室医疗设备", 20000, True, False),
    ("education", "村小图书角图书", 5000, True, False),
    ("living", "留守老人助餐点炊具", 6000, True, False),
    ("industry", "食用菌大棚薄膜", 8000, True, False),
    ("other", "村文化广场健身器材", 15000, True, False),
]
OFFERS = [
    ("黎川县慈善总会", "organisation", "education", 20000, False),
    ("黎川县工商业联合会", "organisation", "infrastructure", 50000, False),
    ("江西某茶业有限公司", "organisation", "industry", 12000, True),
    ("县红十字会", "organisation", "medical", 15000, False),
    ("爱心人士黄先生", "person", "living", 3000, False),
    ("县直机关党员志愿者", "organisation", "other", 8000, False),
]


def _charity(rng, county_code) -> int:
    """A dozen needs (six for households of the poor villages, six for the villages), six offers, and
    matches through the actions (so the statuses and remainders are the real ones)."""
    from fupin.registry.models import VillageProfile

    villages = list(VillageProfile.objects.filter(county_code=county_code, listed_13th_plan=True)
                    .order_by("division_id").values_list("division_id", flat=True))
    if not villages:
        return 0
    poor = list(Household.objects.filter(county_code=county_code, status="active", household_type="poor",
                                         division_id__in=villages).order_by("id").values_list("id", flat=True)[:400])
    needs = []
    for i, (category, title, amount, in_kind, for_household) in enumerate(NEEDS):
        household = Household.objects.get(pk=rng.choice(poor)) if for_household and poor else None
        needs.append(actions.post_need(
            actor=SYSTEM, division_code=villages[i % len(villages)], household=household, category=category,
            title=title, amount=D(amount), in_kind=in_kind, posted_on=dt.date(YEAR, 3 + i % 8, 5 + i),
            description="需求经村两委核实，公开征集社会帮扶。"))
    offers = [actions.register_offer(actor=SYSTEM, division_code=county_code, donor=donor, donor_type=kind,
                                     category=category, amount=D(amount), in_kind=in_kind,
                                     offered_on=dt.date(YEAR, 3, 1 + i), contact="0794-7222000",
                                     description="面向全县贫困村、贫困户。")
              for i, (donor, kind, category, amount, in_kind) in enumerate(OFFERS)]
    by_category = {o.category: o for o in offers}
    fallback = by_category["other"]
    for i, need in enumerate(needs):
        if i % 4 == 3:  # a quarter stays open
            continue
        offer = by_category.get(need.category, fallback)
        offer.refresh_from_db()
        amount = min(need.amount if i % 3 else (need.amount / 2).quantize(D("0.01")), offer.remaining)
        if amount <= 0:
            continue
        m = actions.match(actor=SYSTEM, need=need, offer=offer, amount=amount, matched_on=dt.date(YEAR, 10, 1 + i))
        if i % 2 == 0:
            actions.fulfil(actor=SYSTEM, charity_match=m, fulfilled_on=dt.date(YEAR, 11, 1 + i))
    return len(needs)

