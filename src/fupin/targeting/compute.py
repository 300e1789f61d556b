"""The identification computation: one INSERT ... SELECT per area, on SQLite and PostgreSQL.

For every active household of the area it computes, in the database: net and per-capita net
income (domain.md 1.1), each guarantee test of domain.md 2.5 with its reason, the campaign
conclusion, the monitoring candidates of domain.md 3, the plan's degree and safety-net split, the
suggested attribute, the MPI deprivations and score, and an explanation in Chinese. Nothing
loops over households in Python.

The SQL is generated from the run's parameters: switches decide which conditions exist, and the
values (validated numbers, dates and digit-only codes) are written in as literals. Money is
compared in whole fen (integers), so "exactly at the line" is exact on SQLite too, where
decimals are stored as floating point.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils import translation

from fupin.core import clock
from fupin.core.scope import prefix_upper_bound
from fupin.registry import codes
from fupin.targeting import indicators
from fupin.targeting.models import Degree, IdentificationResult
from fupin.targeting.params import Params

EDUCATED = ("junior", "senior", "college", "bachelor")  # compulsory education completed, or more
NOT_IN_SCHOOL = ("", "not_in_school", "preschool_age")
ABLE = ("ordinary", "skilled")
PARTIAL = ("weak",)
SOLID_FUELS = ("firewood", "dung", "coal")

RESULT_COLUMNS = [
    "run_id", "county_code", "division_code", "household_id", "household_type", "size", "net_income",
    "per_capita_income", "previous_per_capita_income", "medical_out_of_pocket", "below_line", "below_monitoring",
    "food_ok", "education_ok", "medical_ok", "housing_ok", "water_ok", "out_of_school", "uninsured",
    "uninsured_critical", "able_members", "weak_members", "conclusion", "gap_admitted", "stable_above", "monitoring",
    "risk_cleared", "attribute",
    "degree", "safety_net", *[f"dep_{i.key}" for i in indicators.INDICATORS], "mpi_units", "mpi_score", "mpi_poor",
    "explanation",
]


# --- literals ---------------------------------------------------------------------------------

def fen(amount) -> int:
    return int((Decimal(str(amount)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def yuan_text(amount) -> str:
    """4000 -> '4,000'; 3850.5 -> '3,850.50' (how the explanation shows constants)."""
    amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    return f"{amount:,.0f}" if amount == amount.to_integral() else f"{amount:,.2f}"


def _int(value) -> str:
    return str(int(value))


def _dec(value) -> str:
    return format(Decimal(str(value)), "f")


def _date(value: dt.date) -> str:
    return f"'{value.isoformat()}'"


def _code(value: str) -> str:
    if not value.isdigit():
        raise ValueError(f"not a division code: {value!r}")
    return f"'{value}'"


def _in(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


# --- vendor-specific formatting -----------------------------------------------------------------

def money_text(expr: str) -> str:
    """SQL giving '3,850' or '3,850.50' for a money expression."""
    if connection.vendor == "postgresql":
        rounded = f"ROUND(({expr})::numeric, 2)"
        return (f"CASE WHEN {rounded} = trunc({rounded}) THEN to_char({rounded}, 'FM999,999,999,990')"
                f" ELSE to_char({rounded}, 'FM999,999,999,990.00') END")
    cents = f"CAST(ROUND(ABS({expr}) * 100) AS INTEGER)"
    return (f"(CASE WHEN ({expr}) < 0 THEN '-' ELSE '' END || printf('%%,d', {cents} / 100)"
            f" || CASE WHEN {cents} %% 100 = 0 THEN '' ELSE printf('.%%02d', {cents} %% 100) END)")


def fraction_text(expr: str) -> str:
    """SQL giving '0.39' for a score between 0 and 1."""
    if connection.vendor == "postgresql":
        return f"to_char(({expr})::numeric, 'FM0.00')"
    return f"printf('%%.2f', {expr})"


def _label_case(expr: str, code_list, default: str = "") -> str:
    with translation.override("zh-hans"):
        whens = " ".join(f"WHEN '{v}' THEN '{code_list(v).label}'" for v in code_list.values)
    return f"CASE {expr} {whens} ELSE '{default}' END"


# --- the statement ------------------------------------------------------------------------------

def result_insert_sql(params: Params, area: str) -> str:
    """The INSERT ... SELECT writing the results of one area; the run id is its one parameter."""
    ref = params.reference_date
    lo, hi = _code(area), _code(prefix_upper_bound(area) or "9" * 12)
    county = _code(area[:6])  # every table filtered and joined by it: one county's shard on Citus
    units = {key: int(w * params.denominator) for key, w in params.weights.items()}
    k_units = params.k * params.denominator

    # Members, grouped per household. Compulsory-school age is taken by the school year that began this
    # year: a child who reached ``school_age_from`` by the cut-off (8-31) has started; one born after it
    # starts a year later; one who reached ``school_age_to`` by the cut-off has done the nine years.
    cutoff = params.school_cutoff_date
    school_lo = _date(clock.years_before(cutoff, params.school_age_to))  # born after: not done yet
    school_hi = _date(clock.years_before(cutoff, params.school_age_from))  # born on or before: has started
    out = (f"m.birth_date > {school_lo} AND m.birth_date <= {school_hi} AND m.schooling IN {_in(NOT_IN_SCHOOL)}"
           f" AND m.education NOT IN {_in(EDUCATED)}")
    if params.health_exempts_schooling:
        out += " AND NOT (m.disabled OR m.serious_illness)"
    adult = f"m.birth_date <= {_date(params.years_before(16))} AND m.schooling IN {_in(NOT_IN_SCHOOL)}"
    members = f"""mem AS (
      SELECT m.county_code, m.household_id AS hid,
        COUNT(*) AS n,
        SUM(CASE WHEN m.labour_skill IN {_in(ABLE)} THEN 1 ELSE 0 END) AS able,
        SUM(CASE WHEN m.labour_skill IN {_in(PARTIAL)} THEN 1 ELSE 0 END) AS weak,
        SUM(CASE WHEN m.medical_insurance THEN 0 ELSE 1 END) AS uninsured,
        SUM(CASE WHEN m.critical_illness_insurance THEN 0 ELSE 1 END) AS uninsured_critical,
        SUM(CASE WHEN m.serious_illness AND NOT m.medical_aid THEN 1 ELSE 0 END) AS serious_no_aid,
        MAX(CASE WHEN m.dibao THEN 1 ELSE 0 END) AS dibao,
        MAX(CASE WHEN m.tekun THEN 1 ELSE 0 END) AS tekun,
        MAX(CASE WHEN m.serious_illness OR m.disabled THEN 1 ELSE 0 END) AS ill,
        SUM(CASE WHEN {out} THEN 1 ELSE 0 END) AS out_of_school,
        MIN(CASE WHEN {out} THEN CAST(m.birth_date AS TEXT) || m.relation END) AS first_out,
        SUM(CASE WHEN {adult} THEN 1 ELSE 0 END) AS adults,
        SUM(CASE WHEN {adult} AND m.education IN {_in(EDUCATED)} THEN 1 ELSE 0 END) AS adults_educated
      FROM registry_member m
      WHERE m.county_code = {county} AND m.status = 'active' AND m.division_code >= {lo} AND m.division_code < {hi}
      GROUP BY m.county_code, m.household_id
    )"""

    # Households with their incomes and the guarantee tests.
    net = "(i.wage_income + i.business_income + i.property_income + i.transfer_income - i.production_costs)"
    prev_net = "(p.wage_income + p.business_income + p.property_income + p.transfer_income - p.production_costs)"
    net_fen = f"CAST(ROUND({net} * 100) AS INTEGER)"
    no_data = "i.id IS NULL OR mem.n IS NULL"
    food_fail = "0"
    if params.food_min_income > 0:
        food_fail = f"CASE WHEN {net_fen} < {_int(fen(params.food_min_income))} * mem.n"
        if params.safety_net_secures_food:
            food_fail += " AND mem.dibao = 0 AND mem.tekun = 0"
        food_fail += " THEN 1 ELSE 0 END"
    medical_fail = [c for c, on in (("mem.uninsured > 0", params.require_basic_insurance),
                                    ("mem.uninsured_critical > 0", params.require_critical_insurance),
                                    ("mem.serious_no_aid > 0", params.require_medical_aid)) if on]
    house_fail = f"h.house_grade IN {_in(params.unsafe_house_grades)}"
    if params.renovation_counts:
        house_fail += " AND NOT h.house_renovated"
    if params.relocation_counts:
        house_fail += " AND NOT h.relocated"
    below_mon = "CAST(NULL AS INTEGER)"  # typed, or PostgreSQL takes it for text
    if params.monitoring_threshold is not None:
        below_mon = (f"CASE WHEN {no_data} THEN NULL WHEN {net_fen} < {_int(fen(params.monitoring_threshold))}"
                     f" * mem.n THEN 1 ELSE 0 END")
    # MATERIALIZED: computed once; inlined, its CASE expressions would be evaluated again at every use.
    households = f"""f AS MATERIALIZED (
      SELECT h.id AS hid, h.county_code, h.division_code, h.household_type, h.house_grade, h.monitoring_start,
        COALESCE(mem.n, 0) AS n, COALESCE(mem.able, 0) AS able, COALESCE(mem.weak, 0) AS weak,
        COALESCE(mem.uninsured, 0) AS uninsured, COALESCE(mem.uninsured_critical, 0) AS uninsured_critical,
        COALESCE(mem.serious_no_aid, 0) AS serious_no_aid, COALESCE(mem.dibao, 0) AS dibao,
        COALESCE(mem.tekun, 0) AS tekun, COALESCE(mem.ill, 0) AS ill,
        COALESCE(mem.out_of_school, 0) AS out_of_school, mem.first_out,
        COALESCE(mem.adults, 0) AS adults, COALESCE(mem.adults_educated, 0) AS adults_educated,
        {net} AS net, {prev_net} AS prev_net, CAST(ROUND({prev_net} * 100) AS INTEGER) AS prev_net_fen,
        {net_fen} AS net_fen, i.medical_out_of_pocket AS oop,
        CASE WHEN {no_data} THEN NULL WHEN {net_fen} < {_int(fen(params.income_line))} * mem.n THEN 1 ELSE 0 END
          AS below,
        {below_mon} AS below_mon,
        CASE WHEN {no_data} THEN NULL ELSE 1 - ({food_fail}) END AS food_ok,
        CASE WHEN COALESCE(mem.out_of_school, 0) > 0 THEN 0 ELSE 1 END AS edu_ok,
        CASE WHEN {' OR '.join(medical_fail) or '1 = 0'} THEN 0 ELSE 1 END AS med_ok,
        CASE WHEN {house_fail} THEN 0 ELSE 1 END AS house_ok,
        CASE WHEN {'NOT h.safe_water' if params.water_test else '1 = 0'} THEN 0 ELSE 1 END AS water_ok,
        CASE WHEN h.safe_water THEN 0 ELSE 1 END AS unsafe_water,
        CASE WHEN h.sanitary_toilet THEN 0 ELSE 1 END AS no_toilet,
        CASE WHEN h.main_fuel IN {_in(SOLID_FUELS)} THEN 1 ELSE 0 END AS solid_fuel,
        CASE WHEN h.has_power THEN 0 ELSE 1 END AS no_power,
        CASE WHEN h.access_road = 'dirt' THEN 1 ELSE 0 END AS dirt_road
      FROM registry_household h
      LEFT JOIN mem ON mem.county_code = h.county_code AND mem.hid = h.id
      {_income_join("i", params.year)}
      {_income_join("p", params.year - 1)}
      WHERE h.county_code = {county} AND h.status = 'active' AND h.division_code >= {lo} AND h.division_code < {hi}
    )"""

    # Conclusions. Income decides (domain.md 2.1): below the line is 贫困户. A guarantee gap above the
    # line is a gap to close; it admits a household only under the local option (up to gap_ceiling,
    # at most the monitoring line). Each household gets one conclusion: 贫困户, else a monitoring
    # candidate (income within the monitoring range, or severe hardship), else not poor.
    # Every condition is COALESCEd to false: SQL's unknowns (a missing last-year income) must not
    # turn a NOT into unknown as well.
    checks = {"food": "f.food_ok = 0", "education": "f.edu_ok = 0", "medical": "f.med_ok = 0",
              "housing": "f.house_ok = 0", "water": "f.water_ok = 0"}
    fail = "COALESCE((" + " OR ".join(checks.values()) + "), FALSE)"
    gap_admitted = "1 = 0"
    if params.gaps_counted:
        counted = " OR ".join(checks[t] for t in params.gaps_counted)
        gap_admitted = (f"(f.below = 0 AND f.net_fen < {_int(fen(params.gap_ceiling))} * f.n"
                        f" AND COALESCE(({counted}), FALSE))")
    poor = f"(f.below = 1 OR {gap_admitted})"
    hardship = []
    if params.province_rural_income:
        exited = _int(fen(params.province_rural_income * params.oop_ratio_exited))
        others = _int(fen(params.province_rural_income * params.oop_ratio_others))
        hardship.append(f"CAST(ROUND(COALESCE(f.oop, 0) * 100) AS INTEGER) > CASE WHEN f.household_type IN"
                        f" ('exited', 'monitored') THEN {exited} ELSE {others} END")
    if params.income_drop_ratio > 0:
        hardship.append(f"(f.prev_net > 0 AND f.net < f.prev_net * {_dec(Decimal(1) - params.income_drop_ratio)})")
    hardship_cond = "COALESCE((" + (" OR ".join(hardship) or "1 = 0") + "), FALSE)"
    # 收入稳定超过收入线 (exit): above the line (and by the margin) this year, and above last year's line
    # last year when the rule set asks for it.
    stable = f"f.net_fen > {_int(fen(params.income_line))} * f.n"
    if params.exit_margin > 0:
        stable += f" AND f.net_fen >= {_int(fen(params.income_line + params.exit_margin))} * f.n"
    if params.exit_prior_year:
        stable += f" AND COALESCE(f.prev_net_fen > {_int(fen(params.line_last_year))} * f.n, FALSE)"
    if params.monitoring_threshold is not None:
        monitoring = (f"CASE WHEN f.below IS NULL OR {poor} THEN ''"
                      f" WHEN f.household_type = 'exited' AND f.below_mon = 1 THEN 'unstable'"
                      f" WHEN f.household_type = 'ordinary' AND f.below_mon = 1 THEN 'marginal'"
                      f" WHEN f.household_type IN ('exited', 'ordinary') AND {hardship_cond} THEN 'hardship'"
                      f" ELSE '' END")
        # 风险消除 (domain.md 3): income not below the monitoring line for the set years, no guarantee gap,
        # no hardship, long enough under monitoring, and someone who can work (a household with nobody
        # able to work stays monitored on the safety net).
        last = params.monitoring_last_year
        years = (f" AND COALESCE(f.prev_net_fen >= {_int(fen(last))} * f.n, FALSE)"
                 if params.risk_clear_years >= 2 else "")
        since = _date(clock.months_before(params.reference_date, params.risk_clear_min_months))
        cleared = (f"CASE WHEN f.household_type = 'monitored' AND f.below_mon = 0 AND NOT {fail}"
                   f" AND NOT {hardship_cond}{years} AND f.able + f.weak > 0"
                   f" AND (f.monitoring_start IS NULL OR f.monitoring_start <= {since}) THEN 1 ELSE 0 END")
    else:
        monitoring, cleared = "''", "0"
    deprivation = {
        "health_illness": "f.ill = 1", "health_uninsured": "f.uninsured > 0",
        "education_adults": "f.adults > 0 AND f.adults_educated = 0", "education_children": "f.edu_ok = 0",
        "living_housing": "f.house_ok = 0", "living_water": "f.unsafe_water = 1", "living_toilet": "f.no_toilet = 1",
        "living_fuel": "f.solid_fuel = 1", "living_power": "f.no_power = 1", "living_road": "f.dirt_road = 1",
        "income": "f.below = 1",
    }
    assert set(deprivation) == set(indicators.BY_KEY)
    score = " + ".join(f"CASE WHEN {cond} THEN {units[key]} ELSE 0 END"
                       for key, cond in deprivation.items() if units.get(key)) or "0"
    decided = f"""g AS (
      SELECT f.*,
        CASE WHEN f.below IS NULL THEN 'no_data' WHEN {poor} THEN 'poor' ELSE 'not_poor' END AS conclusion,
        CASE WHEN f.below IS NULL THEN 0 WHEN {gap_admitted} THEN 1 ELSE 0 END AS gap_admitted,
        CASE WHEN f.below IS NULL THEN NULL WHEN {stable} THEN 1 ELSE 0 END AS stable,
        CASE WHEN {fail} THEN 1 ELSE 0 END AS any_gap,
        CASE WHEN {hardship_cond} THEN 1 ELSE 0 END AS hard,
        {monitoring} AS monitoring,
        {cleared} AS cleared,
        CASE WHEN f.able > 0 THEN 'mild' WHEN f.weak > 0 THEN 'moderate' ELSE 'severe' END AS degree,
        CASE WHEN f.n > 0 THEN ROUND(1.0 * f.net / f.n, 2) END AS pc,
        CASE WHEN f.n > 0 THEN ROUND(1.0 * f.prev_net / f.n, 2) END AS prev_pc,
        {", ".join(f"CASE WHEN {cond} THEN 1 ELSE 0 END AS dep_{key}" for key, cond in deprivation.items())},
        {score} AS units
      FROM f
    )"""

    mpi_poor = (f"(CASE WHEN g.units > 0 AND g.units * {_int(k_units.denominator)} >= {_int(k_units.numerator)}"
                f" THEN 1 ELSE 0 END = 1)")
    attribute = ("CASE WHEN g.conclusion = 'poor' THEN (CASE WHEN g.tekun = 1 THEN 'tekun' "
                 "WHEN g.dibao = 1 THEN 'dibao' ELSE 'general' END) ELSE '' END")
    select = f"""
    SELECT %s, g.county_code, g.division_code, g.hid, g.household_type, g.n, g.net, g.pc, g.prev_pc,
      g.oop, (g.below = 1), (g.below_mon = 1), (g.food_ok = 1), (g.edu_ok = 1), (g.med_ok = 1), (g.house_ok = 1),
      (g.water_ok = 1), g.out_of_school, g.uninsured, g.uninsured_critical, g.able, g.weak, g.conclusion,
      (g.gap_admitted = 1), (g.stable = 1), g.monitoring, (g.cleared = 1), {attribute}, g.degree,
      (g.degree = 'severe'),
      {", ".join(f"(g.dep_{i.key} = 1)" for i in indicators.INDICATORS)},
      g.units, ROUND(1.0 * g.units / {_int(params.denominator)}, 4), {mpi_poor},
      {_explanation(params, ref, mpi_poor)}
    FROM g
    ORDER BY g.division_code, g.hid"""  # index entries arrive in order: appends, not page splits
    return (f"WITH {members},\n    {households},\n    {decided}\n"
            f"INSERT INTO {IdentificationResult._meta.db_table} ({', '.join(RESULT_COLUMNS)}){select}")


def _income_join(alias: str, year: int) -> str:
    """The household's income row of a year. PostgreSQL would hash-join the whole county's incomes
    for every township; LATERAL ... LIMIT 1 makes it look up each household's row by index."""
    if connection.vendor == "postgresql":
        return (f"LEFT JOIN LATERAL (SELECT * FROM registry_householdincome x WHERE x.county_code = h.county_code"
                f" AND x.household_id = h.id AND x.year = {_int(year)} LIMIT 1) {alias} ON TRUE")
    return (f"LEFT JOIN registry_householdincome {alias} ON {alias}.county_code = h.county_code"
            f" AND {alias}.household_id = h.id AND {alias}.year = {_int(year)}")


