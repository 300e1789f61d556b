"""Writes of the welfare app. Each function is one recorded change: it checks the actor's right
(``domains``) and area, validates (nothing is written on error), saves, and writes an audit event
in the same transaction. ``actor=SYSTEM`` is the system (the demo generator)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from fupin.accounts.roles import Cap
from fupin.core import audit, clock
from fupin.core.actions import atomic, is_system, lock
from fupin.core.scope import scope_for
from fupin.divisions.models import Division, Level
from fupin.registry import actions as registry_actions
from fupin.registry import codes
from fupin.registry.models import Household, Member
from fupin.welfare import rules, selectors
from fupin.welfare.domains import Domain, authorize
from fupin.welfare.models import (
    SCHOOLING_STAGE,
    CharityCategory,
    CharityMatch,
    CharityNeed,
    CharityOffer,
    DisabilitySubsidy,
    DonorType,
    EducationAid,
    HouseRenovation,
    MatchStatus,
    MedicalAid,
    NeedStatus,
    OfferStatus,
    PremiumSubsidy,
    Relocation,
    RelocationSite,
    RelocationStatus,
    RenovationMethod,
    RenovationStatus,
    Semester,
    SiteStatus,
    SiteType,
    SubsidyKind,
    WelfareStandard,
)

STANDARD_FIELDS = ["dibao_line", "tekun_standard", "premium_subsidy", "edu_preschool", "edu_compulsory",
                   "edu_senior", "edu_vocational", "edu_higher", "disability_living_monthly",
                   "disability_care_monthly", "notes"]
ZERO = Decimal("0")


def _raise(problems: list[tuple[str | None, str]]) -> None:
    if problems:
        errors: dict = {}
        for field, message in problems:
            errors.setdefault(field or "__all__", []).append(message)
        raise ValidationError(errors)


def _event(actor, verb: str, obj, *, division_code: str, household_id: int | None = None, summary: str,
           before=None, after=None, reason: str = ""):
    audit.record(actor=actor, verb=verb, object_type=f"welfare.{obj._meta.model_name}", object_id=obj.pk,
                 county_code=obj.county_code or division_code[:6], division_code=division_code,
                 household_id=household_id, summary=summary, before=before, after=after, reason=reason)


def _check_year(year, field: str = "year") -> int:
    this_year = clock.today().year
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({field: _("请填写年度")}) from None
    if not 2000 <= year <= this_year + 1:
        raise ValidationError({field: _("年度应在 2000 至 %(y)d 之间") % {"y": this_year + 1}})
    return year


def _positive(value, field: str, label: str) -> None:
    if value is None or value <= 0:
        raise ValidationError({field: _("%(l)s须大于 0") % {"l": label}})


def _active_member(member: Member) -> None:
    if member.status != codes.RecordStatus.ACTIVE:
        raise ValidationError({"member": _("%(n)s 已不在册，不能登记。") % {"n": member.name}})


def _member_guard(actor, domain: str, member: Member) -> Household:
    household = member.household
    authorize(actor, domain, division_code=member.division_code, household=household)
    _active_member(member)
    return household


# --- standards --------------------------------------------------------------------------------

def save_standard(*, actor, region_code: str, year: int, values: Mapping) -> WelfareStandard:
    """Create or change the year's standard of a region (county administrators, in their area)."""
    region_code = (region_code or "").strip()
    if not is_system(actor):
        if not actor.can(Cap.MANAGE_RULES):
            raise PermissionDenied(_("只有县级管理员可以修改保障标准。"))
        if not scope_for(actor).contains_code(region_code):
            raise PermissionDenied(_("该区域不在您的管辖范围内。"))
    if region_code and (not region_code.isdigit() or len(region_code) not in (2, 4, 6, 9, 12)):
        raise ValidationError({"region_code": _("适用区域应为 2、4、6、9 或 12 位区划代码，空为全国")})
    if len(region_code) >= 6 and not Division.objects.filter(code=region_code).exists():
        raise ValidationError({"region_code": _("区划代码不存在：%(c)s") % {"c": region_code}})
    year = _check_year(year)
    problems = [(f, _("金额不能为负数")) for f in STANDARD_FIELDS
                if f != "notes" and (values.get(f) is None or values[f] < 0)]
    for f in ("dibao_line", "tekun_standard"):
        if values.get(f) is not None and values[f] <= 0:
            problems.append((f, _("标准须大于 0")))
    _raise(problems)
    county = region_code[:6] if len(region_code) >= 6 else ""
    with atomic():
        standard = (WelfareStandard.objects.select_for_update()
                    .filter(county_code=county, region_code=region_code, year=year).first())
        before = audit.snapshot(standard, STANDARD_FIELDS) if standard else None
        if standard is None:
            standard = WelfareStandard(county_code=county, region_code=region_code, year=year)
        for f in STANDARD_FIELDS:
            if f in values:
                setattr(standard, f, values[f] if values[f] is not None else "")
        old, new = audit.diff(before or {}, audit.snapshot(standard, STANDARD_FIELDS))
        if before is not None and not new:
            return standard
        standard.save()
        _event(actor, "welfare.standard.save", standard, division_code=region_code,
               summary=_("%(y)d 年度保障标准（%(r)s）") % {"y": year, "r": region_code or _("全国")},
               before=old if before is not None else None, after=new)
    return standard


