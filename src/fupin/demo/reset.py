"""Emptying a demo database before a new demo is generated (refused for any other database)."""

from django.db import connection, transaction

from fupin.core import append_only
from fupin.core.models import Setting

# Child tables first (SQLite has no TRUNCATE ... CASCADE).
TABLES = [
    "registry_member", "registry_householdincome", "registry_household", "registry_workteammember",
    "registry_villageprofile", "core_auditevent", "django_session", "accounts_areagrant", "accounts_user",
]


def wipe_demo() -> None:
    if Setting.get("dataset") != "demo":
        raise RuntimeError("refusing to wipe a database that does not hold the demo")
    with transaction.atomic(), append_only.suspended(connection), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        else:
            for table in TABLES:
                cursor.execute(f"DELETE FROM {table}")
        Setting.objects.filter(key__startswith="demo.").delete()
