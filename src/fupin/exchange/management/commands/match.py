"""`fupin match SOURCE FILE [--area CODE] [--user NAME]`: match a department's list against the
registry; its findings become risk clues and discrepancy reports. SOURCE is one of the kinds of
list (medical_insurance, civil_affairs, ...; `fupin match --help` lists them)."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

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
            raise CommandError(f"找不到文件：{file}")
        actor = SYSTEM
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"没有用户 {user}")
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
            raise CommandError(f"比对 #{run.pk}：文件无法读取：{run.counts.get('fatal')}")
        c = run.counts
        if report is not None and run.report:
            with run.report.open("rb") as handle:
                report.write_bytes(handle.read())
        self.stdout.write(
            f"比对 #{run.pk}（{run.get_source_display()}）：{c['rows']} 行，无效 {c['invalid']} 行；"
            f"匹配 {c['matched_rows']} 行 / {c['matched_members']} 人，未匹配 {c['unmatched_rows']} 行\n"
            f"风险线索：发现 {c['clue_findings']} 条，新建线索 {c['clues_created']} 条；数据差异 {c['discrepancies']} 条")

    def _bar(self, percent: int, message: str) -> None:
        done = percent // 4
        self.stderr.write(f"\r[{'#' * done}{'.' * (25 - done)}] {percent:3d}% {message[:30]:30}", ending="")
        self.stderr.flush()
