"""A seeded synthetic population for Lichuan county, written with bulk inserts.

The numbers follow the county plan and public statistics of rural Jiangxi: about 14,300
registered poor people among a rural population of about 150,000 (45,000 households) at the
default size, with 15 十三五 poor villages where poverty is deeper. Illness is the most common
cause of poverty; ages agree with relationships; children are in school by age; IDs carry
Lichuan's address code, true birth dates, sex digits and checksums. The same seed always gives
the same county. Everything streams in batches, so a million households fit in memory.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core import audit, bulk
from fupin.core.actions import SYSTEM
from fupin.demo import names
from fupin.divisions.models import Division, Kind, Level
from fupin.registry import idnumber
from fupin.registry.models import Household, HouseholdIncome, Member, VillageProfile, WorkTeamMember

COUNTY = "361022"
DEFAULT_HOUSEHOLDS = 45_000
PLAN_POOR_PEOPLE = 14_326
POOR_VILLAGES = 15
# The village of the demo accounts (湖坊乡 枧源村) is always one of the poor villages.
DEMO_TOWNSHIP = "361022201"
DEMO_VILLAGE = "361022201205"
BATCH = 10_000


@dataclass
class DemoConfig:
    households: int = DEFAULT_HOUSEHOLDS
    seed: int = 2023
    year: int = 2023  # the plan's year: incomes for year-1 and year; ages and schooling at its end
    county: str = COUNTY  # any county whose divisions are loaded; Lichuan has the demo accounts' village

    @property
    def rng_seed(self):
        """Lichuan draws from the seed itself (the same county alone or in a prefecture); every other
        county from its own stream of the same seed."""
        return self.seed if self.county == COUNTY else f"{self.seed}:{self.county}"


@dataclass
class DemoStats:
    households: int = 0
    members: int = 0
    incomes: int = 0
    by_type: dict = field(default_factory=dict)
    people_by_type: dict = field(default_factory=dict)
    poor_villages: list = field(default_factory=list)


def _pick(rng: random.Random, table: list[tuple[object, float]]):
    """Choose a value from (value, weight) pairs."""
    r = rng.random() * sum(w for _v, w in table)
    for value, weight in table:
        r -= weight
        if r <= 0:
            return value
    return table[-1][0]


CAUSES = [("01", 38), ("02", 14), ("03", 9), ("08", 11), ("07", 9), ("09", 8), ("04", 3), ("05", 2),
          ("06", 1), ("10", 2), ("11", 2), ("99", 1)]
DISABILITY = [("4", 40), ("1", 15), ("2", 12), ("5", 10), ("6", 8), ("3", 5), ("7", 10)]
WORK_PLACE = [("out_of_province", 40), ("in_province", 20), ("in_county", 20), ("in_township", 20)]


class _Rows:
    """Rows for one model as lists in column order, starting from the model's defaults."""

    def __init__(self, model, skip=("id",)):
        self.fields = [f.name for f in model._meta.concrete_fields if f.name not in skip]
        self.index = {name: i for i, name in enumerate(self.fields)}
        template = []
        for f in model._meta.concrete_fields:
            if f.name in skip:
                continue
            default = f.get_default() if f.has_default() else ("" if f.empty_strings_allowed and not f.null else None)
            if hasattr(default, "value"):
                default = default.value
            template.append(default)
        self.template = template
        self.rows: list[list] = []

    def new(self, **values) -> list:
        row = self.template.copy()
        index = self.index
        for name, value in values.items():
            row[index[name]] = value
        self.rows.append(row)
        return row

    def set(self, row: list, **values) -> None:
        index = self.index
        for name, value in values.items():
            row[index[name]] = value


