"""`fupin serve`: the web server (waitress, pure Python) and, beside it, the task worker."""

import atexit
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve fupin over HTTP (waitress) and run the background task worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true", help="do not start `fupin worker` beside it")

    def handle(self, *args, host, port, threads, no_worker, **options):
        from waitress import serve

        from fupin.wsgi import application

        if not no_worker and "DatabaseBackend" in settings.TASKS["default"]["BACKEND"]:
            worker = subprocess.Popen([sys.executable, "-m", "fupin.cli", "worker", "--interval", "1",
                                       "--queue-name", "*"])
            atexit.register(worker.terminate)
            self.stdout.write(f"task worker started (pid {worker.pid})")
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write(f"fupin serving on http://{host}:{port}/ (database: {engine})")
        serve(application, host=host, port=port, threads=threads, ident="fupin")
