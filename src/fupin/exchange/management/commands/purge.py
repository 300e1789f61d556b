"""``fupin purge``: delete uploaded lists and the files made from them once past each county's
retention period (run it daily from cron; ``--dry-run`` only counts)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.assessment import actions as assessment
from fupin.core.actions import SYSTEM
from fupin.divisions.models import Division, Level
from fupin.exchange import actions


class Command(BaseCommand):
    help = "删除超过保留期限的上传文件（导入的工作簿、部门名单、错误报告、全国系统报送表）"

    def add_arguments(self, parser):
        parser.add_argument("--county", help="只处理这个县（6 位代码）")

    def handle(self, *args, county=None, **options):
        counties = [county] if county else list(Division.objects.filter(level=Level.COUNTY)
                                                .values_list("code", flat=True))
        total = 0
        for code in counties:
            days = actions.retention_days(code)
            n = actions.purge_files(actor=SYSTEM, county_code=code)
            n += assessment.purge_reports(actor=SYSTEM, county_code=code,
                                          before=timezone.now() - timedelta(days=days))
            if n:
                self.stdout.write(_("%(county)s：已删除 %(count)s 个超过 %(days)s 天的文件") % {
                    "county": code, "count": n, "days": days})
            total += n
        self.stdout.write(_("共删除 %(count)s 个文件") % {"count": total})
