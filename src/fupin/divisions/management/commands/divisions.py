"""`fupin divisions load FILE...`: load official division files; `fupin divisions show CODE`."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.divisions.loader import DivisionFileError, load_files
from fupin.divisions.models import Division


class Command(BaseCommand):
    help = "行政区划: load the official statistical division files (CSV, plain or gzip)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        load = sub.add_parser("load", help="load one or more division files (idempotent)")
        load.add_argument("files", nargs="+", type=Path)
        load.add_argument("--edition", type=int, default=2023, help="edition year of the codes")
        show = sub.add_parser("show", help="print a division and its children")
        show.add_argument("code")

    def handle(self, *args, **options):
        if options["subcommand"] == "load":
            self._load(options["files"], options["edition"])
        else:
            self._show(options["code"])

    def _load(self, files, edition):
        missing = [str(f) for f in files if not f.exists()]
        if missing:
            raise CommandError(_("文件不存在：%(files)s") % {"files": ", ".join(missing)})
        started = time.perf_counter()
        try:
            stats = load_files(files, edition=edition)
        except DivisionFileError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(_("读取 %(read)s 行：新增 %(inserted)s 行，变更 %(updated)s 行，未变 %(unchanged)s 行，"
                            "用时 %(seconds)s 秒") % {
            "read": stats.read, "inserted": stats.inserted, "updated": stats.updated, "unchanged": stats.unchanged,
            "seconds": f"{elapsed:.1f}"})

    def _show(self, code):
        division = Division.objects.filter(code=code).first()
        if division is None:
            raise CommandError(_("区划代码不存在：%(code)s") % {"code": code})
        self.stdout.write(_("%(code)s %(name)s（级别 %(level)s）") % {
            "code": division.code, "name": division.name, "level": division.level})
        for child in Division.objects.children_of(code):
            self.stdout.write(f"  {child.code} {child.name} {child.urban_rural_class}")