def _standard(code: str, year: int, field: str) -> WelfareStandard:
    standard = selectors.standard_for(code, year)
    if standard is None:
        raise ValidationError({field: _("尚未设置 %(y)d 年度的保障标准，请先设置标准或填写金额。") % {"y": year}})
    return standard


# --- premium subsidy --------------------------------------------------------------------------

def record_premium_subsidy(*, actor, member: Member, year: int, paid_on: dt.date,
                           amount: Decimal | None = None) -> PremiumSubsidy:
    household = _member_guard(actor, Domain.PREMIUM, member)
    year = _check_year(year)
    if not (member.dibao or member.tekun):
        raise ValidationError({"member": _("%(n)s 不是低保或特困人员，不享受参保缴费补助。") % {"n": member.name}})
    if amount is None:
        amount = _standard(member.division_code, year, "amount").premium_subsidy
    _positive(amount, "amount", _("补助金额"))
    if PremiumSubsidy.objects.filter(county_code=member.county_code, member=member, year=year).exists():
        raise ValidationError({"year": _("%(n)s 已有 %(y)d 年度的参保缴费补助。") % {"n": member.name, "y": year}})
    with atomic():
        row = PremiumSubsidy.objects.create(county_code=member.county_code, division_code=member.division_code,
                                            household=household, member=member, year=year, amount=amount,
                                            paid_on=paid_on)
        _event(actor, "welfare.premium.record", row, division_code=member.division_code, household_id=household.pk,
               summary=_("%(n)s %(y)d 年度参保缴费补助 %(a)s 元") % {"n": member.name, "y": year, "a": amount},
               after=audit.snapshot(row, ["member", "year", "amount", "paid_on"]))
    return row


# --- medical aid ------------------------------------------------------------------------------

def record_medical_aid(*, actor, member: Member, treated_on: dt.date, total_cost: Decimal,
                       basic_paid: Decimal = ZERO, critical_paid: Decimal = ZERO, aid_amount: Decimal = ZERO,
                       hospital: str = "") -> MedicalAid:
    household = _member_guard(actor, Domain.MEDICAL_AID, member)
    _raise(rules.medical_problems(total_cost, basic_paid, critical_paid, aid_amount))
    if treated_on is None or treated_on > clock.today():
        raise ValidationError({"treated_on": _("就医日期不能晚于今天")})
    with atomic():
        row = MedicalAid.objects.create(county_code=member.county_code, division_code=member.division_code,
                                        household=household, member=member, treated_on=treated_on,
                                        hospital=hospital, total_cost=total_cost, basic_paid=basic_paid,
                                        critical_paid=critical_paid, aid_amount=aid_amount)
        _event(actor, "welfare.medical_aid.record", row, division_code=member.division_code,
               household_id=household.pk,
               summary=_("%(n)s 医疗救助 %(a)s 元（总费用 %(t)s 元，自付 %(o)s 元）") % {
                   "n": member.name, "a": aid_amount, "t": total_cost, "o": row.out_of_pocket},
               after=audit.snapshot(row, ["member", "treated_on", "total_cost", "basic_paid", "critical_paid",
                                          "aid_amount"]))
    return row


# --- education aid ----------------------------------------------------------------------------

