"""Writes of the assistance app. Each function is one recorded change: it checks the actor's
capability and area, validates, saves and writes an audit event in the same transaction.

Who may do what:
- county leaders of townships: county users with MANAGE_ASSISTANCE;
- area plans: cadres with MANAGE_ASSISTANCE in the area; a plan is approved by a higher level
  (the county approves the county's and the townships' plans, a township or the county a
  village's plan);
- household plans and their measures: cadres with MANAGE_ASSISTANCE, and the household's own
  helper (RECORD_VISIT, only for the households assigned to them); household plans are approved
  by a village, township or county cadre;
- visits: RECORD_VISIT, a helper only for their own households.
``actor=SYSTEM`` is the system (the demo).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from fupin.accounts.roles import Cap
from fupin.assistance import rules
from fupin.assistance.models import (
    LEVEL_CODE_LENGTH,
    CountyLeader,
    Measure,
    MeasureStatus,
    Plan,
    PlanLevel,
    PlanStatus,
    Visit,
    VisitPhoto,
)
from fupin.core import audit, clock, uploads
from fupin.core.actions import atomic, is_system, user_or_none
from fupin.core.scope import scope_for
from fupin.divisions.models import Division, Level
from fupin.registry.actions import authorize
from fupin.registry.models import Household

LEADER_FIELDS = ["name", "post", "unit", "phone", "started_on", "ended_on", "end_reason"]
PLAN_FIELDS = ["title", "goals", "approach", "planned_exits", "planned_exit_people", "planned_income"]
PLAN_TRACKED = [*PLAN_FIELDS, "status", "approved_by", "approved_on", "approval_note"]
MEASURE_FIELDS = ["category", "description", "cost", "planned_on", "lead_unit", "income_project", "expected_income"]
MEASURE_TRACKED = [*MEASURE_FIELDS, "status", "done_on", "cancel_reason"]
MAX_PHOTOS = 6

DIVISION_LEVEL = {PlanLevel.COUNTY: Level.COUNTY, PlanLevel.TOWNSHIP: Level.TOWNSHIP, PlanLevel.VILLAGE: Level.VILLAGE}


# --- guards -----------------------------------------------------------------------------------

def _raise(problems: list[tuple[str, str]]) -> None:
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field, []).append(message)
        raise ValidationError(errors)


def holds_above(actor, code: str, *, max_length: int) -> bool:
    """Whether the actor holds a grant over ``code`` at a level of at most ``max_length`` digits."""
    if is_system(actor):
        return True
    return any(code.startswith(p) and len(p) <= max_length for p in scope_for(actor).prefixes)


def authorize_household(actor, household: Household) -> None:
    """Cadres manage the plans of the households in their area; a helper those assigned to them."""
    if not is_system(actor) and actor.can(Cap.MANAGE_ASSISTANCE):
        authorize(actor, Cap.MANAGE_ASSISTANCE, household=household)
    else:
        authorize(actor, Cap.RECORD_VISIT, household=household)


def authorize_plan(actor, plan: Plan) -> None:
    if plan.household_id is not None:
        authorize_household(actor, plan.household)
    else:
        authorize(actor, Cap.MANAGE_ASSISTANCE, division_code=plan.division_code)


def can_approve(actor, plan: Plan) -> bool:
    """The higher level approves: county plans by the county, township plans by the county, village
    plans by the township or the county, household plans by a village, township or county cadre."""
    if is_system(actor):
        return True
    if not actor.can(Cap.MANAGE_ASSISTANCE) or not scope_for(actor).contains_code(plan.division_code):
        return False
    if scope_for(actor).helper_user_id is not None:
        return False
    limit = {PlanLevel.COUNTY: 6, PlanLevel.TOWNSHIP: 6, PlanLevel.VILLAGE: 9, PlanLevel.HOUSEHOLD: 12}[plan.level]
    return holds_above(actor, plan.division_code, max_length=limit)


def _event(actor, verb: str, obj, *, division_code: str, county_code: str, summary: str,
           household_id: int | None = None, before=None, after=None, reason: str = "") -> None:
    audit.record(actor=actor, verb=verb, object_type=f"assistance.{obj._meta.model_name}", object_id=obj.pk,
                 county_code=county_code, division_code=division_code, household_id=household_id,
                 summary=summary, before=before, after=after, reason=reason)


def _user(actor):
    return user_or_none(actor)


# --- county leaders (一乡一个挂点县领导) -----------------------------------------------------

def assign_leader(*, actor, division_code: str, fields: Mapping) -> CountyLeader:
    """Assign a county leader to a township (one at a time: end the current one first)."""
    authorize(actor, Cap.MANAGE_ASSISTANCE, division_code=division_code)
    if not holds_above(actor, division_code, max_length=6):
        raise PermissionDenied(_("挂点县领导由县级指定。"))
    township = Division.objects.filter(code=division_code).first()
    if township is None or township.level != Level.TOWNSHIP:
        raise ValidationError({"division_code": _("乡镇区划代码不存在：%(c)s") % {"c": division_code}})
    data = {k: v for k, v in fields.items() if k in LEADER_FIELDS}
    problems = []
    if not (data.get("name") or "").strip():
        problems.append(("name", _("请填写姓名。")))
    if not (data.get("post") or "").strip():
        problems.append(("post", _("请填写职务。")))
    started = data.get("started_on")
    if started is None:
        problems.append(("started_on", _("请填写挂点开始日期。")))
    elif started > clock.today():
        problems.append(("started_on", _("开始日期不能晚于今天。")))
    if data.get("ended_on") is not None:
        problems.append(("ended_on", _("新指定的挂点领导不能带结束日期，离任请用“结束挂点”。")))
    if CountyLeader.objects.filter(division_code=division_code, ended_on__isnull=True).exists():
        problems.append(("name", _("%(t)s 已有在任挂点县领导，请先登记其结束挂点。") % {"t": township.name}))
    _raise(problems)
    data.pop("ended_on", None)
    data.pop("end_reason", None)
    with atomic():
        leader = CountyLeader.objects.create(county_code=township.county_code, division_code=division_code, **data)
        _event(actor, "assistance.leader.assign", leader, division_code=division_code,
               county_code=township.county_code,
               summary=_("%(t)s 挂点县领导：%(n)s（%(p)s）") % {"t": township.name, "n": leader.name, "p": leader.post},
               after=audit.snapshot(leader, LEADER_FIELDS))
    return leader


def end_leader(*, actor, leader: CountyLeader, ended_on: dt.date, reason: str = "") -> CountyLeader:
    authorize(actor, Cap.MANAGE_ASSISTANCE, division_code=leader.division_code)
    if not holds_above(actor, leader.division_code, max_length=6):
        raise PermissionDenied(_("挂点县领导由县级指定。"))
    if leader.ended_on is not None:
        raise ValidationError(_("该挂点已结束。"))
    if ended_on < leader.started_on:
        raise ValidationError({"ended_on": _("结束日期不能早于开始日期。")})
    if ended_on > clock.today():
        raise ValidationError({"ended_on": _("结束日期不能晚于今天。")})
    with atomic():
        leader.ended_on = ended_on
        leader.end_reason = reason[:200]
        leader.save(update_fields=["ended_on", "end_reason"])
        _event(actor, "assistance.leader.end", leader, division_code=leader.division_code,
               county_code=leader.county_code, summary=_("%(n)s 结束挂点") % {"n": leader.name},
               before={"ended_on": None}, after={"ended_on": ended_on.isoformat(), "end_reason": leader.end_reason},
               reason=reason)
    return leader


# --- plans (一村一策、一户一法) ------------------------------------------------------------------

def _check_plan_fields(data: Mapping, level: str) -> list[tuple[str, str]]:
    problems = []
    if not (data.get("title") or "").strip():
        problems.append(("title", _("请填写标题。")))
    income = data.get("planned_income")
    if income is not None and income < 0:
        problems.append(("planned_income", _("计划收入不能为负数。")))
    if level == PlanLevel.HOUSEHOLD and (data.get("planned_exits") or data.get("planned_exit_people")):
        problems.append(("planned_exits", _("户帮扶计划不填写计划脱贫户数、人数。")))
    if data.get("planned_exits") and data.get("planned_exit_people") is not None \
            and data["planned_exit_people"] < data["planned_exits"]:
        problems.append(("planned_exit_people", _("计划脱贫人数不能少于户数。")))
    return problems


def _check_year(year: int) -> None:
    if not isinstance(year, int) or year < 2014 or year > clock.today().year + 1:
        raise ValidationError({"year": _("年度须在 2014 年至明年之间。")})


def create_plan(*, actor, level: str, year: int, division_code: str = "", household: Household | None = None,
                fields: Mapping) -> Plan:
    """A year's plan of the county, a township, a village, or a household (then ``household`` is given)."""
    if level not in PlanLevel.values:
        raise ValidationError({"level": _("请选择计划层级。")})
    _check_year(year)
    if level == PlanLevel.HOUSEHOLD:
        if household is None:
            raise ValidationError({"household": _("户帮扶计划须指定户。")})
        authorize_household(actor, household)
        if not household.is_active:
            raise ValidationError(_("已销户的户不能制定帮扶计划。"))
        division_code = household.division_id
        county_code = household.county_code
        clash = Plan.objects.filter(county_code=county_code, year=year, household=household)
    else:
        if household is not None:
            raise ValidationError({"level": _("只有户帮扶计划指定户。")})
        authorize(actor, Cap.MANAGE_ASSISTANCE, division_code=division_code)
        division = Division.objects.filter(code=division_code).first()
        if division is None or division.level != DIVISION_LEVEL[level] \
                or len(division_code) != LEVEL_CODE_LENGTH[level]:
            raise ValidationError({"division_code": _("%(l)s须对应%(n)s位区划代码。") % {
                "l": PlanLevel(level).label, "n": LEVEL_CODE_LENGTH[level]}})
        county_code = division.county_code or division_code[:6]
        clash = Plan.objects.filter(county_code=county_code, year=year, level=level, division_code=division_code,
                                    household__isnull=True)
    data = {k: fields.get(k) for k in PLAN_FIELDS if k in fields}
    problems = _check_plan_fields(data, level)
    if clash.exists():
        problems.append(("year", _("%(y)s 年度已有该计划，请打开修改。") % {"y": year}))
    _raise(problems)
    data = {k: ("" if v is None and k in ("goals", "approach") else v) for k, v in data.items()}
    with atomic():
        plan = Plan.objects.create(county_code=county_code, year=year, level=level, division_code=division_code,
                                   household=household, created_by=_user(actor), **data)
        _event(actor, "assistance.plan.create", plan, division_code=division_code, county_code=county_code,
               household_id=plan.household_id,
               summary=_("制定%(l)s：%(t)s") % {"l": PlanLevel(level).label, "t": plan.title},
               after=audit.snapshot(plan, PLAN_FIELDS))
    return plan


