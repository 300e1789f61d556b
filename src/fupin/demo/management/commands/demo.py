"""`fupin demo`: set up the demo county (or a prefecture's counties) and serve it.

Migrates, loads the divisions from the files vendored in the package, generates the population (or
keeps the one already there if it was made with the same size, seed and counties), creates one
account per role, prints them, and serves. Refuses to touch a database that holds real data.

``--area 3610`` generates every county of 抚州市 (or give county codes: ``--area 361022,361021``),
each with its own population, rule sets, 规模, programmes, funds, identification runs and working
year; ``--households`` is then the total, split over the counties by their rural population.
Lichuan (the demo accounts' county) is drawn from the same seed alone or among others.
"""

import datetime as dt
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.accounts.roles import Role
from fupin.assessment import demo as assessment_demo
from fupin.assistance import demo as assistance_demo
from fupin.core import clock
from fupin.core.models import Setting
from fupin.demo import accounts, generator, rules, walkthrough
from fupin.demo import exchange as demo_exchange
from fupin.demo.reconcile import KEEP_EVERY, reconcile_incomes
from fupin.demo.reset import wipe_demo
from fupin.divisions.loader import load_files
from fupin.divisions.models import Division, Level
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

DATA = Path(__file__).resolve().parents[3] / "divisions" / "data"
DIVISIONS = DATA / "361022"  # Lichuan alone
PREFECTURE = DATA / "3610"  # 抚州市: its 11 counties and districts

# Rural population of 抚州市's counties (万人, rounded; 2020 census, rural residents): the split of
# ``--households`` over the counties of an area.
RURAL_POPULATION = {"361002": 72, "361003": 30, "361021": 22, "361022": 17, "361023": 21, "361024": 27,
                    "361025": 29, "361026": 16, "361027": 21, "361028": 7, "361030": 17}
DEFAULT_AREA_HOUSEHOLDS = 200_000  # a prefecture on a laptop: Lichuan gets about 12,000 of them

# The demo's date: the installation's domain clock (core.clock, the Setting "clock.today") stands on this
# day inside the working year, so that what a visitor does is dated in 2023 and counts in its flows. Every
# page shows it ("演示日期"); the time of day stays real.
TODAY = dt.date(2023, 12, 20)