def record_education_aid(*, actor, member: Member, year: int, paid_on: dt.date, semester: str = Semester.YEAR,
                         amount: Decimal | None = None) -> EducationAid:
    """Aid for a child in school; the stage follows the registry's schooling. The year's total for the
    child never exceeds the standard's yearly amount for the stage (half of it per semester)."""
    household = _member_guard(actor, Domain.EDUCATION, member)
    year = _check_year(year)
    stage = SCHOOLING_STAGE.get(member.schooling)
    if stage is None:
        raise ValidationError({"member": _("%(n)s 的在校生状况为“%(s)s”，不在教育资助范围内。") % {
            "n": member.name, "s": member.get_schooling_display() or _("未填写")}})
    if member.household.household_type not in rules.AID_HOUSEHOLD_TYPES:
        raise ValidationError({"member": _("教育资助面向建档立卡户（贫困户、脱贫户、监测户）的子女。")})
    if semester not in Semester.values:
        raise ValidationError({"semester": _("请选择学期")})
    standard = _standard(member.division_code, year, "amount")
    yearly = standard.education_amount(stage)
    if amount is None:
        amount = yearly if semester == Semester.YEAR else (yearly / 2).quantize(Decimal("0.01"))
    _positive(amount, "amount", _("资助金额"))
    existing = list(EducationAid.objects.filter(county_code=member.county_code, member=member, year=year)
                    .values_list("semester", "amount"))
    if any(s == semester for s, _a in existing) or (existing and Semester.YEAR in {semester, *[s for s, _a in existing]}):
        raise ValidationError({"semester": _("%(n)s %(y)d 年度已登记过该学期（或全年）的资助。") % {
            "n": member.name, "y": year}})
    already = sum((a for _s, a in existing), ZERO)
    if already + amount > yearly:
        raise ValidationError({"amount": _("%(y)d 年度%(st)s资助标准为每年 %(s)s 元，已发 %(d)s 元，本次最多 %(m)s 元") % {
            "y": year, "st": stage.label, "s": yearly, "d": already, "m": max(yearly - already, ZERO)}})
    with atomic():
        row = EducationAid.objects.create(county_code=member.county_code, division_code=member.division_code,
                                          household=household, member=member, year=year, stage=stage,
                                          semester=semester, amount=amount, paid_on=paid_on)
        _event(actor, "welfare.education_aid.record", row, division_code=member.division_code,
               household_id=household.pk,
               summary=_("%(n)s %(y)d 年%(st)s资助 %(a)s 元") % {"n": member.name, "y": year, "st": stage.label,
                                                              "a": amount},
               after=audit.snapshot(row, ["member", "year", "stage", "semester", "amount", "paid_on"]))
    return row


# --- disability subsidies ---------------------------------------------------------------------

def grant_disability_subsidy(*, actor, member: Member, kind: str, year: int, months: int,
                             monthly_amount: Decimal | None = None, paid_on: dt.date | None = None
                             ) -> DisabilitySubsidy:
    household = _member_guard(actor, Domain.DISABILITY, member)
    year = _check_year(year)
    if kind not in SubsidyKind.values:
        raise ValidationError({"kind": _("请选择补贴类别")})
    if not selectors.is_disability_eligible(member, kind):
        reason = (_("须为低保家庭的残疾人") if kind == SubsidyKind.LIVING else _("须为一级或二级残疾人"))
        raise ValidationError({"member": _("%(n)s 不符合%(k)s的条件：%(r)s。") % {
            "n": member.name, "k": SubsidyKind(kind).label, "r": reason}})
    if months is None or not 1 <= int(months) <= 12:
        raise ValidationError({"months": _("发放月数应在 1 至 12 之间")})
    if monthly_amount is None:
        monthly_amount = _standard(member.division_code, year, "monthly_amount").disability_monthly(kind)
    _positive(monthly_amount, "monthly_amount", _("月补贴标准"))
    if DisabilitySubsidy.objects.filter(county_code=member.county_code, member=member, year=year, kind=kind).exists():
        raise ValidationError({"kind": _("%(n)s %(y)d 年度已有%(k)s。") % {
            "n": member.name, "y": year, "k": SubsidyKind(kind).label}})
    with atomic():
        row = DisabilitySubsidy.objects.create(
            county_code=member.county_code, division_code=member.division_code, household=household, member=member,
            kind=kind, year=year, months=int(months), monthly_amount=monthly_amount, paid=paid_on is not None,
            paid_on=paid_on)
        _event(actor, "welfare.disability.grant", row, division_code=member.division_code,
               household_id=household.pk,
               summary=_("%(n)s %(y)d 年%(k)s %(m)d 个月 × %(a)s 元") % {
                   "n": member.name, "y": year, "k": SubsidyKind(kind).label, "m": int(months), "a": monthly_amount},
               after=audit.snapshot(row, ["member", "kind", "year", "months", "monthly_amount", "paid", "paid_on"]))
    return row


