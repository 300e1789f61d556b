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
from django.utils.translation import gettext_lazy

from fupin.accounts.roles import Cap
from fupin.core import audit, jobs
from fupin.core.actions import SYSTEM, atomic, is_system, user_or_none
from fupin.core.actions import authorize as core_authorize
from fupin.core.scope import root_code, scope_for
from fupin.exchange import importer, validate
from fupin.exchange.models import (
    FindingStatus,
    ImportBatch,
    ImportStatus,
    MatchFinding,
    MatchRule,
    MatchRun,
    MatchStatus,
)
from fupin.exchange.reader import ROW, WorkbookError

ACCEPTED = (".xlsx", ".xlsm", ".csv", ".txt")


def _actor(actor):
    return user_or_none(actor)


def check_upload(name: str, data: bytes) -> None:
    from fupin.core import uploads

    if not name.lower().endswith(ACCEPTED):
        raise ValidationError({"file": _("请上传 xlsx 工作簿或 CSV 文件。")})
    uploads.check_workbook(name, data)


def _stored_name(name: str) -> str:
    suffix = Path(name).suffix.lower()[:6]
    return f"{uuid.uuid4().hex}{suffix}"


# --- imports ----------------------------------------------------------------------------------

def create_import(*, actor, name: str, data: bytes, dry_run: bool = False, partial: bool = False,
                  sync_members: bool = False, enqueue: bool = True) -> ImportBatch:
    """Keep the uploaded file and queue its import (the page then shows the job's progress)."""
    if not is_system(actor) and not actor.can(Cap.IMPORT_REGISTRY):
        raise PermissionDenied(_("您没有导入户籍数据的权限。"))
    check_upload(name, data)
    root = root_code(actor)
    from fupin.exchange.tasks import run_import

    batch = ImportBatch(county_code=root[:6], division_code=root, dry_run=dry_run, partial=partial,
                        sync_members=sync_members)
    return _keep(batch, actor=actor, name=name, data=data, kind="exchange.import",
                 title=_("导入 %(f)s") % {"f": name}, task=run_import if enqueue else None)


def _keep(record, *, actor, name: str, data: bytes, kind: str, title: str, task):
    """Save an upload (an import batch or a matching run) with its file and its job, and queue
    the task that works on it once the transaction commits."""
    with atomic():
        record.job = jobs.create(kind=kind, actor=actor, division_code=record.division_code, title=title)
        record.file_name = name[:200]
        record.stored_name = _stored_name(name)
        record.sha256 = hashlib.sha256(data).hexdigest()
        record.created_by = _actor(actor)
        record.file.save(record.stored_name, ContentFile(data), save=False)
        record.save()
        if task is not None:
            transaction.on_commit(lambda: task.enqueue(record.pk))
    return record


