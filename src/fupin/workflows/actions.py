"""The procedure engine and the other writes of the workflows app.

Every function is one audited change. The engine refuses illegal moves with a clear message:
the wrong role, an area outside the actor's grants, missing inputs, a notice period not over, an
open objection, a closed year. Final steps write the registry through the registry's actions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core import audit, clock
from fupin.core.actions import HELPER, REASONS, atomic, denied, is_system, lock, user_or_none
from fupin.core.actions import authorize as core_authorize
from fupin.core.scope import scope_for
from fupin.registry import actions as registry
from fupin.registry import codes
from fupin.registry.models import Household
from fupin.workflows import procedures
from fupin.workflows.models import (
    Case,
    CaseStatus,
    CaseStep,
    ClueSource,
    ClueStatus,
    DemocraticReview,
    Document,
    Notice,
    NoticeStatus,
    Objection,
    Outcome,
    RiskClue,
    RiskMethod,
    WorkYear,
    YearStatus,
)
from fupin.workflows.procedures import Kind, Step

REGISTRABLE = {
    Kind.IDENTIFY: (codes.HouseholdType.ORDINARY, codes.HouseholdType.MONITORED),
    Kind.EXIT: (codes.HouseholdType.POOR,),
    Kind.REENTRY: (codes.HouseholdType.EXITED, codes.HouseholdType.MONITORED),
    Kind.MONITOR: (codes.HouseholdType.EXITED, codes.HouseholdType.ORDINARY),
    Kind.RISK_CLEAR: (codes.HouseholdType.MONITORED,),
}


# --- guards -----------------------------------------------------------------------------------

def _allowed(actor, step: Step, target) -> None:
    """The actor's role must be one of the step's, and the case (or area code) in the actor's area."""
    _allowed_roles(actor, step.roles, step.label, target)


def _allowed_roles(actor, roles: tuple[str, ...], what: str, target) -> None:
    """The role is one of ``roles`` and the target (a case, or an area code) in the actor's area; a
    helper acts only on cases of their households (core.actions.authorize)."""
    if isinstance(target, str):
        core_authorize(actor, roles=roles, area=target, what=what)
        return
    household = target.household if target.household_id is not None else None
    if household is None and not is_system(actor) and scope_for(actor).helper_user_id is not None:
        raise denied(REASONS[HELPER](None), what)  # a village's case is not a helper's
    core_authorize(actor, roles=roles, area=target.division_code, household=household, what=what)


def may_start(actor, household: Household, kind: str | None = None) -> bool:
    """May ``actor`` start a case of ``kind`` (any kind if None) for ``household``: the role of the
    procedure's first step, the area, a helper's own household (what :func:`start_case` checks)."""
    from fupin.core.actions import may

    kinds = [kind] if kind else list(Kind.values)
    return household.is_active and any(
        may(actor, roles=procedures.procedure(k).active_steps({})[0].roles, household=household) for k in kinds)


def may_register_clue(actor, household: Household) -> bool:
    """May ``actor`` register a risk clue (from any source) for ``household`` (as :func:`create_clue`)."""
    from fupin.core.actions import may

    return any(may(actor, roles=_clue_roles(source), area=household.division_id) for source in ClueSource.values)


def may_dismiss_clue(actor, clue: RiskClue) -> bool:
    from fupin.core.actions import may

    return may(actor, roles=_clue_roles(clue.source, dismiss=True), area=clue.division_code)


def _year_open(county_code: str, year: int) -> None:
    if WorkYear.objects.filter(county_code=county_code, year=year, status=YearStatus.CLOSED).exists():
        raise ValidationError(_("%(y)s 年度已关账，不能再办理该年度的程序。") % {"y": year})


def _record(actor, case: Case, step: str, outcome: str, *, note: str = "", data: dict | None = None) -> CaseStep:
    entry = CaseStep.objects.create(
        county_code=case.county_code, case=case, step=step, outcome=outcome, note=note, data=data or {},
        actor=user_or_none(actor), actor_label=audit.actor_label(actor),
        acted_at=clock.now())
    step_label = case.procedure.step(step).label if step in {s.key for s in case.procedure.steps} else step
    audit.record(actor=actor, verb=f"case.{outcome}", object_type="workflows.case", object_id=case.pk,
                 county_code=case.county_code, division_code=case.division_code, household_id=case.household_id,
                 summary=_("%(kind)s：%(step)s %(outcome)s") % {
                     "kind": case.get_kind_display(), "step": step_label, "outcome": Outcome(outcome).label},
                 reason=note, after={"step": step, "outcome": outcome, **(data or {})})
    return entry


def _enter(case: Case, step: Step) -> None:
    case.step = step.key
    case.step_started_at = clock.now()
    case.step_due = clock.today() + dt.timedelta(days=step.deadline_days)


# --- starting a case --------------------------------------------------------------------------

def _latest_result(household: Household):
    from fupin.targeting.selectors import household_results

    found = household_results(household)
    return found[0] if found else None


def _guarantee_gaps(result) -> list[str]:
    return [_("%(g)s不达标") % {"g": label} for field, label in (
        ("food_ok", _("吃穿")), ("education_ok", _("义务教育")), ("medical_ok", _("基本医疗")),
        ("housing_ok", _("住房安全")), ("water_ok", _("饮水安全"))) if getattr(result, field) is False]


def _money(value) -> str:
    return f"{Decimal(value):,.2f}"


def exit_blockers(household: Household) -> list[str]:
    """Why a poor household may not exit yet, from its latest identification result (empty: it may).
    The income must be stably above the line (the run's rule: above the line this year, by the rule
    set's margin, and above last year's line last year when the rule set asks) and every guarantee met."""
    from fupin.targeting.params import Params

    result = _latest_result(household)
    if result is None:
        return [_("尚无识别结果：请先进行年度识别")]
    params = Params.from_json(result.run.params)
    line = params.income_line
    reasons = []
    if result.per_capita_income is None:
        reasons.append(_("缺少 %(y)s 年度收入数据") % {"y": result.run.year})
    elif result.per_capita_income <= line:
        reasons.append(_("人均纯收入 %(pc)s 元未超过收入线 %(line)s 元") % {
            "pc": _money(result.per_capita_income), "line": f"{line:,.0f}"})
    elif result.stable_above is False:  # None: a run from before the rule (income above the line sufficed)
        if params.exit_margin and result.per_capita_income < line + params.exit_margin:
            reasons.append(_("人均纯收入 %(pc)s 元未高出收入线 %(m)s 元") % {
                "pc": _money(result.per_capita_income), "m": f"{params.exit_margin:,.0f}"})
        if params.exit_prior_year:
            if result.previous_per_capita_income is None:
                reasons.append(_("缺少 %(y)s 年度收入数据，无法判断收入是否稳定") % {"y": result.run.year - 1})
            else:
                reasons.append(_("上年人均纯收入 %(pc)s 元未超过上年收入线 %(line)s 元，收入尚不稳定") % {
                    "pc": _money(result.previous_per_capita_income), "line": f"{params.line_last_year:,.0f}"})
        if not reasons:
            reasons.append(_("收入尚未稳定超过收入线"))
    return reasons + _guarantee_gaps(result)


