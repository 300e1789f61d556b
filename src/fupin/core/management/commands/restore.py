"""`fupin restore IN`: put a `fupin backup` archive back (see fupin.core.backup). Stop `fupin serve`
and any `fupin worker` first."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

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
            raise CommandError(f"restore failed: {exc}") from exc
        if verbosity > 1:
            self.stdout.write("row counts (all as in the manifest):")
            for line in backup.table_report(result.manifest["database"]["tables"]):
                self.stdout.write(line)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(
                f"restored in {time.monotonic() - started:.1f} s: {result.tables} tables, {result.rows:,} rows, "
                f"{result.files:,} files"))