def pay_disability_subsidy(*, actor, subsidy: DisabilitySubsidy, paid_on: dt.date) -> DisabilitySubsidy:
    authorize(actor, Domain.DISABILITY, division_code=subsidy.division_code, household=subsidy.household)
    if subsidy.paid:
        raise ValidationError(_("该补贴已发放。"))
    with atomic():
        subsidy.paid, subsidy.paid_on = True, paid_on
        subsidy.save(update_fields=["paid", "paid_on"])
        _event(actor, "welfare.disability.pay", subsidy, division_code=subsidy.division_code,
               household_id=subsidy.household_id, summary=_("发放%(k)s") % {"k": subsidy.get_kind_display()},
               before={"paid": False}, after={"paid": True, "paid_on": paid_on.isoformat()})
    return subsidy


# --- housing: renovation ----------------------------------------------------------------------

RENOVATION_FIELDS = ["year", "grade", "method", "subsidy", "status", "started_on", "completed_on", "accepted_on",
                     "cancel_reason"]


def plan_renovation(*, actor, household: Household, year: int, method: str, subsidy: Decimal,
                    started_on: dt.date | None = None) -> HouseRenovation:
    authorize(actor, Domain.HOUSING, division_code=household.division_id, household=household)
    if household.status != codes.RecordStatus.ACTIVE:
        raise ValidationError(_("已注销的户不能登记危房改造。"))
    if household.house_grade not in ("C", "D"):
        raise ValidationError({"household": _("该户住房不是 C 级或 D 级危房，不需要改造。")})
    if household.house_renovated:
        raise ValidationError({"household": _("该户危房已改造。")})
    year = _check_year(year)
    if method not in RenovationMethod.values:
        raise ValidationError({"method": _("请选择改造方式")})
    if subsidy is None or subsidy < 0:
        raise ValidationError({"subsidy": _("补助资金不能为负数")})
    if started_on and started_on > clock.today():
        raise ValidationError({"started_on": _("开工日期不能晚于今天")})
    with atomic():
        lock(household)
        if HouseRenovation.objects.filter(selectors.OPEN_RENOVATION, household=household).exists():
            raise ValidationError({"household": _("该户已有正在进行的危房改造。")})
        row = HouseRenovation.objects.create(
            county_code=household.county_code, division_code=household.division_id, household=household, year=year,
            grade=household.house_grade, method=method, subsidy=subsidy, started_on=started_on,
            status=RenovationStatus.STARTED if started_on else RenovationStatus.PLANNED)
        _event(actor, "welfare.renovation.plan", row, division_code=household.division_id,
               household_id=household.pk,
               summary=_("危房改造立项：%(g)s级，%(m)s，补助 %(s)s 元") % {
                   "g": row.grade, "m": row.get_method_display(), "s": subsidy},
               after=audit.snapshot(row, RENOVATION_FIELDS))
    return row


def advance_renovation(*, actor, renovation: HouseRenovation, step: str, on: dt.date,
                       reason: str = "") -> HouseRenovation:
    """start -> complete -> accept (验收; the household's house becomes renovated), or cancel."""
    household = renovation.household
    authorize(actor, Domain.HOUSING, division_code=renovation.division_code, household=household)
    order = {"start": RenovationStatus.PLANNED, "complete": RenovationStatus.STARTED,
             "accept": RenovationStatus.COMPLETED}
    if step == "cancel":
        if renovation.status in (RenovationStatus.ACCEPTED, RenovationStatus.CANCELLED):
            raise ValidationError(_("已验收或已取消的改造不能取消。"))
        if not reason.strip():
            raise ValidationError({"reason": _("请填写取消原因")})
    elif step not in order:
        raise ValidationError(_("未知的办理环节"))
    elif renovation.status != order[step]:
        raise ValidationError(_("当前状态为“%(s)s”，不能办理该环节。") % {"s": renovation.get_status_display()})
    if on is None or on > clock.today():
        raise ValidationError({"on": _("日期不能晚于今天")})
    previous = {"complete": renovation.started_on, "accept": renovation.completed_on}.get(step)
    if previous and on < previous:
        raise ValidationError({"on": _("日期不能早于上一环节（%(d)s）") % {"d": previous.isoformat()}})
    before = audit.snapshot(renovation, RENOVATION_FIELDS)
    if step == "start":
        renovation.started_on, renovation.status = on, RenovationStatus.STARTED
    elif step == "complete":
        renovation.completed_on, renovation.status = on, RenovationStatus.COMPLETED
    elif step == "accept":
        renovation.accepted_on, renovation.status = on, RenovationStatus.ACCEPTED
    else:
        renovation.status, renovation.cancel_reason = RenovationStatus.CANCELLED, reason.strip()
    old, new = audit.diff(before, audit.snapshot(renovation, RENOVATION_FIELDS))
    with atomic():
        renovation.save()
        _event(actor, f"welfare.renovation.{step}", renovation, division_code=renovation.division_code,
               household_id=household.pk, before=old, after=new, reason=reason,
               summary=_("危房改造：%(s)s") % {"s": renovation.get_status_display()})
        if step == "accept":
            registry_actions.update_household(
                actor=actor, household=household, changes={"house_renovated": True}, capability=Cap.MANAGE_PROGRAMMES,
                reason=_("危房改造验收（%(d)s）") % {"d": on.isoformat()})
    return renovation