def _reopen(plan: Plan) -> None:
    """A change to an approved plan sends it back for approval."""
    if plan.status == PlanStatus.APPROVED:
        plan.status = PlanStatus.DRAFT
        plan.approved_by = None
        plan.approved_on = None
        plan.approval_note = ""


def update_plan(*, actor, plan: Plan, changes: Mapping, reason: str = "") -> Plan:
    authorize_plan(actor, plan)
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    before = audit.snapshot(plan, PLAN_TRACKED)
    merged = {**audit.snapshot(plan, PLAN_FIELDS), **changes}
    merged["planned_income"] = changes.get("planned_income", plan.planned_income)
    _raise(_check_plan_fields(merged, plan.level))
    for name, value in changes.items():
        setattr(plan, name, "" if value is None and name in ("goals", "approach") else value)
    old, new = audit.diff(before, audit.snapshot(plan, PLAN_TRACKED))
    if not new:
        return plan
    _reopen(plan)
    old, new = audit.diff(before, audit.snapshot(plan, PLAN_TRACKED))
    with atomic():
        plan.save()
        _event(actor, "assistance.plan.update", plan, division_code=plan.division_code, county_code=plan.county_code,
               household_id=plan.household_id, summary=_("修改计划：%(t)s") % {"t": plan.title},
               before=old, after=new, reason=reason)
    return plan