def _explanation(params: Params, ref: dt.date, mpi_poor: str) -> str:
    """The reasons, in words: '人均纯收入 3,850 元 低于收入线 4,000 元；义务教育不达标：之子 12 岁未在校。结论：...'."""
    pc = money_text("g.pc")
    age = (f"(CAST(substr('{ref.isoformat()}', 1, 4) AS INTEGER) - CAST(substr(g.first_out, 1, 4) AS INTEGER)"
           f" - CASE WHEN substr(g.first_out, 6, 5) > '{ref:%m-%d}' THEN 1 ELSE 0 END)")
    relation = _label_case("substr(g.first_out, 11)", codes.Relation, "成员")
    pieces = [
        f"CASE WHEN g.n = 0 THEN '无在册成员' WHEN g.below IS NULL THEN '缺少 {params.year} 年度收入数据'"
        f" ELSE '人均纯收入 ' || {pc} || ' 元' || CASE WHEN g.below = 1 THEN ' 低于' ELSE ' 不低于' END"
        f" || '收入线 {yuan_text(params.income_line)} 元' END",
        f"CASE WHEN g.food_ok = 0 THEN '；吃穿不达标：人均纯收入低于 {yuan_text(params.food_min_income)} 元"
        f"{'且未享受低保、特困供养' if params.safety_net_secures_food else ''}' ELSE '' END",
        f"CASE WHEN g.edu_ok = 0 THEN '；义务教育不达标：' || {relation} || ' ' || {age} || ' 岁未在校'"
        f" || CASE WHEN g.out_of_school > 1 THEN '等 ' || g.out_of_school || ' 人' ELSE '' END ELSE '' END",
    ]
    medical = [text for text, on in (
        ("CASE WHEN g.uninsured > 0 THEN '，' || g.uninsured || ' 人未参加基本医疗保险' ELSE '' END",
         params.require_basic_insurance),
        ("CASE WHEN g.uninsured_critical > 0 THEN '，' || g.uninsured_critical || ' 人未参加大病保险' ELSE '' END",
         params.require_critical_insurance),
        ("CASE WHEN g.serious_no_aid > 0 THEN '，' || g.serious_no_aid || ' 名大病患者未享受医疗救助' ELSE '' END",
         params.require_medical_aid)) if on]
    if medical:
        pieces.append(f"CASE WHEN g.med_ok = 0 THEN '；基本医疗不达标：' || substr({' || '.join(medical)}, 2)"
                      f" ELSE '' END")
    pieces.append("CASE WHEN g.house_ok = 0 THEN '；住房安全不达标：' || g.house_grade || ' 级危房未改造' ELSE '' END")
    pieces.append("CASE WHEN g.water_ok = 0 THEN '；饮水安全不达标' ELSE '' END")
    if params.gaps_counted:
        names = "、".join(GUARANTEE_LABELS[t] for t in params.gaps_counted)
        pieces.append(f"CASE WHEN g.gap_admitted = 1 THEN '；人均纯收入低于本县规定的 {yuan_text(params.gap_ceiling)}"
                      f" 元且{names}有未达标项，按地方规则纳入识别' ELSE '' END")
    # the previous year, where it decides: exit of a registered poor household, risk elimination
    prev = (f"'；上年人均纯收入 ' || {money_text('g.prev_pc')} || ' 元' || CASE WHEN g.prev_net_fen > "
            f"{_int(fen(params.line_last_year))} * g.n THEN ' 高于' ELSE ' 未高于' END"
            f" || '上年收入线 {yuan_text(params.line_last_year)} 元'")
    if params.exit_margin > 0:
        least = _int(fen(params.income_line + params.exit_margin))
        pieces.append(f"CASE WHEN g.household_type = 'poor' AND g.conclusion = 'not_poor' AND g.net_fen < {least}"
                      f" * g.n THEN '；未高出收入线 {yuan_text(params.exit_margin)} 元' ELSE '' END")
    if params.exit_prior_year:
        pieces.append(f"CASE WHEN g.household_type = 'poor' AND g.conclusion = 'not_poor' THEN CASE WHEN"
                      f" g.prev_net IS NULL THEN '；缺少上年收入数据' ELSE {prev} END ELSE '' END")
    hardship_text = "''"
    if params.monitoring_threshold is not None:
        hardship = []
        if params.province_rural_income:
            hardship.append(
                "CASE WHEN COALESCE(g.oop, 0) > 0 THEN '；合规自付医疗支出 ' || " + money_text("g.oop") + " || ' 元'"
                f" || CASE WHEN g.household_type IN ('exited', 'monitored') THEN '，超过全省农村居民人均可支配收入的"
                f" {params.oop_ratio_exited * 100:.0f}%%' ELSE '，超过全省农村居民人均可支配收入的"
                f" {params.oop_ratio_others * 100:.0f}%%' END ELSE '' END")
        if params.income_drop_ratio > 0:
            hardship.append(f"CASE WHEN g.prev_net > 0 AND g.net < g.prev_net THEN '；人均纯收入由 ' || "
                            f"{money_text('g.prev_pc')} || ' 元降至 ' || {pc} || ' 元' ELSE '' END")
        hardship_text = " || ".join(hardship) or "''"
        pieces.append(f"CASE WHEN g.monitoring = 'hardship' OR (g.household_type = 'monitored'"
                      f" AND g.conclusion = 'not_poor' AND g.hard = 1) THEN {hardship_text} ELSE '' END")
        # why a monitored household stays monitored (the other reasons are the gaps and last year's income)
        line = yuan_text(params.monitoring_threshold)
        since = _date(clock.months_before(params.reference_date, params.risk_clear_min_months))
        pieces.append(
            f"CASE WHEN g.household_type = 'monitored' AND g.conclusion = 'not_poor' AND g.cleared = 0 THEN"
            f" CASE WHEN g.below_mon = 1 THEN '；人均纯收入低于监测线 {line} 元' ELSE '' END"
            f" || CASE WHEN g.able + g.weak = 0 THEN '；整户无劳动能力，继续兜底监测' ELSE '' END"
            f" || CASE WHEN g.monitoring_start > {since} THEN '；纳入监测不满 {params.risk_clear_min_months} 个月'"
            f" ELSE '' END ELSE '' END")
        if params.risk_clear_years >= 2:
            last = yuan_text(params.monitoring_last_year)
            pieces.append(
                f"CASE WHEN g.household_type = 'monitored' AND g.conclusion = 'not_poor' THEN CASE WHEN"
                f" g.prev_net IS NULL THEN '；缺少上年收入数据' ELSE '；上年人均纯收入 ' || {money_text('g.prev_pc')}"
                f" || ' 元' || CASE WHEN g.prev_net_fen >= {_int(fen(params.monitoring_last_year))} * g.n"
                f" THEN ' 不低于' ELSE ' 低于' END || '上年监测线 {last} 元' END ELSE '' END")
    score = fraction_text(f"1.0 * g.units / {_int(params.denominator)}")
    pieces.append(f"'；多维贫困得分 ' || {score} || CASE WHEN {mpi_poor} THEN '（多维贫困）' ELSE '' END")
    pieces.append(_conclusion_text(params))
    return "\n      || ".join(f"({piece})" for piece in pieces)