def _hardship(params, result, before) -> list[str]:
    """The run's severe-hardship tests (targeting.compute): medical spending above the set share of the
    province's rural income, or income fallen by the set ratio."""
    reasons = []
    if params.province_rural_income and result.medical_out_of_pocket is not None:
        limit = params.province_rural_income * params.oop_ratio_exited  # monitored: the ex-poor ratio
        if result.medical_out_of_pocket > limit.quantize(Decimal("0.01")):
            reasons.append(_("合规自付医疗支出 %(o)s 元，超过全省农村居民人均可支配收入的 %(r)s%%") % {
                "o": _money(result.medical_out_of_pocket), "r": f"{params.oop_ratio_exited * 100:.0f}"})
    if params.income_drop_ratio > 0 and before is not None and before.net_income > 0 and result.net_income is not None:
        if result.net_income < before.net_income * (1 - params.income_drop_ratio):
            reasons.append(_("纯收入由 %(b)s 元降至 %(n)s 元") % {"b": _money(before.net_income),
                                                               "n": _money(result.net_income)})
    return reasons


def risk_clear_blockers(household: Household, on: dt.date | None = None) -> list[str]:
    """Why a monitored household's risk may not be declared eliminated yet (empty: it may), by the rule
    set of its latest identification run (domain.md 3): income not below the monitoring line this year
    and, for ``risk_clear_years`` >= 2, last year; no guarantee gap; under monitoring at least
    ``risk_clear_min_months``; someone able to work (a household with nobody stays monitored)."""
    from fupin.registry.models import HouseholdIncome
    from fupin.targeting.params import Params

    on = on or clock.today()
    result = _latest_result(household)
    if result is None:
        return [_("尚无识别结果：请先进行年度识别")]
    params = Params.from_json(result.run.params)
    if params.monitoring_threshold is None:
        return [_("%(y)s 年度规则集未设监测线，无法判断") % {"y": result.run.year}]
    reasons = []
    if result.per_capita_income is None:
        reasons.append(_("缺少 %(y)s 年度收入数据") % {"y": result.run.year})
    elif result.below_monitoring:
        reasons.append(_("人均纯收入 %(pc)s 元低于监测线 %(line)s 元") % {
            "pc": _money(result.per_capita_income), "line": f"{params.monitoring_threshold:,.0f}"})
    before = None
    if params.risk_clear_years >= 2:
        before = HouseholdIncome.objects.filter(household=household, year=result.run.year - 1).first()
        last = params.monitoring_last_year
        if before is None:
            reasons.append(_("缺少 %(y)s 年度收入数据，无法判断收入是否稳定") % {"y": result.run.year - 1})
        elif before.net_income < last * result.size:
            reasons.append(_("上年人均纯收入 %(pc)s 元低于上年监测线 %(line)s 元") % {
                "pc": _money(before.net_income / result.size), "line": f"{last:,.0f}"})
    reasons += _guarantee_gaps(result)
    reasons += _hardship(params, result, before if params.risk_clear_years >= 2 else
                         HouseholdIncome.objects.filter(household=household, year=result.run.year - 1).first())
    if household.monitoring_start and params.risk_clear_min_months:
        due = clock.months_before(on, params.risk_clear_min_months)
        if household.monitoring_start > due:
            reasons.append(_("纳入监测不满 %(n)d 个月（%(d)s 纳入）") % {
                "n": params.risk_clear_min_months, "d": household.monitoring_start.isoformat()})
    if not household.members.active().filter(labour_skill__in=["ordinary", "skilled", "weak"]).exists():
        reasons.append(_("整户无劳动能力的兜底户继续监测，不进行风险消除"))
    return reasons


def start_case(*, actor, household: Household, kind: str, note: str = "", reason: str = "",
               options: dict | None = None, data: dict | None = None, clue: RiskClue | None = None,
               year: int | None = None, submit: bool = True) -> Case:
    """Open a case at the first step of its procedure (an application, a clue, a nomination...).

    With ``submit`` the first step is passed at once when what it needs is given (the note)."""
    proc = procedures.procedure(kind)
    options = {k: bool(v) for k, v in (options or {}).items() if k in proc.options}
    first = proc.active_steps(options)[0]
    _allowed(actor, first, household.division_id)
    if scope_for(actor).helper_user_id is not None and household.helper_user_id != actor.pk:
        raise PermissionDenied(_("该户不是您的帮扶户。"))
    year = year or clock.today().year
    _year_open(household.county_code, year)
    if not household.is_active:
        raise ValidationError(_("已销户的户不能发起程序。"))
    if household.household_type not in REGISTRABLE[kind]:
        raise ValidationError(_("%(type)s不能发起“%(kind)s”。") % {
            "type": household.get_household_type_display(), "kind": Kind(kind).label})
    if Case.objects.open().filter(household=household, kind=kind).exists():
        raise ValidationError(_("该户已有办理中的“%(kind)s”。") % {"kind": Kind(kind).label})
    data = dict(data or {})
    if kind == Kind.EXIT:
        blockers = exit_blockers(household)
        if blockers:
            raise ValidationError(_("不符合退出条件：%(r)s") % {"r": "；".join(blockers)})
    if kind == Kind.REENTRY and data.get("target") not in (codes.HouseholdType.POOR, codes.HouseholdType.MONITORED):
        raise ValidationError({"target": _("请选择返贫后纳入贫困户或监测户。")})
    if kind == Kind.MONITOR and data.get("monitoring_type") not in codes.MonitoringType.values:
        raise ValidationError({"monitoring_type": _("请选择监测类型。")})
    if kind == Kind.MONITOR:
        data["risk_types"] = registry.risk_type_codes(data.get("risk_types") or "", household.county_code)
        if not data["risk_types"]:
            raise ValidationError({"risk_types": _("请选择风险类型（可多选）。")})
    if kind == Kind.RISK_CLEAR:
        able = household.members.active().filter(labour_skill__in=["ordinary", "skilled", "weak"]).exists()
        if not able:
            raise ValidationError(_("整户无劳动能力的兜底户继续监测，不进行风险消除。"))
    now = clock.now()
    with atomic():
        case = Case(county_code=household.county_code, division_code=household.division_id, household=household,
                    kind=kind, year=year, options=options, data=data, reason=reason[:300], clue=clue,
                    created_by=user_or_none(actor), started_at=now)
        _enter(case, first)
        if proc.total_days:
            started = clue.found_on if clue is not None else clock.today()
            case.due = started + dt.timedelta(days=proc.total_days)
        case.save()
        _record(actor, case, first.key, Outcome.START, note=note, data={"options": options, **data})
        if submit and note and set(first.needs) <= {"note"}:
            _advance(actor, case, note=note)
    return case


