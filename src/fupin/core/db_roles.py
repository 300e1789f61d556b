"""Two PostgreSQL roles: the owner, which runs the migrations, and the application's role, which only
reads and writes rows (README, "Database roles").

Only a table's owner (or a superuser) may ``ALTER TABLE ... DISABLE TRIGGER``, drop a trigger or
replace its function, so an application that does not log in as the owner cannot lift the audit
table's append-only trigger; it is also refused UPDATE, DELETE and TRUNCATE on that table outright.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from fupin.core.append_only import TABLE as AUDIT_TABLE

DML = "SELECT, INSERT, UPDATE, DELETE"


@contextmanager
def owner_connection(alias: str = DEFAULT_DB_ALIAS):
    """While the block runs, connection ``alias`` logs in with FUPIN_MIGRATE_DATABASE_URL's
    credentials (the owner); unchanged when that is not set. Outside any transaction only."""
    connection = connections[alias]
    owner = settings.FUPIN_MIGRATE_DATABASE
    if not owner:
        yield connection
        return
    if connection.in_atomic_block:
        raise RuntimeError(_("不能在事务中切换到所有者的连接"))
    connection.close()
    saved = connection.settings_dict
    connection.settings_dict = {**saved, **owner}  # this wrapper only: other threads keep theirs
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict = saved


def _one(connection, sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        row = cursor.fetchone()
    return row[0] if row else None


def table_owner(connection, table: str = AUDIT_TABLE) -> str | None:
    return _one(connection, "SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = %s",
                [table])


@dataclass
class Plan:
    app_role: str
    owner: str
    statements: list[str]
    problems: list[str]  # reasons the separation would not hold; --apply refuses while there are any
    notes: list[str]


def plan(connection, app_role: str, owner: str | None = None) -> Plan:
    """The GRANT/REVOKE statements (idempotent) that give ``app_role`` data rights only, and what
    stands in the way. Run them as the owner of the tables (or a superuser)."""
    if connection.vendor != "postgresql":
        raise ValueError(_("数据库角色只适用于 PostgreSQL（SQLite 没有角色）"))
    qn = connection.ops.quote_name
    owner = owner or table_owner(connection) or _one(connection, "SELECT current_user")
    schema = _one(connection, "SELECT current_schema()")
    app, own, sch = qn(app_role), qn(owner), qn(schema)
    database = qn(connection.settings_dict["NAME"])
    statements = [
        f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {app}",
        f"GRANT USAGE ON SCHEMA {sch} TO {app}",
        f"REVOKE CREATE ON SCHEMA {sch} FROM {app}",
        f"GRANT {DML} ON ALL TABLES IN SCHEMA {sch} TO {app}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {sch} FROM {app}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {sch} TO {app}",
        f"REVOKE UPDATE ON ALL SEQUENCES IN SCHEMA {sch} FROM {app}",
        # the audit trail: insert and read only (the trigger refuses the rest anyway)
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {qn(AUDIT_TABLE)} FROM {app}",
        # tables and sequences that later migrations create (as the owner) get the same rights
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {own} IN SCHEMA {sch} GRANT {DML} ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {own} IN SCHEMA {sch} GRANT USAGE, SELECT ON SEQUENCES TO {app}",
    ]
    problems, notes = [], []
    role = None
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolcanlogin FROM pg_roles WHERE rolname = %s", [app_role])
        role = cursor.fetchone()
    if role is None:
        problems.append(_("角色 %(role)s 不存在：CREATE ROLE %(quoted)s LOGIN PASSWORD '...'（以超级用户身份运行）") % {
            "role": app_role, "quoted": app})
    else:
        if app_role == owner:
            problems.append(_("%(role)s 是这些表的所有者：应用程序必须以另一个角色登录") % {"role": app_role})
        elif _one(connection, "SELECT pg_has_role(%s, %s, 'MEMBER')", [app_role, owner]):
            problems.append(_("%(role)s 是表的所有者 %(owner)s 的成员，拥有它的权限："
                              "REVOKE %(quoted_owner)s FROM %(quoted_role)s") % {
                "role": app_role, "owner": owner, "quoted_owner": own, "quoted_role": app})
        if role[0]:
            problems.append(_("%(role)s 是超级用户，不受任何权限或触发器约束：ALTER ROLE %(quoted)s NOSUPERUSER") % {
                "role": app_role, "quoted": app})
        if not role[1]:
            notes.append(_("%(role)s 不能登录：ALTER ROLE %(quoted)s LOGIN") % {"role": app_role, "quoted": app})
    if _one(connection, "SELECT has_schema_privilege('public', %s, 'CREATE')", [schema]):
        notes.append(_("所有角色都能在模式 %(schema)s 中创建对象（PostgreSQL 15 之前的默认设置）："
                       "REVOKE CREATE ON SCHEMA %(quoted)s FROM PUBLIC") % {"schema": schema, "quoted": sch})
    return Plan(app_role=app_role, owner=owner, statements=statements, problems=problems, notes=notes)


def apply(connection, app_plan: Plan) -> None:
    from django.db import transaction

    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for sql in app_plan.statements:
            cursor.execute(sql)


def app_role_of_settings() -> str | None:
    """The application's role (DATABASE_URL's user) when migrations run as another one."""
    owner = settings.FUPIN_MIGRATE_DATABASE
    user = settings.DATABASES[DEFAULT_DB_ALIAS].get("USER")
    if owner and user and user != owner.get("USER"):
        return user
    return None
