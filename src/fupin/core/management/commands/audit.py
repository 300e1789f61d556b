"""`fupin audit verify [--county CODE]`: check the audit events' hash chains.

Walks each county's chain in id order, recomputes every event's hash and checks that each event
names the one before it. Prints each county's count and head (write the head down: an event removed
from the end of a chain leaves no broken link, but the head changes), or its first broken link.
Exit status 0 when every chain is intact, 1 when one is broken.
"""

import sys
import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fupin.core import audit


class Command(BaseCommand):
    help = "审计日志: verify the hash chains of the audit events (exit status 1 when one is broken)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="recompute the chains and report the first broken link per county")
        verify.add_argument("--county", help="only this county's chain (6-digit code; '' for events without one)")
        verify.add_argument("--chunk-size", type=int, default=5000, help="rows fetched at a time")

    def handle(self, *args, **options):
        started = time.perf_counter()
        reports = audit.verify(options["county"], chunk_size=options["chunk_size"])
        elapsed = time.perf_counter() - started
        if not reports:
            self.stdout.write(_("县 %(county)s 没有审计事件") % {"county": repr(options["county"])}
                              if options["county"] else _("没有审计事件"))
        broken = 0
        for report in reports:
            name = report.county_code or _("（无县）")
            if report.ok:
                self.stdout.write(_("%(name)s：完好，%(events)s 个事件，链头 #%(head_id)s %(head_hash)s") % {
                    "name": name, "events": report.events, "head_id": report.head_id, "head_hash": report.head_hash})
                continue
            broken += 1
            b = report.broken
            if b.content_altered and b.link_altered:
                altered = _("内容和链接被改动")
            elif b.content_altered:
                altered = _("内容被改动")
            else:
                altered = _("链接被改动")
            self.stdout.write(self.style.ERROR(
                _("%(name)s：链在事件 #%(event)s 处断开（%(at)s，县 %(name)s）：%(altered)s") % {
                    "name": name, "event": b.event_id, "at": b.occurred_at.isoformat(), "altered": altered}))
            if b.content_altered:
                self.stdout.write("  " + _("事件的内容或哈希被改过：它的哈希应为 %(expected)s，存储的是 %(stored)s") % {
                    "expected": b.expected_hash, "stored": b.stored_hash})
            if b.link_altered:
                before = _("事件 #%(event)s") % {"event": b.previous_id} if b.previous_id else _("链的起点")
                self.stdout.write("  " + _(
                    "它的链接没有接上前一位置（%(before)s）：prev_hash 应为 %(expected)s，存储的是 %(stored)s"
                    "（它之前的事件被删除、插入或重新计算了哈希）") % {
                    "before": before, "expected": b.expected_prev_hash, "stored": b.stored_prev_hash})
            self.stdout.write("  " + _("它之前有 %(checked)s 个事件完好；链中共 %(events)s 个事件") % {
                "checked": report.checked, "events": report.events})
        total = sum(r.events for r in reports)
        self.stdout.write(_("已检查 %(events)s 个事件，共 %(chains)s 条链，用时 %(seconds)s 秒") % {
            "events": total, "chains": len(reports), "seconds": f"{elapsed:.1f}"})
        if broken:
            sys.stdout.flush()
            sys.exit(1)
