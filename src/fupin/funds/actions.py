"""Writes of the funds app. Each function is one audited change in one transaction: it checks the
capability and the area, validates, writes, and records an audit event. On any refusal it raises
(ValidationError with a Chinese message, or PermissionDenied) and nothing is written.

The sums that must never be exceeded are checked under row locks: allocating locks the source and
the project, disbursing locks the allocation, and each re-sums inside the lock, so concurrent
requests serialise (on SQLite every transaction is IMMEDIATE, which serialises them as well).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.accounts.roles import Cap
from fupin.core import audit, clock
from fupin.core.actions import atomic, is_system, lock, user_or_none
from fupin.core.actions import authorize as core_authorize
from fupin.core.scope import scope_for
from fupin.divisions.models import Division, Level
from fupin.funds.models import (
    FUNDABLE,
    HOUSEHOLD_MODES,
    ZERO,
    Allocation,
    Disbursement,
    DisbursementMode,
    FundRule,
    FundSource,
    Project,
    ProjectBeneficiary,
    ProjectStatus,
    ProjectStep,
    ProjectType,
    RecordStatus,
    SourceKind,
)
from fupin.funds.sums import total
from fupin.registry import codes
from fupin.registry.models import Household

FEN = Decimal("0.01")
SOURCE_FIELDS = ["year", "kind", "department", "name", "document_no", "amount", "received_on", "note"]
PROJECT_FIELDS = ["code", "name", "type", "budget", "lead_unit", "cooperating_units", "starts_on", "ends_on",
                  "description", "village_wide"]
# Who a household-level poverty project may benefit (建档立卡 and monitored households), unless the
# project is marked village-wide.
BENEFICIARY_TYPES = (codes.HouseholdType.POOR, codes.HouseholdType.EXITED, codes.HouseholdType.MONITORED)


# --- guards and small helpers ------------------------------------------------------------------

def _can(actor, capability: str) -> bool:
    return is_system(actor) or actor.can(capability)


def _authorize(actor, capability: str, code: str) -> None:
    """The actor has the capability and ``code`` lies in the actor's area."""
    core_authorize(actor, capability=capability, area=code)


def money(value, field: str = "amount", *, positive: bool = True) -> Decimal:
    """A yuan amount with at most two decimals (fen), as an exact Decimal; never a float."""
    if isinstance(value, float):
        raise ValidationError({field: _("金额须为精确的十进制数，不能是浮点数。")})
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("金额格式不正确：%(v)s") % {"v": value}}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("金额格式不正确：%(v)s") % {"v": value}})
    if amount != amount.quantize(FEN):
        raise ValidationError({field: _("金额最多保留两位小数（到分）。")})
    if positive and amount <= 0:
        raise ValidationError({field: _("金额须大于 0。")})
    if amount < 0:
        raise ValidationError({field: _("金额不能为负数。")})
    if abs(amount) >= Decimal("1e12"):
        raise ValidationError({field: _("金额过大。")})
    return amount.quantize(FEN)


def yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def _division(code: str, field: str = "division_code") -> Division:
    division = Division.objects.filter(code=code).first()
    if division is None or division.level not in (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE):
        raise ValidationError({field: _("区划代码不存在或不是县、乡镇、村：%(c)s") % {"c": code}})
    return division


def _event(actor, verb: str, obj, *, division_code: str, summary: str, household_id=None, before=None,
           after=None, reason: str = "") -> None:
    audit.record(actor=actor, verb=f"funds.{verb}", object_type=f"funds.{obj._meta.model_name}", object_id=obj.pk,
                 county_code=obj.county_code, division_code=division_code, household_id=household_id,
                 summary=summary, reason=reason, before=before, after=after)


def _user(actor):
    return user_or_none(actor)


# --- fund sources --------------------------------------------------------------------------------