def execute_import(batch: ImportBatch, echo=None) -> importer.ImportResult:
    """Check and (unless it is a trial or the file has errors) write the batch, in one transaction;
    keep the error workbook and the counts on the batch."""
    holder: dict = {}

    def work(progress) -> dict:
        with batch.file.open("rb") as handle:
            data = handle.read()
        try:
            result = importer.import_households(
                batch.file_name, data, actor=batch.created_by or SYSTEM, dry_run=batch.dry_run, partial=batch.partial,
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
    # the batch stays in the county it was created in (its shard on Citus, which refuses to move a row)
    county = result.county_code or batch.county_code
    ImportBatch.objects.filter(county_code=batch.county_code, pk=batch.pk).update(
        status=status, counts=counts, problem_count=result.problems.height, report=batch.report.name or "",
        division_code=batch.division_code or county)
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
    if full and not is_system(actor) and not actor.can(Cap.EXPORT_FULL):
        raise PermissionDenied(_("您的角色不能导出完整的证件号码、电话和银行账号。"))
    if not is_system(actor) and not actor.can(Cap.EXPORT_REGISTRY):
        raise PermissionDenied(_("您没有导出数据的权限。"))
    with atomic():
        audit.record(actor=actor, verb="export.full" if full else "export.masked", object_type=f"exchange.{what}",
                     county_code=area_code[:6], division_code=area_code,
                     summary=_("导出%(w)s（%(m)s）：%(a)s，%(n)d 行，%(f)s") % {
                         "w": EXPORT_LABELS.get(what, what), "m": _("完整") if full else _("脱敏"), "a": area_code,
                         "n": count, "f": file_format},
                     after={"what": what, "area": area_code, "full": full, "rows": count, "format": file_format})


EXPORT_LABELS = {"households": gettext_lazy("户籍成员明细"), "villages": gettext_lazy("村册"), "card": gettext_lazy("户卡")}


# --- department matching ----------------------------------------------------------------------

SOURCE_DEPARTMENTS = {
    "medical_insurance": {"medical_insurance"}, "civil_affairs": {"civil_affairs"},
    "disabled_federation": {"disabled_federation"}, "education": {"education"}, "housing": {"housing"},
    "human_resources": {"human_resources"}, "public_security": {"public_security"},
    "market_regulation": {"market_regulation"}, "vehicles": {"public_security"}, "salaried": {"finance",
                                                                                               "human_resources"},
}


def may_match(actor, source: str) -> bool:
    """County administrators load any list; a department user the lists of their department."""
    if is_system(actor):
        return True
    if not actor.can(Cap.MATCH_DATA):
        return False
    if actor.role == "department":
        return actor.department in SOURCE_DEPARTMENTS.get(source, set())
    return True


def create_match(*, actor, source: str, name: str, data: bytes, area_code: str = "",
                 enqueue: bool = True) -> MatchRun:
    from fupin.exchange.models import Source

    if source not in Source.values:
        raise ValidationError({"source": _("请选择数据来源。")})
    if not may_match(actor, source):
        raise PermissionDenied(_("您不能比对这类部门数据。"))
    check_upload(name, data)
    area = area_code or root_code(actor)
    if len(area) < 6:
        raise ValidationError({"area_code": _("请指定比对的县级（或以下）区划代码。")})
    if not is_system(actor) and not scope_for(actor).contains_code(area):
        raise PermissionDenied(_("该区域不在您的管辖范围内。"))
    from fupin.exchange.tasks import run_match

    return _keep(MatchRun(county_code=area[:6], division_code=area, source=source), actor=actor, name=name,
                 data=data, kind="exchange.match", title=_("部门数据比对 %(f)s") % {"f": name},
                 task=run_match if enqueue else None)


def execute_match(run: MatchRun, echo=None) -> MatchRun:
    from fupin.exchange import matching

    def work(progress) -> dict:
        with run.file.open("rb") as handle:
            data = handle.read()
        try:
            result = matching.match(run, data, actor=run.created_by or SYSTEM, progress=progress)
        except WorkbookError as exc:
            MatchRun.objects.filter(pk=run.pk).update(status=MatchStatus.REJECTED, counts={"fatal": str(exc)})
            return {"fatal": str(exc)}
        out = io.BytesIO()
        matching.write_report(out, result)
        with atomic():
            run.report.save(f"{Path(run.stored_name).stem}-rows.csv", ContentFile(out.getvalue()), save=False)
            MatchRun.objects.filter(pk=run.pk).update(status=MatchStatus.DONE, counts=result.counts,
                                                      report=run.report.name)
            audit.record(actor=run.created_by or SYSTEM, verb="match.run", object_type="exchange.matchrun", object_id=run.pk,
                         county_code=run.county_code, division_code=run.division_code,
                         summary=_("部门数据比对 #%(n)s（%(s)s）：%(r)d 行，匹配 %(m)d 人，风险线索 %(c)d 条，"
                                   "数据差异 %(d)d 条") % {
                             "n": run.pk, "s": run.get_source_display(), "r": result.counts["rows"],
                             "m": result.counts["matched_members"], "c": result.counts["clues_created"],
                             "d": result.counts["discrepancies"]},
                         after={"file": run.file_name, **{k: v for k, v in result.counts.items() if k != "findings"}})
        return result.counts

    try:
        jobs.execute(run.job, work, echo)
    except Exception:
        MatchRun.objects.filter(pk=run.pk).update(status=MatchStatus.FAILED)
        raise
    run.refresh_from_db()
    return run


def resolve_finding(*, actor, finding: MatchFinding, status: str, note: str) -> MatchFinding:
    """A cadre checks a discrepancy: corrected in the registry, or the department's data was wrong."""
    if not is_system(actor) and not (actor.can(Cap.EDIT_REGISTRY)
                                  and scope_for(actor).contains_code(finding.division_code)):
        raise PermissionDenied(_("只有本辖区的干部可以核实数据差异。"))
    if finding.status != FindingStatus.OPEN:
        raise ValidationError(_("该差异已核实。"))
    if status not in (FindingStatus.FIXED, FindingStatus.DISMISSED):
        raise ValidationError({"status": _("请选择核实结果。")})
    if not note.strip():
        raise ValidationError({"note": _("请填写核实说明。")})
    from fupin.core import clock

    with atomic():
        finding.status = status
        finding.note = note
        finding.handled_by = _actor(actor)
        finding.handled_at = clock.now()
        finding.save()
        audit.record(actor=actor, verb="match.resolve", object_type="exchange.matchfinding", object_id=finding.pk,
                     county_code=finding.county_code, division_code=finding.division_code,
                     household_id=finding.household_id,
                     summary=_("核实数据差异：%(d)s → %(s)s") % {"d": finding.detail[:100],
                                                              "s": finding.get_status_display()},
                     reason=note, after={"status": status})
    return finding


def update_rule(*, actor, rule: MatchRule, enabled: bool, params: dict, household_types: list[str],
                risk: str = "") -> MatchRule:
    """A county administrator tunes a rule; the change is recorded with before and after."""
    if not is_system(actor) and not (actor.can(Cap.MATCH_DATA) and actor.role != "department"
                                  and scope_for(actor).contains_code(rule.county_code)):
        raise PermissionDenied(_("只有县级管理员可以修改比对规则。"))
    from fupin.exchange.matching import KINDS

    kind = KINDS[rule.kind]
    unknown = set(params) - set(kind.params)
    if unknown:
        raise ValidationError({"params": _("未知参数：%(p)s") % {"p": "、".join(sorted(unknown))}})
    for key, default in kind.params.items():
        value = params.get(key, default)
        if isinstance(default, (int, float)) and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ValidationError({"params": _("参数 %(p)s 应为数字。") % {"p": key}})
        if isinstance(default, (int, float)) and value < 0:
            raise ValidationError({"params": _("参数 %(p)s 不能为负数。") % {"p": key}})
        if isinstance(default, list) and not isinstance(value, list):
            raise ValidationError({"params": _("参数 %(p)s 应为列表。") % {"p": key}})
    if not household_types:
        raise ValidationError({"household_types": _("请至少选择一种户类型。")})
    from fupin.registry.codes import HouseholdType

    unknown = [t for t in household_types if t not in HouseholdType.values]
    if unknown:
        raise ValidationError({"household_types": _("未知的户类型：%(t)s") % {"t": "、".join(map(str, unknown))}})
    fields = ["enabled", "params", "household_types", "risk"]
    before = audit.snapshot(rule, fields)
    with atomic():
        rule.enabled = enabled
        rule.params = {**kind.params, **params}
        rule.household_types = household_types
        if rule.outcome == "clue" and risk.strip():
            rule.risk = risk.strip()[:100]
        rule.updated_by = _actor(actor)
        rule.save()
        old, new = audit.diff(before, audit.snapshot(rule, fields))
        audit.record(actor=actor, verb="match.rule", object_type="exchange.matchrule", object_id=rule.pk,
                     county_code=rule.county_code, division_code=rule.county_code,
                     summary=_("修改比对规则：%(r)s") % {"r": rule.name}, before=old, after=new)
    return rule


# --- the national monitoring system -----------------------------------------------------------

def _national_authorize(actor, county_code: str) -> None:
    core_authorize(actor, capability=Cap.EXPORT_FULL, area=county_code or "-", what=_("报送全国防返贫监测系统"))


def save_national_columns(*, actor, county_code: str, columns: list[dict]) -> list[dict]:
    """The county's column map for the national workbook (checked: known fields, required ones kept)."""
    from fupin.core.models import Setting
    from fupin.exchange import national

    _national_authorize(actor, county_code)
    clean = national.check_columns(columns)
    before = national.column_map(county_code)
    if clean == before:
        return clean
    with atomic():
        Setting.put(national._setting_key(county_code), clean)
        audit.record(actor=actor, verb="national.columns", object_type="core.setting",
                     object_id=national._setting_key(county_code), county_code=county_code, division_code=county_code,
                     summary=_("修改全国系统报送表的列对照"), before={"columns": before}, after={"columns": clean})
    return clean


def record_national_download(*, actor, batch) -> None:
    """A national batch's file (full ID numbers) was downloaded: who and when."""
    _national_authorize(actor, batch.county_code)
    with atomic():
        audit.record(actor=actor, verb="national.download", object_type="exchange.nationalexport",
                     object_id=batch.pk, county_code=batch.county_code, division_code=batch.county_code,
                     summary=_("下载全国系统报送表 #%(n)s（完整证件号码）") % {"n": batch.pk})


def export_national(*, actor, county_code: str, year: int):
    """Write the year's workbook for the national system and record the batch: the file as it went
    out, the column map, and each household with the monitoring case it carries (full ID numbers:
    audited as a full export)."""
    from fupin.core import clock
    from fupin.exchange import national
    from fupin.exchange.models import NationalExport, NationalExportItem

    _national_authorize(actor, county_code)
    if not 2014 <= int(year) <= clock.today().year:
        raise ValidationError({"year": _("年度应在 2014 至今年之间。")})
    table = national.rows(county_code, year)
    if table.height == 0:
        raise ValidationError(_("该年度没有需要报送的监测对象。"))
    columns = national.column_map(county_code)
    out = io.BytesIO()
    national.write(out, table, columns)
    counts = {k: int(v) for k, v in table.group_by("report").len().iter_rows()}
    # rows that go out without a value the national system needs (the batch page lists them)
    missing = {f.header: int(table.filter(pl.col(f.key) == "").height) for f in national.FIELDS
               if f.required and f.key in table.columns}
    counts["missing"] = {k: v for k, v in missing.items() if v}
    with atomic():
        batch = NationalExport.objects.create(county_code=county_code, year=year, households=table.height,
                                              counts=counts, columns=columns, created_by=_actor(actor))
        now = clock.now()
        batch.file.save(national.file_name(county_code, year, now), ContentFile(out.getvalue()), save=True)
        NationalExportItem.objects.bulk_create([
            NationalExportItem(county_code=county_code, division_code=division, batch=batch, household_id=household,
                               case_id=case, report=report)
            for household, division, case, report in table.select(
                "household_id", "division_code", "case_id", "report").iter_rows()], batch_size=2000)
        audit.record(actor=actor, verb="national.export", object_type="exchange.nationalexport", object_id=batch.pk,
                     county_code=county_code, division_code=county_code,
                     summary=_("报送全国防返贫监测系统：%(y)s 年 %(n)d 户（完整证件号码）") % {"y": year, "n": table.height},
                     after={"year": year, "counts": counts})
    return batch


# --- retention of uploaded files --------------------------------------------------------------

def retention_days(county_code: str) -> int:
    """How long the county keeps uploaded lists and the files made from them (its setting, else
    FUPIN_UPLOAD_RETENTION_DAYS)."""
    from fupin.core.models import Setting

    value = Setting.get(f"retention.days.{county_code}")
    return int(value) if value else settings.FUPIN_UPLOAD_RETENTION_DAYS


def set_retention_days(*, actor, county_code: str, days: int) -> None:
    from fupin.core.actions import authorize as core_authorize
    from fupin.core.models import Setting

    core_authorize(actor, capability=Cap.MANAGE_RULES, area=county_code or "-", what=_("上传文件保留期限"))
    if not 7 <= int(days) <= 3650:
        raise ValidationError({"days": _("保留期限应为 7 至 3650 天。")})
    with atomic():
        before = retention_days(county_code)
        Setting.put(f"retention.days.{county_code}", int(days))
        audit.record(actor=actor, verb="retention.set", object_type="core.setting",
                     object_id=f"retention.days.{county_code}", county_code=county_code, division_code=county_code,
                     summary=_("上传文件保留期限：%(a)s → %(b)s 天") % {"a": before, "b": days},
                     before={"days": before}, after={"days": int(days)})


def purge_files(*, actor, county_code: str, now=None) -> int:
    """Delete the files of the county's imports, matching runs and national batches older than its
    retention period (the records, their counts and audit events stay). Returns the files deleted."""
    from datetime import timedelta

    from django.utils import timezone

    from fupin.exchange.models import NationalExport

    cutoff = (now or timezone.now()) - timedelta(days=retention_days(county_code))
    deleted = 0
    with atomic():
        for model, fields in ((ImportBatch, ("file", "report")), (MatchRun, ("file", "report")),
                              (NationalExport, ("file",))):
            for record in model.objects.select_for_update().filter(county_code=county_code, created_at__lt=cutoff):
                changed = []
                for name in fields:
                    stored = getattr(record, name)
                    if stored:
                        stored.delete(save=False)
                        changed.append(name)
                        deleted += 1
                if changed:
                    record.save(update_fields=changed)
        if deleted:
            audit.record(actor=actor, verb="retention.purge", object_type="exchange.files", county_code=county_code,
                         division_code=county_code, summary=_("删除超过保留期限的上传文件 %(n)d 个") % {"n": deleted},
                         after={"before": cutoff.isoformat(), "files": deleted})
    return deleted
