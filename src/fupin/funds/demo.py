"""Demo data for funds: called by `fupin demo` after the population is generated.

The 2023 funds of the county plan: the central industry fund of 10,000,000, the province's 200,000
for the poor villages, 1,450,000 of county integrated funds for them (and 350,000 to a bridge in a
village that is not poor) and some departmental and social money; about 80 projects in every status;
allocations to townships, villages and households; several thousand 以奖代补 (to poor households able
and willing to work, a few exceptions) and 产业直补 payments. One poor village is left 50,000 short of
its provincial money and the poor villages 50,000 short of the county's 1.5 million, so the policy
checks page shows two failures. Everything is written in bulk,
deterministic from the seed, and consistent: no source, budget or allocation is exceeded.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core import audit
from fupin.core.actions import atomic
from fupin.divisions.models import Division, Level
from fupin.funds.models import (
    Allocation,
    Disbursement,
    DisbursementMode,
    FundSource,
    Project,
    ProjectBeneficiary,
    ProjectStatus,
    ProjectStep,
    ProjectType,
    SourceKind,
)
from fupin.registry import codes
from fupin.registry.models import Household, VillageProfile

# Tables emptied (children first) when the demo is generated again.
TABLES: list[str] = ["funds_disbursement", "funds_allocation", "funds_projectstep", "funds_projectbeneficiary",
                     "funds_project", "funds_fundsource", "funds_fundrule"]

YEAR = 2023
D = Decimal
INDUSTRIES = ["白茶", "香榧", "食用菌", "烤烟", "毛竹", "水产养殖"]
ORDER = [ProjectStatus.DECLARED, ProjectStatus.APPROVED, ProjectStatus.IMPLEMENTING, ProjectStatus.ACCEPTED,
         ProjectStatus.COMPLETED]


def _day(rng: random.Random, month_from: int, month_to: int) -> dt.date:
    return dt.date(YEAR, rng.randint(month_from, month_to), rng.randint(1, 28))


class _Builder:
    def __init__(self, county_code: str, seed: int, users: dict):
        self.county = county_code
        self.rng = random.Random(f"funds-{seed}")
        self.finance = users.get("finance")
        self.projects: list[Project] = []
        self.statuses: dict[int, str] = {}
        self.reasons: dict[int, str] = {}
        self.seq = 0

    def project(self, *, area: str, name: str, type: str, budget: D, status: str, lead: str, coop: str = "",
                reason: str = "", village_wide: bool = False) -> Project:
        self.seq += 1
        p = Project(county_code=self.county, division_code=area, year=YEAR, code=f"{YEAR}-{self.seq:04d}", name=name,
                    type=type, budget=budget, lead_unit=lead, cooperating_units=coop, status=status,
                    status_reason=reason, starts_on=dt.date(YEAR, 3, 1), ends_on=dt.date(YEAR, 12, 31),
                    description=name, created_by=self.finance, village_wide=village_wide)
        self.projects.append(p)
        return p


def generate(*, county_code: str, seed: int, users: dict) -> str:
    """Create the demo's funds data; return one line saying what was made."""
    with atomic():
        return _generate(county_code, seed, users)


