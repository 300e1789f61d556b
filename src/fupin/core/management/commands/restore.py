"""`fupin restore IN`: put a `fupin backup` archive back (see fupin.core.backup). Stop `fupin serve`
and any `fupin worker` first."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.core import backup


class Command(BaseCommand):
    help = ("Restore a `fupin backup` archive: checksums are verified first; the database and the uploaded files "
            "are replaced; every table's row count is checked against the manifest.")

    def add_arguments(self, parser):
        parser.add_argument("archive", metavar="IN", help="the archive written by `fupin backup`")
        parser.add_argument("--force", action="store_true",
                            help="replace an installation that already holds data (users, audit events, files)")

    def handle(self, *args, archive, force, verbosity, **options):
        started = time.monotonic()
        echo = self.stdout.write if verbosity else (lambda line: None)
        try:
            result = backup.restore(Path(archive), force=force, echo=echo)
        except backup.BackupError as exc:
            raise CommandError(_("恢复失败：%(error)s") % {"error": exc}) from exc
        if verbosity > 1:
            self.stdout.write(_("各表行数（均与清单一致）："))
            for line in backup.table_report(result.manifest["database"]["tables"]):
                self.stdout.write(line)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(
                _("已恢复（用时 %(seconds)s 秒）：%(tables)s 张表，%(rows)s 行，%(files)s 个文件") % {
                    "seconds": f"{time.monotonic() - started:.1f}", "tables": result.tables, "rows": f"{result.rows:,}",
                    "files": f"{result.files:,}"}))
