"""``fupin citus distribute``: the distributed layout on a Citus coordinator (after ``migrate``);
``fupin citus status``: how the tables are placed."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.core import citus


class Command(BaseCommand):
    help = "Citus: distribute the tables by county_code (idempotent) or show how they are placed"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["distribute", "status"])
        parser.add_argument("--shards", type=int, default=None,
                            help="shards per distributed table (default: Citus's citus.shard_count, 32); "
                                 "a few are enough for tests")

    def handle(self, *args, action, shards=None, verbosity=1, **options):
        if not citus.is_citus():
            raise CommandError(_("这个数据库不是 Citus 协调节点（需要 CREATE EXTENSION citus 并加入工作节点）；"
                                 "单机 PostgreSQL 和 SQLite 无需此步骤。"))
        if action == "status":
            found = citus.status()
            self.stdout.write(_("分布表 %(d)d 个，参照表 %(r)d 个") % {"d": len(found["distributed"]),
                                                                  "r": len(found["reference"])})
            for node, shards in found["placements"].items():
                self.stdout.write(_("  节点 %(node)s：%(n)d 个分片") % {"node": node, "n": shards})
            return
        started = time.monotonic()
        report = citus.distribute(echo=self.stdout.write if verbosity > 1 else (lambda line: None), shards=shards)
        self.stdout.write(_("按 county_code 分布 %(d)d 个表，参照表 %(r)d 个（其中已就绪 %(a)d 个），用时 %(s).1f 秒") % {
            "d": len(report.distributed), "r": len(report.reference), "a": report.already,
            "s": time.monotonic() - started})
        self.stdout.write(_("主键与唯一键加入 county_code：%(n)d 个；外键改为含 county_code：%(c)d 个，保留：%(k)d 个") % {
            "n": len(report.keys_widened), "c": report.foreign_keys_composite, "k": report.foreign_keys_kept})
        for key in report.foreign_keys_dropped:
            self.stdout.write(_("  参照表指向分布表的外键已去掉：%(k)s") % {"k": key})