# --- acting on a step -------------------------------------------------------------------------

# The data cross-check (信息比对): each source is recorded as found, not found, or not checked.
CROSS_CHECKS = ("vehicles", "housing", "salaried", "business")
CHECK_FOUND, CHECK_CLEAR, CHECK_NONE = "found", "not_found", "not_checked"


def cross_check_result(value) -> str:
    """One source's result; a tick (True) is found, False is checked and not found (older callers)."""
    if value is True:
        return CHECK_FOUND
    if value is False:
        return CHECK_CLEAR
    if value in (CHECK_FOUND, CHECK_CLEAR, CHECK_NONE):
        return value
    raise ValidationError(_("部门比对结果只能是“发现”“未发现”或“未比对”。"))


def _missing(case: Case, step: Step, note: str, data: dict) -> list[str]:
    missing = []
    for need in step.needs:
        if need == "note" and not note.strip():
            missing.append(_("办理说明"))
        elif need == "minutes":
            review = data.get("review")
            if not review or not DemocraticReview.objects.filter(pk=review, division_code=case.division_code).exists():
                missing.append(_("民主评议会议记录"))
            elif not all(isinstance(data.get(k), int) for k in ("votes_for", "votes_against", "votes_abstain")):
                missing.append(_("本户的表决票数"))
        elif need == "cross_check":
            if not all(k in data for k in ("vehicles", "housing", "salaried", "business")):
                missing.append(_("部门比对结果（车辆、商品房、财政供养、工商登记）"))
        elif need == "decision":
            if not str(data.get("decision_no", "")).strip():
                missing.append(_("审批文号"))
        elif need == "export_batch":
            from fupin.exchange.models import NationalExportItem

            batch = data.get("export_batch")
            if not batch or not NationalExportItem.objects.filter(batch_id=batch, household_id=case.household_id).exists():
                missing.append(_("报送全国系统的批次（请先在“数据交换 → 全国系统报送”导出本户）"))
        elif need.startswith("document:"):
            kind = need.split(":", 1)[1]
            if not case.documents.filter(kind=kind).exists():
                missing.append(_("附件：%(k)s") % {"k": procedures.DocumentKind(kind).label})
    return missing


def _check_inputs(case: Case, step: Step, note: str, data: dict) -> None:
    missing = _missing(case, step, note, data)
    if missing:
        raise ValidationError(_("缺少：%(m)s") % {"m": "、".join(str(m) for m in missing)})
    if "minutes" in step.needs:
        review = DemocraticReview.objects.get(pk=data["review"])
        votes = data["votes_for"] + data["votes_against"] + data["votes_abstain"]
        if min(data["votes_for"], data["votes_against"], data["votes_abstain"]) < 0 or votes > review.present:
            raise ValidationError(_("表决票数之和（%(v)d）不能超过实到人数（%(p)d）。") % {"v": votes, "p": review.present})
        if data["votes_for"] * 2 <= review.present:
            raise ValidationError(_("同意票未超过实到人数的一半，不能通过；请选择“不予通过”或退回。"))
    if "cross_check" in step.needs:
        results = {k: cross_check_result(data.get(k)) for k in CROSS_CHECKS}
        data.update(results)  # recorded as found / not found / not checked, source by source
        if any(v == CHECK_FOUND for v in results.values()):
            raise ValidationError(_("比对发现车辆、商品房、财政供养人员或工商登记，不能通过；请核实后不予通过或退回。"))
        if all(v == CHECK_NONE for v in results.values()):
            raise ValidationError(_("没有比对任何一项，不能通过：请至少比对一个部门的数据并记录结果。"))


def act(*, actor, case: Case, outcome: str, note: str = "", data: dict | None = None,
        return_to: str | None = None, expected_step: str | None = None) -> Case:
    """Pass, return or reject the case's current step. The case row is locked and read again first:
    of two simultaneous clicks on the same step, the second finds the step already done (with
    ``expected_step``, the step the user saw, it is refused instead of acting on the next step)."""
    with atomic():
        lock(case)
        if expected_step and case.step != expected_step:
            raise ValidationError(_("该环节已由他人办理（现为“%(s)s”），请刷新页面后再办理。") % {
                "s": case.current_step.label if case.is_open else case.get_status_display()})
        return _act(actor=actor, case=case, outcome=outcome, note=note, data=data, return_to=return_to)


def _act(*, actor, case: Case, outcome: str, note: str, data: dict | None, return_to: str | None) -> Case:
    data = dict(data or {})
    if not case.is_open:
        raise ValidationError(_("该程序已办结。"))
    step = case.current_step
    _allowed(actor, step, case)
    _year_open(case.county_code, case.year)
    if outcome == Outcome.PASS:
        if step.notice:
            raise ValidationError(_("公示环节在公示期满且无未处理异议后，由“结束公示”统一通过。"))
        if "export_batch" in step.needs and not data.get("export_batch"):
            from fupin.exchange.selectors import batch_of_case

            batch = batch_of_case(case)  # the batch it went out in (the latest that carried it)
            data["export_batch"] = batch.pk if batch is not None else None
        _check_inputs(case, step, note, data)
        if case.kind == Kind.VILLAGE_EXIT and step.key == "county_approval":
            _village_exit_check(case)
        overs = _scale_check(case, step, data)
        with atomic():
            if overs:
                audit.record(actor=actor, verb="case.over_scale", object_type="workflows.case", object_id=case.pk,
                             county_code=case.county_code, division_code=case.division_code,
                             household_id=case.household_id,
                             summary=_("超规模审批：%(a)s") % {"a": "、".join(
                                 f"{o['name']} {o['after']:,}/{o['scale']:,}" for o in overs)},
                             reason=data["over_scale_reason"], after={"areas": overs})
            _advance(actor, case, note=note, data=data)
    elif outcome == Outcome.RETURN:
        if not note.strip():
            raise ValidationError({"note": _("退回须说明理由。")})
        steps = case.procedure.active_steps(case.options)
        keys = [s.key for s in steps]
        index = keys.index(case.step)
        if index == 0:
            raise ValidationError(_("已是第一个环节，不能退回。"))
        target = return_to or keys[max(0, index - 1)]
        if target not in keys[:index]:
            raise ValidationError(_("只能退回到之前的环节。"))
        with atomic():
            _record(actor, case, case.step, Outcome.RETURN, note=note, data={"to": target})
            _enter(case, case.procedure.step(target))
            case.save()
    elif outcome == Outcome.REJECT:
        if not note.strip():
            raise ValidationError({"note": _("不予通过须说明理由。")})
        with atomic():
            _record(actor, case, case.step, Outcome.REJECT, note=note, data=data)
            case.status = CaseStatus.REJECTED
            case.finished_at = clock.now()
            case.save()
            _finish_clue(case)
    else:
        raise ValidationError(_("未知的办理结果。"))
    return case