GUARANTEE_LABELS = {"food": "吃穿", "education": "义务教育", "medical": "基本医疗", "housing": "住房安全",
                    "water": "饮水安全"}


def _conclusion_text(params: Params) -> str:
    """The one conclusion of the household, in words: 贫困户 (with degree, attribute and the help it
    needs), a monitoring candidate (with the reason), or not poor (with what the exit or risk
    elimination still needs, and whether a guarantee gap must be closed)."""
    with translation.override("zh-hans"):
        degree = " ".join(f"WHEN '{d.value}' THEN '{d.label}'" for d in Degree)
    poor = (f"'。结论：贫困户（' || CASE g.degree {degree} END || '，'"
            f" || CASE WHEN g.tekun = 1 THEN '特困供养贫困户' WHEN g.dibao = 1 THEN '低保贫困户' ELSE '一般贫困户' END"
            f" || '，' || CASE WHEN g.degree = 'severe' THEN '托底保障' ELSE '开发式帮扶' END || '）'")
    gap = "CASE WHEN g.any_gap = 1 THEN '，有保障缺口须解决' ELSE '' END"
    not_poor = f"'。结论：非贫困户' || {gap}"
    registered = ("'。结论：非贫困户，' || CASE WHEN g.stable = 1 THEN '收入稳定超过收入线' ELSE"
                  " '收入尚未稳定超过收入线' END || CASE WHEN g.any_gap = 1 THEN '，有保障缺口须解决后方可退出'"
                  " WHEN g.stable = 1 THEN '，符合退出条件' ELSE '' END")
    whens = ["WHEN g.conclusion = 'no_data' THEN '。结论：无法判定'", f"WHEN g.conclusion = 'poor' THEN {poor}"]
    if params.monitoring_threshold is not None:
        line = yuan_text(params.monitoring_threshold)
        whens += [
            f"WHEN g.monitoring = 'unstable' THEN '。结论：列为脱贫不稳定户监测对象（脱贫户人均纯收入低于监测线 {line} 元）'",
            f"WHEN g.monitoring = 'marginal' THEN '。结论：列为边缘易致贫户监测对象（一般农户人均纯收入低于监测线 {line} 元）'",
            "WHEN g.monitoring = 'hardship' THEN '。结论：列为突发严重困难户监测对象'",
            "WHEN g.cleared = 1 THEN '。结论：监测户，符合风险消除条件'",
            f"WHEN g.household_type = 'monitored' THEN '。结论：监测户，继续监测' || {gap}",
        ]
    whens.append(f"WHEN g.household_type = 'poor' THEN {registered}")
    return f"CASE {' '.join(whens)} ELSE {not_poor} END"