# --- housing: relocation ----------------------------------------------------------------------

SITE_FIELDS = ["name", "division_code", "site_type", "capacity", "status"]


def save_site(*, actor, values: Mapping, site: RelocationSite | None = None) -> RelocationSite:
    code = (values.get("division_code") or "").strip()
    if site is not None:  # the site as it is must be the actor's too, not only where it is moved to
        authorize(actor, Domain.HOUSING, division_code=site.division_code)
    authorize(actor, Domain.HOUSING, division_code=code)
    division = Division.objects.filter(code=code).first()
    if division is None or division.level < Level.COUNTY:
        raise ValidationError({"division_code": _("请选择安置点所在的县、乡或村")})
    name = (values.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写安置点名称")})
    if values.get("site_type") not in SiteType.values:
        raise ValidationError({"site_type": _("请选择安置方式")})
    if values.get("status", SiteStatus.BUILDING) not in SiteStatus.values:
        raise ValidationError({"status": _("请选择状态")})
    capacity = values.get("capacity")
    if capacity is None or capacity < 1:
        raise ValidationError({"capacity": _("容纳户数须至少为 1")})
    clash = RelocationSite.objects.filter(county_code=code[:6], name=name)
    if site is not None:
        clash = clash.exclude(pk=site.pk)
        occupied = site.relocations.exclude(status=RelocationStatus.CANCELLED).count()
        if capacity < occupied:
            raise ValidationError({"capacity": _("已安置 %(n)d 户，容纳户数不能少于此数") % {"n": occupied}})
    if clash.exists():
        raise ValidationError({"name": _("已有同名安置点")})
    before = audit.snapshot(site, SITE_FIELDS) if site else None
    site = site or RelocationSite(county_code=code[:6])
    site.name, site.division_code, site.site_type, site.capacity = name, code, values["site_type"], capacity
    site.status = values.get("status") or site.status
    with atomic():
        site.save()
        old, new = audit.diff(before or {}, audit.snapshot(site, SITE_FIELDS))
        _event(actor, "welfare.site.save", site, division_code=code, summary=_("安置点：%(n)s") % {"n": name},
               before=old if before else None, after=new)
    return site


def allocate_relocation(*, actor, household: Household, site: RelocationSite, year: int, allocated_on: dt.date,
                        willing_confirmed: bool) -> Relocation:
    """Give a willing household a place at a site; refused when the site is full."""
    authorize(actor, Domain.HOUSING, division_code=household.division_id, household=household)
    if household.status != codes.RecordStatus.ACTIVE:
        raise ValidationError(_("已注销的户不能安置。"))
    if not household.relocation_willing:
        raise ValidationError({"household": _("该户未登记搬迁意愿。")})
    if household.relocated:
        raise ValidationError({"household": _("该户已搬迁。")})
    if not willing_confirmed:
        raise ValidationError({"willing_confirmed": _("须先入户确认搬迁意愿（群众自愿）。")})
    if site.county_code != household.county_code:
        raise ValidationError({"site": _("安置点不在本县。")})
    if site.status == SiteStatus.CLOSED:
        raise ValidationError({"site": _("该安置点已停用。")})
    year = _check_year(year)
    if allocated_on is None or allocated_on > clock.today():
        raise ValidationError({"allocated_on": _("分配日期不能晚于今天")})
    with atomic():
        locked = RelocationSite.objects.select_for_update().get(pk=site.pk, county_code=site.county_code)
        lock(household)
        if Relocation.objects.filter(household=household).exclude(status=RelocationStatus.CANCELLED).exists():
            raise ValidationError({"household": _("该户已分配安置房。")})
        occupied = locked.relocations.exclude(status=RelocationStatus.CANCELLED).count()
        if occupied >= locked.capacity:
            raise ValidationError({"site": _("安置点“%(n)s”已满（容纳 %(c)d 户）。") % {
                "n": locked.name, "c": locked.capacity}})
        row = Relocation.objects.create(county_code=household.county_code, division_code=household.division_id,
                                        household=household, site=locked, year=year, willing_confirmed=True,
                                        allocated_on=allocated_on)
        _event(actor, "welfare.relocation.allocate", row, division_code=household.division_id,
               household_id=household.pk, summary=_("分配安置：%(s)s") % {"s": locked.name},
               after=audit.snapshot(row, ["site", "year", "allocated_on"]))
    return row


def move_in(*, actor, relocation: Relocation, moved_in_on: dt.date) -> Relocation:
    """The household moves in: recorded here and, through the registry, on the household card."""
    household = relocation.household
    authorize(actor, Domain.HOUSING, division_code=relocation.division_code, household=household)
    if relocation.status != RelocationStatus.ALLOCATED:
        raise ValidationError(_("当前状态为“%(s)s”，不能登记入住。") % {"s": relocation.get_status_display()})
    if moved_in_on is None or moved_in_on > clock.today():
        raise ValidationError({"moved_in_on": _("入住日期不能晚于今天")})
    if moved_in_on < relocation.allocated_on:
        raise ValidationError({"moved_in_on": _("入住日期不能早于分配日期")})
    with atomic():
        relocation.status, relocation.moved_in_on = RelocationStatus.MOVED_IN, moved_in_on
        relocation.save(update_fields=["status", "moved_in_on"])
        _event(actor, "welfare.relocation.move_in", relocation, division_code=relocation.division_code,
               household_id=household.pk, summary=_("搬迁入住：%(s)s") % {"s": relocation.site.name},
               before={"status": RelocationStatus.ALLOCATED}, after={"status": RelocationStatus.MOVED_IN,
                                                                    "moved_in_on": moved_in_on.isoformat()})
        registry_actions.update_household(
            actor=actor, household=household, changes={"relocated": True}, capability=Cap.MANAGE_PROGRAMMES,
            reason=_("搬迁入住 %(s)s（%(d)s）") % {"s": relocation.site.name, "d": moved_in_on.isoformat()})
    return relocation


def cancel_relocation(*, actor, relocation: Relocation, reason: str) -> Relocation:
    authorize(actor, Domain.HOUSING, division_code=relocation.division_code, household=relocation.household)
    if relocation.status != RelocationStatus.ALLOCATED:
        raise ValidationError(_("只有尚未入住的安置可以取消。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写取消原因")})
    with atomic():
        relocation.status, relocation.cancel_reason = RelocationStatus.CANCELLED, reason.strip()
        relocation.save(update_fields=["status", "cancel_reason"])
        _event(actor, "welfare.relocation.cancel", relocation, division_code=relocation.division_code,
               household_id=relocation.household_id, summary=_("取消安置"), reason=reason,
               before={"status": RelocationStatus.ALLOCATED}, after={"status": RelocationStatus.CANCELLED})
    return relocation