class Generator:
    def __init__(self, config: DemoConfig, *, helper_user_id: int | None = None,
                 progress: Callable[[str], None] = lambda _m: None, used_ids: set[str] | None = None):
        self.config = config
        self.county = config.county
        self.helper_user_id = helper_user_id
        self.rng = random.Random(config.rng_seed)
        self.risk_rng = random.Random(f"{config.rng_seed}:risk")  # its own stream: the rest of the county stays as it was
        self.progress = progress
        self.ref = dt.date(config.year, 12, 31)
        # ID numbers given so far: shared by the counties of one demo, so that nobody is born twice
        # (people who married in carry another county's address code)
        self.used_ids: set[str] = set() if used_ids is None else used_ids
        county_name = Division.objects.filter(code=self.county).values_list("name", flat=True).first() or ""
        self.helper_units = names.local(names.HELPER_UNITS, county_name)
        self.banks = names.local(names.BANKS, county_name)
        self.workplaces = names.local(names.WORKPLACES, county_name)
        self.stats = DemoStats()
        registered = dt.datetime(config.year, 6, 30, tzinfo=dt.UTC)
        self.created_at = (registered if connection.vendor == "postgresql"
                           else registered.strftime("%Y-%m-%d %H:%M:%S"))
        self.helpers_by_township: dict[str, list[tuple[str, str, str]]] = {}

    # --- people -------------------------------------------------------------------------------

    def _name(self, surname: str, sex: str) -> str:
        chars = names.MALE_CHARS if sex == "1" else names.FEMALE_CHARS
        rng = self.rng
        if rng.random() < 0.3:
            return surname + rng.choice(chars)
        first = rng.choice(names.GENERATION_CHARS) if rng.random() < 0.4 else rng.choice(chars)
        return surname + first + rng.choice(chars)

    def _id(self, birth: dt.date, sex: str, local: bool = True) -> str:
        rng = self.rng
        address = self.county if local or rng.random() < 0.4 else rng.choice(names.OTHER_BIRTH_PLACES)
        while True:
            seq = rng.randrange(0, 1000)
            if (seq % 2 == 1) != (sex == "1"):
                seq = (seq + 1) % 1000
            number = idnumber.make(address, birth, seq)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def _birth(self, age: int) -> dt.date:
        year = self.ref.year - age
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(0, 365))

    def _age(self, birth: dt.date) -> int:
        return idnumber.age_on(birth, self.ref)

    def _person(self, *, relation: str, sex: str, age: int, surname: str, poor: bool, local: bool = True) -> dict:
        rng = self.rng
        age = max(0, age)
        birth = self._birth(age)
        age = self._age(birth)
        p = {"name": self._name(surname, sex), "sex": sex, "birth_date": birth, "relation": relation,
             "age": age}
        p["id_number"] = self._id(birth, sex, local)
        # schooling or education
        if age < 3:
            p["schooling"] = "preschool_age"
        elif age < 6:
            p["schooling"] = "kindergarten" if rng.random() < 0.85 else "preschool_age"
        elif age < 15 and rng.random() < 0.0015:
            # a rare drop-out (the education guarantee fails unless illness or disability explains it)
            p["schooling"] = "not_in_school"
            p["education"] = "primary" if age >= 12 else "illiterate"
            p["dropout_reason"] = rng.choice(names.DROPOUT_REASONS)
        elif age < 12:
            p["schooling"] = "primary"
        elif age < 15:
            p["schooling"] = "grade_7_9"
        elif age < 16 and rng.random() < 0.995:
            p["schooling"] = "grade_7_9" if rng.random() < 0.3 else _pick(rng, [("senior", 6), ("vocational_secondary", 4)])
        elif age < 19 and rng.random() < (0.75 if poor else 0.85):
            p["schooling"] = _pick(rng, [("senior", 6), ("vocational_secondary", 4)])
        elif age < 23 and rng.random() < (0.30 if poor else 0.45):
            p["schooling"] = _pick(rng, [("vocational_higher", 5), ("undergraduate", 4), ("technician", 1)])
        else:
            p["schooling"] = ""
            born = birth.year
            if born < 1950:
                table = [("illiterate", 45), ("primary", 45), ("junior", 10)]
            elif born < 1965:
                table = [("illiterate", 20), ("primary", 50), ("junior", 25), ("senior", 5)]
            elif born < 1980:
                table = [("illiterate", 5), ("primary", 35), ("junior", 45), ("senior", 12), ("college", 3)]
            else:
                table = [("primary", 8), ("junior", 50), ("senior", 27), ("college", 10), ("bachelor", 5)]
            p["education"] = _pick(rng, table)
            if 6 <= age <= 17 and rng.random() < 0.5:
                p["dropout_reason"] = rng.choice(names.DROPOUT_REASONS)
        # health
        chronic_p = 0.04 + max(0, age - 40) * 0.009
        p["chronic_illness"] = rng.random() < chronic_p * (1.6 if poor else 1.0)
        p["serious_illness"] = rng.random() < (0.09 if poor else 0.02) * (1.5 if age > 50 else 0.6)
        disabled = rng.random() < (0.13 if poor else 0.045) * (1.4 if age > 55 else 0.8)
        p["disabled"] = disabled
        if disabled:
            p["disability_category"] = _pick(rng, DISABILITY)
            p["disability_grade"] = _pick(rng, [("1", 12), ("2", 25), ("3", 33), ("4", 30)])
            p["disability_cert_year"] = rng.randrange(2008, self.ref.year + 1)
            if rng.random() < 0.3:
                p["id_type"] = "disability_card"
        # labour
        sick = p["serious_illness"] or (disabled and p.get("disability_grade") in ("1", "2"))
        if age < 16 or p["schooling"]:
            labour = "none"
        elif sick:
            labour = "lost" if rng.random() < 0.7 else "weak"
        elif age >= 70:
            labour = "none" if rng.random() < 0.6 else "lost"
        elif age >= 60 or p["chronic_illness"] or disabled:
            labour = "weak"
        else:
            labour = "skilled" if rng.random() < (0.12 if poor else 0.25) else "ordinary"
        p["labour_skill"] = labour
        # 劳动意愿: most who can work want to; a few (more among the poor) say they do not
        p["work_willing"] = labour not in ("ordinary", "skilled", "weak") or rng.random() > (0.06 if poor else 0.02)
        # work
        if labour in ("ordinary", "skilled") and 18 <= age <= 58 and rng.random() < 0.62:
            place = _pick(rng, WORK_PLACE)
            p["work_status"] = place
            p["work_months"] = rng.randrange(5, 13)
            p["workplace"] = rng.choice(self.workplaces[:4] if place == "out_of_province" else self.workplaces[4:])
        elif labour in ("ordinary", "skilled", "weak") and age >= 16:
            p["work_status"] = "none"
        if poor and labour == "weak" and 45 <= age <= 65 and rng.random() < 0.08:
            p["public_welfare_job"] = rng.choice(["保洁员", "护林员", "护路员", "水管员"])
            p["public_welfare_job_months"] = 12
        # insurance: critical-illness insurance comes with the resident basic insurance
        insured = rng.random() < (0.999 if poor else 0.997)
        p["medical_insurance"] = insured
        p["critical_illness_insurance"] = insured and rng.random() < 0.9995
        p["medical_aid"] = poor and (p["serious_illness"] or disabled) and rng.random() < 0.8
        p["pension_insurance"] = age >= 16 and not p["schooling"] and rng.random() < 0.8
        p["commercial_insurance"] = rng.random() < (0.3 if poor else 0.05)
        p["speaks_putonghua"] = age >= 3 and (age < 70 or rng.random() < 0.5)
        if rng.random() < 0.05 and age >= 25:
            p["political_status"] = "01"
        elif 14 <= age <= 28 and rng.random() < 0.3:
            p["political_status"] = "03"
        else:
            p["political_status"] = "13"
        if rng.random() < 0.004:
            p["ethnicity"] = "22"  # 畲族 live in the region
        return p

    def _household_people(self, kind: str) -> list[dict]:
        """Head, spouse, children, grandchildren, parents, with ages that agree with the relations."""
        rng = self.rng
        poor = kind in ("poor", "monitored")
        surname = rng.choice(names.SURNAMES)
        if kind == "poor":
            head_age = int(_pick(rng, [(30, 10), (40, 20), (50, 25), (60, 25), (70, 20)]) + rng.randrange(0, 10))
        else:
            head_age = int(_pick(rng, [(25, 8), (35, 20), (45, 27), (55, 25), (65, 15), (75, 5)]) + rng.randrange(0, 10))
        head_sex = "1" if rng.random() < 0.86 else "2"
        single = rng.random() < (0.22 if poor else 0.08) * (1.8 if head_age >= 65 else 1)
        people = [self._person(relation="head", sex=head_sex, age=head_age, surname=surname, poor=poor)]
        husband_surname = surname if head_sex == "1" else rng.choice(names.SURNAMES)
        if not single and head_age >= 22:
            spouse_sex = "2" if head_sex == "1" else "1"
            spouse_age = head_age + rng.randrange(-6, 4) * (1 if head_sex == "1" else -1)
            people.append(self._person(relation="spouse", sex=spouse_sex, age=max(20, spouse_age),
                                       surname=rng.choice(names.SURNAMES), poor=poor, local=rng.random() < 0.7))
        # children living at home
        if head_age < 70:
            n_children = _pick(rng, [(0, 12), (1, 30), (2, 38), (3, 15), (4, 5)])
            age = head_age - rng.randrange(22, 32)
            for _ in range(n_children):
                age -= rng.randrange(1, 6)  # siblings are born at least a year apart
                if age < 0:
                    break
                if age >= 30 and rng.random() < 0.5:
                    continue  # grown children have mostly left
                sex = "1" if rng.random() < 0.52 else "2"
                child = self._person(relation="son" if sex == "1" else "daughter", sex=sex, age=age,
                                     surname=husband_surname, poor=poor)
                people.append(child)
                if sex == "1" and age >= 24 and rng.random() < 0.45:
                    wife_age = age + rng.randrange(-4, 2)
                    people.append(self._person(relation="daughter_in_law", sex="2", age=wife_age,
                                               surname=rng.choice(names.SURNAMES), poor=poor, local=rng.random() < 0.6))
                    for _g in range(_pick(rng, [(0, 25), (1, 45), (2, 30)])):
                        g_age = wife_age - rng.randrange(22, 32)
                        if g_age >= 0:
                            g_sex = "1" if rng.random() < 0.53 else "2"
                            people.append(self._person(relation="grandson" if g_sex == "1" else "granddaughter",
                                                       sex=g_sex, age=g_age, surname=husband_surname, poor=poor))
        # an old parent living with the head
        if head_age <= 55 and rng.random() < 0.18:
            parent_age = head_age + rng.randrange(24, 34)
            if parent_age <= 98:
                sex = "2" if rng.random() < 0.6 else "1"
                people.append(self._person(relation="mother" if sex == "2" else "father", sex=sex, age=parent_age,
                                           surname=surname if sex == "1" else rng.choice(names.SURNAMES), poor=poor))
        return people

    # --- households ---------------------------------------------------------------------------

    def _per_capita_target(self, kind: str) -> float:
        rng = self.rng
        return {
            "poor": rng.lognormvariate(math.log(2800), 0.22),
            "monitored": rng.uniform(5200, 8200),
            "exited": rng.lognormvariate(math.log(12500), 0.3),
            "ordinary": rng.lognormvariate(math.log(19000), 0.35),
        }[kind]

    def _income(self, kind: str, people: list[dict], attribute: str, per_capita: float) -> dict:
        rng = self.rng
        size = len(people)
        workers = [p for p in people if p.get("work_status") not in (None, "", "none")]
        farmers = [p for p in people if p["labour_skill"] in ("ordinary", "skilled", "weak") and p not in workers]
        target = per_capita * size
        # 转移性收入 by item, as on the national card
        elderly = sum(1 for p in people if p["age"] >= 60)
        items = {"transfer_pension": elderly * rng.uniform(1500, 2200), "transfer_dibao": 0.0, "transfer_tekun": 0.0,
                 "transfer_ecological": 0.0, "transfer_family_planning": 0.0, "transfer_other": 0.0}
        if attribute == "dibao":
            items["transfer_dibao"] = size * rng.uniform(1800, 2600)
        elif attribute == "tekun":
            items["transfer_tekun"] = size * rng.uniform(2800, 3500)
        if rng.random() < 0.15:
            items["transfer_ecological" if rng.random() < 0.6 else "transfer_family_planning"] = rng.uniform(200, 1500)
        if rng.random() < 0.1:
            items["transfer_other"] = rng.uniform(100, 800)  # relief, temporary assistance
        transfer = sum(items.values())
        if kind == "poor" and transfer > target * 0.8:  # registered poor: support does not lift them out yet
            scale = target * 0.8 / transfer
            items = {k: v * scale for k, v in items.items()}
            transfer = target * 0.8
        items = {k: round(v) for k, v in items.items()}
        transfer = sum(items.values())
        target = max(target, transfer * 1.05)
        rest = target - transfer
        wage_share = 0.75 if workers else 0.05
        wage = rest * wage_share
        business_net = rest - wage
        prop = 0.0
        if kind in ("poor", "exited") and rng.random() < 0.4:
            prop = rng.uniform(300, 1200)  # asset dividends from co-operative shares
            business_net = max(0.0, business_net - prop)
        costs = business_net * rng.uniform(0.25, 0.45) if farmers else business_net * 0.2
        business = business_net + costs
        serious = sum(1 for p in people if p["serious_illness"])
        oop = 0.0
        if serious:
            oop = serious * rng.lognormvariate(math.log(9000), 0.7)
        elif any(p["chronic_illness"] for p in people):
            oop = rng.uniform(300, 3000)
        return {
            "wage_income": round(wage), "business_income": round(business), "property_income": round(prop),
            "property_dividends": round(prop), "transfer_income": transfer, **items,
            "production_costs": round(costs),
            "insurance_payouts": round(oop * 0.2) if oop and rng.random() < 0.3 else 0,
            "medical_out_of_pocket": round(oop),
        }

    def _villages(self) -> list[tuple[Division, float, bool]]:
        rng = self.rng
        villages = list(Division.objects.filter(county_code=self.county, level=Level.VILLAGE,
                                                kind=Kind.VILLAGE_COMMITTEE).order_by("code"))
        if not villages:
            raise RuntimeError(f"the divisions of {self.county} are not loaded")
        if self.county == COUNTY:
            others = [v for v in villages if v.code != DEMO_VILLAGE]
            poor = {DEMO_VILLAGE} | {v.code for v in rng.sample(others, POOR_VILLAGES - 1)}
        else:  # about the share of Lichuan's (15 of 126 village committees)
            poor = {v.code for v in rng.sample(villages, max(2, round(len(villages) * POOR_VILLAGES / 126)))}
        self.stats.poor_villages = sorted(poor)
        weights = [(v, rng.lognormvariate(0, 0.45), v.code in poor) for v in villages]
        return weights

    def _helper(self, township: str) -> tuple[str, str, str]:
        rng = self.rng
        pool = self.helpers_by_township.setdefault(township, [])
        if len(pool) < 40 or rng.random() < 0.15:
            sex = "1" if rng.random() < 0.65 else "2"
            helper = (self._name(rng.choice(names.SURNAMES), sex), rng.choice(self.helper_units),
                      "1" + rng.choice("3589") + f"{rng.randrange(0, 10**9):09d}")
            pool.append(helper)
            return helper
        return rng.choice(pool)

    def run(self) -> DemoStats:
        cfg, rng = self.config, self.rng
        villages = self._villages()
        total_w = sum(w for _v, w, _p in villages)
        # Household counts per village, scaled to the requested total.
        counts = apportion(cfg.households, [w / total_w for _v, w, _p in villages])
        # Type shares: deeper poverty in the poor villages; the mix gives ~14,300 poor people per 45,000 households.
        share_poor = {True: 0.205, False: 0.087}
        hh_rows, m_rows, i_rows = _Rows(Household, skip=()), _Rows(Member), _Rows(HouseholdIncome)
        next_id = bulk.next_id(Household)
        demo_helper_slots = 12
        ready = self.ready_villages()
        for (village, _w, is_poor), count in zip(villages, counts, strict=True):
            groups = rng.randrange(6, 16)
            p_poor = share_poor[is_poor]
            p_exited = 0.055
            if village.code in ready:  # two poor villages whose poor have nearly all exited: ready to exit
                p_poor, p_exited = 0.008, 0.25
            for seq in range(1, count + 1):
                r = rng.random()
                if r < p_poor:
                    kind = "poor"
                elif r < p_poor + p_exited:
                    kind = "exited"
                elif r < p_poor + p_exited + 0.012:
                    kind = "monitored"
                else:
                    kind = "ordinary"
                people = self._household_people(kind)
                hid = next_id
                next_id += 1
                h = {"id": hid, "county_code": self.county, "household_code": f"{village.code}{seq:05d}",
                     "division": village.code, "group_name": f"第{rng.randrange(1, groups + 1)}村民小组",
                     "size": len(people), "household_type": kind, "created_at": self.created_at,
                     "updated_at": self.created_at}
                self._classify(h, kind, people)
                self._living(h, kind)
                if kind != "ordinary":
                    h["helper_name"], h["helper_unit"], h["helper_phone"] = self._helper(village.code[:9])
                    if village.code == DEMO_VILLAGE and demo_helper_slots > 0:
                        h["helper_user"] = self.helper_user_id
                        demo_helper_slots -= 1
                if rng.random() < 0.72:
                    h["phone"] = "1" + rng.choice("35789") + f"{rng.randrange(0, 10**9):09d}"
                if kind != "ordinary" or rng.random() < 0.5:
                    h["bank_name"] = rng.choice(self.banks)
                    h["bank_account"] = "6231" + f"{rng.randrange(0, 10**15):015d}"
                hh_rows.new(**h)
                attribute = h.get("poverty_attribute", "")
                per_capita = self._per_capita_target(kind)
                factors = (0.93, 1.0)
                # What a county office finds when the run meets the register: a few ordinary households
                # poor all along (missed, 漏评), ex-poor households fallen back this year (返贫), and
                # registered poor lifted above the line only this year (not yet stable).
                turn = rng.random()
                if kind == "ordinary" and turn < 0.004:
                    per_capita = rng.uniform(2400, 3900)
                elif kind == "exited" and turn < 0.02:
                    factors = (0.93, rng.uniform(2600, 3900) / per_capita)
                elif kind == "poor" and turn < 0.03:
                    per_capita = rng.uniform(4100, 5200)
                    factors = (rng.uniform(3000, 3900) / per_capita, 1.0)
                for year, factor in zip((cfg.year - 1, cfg.year), factors, strict=True):
                    noise = rng.uniform(0.95, 1.05)
                    i_rows.new(county_code=self.county, household=hid, year=year,
                               **self._income(kind, people, attribute, per_capita * factor * noise))
                for p in people:
                    if attribute == "dibao":
                        p["dibao"] = True
                    elif attribute == "tekun" and p["relation"] == "head":
                        p["tekun"] = True
                    del p["age"]
                    p["birth_date"] = p["birth_date"].isoformat()
                    m_rows.new(county_code=self.county, division_code=village.code, household=hid,
                               created_at=self.created_at, updated_at=self.created_at, **p)
                self.stats.by_type[kind] = self.stats.by_type.get(kind, 0) + 1
                self.stats.people_by_type[kind] = self.stats.people_by_type.get(kind, 0) + len(people)
                if len(hh_rows.rows) >= BATCH:
                    self._flush(hh_rows, m_rows, i_rows)
        self._flush(hh_rows, m_rows, i_rows)
        bulk.reset_sequence(Household)
        bulk.reset_sequence(Member)
        bulk.reset_sequence(HouseholdIncome)
        self._village_registers(villages)
        return self.stats

    def _classify(self, h: dict, kind: str, people: list[dict]) -> None:
        rng = self.rng
        if kind in ("poor", "exited"):
            lost = all(p["labour_skill"] in ("none", "lost") for p in people)
            elderly = all(p["age"] >= 60 or p["age"] < 16 for p in people)
            if (lost or elderly) and len(people) <= 2 and rng.random() < 0.55:
                h["poverty_attribute"] = "tekun"
            elif lost or rng.random() < 0.28:
                h["poverty_attribute"] = "dibao"
            else:
                h["poverty_attribute"] = "general"
            h["identification_standard"] = "national" if rng.random() < 0.92 else "provincial"
            h["identification_year"] = _pick(rng, [(2014, 60), (2015, 15), (2016, 15), (2017, 6), (2018, 4)])
            ill = any(p["serious_illness"] or p["chronic_illness"] for p in people)
            disabled = any(p["disabled"] for p in people)
            students = any(p.get("schooling") in ("senior", "vocational_secondary", "vocational_higher", "undergraduate")
                           for p in people)
            if ill and rng.random() < 0.75:
                cause = "01"
            elif disabled and rng.random() < 0.8:
                cause = "02"
            elif students and rng.random() < 0.6:
                cause = "03"
            else:
                cause = _pick(rng, CAUSES)
            h["main_cause"] = cause
            others = [c for c, _w in CAUSES if c != cause]
            if rng.random() < 0.45:
                h["other_cause_1"] = _pick(rng, [(c, w) for c, w in CAUSES if c in others])
                if rng.random() < 0.3:
                    second = _pick(rng, [(c, w) for c, w in CAUSES if c in others and c != h["other_cause_1"]])
                    h["other_cause_2"] = second
            if kind == "exited":
                h["exit_year"] = max(h["identification_year"] + 1, _pick(rng, [(2016, 15), (2017, 25), (2018, 30),
                                                                               (2019, 20), (2020, 10)]))
                h["enjoys_policy"] = rng.random() < 0.7
        elif kind == "monitored":
            h["monitoring_type"] = _pick(rng, [("unstable", 45), ("marginal", 40), ("hardship", 15)])
            h["monitoring_start"] = (dt.date(2021, 3, 1) + dt.timedelta(days=rng.randrange(0, 1000))).isoformat()
            ill = any(p["serious_illness"] for p in people)
            h["main_cause"] = "01" if ill else _pick(rng, CAUSES)
            h["risk_types"] = self._risk_types(people)
        h["military_family"] = rng.random() < 0.01
        h["one_child"] = rng.random() < 0.03
        h["two_daughters"] = rng.random() < 0.02

    def _risk_types(self, people: list[dict]) -> str:
        """A monitored household's risk types (national codes): what its members' health and schooling
        suggest, else a common one, sometimes a second."""
        rng = self.risk_rng
        found = set()
        if any(p["serious_illness"] or p["chronic_illness"] for p in people) and rng.random() < 0.8:
            found.add("01")
        if any(p["disabled"] for p in people) and rng.random() < 0.6:
            found.add("02")
        if any(p.get("schooling") in ("senior", "vocational_secondary", "vocational_higher", "undergraduate")
               for p in people) and rng.random() < 0.4:
            found.add("03")
        if not found or rng.random() < 0.2:
            found.add(_pick(rng, [("04", 12), ("05", 20), ("06", 35), ("07", 15), ("99", 8)]))
        return ",".join(sorted(found))

    def _living(self, h: dict, kind: str) -> None:
        rng = self.rng
        poor = kind in ("poor", "monitored")
        grade = _pick(rng, [("A", 40), ("B", 36), ("C", 14), ("D", 10)] if poor else
                      [("A", 62), ("B", 37), ("C", 0.7), ("D", 0.3)])
        h["house_grade"] = grade
        h["house_renovated"] = grade in ("C", "D") and rng.random() < (0.92 if poor else 0.6)
        h["house_area"] = round(rng.uniform(50, 110) if poor else rng.uniform(80, 220))
        h["safe_water"] = rng.random() < (0.985 if poor else 0.997)
        h["sanitary_toilet"] = rng.random() < (0.7 if poor else 0.88)
        h["has_power"] = rng.random() < 0.998
        h["main_fuel"] = _pick(rng, [("firewood", 45), ("clean", 40), ("coal", 5), ("other", 10)] if poor else
                               [("firewood", 22), ("clean", 68), ("coal", 4), ("other", 6)])
        h["access_road"] = _pick(rng, [("concrete", 70), ("gravel", 15), ("dirt", 10), ("asphalt", 5)])
        h["farmland_area"] = round(rng.uniform(0, 6 if poor else 8), 1)
        h["forest_area"] = round(rng.uniform(0, 30), 1) if rng.random() < 0.6 else 0
        h["cooperative_member"] = rng.random() < (0.35 if kind in ("poor", "exited") else 0.08)
        willing = rng.random() < (0.1 if poor else 0.02)
        h["relocation_willing"] = willing
        h["relocated"] = willing and rng.random() < 0.55

    def _flush(self, hh_rows: _Rows, m_rows: _Rows, i_rows: _Rows) -> None:
        if not hh_rows.rows:
            return
        bulk.insert_rows(Household, hh_rows.fields, hh_rows.rows)
        bulk.insert_rows(Member, m_rows.fields, m_rows.rows)
        bulk.insert_rows(HouseholdIncome, i_rows.fields, i_rows.rows)
        self.stats.households += len(hh_rows.rows)
        self.stats.members += len(m_rows.rows)
        self.stats.incomes += len(i_rows.rows)
        hh_rows.rows.clear()
        m_rows.rows.clear()
        i_rows.rows.clear()
        self.progress("  " + _("%(households)s 户，%(members)s 人") % {
            "households": f"{self.stats.households:,}", "members": f"{self.stats.members:,}"})

    def ready_villages(self) -> set[str]:
        """Two poor villages (not the demo accounts' own) that meet the exit test: their poor have nearly all
        exited, and their registers show the infrastructure and the collective income."""
        return set(sorted(c for c in self.stats.poor_villages if c != DEMO_VILLAGE)[:2])

    def _village_registers(self, villages) -> None:
        rng = self.rng
        ready = self.ready_villages()
        poor_codes = set(self.stats.poor_villages)
        rest = [v.code for v, _w, p in villages if not p]
        listed_12th = (set(rng.sample(sorted(poor_codes), min(5, len(poor_codes))))
                       | set(rng.sample(rest, min(10, len(rest)))))
        profiles, team = [], []
        for village, _w, is_poor in villages:
            in_12th = village.code in listed_12th
            status = "poor" if is_poor else ("exited" if in_12th else "not_poor")
            infra = is_poor and rng.random() < 0.6
            profiles.append(VillageProfile(
                county_code=self.county, division=village, poverty_status=status,
                listed_12th_plan=in_12th, listed_13th_plan=is_poor,
                exit_year=rng.choice([2015, 2016]) if status == "exited" else None,
                infrastructure_lagging=infra, industry_lagging=is_poor and (not infra or rng.random() < 0.5),
                weak_leadership=is_poor and rng.random() < 0.2,
                ethnic_minority_village=False, whole_village_programme=is_poor or in_12th,
                mutual_aid_fund=is_poor and rng.random() < 0.6,
                disasters_last_year="暴雨洪涝" if rng.random() < 0.1 else "",
                collective_income=0 if is_poor and rng.random() < 0.4 else rng.randrange(20, 300) * 1000,
                paved_road=not infra or rng.random() < 0.5, tap_water=rng.random() < (0.7 if is_poor else 0.92),
                power_grid=rng.random() < (0.85 if is_poor else 0.98), clinic=rng.random() < (0.8 if is_poor else 0.95),
                broadband=rng.random() < (0.7 if is_poor else 0.9),
                hamlet_count=rng.randrange(3, 15), group_count=rng.randrange(6, 16),
            ))
            if village.code in ready:
                p = profiles[-1]
                p.infrastructure_lagging = p.industry_lagging = False
                p.paved_road = p.tap_water = p.power_grid = p.clinic = p.broadband = True
                p.collective_income = rng.randrange(60, 120) * 1000
            if is_poor:
                started = dt.date(2016, 3, 1) + dt.timedelta(days=rng.randrange(0, 200))
                for role in ("first_secretary", "leader", "member", "member"):
                    sex = "1" if rng.random() < 0.75 else "2"
                    team.append(WorkTeamMember(
                        county_code=self.county, division_code=village.code, role=role,
                        name=self._name(rng.choice(names.SURNAMES), sex), unit=rng.choice(self.helper_units),
                        phone="1" + rng.choice("3589") + f"{rng.randrange(0, 10**9):09d}",
                        started_on=started if role != "member" else started + dt.timedelta(days=rng.randrange(0, 400)),
                    ))
        VillageProfile.objects.bulk_create(profiles)
        WorkTeamMember.objects.bulk_create(team)
        _fill_village_counts(self.county)