class Command(BaseCommand):
    help = "Set up the demo county (黎川县), or the counties of an area (--area 3610), and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=None,
                            help=f"households (default {generator.DEFAULT_HOUSEHOLDS:,} for one county; "
                                 f"{DEFAULT_AREA_HOUSEHOLDS:,} in all for an area)")
        parser.add_argument("--area", default=generator.COUNTY,
                            help="a prefecture (3610) or county codes separated by commas; default 361022")
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument("--no-serve", action="store_true", help="set up only; do not start the server")
        parser.add_argument("--reset", action="store_true", help="generate again even if the same demo is there")
        parser.add_argument("--no-identify", action="store_true", help="skip the identification runs")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, households, area, seed, no_serve, reset: bool, no_identify, host, port, **options):
        call_command("migrate", interactive=False, verbosity=0)
        dataset = Setting.get("dataset")
        if Household.objects.exists() and dataset != "demo":
            raise CommandError(_("这个数据库里有非演示数据，fupin demo 拒绝运行。"))
        files = sorted((DIVISIONS if area == generator.COUNTY else PREFECTURE).glob("*.csv"))
        stats = load_files(files)
        counties = self._counties(area)
        if households is None:
            households = generator.DEFAULT_HOUSEHOLDS if len(counties) == 1 else DEFAULT_AREA_HOUSEHOLDS
        if households < 100 * len(counties):
            raise CommandError(_("--households 至少为每县 100 户"))
        weights = [RURAL_POPULATION.get(c, 20) for c in counties]
        sizes = dict(zip(counties, generator.apportion(households, [w / sum(weights) for w in weights]), strict=True))
        self.stdout.write(_("行政区划：已载入 %(names)s %(rows)s 行") % {
            "names": "、".join(counties.values()), "rows": stats.read})
        wanted = {"households": households, "seed": seed, "today": TODAY.isoformat()}
        if list(counties) != [generator.COUNTY]:
            wanted["counties"] = list(counties)
        if Household.objects.exists() and Setting.get("demo.params") == wanted and not reset:
            self.stdout.write(_("演示数据已存在（%(households)s 户，种子 %(seed)s），保留不变") % {
                "households": f"{households:,}", "seed": seed})
        else:
            if Household.objects.exists():
                self.stdout.write(_("正在清空之前的演示数据 ……"))
                wipe_demo()
                load_files(files)
            Setting.put("dataset", "demo")
            clock.store_today(TODAY)
            accounts.ensure_accounts()
            used_ids: set[str] = set()
            for county, name in counties.items():
                if len(counties) > 1:
                    self.stdout.write("\n" + _("== %(name)s（%(code)s）：%(households)s 户 ==") % {
                        "name": name, "code": county, "households": f"{sizes[county]:,}"})
                self._county(county, name, sizes[county], seed, no_identify, used_ids)
            Setting.put("demo.params", wanted)
            generator.analyze_all()  # every table the demo filled (autovacuum may be off, or late)
        accounts.ensure_accounts()
        self.stdout.write("\n" + _("演示日期：%(date)s（本系统的时钟，每个页面都显示它）") % {
            "date": clock.stored_today() or clock.today()})
        self.stdout.write("\n" + _("演示账号（密码均为 %(password)s）：") % {"password": accounts.DEMO_PASSWORD})
        for username, role, prefix, name, _org, _dept in accounts.ACCOUNTS:
            self.stdout.write(f"  {username:<10} {role.label:<8} {prefix:<13} {name}")
        for username, code, name in accounts.other_county_logins():
            self.stdout.write(f"  {username:<10} {Role.COUNTY_ADMIN.label:<8} {code:<13} {name}")
        if not no_serve:
            call_command("serve", host=host, port=port)

    def _counties(self, area: str) -> dict[str, str]:
        """The counties asked for, in code order: a prefecture's (4 digits) or the codes given."""
        codes = [c.strip() for c in area.replace("，", ",").split(",") if c.strip()]
        found: dict[str, str] = {}
        for code in codes:
            rows = Division.objects.filter(level=Level.COUNTY)
            rows = rows.filter(code__startswith=code) if len(code) in (2, 4) else rows.filter(code=code)
            matched = dict(rows.order_by("code").values_list("code", "name"))
            if not matched:
                raise CommandError(_("没有找到区划 %(code)s 的县（抚州市以外的县须先用 fupin divisions load 载入）") % {
                    "code": code})
            found.update(matched)
        return dict(sorted(found.items()))

    def _county(self, county: str, name: str, households: int, seed: int, no_identify: bool, used_ids: set) -> None:
        """One county's demo, from its population to its staged procedures."""
        lichuan = county == generator.COUNTY
        users = accounts.ensure_accounts() if lichuan else accounts.county_accounts(county, name)
        started = time.perf_counter()
        self.stdout.write(_("正在生成 %(households)s 户（种子 %(seed)s）……") % {
            "households": f"{households:,}", "seed": seed})
        config = generator.DemoConfig(households=households, seed=seed, county=county)
        result = generator.generate(config, helper_user_id=users["helper"].pk if lichuan else None,
                                    progress=self.stdout.write, used_ids=used_ids)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            _("已生成 %(households)s 户、%(members)s 人，用时 %(seconds)s 秒；贫困人口 %(poor_people)s 人；"
              "贫困村 %(poor_villages)s 个") % {
                "households": f"{result.households:,}", "members": f"{result.members:,}",
                "seconds": f"{elapsed:.1f}", "poor_people": f"{result.people_by_type.get('poor', 0):,}",
                "poor_villages": len(result.poor_villages)})
        rule_sets = rules.ensure_rule_sets(county)
        rules.ensure_scales(county=county)
        lines = [app_demo.generate(county_code=county, seed=seed, users=users) for app_demo in PAYING_DEMOS]
        changed = reconcile_incomes(county, config.year)
        lines.append(_("2023 年申报收入已与实际发放核对：上调转移性收入 %(transfers)s 条、财产性收入 %(dividends)s 条；"
                       "每 %(keep)s 条留 1 条不调，由户卡提示") % {
            "transfers": f"{changed['transfers']:,}", "dividends": f"{changed['dividends']:,}", "keep": KEEP_EVERY})
        runs = [] if no_identify else rules.run_official(rule_sets, county=county)
        for run in runs:
            s = run.summary
            self.stdout.write(
                _("%(year)s 年识别：贫困户 %(poor)s 户（%(poor_people)s 人），监测对象候选 %(candidates)s 户，"
                  "用时 %(seconds)s 秒") % {
                    "year": run.year, "poor": f"{s['poor']:,}", "poor_people": f"{s['poor_people']:,}",
                    "candidates": f"{s['unstable'] + s['marginal'] + s['hardship']:,}", "seconds": s["seconds"]})
        if runs:
            opened = rules.open_working_year(runs, county=county)
            self.stdout.write(
                _("%(year)s 工作年度已开启：退出候选 %(exits)s 户，风险线索 %(clues)s 条在任务列表中等待处理") % {
                    "year": max(r.year for r in runs), "exits": f"{opened['exits']:,}",
                    "clues": f"{opened['clues']:,}"})
        if lichuan:  # the sample department lists and files are Lichuan's
            paths = demo_exchange.write_lists(seed)
            matched = demo_exchange.run_matching(paths, county)
            self.stdout.write(
                _("部门名单已比对：风险线索 %(clues)s 条，数据差异 %(discrepancies)s 条；"
                  "可自己试用导入和比对的样例文件在：%(path)s") % {
                    "clues": f"{sum(r.counts['clues_created'] for r in matched):,}",
                    "discrepancies": f"{sum(r.counts['discrepancies'] for r in matched):,}",
                    "path": paths["households"].parent})
        lines += [app_demo.generate(county_code=county, seed=seed, users=users) for app_demo in LATER_DEMOS]
        if runs and lichuan:
            lines.append(walkthrough.village_exits(county, users))
            lines.append(walkthrough.monitoring_entries(county, users))
        if lichuan:
            lines.append(walkthrough.national_returns(county, seed))
        if runs and lichuan:  # last: the figures above are the county's before the staged cases moved it
            lines.append(walkthrough.cases_at_every_step(county, users))
        for line in lines:
            if line:
                self.stdout.write(line)
