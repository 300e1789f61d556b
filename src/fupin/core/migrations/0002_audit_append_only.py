"""Make the audit table append-only at the database level (UPDATE, DELETE and TRUNCATE refused)."""

from django.db import migrations

from fupin.core import append_only


def install(apps, schema_editor):
    append_only.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for sql in append_only.drop_sql(schema_editor.connection.vendor):
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