def approve_plan(*, actor, plan: Plan, note: str = "") -> Plan:
    if plan.household_id is None:
        authorize(actor, Cap.MANAGE_ASSISTANCE, division_code=plan.division_code)
    else:
        authorize(actor, Cap.MANAGE_ASSISTANCE, household=plan.household)
    if not can_approve(actor, plan):
        raise PermissionDenied(_("该计划须由上一级审定。"))
    if plan.status == PlanStatus.APPROVED:
        raise ValidationError(_("该计划已审定。"))
    live = plan.measures.filter(status__in=[MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS, MeasureStatus.DONE])
    if plan.level == PlanLevel.HOUSEHOLD and not live.exists():
        raise ValidationError(_("户帮扶计划至少要有一项帮扶措施才能审定。"))
    if plan.level != PlanLevel.HOUSEHOLD and not plan.goals.strip():
        raise ValidationError(_("请先填写目标任务再审定。"))
    before = audit.snapshot(plan, PLAN_TRACKED)
    with atomic():
        plan.status = PlanStatus.APPROVED
        plan.approved_by = _user(actor)
        plan.approved_on = clock.today()
        plan.approval_note = note[:300]
        plan.save()
        old, new = audit.diff(before, audit.snapshot(plan, PLAN_TRACKED))
        _event(actor, "assistance.plan.approve", plan, division_code=plan.division_code,
               county_code=plan.county_code, household_id=plan.household_id,
               summary=_("审定计划：%(t)s") % {"t": plan.title}, before=old, after=new, reason=note)
    return plan