def _village_exit_check(case: Case) -> None:
    from fupin.targeting.selectors import village_exit_failures

    failures = village_exit_failures(case.division_code, case.year)
    if failures:
        raise ValidationError(_("不符合贫困村退出条件：%(r)s") % {"r": "；".join(failures)})


def start_village_case(*, actor, village_code: str, kind: str = Kind.VILLAGE_EXIT, note: str = "",
                       year: int | None = None) -> Case:
    """Open a village's procedure (贫困村退出) at its first step: the village committee's application."""
    from fupin.divisions.models import Division, Level
    from fupin.registry.models import VillageProfile

    if kind not in procedures.VILLAGE_KINDS:
        raise ValidationError(_("不是村级程序。"))
    proc = procedures.procedure(kind)
    first = proc.active_steps({})[0]
    _allowed(actor, first, village_code)
    village = Division.objects.filter(code=village_code, level=Level.VILLAGE).first()
    if village is None:
        raise ValidationError(_("请选择村。"))
    year = year or clock.today().year
    _year_open(village.county_code, year)
    profile = VillageProfile.objects.filter(division_id=village_code).first()
    if profile is None or profile.poverty_status != codes.VillagePovertyStatus.POOR:
        raise ValidationError(_("只有贫困村可以申请退出。"))
    if Case.objects.open().filter(division_code=village_code, kind=kind, household__isnull=True).exists():
        raise ValidationError(_("该村已有办理中的“%(kind)s”。") % {"kind": Kind(kind).label})
    with atomic():
        case = Case(county_code=village.county_code, division_code=village_code, household=None, kind=kind,
                    year=year, created_by=user_or_none(actor), started_at=clock.now())
        _enter(case, first)
        case.save()
        _record(actor, case, first.key, Outcome.START, note=note)
        if note.strip():
            _advance(actor, case, note=note)
    return case


def scale_warnings(case: Case) -> list[dict]:
    """The areas whose 规模 (scale) this case would exceed if approved: identification, and relapse
    into 贫困户 (monitoring is not subject to scale)."""
    from fupin.targeting.selectors import over_scale

    if case.kind == Kind.IDENTIFY or (case.kind == Kind.REENTRY and case.data.get("target") == "poor"):
        return over_scale(case.household, case.year)
    return []


def _scale_check(case: Case, step: Step, data: dict) -> list[dict]:
    """At the county's approval: over scale needs the explicit over-scale approval with a reason."""
    if step.key != "county_approval":
        return []
    overs = scale_warnings(case)
    if not overs:
        data.pop("over_scale", None)
        data.pop("over_scale_reason", None)
        return []
    described = "；".join(_("%(a)s规模 %(s)s 人，在册 %(r)s 人，批准后 %(n)s 人") % {
        "a": o["name"], "s": f"{o['scale']:,}", "r": f"{o['registered']:,}", "n": f"{o['after']:,}"} for o in overs)
    if not data.get("over_scale"):
        raise ValidationError(_("批准后将超出识别规模（%(d)s）。如确需批准，请勾选“超规模审批”并写明理由。") % {"d": described})
    if not str(data.get("over_scale_reason") or "").strip():
        raise ValidationError({"over_scale_reason": _("超规模审批须写明理由。")})
    data["over_scale_areas"] = overs
    return overs


def _advance(actor, case: Case, *, note: str = "", data: dict | None = None) -> None:
    """Record the pass of the current step and enter the next one (or finish with the outcome)."""
    step = case.current_step
    _record(actor, case, step.key, Outcome.PASS, note=note, data=data)
    if step.final:
        _apply_outcome(actor, case, data or {})
        case.status = CaseStatus.DONE
        case.finished_at = clock.now()
        case.save()
        _finish_clue(case)
        return
    steps = case.procedure.active_steps(case.options)
    keys = [s.key for s in steps]
    _enter(case, steps[keys.index(step.key) + 1])
    case.save()


def _finish_clue(case: Case) -> None:
    if case.clue_id:
        RiskClue.objects.filter(pk=case.clue_id, status=ClueStatus.OPEN).update(status=ClueStatus.CONVERTED)


def _apply_outcome(actor, case: Case, data: dict) -> None:
    """The final step writes the registry (through its actions, so the household's history shows it)."""
    if case.kind == Kind.VILLAGE_EXIT:
        from fupin.divisions.models import Division

        _village_exit_check(case)
        registry.update_village(actor=actor, division=Division.objects.get(code=case.division_code),
                                changes={"poverty_status": codes.VillagePovertyStatus.EXITED, "exit_year": case.year},
                                reason=_("依据%(kind)s程序 #%(n)s") % {"kind": case.get_kind_display(), "n": case.pk},
                                exit_procedure=True)
        return
    household = Household.objects.get(pk=case.household_id)
    today = clock.today()
    kind = case.kind
    label = _("依据%(kind)s程序 #%(n)s") % {"kind": case.get_kind_display(), "n": case.pk}
    if kind == Kind.IDENTIFY:
        result = _latest_result(household)
        changes = {"household_type": codes.HouseholdType.POOR, "identification_year": case.year,
                   "poverty_attribute": case.data.get("attribute") or (result.attribute if result and result.attribute
                                                                       else codes.PovertyAttribute.GENERAL),
                   "monitoring_type": "", "monitoring_start": None, "exit_year": None}
        if case.data.get("main_cause"):
            changes["main_cause"] = case.data["main_cause"]
    elif kind == Kind.EXIT:
        blockers = exit_blockers(household)
        if blockers:
            raise ValidationError(_("不符合退出条件：%(r)s") % {"r": "；".join(blockers)})
        changes = {"household_type": codes.HouseholdType.EXITED, "exit_year": case.year, "enjoys_policy": True}
    elif kind == Kind.REENTRY:
        if case.data.get("target") == codes.HouseholdType.POOR:
            changes = {"household_type": codes.HouseholdType.POOR, "identification_year": case.year,
                       "exit_year": None, "monitoring_type": "", "monitoring_start": None,
                       "poverty_attribute": household.poverty_attribute or codes.PovertyAttribute.GENERAL}
        else:
            changes = {"household_type": codes.HouseholdType.MONITORED,
                       "monitoring_type": codes.MonitoringType.UNSTABLE, "monitoring_start": today}
    elif kind == Kind.MONITOR:
        changes = {"household_type": codes.HouseholdType.MONITORED, "monitoring_type": case.data["monitoring_type"],
                   "monitoring_start": today, "risk_types": case.data.get("risk_types") or household.risk_types}
        if household.household_type == codes.HouseholdType.ORDINARY:
            changes["poverty_attribute"] = ""
    elif kind == Kind.RISK_CLEAR:
        blockers = risk_clear_blockers(household)
        if blockers:
            raise ValidationError(_("不符合风险消除条件：%(r)s") % {"r": "；".join(blockers)})
        method = data.get("method") or case.data.get("method")
        if method not in RiskMethod.values:
            raise ValidationError({"method": _("请选择风险消除方式（帮扶消除或自然消除）。")})
        if method == RiskMethod.ASSISTED and not case.data.get("assistance", "").strip() and not data.get(
                "assistance", "").strip():
            raise ValidationError({"assistance": _("帮扶消除须写明所采取的帮扶措施。")})
        case.data = {**case.data, "method": method, "assistance": data.get("assistance", case.data.get("assistance", ""))}
        back = codes.HouseholdType.EXITED if household.exit_year else codes.HouseholdType.ORDINARY
        changes = {"household_type": back, "monitoring_type": "", "monitoring_start": None}
        if back == codes.HouseholdType.ORDINARY:
            changes["poverty_attribute"] = ""
    else:  # pragma: no cover - every kind is handled above
        raise ValueError(kind)
    registry.update_household(actor=actor, household=household, changes=changes, reason=label)