def apportion(total: int, shares: list[float]) -> list[int]:
    """Split ``total`` by ``shares`` into whole numbers that add up exactly (largest remainders)."""
    exact = [total * share for share in shares]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(shares)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _fill_village_counts(county: str) -> None:
    """household_count, population, labour force and migrants of each village register, from the registry."""
    from django.db.models import Count, Q, Sum

    members = (Member.objects.filter(county_code=county, status="active").values("division_code")
               .annotate(population=Count("id"),
                         labour=Count("id", filter=Q(labour_skill__in=["ordinary", "skilled", "weak"])),
                         migrants=Count("id", filter=Q(work_status__in=["in_province", "out_of_province"])),
                         outside=Count("id", filter=Q(work_status="out_of_province"))))
    households = dict(Household.objects.filter(county_code=county, status="active").values("division_id")
                      .annotate(n=Count("id")).values_list("division_id", "n"))
    relocation = {r["division_id"]: r for r in Household.objects.filter(county_code=county)
                  .values("division_id").annotate(need=Count("id", filter=Q(relocation_willing=True)),
                                                  done=Count("id", filter=Q(relocated=True)),
                                                  people=Sum("size"))}
    profiles = {p.division_id: p for p in VillageProfile.objects.filter(county_code=county)}
    for row in members:
        profile = profiles.get(row["division_code"])
        if profile is None:
            continue
        profile.household_count = households.get(row["division_code"], 0)
        profile.population = row["population"]
        profile.labour_force = row["labour"]
        profile.migrant_workers = row["migrants"]
        profile.migrant_outside_province = row["outside"]
        profile.trained_labour = round(row["labour"] * 0.18)
        profile.relocation_needed = relocation.get(row["division_code"], {}).get("need", 0)
        profile.relocation_done = relocation.get(row["division_code"], {}).get("done", 0)
    VillageProfile.objects.bulk_update(
        profiles.values(), ["household_count", "population", "labour_force", "migrant_workers",
                            "migrant_outside_province", "trained_labour", "relocation_needed", "relocation_done"])


