"""`fupin worker`: the background task worker. First marks the jobs a stopped worker left running as
failed (so that their pages say so instead of showing a progress bar for ever), then runs
django-tasks' ``db_worker`` with the same options. Started by `fupin serve` (``--parent``), it stops
when the server process is gone, even if the server could not stop it (killed, crashed)."""

import os
import signal
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fupin.core import jobs


class Command(BaseCommand):
    help = "Run the background task worker (marks jobs interrupted by a previous stop as failed first)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1)
        parser.add_argument("--queue-name", default="*")
        parser.add_argument("--batch", action="store_true", help="exit once no task is waiting")
        parser.add_argument("--parent", type=int, default=0, help="stop when this process (the server) is gone")

    def handle(self, *args, interval, queue_name, batch, parent=0, **options):
        if parent:
            threading.Thread(target=watch_parent, args=(parent,), daemon=True, name="watch-parent").start()
        recovered = jobs.recover_interrupted()
        if recovered:
            self.stdout.write(_("已将 %(count)s 个因后台进程停止而中断的任务标记为失败") % {"count": recovered})
        call_command("db_worker", interval=interval, queue_name=queue_name, batch=batch, startup_delay=not batch)


def watch_parent(parent: int, every: float = 1.0) -> None:
    """Stop this worker once ``parent`` is no longer its parent (it died: the worker was re-parented).
    The worker is asked to stop as on SIGTERM (it finishes or abandons the task like a stopped worker);
    if it is still there a while later, it exits."""
    while os.getppid() == parent:
        time.sleep(every)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(30)
    os._exit(1)
