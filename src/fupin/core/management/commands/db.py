"""`fupin db roles --app-role NAME [--owner ROLE] [--apply]`: the GRANT and REVOKE statements that let
the application's PostgreSQL role read and write rows and nothing more (it cannot lift the audit
table's append-only trigger, nor update, delete or truncate audit events). Printed as a script to
run as the owner, or applied with --apply (through FUPIN_MIGRATE_DATABASE_URL when set). Idempotent.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.core import db_roles


class Command(BaseCommand):
    help = "数据库角色: print or apply the application role's grants (PostgreSQL)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        roles = sub.add_parser("roles", help="the grants of the application's role (data rights only)")
        roles.add_argument("--app-role", required=True, help="the role the application logs in as")
        roles.add_argument("--owner", help="the role that owns the tables and runs migrations "
                                           "(default: the owner of the audit table)")
        roles.add_argument("--apply", action="store_true", help="run the statements instead of printing them")

    def handle(self, *args, **options):
        with db_roles.owner_connection() as connection:
            if connection.vendor != "postgresql":
                raise CommandError(_("数据库角色只适用于 PostgreSQL；SQLite 没有角色"))
            plan = db_roles.plan(connection, options["app_role"], options["owner"])
            if not options["apply"]:
                self.stdout.write(_("-- %(role)s 的数据权限；请以 %(owner)s（表的所有者）身份运行") % {
                    "role": plan.app_role, "owner": plan.owner})
                for line in plan.problems + plan.notes:
                    self.stdout.write(_("-- 注意：%(note)s") % {"note": line})
                self.stdout.write("BEGIN;")
                for sql in plan.statements:
                    self.stdout.write(f"{sql};")
                self.stdout.write("COMMIT;")
                return
            if plan.problems:
                # Translators: the separator between two problems of the plan
                raise CommandError(_("；").join(plan.problems))
            db_roles.apply(connection, plan)
            for note in plan.notes:
                self.stderr.write(self.style.WARNING(note))
            self.stdout.write(_("%(role)s：已执行 %(count)s 条语句（所有者 %(owner)s）") % {
                "role": plan.app_role, "count": len(plan.statements), "owner": plan.owner})
