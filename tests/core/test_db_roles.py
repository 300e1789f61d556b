"""PostgreSQL roles: the application's role, granted by `fupin db roles`, reads and writes rows and
records audit events, but cannot update, delete or truncate them, nor lift, drop or replace the
append-only trigger; `fupin migrate` runs as the owner given by FUPIN_MIGRATE_DATABASE_URL."""

import io
import uuid
from contextlib import contextmanager

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models.signals import pre_migrate

from fupin.core import audit, db_roles
from fupin.core.actions import SYSTEM
from fupin.core.models import AuditEvent, Setting

postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles: PostgreSQL")


def superuser():
    s = connection.settings_dict
    return psycopg.connect(host=s["HOST"] or None, port=s["PORT"] or None, dbname=s["NAME"], user=s["USER"],
                           password=s["PASSWORD"] or None, autocommit=True)


def login(role: str, password: str):
    s = connection.settings_dict
    return psycopg.connect(host=s["HOST"] or None, port=s["PORT"] or None, dbname=s["NAME"], user=role,
                           password=password, autocommit=True)


@contextmanager
def role(*, grants: bool = True, member_of: str = ""):
    """A login role that exists for the block (cluster-wide, so a unique name), with the app's grants."""
    name, password = f"fupin_test_{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
    with superuser() as su:
        su.execute(f'CREATE ROLE "{name}" LOGIN PASSWORD \'{password}\'')
        if member_of:
            su.execute(f'GRANT "{member_of}" TO "{name}"')
        try:
            if grants:
                call_command("db", "roles", "--app-role", name, "--apply", stdout=io.StringIO())
            yield name, password
        finally:
            su.execute(f'DROP OWNED BY "{name}"')
            su.execute(f'DROP ROLE "{name}"')


@contextmanager
def django_as(user: str, password: str):
    """The application's connection logging in as ``user``."""
    connection.close()
    saved = connection.settings_dict
    connection.settings_dict = {**saved, "USER": user, "PASSWORD": password}
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict = saved


def refused(db, sql: str) -> str:
    with pytest.raises(psycopg.Error) as caught:
        db.execute(sql)
    return str(caught.value)


