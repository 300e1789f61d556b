"""Downloads: identification results as CSV (more exports and the imports come with issue #5)."""

import io

from django.db import transaction
from django.http import StreamingHttpResponse

from fupin.accounts.roles import Cap
from fupin.core import audit
from fupin.core.views import require
from fupin.exchange import identification
from fupin.targeting import selectors


@require(Cap.VIEW_TARGETING)
def identification_export(request, run_pk):
    run = selectors.get_run(request.user, run_pk)
    results = selectors.results(request.user, run)
    with transaction.atomic():
        audit.record(actor=request.user, verb="export.identification", object_type="targeting.identificationrun",
                     object_id=run.pk, county_code=run.county_code, division_code=run.area_code,
                     summary=f"导出识别结果 #{run.pk}（{run.year} 年）")

    def stream():
        yield "\ufeff"
        buffer = io.StringIO()
        writer = identification.csv.writer(buffer)
        writer.writerow(identification.HEADER)
        for row in identification.rows(run, results):
            writer.writerow(row)
            if buffer.tell() > 64_000:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="identification-{run.year}-{run.pk}.csv"'
    return response