# --- measures ---------------------------------------------------------------------------------

def _measure_data(fields: Mapping) -> dict:
    data = {k: fields.get(k) for k in MEASURE_FIELDS if k in fields}
    data["income_project"] = bool(data.get("income_project"))
    if data.get("cost") is None:
        data["cost"] = 0
    for k in ("description", "lead_unit"):
        data[k] = (data.get(k) or "").strip()
    return data


def add_measure(*, actor, plan: Plan, fields: Mapping) -> Measure:
    authorize_plan(actor, plan)
    data = _measure_data(fields)
    _raise(rules.check_measure(data, household_level=plan.level == PlanLevel.HOUSEHOLD, today=clock.today()))
    with atomic():
        measure = Measure.objects.create(county_code=plan.county_code, division_code=plan.division_code, plan=plan,
                                         household_id=plan.household_id, year=plan.year, created_by=_user(actor),
                                         **data)
        if plan.status == PlanStatus.APPROVED:
            _reopen(plan)
            plan.save()
        _event(actor, "assistance.measure.add", measure, division_code=plan.division_code,
               county_code=plan.county_code, household_id=plan.household_id,
               summary=_("增加%(k)s措施：%(d)s") % {"k": measure.get_category_display(), "d": measure.description}
               + (_("（增收项目）") if measure.income_project else ""),
               after=audit.snapshot(measure, MEASURE_FIELDS))
    return measure