def _clean_source(data: dict) -> dict:
    errors = {}
    if data.get("kind") not in SourceKind.values:
        errors["kind"] = [_("请选择资金类别。")]
    if data.get("kind") == SourceKind.DEPARTMENT and not data.get("department"):
        errors["department"] = [_("部门资金须注明部门。")]
    if data.get("kind") != SourceKind.DEPARTMENT:
        data["department"] = ""
    if not str(data.get("name") or "").strip():
        errors["name"] = [_("请填写资金名称。")]
    year = data.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = [_("年度须为四位年份。")]
    try:
        data["amount"] = money(data.get("amount"))
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    return data


@atomic()
def create_source(*, actor, county_code: str, fields: Mapping) -> FundSource:
    """Record a year's fund received by the county (document number, amount, date)."""
    _authorize(actor, Cap.MANAGE_FUNDS, county_code)
    if len(county_code) != 6 or not Division.objects.filter(code=county_code, level=Level.COUNTY).exists():
        raise ValidationError(_("县级区划代码不存在：%(c)s") % {"c": county_code})
    data = _clean_source({k: fields.get(k) for k in SOURCE_FIELDS})
    data = {k: ("" if v is None and k in ("department", "document_no", "note") else v) for k, v in data.items()}
    source = FundSource.objects.create(county_code=county_code, division_code=county_code,
                                       created_by=_user(actor), **data)
    _event(actor, "source.create", source, division_code=county_code,
           summary=_("登记资金：%(n)s %(a)s 元") % {"n": source.name, "a": yuan(source.amount)},
           after=audit.snapshot(source, SOURCE_FIELDS))
    return source


def _allocated_from(source: FundSource) -> Decimal:
    return source.allocations.filter(status=RecordStatus.ACTIVE).aggregate(s=total())["s"]


@atomic()
def update_source(*, actor, source: FundSource, changes: Mapping) -> FundSource:
    _authorize(actor, Cap.MANAGE_FUNDS, source.division_code)
    source = lock(source)
    if source.status != RecordStatus.ACTIVE:
        raise ValidationError(_("已撤销的资金来源不能修改。"))
    before = audit.snapshot(source, SOURCE_FIELDS)
    data = _clean_source({k: changes.get(k, getattr(source, k)) for k in SOURCE_FIELDS})
    allocated = _allocated_from(source)
    if data["amount"] < allocated:
        raise ValidationError({"amount": _("已分配 %(a)s 元，金额不能少于已分配额。") % {"a": yuan(allocated)}})
    if data["year"] != source.year and source.allocations.exists():
        raise ValidationError({"year": _("已有分配的资金不能改变年度。")})
    for k, v in data.items():
        setattr(source, k, "" if v is None and k in ("department", "document_no", "note") else v)
    source.save()
    b, a = audit.diff(before, audit.snapshot(source, SOURCE_FIELDS))
    if a:
        _event(actor, "source.update", source, division_code=source.division_code,
               summary=_("修改资金来源：%(n)s") % {"n": source.name}, before=b, after=a)
    return source


@atomic()
def cancel_source(*, actor, source: FundSource, reason: str) -> FundSource:
    _authorize(actor, Cap.MANAGE_FUNDS, source.division_code)
    source = lock(source)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤销原因。")})
    if source.status != RecordStatus.ACTIVE:
        raise ValidationError(_("该资金来源已撤销。"))
    if source.allocations.filter(status=RecordStatus.ACTIVE).exists():
        raise ValidationError(_("该资金已有分配，请先撤销分配。"))
    source.status, source.status_reason = RecordStatus.CANCELLED, reason.strip()[:300]
    source.save(update_fields=["status", "status_reason"])
    _event(actor, "source.cancel", source, division_code=source.division_code, reason=reason,
           summary=_("撤销资金来源：%(n)s") % {"n": source.name}, after={"status": source.status})
    return source


# --- the project library -------------------------------------------------------------------------

