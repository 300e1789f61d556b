"""`fupin demo`: set up the demo county and serve it.

Migrates, loads Lichuan's divisions from the files vendored in the package, generates the
population (or keeps the one already there if it was made with the same size and seed), creates
one account per role, prints them, and serves. Refuses to touch a database that holds real data.
"""

import datetime as dt
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.assessment import demo as assessment_demo
from fupin.assistance import demo as assistance_demo
from fupin.core import clock
from fupin.core.models import Setting
from fupin.demo import accounts, generator, rules, walkthrough
from fupin.demo import exchange as demo_exchange
from fupin.demo.reconcile import KEEP_EVERY, reconcile_incomes
from fupin.demo.reset import wipe_demo
from fupin.divisions.loader import load_files
from fupin.funds import demo as funds_demo
from fupin.insights import demo as insights_demo
from fupin.programmes import demo as programmes_demo
from fupin.registry.models import Household
from fupin.welfare import demo as welfare_demo

# The demos that pay households run before the identification runs (the declared incomes are then
# reconciled with what was paid: demo.reconcile); the others after, since the assistance demo reads the
# year's run (measures for its guarantee gaps). Funds come before assistance: the assistance demo gives
# villages their batch of projects from the project library.
PAYING_DEMOS = [funds_demo, programmes_demo, welfare_demo]
LATER_DEMOS = [assistance_demo, insights_demo, assessment_demo]

DIVISIONS = Path(__file__).resolve().parents[3] / "divisions" / "data" / "361022"

# The demo's date: the installation's domain clock (core.clock, the Setting "clock.today") stands on this
# day inside the working year, so that what a visitor does is dated in 2023 and counts in its flows. Every
# page shows it ("演示日期"); the time of day stays real.
TODAY = dt.date(2023, 12, 20)


class Command(BaseCommand):
    help = "Set up the demo county (黎川县) with a synthetic population, and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=generator.DEFAULT_HOUSEHOLDS)
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument("--no-serve", action="store_true", help="set up only; do not start the server")
        parser.add_argument("--reset", action="store_true", help="generate again even if the same demo is there")
        parser.add_argument("--no-identify", action="store_true", help="skip the identification runs")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, households, seed, no_serve, reset: bool, no_identify, host, port, **options):
        if households < 100:
            raise CommandError(_("--households 至少为 100"))
        call_command("migrate", interactive=False, verbosity=0)
        dataset = Setting.get("dataset")
        if Household.objects.exists() and dataset != "demo":
            raise CommandError(_("这个数据库里有非演示数据，fupin demo 拒绝运行。"))
        files = sorted(DIVISIONS.glob("*.csv"))
        stats = load_files(files)
        self.stdout.write(f"divisions: {stats.read} rows of Lichuan (361022) loaded")
        wanted = {"households": households, "seed": seed, "today": TODAY.isoformat()}
        if Household.objects.exists() and Setting.get("demo.params") == wanted and not reset:
            self.stdout.write(f"demo county already there ({households} households, seed {seed}); keeping it")
        else:
            if Household.objects.exists():
                self.stdout.write("emptying the previous demo ...")
                wipe_demo()
                load_files(files)
            Setting.put("dataset", "demo")
            clock.store_today(TODAY)
            users = accounts.ensure_accounts()
            started = time.perf_counter()
            self.stdout.write(f"generating {households:,} households (seed {seed}) ...")
            result = generator.generate(generator.DemoConfig(households=households, seed=seed),
                                        helper_user_id=users["helper"].pk, progress=self.stdout.write)
            elapsed = time.perf_counter() - started
            self.stdout.write(
                f"generated {result.households:,} households, {result.members:,} members in {elapsed:.1f} s; "
                f"poor people: {result.people_by_type.get('poor', 0):,}; "
                f"poor villages: {len(result.poor_villages)}"
            )
            rule_sets = rules.ensure_rule_sets()
            rules.ensure_scales()
            lines = [app_demo.generate(county_code="361022", seed=seed, users=users) for app_demo in PAYING_DEMOS]
            changed = reconcile_incomes("361022", generator.DemoConfig().year)
            lines.append(f"declared 2023 incomes reconciled with what was paid: {changed['transfers']:,} transfer and"
                         f" {changed['dividends']:,} property incomes raised; 1 in {KEEP_EVERY} left for the card to flag")
            runs = [] if no_identify else rules.run_official(rule_sets)
            for run in runs:
                s = run.summary
                self.stdout.write(f"identification {run.year}: {s['poor']:,} poor households ({s['poor_people']:,}"
                                  f" people), {s['unstable'] + s['marginal'] + s['hardship']:,} monitoring"
                                  f" candidates, in {s['seconds']} s")
            if runs:
                opened = rules.open_working_year(runs)
                self.stdout.write(f"working year {max(r.year for r in runs)} opened: {opened['exits']:,} exit"
                                  f" candidates, {opened['clues']:,} risk clues waiting in the task lists")
            paths = demo_exchange.write_lists(seed)
            matched = demo_exchange.run_matching(paths, "361022")
            self.stdout.write(
                f"department lists matched: {sum(r.counts['clues_created'] for r in matched):,} risk clues, "
                f"{sum(r.counts['discrepancies'] for r in matched):,} discrepancies; sample files to try the "
                f"import and the matching yourself: {paths['households'].parent}")
            lines += [app_demo.generate(county_code="361022", seed=seed, users=users) for app_demo in LATER_DEMOS]
            if runs:
                lines.append(walkthrough.village_exits("361022", users))
                lines.append(walkthrough.monitoring_entries("361022", users))
            lines.append(walkthrough.national_returns("361022", seed))
            if runs:  # last: the figures above are the county's before the staged cases moved it
                lines.append(walkthrough.cases_at_every_step("361022", users))
            for line in lines:
                if line:
                    self.stdout.write(line)
            Setting.put("demo.params", wanted)
        accounts.ensure_accounts()
        self.stdout.write(f"\ndemo date: {clock.stored_today() or clock.today()} (the clock of this installation;"
                          f" every page shows it)")
        self.stdout.write(f"\ndemo accounts (password for all: {accounts.DEMO_PASSWORD}):")
        for username, role, prefix, name, _org, _dept in accounts.ACCOUNTS:
            self.stdout.write(f"  {username:<9} {role.label:<8} {prefix:<13} {name}")
        if not no_serve:
            call_command("serve", host=host, port=port)
