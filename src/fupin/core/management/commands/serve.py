"""`fupin serve`: the web server (waitress, pure Python) and, beside it, the task worker.

The port is taken before anything else starts: a busy port is one line and exit status 1. The worker
is a child process that lives only as long as the server: it is stopped when the server stops
(Ctrl+C, SIGTERM, an error), and it stops by itself when the server dies without saying so
(``fupin worker --parent``)."""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


def _stop(signum, frame):
    raise KeyboardInterrupt  # unwinds the server loop, so that the finally below stops the worker


def stop_worker(worker: subprocess.Popen | None) -> None:
    if worker is None or worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


class Command(BaseCommand):
    help = "Serve fupin over HTTP (waitress) and run the background task worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true", help="do not start `fupin worker` beside it")

    def handle(self, *args, host, port, threads, no_worker, **options):
        from waitress.server import create_server

        from fupin.wsgi import application

        try:
            server = create_server(application, host=host, port=port, threads=threads, ident="fupin")
        except OSError as exc:
            raise CommandError(_("端口 %(port)s 已被占用（或不能使用），服务没有启动：请停止占用它的程序，"
                                 "或用 --port 换一个端口。") % {"port": port}) from exc
        worker = None
        previous = signal.signal(signal.SIGTERM, _stop)
        try:
            if not no_worker and "DatabaseBackend" in settings.TASKS["default"]["BACKEND"]:
                worker = subprocess.Popen([sys.executable, "-m", "fupin.cli", "worker", "--interval", "1",
                                           "--queue-name", "*", "--parent", str(os.getpid())])
                self.stdout.write(_("后台任务进程已启动（pid %(pid)s）") % {"pid": worker.pid})
            engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
            self.stdout.write(_("fupin 已在 http://%(host)s:%(port)s/ 提供服务（数据库：%(db)s）") % {
                "host": host, "port": server.effective_port, "db": engine})
            self.stdout.write(_("按 Ctrl+C 停止。"))
            self.stdout.flush()
            server.run()  # returns on Ctrl+C (and on SIGTERM, through _stop)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            self.stdout.write(_("正在停止 ……"))
            try:
                server.close()
            except Exception:  # already closed by the server loop
                pass
            stop_worker(worker)
