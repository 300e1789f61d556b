"""Emptying a demo database before a new demo is generated (refused for any other database)."""

from django.db import connection, transaction

from fupin.assessment import demo as assessment_demo
from fupin.assistance import demo as assistance_demo
from fupin.core import append_only
from fupin.core.models import Setting
from fupin.funds import demo as funds_demo
from fupin.insights import demo as insights_demo
from fupin.programmes import demo as programmes_demo
from fupin.welfare import demo as welfare_demo

# The domain apps' own demo tables go first: they point at households, villages and users.
DOMAIN_TABLES = [*assessment_demo.TABLES, *insights_demo.TABLES, *welfare_demo.TABLES, *programmes_demo.TABLES, *assistance_demo.TABLES, *funds_demo.TABLES]

# The large tables, emptied at once (TRUNCATE on PostgreSQL). Children before parents.
BULK_TABLES = [
    *DOMAIN_TABLES,
    "exchange_nationalexportitem", "exchange_matchfinding",
    "workflows_objection", "workflows_notice_cases", "workflows_notice", "workflows_document", "workflows_casestep",
    "workflows_case", "workflows_riskclue", "workflows_democraticreview", "workflows_yearsnapshot",
    "workflows_workyear",
    "targeting_identificationresult", "targeting_villageresult", "registry_member", "registry_householdincome",
    "registry_household", "registry_workteammember", "registry_villageprofile", "core_auditevent",
]
# Then the small ones, row by row, so that what is not the demo's (the national rule sets) stays.
DELETES = [
    "DELETE FROM targeting_identificationrun",
    "DELETE FROM targeting_scale",
    "DELETE FROM exchange_matchrun",
    "DELETE FROM exchange_nationalexport",
    "DELETE FROM registry_risktype WHERE region_code <> ''",
    "DELETE FROM exchange_importbatch",
    "DELETE FROM exchange_matchrule",
    "DELETE FROM core_job",
    "DELETE FROM django_tasks_database_dbtaskresult",
    "DELETE FROM targeting_ruleset WHERE region_code <> ''",
    "UPDATE targeting_ruleset SET created_by_id = NULL",
    "DELETE FROM django_session",
    "DELETE FROM authtoken_token",
    "DELETE FROM api_apitoken",
    "DELETE FROM accounts_loginfailure",
    "DELETE FROM accounts_areagrant",
    "DELETE FROM accounts_user",
]


def wipe_demo() -> None:
    if Setting.get("dataset") != "demo":
        raise RuntimeError("refusing to wipe a database that does not hold the demo")
    with transaction.atomic(), append_only.suspended(connection), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(BULK_TABLES)} RESTART IDENTITY")
        else:
            for table in BULK_TABLES:
                cursor.execute(f"DELETE FROM {table}")
        for sql in DELETES:
            cursor.execute(sql)
        Setting.objects.filter(key__startswith="demo.").delete()