def next_project_code(county_code: str, year: int) -> str:
    prefix = f"{year}-"
    taken = Project.objects.filter(county_code=county_code, code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(c[len(prefix):]) for c in taken if c[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def _clean_project(data: dict, county_code: str, *, exclude: int | None = None) -> dict:
    errors = {}
    if data.get("type") not in ProjectType.values:
        errors["type"] = [_("请选择项目类型。")]
    for field, message in (("name", _("请填写项目名称。")), ("lead_unit", _("请填写牵头单位。"))):
        if not str(data.get(field) or "").strip():
            errors[field] = [message]
    try:
        data["budget"] = money(data.get("budget"), "budget")
    except ValidationError as exc:
        errors.update(exc.error_dict)
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if starts and ends and ends < starts:
        errors["ends_on"] = [_("计划完成日期不能早于开工日期。")]
    code = str(data.get("code") or "").strip()
    if code:
        clash = Project.objects.filter(county_code=county_code, code=code)
        if exclude:
            clash = clash.exclude(pk=exclude)
        if clash.exists():
            errors["code"] = [_("项目编号 %(c)s 已被使用。") % {"c": code}]
    data["code"] = code
    for k in ("cooperating_units", "description"):
        data[k] = data.get(k) or ""
    data["village_wide"] = bool(data.get("village_wide"))
    if errors:
        raise ValidationError(errors)
    return data


def _step(actor, project: Project, from_status: str, to_status: str, note: str = "") -> ProjectStep:
    return ProjectStep.objects.create(county_code=project.county_code, project=project, from_status=from_status,
                                      to_status=to_status, note=note, actor=_user(actor),
                                      actor_label=audit.actor_label(actor), acted_at=clock.now())


@atomic()
def declare_project(*, actor, division_code: str, year: int, fields: Mapping) -> Project:
    """Put a project into the library (申报) for a county, a township or a village."""
    _authorize(actor, Cap.PROPOSE_PROJECT if not _can(actor, Cap.MANAGE_FUNDS) else Cap.MANAGE_FUNDS,
               division_code)
    division = _division(division_code)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年度须为四位年份。")})
    county_code = division.code[:6]
    data = _clean_project({k: fields.get(k) for k in PROJECT_FIELDS}, county_code)
    data["code"] = data["code"] or next_project_code(county_code, year)
    project = Project.objects.create(county_code=county_code, division_code=division.code, year=year,
                                     status=ProjectStatus.DECLARED, created_by=_user(actor), **data)
    _step(actor, project, "", ProjectStatus.DECLARED, _("申报"))
    _event(actor, "project.declare", project, division_code=project.division_code,
           summary=_("申报项目：%(c)s %(n)s，预算 %(b)s 元") % {"c": project.code, "n": project.name,
                                                           "b": yuan(project.budget)},
           after={**audit.snapshot(project, PROJECT_FIELDS), "year": year, "division_code": project.division_code})
    return project


def _allocated_to(project: Project) -> Decimal:
    return project.allocations.filter(status=RecordStatus.ACTIVE).aggregate(s=total())["s"]


def can_edit_project(actor, project: Project) -> bool:
    if project.status in (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED):
        return False
    if not scope_for(actor).contains_code(project.division_code):
        return False
    if actor.can(Cap.MANAGE_FUNDS):
        return True
    return actor.can(Cap.PROPOSE_PROJECT) and project.status in (ProjectStatus.DECLARED, ProjectStatus.REJECTED)


@atomic()
def update_project(*, actor, project: Project, changes: Mapping) -> Project:
    """Correct a project. The declarer may edit it until approved; the finance office until complete.
    The budget never drops below what is already allocated."""
    project = lock(project)
    if not is_system(actor) and not can_edit_project(actor, project):
        raise PermissionDenied(_("您不能修改该项目（项目状态或您的权限不允许）。"))
    before = audit.snapshot(project, PROJECT_FIELDS)
    data = _clean_project({k: changes.get(k, getattr(project, k)) for k in PROJECT_FIELDS}, project.county_code,
                          exclude=project.pk)
    data["code"] = data["code"] or project.code
    allocated = _allocated_to(project)
    if data["budget"] < allocated:
        raise ValidationError({"budget": _("已分配 %(a)s 元，预算不能少于已分配额。") % {"a": yuan(allocated)}})
    if not data["village_wide"]:
        others = (ProjectBeneficiary.objects.filter(project=project).exclude(household__household_type__in=BENEFICIARY_TYPES)
                  .values_list("household__household_code", flat=True)[:5])
        if others:
            raise ValidationError({"village_wide": _("受益户中有非建档立卡、非监测户（%(c)s），项目须保持“惠及全村”。") % {
                "c": "、".join(others)}})
    for k, v in data.items():
        setattr(project, k, v)
    project.save()
    b, a = audit.diff(before, audit.snapshot(project, PROJECT_FIELDS))
    if a:
        _event(actor, "project.update", project, division_code=project.division_code,
               summary=_("修改项目：%(c)s") % {"c": project.code}, before=b, after=a)
    return project


@dataclass(frozen=True)
class Transition:
    key: str
    label: object
    sources: tuple[str, ...]
    target: str
    capability: str
    needs_reason: bool = False
    danger: bool = False


TRANSITIONS = {t.key: t for t in (
    Transition("approve", gettext_lazy("审批通过"), (ProjectStatus.DECLARED,), ProjectStatus.APPROVED,
               Cap.MANAGE_FUNDS),
    Transition("reject", gettext_lazy("驳回"), (ProjectStatus.DECLARED,), ProjectStatus.REJECTED, Cap.MANAGE_FUNDS,
               needs_reason=True, danger=True),
    Transition("start", gettext_lazy("开始实施"), (ProjectStatus.APPROVED,), ProjectStatus.IMPLEMENTING,
               Cap.MANAGE_FUNDS),
    Transition("accept", gettext_lazy("验收通过"), (ProjectStatus.IMPLEMENTING,), ProjectStatus.ACCEPTED,
               Cap.MANAGE_FUNDS),
    Transition("complete", gettext_lazy("确认完成"), (ProjectStatus.ACCEPTED,), ProjectStatus.COMPLETED,
               Cap.MANAGE_FUNDS),
    Transition("resubmit", gettext_lazy("重新申报"), (ProjectStatus.REJECTED,), ProjectStatus.DECLARED,
               Cap.PROPOSE_PROJECT),
    Transition("withdraw", gettext_lazy("撤回申报"), (ProjectStatus.DECLARED,), ProjectStatus.CANCELLED,
               Cap.PROPOSE_PROJECT, needs_reason=True, danger=True),
    Transition("cancel", gettext_lazy("撤销项目"), (ProjectStatus.APPROVED, ProjectStatus.IMPLEMENTING),
               ProjectStatus.CANCELLED, Cap.MANAGE_FUNDS, needs_reason=True, danger=True),
)}


def allowed_transitions(actor, project: Project) -> list[Transition]:
    """The transitions this user may take on this project now (the buttons on its page)."""
    if not scope_for(actor).contains_code(project.division_code):
        return []
    return [t for t in TRANSITIONS.values() if project.status in t.sources and actor.can(t.capability)]


@atomic()
def transition(*, actor, project: Project, key: str, note: str = "") -> Project:
    """Move a project along 申报 → 审批 → 实施 → 验收 → 完成, or reject / cancel it with a reason."""
    step = TRANSITIONS.get(key)
    if step is None:
        raise ValidationError(_("未知的操作：%(k)s") % {"k": key})
    _authorize(actor, step.capability, project.division_code)
    project = lock(project)
    if project.status not in step.sources:
        raise ValidationError(_("项目当前为“%(s)s”，不能“%(t)s”。") % {
            "s": ProjectStatus(project.status).label, "t": step.label})
    note = (note or "").strip()
    if step.needs_reason and not note:
        raise ValidationError({"note": _("请填写%(t)s的原因。") % {"t": step.label}})
    if step.target == ProjectStatus.CANCELLED and project.allocations.filter(status=RecordStatus.ACTIVE).exists():
        raise ValidationError(_("项目已有资金分配，请先撤销分配再撤销项目。"))
    before = project.status
    project.status = step.target
    if step.needs_reason or step.target == ProjectStatus.DECLARED:
        project.status_reason = note[:300] if step.needs_reason else ""
    project.save(update_fields=["status", "status_reason", "updated_at"])
    _step(actor, project, before, step.target, note)
    _event(actor, f"project.{key}", project, division_code=project.division_code, reason=note,
           summary=_("项目 %(c)s：%(t)s") % {"c": project.code, "t": step.label},
           before={"status": before}, after={"status": project.status})
    return project


def _in_area(household: Household, code: str) -> bool:
    return household.division_id.startswith(code)


@atomic()
def add_beneficiaries(*, actor, project: Project, household_codes: Iterable[str],
                      planned_amount=ZERO) -> list[ProjectBeneficiary]:
    """Add households (by household code) to a project's beneficiaries; all or nothing."""
    cap = Cap.MANAGE_FUNDS if _can(actor, Cap.MANAGE_FUNDS) else Cap.PROPOSE_PROJECT
    _authorize(actor, cap, project.division_code)
    project = lock(project)
    if project.status in (ProjectStatus.COMPLETED, ProjectStatus.REJECTED, ProjectStatus.CANCELLED):
        raise ValidationError(_("项目已%(s)s，不能再增加受益户。") % {"s": ProjectStatus(project.status).label})
    if cap == Cap.PROPOSE_PROJECT and project.status != ProjectStatus.DECLARED:
        raise PermissionDenied(_("项目审批后由财政部门调整受益户。"))
    planned = money(planned_amount, "planned_amount", positive=False)
    wanted = list(dict.fromkeys(c.strip() for c in household_codes if c and c.strip()))
    if not wanted:
        raise ValidationError({"household_codes": _("请填写户编号。")})
    found = {h.household_code: h for h in Household.objects.filter(county_code=project.county_code,
                                                                   household_code__in=wanted)}
    problems = []
    for code in wanted:
        household = found.get(code)
        if household is None:
            problems.append(_("户编号不存在：%(c)s") % {"c": code})
        elif not household.is_active:
            problems.append(_("%(c)s 已销户") % {"c": code})
        elif not _in_area(household, project.division_code):
            problems.append(_("%(c)s 不在项目实施区域内") % {"c": code})
        elif not is_system(actor) and not scope_for(actor).contains_code(household.division_id):
            problems.append(_("%(c)s 不在您的管辖范围内") % {"c": code})
        elif not project.village_wide and household.household_type not in BENEFICIARY_TYPES:
            problems.append(_("%(c)s 是%(t)s：到户扶贫项目的受益户须为建档立卡户或监测户"
                              "（村内公共项目请标为“惠及全村”）") % {"c": code, "t": household.get_household_type_display()})
    already = set(ProjectBeneficiary.objects.filter(project=project, household__household_code__in=wanted)
                  .values_list("household__household_code", flat=True))
    problems += [_("%(c)s 已是本项目受益户") % {"c": c} for c in wanted if c in already]
    if problems:
        raise ValidationError({"household_codes": problems})
    rows = ProjectBeneficiary.objects.bulk_create([
        ProjectBeneficiary(county_code=project.county_code, division_code=found[c].division_id, project=project,
                           household=found[c], planned_amount=planned) for c in wanted])
    for row in rows:
        audit.record(actor=actor, verb="funds.beneficiary.add", object_type="funds.project", object_id=project.pk,
                     county_code=project.county_code, division_code=row.division_code, household_id=row.household_id,
                     summary=_("项目 %(p)s 增加受益户 %(h)s") % {"p": project.code, "h": row.household.household_code},
                     after={"household": row.household_id, "planned_amount": audit.json_value(planned)})
    return rows


# --- allocations ---------------------------------------------------------------------------------

@atomic()
def allocate(*, actor, source: FundSource, project: Project, amount, division_code: str = "",
             household: Household | None = None, purpose: str = "", allocated_on: dt.date | None = None) -> Allocation:
    """Give money of a source to an approved project, optionally to one village and/or household.

    Never more than the source holds nor more than the project's budget (both re-summed under locks)."""
    _authorize(actor, Cap.MANAGE_FUNDS, project.division_code)
    amount = money(amount)
    # lock in a fixed order (source, then project) so two allocations cannot deadlock
    source = lock(source)
    project = lock(project)
    if source.county_code != project.county_code:
        raise ValidationError({"source": _("资金来源与项目不属于同一个县。")})
    if source.status != RecordStatus.ACTIVE:
        raise ValidationError({"source": _("该资金来源已撤销。")})
    if source.year != project.year:
        raise ValidationError({"source": _("%(s)s 年度的资金只能分配给同年度的项目（项目为 %(p)s 年度）。") % {
            "s": source.year, "p": project.year}})
    if project.status not in FUNDABLE:
        raise ValidationError({"project": _("项目处于“%(s)s”状态，审批通过后才能分配资金。") % {
            "s": ProjectStatus(project.status).label}})
    target = project.division_code
    division_code = (division_code or "").strip()
    if division_code:
        village = _division(division_code)
        if village.level != Level.VILLAGE:
            raise ValidationError({"division_code": _("到村分配须选择一个村（12 位区划代码）。")})
        if not village.code.startswith(project.division_code):
            raise ValidationError({"division_code": _("该村不在项目实施区域内。")})
        target = village.code
    if household is not None:
        if not ProjectBeneficiary.objects.filter(project=project, household=household).exists():
            raise ValidationError({"household": _("%(h)s 不是本项目的受益户。") % {"h": household.household_code}})
        if division_code and household.division_id != target:
            raise ValidationError({"household": _("%(h)s 不在所选的村。") % {"h": household.household_code}})
        target = household.division_id
    from_source = _allocated_from(source)
    if from_source + amount > source.amount:
        raise ValidationError({"amount": _("超出资金来源余额：%(n)s 共 %(t)s 元，已分配 %(a)s 元，可分配 %(r)s 元。") % {
            "n": source.name, "t": yuan(source.amount), "a": yuan(from_source), "r": yuan(source.amount - from_source)}})
    to_project = _allocated_to(project)
    if to_project + amount > project.budget:
        raise ValidationError({"amount": _("超出项目预算：预算 %(b)s 元，已分配 %(a)s 元，还可分配 %(r)s 元。") % {
            "b": yuan(project.budget), "a": yuan(to_project), "r": yuan(project.budget - to_project)}})
    allocation = Allocation.objects.create(
        county_code=project.county_code, division_code=target, year=project.year, source=source, project=project,
        household=household, amount=amount, purpose=(purpose or "")[:300], allocated_on=allocated_on or clock.today(),
        created_by=_user(actor))
    _event(actor, "allocation.create", allocation, division_code=target,
           household_id=household.pk if household else None,
           summary=_("分配资金 %(a)s 元：%(s)s → %(p)s") % {"a": yuan(amount), "s": source.name, "p": project.code},
           after={"source": source.pk, "project": project.pk, "division_code": target,
                  "household": household.pk if household else None, "amount": audit.json_value(amount)})
    return allocation


def disbursed_of(allocation: Allocation) -> Decimal:
    return allocation.disbursements.aggregate(s=total())["s"]


@atomic()
def cancel_allocation(*, actor, allocation: Allocation, reason: str) -> Allocation:
    """Withdraw an allocation made by mistake; only while nothing (net) has been paid from it."""
    _authorize(actor, Cap.MANAGE_FUNDS, allocation.division_code)
    allocation = lock(allocation)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写撤销原因。")})
    if not allocation.is_active:
        raise ValidationError(_("该分配已撤销。"))
    paid = disbursed_of(allocation)
    if paid != ZERO:
        raise ValidationError(_("该分配已支付 %(a)s 元，请先冲销支付。") % {"a": yuan(paid)})
    allocation.status, allocation.status_reason = RecordStatus.CANCELLED, reason.strip()[:300]
    allocation.save(update_fields=["status", "status_reason"])
    _event(actor, "allocation.cancel", allocation, division_code=allocation.division_code, reason=reason,
           household_id=allocation.household_id, summary=_("撤销资金分配 #%(n)s") % {"n": allocation.pk},
           before={"status": RecordStatus.ACTIVE}, after={"status": allocation.status})
    return allocation


# --- disbursements -------------------------------------------------------------------------------

@atomic()
def disburse(*, actor, allocation: Allocation, amount, mode: str, household: Household | None = None,
             paid_on: dt.date | None = None, voucher_no: str = "") -> Disbursement:
    """Pay from an allocation. The allocation row is locked and its payments re-summed inside the
    lock, so concurrent payments can never together exceed it; a refusal writes nothing."""
    _authorize(actor, Cap.MANAGE_FUNDS, allocation.division_code)
    amount = money(amount)
    if mode not in DisbursementMode.values:
        raise ValidationError({"mode": _("请选择支付方式。")})
    voucher_no = (voucher_no or "").strip()
    if not voucher_no:
        raise ValidationError({"voucher_no": _("请填写凭证号。")})
    allocation = lock(allocation)
    if not allocation.is_active:
        raise ValidationError(_("该分配已撤销，不能支付。"))
    if allocation.project.status not in FUNDABLE:
        raise ValidationError(_("项目处于“%(s)s”状态，不能支付。") % {
            "s": ProjectStatus(allocation.project.status).label})
    if allocation.household_id is not None:
        if household is not None and household.pk != allocation.household_id:
            raise ValidationError({"household": _("该分配是到户资金，只能支付给所分配的户。")})
        household = allocation.household
    elif household is not None:
        if not ProjectBeneficiary.objects.filter(project_id=allocation.project_id, household=household).exists():
            raise ValidationError({"household": _("%(h)s 不是本项目的受益户。") % {"h": household.household_code}})
        if not household.division_id.startswith(allocation.division_code):
            raise ValidationError({"household": _("%(h)s 不在该分配的区域内。") % {"h": household.household_code}})
    elif mode in HOUSEHOLD_MODES:
        raise ValidationError({"household": _("“%(m)s”须支付到户，请选择受益户。") % {
            "m": DisbursementMode(mode).label}})
    paid = disbursed_of(allocation)
    if paid + amount > allocation.amount:
        raise ValidationError({"amount": _("超出分配额度：分配 %(t)s 元，已支付 %(p)s 元，最多还能支付 %(r)s 元。") % {
            "t": yuan(allocation.amount), "p": yuan(paid), "r": yuan(allocation.amount - paid)}})
    entry = Disbursement.objects.create(
        county_code=allocation.county_code, year=allocation.year, allocation=allocation,
        source_id=allocation.source_id, project_id=allocation.project_id, allocation_area=allocation.division_code,
        division_code=household.division_id if household is not None else allocation.division_code,
        amount=amount, mode=mode, household=household, paid_on=paid_on or clock.today(), voucher_no=voucher_no[:60],
        created_by=_user(actor))
    _event(actor, "disbursement.create", entry, division_code=entry.division_code,
           household_id=household.pk if household else None,
           summary=_("支付 %(a)s 元（%(m)s），项目 %(p)s，凭证 %(v)s") % {
               "a": yuan(amount), "m": DisbursementMode(mode).label, "p": allocation.project.code, "v": voucher_no},
           after={"allocation": allocation.pk, "amount": audit.json_value(amount), "mode": mode,
                  "household": household.pk if household else None, "voucher_no": voucher_no})
    return entry


@atomic()
def reverse_disbursement(*, actor, disbursement: Disbursement, reason: str, paid_on: dt.date | None = None,
                         voucher_no: str = "") -> Disbursement:
    """Reverse a mistaken payment with a negative entry naming it; both stay in the ledgers."""
    _authorize(actor, Cap.MANAGE_FUNDS, disbursement.division_code)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写冲销原因。")})
    allocation = Allocation.objects.select_for_update().get(pk=disbursement.allocation_id,
                                                            county_code=disbursement.county_code)
    original = Disbursement.objects.get(pk=disbursement.pk)
    if original.is_reversal:
        raise ValidationError(_("冲销记录不能再冲销。"))
    if Disbursement.objects.filter(reverses=original).exists():
        raise ValidationError(_("该笔支付已冲销。"))
    entry = Disbursement.objects.create(
        county_code=original.county_code, year=original.year, allocation=allocation, source_id=original.source_id,
        project_id=original.project_id, allocation_area=original.allocation_area, division_code=original.division_code,
        amount=-original.amount, mode=original.mode, household_id=original.household_id,
        paid_on=paid_on or clock.today(), voucher_no=((voucher_no or "").strip() or f"冲{original.voucher_no}")[:60],
        reverses=original, reason=reason[:300], created_by=_user(actor))
    _event(actor, "disbursement.reverse", entry, division_code=entry.division_code, reason=reason,
           household_id=entry.household_id,
           summary=_("冲销支付 #%(n)s：%(a)s 元") % {"n": original.pk, "a": yuan(original.amount)},
           after={"reverses": original.pk, "amount": audit.json_value(entry.amount)})
    return entry


# --- the thresholds of the policy checks ---------------------------------------------------------

RULE_FIELDS = ["reward_share", "poor_village_amount", "village_infrastructure_min", "document"]


@atomic()
def set_fund_rule(*, actor, region_code: str, year: int, reward_share, poor_village_amount,
                  village_infrastructure_min, document: str = "") -> FundRule:
    """Record (or correct) the thresholds of the plan's fund rules for a region from a year on."""
    _authorize(actor, Cap.MANAGE_FUNDS, region_code)
    if not is_system(actor) and not region_code:
        raise PermissionDenied(_("全国通用标准只能由系统设置。"))
    try:
        share = Decimal(str(reward_share))
    except InvalidOperation:
        raise ValidationError({"reward_share": _("比例格式不正确。")}) from None
    if not Decimal(0) <= share <= Decimal(1) or share != share.quantize(Decimal("0.0001")):
        raise ValidationError({"reward_share": _("比例须在 0 到 1 之间，最多四位小数（如 0.30）。")})
    values = {"reward_share": share,
              "poor_village_amount": money(poor_village_amount, "poor_village_amount", positive=False),
              "village_infrastructure_min": money(village_infrastructure_min, "village_infrastructure_min",
                                                  positive=False),
              "document": (document or "")[:200]}
    rule = FundRule.objects.select_for_update().filter(county_code=region_code[:6], region_code=region_code,
                                                       year=year).first()
    before = audit.snapshot(rule, RULE_FIELDS) if rule else None
    if rule is None:
        rule = FundRule.objects.create(county_code=region_code[:6], region_code=region_code, year=year,
                                       created_by=_user(actor), **values)
    else:
        for k, v in values.items():
            setattr(rule, k, v)
        rule.save()
    after = audit.snapshot(rule, RULE_FIELDS)
    b, a = audit.diff(before or {}, after)
    audit.record(actor=actor, verb="funds.rule.set", object_type="funds.fundrule", object_id=rule.pk,
                 county_code=region_code[:6], division_code=region_code,
                 summary=_("资金政策标准 %(r)s %(y)s 年起") % {"r": region_code, "y": year},
                 before=b if before else None, after=a)
    return rule


# --- exports -------------------------------------------------------------------------------------

@atomic()
def record_ledger_export(*, actor, area_code: str, year: int, rows: int) -> None:
    """Every ledger download is logged (who, which area and year, how many rows)."""
    if not is_system(actor) and not actor.can(Cap.VIEW_FUNDS):
        raise PermissionDenied(_("您的角色无权执行此操作。"))
    audit.record(actor=actor, verb="funds.ledger.export", object_type="funds.ledger", object_id=f"{area_code}-{year}",
                 county_code=area_code[:6], division_code=area_code,
                 summary=_("导出资金台账：%(a)s %(y)s 年，%(n)d 行，xlsx") % {"a": area_code, "y": year, "n": rows},
                 after={"area": area_code, "year": year, "rows": rows, "format": "xlsx"})
