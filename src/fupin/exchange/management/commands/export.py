"""Exports from the command line (each one logged):

- `fupin export identification --year Y --output FILE.xlsx|.csv [--area CODE] [--run ID]`: the format
  follows the extension
- `fupin export households --area CODE --output FILE.xlsx|.csv [--full] [--year Y]`: the household
  workbook (masked unless --full)
- `fupin export villages --area CODE --output FILE.xlsx`: the village registers (村册)
- `fupin export card --household CODE|ID --output FILE.xlsx [--full]`: one household card (户卡)
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.core.actions import SYSTEM
from fupin.divisions.models import Division
from fupin.exchange import actions, identification, selectors, workbooks
from fupin.registry import selectors as registry_selectors
from fupin.registry.models import Household
from fupin.targeting import selectors as targeting_selectors
from fupin.targeting.models import IdentificationRun, RunStatus


class Command(BaseCommand):
    help = "Export data as files (xlsx workbooks, or UTF-8 CSV where the output ends in .csv)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        ident = sub.add_parser("identification", help="identification results of a year (the latest official run)")
        ident.add_argument("--year", type=int, required=True)
        ident.add_argument("--output", type=Path, required=True, help="FILE.xlsx or FILE.csv")
        ident.add_argument("--area", default="", help="county code (default: the only county with households)")
        ident.add_argument("--run", type=int, help="a particular run instead of the latest official one")
        homes = sub.add_parser("households", help="the household workbook (one row per person)")
        homes.add_argument("--area", required=True, help="division code (county, township or village)")
        homes.add_argument("--output", type=Path, required=True, help="FILE.xlsx or FILE.csv")
        homes.add_argument("--full", action="store_true", help="full ID numbers, phones and accounts (logged)")
        homes.add_argument("--year", type=int, help="income year (default: each household's latest)")
        villages = sub.add_parser("villages", help="the village registers (村册) as xlsx")
        villages.add_argument("--area", required=True)
        villages.add_argument("--output", type=Path, required=True)
        card = sub.add_parser("card", help="one household card (户卡) as xlsx")
        card.add_argument("--household", required=True, help="the household's 户编号 (17 digits) or its id")
        card.add_argument("--output", type=Path, required=True)
        card.add_argument("--full", action="store_true")

    def handle(self, *args, **options):
        getattr(self, f"_{options['what']}")(options)

    def _households(self, options):
        output: Path = options["output"]
        fmt = output.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            raise CommandError(_("输出文件须以 .xlsx 或 .csv 结尾"))
        area = options["area"]
        if not Division.objects.filter(code=area).exists():
            raise CommandError(_("没有区划代码 %(a)s") % {"a": area})
        table = workbooks.household_rows(selectors.households(None, area), year=options["year"],
                                         masked=not options["full"])
        with open(output, "wb") as out:
            workbooks.write_households(out, table, fmt)
        actions.record_export(actor=SYSTEM, what="households", area_code=area, full=options["full"],
                              count=table.height, file_format=fmt)
        self.stdout.write((_("已将 %(count)s 名成员写入 %(path)s") if options["full"]
                           else _("已将 %(count)s 名成员写入 %(path)s（已脱敏）")) % {"count": table.height, "path": output})

    def _villages(self, options):
        divisions = list(selectors.villages(None, options["area"]))
        with open(options["output"], "wb") as out:
            workbooks.village_registers(out, divisions)
        actions.record_export(actor=SYSTEM, what="villages", area_code=options["area"], full=False,
                              count=len(divisions), file_format="xlsx")
        self.stdout.write(_("已将 %(count)s 个村写入 %(path)s") % {"count": len(divisions), "path": options["output"]})

    def _card(self, options):
        household = registry_selectors.household_by_ref(options["household"],
                                                        Household.objects.select_related("division"))
        if household is None:
            raise CommandError(_("没有户编号或 id 为 %(h)s 的户") % {"h": options["household"]})
        with open(options["output"], "wb") as out:
            workbooks.household_card(out, household, masked=not options["full"])
        actions.record_export(actor=SYSTEM, what="card", area_code=household.division_id, full=options["full"],
                              count=1, file_format="xlsx")
        self.stdout.write(_("已将户 %(code)s 的户卡写入 %(path)s") % {
            "code": household.household_code, "path": options["output"]})

    def _identification(self, options):
        from fupin.targeting.management.commands.identify import default_county

        fmt = options["output"].suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            raise CommandError(_("输出文件须以 .xlsx 或 .csv 结尾"))
        if options["run"]:
            run = IdentificationRun.objects.filter(pk=options["run"], status=RunStatus.DONE).first()
        else:
            county = (options["area"] or default_county())[:6]
            run = targeting_selectors.latest_official_run(county, options["year"])
        if run is None or run.year != options["year"]:
            raise CommandError(_("%(y)s 年没有完成的正式识别运行（先运行 fupin identify --year %(y)s）") % {
                "y": options["year"]})
        if fmt == "xlsx":
            with open(options["output"], "wb") as handle:
                count = identification.write_xlsx(handle, run)
        else:
            with open(options["output"], "w", encoding="utf-8-sig", newline="") as handle:
                count = identification.write_csv(handle, run)
        self.stdout.write(_("已将识别运行 #%(run)s 的 %(count)s 户写入 %(path)s") % {
            "run": run.pk, "count": count, "path": options["output"]})
