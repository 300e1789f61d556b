"""Background jobs: a Job row for progress, executed by the task queue (or inline from the CLI)."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from django.utils import timezone

from fupin.core.models import Job

log = logging.getLogger(__name__)


def create(*, kind: str, title: str, actor=None, division_code: str = "") -> Job:
    return Job.objects.create(kind=kind, title=title[:200], created_by=actor if actor and actor.pk else None,
                              division_code=division_code, county_code=division_code[:6])


class Progress:
    """Reports progress of one job. Each report is its own short transaction, so pages see it
    while the work goes on (the work itself commits step by step)."""

    def __init__(self, job: Job, echo: Callable[[int, str], None] | None = None):
        self.job = job
        self.echo = echo

    def __call__(self, percent: int, message: str = "") -> None:
        percent = max(0, min(100, int(percent)))
        Job.objects.filter(pk=self.job.pk).update(progress=percent, message=message[:300])
        if self.echo:
            self.echo(percent, message)


def execute(job: Job, work: Callable[[Progress], dict], echo: Callable[[int, str], None] | None = None) -> Job:
    """Run ``work`` for ``job``: mark it running, record its result or its error."""
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now(), progress=0)
    try:
        result = work(Progress(job, echo)) or {}
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
