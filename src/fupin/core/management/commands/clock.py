"""`fupin clock [DATE | +DAYS | --real]`: show or set the day the installation's domain clock stands on.

The demo sets it to a day inside its working year (core.clock, the Setting "clock.today"); moving it on
by a week lets a visitor close the notices they posted. Only on a demo database, unless --force.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.core import clock
from fupin.core.models import Setting


class Command(BaseCommand):
    help = "Show or set the day of the installation's domain clock (the demo's date)."

    def add_arguments(self, parser):
        parser.add_argument("day", nargs="?", help="a date (2023-12-27) or days to move on (+7)")
        parser.add_argument("--real", action="store_true", help="back to the real date")
        parser.add_argument("--force", action="store_true", help="also on a database that is not the demo")

    def handle(self, *args, day=None, real=False, force=False, **options):
        if (day or real) and Setting.get("dataset") != "demo" and not force:
            raise CommandError(_("这不是演示数据库：修改系统日期会改变业务记录的日期。确需修改请加 --force。"))
        if real:
            clock.store_today(None)
        elif day:
            if day.startswith("+") and day[1:].isdigit():
                target = (clock.stored_today() or clock.today()) + dt.timedelta(days=int(day[1:]))
            else:
                try:
                    target = dt.date.fromisoformat(day)
                except ValueError:
                    raise CommandError(_("不是日期，也不是 +天数：%(day)s") % {"day": day}) from None
            clock.store_today(target)
        stored = clock.stored_today()
        if stored:
            self.stdout.write(_("%(date)s（已设定：设置项 %(setting)s）") % {
                "date": clock.today().isoformat(), "setting": clock.SETTING})
        else:
            self.stdout.write(_("%(date)s（真实日期）") % {"date": clock.today().isoformat()})
