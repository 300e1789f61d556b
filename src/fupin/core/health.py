"""`GET /healthz`: is this installation able to serve? For a monitor or a load balancer, no login.

JSON, HTTP 200 when every check passes and 503 when one fails:

- ``database``: a trivial query answers.
- ``worker``: the background worker (`fupin worker`, started by `fupin serve`) takes tasks from
  the queue. The probe is the queue itself: every FUPIN_HEALTH_PING_SECONDS at most, a call queues a
  tiny ``ping`` task (at most one waits at a time, older finished pings are pruned); the worker is
  alive when the pings get run. It is taken as down when a ping has waited more than
  FUPIN_HEALTH_WORKER_WAIT_SECONDS, unless a task started less than FUPIN_HEALTH_TASK_MAX_SECONDS ago
  is still running (one worker runs one task at a time: a long identification run delays the ping,
  a worker that died in the middle of a task leaves it "running" for ever). This needs no change to
  the worker and checks the real path (the same queue, the same backend), also when the worker runs
  on another machine. With FUPIN_TASKS_IMMEDIATE there is no worker: the check passes.
- ``disk``: free space under VAR_DIR and MEDIA_ROOT is at least FUPIN_HEALTH_MIN_FREE_MB.

Only booleans, ages, counts and megabytes are shown: no paths, names, hosts, versions, settings or
error messages (an error is named by its class only; the details go to the log).
"""

from __future__ import annotations

import logging
import shutil
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks import task
from django_tasks.base import TASK_MAX_PRIORITY, TaskResultStatus

log = logging.getLogger(__name__)


@task(priority=TASK_MAX_PRIORITY)
def ping() -> str:
    """The worker's sign of life: run ahead of other queued tasks, it only has to finish."""
    return "pong"


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def check_database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        log.warning("health: the database does not answer", exc_info=True)
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "latency_ms": round((time.monotonic() - started) * 1000, 1)}


def _uses_database_queue() -> bool:
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends["default"], DatabaseBackend)


def _enqueue_ping() -> bool:
    """Queue a ping; on SQLite wait at most 2 s for the write lock (a long import holds it)."""
    sqlite = connection.vendor == "sqlite"
    previous = None
    try:
        if sqlite:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA busy_timeout")
                previous = cursor.fetchone()[0]
                cursor.execute("PRAGMA busy_timeout = 2000")
        ping.enqueue()
        return True
    except Exception:
        log.warning("health: could not queue the worker ping", exc_info=True)
        return False
    finally:
        if previous is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {int(previous)}")


def check_worker() -> dict:
    if not _uses_database_queue():
        return {"ok": True, "queue": "immediate"}
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    wait_limit = _setting("FUPIN_HEALTH_WORKER_WAIT_SECONDS", 120)
    pings = DBTaskResult.objects.filter(task_path=ping.module_path)
    finished = (DBTaskResult.objects.finished().filter(task_path=ping.module_path)
                .order_by("-finished_at").values_list("finished_at", flat=True).first())
    waiting = pings.filter(status=TaskResultStatus.READY).order_by("enqueued_at").values_list(
        "enqueued_at", flat=True).first()
    queued = False
    if waiting is None and (finished is None
                            or now - finished >= timedelta(seconds=_setting("FUPIN_HEALTH_PING_SECONDS", 60))):
        if finished is not None:
            DBTaskResult.objects.finished().filter(task_path=ping.module_path, finished_at__lt=finished).delete()
        queued = _enqueue_ping()
    waited = (now - waiting).total_seconds() if waiting else 0.0
    running = DBTaskResult.objects.running()
    busy = running.filter(started_at__gte=now - timedelta(seconds=_setting("FUPIN_HEALTH_TASK_MAX_SECONDS",
                                                                            14400))).exists()
    report = {
        "ok": waited <= wait_limit or busy,
        "queue": "database",
        "last_ping_seconds_ago": round((now - finished).total_seconds()) if finished else None,
        "ping_waiting_seconds": round(waited),
        "ping_queued_now": queued,
        "tasks_waiting": DBTaskResult.objects.ready().count(),
        "tasks_running": running.count(),
    }
    if waited > wait_limit and busy:
        report["note"] = "busy with a running task"
    return report


def _free_mb(path: Path) -> int:
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free // (1024 * 1024)


def check_disk() -> dict:
    minimum = _setting("FUPIN_HEALTH_MIN_FREE_MB", 1024)
    report: dict = {"min_free_mb": minimum}
    ok = True
    for label, path in (("var", settings.VAR_DIR), ("media", settings.MEDIA_ROOT)):
        try:
            free = _free_mb(Path(path))
        except OSError as exc:
            log.warning("health: no disk figures for %s", label, exc_info=True)
            report[f"{label}_error"] = type(exc).__name__
            ok = False
            continue
        report[f"{label}_free_mb"] = free
        ok = ok and free >= minimum
    report["ok"] = ok
    return {"ok": report.pop("ok"), **report}


@login_not_required
@require_safe
@never_cache
def healthz(request):
    checks = {"database": check_database()}
    if checks["database"]["ok"]:
        try:
            checks["worker"] = check_worker()
        except Exception as exc:
            log.warning("health: the worker check failed", exc_info=True)
            checks["worker"] = {"ok": False, "error": type(exc).__name__}
    else:
        checks["worker"] = {"ok": False, "error": "database unreachable"}
    checks["disk"] = check_disk()
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503,
                        json_dumps_params={"ensure_ascii": False})