# --- democratic reviews and documents ---------------------------------------------------------

def record_review(*, actor, division_code: str, held_on: dt.date, place: str, chair: str, expected: int,
                  present: int, minutes: str) -> DemocraticReview:
    step = procedures.IDENTIFY.step("democratic_review")
    _allowed(actor, step, division_code)
    if present > expected or present <= 0:
        raise ValidationError({"present": _("实到人数应大于 0 且不超过应到人数。")})
    if present * 3 < expected * 2:
        raise ValidationError({"present": _("实到人数不足应到人数的三分之二，会议无效。")})
    if held_on > clock.today():
        raise ValidationError({"held_on": _("会议日期不能晚于今天。")})
    if not minutes.strip():
        raise ValidationError({"minutes": _("请填写会议记录。")})
    with atomic():
        review = DemocraticReview.objects.create(
            county_code=division_code[:6], division_code=division_code, held_on=held_on, place=place, chair=chair,
            expected=expected, present=present, minutes=minutes,
            created_by=user_or_none(actor))
        audit.record(actor=actor, verb="review.create", object_type="workflows.democraticreview", object_id=review.pk,
                     county_code=review.county_code, division_code=division_code,
                     summary=_("民主评议会议 %(d)s，应到 %(e)d 人，实到 %(p)d 人") % {
                         "d": held_on.isoformat(), "e": expected, "p": present})
    return review


