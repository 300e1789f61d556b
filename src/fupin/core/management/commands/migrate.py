"""`fupin migrate`: Django's migrate, run as the tables' owner when FUPIN_MIGRATE_DATABASE_URL is set
(the application's own role may only read and write rows; README, "Database roles"). Afterwards the
application's role (DATABASE_URL's user) is granted its data rights again, on the tables the
migrations created too (``fupin db roles`` applied)."""

from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _

from fupin.core import db_roles


class Command(migrate.Command):
    def handle(self, *args, **options):
        if options["database"] != DEFAULT_DB_ALIAS:
            return super().handle(*args, **options)
        with db_roles.owner_connection() as connection:
            result = super().handle(*args, **options)
            app_role = db_roles.app_role_of_settings()
            if app_role and connection.vendor == "postgresql":
                plan = db_roles.plan(connection, app_role)
                for problem in plan.problems:
                    self.stderr.write(self.style.WARNING(
                        _("数据库角色：%(problem)s（未授予权限）") % {"problem": problem}))
                if not plan.problems:
                    db_roles.apply(connection, plan)
                    if options["verbosity"]:
                        self.stdout.write(_("已授予 %(role)s 数据权限（所有者 %(owner)s）") % {
                            "role": app_role, "owner": plan.owner})
        return result
