"""Background jobs: a Job row for progress, executed by the task queue (or inline from the CLI)."""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable

from django.db import connection
from django.utils import timezone

from fupin.core.actions import SYSTEM, user_or_none
from fupin.core.models import Job

log = logging.getLogger(__name__)


def create(*, kind: str, title: str, actor=SYSTEM, division_code: str = "") -> Job:
    return Job.objects.create(kind=kind, title=title[:200], created_by=user_or_none(actor),
                              division_code=division_code, county_code=division_code[:6])


class Progress:
    """Reports progress of one job. Each report is its own short transaction, so pages see it
    while the work goes on (the work itself commits step by step)."""

    def __init__(self, job: Job, echo: Callable[[int, str], None] | None = None):
        self.job = job
        self.echo = echo

    def __call__(self, percent: int, message: str = "") -> None:
        percent = max(0, min(100, int(percent)))
        side = _side_connection()
        if side is not None:
            with side.cursor() as cursor:
                # with the county: one shard on Citus (an update by id alone would lock them all)
                cursor.execute("UPDATE core_job SET progress = %s, message = %s WHERE county_code = %s AND id = %s",
                               [percent, message[:300], self.job.county_code, self.job.pk])
        else:
            Job.objects.filter(county_code=self.job.county_code, pk=self.job.pk).update(
                progress=percent, message=message[:300])
        if self.echo:
            self.echo(percent, message)


_side = threading.local()


def _side_connection():
    """Work that runs in one long transaction (an import) reports its progress on a second
    connection of its own (PostgreSQL), so that the page polling the job sees it. SQLite has one
    writer at a time: there the report waits for the commit."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return None
    side = getattr(_side, "connection", None)
    if side is None:
        side = _side.connection = connection.copy()
    return side


def close_side_connection() -> None:
    side = getattr(_side, "connection", None)
    if side is not None:
        side.close()
        _side.connection = None


def execute(job: Job, work: Callable[[Progress], dict], echo: Callable[[int, str], None] | None = None) -> Job:
    """Run ``work`` for ``job``: mark it running, record its result or its error."""
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now(), progress=0)
    try:
        try:
            result = work(Progress(job, echo)) or {}
        finally:
            close_side_connection()
    except Exception as exc:  # the job records any failure; the caller decides whether to re-raise
        log.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, finished_at=timezone.now(),
                                             error=f"{exc}\n\n{traceback.format_exc()}"[:20000])
        job.refresh_from_db()
        raise
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, finished_at=timezone.now(), progress=100,
                                         result=result)
    job.refresh_from_db()
    return job


INTERRUPTED = "工作进程在任务运行中停止（服务重启或进程被终止），任务未完成，请重新提交。"


def recover_interrupted() -> int:
    """Mark the jobs left running by a worker that stopped (killed, crashed, the machine restarted)
    as failed, with their task rows. Called when the worker starts: there is one worker per
    installation, so any job still running then is not running any more. Returns how many."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    count = Job.objects.filter(status=Job.Status.RUNNING).update(
        status=Job.Status.FAILED, finished_at=now, error=INTERRUPTED)
    DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED, finished_at=now, exception_class_path="builtins.RuntimeError",
        traceback=INTERRUPTED)
    if count:
        log.warning("%s interrupted job(s) marked failed", count)
    return count
