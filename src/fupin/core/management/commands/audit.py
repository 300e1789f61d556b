"""`fupin audit verify [--county CODE]`: check the audit events' hash chains.

Walks each county's chain in id order, recomputes every event's hash and checks that each event
names the one before it. Prints each county's count and head (write the head down: an event removed
from the end of a chain leaves no broken link, but the head changes), or its first broken link.
Exit status 0 when every chain is intact, 1 when one is broken.
"""

import sys
import time

from django.core.management.base import BaseCommand

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
            self.stdout.write("no audit events" + (f" in county {options['county']!r}" if options["county"] else ""))
        broken = 0
        for report in reports:
            name = report.county_code or "(no county)"
            if report.ok:
                self.stdout.write(f"{name}: OK, {report.events} events, head #{report.head_id} {report.head_hash}")
                continue
            broken += 1
            b = report.broken
            self.stdout.write(self.style.ERROR(
                f"{name}: BROKEN at event #{b.event_id} ({b.occurred_at.isoformat()}, county {name}): "
                f"{b.kind} altered"))
            if b.content_altered:
                self.stdout.write(f"  the event's content or hash was changed: its hash should be {b.expected_hash}, "
                                  f"stored {b.stored_hash}")
            if b.link_altered:
                before = f"event #{b.previous_id}" if b.previous_id else "the start of the chain"
                self.stdout.write(
                    f"  its link does not follow {before}: prev_hash should be {b.expected_prev_hash}, "
                    f"stored {b.stored_prev_hash} (an event before it was removed, slipped in or re-hashed)")
            self.stdout.write(f"  {report.checked} events intact before it; {report.events} events in the chain")
        total = sum(r.events for r in reports)
        self.stdout.write(f"checked {total} events in {len(reports)} chain(s) in {elapsed:.1f} s")
        if broken:
            sys.stdout.flush()
            sys.exit(1)