def village_insert_sql(params: Params) -> str:
    """Village results of a run ("一高一低一无", domain.md 1.4) from its household results and the
    village registers; the run id is its one parameter."""
    table = IdentificationResult._meta.db_table
    people = "SUM(r.size)"
    poor_people = "SUM(CASE WHEN r.conclusion = 'poor' THEN r.size ELSE 0 END)"
    with_income = "SUM(CASE WHEN r.net_income IS NOT NULL THEN r.size ELSE 0 END)"
    high = "CAST(NULL AS INTEGER)"
    if params.province_poverty_rate is not None:
        high = (f"CASE WHEN {people} > 0 AND 100.0 * {poor_people} >= {_dec(params.province_poverty_rate)}"
                f" * {_dec(params.village_incidence_multiple)} * {people} THEN 1 ELSE 0 END")
    low = "CAST(NULL AS INTEGER)"
    if params.province_rural_income:
        low = (f"CASE WHEN {with_income} > 0 AND SUM(COALESCE(r.net_income, 0)) < "
               f"{_dec(params.province_rural_income * params.village_income_ratio)} * {with_income} THEN 1 ELSE 0 END")
    return f"""
    INSERT INTO targeting_villageresult (run_id, county_code, division_code, households, people, poor_households,
      poor_people, incidence, mean_income, collective_income, high_incidence, low_income, no_collective_income,
      suggest_poor_village, suggest_infrastructure, suggest_industry)
    SELECT v.run_id, v.county_code, v.division_code, v.households, v.people, v.poor_households, v.poor_people,
      v.incidence, v.mean_income, v.collective_income, (v.high = 1), (v.low = 1), (v.none_ = 1),
      (COALESCE(v.high, 0) = 1 AND COALESCE(v.low, 0) = 1 AND COALESCE(v.none_, 0) = 1),
      (v.has_profile = 1 AND (v.paved_road = 0 OR v.tap_water = 0 OR v.power_grid = 0)),
      (COALESCE(v.low, 0) = 1 OR COALESCE(v.none_, 0) = 1)
    FROM (
      SELECT r.run_id, r.county_code, r.division_code, COUNT(*) AS households, {people} AS people,
        SUM(CASE WHEN r.conclusion = 'poor' THEN 1 ELSE 0 END) AS poor_households, {poor_people} AS poor_people,
        CASE WHEN {people} > 0 THEN ROUND(100.0 * {poor_people} / {people}, 2) ELSE 0 END AS incidence,
        CASE WHEN {with_income} > 0 THEN ROUND(1.0 * SUM(COALESCE(r.net_income, 0)) / {with_income}, 2) END
          AS mean_income,
        MAX(vp.collective_income) AS collective_income,
        {high} AS high, {low} AS low,
        CASE WHEN MAX(vp.collective_income) IS NULL THEN NULL WHEN MAX(vp.collective_income) <= 0 THEN 1 ELSE 0 END
          AS none_,
        MAX(CASE WHEN vp.id IS NULL THEN 0 ELSE 1 END) AS has_profile,
        MAX(CASE WHEN vp.paved_road THEN 1 ELSE 0 END) AS paved_road,
        MAX(CASE WHEN vp.tap_water THEN 1 ELSE 0 END) AS tap_water,
        MAX(CASE WHEN vp.power_grid THEN 1 ELSE 0 END) AS power_grid
      FROM {table} r
      LEFT JOIN registry_villageprofile vp ON vp.county_code = r.county_code AND vp.division_code = r.division_code
      WHERE r.run_id = %s
      GROUP BY r.run_id, r.county_code, r.division_code
    ) v"""