ALLOWED_TYPES = {  # extension -> (content type, magic bytes)
    "pdf": ("application/pdf", (b"%PDF",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


def add_document(*, actor, case: Case, kind: str, name: str, content: bytes) -> Document:
    """Store an attachment on disk after checking its type (by content, not only its name) and size."""
    if not is_system(actor):
        scope = scope_for(actor)
        if not scope.contains_code(case.division_code) or actor.role not in {
                r for s in case.procedure.steps for r in s.roles}:
            raise PermissionDenied(_("您不能为该户上传材料。"))
    if kind not in procedures.DocumentKind.values:
        raise ValidationError({"kind": _("请选择材料类型。")})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_TYPES:
        raise ValidationError({"file": _("只接受 PDF、JPG、PNG 文件。")})
    content_type, magics = ALLOWED_TYPES[extension]
    if not any(content.startswith(m) for m in magics):
        raise ValidationError({"file": _("文件内容与扩展名 .%(e)s 不符。") % {"e": extension}})
    limit = settings.FUPIN_MAX_UPLOAD_MB * 1024 * 1024
    if len(content) > limit:
        raise ValidationError({"file": _("文件不能超过 %(n)d MB。") % {"n": settings.FUPIN_MAX_UPLOAD_MB}})
    if not content:
        raise ValidationError({"file": _("文件为空。")})
    if content_type.startswith("image/"):
        from fupin.core import uploads

        uploads.check_image(content)
    with atomic():
        document = Document(county_code=case.county_code, case=case, kind=kind, original_name=name[:200],
                            content_type=content_type, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                            stored_name=f"{uuid.uuid4().hex}.{extension}",
                            uploaded_by=user_or_none(actor))
        document.file.save(document.stored_name, ContentFile(content), save=False)
        document.save()
        audit.record(actor=actor, verb="document.add", object_type="workflows.document", object_id=document.pk,
                     county_code=case.county_code, division_code=case.division_code, household_id=case.household_id,
                     summary=_("上传%(k)s：%(n)s") % {"k": document.get_kind_display(), "n": document.original_name})
    return document


# --- public notices and objections ------------------------------------------------------------

def post_notice(*, actor, cases: Iterable[Case], period_days: int | None = None, posted_on: dt.date | None = None,
                contact: str = "") -> Notice:
    """Post one notice in a village for cases standing at the same notice step."""
    cases = list(cases)
    if not cases:
        raise ValidationError(_("请选择要公示的户。"))
    first = cases[0]
    step = first.current_step
    if not step.notice:
        raise ValidationError(_("“%(s)s”不是公示环节。") % {"s": step.label})
    for case in cases:
        if (case.kind, case.step, case.division_code) != (first.kind, first.step, first.division_code):
            raise ValidationError(_("一次公示只能包含同一村、同一程序、同一环节的户。"))
        if not case.is_open:
            raise ValidationError(_("已办结的程序不能公示。"))
        _allowed(actor, step, case)
        _year_open(case.county_code, case.year)
        if case.notices.filter(step=case.step, status=NoticeStatus.POSTED).exists():
            raise ValidationError(_("%(c)s 已在公示中。") % {"c": case.subject_label})
    period = step.default_days if period_days is None else period_days
    if period < step.min_days:
        raise ValidationError({"period_days": _("公示期不少于 %(n)d 天。") % {"n": step.min_days}})
    posted = posted_on or clock.today()
    today = clock.today()
    if posted > today + dt.timedelta(days=1):
        raise ValidationError({"posted_on": _("公示开始日期不能晚于明天。")})
    reached = max(timezone.localtime(c.step_started_at).date() for c in cases)
    if posted < reached:
        raise ValidationError({"posted_on": _("公示开始日期不能早于进入公示环节的日期（%(d)s）。") % {"d": reached}})
    from fupin.divisions.models import Division

    # a household's notice is posted in its village; a village's (贫困村退出) in its township
    place = first.division_code[:9] if first.kind in procedures.VILLAGE_KINDS else first.division_code
    village = Division.objects.get(code=place)
    kind_label = procedures.Kind(first.kind).label
    title = (_("%(v)s %(k)s%(n)s") % {"v": village.name, "k": kind_label,
                                     "n": _("公告") if step.notice == "announcement" else _("公示")})
    with atomic():
        notice = Notice.objects.create(
            county_code=first.county_code, division_code=place, kind=step.notice, procedure=first.kind,
            step=step.key, title=title, posted_on=posted, period_days=period,
            ends_on=posted + dt.timedelta(days=period), contact=contact,
            posted_by=user_or_none(actor))
        notice.cases.set(cases)
        for case in cases:
            _record(actor, case, case.step, Outcome.POSTED,
                    data={"notice": notice.pk, "posted_on": posted.isoformat(), "days": period})
            case.step_due = notice.ends_on + dt.timedelta(days=3)
            case.save(update_fields=["step_due"])
    return notice


def record_objection(*, actor, notice: Notice, case: Case, raised_by: str, content: str,
                     raised_on: dt.date | None = None) -> Objection:
    step = procedures.procedure(notice.procedure).step(notice.step)
    _allowed_roles(actor, (*procedures.VILLAGE, *step.roles), _("登记异议"), case)
    day = raised_on or clock.today()
    if notice.status != NoticeStatus.POSTED:
        raise ValidationError(_("公示已结束，不能再登记异议。"))
    if not (notice.posted_on <= day < notice.ends_on):
        raise ValidationError(_("异议须在公示期内（%(a)s 至 %(b)s）提出。") % {
            "a": notice.posted_on, "b": notice.ends_on - dt.timedelta(days=1)})
    if not notice.cases.filter(pk=case.pk).exists():
        raise ValidationError(_("该户不在本次公示中。"))
    if not raised_by.strip() or not content.strip():
        raise ValidationError(_("请填写异议人和异议内容。"))
    with atomic():
        objection = Objection.objects.create(
            county_code=notice.county_code, notice=notice, case=case, raised_by=raised_by, raised_on=day,
            content=content, recorded_by=user_or_none(actor))
        audit.record(actor=actor, verb="objection.create", object_type="workflows.objection", object_id=objection.pk,
                     county_code=case.county_code, division_code=case.division_code, household_id=case.household_id,
                     summary=_("公示期间收到异议（%(t)s）") % {"t": notice.title}, reason=content)
    return objection


def resolve_objection(*, actor, objection: Objection, upheld: bool, resolution: str,
                      consequence: str = Outcome.RETURN) -> Objection:
    """Record how an objection was handled; an upheld one returns (or rejects) the case."""
    notice = objection.notice
    step = procedures.procedure(notice.procedure).step(notice.step)
    _allowed(actor, step, objection.case)
    if objection.resolved:
        raise ValidationError(_("该异议已处理。"))
    if not resolution.strip():
        raise ValidationError({"resolution": _("请填写核实处理结果。")})
    with atomic():
        objection.resolved = True
        objection.upheld = upheld
        objection.resolution = resolution
        objection.resolved_by = user_or_none(actor)
        objection.resolved_at = clock.now()
        objection.save()
        case = objection.case
        audit.record(actor=actor, verb="objection.resolve", object_type="workflows.objection", object_id=objection.pk,
                     county_code=case.county_code, division_code=case.division_code, household_id=case.household_id,
                     summary=_("异议处理：%(r)s") % {"r": _("异议成立") if upheld else _("异议不成立")},
                     reason=resolution)
        if upheld and case.is_open:
            if consequence == Outcome.REJECT:
                _record(actor, case, case.step, Outcome.REJECT, note=resolution)
                case.status = CaseStatus.REJECTED
                case.finished_at = clock.now()
                case.save()
            else:
                steps = case.procedure.active_steps(case.options)
                keys = [s.key for s in steps]
                back = keys[max(0, keys.index(case.step) - 1)]
                _record(actor, case, case.step, Outcome.RETURN, note=resolution, data={"to": back})
                _enter(case, case.procedure.step(back))
                case.save()
            notice.cases.remove(case)
    return objection


def close_notice(*, actor, notice: Notice) -> Notice:
    """After the period, with no objection open: every case still on the notice passes the step."""
    step = procedures.procedure(notice.procedure).step(notice.step)
    if notice.status != NoticeStatus.POSTED:
        raise ValidationError(_("该公示已结束。"))
    today = clock.today()
    if today < notice.ends_on:
        raise ValidationError(_("公示期未满（%(d)s 结束），不能结束公示。") % {
            "d": (notice.ends_on - dt.timedelta(days=1)).isoformat()})
    if notice.objections.filter(resolved=False).exists():
        raise ValidationError(_("公示期间的异议尚未处理完毕。"))
    cases = list(notice.cases.filter(status=CaseStatus.OPEN, step=notice.step))
    for case in cases:
        _allowed(actor, step, case)
        _year_open(case.county_code, case.year)
    with atomic():
        notice.status = NoticeStatus.CLOSED
        notice.closed_at = clock.now()
        notice.save(update_fields=["status", "closed_at"])
        for case in cases:
            _advance(actor, case, note=_("公示期满无异议"), data={"notice": notice.pk})
        audit.record(actor=actor, verb="notice.close", object_type="workflows.notice", object_id=notice.pk,
                     county_code=notice.county_code, division_code=notice.division_code,
                     summary=_("%(t)s 期满结束，%(n)d 户通过") % {"t": notice.title, "n": len(cases)})
    return notice


# --- risk clues -------------------------------------------------------------------------------

def create_clue(*, actor, household: Household, source: str, risk: str, detail: str = "",
                found_on: dt.date | None = None) -> RiskClue:
    _allowed_roles(actor, _clue_roles(source), _("登记风险线索"), household.division_id)
    if source not in ClueSource.values:
        raise ValidationError({"source": _("请选择线索来源。")})
    if not risk.strip():
        raise ValidationError({"risk": _("请填写风险类型。")})
    day = found_on or clock.today()
    if day > clock.today():
        raise ValidationError({"found_on": _("发现日期不能晚于今天。")})
    with atomic():
        clue = RiskClue.objects.create(
            county_code=household.county_code, division_code=household.division_id, household=household,
            source=source, risk=risk[:100], detail=detail, found_on=day,
            due_on=day + dt.timedelta(days=settings.FUPIN_CLUE_DAYS),
            created_by=user_or_none(actor))
        audit.record(actor=actor, verb="clue.create", object_type="workflows.riskclue", object_id=clue.pk,
                     county_code=clue.county_code, division_code=clue.division_code, household_id=household.pk,
                     summary=_("风险线索：%(r)s（%(s)s）") % {"r": clue.risk, "s": clue.get_source_display()},
                     reason=detail)
    return clue


def _clue_roles(source: str, *, dismiss: bool = False) -> tuple:
    """Who may register a clue from this source: the village's visitors, and for a department's list,
    the county's assessment or the national system, those who run them. Dismissing is the village's
    verification, except that the assessment's own clues may be withdrawn by those who survey."""
    roles = procedures.MONITOR.step("clue").roles
    if source == ClueSource.DEPARTMENT and not dismiss:
        return (*roles, procedures.Role.DEPARTMENT, procedures.Role.COUNTY_ADMIN)
    if source in (ClueSource.ASSESSMENT, ClueSource.NATIONAL):
        return (*roles, procedures.Role.COUNTY_ADMIN, procedures.Role.TOWNSHIP_CADRE)
    return roles


def dismiss_clue(*, actor, clue: RiskClue, reason: str) -> RiskClue:
    _allowed_roles(actor, _clue_roles(clue.source, dismiss=True), _("排除风险线索"), clue.division_code)
    if clue.status != ClueStatus.OPEN:
        raise ValidationError(_("该线索已处理。"))
    if not reason.strip():
        raise ValidationError({"reason": _("排除线索须说明理由。")})
    with atomic():
        clue.status = ClueStatus.DISMISSED
        clue.dismiss_reason = reason
        clue.handled_by = user_or_none(actor)
        clue.handled_at = clock.now()
        clue.save()
        audit.record(actor=actor, verb="clue.dismiss", object_type="workflows.riskclue", object_id=clue.pk,
                     county_code=clue.county_code, division_code=clue.division_code, household_id=clue.household_id,
                     summary=_("排除风险线索：%(r)s") % {"r": clue.risk}, reason=reason)
    return clue


def guess_risk_types(clue: RiskClue) -> list[str]:
    """The risk types a clue's text names (因病（医疗自付费用高） → 因病; a national warning's detail
    names its type), for the form to start from."""
    from fupin.registry.selectors import risk_types

    text = f"{clue.risk or ''} {clue.detail or ''}"
    return [t.code for t in risk_types(clue.county_code) if t.name and t.name in text]


# The monitoring type a clue implies. A clue that names the type (an identification run's
# "脱贫不稳定风险", a national warning) gives it; else a sudden event (disaster, accident) makes a
# 突发严重困难户; else a household that left poverty is 脱贫不稳定户 and any other 边缘易致贫户.
MONITORING_WORDS = (("脱贫不稳定", "unstable"), ("边缘易致贫", "marginal"), ("突发严重困难", "hardship"),
                    ("突发", "hardship"), ("灾", "hardship"), ("意外", "hardship"), ("事故", "hardship"))


def implied_monitoring_type(clue: RiskClue) -> str:
    """The monitoring type (codes.MonitoringType) the form starts from when a clue becomes a case."""
    text = f"{clue.risk or ''} {clue.detail or ''}"
    for word, kind in MONITORING_WORDS:
        if word in text:
            return kind
    if clue.household.household_type == codes.HouseholdType.EXITED:
        return codes.MonitoringType.UNSTABLE
    return codes.MonitoringType.MARGINAL


def convert_clue(*, actor, clue: RiskClue, monitoring_type: str, note: str, risk_types=None) -> Case:
    """Turn a clue into a monitoring case (clue to county decision within 15 days). The risk types
    are those given, else those the clue's text names."""
    if clue.status != ClueStatus.OPEN:
        raise ValidationError(_("该线索已处理。"))
    chosen = risk_types if risk_types else guess_risk_types(clue)
    with atomic():
        case = start_case(actor=actor, household=clue.household, kind=Kind.MONITOR, note=note or clue.risk,
                          reason=clue.risk, data={"monitoring_type": monitoring_type, "risk_types": chosen},
                          clue=clue)
        clue.status = ClueStatus.CONVERTED
        clue.handled_by = user_or_none(actor)
        clue.handled_at = clock.now()
        clue.save()
    return case


CLUE_VERBS = {ClueSource.IDENTIFICATION: "clue.from_run", ClueSource.DEPARTMENT: "clue.from_match",
              ClueSource.NATIONAL: "clue.from_match"}


def add_clues(*, actor, source: str, area: str, candidates: str, params=(), run_id: int | None = None,
              object_type: str, object_id, summary: str) -> int:
    """Set-based risk clues, the one way clues are made in bulk (identification runs, department
    lists, the national system's returned list). ``candidates`` is a SELECT of ``county_code,
    division_code, household_id, risk, detail``; of those in ``area`` it adds one open clue per
    household and risk, by the one duplicate rule (:func:`clue_is_new`): not for a closed household,
    nor one with that risk's clue still open, nor one with an open monitoring case. One audit event
    for the batch; returns how many clues were added."""
    if source not in CLUE_VERBS:
        raise ValidationError({"source": _("请选择线索来源。")})
    core_authorize(actor, area=area, what=_("登记风险线索"))
    today = clock.today()
    due = today + dt.timedelta(days=settings.FUPIN_CLUE_DAYS)
    with atomic(), connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO workflows_riskclue (county_code, division_code, household_id, source, risk, detail, found_on,
              due_on, status, dismiss_reason, run_id, created_by_id, created_at)
            SELECT n.county_code, n.division_code, n.household_id, %s, substr(n.risk, 1, 100),
              substr(MIN(n.detail), 1, 2000), %s, %s, 'open', '', %s, %s, %s
            FROM ({candidates}) n
            JOIN registry_household h ON h.id = n.household_id AND h.county_code = n.county_code
            WHERE n.division_code LIKE %s AND {clue_is_new("n", "h")}
            GROUP BY n.county_code, n.division_code, n.household_id, n.risk""",
                       [source, today, due, run_id, getattr(user_or_none(actor), "pk", None), clock.now(), *params,
                        f"{area}%"])
        count = cursor.rowcount
        audit.record(actor=actor, verb=CLUE_VERBS[source], object_type=object_type, object_id=object_id,
                     county_code=area[:6], division_code=area, summary=summary % {"n": count})
    return count


def clue_is_new(n: str, h: str) -> str:
    """The one duplicate rule for clues (SQL over a candidate ``n`` and its household ``h``)."""
    return f"""{h}.status = 'active'
              AND NOT EXISTS (SELECT 1 FROM workflows_riskclue c WHERE c.county_code = {n}.county_code
                              AND c.household_id = {n}.household_id AND c.status = 'open'
                              AND c.risk = substr({n}.risk, 1, 100))
              AND NOT EXISTS (SELECT 1 FROM workflows_case k WHERE k.county_code = {n}.county_code
                              AND k.household_id = {n}.household_id AND k.kind = 'monitor' AND k.status = 'open')"""


def clues_from_run(*, actor, run) -> int:
    """Every monitoring candidate of an identification run becomes a clue (households already
    monitored are followed by their monitoring, not by a new clue)."""
    labels = {"unstable": "脱贫不稳定风险", "marginal": "边缘易致贫风险", "hardship": "突发严重困难风险"}
    risk = "CASE r.monitoring " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in labels.items()) + " END"
    return add_clues(
        actor=actor, source=ClueSource.IDENTIFICATION, area=run.area_code, run_id=run.pk,
        candidates=f"""SELECT r.county_code, r.division_code, r.household_id, {risk} AS risk,
                         r.explanation AS detail
                       FROM targeting_identificationresult r
                       JOIN registry_household rh ON rh.id = r.household_id AND rh.county_code = r.county_code
                       WHERE r.run_id = %s AND r.monitoring <> '' AND rh.household_type <> 'monitored'""",
        params=[run.pk], object_type="targeting.identificationrun", object_id=run.pk,
        summary=_("由识别运行 #%(r)s 生成风险线索 %%(n)d 条") % {"r": run.pk})


# --- the yearly dynamic adjustment (动态调整) ---------------------------------------------------

def _county_admin(actor, county_code: str) -> None:
    _allowed_roles(actor, procedures.COUNTY, _("年度动态调整"), county_code)


def open_year(*, actor, county_code: str, year: int) -> WorkYear:
    _county_admin(actor, county_code)
    if WorkYear.objects.filter(county_code=county_code, year=year).exists():
        raise ValidationError(_("%(y)s 年度已开启。") % {"y": year})
    with atomic():
        work_year = WorkYear.objects.create(county_code=county_code, year=year,
                                            opened_by=user_or_none(actor))
        audit.record(actor=actor, verb="year.open", object_type="workflows.workyear", object_id=work_year.pk,
                     county_code=county_code, division_code=county_code,
                     summary=_("开启 %(y)s 年度动态调整") % {"y": year})
    return work_year


def _require_open_year(work_year: WorkYear) -> None:
    if not work_year.is_open:
        raise ValidationError(_("%(y)s 年度已关账。") % {"y": work_year.year})


def attach_run(*, actor, work_year: WorkYear, run) -> WorkYear:
    """The year's official identification run (started from the targeting pages or here)."""
    _county_admin(actor, work_year.county_code)
    _require_open_year(work_year)
    if run.dry_run or run.year != work_year.year or run.county_code != work_year.county_code:
        raise ValidationError(_("须使用本县本年度的正式识别运行。"))
    with atomic():
        work_year.run = run
        work_year.save(update_fields=["run"])
        audit.record(actor=actor, verb="year.run", object_type="workflows.workyear", object_id=work_year.pk,
                     county_code=work_year.county_code, division_code=work_year.county_code,
                     summary=_("%(y)s 年度识别：运行 #%(r)s") % {"y": work_year.year, "r": run.pk})
    return work_year


def generate_exit_candidates(*, actor, work_year: WorkYear) -> int:
    """Set-based: every poor household whose result in the year's run is 'not poor' with its income
    stably above the line (``stable_above``: the rule set's margin and previous year) and all
    guarantees met gets an exit case at its first step."""
    from fupin.targeting.models import RunStatus

    _county_admin(actor, work_year.county_code)
    _require_open_year(work_year)
    run = work_year.run
    if run is None or run.status != RunStatus.DONE:
        raise ValidationError(_("请先完成本年度的正式识别。"))
    first = procedures.EXIT.active_steps({})[0]
    now, due = clock.now(), clock.today() + dt.timedelta(days=first.deadline_days)
    actor_id = getattr(user_or_none(actor), "pk", None)
    with atomic(), connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO workflows_case (county_code, division_code, household_id, kind, year, status, step,
              step_started_at, step_due, options, data, reason, created_by_id, started_at)
            SELECT r.county_code, r.division_code, r.household_id, 'exit', %s, 'open', %s, %s, %s, '{}', '{}',
              '', %s, %s
            FROM targeting_identificationresult r
            JOIN registry_household h ON h.county_code = r.county_code AND h.id = r.household_id
            WHERE r.county_code = %s AND r.run_id = %s AND h.household_type = 'poor' AND h.status = 'active'
              AND r.conclusion = 'not_poor' AND r.stable_above = %s AND r.food_ok = %s AND r.education_ok = %s
              AND r.medical_ok = %s AND r.housing_ok = %s AND r.water_ok = %s
              AND NOT EXISTS (SELECT 1 FROM workflows_case k WHERE k.county_code = r.county_code
                              AND k.household_id = r.household_id AND k.kind = 'exit' AND k.status = 'open')""",
                       [work_year.year, first.key, now, due, actor_id, now, work_year.county_code, run.pk, True,
                        True, True, True, True, True])
        count = cursor.rowcount
        cursor.execute("""
            INSERT INTO workflows_casestep (county_code, case_id, step, outcome, note, data, actor_id, actor_label,
              acted_at)
            SELECT k.county_code, k.id, k.step, 'start', %s, '{}', %s, %s, %s
            FROM workflows_case k
            WHERE k.kind = 'exit' AND k.year = %s AND k.county_code = %s AND k.started_at = %s""",
                       [_("年度动态调整：识别结果符合退出条件"), actor_id, audit.actor_label(actor), now,
                        work_year.year, work_year.county_code, now])
        audit.record(actor=actor, verb="year.exit_candidates", object_type="workflows.workyear",
                     object_id=work_year.pk, county_code=work_year.county_code, division_code=work_year.county_code,
                     summary=_("生成退出候选 %(n)d 户") % {"n": count})
    return count


def generate_clues(*, actor, work_year: WorkYear) -> int:
    _county_admin(actor, work_year.county_code)
    _require_open_year(work_year)
    if work_year.run is None:
        raise ValidationError(_("请先完成本年度的正式识别。"))
    return clues_from_run(actor=actor, run=work_year.run)


def close_year(*, actor, work_year: WorkYear) -> WorkYear:
    """Freeze the year: every household as it stands now goes into the year's snapshot; cases of
    the year can no longer change. Refused while cases of the year are still open."""
    from fupin.workflows.selectors import year_counts

    _county_admin(actor, work_year.county_code)
    _require_open_year(work_year)
    still_open = Case.objects.filter(county_code=work_year.county_code, year=work_year.year,
                                     status=CaseStatus.OPEN).count()
    if still_open:
        raise ValidationError(_("本年度还有 %(n)d 件程序未办结，不能关账。") % {"n": still_open})
    with atomic():
        with connection.cursor() as cursor:
            cursor.execute("""
                INSERT INTO workflows_yearsnapshot (county_code, year, household_id, division_code, status,
                  household_type, poverty_attribute, monitoring_type, size)
                SELECT h.county_code, %s, h.id, h.division_code, h.status, h.household_type, h.poverty_attribute,
                  h.monitoring_type, h.size
                FROM registry_household h WHERE h.county_code = %s""",
                           [work_year.year, work_year.county_code])
        work_year.status = YearStatus.CLOSED
        work_year.closed_by = user_or_none(actor)
        work_year.closed_at = clock.now()
        work_year.summary = year_counts(work_year.county_code, work_year.year)
        work_year.save()
        audit.record(actor=actor, verb="year.close", object_type="workflows.workyear", object_id=work_year.pk,
                     county_code=work_year.county_code, division_code=work_year.county_code,
                     summary=_("%(y)s 年度关账并冻结快照") % {"y": work_year.year})
    return work_year
