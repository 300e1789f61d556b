"""`fupin backup OUT`: the database, the uploaded files and a manifest in one archive (see
fupin.core.backup). Run it from cron; restore with `fupin restore`."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.core import backup


class Command(BaseCommand):
    help = ("Back up the database (SQLite: backup API copy; PostgreSQL: pg_dump -Fc), the uploaded files and the "
            "secret key file into one archive with a manifest of row counts and SHA-256 checksums.")

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT",
                            help="the archive to write (.tar.gz; .tar for no compression), or a directory to "
                                 "write fupin-backup-YYYYMMDD-HHMMSS.tar.gz into")
        parser.add_argument("--force", action="store_true", help="overwrite OUT if it exists")

    def handle(self, *args, out, force, verbosity, **options):
        started = time.monotonic()
        echo = self.stdout.write if verbosity else (lambda line: None)
        try:
            result = backup.create(Path(out), force=force, echo=echo)
        except backup.BackupError as exc:
            raise CommandError(_("备份失败：%(error)s") % {"error": exc}) from exc
        if verbosity > 1:
            self.stdout.write(_("各表行数："))
            for line in backup.table_report(result.manifest["database"]["tables"]):
                self.stdout.write(line)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(_("备份已写入（用时 %(seconds)s 秒）：%(path)s") % {
                "seconds": f"{time.monotonic() - started:.1f}", "path": result.path}))