# --- charity ----------------------------------------------------------------------------------

# Public lists never show ID numbers or phones: descriptions that contain them are refused.
PERSONAL = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15}|1[3-9]\d{9})(?!\d)")


def _no_personal(text: str, field: str) -> None:
    if PERSONAL.search(text or ""):
        raise ValidationError({field: _("公开内容不能包含身份证号或手机号码。")})


def post_need(*, actor, division_code: str, household: Household | None, category: str, title: str,
              amount: Decimal, posted_on: dt.date, description: str = "", in_kind: bool = False) -> CharityNeed:
    """A need for a household (its village is the area) or for a whole village."""
    if household is not None:
        division_code = household.division_id
        if household.status != codes.RecordStatus.ACTIVE:
            raise ValidationError({"household": _("已注销的户不能发布需求。")})
    authorize(actor, Domain.CHARITY, division_code=division_code or "", household=household)
    division = Division.objects.filter(code=division_code or "").first()
    if division is None or division.level != Level.VILLAGE:
        raise ValidationError({"division_code": _("请选择需求所在的村")})
    if category not in CharityCategory.values:
        raise ValidationError({"category": _("请选择类别")})
    if not (title or "").strip():
        raise ValidationError({"title": _("请填写需求名称")})
    _no_personal(title, "title")
    _no_personal(description, "description")
    _positive(amount, "amount", _("所需金额"))
    with atomic():
        need = CharityNeed.objects.create(county_code=division.county_code, division_code=division.code,
                                          household=household, category=category, title=title.strip(),
                                          description=description, in_kind=in_kind, amount=amount,
                                          posted_on=posted_on or clock.today())
        _event(actor, "welfare.need.post", need, division_code=division.code,
               household_id=household.pk if household else None,
               summary=_("发布帮扶需求：%(t)s（%(a)s 元）") % {"t": need.title, "a": amount},
               after=audit.snapshot(need, ["category", "title", "amount", "in_kind", "posted_on"]))
    return need


