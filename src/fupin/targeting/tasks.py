"""Background tasks of the targeting app (executed by `fupin worker`)."""

from django_tasks import task

from fupin.targeting.models import IdentificationRun


@task()
def run_identification(run_id: int) -> dict:
    from fupin.targeting.actions import execute_run

    run = execute_run(IdentificationRun.objects.get(pk=run_id))
    return {"run": run.pk, "status": run.status}
