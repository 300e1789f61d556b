"""Writes of the targeting app: rule sets (versioned, locked once used) and identification runs.

A run is started by an action (audited, scoped) and executed by ``execute_run``, in the task
worker or inline from the command line: one set-based INSERT ... SELECT per township, then the
village results and the summary, each step committed so the progress bar moves.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor, as_completed

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Max
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts.roles import Cap
from fupin.core import audit, jobs, staging
from fupin.core.actions import atomic, is_system, user_or_none
from fupin.core.actions import authorize as core_authorize
from fupin.core.scope import scope_for
from fupin.divisions.models import Division, Level
from fupin.registry.models import Household
from fupin.targeting import compute, selectors
from fupin.targeting.models import IdentificationRun, RuleSet, RuleSetStatus, RunStatus, Scale
from fupin.targeting.params import Params, validate

RULE_FIELDS = [
    "name", "notes", "identification_standard", "income_line", "monitoring_threshold", "county_rural_income",
    "province_rural_income", "province_poverty_rate", "food_min_income", "safety_net_secures_food",
    "school_age_from", "school_age_to", "age_reference", "health_exempts_schooling", "require_basic_insurance",
    "require_critical_insurance", "require_medical_aid", "unsafe_house_grades", "renovation_counts",
    "relocation_counts", "water_test", "school_year_cutoff", "gap_ceiling", "gap_tests", "exit_prior_year",
    "exit_margin", "risk_clear_years", "risk_clear_min_months", "village_exit_incidence",
    "village_exit_collective_income", "village_exit_items", "county_exit_incidence", "oop_ratio_exited", "oop_ratio_others",
    "income_drop_ratio", "village_incidence_multiple", "village_income_ratio", "mpi_k", "mpi_weights",
]


def _authorize(actor, region_code: str) -> None:
    if not is_system(actor) and not region_code:
        raise PermissionDenied(_("该区域不在您的管辖范围内。"))
    core_authorize(actor, capability=Cap.MANAGE_RULES, area=region_code, what=_("识别规则与识别"))


def _check(rule_set: RuleSet) -> None:
    problems = validate(Params.from_rule_set(rule_set))
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field, []).append(message)
        raise ValidationError(errors)


def _record(actor, verb: str, rule_set: RuleSet, summary: str, before=None, after=None) -> None:
    audit.record(actor=actor, verb=verb, object_type="targeting.ruleset", object_id=rule_set.pk,
                 county_code=rule_set.region_code[:6] if len(rule_set.region_code) >= 6 else "",
                 division_code=rule_set.region_code, summary=summary, before=before, after=after)


def copy_rule_set(*, actor, source: RuleSet, region_code: str | None = None, year: int | None = None,
                  name: str = "") -> RuleSet:
    """A new draft version from any rule set (for the actor's county, and a year, by default the source's)."""
    region = region_code if region_code is not None else source.region_code
    _authorize(actor, region)
    year = year or source.year
    with atomic():
        last = RuleSet.objects.filter(region_code=region, year=year).aggregate(v=Max("version"))["v"] or 0
        copy = RuleSet(region_code=region, year=year, version=last + 1, based_on=source, status=RuleSetStatus.DRAFT,
                       created_by=user_or_none(actor))
        for field in RULE_FIELDS:
            setattr(copy, field, getattr(source, field))
        copy.name = name or (source.name if source.region_code == region and source.year == year
                             else _("%(y)s 年 %(r)s 识别规则") % {"y": year, "r": _region_name(region)})
        copy.save()
        _record(actor, "ruleset.copy", copy, _("由“%(s)s”复制为新版本 v%(v)s") % {"s": source, "v": copy.version},
                after=audit.snapshot(copy, RULE_FIELDS))
    return copy


def _region_name(code: str) -> str:
    division = Division.objects.filter(code=code).first()
    return division.name if division else (code or _("全国"))


def update_rule_set(*, actor, rule_set: RuleSet, changes: dict) -> RuleSet:
    _authorize(actor, rule_set.region_code)
    if rule_set.is_locked:
        raise ValidationError(_("该规则集已用于正式识别，不能修改；请复制为新版本后再改。"))
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    before = audit.snapshot(rule_set, RULE_FIELDS)
    for field, value in changes.items():
        setattr(rule_set, field, value)
    _check(rule_set)
    old, new = audit.diff(before, audit.snapshot(rule_set, RULE_FIELDS))
    if not new:
        return rule_set
    with atomic():
        rule_set.save()
        _record(actor, "ruleset.update", rule_set, _("修改识别规则 %(r)s") % {"r": rule_set}, before=old, after=new)
    return rule_set


def publish_rule_set(*, actor, rule_set: RuleSet) -> RuleSet:
    """Make a draft usable by real runs (other published versions of the same year and region retire)."""
    _authorize(actor, rule_set.region_code)
    _check(rule_set)
    with atomic():
        RuleSet.objects.filter(region_code=rule_set.region_code, year=rule_set.year,
                               status=RuleSetStatus.PUBLISHED).exclude(pk=rule_set.pk).update(
            status=RuleSetStatus.RETIRED)
        rule_set.status = RuleSetStatus.PUBLISHED
        rule_set.save(update_fields=["status"])
        _record(actor, "ruleset.publish", rule_set, _("发布识别规则 %(r)s") % {"r": rule_set})
    return rule_set


def start_run(*, actor, area_code: str, year: int, rule_set: RuleSet | None = None, dry_run: bool = False,
              enqueue: bool = True) -> IdentificationRun:
    """Record a run and queue it. Real runs need a published rule set, which the run then locks."""
    if not is_system(actor) and not actor.can(Cap.MANAGE_RULES):
        raise PermissionDenied(_("只有县级管理员可以发起识别。"))
    if not is_system(actor) and not scope_for(actor).contains_code(area_code):
        raise PermissionDenied(_("该区域不在您的管辖范围内。"))
    area = Division.objects.filter(code=area_code).first()
    if area is None or area.level < Level.COUNTY:
        raise ValidationError({"area_code": _("识别范围须为县、乡镇或村的区划代码。")})
    rule_set = rule_set or selectors.applicable_rule_set(area.county_code, year)
    if rule_set is None:
        raise ValidationError({"rule_set": _("%(y)s 年没有可用的识别规则，请先建立并发布。") % {"y": year}})
    if rule_set.year != year:
        raise ValidationError({"rule_set": _("规则集年度与识别年度不一致。")})
    if not dry_run and rule_set.status != RuleSetStatus.PUBLISHED:
        raise ValidationError({"rule_set": _("正式识别只能使用已发布的规则集；草稿请用试算。")})
    params = with_last_year(Params.from_rule_set(rule_set), area.county_code)
    _check(rule_set)
    with atomic():
        job = jobs.create(kind="targeting.identify", actor=actor, division_code=area.code,
                          title=_("%(y)s 年%(d)s %(a)s") % {"y": year, "d": _("试算") if dry_run else _("识别"),
                                                          "a": area.name})
        run = IdentificationRun.objects.create(
            county_code=area.county_code, area_code=area.code, year=year, rule_set=rule_set, params=params.to_json(),
            dry_run=dry_run, job=job, created_by=user_or_none(actor))
        if not dry_run and not rule_set.is_locked:
            RuleSet.objects.filter(pk=rule_set.pk).update(locked_at=timezone.now())
            rule_set.refresh_from_db()
        audit.record(actor=actor, verb="targeting.run", object_type="targeting.identificationrun", object_id=run.pk,
                     county_code=area.county_code, division_code=area.code,
                     summary=_("发起%(d)s：%(y)s 年 %(a)s，规则 %(r)s") % {
                         "d": _("试算") if dry_run else _("识别"), "y": year, "a": area.name, "r": rule_set},
                     after={"run": run.pk, "rule_set": rule_set.pk, "dry_run": dry_run})
        if enqueue:
            from fupin.targeting.tasks import run_identification

            transaction.on_commit(lambda: run_identification.enqueue(run.pk))
    return run


def with_last_year(params: Params, county_code: str) -> Params:
    """The run's parameters with the previous year's lines, from the rule set that applied then
    (published), for "above the line this year and the year before"."""
    from dataclasses import replace

    before = selectors.applicable_rule_set(county_code, params.year - 1)
    if before is None:
        return params
    return replace(params, previous_income_line=before.income_line,
                   previous_monitoring_threshold=before.monitoring_threshold)


def execute_run(run: IdentificationRun, echo=None) -> IdentificationRun:
    """Compute a run's results (set-based, one statement per township) and its summary.

    On PostgreSQL, outside a transaction, townships run in parallel on ``FUPIN_RUN_WORKERS``
    connections (one per core by default): each statement is independent and commits on its own.
    """
    params = Params.from_json(run.params)
    chunks = _chunks(run.area_code)
    workers = settings.FUPIN_RUN_WORKERS if connection.vendor == "postgresql" else 1
    if connection.in_atomic_block:
        workers = 1  # other connections would not see this transaction's data

    def compute_chunk(code: str) -> None:
        try:
            with atomic(), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    # JIT compiling this long statement costs more than it saves; hashes fit in memory.
                    cursor.execute("SET LOCAL jit = off")
                    cursor.execute("SET LOCAL work_mem = '256MB'")
                cursor.execute(compute.result_insert_sql(params, code), [run.pk])
        finally:
            if workers > 1:
                connection.close()  # this thread's own connection

    def work(progress: jobs.Progress) -> dict:
        IdentificationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=timezone.now())
        started = time.perf_counter()
        done = 0
        if workers > 1:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                futures = {pool.submit(compute_chunk, code): name for code, name in chunks}
                for future in as_completed(futures):
                    future.result()
                    done += 1
                    progress(round(90 * done / len(chunks)),
                             _("已完成 %(a)s（%(n)d/%(t)d）") % {"a": futures[future], "n": done, "t": len(chunks)})
        else:
            for code, name in chunks:
                compute_chunk(code)
                done += 1
                progress(round(90 * done / len(chunks)),
                         _("已完成 %(a)s（%(n)d/%(t)d）") % {"a": name, "n": done, "t": len(chunks)})
        with atomic(), connection.cursor() as cursor:
            cursor.execute(compute.village_insert_sql(params), [run.pk])
        # a run adds a row per household: the planner's statistics of the results (autovacuum would
        # refresh them later, or never where it is off) so the figures read them by hash, not by sort
        staging.analyze("targeting_identificationresult")
        progress(95, _("汇总"))
        summary = selectors.summarize(run)
        summary["seconds"] = round(time.perf_counter() - started, 2)
        IdentificationRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, finished_at=timezone.now(),
                                                           summary=summary)
        return summary

    job = run.job or jobs.create(kind="targeting.identify", title=str(run), division_code=run.area_code)
    try:
        jobs.execute(job, work, echo=echo)
    except Exception:
        IdentificationRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, finished_at=timezone.now())
        raise
    finally:
        run.refresh_from_db()
    return run


def _chunks(area_code: str) -> list[tuple[str, str]]:
    """The townships of a county, largest first (so parallel workers finish together), or the
    area itself when it is smaller than a county: one statement each."""
    children = dict(Division.objects.filter(parent_code=area_code, level=Level.TOWNSHIP).values_list("code", "name"))
    if not children:
        return [(area_code, Division.objects.get(code=area_code).name)]
    sizes = dict(Household.objects.filter(county_code=area_code[:6]).annotate(
        township=Substr("division_id", 1, 9)).values("township").annotate(n=Count("pk")).values_list("township", "n"))
    return sorted(children.items(), key=lambda item: (-sizes.get(item[0], 0), item[0]))



# --- 规模控制 (scale) ----------------------------------------------------------------------------

SCALE_FIELDS = ("poor_people", "poor_households", "poor_villages")


def _scale_values(values, *, village: bool) -> dict:
    """{field: int or None} from a mapping; raises on negatives, and on a poor-village count for a village."""
    found = {}
    for field in SCALE_FIELDS:
        value = values.get(field)
        if value in ("", None):
            found[field] = None
            continue
        value = int(value)
        if value < 0:
            raise ValidationError({field: _("规模不能为负数。")})
        found[field] = value
    if found["poor_people"] is None:
        raise ValidationError({"poor_people": _("请填写贫困人口规模。")})
    if village and found["poor_villages"] is not None:
        raise ValidationError({"poor_villages": _("村一级不设贫困村规模。")})
    return found


def save_scales(*, actor, area_code: str, year: int, own: dict | None = None,
                children: dict[str, dict] | None = None, note: str = "") -> None:
    """Set an area's scale (the county's own) and its split over its child areas (townships of a
    county, villages of a township) for a year, in one audited change.

    A split is complete and adds up: every child area has a figure, and for each measure set on the
    area the children's figures sum to it exactly. An area below the county gets its own figure only
    from its parent's split."""
    area = Division.objects.filter(code=area_code).first()
    if area is None or area.level not in (Level.COUNTY, Level.TOWNSHIP):
        raise ValidationError(_("规模按县设定，并可分解到乡镇和村。"))
    _authorize(actor, area.code)
    if own is not None and area.level != Level.COUNTY:
        raise ValidationError(_("乡镇的规模由县分解确定。"))
    child_codes = list(Division.objects.filter(parent_code=area.code).served().order_by("code")
                       .values_list("code", flat=True))
    with atomic():
        rows = {s.division_code: s for s in Scale.objects.select_for_update().filter(
            county_code=area.county_code, year=year, division_code__in=[area.code, *child_codes])}
        before = {code: audit.snapshot(s, SCALE_FIELDS) for code, s in rows.items()}
        if own is not None:
            values = _scale_values(own, village=False)
            parent = rows.get(area.code) or Scale(county_code=area.county_code, year=year, division_code=area.code)
            for field, value in values.items():
                setattr(parent, field, value)
            rows[area.code] = parent
        parent = rows.get(area.code)
        if children:
            if parent is None:
                raise ValidationError(_("请先设定%(a)s的规模，再分解。") % {"a": area.name})
            # areas without households (an industrial park listed as a township) need no share
            children = {c: v for c, v in children.items() if c in child_codes or any(v.get(f) for f in SCALE_FIELDS)}
            missing = [c for c in child_codes if c not in children]
            unknown = set(children) - set(child_codes)
            if missing or unknown:
                raise ValidationError(_("分解须包含全部下级区域（缺 %(n)d 个）。") % {"n": len(missing) + len(unknown)})
            parsed = {code: _scale_values(children[code], village=area.level == Level.TOWNSHIP) for code in child_codes}
            problems = []
            for field in SCALE_FIELDS:
                if field == "poor_villages" and area.level == Level.TOWNSHIP:
                    continue  # villages are not split into poor villages
                total = getattr(parent, field)
                given = [v[field] for v in parsed.values() if v[field] is not None]
                if total is None:
                    if given:
                        problems.append(_("%(a)s未设%(f)s，下级不能分解该项。") % {
                            "a": area.name, "f": Scale._meta.get_field(field).verbose_name})
                    continue
                if len(given) != len(parsed) and field != "poor_villages":
                    problems.append(_("%(f)s须为每个下级区域填写。") % {"f": Scale._meta.get_field(field).verbose_name})
                elif sum(given) != total:
                    problems.append(_("%(f)s分解合计 %(s)s，与%(a)s的 %(t)s 不符。") % {
                        "f": Scale._meta.get_field(field).verbose_name, "s": f"{sum(given):,}", "a": area.name,
                        "t": f"{total:,}"})
            if problems:
                raise ValidationError(problems)
            for code, values in parsed.items():
                row = rows.get(code) or Scale(county_code=area.county_code, year=year, division_code=code)
                for field, value in values.items():
                    setattr(row, field, value)
                rows[code] = row
        elif own is not None and any(c in rows for c in child_codes):
            split = [rows[c] for c in child_codes if c in rows]
            for field in SCALE_FIELDS:
                total = getattr(parent, field)
                if total is not None and all(getattr(s, field) is not None for s in split) and \
                        sum(getattr(s, field) for s in split) != total:
                    raise ValidationError(_("下级已有分解，改变%(a)s的规模须同时重新分解。") % {"a": area.name})
        after = {}
        for code, row in rows.items():
            snapshot = audit.snapshot(row, SCALE_FIELDS)
            if before.get(code) != snapshot or row.pk is None:
                row.note = note[:200] or row.note
                row.updated_by = user_or_none(actor)
                row.save()
                after[code] = snapshot
        if after:
            audit.record(actor=actor, verb="scale.set", object_type="targeting.scale", object_id=area.code,
                         county_code=area.county_code, division_code=area.code,
                         summary=_("%(y)s 年%(a)s识别规模%(s)s") % {
                             "y": year, "a": area.name, "s": _("及分解") if children else ""},
                         reason=note, before={c: before[c] for c in after if c in before}, after=after)
