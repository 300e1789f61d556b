"""`fupin match SOURCE FILE [--area CODE] [--user NAME]`: match a department's list against the
registry; its findings become risk clues and discrepancy reports. SOURCE is one of the kinds of
list (medical_insurance, civil_affairs, ...; `fupin match --help` lists them)."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.accounts.models import User
from fupin.core.actions import SYSTEM, is_system
from fupin.exchange import actions
from fupin.exchange.models import MatchStatus, Source


class Command(BaseCommand):
    help = "部门数据比对: match a department list (xlsx or CSV) against the registry."

    def add_arguments(self, parser):
        parser.add_argument("source", choices=Source.values, metavar="SOURCE",
                            help="kind of list: " + ", ".join(f"{v} ({label})" for v, label in Source.choices))
        parser.add_argument("file", type=Path)
        parser.add_argument("--area", default="", help="county (or township) code; default: the only county")
        parser.add_argument("--user", default="", help="match as this user (their area and rights)")
        parser.add_argument("--report", type=Path, help="also copy the invalid and unmatched rows (CSV) here")

    def handle(self, *args, source, file, area, user, report, **options):
        if not file.is_file():
            raise CommandError(_("找不到文件：%(p)s") % {"p": file})
        actor = SYSTEM
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(_("没有用户 %(u)s") % {"u": user})
        if not area and is_system(actor):
            from fupin.targeting.management.commands.identify import default_county

            area = default_county()
        try:
            run = actions.create_match(actor=actor, source=source, name=file.name, data=file.read_bytes(),
                                       area_code=area, enqueue=False)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        run = actions.execute_match(run, echo=self._bar)
        self.stderr.write("")
        if run.status == MatchStatus.REJECTED:
            raise CommandError(_("比对 #%(run)s：文件无法读取：%(error)s") % {"run": run.pk, "error": run.counts.get("fatal")})
        c = run.counts
        if report is not None and run.report:
            with run.report.open("rb") as handle:
                report.write_bytes(handle.read())
        self.stdout.write(
            _("比对 #%(run)s（%(source)s）：%(rows)s 行，无效 %(invalid)s 行；"
              "匹配 %(matched_rows)s 行 / %(matched_members)s 人，未匹配 %(unmatched_rows)s 行") % {
                "run": run.pk, "source": run.get_source_display(), "rows": c["rows"], "invalid": c["invalid"],
                "matched_rows": c["matched_rows"], "matched_members": c["matched_members"],
                "unmatched_rows": c["unmatched_rows"]}
            + "\n"
            + _("风险线索：发现 %(findings)s 条，新建线索 %(created)s 条；数据差异 %(discrepancies)s 条") % {
                "findings": c["clue_findings"], "created": c["clues_created"], "discrepancies": c["discrepancies"]})

    def _bar(self, percent: int, message: str) -> None:
        done = percent // 4
        self.stderr.write(f"\r[{'#' * done}{'.' * (25 - done)}] {percent:3d}% {message[:30]:30}", ending="")
        self.stderr.flush()