def generate(config: DemoConfig, *, helper_user_id: int | None = None,
             progress: Callable[[str], None] = lambda _m: None, used_ids: set[str] | None = None) -> DemoStats:
    generator = Generator(config, helper_user_id=helper_user_id, progress=progress, used_ids=used_ids)
    with transaction.atomic():
        stats = generator.run()
        audit.record(actor=SYSTEM, verb="demo.generate", county_code=config.county, division_code=config.county,
                     summary=f"生成演示数据：{stats.households} 户 {stats.members} 人（种子 {config.seed}）",
                     after={"households": stats.households, "members": stats.members, "seed": config.seed,
                            "year": config.year, "at": timezone.now().isoformat()})
    refresh_statistics()
    return stats


def refresh_statistics() -> None:
    """Planner statistics (and on PostgreSQL the visibility map, for index-only scans) after a bulk
    load, as autovacuum would do later. Skipped inside a transaction, where VACUUM cannot run."""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in (Household, Member, HouseholdIncome):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
        else:
            cursor.execute("ANALYZE")


def analyze_all() -> None:
    """Planner statistics of every table, once the whole demo is written: after the households, the
    apps' records, the identification runs and the walkthroughs filled their tables (tables analysed
    while empty are planned as holding one row: nested loops over thousands). Outside a transaction."""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
