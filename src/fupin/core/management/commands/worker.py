"""`fupin worker`: the background task worker. First marks the jobs a stopped worker left running as
failed (so that their pages say so instead of showing a progress bar for ever), then runs
django-tasks' ``db_worker`` with the same options."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from fupin.core import jobs


class Command(BaseCommand):
    help = "Run the background task worker (marks jobs interrupted by a previous stop as failed first)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1)
        parser.add_argument("--queue-name", default="*")
        parser.add_argument("--batch", action="store_true", help="exit once no task is waiting")

    def handle(self, *args, interval, queue_name, batch, **options):
        recovered = jobs.recover_interrupted()
        if recovered:
            self.stdout.write(f"{recovered} job(s) left running by a stopped worker marked failed")
        call_command("db_worker", interval=interval, queue_name=queue_name, batch=batch, startup_delay=not batch)