def _generate(county_code: str, seed: int, users: dict) -> str:
    b = _Builder(county_code, seed, users)
    rng = b.rng
    finance = b.finance
    county = Division.objects.get(code=county_code)
    townships = list(Division.objects.filter(parent_code=county_code, level=Level.TOWNSHIP).order_by("code"))
    names = dict(Division.objects.filter(county_code=county_code, level=Level.VILLAGE).values_list("code", "name"))
    poor_villages = list(VillageProfile.objects.filter(county_code=county_code,
                                                       poverty_status=codes.VillagePovertyStatus.POOR)
                         .order_by("division_id").values_list("division_id", flat=True))
    poor = list(Household.objects.filter(county_code=county_code, status=codes.RecordStatus.ACTIVE,
                                         household_type=codes.HouseholdType.POOR)
                .order_by("pk").values_list("pk", "division_id", "size"))
    by_township: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    for row in poor:
        by_township[row[1][:9]].append(row)

    # --- sources ---------------------------------------------------------------------------------
    def source(kind, name, amount, doc, department=""):
        return FundSource(county_code=county_code, division_code=county_code, year=YEAR, kind=kind, name=name,
                          amount=D(amount), document_no=doc, department=department, received_on=dt.date(YEAR, 3, 15),
                          created_by=finance)

    central = source(SourceKind.CENTRAL_INDUSTRY, "赣南等原中央苏区产业扶贫资金", "10000000.00", "赣财农指〔2023〕12号")
    provincial = source(SourceKind.PROVINCIAL_VILLAGE, "省级贫困村专项扶贫资金",
                        D("200000.00") * len(poor_villages), "赣财农指〔2023〕20号")
    integrated = source(SourceKind.COUNTY_INTEGRATED, "县级统筹整合涉农资金", "1800000.00", "黎府字〔2023〕8号")
    agri = source(SourceKind.DEPARTMENT, "农业保险保费补贴资金", "600000.00", "黎农字〔2023〕15号", "agriculture")
    water = source(SourceKind.DEPARTMENT, "农村饮水安全巩固提升资金", "400000.00", "黎水字〔2023〕6号", "water")
    social = source(SourceKind.SOCIAL, "社会帮扶捐赠资金", "150000.00", "")
    sources = [central, provincial, integrated, agri, water, social]
    FundSource.objects.bulk_create(sources)

    allocations: list[tuple[Allocation, list[Disbursement]]] = []
    beneficiaries: list[tuple[Project, int, str, D]] = []
    voucher = iter(range(1, 10**7))

    def allocate(source_, project, amount, area=None, household=None, when=None):
        a = Allocation(county_code=county_code, division_code=area or project.division_code, year=YEAR,
                       source=source_, project=project, household_id=household, amount=D(amount),
                       purpose=project.name, allocated_on=when or _day(rng, 4, 5), created_by=finance)
        entry = (a, [])
        allocations.append(entry)
        return entry

    def pay(entry, amount, mode, household=None, area=None, when=None):
        a = entry[0]
        entry[1].append(Disbursement(
            county_code=county_code, year=YEAR, allocation=a, source=a.source, project=a.project,
            allocation_area=a.division_code, division_code=area or a.division_code, amount=D(amount), mode=mode,
            household_id=household, paid_on=when or _day(rng, 5, 11), voucher_no=f"LC{YEAR}-{next(voucher):06d}",
            created_by=finance))

    # --- A: per township, industry rewards (以奖代补) to the poor households able and willing to work
    # (allocated per village); a few went to households with nobody able or willing, which the
    # 以奖代补 check lists as exceptions for the office to correct.
    from django.db.models import Exists

    from fupin.registry.selectors import able_to_work

    able = set(Household.objects.filter(pk__in=[row[0] for row in poor])
               .filter(Exists(able_to_work(dt.date(YEAR, 12, 31), willing=True))).values_list("pk", flat=True))
    central_used = D(0)
    reward_total = D(0)
    for t in townships:
        rows = [row for row in by_township.get(t.code, []) if row[0] in able or rng.random() < 0.04]
        if not rows:
            continue
        industry = INDUSTRIES[int(t.code[-3:]) % len(INDUSTRIES)]
        per_village: dict[str, list] = defaultdict(list)
        plans = []
        for hid, village, size in rows:
            reward = D(rng.choice([500, 600, 800, 1000, 1200])) + D(100) * min(size, 5)
            direct = D(rng.choice([300, 400, 500])) if hid % 3 == 0 else D(0)
            plans.append((hid, village, reward, direct))
            per_village[village].append((hid, reward, direct))
        total = sum((r + d for _h, _v, r, d in plans), D(0))
        budget = ((total * D("1.05")) / 1000).to_integral_value(rounding=ROUND_CEILING) * 1000
        p = b.project(area=t.code, name=f"{t.name}{industry}产业以奖代补到户项目", type=ProjectType.INDUSTRY,
                      budget=budget, status=ProjectStatus.IMPLEMENTING, lead="县农业农村局",
                      coop=f"{t.name}人民政府、县财政局")
        for hid, village, reward, direct in plans:
            beneficiaries.append((p, hid, village, reward + direct))
        for village, items in sorted(per_village.items()):
            need = sum((r + d for _h, r, d in items), D(0))
            if central_used + need > D("7500000.00"):
                continue  # a very large population: the rest waits for next year's money
            entry = allocate(central, p, need, area=village)
            for hid, reward, direct in items:
                pay(entry, reward, DisbursementMode.REWARD, household=hid)
                if direct:
                    pay(entry, direct, DisbursementMode.DIRECT_SUBSIDY, household=hid)
            central_used += need
            reward_total += sum((r for _h, r, _d in items), D(0))

    # --- D: per poor village, cooperative shares for its poor households (资产收益折股) ------------------
    for code in poor_villages:
        members = [row for row in by_township.get(code[:9], []) if row[1] == code]
        industry = INDUSTRIES[int(code[-3:]) % len(INDUSTRIES)]
        p = b.project(area=code, name=f"{names.get(code, code)}{industry}合作社资产收益扶贫项目",
                      type=ProjectType.INDUSTRY, budget=D("150000.00"), status=ProjectStatus.IMPLEMENTING,
                      lead="县扶贫和移民局", coop="村委会、专业合作社")
        entry = allocate(central, p, D("150000.00"))
        central_used += D("150000.00")
        for hid, village, _size in members[:200]:
            beneficiaries.append((p, hid, village, D("500.00")))
            pay(entry, D("500.00"), DisbursementMode.ASSET_SHARES, household=hid)

    # --- B: per township, loan risk compensation and interest subsidies (no household) -------------------
    remaining = D("10000000.00") - central_used
    per_township = max(D(0), (remaining * D("0.9") / max(len(townships), 1) / 1000).to_integral_value(rounding=ROUND_FLOOR) * 1000)
    if per_township:
        for i, t in enumerate(townships):
            status = ProjectStatus.COMPLETED if i % 3 == 0 else ProjectStatus.IMPLEMENTING
            p = b.project(area=t.code, name=f"{t.name}扶贫小额信贷风险补偿金及贴息", type=ProjectType.INDUSTRY,
                          budget=per_township, status=status, lead="县金融办", coop="县农商银行")
            entry = allocate(central, p, per_township)
            risk = (per_township * D("0.7")).quantize(D("0.01"))
            pay(entry, risk, DisbursementMode.LOAN_RISK)
            pay(entry, (per_township * D("0.1234")).quantize(D("0.01")), DisbursementMode.LOAN_INTEREST)

    # --- C: per poor village, infrastructure from the province and the county's integrated funds ---------
    # 1.45 million of the county's integrated funds go to the poor villages and 350,000 to a bridge in
    # a village that is not poor: the check (poor villages only) finds the county 50,000 short.
    short = poor_villages[len(poor_villages) // 2] if poor_villages else None
    to_poor = D("1450000.00")
    integrated_each = (to_poor / max(len(poor_villages), 1)).quantize(D("0.01"))
    integrated_used = D(0)
    for code in poor_villages:
        provincial_amount = D("150000.00") if code == short else D("200000.00")
        integrated_amount = min(integrated_each, to_poor - integrated_used)
        p = b.project(area=code, name=f"{names.get(code, code)}村组道路硬化及饮水工程", type=ProjectType.INFRASTRUCTURE,
                      budget=D("200000.00") + integrated_amount, status=ProjectStatus.IMPLEMENTING,
                      lead="县交通运输局", coop="县水利局、乡镇人民政府")
        entry = allocate(provincial, p, provincial_amount)
        pay(entry, (provincial_amount * D("0.6")).quantize(D("0.01")), DisbursementMode.WORKS)
        entry = allocate(integrated, p, integrated_amount)
        integrated_used += integrated_amount
        pay(entry, (integrated_amount * D("0.5")).quantize(D("0.01")), DisbursementMode.WORKS)
    bridge_village = next((c for c in sorted(names) if c not in set(poor_villages)), None)
    if bridge_village is not None:
        p = b.project(area=bridge_village, name=f"{names[bridge_village]}便民桥", type=ProjectType.INFRASTRUCTURE,
                      budget=D("350000.00"), status=ProjectStatus.IMPLEMENTING, lead="县交通运输局",
                      coop="乡镇人民政府", village_wide=True)
        entry = allocate(integrated, p, D("1800000.00") - integrated_used)
        pay(entry, D("100000.00"), DisbursementMode.WORKS)

    # --- E: departmental and social money ----------------------------------------------------------------
    for t in townships[:5]:
        p = b.project(area=t.code, name=f"{t.name}特色产业保险", type=ProjectType.INDUSTRY, budget=D("120000.00"),
                      status=ProjectStatus.ACCEPTED, lead="县农业农村局", coop="保险公司")
        entry = allocate(agri, p, D("120000.00"))
        pay(entry, D("96000.00"), DisbursementMode.INSURANCE)
    others = sorted(set(names) - set(poor_villages))
    water_villages = [others[i] for i in range(0, len(others), max(len(others) // 4, 1))][:4]
    for code in water_villages:
        p = b.project(area=code, name=f"{names[code]}饮水安全巩固提升工程", type=ProjectType.INFRASTRUCTURE,
                      budget=D("100000.00"), status=ProjectStatus.COMPLETED, lead="县水利局")
        entry = allocate(water, p, D("100000.00"))
        pay(entry, D("100000.00"), DisbursementMode.WORKS)
    for i, code in enumerate(poor_villages[:3]):
        kind = [ProjectType.EDUCATION, ProjectType.HEALTH, ProjectType.HOUSING][i]
        p = b.project(area=code, name=f"{names.get(code, code)}{kind.label}帮扶项目", type=kind,
                      budget=D("50000.00"), status=ProjectStatus.APPROVED, lead="县慈善总会")
        allocate(social, p, D("50000.00"))

    # --- F: the library's other states: declared, rejected, cancelled (no money) -------------------------
    pool = others or list(names)
    for i in range(12):
        code = pool[rng.randrange(len(pool))]
        kind = [ProjectType.INDUSTRY, ProjectType.INFRASTRUCTURE, ProjectType.TRAINING, ProjectType.WELFARE_JOBS][i % 4]
        status, reason = ProjectStatus.DECLARED, ""
        if i in (3, 7, 10):
            status, reason = ProjectStatus.REJECTED, "实施内容与扶贫对象关联不紧密，请补充受益户名单后重新申报"
        elif i == 11:
            status, reason = ProjectStatus.CANCELLED, "与县交通局项目重复，撤回申报"
        b.project(area=code, name=f"{names[code]}{kind.label}项目（{YEAR}年申报）", type=kind,
                  budget=D(rng.randrange(5, 40) * 10000), status=status, lead="村委会", reason=reason)

    # --- write -----------------------------------------------------------------------------------------
    Project.objects.bulk_create(b.projects, batch_size=500)
    steps = []
    now = timezone.now()
    label = audit.actor_label(finance)
    for p in b.projects:
        path = [ProjectStatus.DECLARED]
        if p.status in ORDER:
            path = ORDER[:ORDER.index(p.status) + 1]
        else:
            path = [ProjectStatus.DECLARED, p.status]
        for i, status in enumerate(path):
            when = timezone.make_aware(dt.datetime(YEAR, 2 + i * 2, 10, 9, 30))
            steps.append(ProjectStep(county_code=county_code, project=p, from_status=path[i - 1] if i else "",
                                     to_status=status, note=p.status_reason if status in (
                                         ProjectStatus.REJECTED, ProjectStatus.CANCELLED) else "",
                                     actor=finance, actor_label=label, acted_at=min(when, now)))
    ProjectStep.objects.bulk_create(steps, batch_size=2000)
    ProjectBeneficiary.objects.bulk_create(
        [ProjectBeneficiary(county_code=county_code, division_code=village, project=p, household_id=hid,
                            planned_amount=amount) for p, hid, village, amount in beneficiaries], batch_size=5000)
    Allocation.objects.bulk_create([a for a, _ in allocations], batch_size=2000)
    payments = []
    for a, entries in allocations:
        for d in entries:
            d.allocation = a
            d.source, d.project = a.source, a.project
            payments.append(d)
    Disbursement.objects.bulk_create(payments, batch_size=5000)
    # a payment made to the wrong household and reversed: the ledgers show both entries
    wrong = next((d for d in payments if d.mode == DisbursementMode.REWARD), None)
    if wrong is not None:
        Disbursement.objects.create(
            county_code=county_code, year=YEAR, allocation=wrong.allocation, source=wrong.source, project=wrong.project,
            allocation_area=wrong.allocation_area, division_code=wrong.division_code, amount=-wrong.amount,
            mode=wrong.mode, household_id=wrong.household_id, paid_on=wrong.paid_on + dt.timedelta(days=3),
            voucher_no=f"冲{wrong.voucher_no}", reverses=wrong, reason="户名与银行账户不符，退回重新核实", created_by=finance)
    paid_to_households = sum(1 for d in payments if d.household_id)
    return _("%(year)s 年资金：资金来源 %(sources)s 个，项目 %(projects)s 个，资金分配 %(allocations)s 笔，"
             "支付 %(payments)s 笔（到户 %(to_households)s 笔；以奖代补 %(reward)s 元，共 10,000,000.00 元）；"
             "%(county)s：%(village)s的省级资金少 50,000 元") % {
        "year": YEAR, "sources": len(sources), "projects": len(b.projects), "allocations": len(allocations),
        "payments": f"{len(payments):,}", "to_households": f"{paid_to_households:,}", "reward": f"{reward_total:,.2f}",
        "county": county.name, "village": names.get(short, "-") if short else "-"}
