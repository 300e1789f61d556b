"""`fupin identify --year Y [--dry-run] [--rules VERSION] [--area CODE]`: run identification now,
with a progress bar in the terminal."""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fupin.core.actions import SYSTEM
from fupin.registry.models import Household
from fupin.targeting import actions
from fupin.targeting.models import RuleSet


def default_county() -> str:
    counties = list(Household.objects.values_list("county_code", flat=True).distinct()[:2])
    if len(counties) != 1:
        raise CommandError("请用 --area 指定县级区划代码 (give --area: the database holds several counties or none)")
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
        self.stdout.write(f"run #{run.pk}: {year}, area {area}, rules {run.rule_set}{' (dry run)' if dry_run else ''}")
        run = actions.execute_run(run, echo=self._bar)
        sys.stdout.write("\n")
        s = run.summary
        self.stdout.write(
            f"{s['households']} households in {s['seconds']} s: {s['poor']} poor ({s['poor_people']} people, "
            f"incidence {s['incidence']}%), monitoring candidates {s['unstable'] + s['marginal'] + s['hardship']}, "
            f"MPI H={s['mpi']['H']:.4f} A={s['mpi']['A']:.4f} M0={s['mpi']['M0']:.4f}")

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
            raise CommandError(f"没有找到 {year} 年的规则集 {rules}")
        return found
