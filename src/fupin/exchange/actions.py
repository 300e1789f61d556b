"""Writes of the exchange app: import batches (upload, check, write), exports (logged), and the
department matching runs and their findings (see :mod:`fupin.exchange.matching`)."""

from __future__ import annotations

import hashlib
import io
import uuid
from pathlib import Path

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.accounts.roles import Cap
from fupin.core import audit, jobs
from fupin.core.scope import scope_for
from fupin.exchange import importer, validate
from fupin.exchange.models import ImportBatch, ImportStatus
from fupin.exchange.reader import ROW, WorkbookError

ACCEPTED = (".xlsx", ".xlsm", ".csv", ".txt")


def _actor(actor):
    return actor if actor is not None and actor.pk else None


def _root(actor) -> str:
    """The area an actor works in: their single grant, else '' (several areas, or the system)."""
    if actor is None:
        return ""
    prefixes = scope_for(actor).prefixes
    return prefixes[0] if len(prefixes) == 1 else ""


def check_upload(name: str, data: bytes) -> None:
    if not data:
        raise ValidationError({"file": _("文件是空的。")})
    if len(data) > settings.FUPIN_MAX_UPLOAD_MB * 1024 * 1024:
        raise ValidationError({"file": _("文件超过 %(n)d MB。") % {"n": settings.FUPIN_MAX_UPLOAD_MB}})
    if not name.lower().endswith(ACCEPTED):
        raise ValidationError({"file": _("请上传 xlsx 工作簿或 CSV 文件。")})


def _stored_name(name: str) -> str:
    suffix = Path(name).suffix.lower()[:6]
    return f"{uuid.uuid4().hex}{suffix}"


# --- imports ----------------------------------------------------------------------------------

def create_import(*, actor, name: str, data: bytes, dry_run: bool = False, partial: bool = False,
                  sync_members: bool = False, enqueue: bool = True) -> ImportBatch:
    """Keep the uploaded file and queue its import (the page then shows the job's progress)."""
    if actor is not None and not actor.can(Cap.IMPORT_REGISTRY):
        raise PermissionDenied(_("您没有导入户籍数据的权限。"))
    check_upload(name, data)
    root = _root(actor)
    with transaction.atomic():
        job = jobs.create(kind="exchange.import", actor=actor, division_code=root,
                          title=_("导入 %(f)s") % {"f": name})
        batch = ImportBatch(county_code=root[:6], division_code=root, file_name=name[:200],
                            stored_name=_stored_name(name), sha256=hashlib.sha256(data).hexdigest(),
                            dry_run=dry_run, partial=partial, sync_members=sync_members, job=job,
                            created_by=_actor(actor))
        batch.file.save(batch.stored_name, ContentFile(data), save=False)
        batch.save()
        if enqueue:
            from fupin.exchange.tasks import run_import

            transaction.on_commit(lambda: run_import.enqueue(batch.pk))
    return batch


def execute_import(batch: ImportBatch, echo=None) -> importer.ImportResult:
    """Check and (unless it is a trial or the file has errors) write the batch, in one transaction;
    keep the error workbook and the counts on the batch."""
    holder: dict = {}

    def work(progress) -> dict:
        with batch.file.open("rb") as handle:
            data = handle.read()
        try:
            result = importer.import_households(
                batch.file_name, data, actor=batch.created_by, dry_run=batch.dry_run, partial=batch.partial,
                sync_members=batch.sync_members, progress=progress, batch=batch)
        except WorkbookError as exc:
            result = importer.ImportResult(problems=pl.DataFrame(
                [(0, "", "", str(exc))], schema=validate.PROBLEM_SCHEMA, orient="row"), fatal=str(exc))
        holder["result"] = result
        _finish(batch, result)
        return batch.counts

    try:
        jobs.execute(batch.job, work, echo)
    except Exception:
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.FAILED)
        raise
    return holder["result"]


def _finish(batch: ImportBatch, result: importer.ImportResult) -> None:
    counts = result.summary()
    if result.problems.height:
        out = io.BytesIO()
        importer.write_report(result.problems, out, "xlsx", result.sheet)
        batch.report.save(f"{Path(batch.stored_name).stem}-errors.xlsx", ContentFile(out.getvalue()), save=False)
    if result.written:
        status = ImportStatus.IMPORTED
    elif result.problems.height and not (batch.partial and result.counts):
        status = ImportStatus.REJECTED
    else:
        status = ImportStatus.CHECKED
    county = result.county_code or batch.county_code
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=status, counts=counts, problem_count=result.problems.height, report=batch.report.name or "",
        county_code=county, division_code=batch.division_code or county)
    batch.refresh_from_db()


def problems_frame(batch: ImportBatch) -> pl.DataFrame:
    """The problems of a finished batch, read back from its error workbook."""
    if not batch.report:
        return pl.DataFrame(schema=validate.PROBLEM_SCHEMA)
    import fastexcel

    with batch.report.open("rb") as handle:
        sheet = fastexcel.read_excel(handle.read()).load_sheet("错误清单", dtypes="string").to_polars()
    return sheet.rename({"行号": ROW, "列": "column", "值": "value", "错误": "message"}).with_columns(
        pl.col(ROW).cast(pl.Int64), pl.col("value").fill_null(""))


# --- exports ----------------------------------------------------------------------------------

def record_export(*, actor, what: str, area_code: str, full: bool, count: int, file_format: str) -> None:
    """Every export is logged; a full (unmasked) one needs the capability."""
    if full and actor is not None and not actor.can(Cap.EXPORT_FULL):
        raise PermissionDenied(_("您的角色不能导出完整的证件号码、电话和银行账号。"))
    if actor is not None and not actor.can(Cap.EXPORT_REGISTRY):
        raise PermissionDenied(_("您没有导出数据的权限。"))
    with transaction.atomic():
        audit.record(actor=actor, verb="export.full" if full else "export.masked", object_type=f"exchange.{what}",
                     county_code=area_code[:6], division_code=area_code,
                     summary=_("导出%(w)s（%(m)s）：%(a)s，%(n)d 行，%(f)s") % {
                         "w": EXPORT_LABELS.get(what, what), "m": _("完整") if full else _("脱敏"), "a": area_code,
                         "n": count, "f": file_format},
                     after={"what": what, "area": area_code, "full": full, "rows": count, "format": file_format})


EXPORT_LABELS = {"households": "户籍成员明细", "villages": "村册", "card": "户卡"}