def update_measure(*, actor, measure: Measure, changes: Mapping) -> Measure:
    plan = measure.plan
    authorize_plan(actor, plan)
    if measure.status == MeasureStatus.CANCELLED:
        raise ValidationError(_("已取消的措施不能修改。"))
    unknown = set(changes) - set(MEASURE_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    before = audit.snapshot(measure, MEASURE_TRACKED)
    data = {**{k: getattr(measure, k) for k in MEASURE_FIELDS}, "status": measure.status, "done_on": measure.done_on}
    data.update(_measure_data({**{k: getattr(measure, k) for k in MEASURE_FIELDS}, **changes}))
    _raise(rules.check_measure(data, household_level=plan.level == PlanLevel.HOUSEHOLD, today=clock.today()))
    for name in MEASURE_FIELDS:
        setattr(measure, name, data[name])
    old, new = audit.diff(before, audit.snapshot(measure, MEASURE_TRACKED))
    if not new:
        return measure
    with atomic():
        measure.save()
        if plan.status == PlanStatus.APPROVED:
            _reopen(plan)
            plan.save()
        _event(actor, "assistance.measure.update", measure, division_code=measure.division_code,
               county_code=measure.county_code, household_id=measure.household_id,
               summary=_("修改措施：%(d)s") % {"d": measure.description}, before=old, after=new)
    return measure


def set_measure_status(*, actor, measure: Measure, status: str, done_on: dt.date | None = None,
                       reason: str = "") -> Measure:
    """Move a measure on: planned -> in progress -> done (with its date), or cancel it with a reason."""
    authorize_plan(actor, measure.plan)
    if status not in MeasureStatus.values:
        raise ValidationError({"status": _("请选择状态。")})
    if measure.status in (MeasureStatus.DONE, MeasureStatus.CANCELLED):
        raise ValidationError(_("措施已%(s)s，不能再变更。") % {"s": measure.get_status_display()})
    if status == measure.status:
        raise ValidationError({"status": _("状态没有变化。")})
    if status == MeasureStatus.PLANNED:
        raise ValidationError({"status": _("措施不能退回计划状态。")})
    if status == MeasureStatus.CANCELLED and not reason.strip():
        raise ValidationError({"reason": _("取消措施须说明原因。")})
    data = {**{k: getattr(measure, k) for k in MEASURE_FIELDS}, "status": status,
            "done_on": done_on if status == MeasureStatus.DONE else None}
    _raise(rules.check_measure(data, household_level=measure.plan.level == PlanLevel.HOUSEHOLD, today=clock.today()))
    before = audit.snapshot(measure, MEASURE_TRACKED)
    with atomic():
        measure.status = status
        measure.done_on = data["done_on"]
        if status == MeasureStatus.CANCELLED:
            measure.cancel_reason = reason.strip()[:200]
        measure.save()
        old, new = audit.diff(before, audit.snapshot(measure, MEASURE_TRACKED))
        _event(actor, f"assistance.measure.{'cancel' if status == MeasureStatus.CANCELLED else 'progress'}", measure,
               division_code=measure.division_code, county_code=measure.county_code, household_id=measure.household_id,
               summary=_("措施“%(d)s”：%(s)s") % {"d": measure.description, "s": MeasureStatus(status).label},
               before=old, after=new, reason=reason)
    return measure


# --- visits -----------------------------------------------------------------------------------

def record_visit(*, actor, household: Household, visited_on: dt.date, notes: str, findings: str = "",
                 actions_taken: str = "", photos: Iterable[tuple[str, bytes]] = ()) -> Visit:
    """Record a visit with its photos (JPEG, PNG or WebP, checked by content and size)."""
    authorize(actor, Cap.RECORD_VISIT, household=household)
    photos = list(photos)
    problems = []
    if visited_on is None:
        problems.append(("visited_on", _("请填写走访日期。")))
    elif visited_on > clock.today():
        problems.append(("visited_on", _("走访日期不能晚于今天。")))
    elif visited_on.year < 2014:
        problems.append(("visited_on", _("走访日期有误。")))
    if not (notes or "").strip():
        problems.append(("notes", _("请填写走访情况。")))
    if not household.is_active:
        problems.append(("notes", _("已销户的户不能登记走访。")))
    if len(photos) > MAX_PHOTOS:
        problems.append(("photos", _("每次走访最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS}))
    kinds = []
    for name, content in photos:
        kind, message = rules.check_photo(name, content, max_mb=settings.FUPIN_MAX_UPLOAD_MB)
        if kind is None:
            problems.append(("photos", message))
        else:
            try:
                uploads.check_image(content)  # the pixel count, from the header
            except ValidationError as exc:
                problems.append(("photos", _("照片“%(n)s”：%(m)s") % {"n": name, "m": "；".join(exc.messages)}))
        kinds.append(kind)
    _raise(problems)
    visitor = _user(actor)
    with atomic():
        visit = Visit.objects.create(
            county_code=household.county_code, division_code=household.division_id, household=household,
            visited_on=visited_on, visitor=visitor,
            visitor_name=(getattr(visitor, "full_name", "") or getattr(visitor, "username", "")) if visitor else "系统",
            notes=notes.strip(), findings=(findings or "").strip(), actions_taken=(actions_taken or "").strip())
        for (name, content), kind in zip(photos, kinds, strict=True):
            photo = VisitPhoto(county_code=household.county_code, visit=visit, original_name=name[:200],
                               content_type=rules.IMAGE_TYPES[kind], size=len(content),
                               sha256=hashlib.sha256(content).hexdigest(),
                               stored_name=f"{uuid.uuid4().hex}.{rules.EXTENSIONS[kind]}")
            photo.file.save(photo.stored_name, ContentFile(content), save=False)
            photo.save()
        _event(actor, "assistance.visit.record", visit, division_code=household.division_id,
               county_code=household.county_code, household_id=household.pk,
               summary=_("入户走访 %(d)s（%(n)d 张照片）") % {"d": visited_on.isoformat(), "n": len(photos)},
               after={"visited_on": visited_on.isoformat(), "notes": visit.notes[:200],
                      "findings": visit.findings[:200], "actions_taken": visit.actions_taken[:200]})
    return visit
