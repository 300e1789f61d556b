"""Chain the audit events: ``prev_hash`` and ``hash`` on every event (see fupin.core.audit).

The events already there are chained here, per county in id order: their hashes are computed in
Python over one streamed pass and written back in batches (an UPDATE ... FROM a COPY-loaded
temporary table on PostgreSQL, an executemany on SQLite), with the append-only triggers lifted for
that one step of the migration's transaction. On SQLite, adding the columns and constraints rebuilds
the table, which drops its triggers: they are put back at the end.
"""

from django.db import migrations, models

from fupin.core import append_only, audit

BATCH = 20_000


def _write(connection, rows: list[tuple[str, str, int]]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS audit_chain_fill "
                           "(id bigint PRIMARY KEY, prev_hash varchar(64), hash varchar(64)) ON COMMIT DROP")
            cursor.execute("TRUNCATE audit_chain_fill")
            with cursor.cursor.copy("COPY audit_chain_fill (prev_hash, hash, id) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute("UPDATE core_auditevent e SET prev_hash = f.prev_hash, hash = f.hash "
                           "FROM audit_chain_fill f WHERE e.id = f.id")
        else:
            cursor.executemany("UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE id = %s", rows)


def chain_existing(apps, schema_editor):
    connection = schema_editor.connection
    AuditEvent = apps.get_model("core", "AuditEvent")
    events = (AuditEvent.objects.using(connection.alias).order_by("county_code", "id")
              .values_list(*audit.HASHED_FIELDS, "id"))
    county_at = audit.HASHED_FIELDS.index("county_code")
    county, head, batch = None, audit.GENESIS, []
    with append_only.suspended(connection):
        for row in events.iterator(chunk_size=BATCH):
            if row[county_at] != county:
                county, head = row[county_at], audit.GENESIS
            hashed = audit.digest(row[:-1], head)
            batch.append((head, hashed, row[-1]))
            head = hashed
            if len(batch) >= BATCH:
                _write(connection, batch)
                batch = []
        if batch:
            _write(connection, batch)


def reinstall_triggers(apps, schema_editor):
    append_only.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_job")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="前一事件哈希"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="哈希"),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["county_code", "id"], name="audit_chain_order"),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.CheckConstraint(condition=~models.Q(hash=""), name="audit_hash_set"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=["county_code", "prev_hash"], name="audit_chain_link"),
        ),
        migrations.RunPython(reinstall_triggers, reinstall_triggers),
    ]