def withdraw_need(*, actor, need: CharityNeed, reason: str) -> CharityNeed:
    authorize(actor, Domain.CHARITY, division_code=need.division_code)
    if need.status not in (NeedStatus.OPEN,):
        raise ValidationError(_("已有对接的需求不能撤回，请先取消对接。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写撤回原因")})
    with atomic():
        need.status, need.withdraw_reason = NeedStatus.WITHDRAWN, reason.strip()
        need.save(update_fields=["status", "withdraw_reason"])
        _event(actor, "welfare.need.withdraw", need, division_code=need.division_code, household_id=need.household_id,
               summary=_("撤回帮扶需求：%(t)s") % {"t": need.title}, reason=reason,
               before={"status": NeedStatus.OPEN}, after={"status": NeedStatus.WITHDRAWN})
    return need


def register_offer(*, actor, division_code: str, donor: str, category: str, amount: Decimal, offered_on: dt.date,
                   donor_type: str = DonorType.ORGANISATION, contact: str = "", description: str = "",
                   in_kind: bool = False) -> CharityOffer:
    authorize(actor, Domain.CHARITY, division_code=division_code or "")
    division = Division.objects.filter(code=division_code or "").first()
    if division is None or division.level < Level.COUNTY:
        raise ValidationError({"division_code": _("请选择面向的县、乡或村")})
    if not (donor or "").strip():
        raise ValidationError({"donor": _("请填写捐助单位或个人")})
    if category not in CharityCategory.values:
        raise ValidationError({"category": _("请选择类别")})
    if donor_type not in DonorType.values:
        raise ValidationError({"donor_type": _("请选择捐助方类型")})
    _no_personal(description, "description")
    _positive(amount, "amount", _("金额"))
    with atomic():
        offer = CharityOffer.objects.create(county_code=division.county_code, division_code=division.code,
                                            donor=donor.strip(), donor_type=donor_type, contact=contact,
                                            category=category, description=description, in_kind=in_kind,
                                            amount=amount, offered_on=offered_on or clock.today())
        _event(actor, "welfare.offer.register", offer, division_code=division.code,
               summary=_("登记帮扶资源：%(d)s（%(a)s 元）") % {"d": offer.donor, "a": amount},
               after=audit.snapshot(offer, ["donor", "donor_type", "category", "amount", "in_kind", "offered_on"]))
    return offer


def withdraw_offer(*, actor, offer: CharityOffer, reason: str) -> CharityOffer:
    authorize(actor, Domain.CHARITY, division_code=offer.division_code)
    if offer.status != OfferStatus.OPEN:
        raise ValidationError(_("已有对接的资源不能撤回，请先取消对接。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写撤回原因")})
    with atomic():
        offer.status, offer.withdraw_reason = OfferStatus.WITHDRAWN, reason.strip()
        offer.save(update_fields=["status", "withdraw_reason"])
        _event(actor, "welfare.offer.withdraw", offer, division_code=offer.division_code,
               summary=_("撤回帮扶资源：%(d)s") % {"d": offer.donor}, reason=reason,
               before={"status": OfferStatus.OPEN}, after={"status": OfferStatus.WITHDRAWN})
    return offer


def _restate(need: CharityNeed, offer: CharityOffer) -> None:
    """Recompute both sides' matched amounts and statuses from their live matches (rows are locked)."""
    for obj in (need, offer):
        live = obj.matches.exclude(status=MatchStatus.CANCELLED)
        obj.matched_amount = sum(live.values_list("amount", flat=True), Decimal("0.00"))
    all_fulfilled = not need.matches.filter(status=MatchStatus.MATCHED).exists()
    need.status = rules.need_status(need.amount, need.matched_amount, all_fulfilled)
    offer.status = rules.offer_status(offer.amount, offer.matched_amount)
    need.save(update_fields=["matched_amount", "status"])
    offer.save(update_fields=["matched_amount", "status"])


