"""Background tasks of the exchange app (executed by `fupin worker`)."""

from django_tasks import task


@task()
def run_import(batch_id: int) -> dict:
    from fupin.exchange.actions import execute_import
    from fupin.exchange.models import ImportBatch

    batch = ImportBatch.objects.get(pk=batch_id)
    execute_import(batch)
    batch.refresh_from_db()
    return {"batch": batch.pk, "status": batch.status}


@task()
def run_match(run_id: int) -> dict:
    from fupin.exchange.actions import execute_match
    from fupin.exchange.models import MatchRun

    run = execute_match(MatchRun.objects.get(pk=run_id))
    return {"run": run.pk, "status": run.status}
