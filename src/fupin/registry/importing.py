"""The registry's bulk writer for imported workbooks: stage the validated rows, check them against
the registry, then write set-based (INSERT ... SELECT for new households, members and incomes; for
existing ones the rows that differ are read once to record their history, audit events with before
and after, then updated with one UPDATE ... FROM). Households and members created by an import have
no event of their own (their creation time tells when they appeared, as for the demo); the batch
has one.

Only :func:`fupin.registry.actions.import_register` calls this: the registry's tables are written by
the registry. The exchange app reads and checks the files and hands over the frames, whose columns
are ``HOUSEHOLD_COLUMNS`` and ``MEMBER_COLUMNS`` (``row`` is the row number the person sees).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl
from django.db import connection
from django.utils import timezone

from fupin.core import audit, clock, staging
from fupin.core.actions import user_or_none
from fupin.registry import codes

TRANSFER_ITEMS = codes.TRANSFER_ITEMS

MEMBER_COLUMNS = [
    ("row", "INTEGER"), ("county_code", "TEXT"), ("household_code", "TEXT"), ("division_code", "TEXT"),
    ("id_number", "TEXT"), ("name", "TEXT"), ("sex", "TEXT"), ("birth_date", "DATE"), ("id_type", "TEXT"),
    ("relation", "TEXT"), ("ethnicity", "TEXT"), ("education", "TEXT"), ("schooling", "TEXT"),
    ("chronic_illness", "BOOLEAN"), ("serious_illness", "BOOLEAN"), ("disabled", "BOOLEAN"),
    ("disability_category", "TEXT"), ("disability_grade", "TEXT"), ("labour_skill", "TEXT"), ("work_status", "TEXT"),
    ("work_months", "INTEGER"), ("medical_insurance", "BOOLEAN"), ("critical_illness_insurance", "BOOLEAN"),
    ("dibao", "BOOLEAN"), ("tekun", "BOOLEAN"), ("pension_insurance", "BOOLEAN"), ("work_willing", "BOOLEAN"),
]
HOUSEHOLD_COLUMNS = [
    ("row", "INTEGER"), ("county_code", "TEXT"), ("household_code", "TEXT"), ("division_code", "TEXT"),
    ("group_name", "TEXT"), ("household_type", "TEXT"), ("poverty_attribute", "TEXT"),
    ("identification_standard", "TEXT"), ("identification_year", "INTEGER"), ("exit_year", "INTEGER"),
    ("monitoring_type", "TEXT"), ("main_cause", "TEXT"), ("other_cause_1", "TEXT"), ("other_cause_2", "TEXT"),
    ("income_year", "INTEGER"), ("wage_income", "NUMERIC"), ("business_income", "NUMERIC"),
    ("property_income", "NUMERIC"), ("property_dividends", "NUMERIC"), ("transfer_income", "NUMERIC"),
    ("transfer_dibao", "NUMERIC"), ("transfer_tekun", "NUMERIC"), ("transfer_pension", "NUMERIC"),
    ("transfer_ecological", "NUMERIC"), ("transfer_family_planning", "NUMERIC"), ("transfer_other", "NUMERIC"),
    ("production_costs", "NUMERIC"), ("house_grade", "TEXT"), ("house_renovated", "BOOLEAN"), ("safe_water", "BOOLEAN"),
    ("sanitary_toilet", "BOOLEAN"), ("has_power", "BOOLEAN"), ("main_fuel", "TEXT"), ("access_road", "TEXT"),
    ("farmland_area", "NUMERIC"), ("forest_area", "NUMERIC"), ("relocation_willing", "BOOLEAN"),
    ("relocated", "BOOLEAN"), ("phone", "TEXT"), ("bank_name", "TEXT"), ("bank_account", "TEXT"),
    ("helper_name", "TEXT"), ("helper_unit", "TEXT"), ("helper_phone", "TEXT"), ("size", "INTEGER"),
]
# household fields the workbook sets (text fields: blank clears; flags: blank keeps)
HOUSEHOLD_TEXT = ["division_code", "group_name", "household_type", "poverty_attribute", "identification_standard",
                  "monitoring_type", "main_cause", "other_cause_1", "other_cause_2", "house_grade", "main_fuel",
                  "access_road", "phone", "bank_name", "bank_account", "helper_name", "helper_unit", "helper_phone"]
HOUSEHOLD_VALUES = ["identification_year", "exit_year", "farmland_area", "forest_area"]
HOUSEHOLD_FLAGS = {"house_renovated": False, "safe_water": True, "sanitary_toilet": False, "has_power": True,
                   "relocation_willing": False, "relocated": False}
MEMBER_TEXT = ["name", "sex", "id_type", "relation", "ethnicity", "education", "schooling", "disability_category",
               "disability_grade", "labour_skill", "work_status"]
MEMBER_VALUES = ["birth_date", "work_months"]
MEMBER_FLAGS = {"chronic_illness": False, "serious_illness": False, "disabled": False, "medical_insurance": False,
                "critical_illness_insurance": False, "dibao": False, "tekun": False, "pension_insurance": False,
                "work_willing": True}
INCOME = ["wage_income", "business_income", "property_income", "property_dividends", "transfer_income",
          *TRANSFER_ITEMS, "production_costs"]

@dataclass
class RegisterImport:
    """What an import did (or, in a trial, would do) to the registry."""
    conflicts: list[tuple[int, str, str, str]] = field(default_factory=list)  # (row, field, value, message)
    skipped_households: list[str] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    absent: list[tuple[str, str, str]] = field(default_factory=list)  # (household code, name, masked id)
    written: bool = False


# --- staging ----------------------------------------------------------------------------------

def stage(households: pl.DataFrame, members: pl.DataFrame) -> None:
    # household_id: the registry household each staged one is (NULL while new); existed: before this import
    staging.create("exch_member", MEMBER_COLUMNS)
    staging.create("exch_household", [*HOUSEHOLD_COLUMNS, ("household_id", "BIGINT"), ("closed", "BOOLEAN"),
                                      ("existed", "BOOLEAN")])
    staging.load("exch_member", MEMBER_COLUMNS, members)
    staging.load("exch_household", HOUSEHOLD_COLUMNS, households)
    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX exch_household_code ON exch_household (county_code, household_code)")
    staging.analyze("exch_member", "exch_household")
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE exch_household SET household_id = h.id, closed = (h.status <> 'active'), existed = TRUE
            FROM registry_household h
            WHERE h.county_code = exch_household.county_code AND h.household_code = exch_household.household_code""")