def match(*, actor, need: CharityNeed, offer: CharityOffer, amount: Decimal, matched_on: dt.date,
          note: str = "") -> CharityMatch:
    """Assign part of an offer to a need: never more than what either still has."""
    authorize(actor, Domain.CHARITY, division_code=need.division_code)
    _positive(amount, "amount", _("对接金额"))
    if matched_on is None or matched_on > clock.today():
        raise ValidationError({"matched_on": _("对接日期不能晚于今天")})
    with atomic():
        need = lock(need)
        offer = lock(offer)
        if need.status in (NeedStatus.WITHDRAWN, NeedStatus.FULFILLED):
            raise ValidationError({"need": _("该需求已%(s)s，不能再对接。") % {"s": need.get_status_display()}})
        if offer.status == OfferStatus.WITHDRAWN:
            raise ValidationError({"offer": _("该资源已撤回。")})
        if offer.county_code != need.county_code or not need.division_code.startswith(offer.division_code):
            raise ValidationError({"offer": _("该资源不面向需求所在的村。")})
        if amount > need.remaining:
            raise ValidationError({"amount": _("对接金额 %(a)s 元超过需求尚缺的 %(r)s 元") % {
                "a": amount, "r": need.remaining}})
        if amount > offer.remaining:
            raise ValidationError({"amount": _("对接金额 %(a)s 元超过该资源尚余的 %(r)s 元") % {
                "a": amount, "r": offer.remaining}})
        row = CharityMatch.objects.create(county_code=need.county_code, division_code=need.division_code, need=need,
                                          offer=offer, amount=amount, matched_on=matched_on, note=note)
        _restate(need, offer)
        _event(actor, "welfare.match.create", row, division_code=need.division_code, household_id=need.household_id,
               summary=_("%(d)s 对接“%(t)s” %(a)s 元") % {"d": offer.donor, "t": need.title, "a": amount},
               after=audit.snapshot(row, ["need", "offer", "amount", "matched_on"]))
    return row


def fulfil(*, actor, charity_match: CharityMatch, fulfilled_on: dt.date, note: str = "") -> CharityMatch:
    authorize(actor, Domain.CHARITY, division_code=charity_match.division_code)
    if charity_match.status != MatchStatus.MATCHED:
        raise ValidationError(_("该对接已%(s)s。") % {"s": charity_match.get_status_display()})
    if fulfilled_on is None or fulfilled_on > clock.today():
        raise ValidationError({"fulfilled_on": _("兑现日期不能晚于今天")})
    if fulfilled_on < charity_match.matched_on:
        raise ValidationError({"fulfilled_on": _("兑现日期不能早于对接日期")})
    with atomic():
        need = CharityNeed.objects.select_for_update().get(pk=charity_match.need_id, county_code=charity_match.county_code)
        offer = CharityOffer.objects.select_for_update().get(pk=charity_match.offer_id,
                                                            county_code=charity_match.county_code)
        charity_match.status, charity_match.fulfilled_on = MatchStatus.FULFILLED, fulfilled_on
        if note:
            charity_match.note = note
        charity_match.save(update_fields=["status", "fulfilled_on", "note"])
        _restate(need, offer)
        _event(actor, "welfare.match.fulfil", charity_match, division_code=charity_match.division_code,
               household_id=need.household_id, summary=_("兑现：“%(t)s” %(a)s 元") % {
                   "t": need.title, "a": charity_match.amount},
               before={"status": MatchStatus.MATCHED}, after={"status": MatchStatus.FULFILLED,
                                                             "fulfilled_on": fulfilled_on.isoformat()})
    return charity_match


def cancel_match(*, actor, charity_match: CharityMatch, reason: str) -> CharityMatch:
    authorize(actor, Domain.CHARITY, division_code=charity_match.division_code)
    if charity_match.status != MatchStatus.MATCHED:
        raise ValidationError(_("只有未兑现的对接可以取消。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写取消原因")})
    with atomic():
        need = CharityNeed.objects.select_for_update().get(pk=charity_match.need_id, county_code=charity_match.county_code)
        offer = CharityOffer.objects.select_for_update().get(pk=charity_match.offer_id,
                                                            county_code=charity_match.county_code)
        charity_match.status = MatchStatus.CANCELLED
        charity_match.note = (charity_match.note + " " + reason).strip()[:200]
        charity_match.save(update_fields=["status", "note"])
        _restate(need, offer)
        _event(actor, "welfare.match.cancel", charity_match, division_code=charity_match.division_code,
               household_id=need.household_id, summary=_("取消对接"), reason=reason,
               before={"status": MatchStatus.MATCHED}, after={"status": MatchStatus.CANCELLED})
    return charity_match

