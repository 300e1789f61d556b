"""The distributed layout on Citus: every county's data together on one shard, shared tables everywhere.

``distribute()`` turns a migrated database on a Citus coordinator into that layout, from the catalog:

- every table with a ``county_code`` column is distributed by it, all co-located (a county's
  households, members, cases, payments... are on the same shard, and joins within a county stay
  on one node); ``divisions_division`` is the exception: the country's divisions are read by
  every county, so it is a reference table;
- every other table (users and their grants, code lists, rule sets, settings, Django's own) is a
  reference table, copied to every node;
- identity columns become plain sequences (Citus distributes tables whose ids come from a
  sequence); the primary key of a distributed table becomes ``(county_code, id)`` and every unique
  key that lacks ``county_code`` gains it (Citus enforces uniqueness within a shard);
- foreign keys between distributed tables are re-created on ``(county_code, x_id)``, so a row can
  only point to a row of its own county; foreign keys to reference tables stay as they were; a
  reference table cannot point into a distributed one (the many-to-many link tables without a
  county, which do), so those foreign keys are dropped and listed in the report;
- the audit table's append-only trigger is kept (``citus.enable_unsafe_triggers``: the trigger only
  refuses, it never writes another shard).

Idempotent: a table already distributed or referenced is left alone. Plain PostgreSQL and SQLite
are not touched (``is_citus()`` is false there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection

DISTRIBUTION_COLUMN = "county_code"
ANCHOR = "registry_household"  # the table the others are co-located with
REFERENCE_DESPITE_COUNTY = frozenset({"divisions_division"})


@dataclass
class Report:
    distributed: list[str] = field(default_factory=list)
    reference: list[str] = field(default_factory=list)
    already: int = 0
    keys_widened: list[str] = field(default_factory=list)
    foreign_keys_composite: int = 0
    foreign_keys_kept: int = 0
    foreign_keys_dropped: list[str] = field(default_factory=list)
    sequences: int = 0


def is_citus() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'citus'")
        return cursor.fetchone() is not None


def _rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _run(*statements: str) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def tables() -> tuple[list[str], list[str]]:
    """(distributed, reference) table names of the public schema, by the rule above."""
    found = _rows("""
        SELECT c.relname, EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
                                  AND NOT a.attisdropped AND a.attname = %s)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        ORDER BY c.relname""", [DISTRIBUTION_COLUMN])
    distributed = [t for t, has in found if has and t not in REFERENCE_DESPITE_COUNTY]
    reference = [t for t, has in found if not (has and t not in REFERENCE_DESPITE_COUNTY)]
    return distributed, reference


def placed() -> dict[str, str]:
    """Tables Citus already manages: name -> 'h' (distributed by hash) or 'n' (reference)."""
    return {name: method for name, method in _rows(
        "SELECT logicalrelid::regclass::text, partmethod FROM pg_dist_partition")}


def _foreign_keys() -> list[tuple[str, str, str, str]]:
    """(table, constraint, referenced table, definition) of every foreign key in the public schema."""
    return _rows("""
        SELECT c.conrelid::regclass::text, c.conname, c.confrelid::regclass::text, pg_get_constraintdef(c.oid)
        FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = 'public' AND c.contype = 'f' ORDER BY 1, 2""")


def _identity_columns(table: str) -> list[str]:
    return [r[0] for r in _rows("""
        SELECT a.attname FROM pg_attribute a WHERE a.attrelid = %s::regclass AND a.attidentity <> ''""", [table])]


def _to_sequence(table: str, column: str) -> None:
    """An identity column as a column defaulting to its own sequence, which goes on where it was."""
    seq = f"{table}_{column}_seq"[:63]
    start = _rows(f"SELECT COALESCE(MAX({_q(column)}), 0) + 1 FROM {_q(table)}")[0][0]
    _run(f"ALTER TABLE {_q(table)} ALTER COLUMN {_q(column)} DROP IDENTITY IF EXISTS",
         f"CREATE SEQUENCE IF NOT EXISTS {_q(seq)} AS bigint START WITH {int(start)} OWNED BY {_q(table)}.{_q(column)}",
         f"ALTER TABLE {_q(table)} ALTER COLUMN {_q(column)} SET DEFAULT nextval('{seq}')")


def _widen_keys(table: str, report: Report) -> None:
    """Primary and unique keys of a distributed table include the distribution column."""
    for name, kind, columns, definition in _rows("""
            SELECT c.conname, c.contype,
              ARRAY(SELECT a.attname FROM unnest(c.conkey) k JOIN pg_attribute a
                    ON a.attrelid = c.conrelid AND a.attnum = k)::text[],
              pg_get_constraintdef(c.oid)
            FROM pg_constraint c WHERE c.conrelid = %s::regclass AND c.contype IN ('p', 'u')""", [table]):
        if DISTRIBUTION_COLUMN in columns:
            continue
        keys = ", ".join(_q(c) for c in [DISTRIBUTION_COLUMN, *columns])
        what = "PRIMARY KEY" if kind == "p" else "UNIQUE"
        _run(f"ALTER TABLE {_q(table)} DROP CONSTRAINT {_q(name)}",
             f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {what} ({keys})")
        report.keys_widened.append(f"{table}.{name}: {definition} -> {what} ({keys})")
    for name, definition in _rows("""
            SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s::regclass AND x.indisunique AND NOT x.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)""", [table]):
        columns = re.search(r"USING \w+ \(([^)]*)\)", definition).group(1)
        if DISTRIBUTION_COLUMN in [c.strip().strip('"') for c in columns.split(",")]:
            continue
        _run(f"DROP INDEX {_q(name)}",
             definition.replace(f"({columns})", f"({DISTRIBUTION_COLUMN}, {columns})", 1))
        report.keys_widened.append(f"{table}.{name}: unique index widened by {DISTRIBUTION_COLUMN}")


def _composite(definition: str) -> str:
    """``FOREIGN KEY (x) REFERENCES t(id) ...`` -> on (county_code, x) and t(county_code, id)."""
    definition = re.sub(r"^FOREIGN KEY \(", f"FOREIGN KEY ({DISTRIBUTION_COLUMN}, ", definition, count=1)
    return re.sub(r" REFERENCES ([\w.\"]+)\(", rf" REFERENCES \1({DISTRIBUTION_COLUMN}, ", definition, count=1)


def distribute(*, echo=lambda line: None, shards: int | None = None) -> Report:
    """Put the database in the distributed layout (see the module's text); returns what it did.
    ``shards``: shards per distributed table (all co-located: the anchor's count); Citus's
    ``citus.shard_count`` (32) when not given."""
    if not is_citus():
        raise RuntimeError("not a Citus coordinator: CREATE EXTENSION citus and add the workers first")
    report = Report()
    distributed, reference = tables()
    done = placed()
    report.already = sum(1 for t in [*distributed, *reference] if t in done)
    todo_dist = [t for t in distributed if t not in done]
    todo_ref = [t for t in reference if t not in done]
    if not todo_dist and not todo_ref:
        report.distributed, report.reference = distributed, reference
        return report
    dist = set(distributed)
    _run("SET citus.enable_unsafe_triggers TO on", "SET citus.multi_shard_modify_mode TO 'sequential'",
         f"ALTER DATABASE {_q(connection.settings_dict['NAME'])} SET citus.enable_unsafe_triggers TO on",
         # joins not on county_code (a member with its household by id) still answer, repartitioned
         f"ALTER DATABASE {_q(connection.settings_dict['NAME'])} SET citus.enable_repartition_joins TO on")
    # 1. foreign keys off (they are put back below, in the form Citus accepts)
    keys = _foreign_keys()
    for table, name, _target, _definition in keys:
        _run(f"ALTER TABLE {_q(table)} DROP CONSTRAINT {_q(name)}")
    echo(f"foreign keys taken off: {len(keys)}")
    # 2. identities to sequences; keys of distributed tables widened
    for table in [*todo_dist, *todo_ref]:
        for column in _identity_columns(table):
            _to_sequence(table, column)
            report.sequences += 1
    for table in todo_dist:
        _widen_keys(table, report)
    # 3. reference tables, then the distributed ones co-located with the anchor
    with connection.cursor() as cursor:
        if shards:
            cursor.execute(f"SET citus.shard_count TO {int(shards)}")
        for table in todo_ref:
            cursor.execute("SELECT create_reference_table(%s)", [table])
            echo(f"reference: {table}")
        ordered = sorted(todo_dist, key=lambda t: t != ANCHOR)
        for table in ordered:
            cursor.execute("SELECT create_distributed_table(%s, %s, colocate_with => %s)",
                           [table, DISTRIBUTION_COLUMN, "default" if table == ANCHOR else ANCHOR])
            echo(f"distributed: {table}")
    # 4. foreign keys back
    for table, name, target, definition in keys:
        if table in dist and target in dist:
            sql = _composite(definition)
            report.foreign_keys_composite += 1
        elif table not in dist and target in dist:
            report.foreign_keys_dropped.append(f"{table}.{name} -> {target}")
            continue
        else:
            sql = definition
            report.foreign_keys_kept += 1
        _run(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {sql}")
    report.distributed, report.reference = distributed, reference
    return report


def status() -> dict:
    """How the tables are placed now: counts of distributed and reference tables, shards per node."""
    if not is_citus():
        return {"citus": False}
    done = placed()
    nodes = _rows("""SELECT n.nodename || ':' || n.nodeport, COUNT(p.shardid)
                     FROM pg_dist_node n LEFT JOIN pg_dist_placement p ON p.groupid = n.groupid
                     GROUP BY 1 ORDER BY 1""")
    return {"citus": True, "distributed": sorted(t for t, m in done.items() if m == "h"),
            "reference": sorted(t for t, m in done.items() if m == "n"), "placements": dict(nodes)}


def route_saves_by_county() -> None:
    """``Model.save()`` of an existing row updates it by ``(county_code, id)`` and never rewrites
    ``county_code``: a row stays in the county it was created in (its shard on Citus, which refuses
    an UPDATE that sets the distribution column, and routes one that names it to one node). Installed
    for every database, so SQLite and PostgreSQL run the same statements; no code moves a row to
    another county (``tests/core/test_county_routing.py``)."""
    from django.db.models import Model

    if getattr(Model._do_update, "routes_by_county", False):
        return
    original = Model._do_update

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        if _has_county(type(self)):
            base_qs = base_qs.filter(county_code=self.county_code)
            values = [v for v in values if v[0].attname != DISTRIBUTION_COLUMN]
        return original(self, base_qs, using, pk_val, values, update_fields, forced_update)

    _do_update.routes_by_county = True
    Model._do_update = _do_update


def group_by_every_column() -> None:
    """A grouped query over a county table groups by every column it selects, not by the id alone.
    Django shortens ``GROUP BY`` to a table's primary key where PostgreSQL allows it (the other columns
    depend on the key); on the cluster a county table's primary key is ``(county_code, id)``, the id
    alone is no key, and PostgreSQL refuses the other columns ("must appear in the GROUP BY clause").
    Installed for every database, so SQLite and PostgreSQL run the same statements; the reference and
    local tables keep the short form."""
    from django.db.backends.base.features import BaseDatabaseFeatures

    if getattr(BaseDatabaseFeatures.allows_group_by_selected_pks_on_model, "groups_by_county", False):
        return
    original = BaseDatabaseFeatures.allows_group_by_selected_pks_on_model

    def allows_group_by_selected_pks_on_model(self, model):
        return not _has_county(model) and original(self, model)

    allows_group_by_selected_pks_on_model.groups_by_county = True
    BaseDatabaseFeatures.allows_group_by_selected_pks_on_model = allows_group_by_selected_pks_on_model


def join_by_county() -> None:
    """Every ORM join along a foreign key between two county tables also says
    ``a.county_code = b.county_code`` (``select_related``, filters across relations, both directions):
    Citus plans a join between distributed tables only on their distribution column (a LEFT OUTER
    JOIN on the id alone is refused, an inner one is repartitioned across the nodes). A row only
    points to a row of its own county (the foreign keys on the cluster are on ``(county_code, x_id)``),
    so the condition changes no answer; installed for every database, so SQLite and PostgreSQL run
    the same statements. The divisions, which have a county but are shared, are left out."""
    from django.db.models import ForeignObject
    from django.db.models.lookups import Exact
    from django.db.models.sql.where import AND, WhereNode

    if getattr(ForeignObject.get_extra_restriction, "joins_by_county", False):
        return
    original = ForeignObject.get_extra_restriction

    def get_extra_restriction(self, alias, related_alias):
        condition = original(self, alias, related_alias)
        if alias is None or related_alias is None or not _county_pair(self):
            return condition  # a subquery pushdown names one side only: nothing to add there
        # the same column on both sides, so which alias is which model does not matter
        own = self.model._meta.get_field(DISTRIBUTION_COLUMN)
        other = self.remote_field.model._meta.get_field(DISTRIBUTION_COLUMN)
        same = Exact(own.get_col(alias), other.get_col(related_alias))
        return same if condition is None else WhereNode([condition, same], AND)

    get_extra_restriction.joins_by_county = True
    ForeignObject.get_extra_restriction = get_extra_restriction


_COUNTY_PAIRS: dict[object, bool] = {}


def _county_pair(field) -> bool:
    """A relation between two county tables (both distributed on the cluster)."""
    found = _COUNTY_PAIRS.get(field)
    if found is None:
        target = field.remote_field.model
        found = _COUNTY_PAIRS[field] = (
            not isinstance(target, str) and _has_county(field.model) and _has_county(target)
            and field.model._meta.db_table not in REFERENCE_DESPITE_COUNTY
            and target._meta.db_table not in REFERENCE_DESPITE_COUNTY)
    return found


_COUNTY_MODELS: dict[type, bool] = {}


def _has_county(model: type) -> bool:
    found = _COUNTY_MODELS.get(model)
    if found is None:
        found = _COUNTY_MODELS[model] = any(f.attname == DISTRIBUTION_COLUMN for f in model._meta.concrete_fields)
    return found
