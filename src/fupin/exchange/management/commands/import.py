"""`fupin import households FILE [--dry-run] [--partial] [--sync-members] [--report OUT] [--user NAME]`.

Exit status 0 when the file is clean, 1 when it has errors (nothing written, unless --partial),
2 when the file cannot be read at all. The report (one row per problem: 行号, 列, 值, 错误) is
xlsx, csv or json by the extension of OUT.
"""

import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.accounts.models import User
from fupin.core.actions import SYSTEM
from fupin.exchange import actions, importer


class Command(BaseCommand):
    help = "Import the household workbook (户籍成员明细表, xlsx or CSV)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        households = sub.add_parser("households", help="the household workbook (one row per person)")
        households.add_argument("file", type=Path)
        households.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        households.add_argument("--partial", action="store_true",
                                help="write the households without errors, skip (and report) the others")
        households.add_argument("--sync-members", action="store_true",
                                help="remove members of imported households who are absent from the file")
        households.add_argument("--report", type=Path, help="write the problems to OUT (.xlsx, .csv or .json)")
        households.add_argument("--user", default="", help="import as this user (their area and rights)")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("找不到文件：%(p)s") % {"p": path})
        report: Path | None = options["report"]
        if report is not None and report.suffix.lower() not in (".xlsx", ".csv", ".json"):
            raise CommandError(_("报告文件须以 .xlsx、.csv 或 .json 结尾"))
        actor = SYSTEM
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(_("没有用户 %(u)s") % {"u": options["user"]})
        try:
            batch = actions.create_import(actor=actor, name=path.name, data=path.read_bytes(),
                                          dry_run=options["dry_run"], partial=options["partial"],
                                          sync_members=options["sync_members"], enqueue=False)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        result = actions.execute_import(batch, echo=self._bar)
        self.stderr.write("")
        if report is not None:
            with open(report, "wb") as out:
                importer.write_report(result.problems, out, report.suffix.lower().lstrip("."), result.sheet)
        for warning in result.warnings:
            self.stderr.write(_("警告：%(w)s") % {"w": warning})
        self.stdout.write(self._summary(batch, result))
        if result.fatal:
            sys.exit(2)
        if result.problems.height:
            sys.exit(1)

    def _bar(self, percent: int, message: str) -> None:
        done = percent // 4
        self.stderr.write(f"\r[{'#' * done}{'.' * (25 - done)}] {percent:3d}% {message}", ending="")
        self.stderr.flush()

    def _summary(self, batch, result) -> str:
        c = result.counts
        if result.fatal:
            return _("导入批次 #%(b)s：文件无法导入：%(e)s") % {"b": batch.pk, "e": result.fatal}
        head = _("导入批次 #%(b)s：%(r)s 行（%(h)s 户）") % {"b": batch.pk, "r": result.rows, "h": result.households}
        if result.problems.height:
            head += _("，发现 %(n)s 处错误") % {"n": result.problems.height}
        if not c:
            return head + _("，未写入任何数据")
        written = (_("将导入 %(members)s 名成员、%(households)s 户") if batch.dry_run
                   else _("已导入 %(members)s 名成员、%(households)s 户")) % {
            "members": c["members_written"], "households": c["households_written"]}
        if result.skipped_households:
            written += _("（跳过有错误的 %(n)s 户）") % {"n": len(result.skipped_households)}
        absent = _("文件中缺少的成员 %(n)s 人") % {"n": c["members_absent"]}
        absent += (_("，已减员 %(n)s 人") % {"n": c["members_removed"]} if c["members_removed"]
                   else _("（未减员；需要时加 --sync-members）"))
        lines = [head, written,
                 _("新增 %(households)s 户、%(members)s 人；更新 %(households_updated)s 户、%(members_updated)s 人；"
                   "收入 %(incomes)s 条") % {
                     "households": c["households_created"], "members": c["members_created"],
                     "households_updated": c["households_updated"], "members_updated": c["members_updated"],
                     "incomes": c["incomes_written"]},
                 absent]
        if batch.dry_run:
            lines.append(_("试导入：没有写入任何数据"))
        return "\n".join(lines)
