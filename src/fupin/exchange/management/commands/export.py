"""`fupin export identification --year Y --output FILE.csv [--area CODE] [--run ID]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fupin.exchange import identification
from fupin.targeting import selectors
from fupin.targeting.models import IdentificationRun, RunStatus


class Command(BaseCommand):
    help = "Export data as files (identification results as UTF-8 CSV)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        ident = sub.add_parser("identification", help="identification results of a year (the latest official run)")
        ident.add_argument("--year", type=int, required=True)
        ident.add_argument("--output", type=Path, required=True)
        ident.add_argument("--area", default="", help="county code (default: the only county with households)")
        ident.add_argument("--run", type=int, help="a particular run instead of the latest official one")

    def handle(self, *args, **options):
        if options["what"] == "identification":
            self._identification(options)

    def _identification(self, options):
        from fupin.targeting.management.commands.identify import default_county

        if options["run"]:
            run = IdentificationRun.objects.filter(pk=options["run"], status=RunStatus.DONE).first()
        else:
            county = (options["area"] or default_county())[:6]
            run = selectors.latest_official_run(county, options["year"])
        if run is None or run.year != options["year"]:
            raise CommandError(f"{options['year']} 年没有完成的正式识别运行（先运行 fupin identify --year {options['year']}）")
        with open(options["output"], "w", encoding="utf-8-sig", newline="") as handle:
            count = identification.write_csv(handle, run)
        self.stdout.write(f"wrote {count} households of run #{run.pk} to {options['output']}")