def conflicts() -> list[tuple[int, str, str, str]]:
    """IDs that already belong to another household of the registry (a person lives in one), and
    households of the file that are closed: (row, field, value, message)."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT s.row, s.id_number, h.household_code
            FROM exch_member s
            JOIN registry_member m ON m.id_number = s.id_number AND m.status = 'active'
            JOIN registry_household h ON h.id = m.household_id AND h.county_code = m.county_code
            WHERE NOT (h.county_code = s.county_code AND h.household_code = s.household_code)""")
        found = cursor.fetchall()
        rows = [(row, "id_number", number, f"该证件号码已登记在户 {code}，一人只能属于一户")
                for row, number, code in found]
        cursor.execute("SELECT row, household_code FROM exch_household WHERE closed")
        rows += [(row, "household_code", code, "该户已销户，不能再导入（如需恢复，请在系统中办理）")
                 for row, code in cursor.fetchall()]
    return rows


def drop_households(households: pl.DataFrame, members: pl.DataFrame, bad_rows: set[int]) -> list[str]:
    """With the partial option: every household with any problem is left out whole."""
    rows = list(bad_rows)
    bad = members.filter(pl.col("row").is_in(rows)).get_column("household_code").unique().to_list()
    bad += households.filter(pl.col("row").is_in(rows)).get_column("household_code").unique().to_list()
    bad = sorted(set(bad))
    with connection.cursor() as cursor:
        for start in range(0, len(bad), 500):
            chunk = bad[start:start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM exch_member WHERE household_code IN ({marks})", chunk)
            cursor.execute(f"DELETE FROM exch_household WHERE household_code IN ({marks})", chunk)
    return bad


# --- writing ----------------------------------------------------------------------------------

def _distinct(a: str, b: str) -> str:
    return f"{a} IS DISTINCT FROM {b}" if connection.vendor == "postgresql" else f"{a} IS NOT {b}"


def _bool(value: bool) -> str:
    return "TRUE" if value else "FALSE"


def fetch(sql: str, params=()) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


DECIMAL_FIELDS = frozenset([*INCOME, "farmland_area", "forest_area"])


def _json(field_name: str, value):
    """As the actions record values: decimals as strings (SQLite hands back floats and ints)."""
    if field_name in DECIMAL_FIELDS and value is not None:
        value = Decimal(str(value)).quantize(Decimal("0.01"))
    return audit.json_value(value)


def _events(actor, verb: str, object_type: str, rows: list[dict], fields: list[str], summary: str) -> None:
    """History for rows that change: before and after of the changed fields, one event each."""
    from fupin.core.models import AuditEvent

    now = timezone.now()
    label = audit.actor_label(actor)
    events = []
    for row in rows:
        before = {f: _json(f, row[f"old_{f}"]) for f in fields}
        after = {f: _json(f, row[f"new_{f}"]) for f in fields}
        old, new = audit.diff(before, after)
        if not new:
            continue
        events.append(AuditEvent(
            county_code=row["county_code"], occurred_at=now, actor=user_or_none(actor),
            actor_label=label, verb=verb, object_type=object_type, object_id=str(row["id"]),
            division_code=row["division_code"], household_id=row["household_id"], summary=summary,
            before=old, after=new))
    AuditEvent.objects.bulk_create(events, batch_size=2000)


def apply(actor, *, sync_members: bool, outcome: RegisterImport, file_name: str, say) -> dict:
    now = timezone.now()
    today = clock.today()
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        # 1. households that change (first: the planner's statistics still describe the table)
        fields = HOUSEHOLD_TEXT + HOUSEHOLD_VALUES + list(HOUSEHOLD_FLAGS)

        def h_new(f: str, h: str) -> str:
            return f"COALESCE(s.{f}, {h}.{f})" if f in HOUSEHOLD_FLAGS else f"s.{f}"

        def h_differ(h: str) -> str:
            return " OR ".join(_distinct(f"{h}.{f}", h_new(f, h)) for f in fields)

        households_changed = changed = fetch(f"""
            SELECT h.id, h.id AS household_id, h.county_code, h.division_code,
              {', '.join(f'h.{f} AS old_{f}, {h_new(f, "h")} AS new_{f}' for f in fields)}
            FROM registry_household h JOIN exch_household s ON h.id = s.household_id
            WHERE h.status = 'active' AND ({h_differ("h")})""")
        _events(actor, "household.update", "registry.household", changed, fields, f"导入更新：{file_name}"[:300])
        if changed:
            t = "registry_household"
            cursor.execute(f"""
                UPDATE {t} SET {', '.join(f'{f} = {h_new(f, t)}' for f in fields)}, updated_at = %s
                FROM exch_household s
                WHERE {t}.id = s.household_id AND {t}.status = 'active' AND ({h_differ(t)})""", [now])
        counts["households_updated"] = len(changed)

        # 2. new households
        columns = ["county_code", "household_code", "division_code", "group_name", "size", "status", "phone",
                   "bank_name", "bank_account", "household_type", "poverty_attribute", "identification_standard",
                   "identification_year", "exit_year", "monitoring_type", "main_cause", "other_cause_1",
                   "other_cause_2", "military_family", "one_child", "two_daughters", "farmland_area", "forest_area",
                   "cooperative_member", "house_grade", "house_renovated", "safe_water", "sanitary_toilet",
                   "has_power", "main_fuel", "access_road", "relocation_willing", "relocated", "helper_name",
                   "helper_unit", "helper_phone", "close_reason", "created_at", "updated_at"]
        values = {c: f"s.{c}" for c in columns}
        values.update({"size": "s.size", "status": "'active'", "military_family": "FALSE", "one_child": "FALSE",
                       "two_daughters": "FALSE", "cooperative_member": "FALSE", "close_reason": "''",
                       "created_at": "%s", "updated_at": "%s"})
        values.update({f: f"COALESCE(s.{f}, {_bool(default)})" for f, default in HOUSEHOLD_FLAGS.items()})
        cursor.execute(f"""
            INSERT INTO registry_household ({', '.join(columns)})
            SELECT {', '.join(values[c] for c in columns)} FROM exch_household s
            WHERE s.household_id IS NULL""", [now, now])
        counts["households_created"] = cursor.rowcount
        if counts["households_created"]:
            if counts["households_created"] > 1000:
                staging.analyze("registry_household")
            cursor.execute("""
                UPDATE exch_household SET household_id = h.id FROM registry_household h
                WHERE exch_household.household_id IS NULL AND h.county_code = exch_household.county_code
                  AND h.household_code = exch_household.household_code""")

        say(65, "写入成员")

        # 3. members. Staged rows of households that existed are matched with their registry
        # members once (a narrow table: rewriting the wide staging rows costs more).
        cursor.execute("SELECT COUNT(*) FROM exch_household WHERE existed")
        existed = cursor.fetchone()[0]
        staged = """exch_member s JOIN exch_household x
                    ON x.county_code = s.county_code AND x.household_code = s.household_code"""
        m_fields = MEMBER_TEXT + MEMBER_VALUES + list(MEMBER_FLAGS)

        def m_new(f: str, m: str) -> str:
            return f"COALESCE(s.{f}, {m}.{f})" if f in MEMBER_FLAGS else f"s.{f}"

        def m_differ(m: str) -> str:
            return " OR ".join(_distinct(f"{m}.{f}", m_new(f, m)) for f in m_fields)

        absent: list[dict] = []
        new_in_existing = 0
        if existed:
            cursor.execute(f"""
                CREATE TEMP TABLE exch_member_match AS
                SELECT s.row AS row, m.id AS member_id FROM {staged}
                JOIN registry_member m ON m.county_code = x.county_code AND m.household_id = x.household_id
                  AND m.id_number = s.id_number AND m.status = 'active'
                WHERE x.existed""")
            cursor.execute("CREATE INDEX exch_member_match_row ON exch_member_match (row)")
            cursor.execute("CREATE INDEX exch_member_match_member ON exch_member_match (member_id)")
            cursor.execute("CREATE INDEX exch_member_row ON exch_member (row)")
            staging.analyze("exch_member_match", "exch_member")
            changed = fetch(f"""
                SELECT m.id, m.household_id, m.county_code, m.division_code,
                  {', '.join(f'm.{f} AS old_{f}, {m_new(f, "m")} AS new_{f}' for f in m_fields)}
                FROM exch_member_match k JOIN registry_member m ON m.id = k.member_id
                JOIN exch_member s ON s.row = k.row
                WHERE {m_differ("m")}""")
            _events(actor, "member.update", "registry.member", changed, m_fields, f"导入更新：{file_name}"[:300])
            if changed:
                t = "registry_member"
                cursor.execute(f"""
                    UPDATE {t} SET {', '.join(f'{f} = {m_new(f, t)}' for f in m_fields)}, updated_at = %s
                    FROM exch_member_match k, exch_member s
                    WHERE {t}.id = k.member_id AND s.row = k.row AND ({m_differ(t)})""", [now])
            counts["members_updated"] = len(changed)
            # members of those households who are not in the file
            absent = fetch("""
                SELECT m.id, m.household_id, m.county_code, m.division_code, m.name, m.id_number, x.household_code
                FROM registry_member m
                JOIN exch_household x ON x.county_code = m.county_code AND x.household_id = m.household_id
                  AND x.existed
                LEFT JOIN exch_member_match k ON k.member_id = m.id
                WHERE m.status = 'active' AND k.member_id IS NULL""")
            cursor.execute(f"""
                SELECT COUNT(*) FROM {staged} WHERE x.existed
                  AND NOT EXISTS (SELECT 1 FROM exch_member_match k WHERE k.row = s.row)""")
            new_in_existing = cursor.fetchone()[0]
        else:
            counts["members_updated"] = 0

        m_columns = ["county_code", "division_code", "household_id", "status", "name", "sex", "birth_date", "id_type",
                     "id_number", "relation", "ethnicity", "political_status", "education", "schooling",
                     "dropout_reason", "chronic_illness", "serious_illness", "disabled", "disability_category",
                     "disability_grade", "labour_skill", "work_status", "work_months", "workplace",
                     "public_welfare_job", "medical_insurance", "critical_illness_insurance", "commercial_insurance",
                     "medical_aid", "dibao", "tekun", "pension_insurance", "work_willing", "speaks_putonghua", "joined_on",
                     "join_reason", "removal_reason", "created_at", "updated_at"]
        m_values = {c: f"s.{c}" for c in m_columns}
        m_values.update({"status": "'active'", "political_status": "''", "dropout_reason": "''", "workplace": "''",
                         "public_welfare_job": "''", "commercial_insurance": "FALSE", "medical_aid": "FALSE",
                         "speaks_putonghua": "TRUE", "joined_on": "%s", "join_reason": "'initial'",
                         "removal_reason": "''", "created_at": "%s", "updated_at": "%s",
                         "division_code": "x.division_code", "household_id": "x.household_id"})
        m_values.update({f: f"COALESCE(s.{f}, {_bool(d)})" for f, d in MEMBER_FLAGS.items()})
        only_new = "WHERE NOT EXISTS (SELECT 1 FROM exch_member_match k WHERE k.row = s.row)" if existed else ""
        cursor.execute(f"""
            INSERT INTO registry_member ({', '.join(m_columns)})
            SELECT {', '.join(m_values[c] for c in m_columns)} FROM {staged} {only_new}""", [today, now, now])
        counts["members_created"] = cursor.rowcount
        if counts["members_created"] > 1000:
            staging.analyze("registry_member")

        from fupin.core.masking import mask_id_number

        outcome.absent = [(r["household_code"], r["name"], mask_id_number(r["id_number"])) for r in absent]
        counts["members_absent"] = len(absent)
        counts["members_removed"] = 0
        if sync_members and absent:
            for row in absent:
                row.update(old_status="active", new_status="removed", old_removal_reason="",
                           new_removal_reason=codes.RemovalReason.OTHER, old_removed_on=None, new_removed_on=today)
            _events(actor, "member.remove", "registry.member", absent, ["status", "removal_reason", "removed_on"],
                    f"导入同步减员：{file_name}"[:300])
            ids = [r["id"] for r in absent]
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                cursor.execute(f"UPDATE registry_member SET status = 'removed', removal_reason = 'other', "
                               f"removed_on = %s, updated_at = %s WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                               [today, now, *chunk])
            counts["members_removed"] = len(ids)

        # sizes of the households that existed and gained or lost members (new ones got theirs)
        if new_in_existing or counts["members_removed"]:
            cursor.execute("""
                UPDATE registry_household SET size = c.n
                FROM (SELECT m.household_id, COUNT(*) AS n FROM registry_member m
                      JOIN exch_household x ON x.household_id = m.household_id AND x.existed
                      WHERE m.status = 'active' GROUP BY m.household_id) c
                WHERE registry_household.id = c.household_id AND registry_household.size <> c.n""")
        # members follow their household when the file moves it to another village
        moved = [row["id"] for row in households_changed if row["old_division_code"] != row["new_division_code"]]
        for start in range(0, len(moved), 500):
            chunk = moved[start:start + 500]
            cursor.execute(f"""
                UPDATE registry_member SET division_code = (
                  SELECT h.division_code FROM registry_household h WHERE h.id = registry_member.household_id)
                WHERE household_id IN ({', '.join(['%s'] * len(chunk))})""", chunk)
        if existed:
            cursor.execute("DROP TABLE IF EXISTS exch_member_match")

        # 4. incomes of the year each household gives
        say(85, "写入收入")
        income_new = {f: f"COALESCE(s.{f}, 0)" for f in INCOME}
        changed = fetch(f"""
            SELECT i.id, i.household_id, i.county_code, s.division_code,
              {', '.join(f'i.{f} AS old_{f}, {income_new[f]} AS new_{f}' for f in INCOME)}
            FROM registry_householdincome i
            JOIN exch_household s ON s.county_code = i.county_code AND s.household_id = i.household_id
              AND s.existed AND s.income_year = i.year
            WHERE {' OR '.join(_distinct(f'i.{f}', income_new[f]) for f in INCOME)}""")
        _events(actor, "household.income", "registry.householdincome", changed, INCOME,
                f"导入收入：{file_name}"[:300])
        # written = new years + changed ones, counted here: Citus reports every row an INSERT ... SELECT
        # from a temporary table offered, not the ones ON CONFLICT actually wrote
        cursor.execute("SELECT COUNT(*) FROM exch_household WHERE income_year IS NOT NULL")
        staged_years = cursor.fetchone()[0]
        cursor.execute("""
            SELECT COUNT(*) FROM registry_householdincome i
            JOIN exch_household s ON s.county_code = i.county_code AND s.household_id = i.household_id
              AND s.income_year = i.year""")
        existing_years = cursor.fetchone()[0]
        cursor.execute(f"""
            INSERT INTO registry_householdincome (county_code, household_id, year, {', '.join(INCOME)},
              insurance_payouts, medical_out_of_pocket)
            SELECT s.county_code, s.household_id, s.income_year, {', '.join(income_new[f] for f in INCOME)}, 0, 0
            FROM exch_household s
            WHERE s.income_year IS NOT NULL
            ON CONFLICT (county_code, household_id, year) DO UPDATE SET
              {', '.join(f'{f} = excluded.{f}' for f in INCOME)}
            WHERE {' OR '.join(_distinct(f'registry_householdincome.{f}', f'excluded.{f}') for f in INCOME)}""")
        counts["incomes_written"] = staged_years - existing_years + len(changed)

    return counts
