"""`fupin identify --year Y [--dry-run] [--rules VERSION] [--area CODE]`: run identification now,
with a progress bar in the terminal."""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.core.actions import SYSTEM
from fupin.registry.models import Household
from fupin.targeting import actions
from fupin.targeting.models import RuleSet


def default_county() -> str:
    counties = list(Household.objects.values_list("county_code", flat=True).distinct()[:2])
    if len(counties) != 1:
        raise CommandError(_("请用 --area 指定县级区划代码（数据库中有多个县，或者一个也没有）"))
    return counties[0]


class Command(BaseCommand):
    help = "精准识别: identify and classify every household of an area for a year."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--dry-run", action="store_true", help="a trial run, not the year's official result")
        parser.add_argument("--rules", help="rule set version (of the county, else of the most specific region) or id:N")
        parser.add_argument("--area", default="", help="county (or township) code; default: the only county")

    def handle(self, *args, year, dry_run, rules, area, **options):
        area = area or default_county()
        rule_set = self._rule_set(area[:6], year, rules) if rules else None
        try:
            run = actions.start_run(actor=SYSTEM, area_code=area, year=year, rule_set=rule_set, dry_run=dry_run,
                                    enqueue=False)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write((_("识别运行 #%(run)s：%(year)s 年，区域 %(area)s，规则 %(rules)s（试运行）") if dry_run
                          else _("识别运行 #%(run)s：%(year)s 年，区域 %(area)s，规则 %(rules)s")) % {
            "run": run.pk, "year": year, "area": area, "rules": run.rule_set})
        run = actions.execute_run(run, echo=self._bar)
        sys.stdout.write("\n")
        s = run.summary
        self.stdout.write(
            _("%(households)s 户，用时 %(seconds)s 秒：贫困户 %(poor)s 户（%(poor_people)s 人，贫困发生率 %(incidence)s%%），"
              "监测对象候选 %(candidates)s 户，多维贫困 H=%(h)s A=%(a)s M0=%(m0)s") % {
                "households": s["households"], "seconds": s["seconds"], "poor": s["poor"],
                "poor_people": s["poor_people"], "incidence": s["incidence"],
                "candidates": s["unstable"] + s["marginal"] + s["hardship"], "h": f"{s['mpi']['H']:.4f}",
                "a": f"{s['mpi']['A']:.4f}", "m0": f"{s['mpi']['M0']:.4f}"})

    def _bar(self, percent: int, message: str) -> None:
        filled = percent // 4
        sys.stdout.write(f"\r[{'#' * filled}{' ' * (25 - filled)}] {percent:3d}% {message[:40]:<40}")
        sys.stdout.flush()

    def _rule_set(self, county: str, year: int, rules: str) -> RuleSet:
        if rules.startswith("id:"):
            found = RuleSet.objects.filter(pk=int(rules[3:]), year=year).first()
        else:
            candidates = [r for r in RuleSet.objects.for_county(county, year) if str(r.version) == rules]
            found = max(candidates, key=lambda r: len(r.region_code), default=None)
        if found is None:
            raise CommandError(_("没有找到 %(year)s 年的规则集 %(rules)s") % {"year": year, "rules": rules})
        return found