@postgres
@pytest.mark.django_db(transaction=True)
def test_the_app_role_records_events_but_cannot_touch_them_or_the_trigger():
    with transaction.atomic():
        audit.record(actor=SYSTEM, verb="test.before", county_code="361022")
    with role() as (name, password):
        # the application itself, as this role: writes rows, records and chains events
        with django_as(name, password):
            Setting.put("probe", 1)
            Setting.put("probe", 2)
            Setting.objects.filter(key="probe").delete()
            with transaction.atomic():
                event = audit.record(actor=SYSTEM, verb="test.as_app", county_code="361022", summary="as app")
            assert [r.ok for r in audit.verify()] == [True]
        with login(name, password) as app:
            assert app.execute("SELECT current_user").fetchone()[0] == name
            assert app.execute("SELECT count(*) FROM core_auditevent").fetchone()[0] == 2
            app.execute("INSERT INTO core_auditevent (county_code, occurred_at, actor_label, ip_address, verb, "
                        "object_type, object_id, division_code, summary, reason, prev_hash, hash) VALUES "
                        "('999999', now(), '', '', 'raw', '', '', '', '', '', %s, %s)", [audit.GENESIS, "a" * 64])
            assert "permission denied" in refused(app, f"UPDATE core_auditevent SET summary = 'x' WHERE id = {event.pk}")
            assert "permission denied" in refused(app, f"DELETE FROM core_auditevent WHERE id = {event.pk}")
            assert "permission denied" in refused(app, "TRUNCATE core_auditevent")
            assert "must be owner" in refused(app, "ALTER TABLE core_auditevent DISABLE TRIGGER ALL")
            assert "must be owner" in refused(app, "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
            assert "must be owner" in refused(app, "DROP TRIGGER core_auditevent_append_only ON core_auditevent")
            assert "must be owner" in refused(app, "DROP TABLE core_auditevent")
            refused(app, "CREATE OR REPLACE FUNCTION fupin_append_only() RETURNS trigger LANGUAGE plpgsql "
                         "AS $$ BEGIN RETURN NULL; END $$")
            assert "permission denied" in refused(app, "SET session_replication_role = replica")
            assert "permission denied" in refused(app, "TRUNCATE core_setting")
            assert "permission denied" in refused(app, "CREATE TABLE fupin_probe (id int)")
    assert AuditEvent.objects.get(pk=event.pk).summary == "as app"
    assert AuditEvent.objects.filter(county_code="361022").count() == 2


@postgres
@pytest.mark.django_db(transaction=True)
def test_tables_created_later_by_the_owner_are_granted_too():
    with role() as (name, password), superuser() as su:
        su.execute("CREATE TABLE fupin_later (id bigserial PRIMARY KEY, x int)")
        try:
            with login(name, password) as app:
                app.execute("INSERT INTO fupin_later (x) VALUES (1)")
                app.execute("UPDATE fupin_later SET x = 2")
                assert app.execute("SELECT x FROM fupin_later").fetchone()[0] == 2
                app.execute("DELETE FROM fupin_later")
        finally:
            su.execute("DROP TABLE fupin_later")


@postgres
@pytest.mark.django_db(transaction=True)
def test_the_grants_are_idempotent_and_printable():
    with role() as (name, _password):
        call_command("db", "roles", "--app-role", name, "--apply", stdout=io.StringIO())
        out = io.StringIO()
        call_command("db", "roles", "--app-role", name, stdout=out)
        script = out.getvalue()
        assert f'REVOKE UPDATE, DELETE, TRUNCATE ON "core_auditevent" FROM "{name}";' in script
        assert "ALTER DEFAULT PRIVILEGES FOR ROLE" in script and script.rstrip().endswith("COMMIT;")
        assert "-- 注意" not in script


@postgres
@pytest.mark.django_db(transaction=True)
def test_a_role_with_the_owners_rights_is_refused():
    owner = db_roles.table_owner(connection)
    problems = db_roles.plan(connection, owner).problems
    assert any("是这些表的所有者" in p for p in problems)
    with role(grants=False, member_of=owner) as (name, _password):
        with pytest.raises(CommandError, match="的成员，拥有它的权限"):
            call_command("db", "roles", "--app-role", name, "--apply", stdout=io.StringIO())
    with pytest.raises(CommandError, match="fupin_no_such_role 不存在"):
        call_command("db", "roles", "--app-role", "fupin_no_such_role", "--apply", stdout=io.StringIO())


@postgres
@pytest.mark.django_db(transaction=True)
def test_migrate_runs_as_the_owner_and_grants_the_app_role(settings):
    """FUPIN_MIGRATE_DATABASE_URL's role runs the migrations; DATABASE_URL's role gets its grants."""
    owner = db_roles.table_owner(connection)
    seen = []

    def who(sender, using, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            seen.append(cursor.fetchone()[0])

    with role(grants=False, member_of=owner) as (owner_role, owner_password), role(grants=False) as (app, app_password):
        s = connection.settings_dict
        settings.FUPIN_MIGRATE_DATABASE = {"USER": owner_role, "PASSWORD": owner_password, "HOST": s["HOST"],
                                           "PORT": s["PORT"]}
        saved_user = settings.DATABASES["default"]["USER"]
        pre_migrate.connect(who, weak=False, dispatch_uid="test_migrate_owner")
        try:
            settings.DATABASES["default"]["USER"] = app  # the application's role
            call_command("migrate", verbosity=0)
        finally:
            settings.DATABASES["default"]["USER"] = saved_user
            pre_migrate.disconnect(dispatch_uid="test_migrate_owner")
            connection.close()
        assert owner_role in seen
        with login(app, app_password) as db:
            db.execute("SELECT count(*) FROM core_setting")
            assert "permission denied" in refused(db, "DELETE FROM core_auditevent")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite message")
def test_sqlite_has_no_roles():
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("db", "roles", "--app-role", "x", stdout=io.StringIO())
