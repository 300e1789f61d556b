"""Writes of the programmes. Each function is one recorded change: it checks the actor's domain
(``domains.authorize``) and area, validates, saves and writes an audit event in the same
transaction; on an error nothing is written. ``actor=SYSTEM`` is the system (the demo generator).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _

from fupin.core import audit, clock
from fupin.core.actions import atomic, is_system, lock
from fupin.divisions.models import Division, Level
from fupin.programmes import domains
from fupin.programmes.allocation import FEN, allocate
from fupin.programmes.models import (
    Certificate,
    CertificateKind,
    Cooperative,
    CooperativeMember,
    Course,
    Dividend,
    DividendPayment,
    Employment,
    Industry,
    IndustryParticipation,
    PublicWelfareJob,
    ShareType,
    SubsidyStandard,
    SubsidyStatus,
    Trainee,
    TraineeStatus,
    TrainingProgramme,
    TrainingSubsidy,
)
from fupin.registry.models import Household, Member

# The county's industries named in the plan (烤烟、食用菌、香榧、白茶、毛竹、水产养殖), with their units.
DEFAULT_INDUSTRIES = [("烤烟", "亩"), ("食用菌", "万袋"), ("香榧", "亩"), ("白茶", "亩"), ("毛竹", "亩"),
                      ("水产养殖", "亩")]


def _event(actor, verb: str, obj, *, division_code: str, household_id: int | None = None, summary: str = "",
           before=None, after=None, reason: str = "") -> None:
    audit.record(actor=actor, verb=f"programmes.{verb}", object_type=f"programmes.{obj._meta.model_name}",
                 object_id=obj.pk, county_code=obj.county_code, division_code=division_code,
                 household_id=household_id, summary=summary, before=before, after=after, reason=reason)


def _fields(obj, names: Iterable[str]) -> dict:
    return audit.snapshot(obj, names)


def _area(code: str, *, levels=(Level.TOWNSHIP, Level.VILLAGE), field: str = "division_code") -> Division:
    division = Division.objects.filter(code=code or "").first()
    if division is None or division.level not in levels:
        raise ValidationError({field: _("请选择乡镇或村：%(code)s 不是有效的区划") % {"code": code or "—"}})
    return division


def _not_future(day: dt.date, field: str) -> None:
    if day > clock.today():
        raise ValidationError({field: _("日期不能晚于今天。")})


def _positive(value, field: str, *, allow_zero: bool = False) -> Decimal:
    value = Decimal(value if value is not None else 0)
    if value < 0 or (value == 0 and not allow_zero):
        raise ValidationError({field: _("必须大于 0。") if not allow_zero else _("不能为负数。")})
    return value


def _money(value, field: str, *, allow_zero: bool = True) -> Decimal:
    value = _positive(value, field, allow_zero=allow_zero)
    if value != value.quantize(FEN):
        raise ValidationError({field: _("金额最多精确到分（两位小数）。")})
    return value


def _active_household(household: Household) -> None:
    if not household.is_active:
        raise ValidationError(_("该户已销户，不能登记。"))


def _active_member(member: Member) -> None:
    if not member.is_active:
        raise ValidationError(_("该成员已注销，不能登记。"))


# --- industries -------------------------------------------------------------------------------

@atomic()
def seed_industries(*, actor, county_code: str) -> int:
    """Create the plan's six industries for a county if they are missing; returns how many were made."""
    if not is_system(actor):
        domains.authorize(actor, domains.INDUSTRY, county_code)
    have = set(Industry.objects.filter(county_code=county_code).values_list("name", flat=True))
    made = 0
    for order, (name, unit) in enumerate(DEFAULT_INDUSTRIES):
        if name in have:
            continue
        industry = Industry.objects.create(county_code=county_code, name=name, unit=unit, order=(order + 1) * 10)
        _event(actor, "industry.create", industry, division_code=county_code, summary=name,
               after=_fields(industry, ["name", "unit", "order"]))
        made += 1
    return made


@atomic()
def add_industry(*, actor, county_code: str, name: str, unit: str, order: int = 100) -> Industry:
    domains.authorize(actor, domains.INDUSTRY, county_code)
    name, unit = (name or "").strip(), (unit or "").strip()
    problems = {}
    if not name:
        problems["name"] = [_("请填写产业名称。")]
    if not unit:
        problems["unit"] = [_("请填写规模单位，如：亩、箱、头。")]
    if name and Industry.objects.filter(county_code=county_code, name=name).exists():
        problems["name"] = [_("本县已有产业“%(name)s”。") % {"name": name}]
    if problems:
        raise ValidationError(problems)
    industry = Industry.objects.create(county_code=county_code, name=name, unit=unit, order=order)
    _event(actor, "industry.create", industry, division_code=county_code, summary=name,
           after=_fields(industry, ["name", "unit", "order"]))
    return industry


@atomic()
def set_industry_active(*, actor, industry: Industry, active: bool) -> Industry:
    domains.authorize(actor, domains.INDUSTRY, industry.county_code)
    if industry.active == active:
        return industry
    before = _fields(industry, ["active"])
    industry.active = active
    industry.save(update_fields=["active"])
    _event(actor, "industry.activate" if active else "industry.deactivate", industry,
           division_code=industry.county_code, summary=industry.name, before=before, after=_fields(industry, ["active"]))
    return industry


PARTICIPATION_FIELDS = ["industry", "year", "scale", "expected_income", "support", "support_amount", "started_on",
                        "ended_on", "end_reason"]


@atomic()
def add_participation(*, actor, household: Household, industry: Industry, year: int, scale, started_on: dt.date,
                      expected_income=0, support: str = "", support_amount=0) -> IndustryParticipation:
    domains.authorize(actor, domains.INDUSTRY, household.division_id)
    _active_household(household)
    if industry.county_code != household.county_code or not industry.active:
        raise ValidationError({"industry": _("请选择本县启用的产业。")})
    if not 2000 <= int(year) <= clock.today().year + 1:
        raise ValidationError({"year": _("年度不正确。")})
    scale = _positive(scale, "scale")
    expected_income = _money(expected_income, "expected_income")
    support_amount = _money(support_amount, "support_amount")
    if IndustryParticipation.objects.current().filter(household=household, industry=industry, year=year).exists():
        raise ValidationError({"industry": _("该户 %(year)s 年已登记%(name)s产业。") % {
            "year": year, "name": industry.name}})
    participation = IndustryParticipation.objects.create(
        county_code=household.county_code, division_code=household.division_id, household=household,
        industry=industry, year=year, scale=scale, expected_income=expected_income, support=(support or "").strip(),
        support_amount=support_amount, started_on=started_on)
    _event(actor, "participation.add", participation, division_code=household.division_id,
           household_id=household.pk, summary=f"{household.household_code} {industry.name} {year} {scale}{industry.unit}",
           after=_fields(participation, PARTICIPATION_FIELDS))
    return participation


@atomic()
def end_participation(*, actor, participation: IndustryParticipation, ended_on: dt.date,
                      reason: str) -> IndustryParticipation:
    domains.authorize(actor, domains.INDUSTRY, participation.division_code)
    participation = lock(participation)
    if not participation.is_open:
        raise ValidationError(_("该产业参与已经结束。"))
    if ended_on < participation.started_on:
        raise ValidationError({"ended_on": _("结束日期不能早于开始日期。")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写结束原因。")})
    before = _fields(participation, ["ended_on", "end_reason"])
    participation.ended_on, participation.end_reason = ended_on, reason.strip()
    participation.save(update_fields=["ended_on", "end_reason"])
    _event(actor, "participation.end", participation, division_code=participation.division_code,
           household_id=participation.household_id, summary=participation.end_reason, before=before,
           after=_fields(participation, ["ended_on", "end_reason"]))
    return participation


# --- cooperatives -----------------------------------------------------------------------------

COOPERATIVE_FIELDS = ["division_code", "name", "registration_code", "leader", "phone", "founded_on"]


@atomic()
def create_cooperative(*, actor, division_code: str, name: str, registration_code: str, industries,
                       leader: str, founded_on: dt.date, phone: str = "") -> Cooperative:
    division = _area(division_code)
    domains.authorize(actor, domains.INDUSTRY, division.code)
    industries = list(industries)
    registration_code = (registration_code or "").strip().upper()
    problems = {}
    if not (name or "").strip():
        problems["name"] = [_("请填写合作社名称。")]
    if not registration_code:
        problems["registration_code"] = [_("请填写统一社会信用代码。")]
    elif Cooperative.objects.filter(county_code=division.code[:6], registration_code=registration_code).exists():
        problems["registration_code"] = [_("本县已有此统一社会信用代码的合作社。")]
    if not industries:
        problems["industries"] = [_("请至少选择一个经营产业。")]
    elif any(i.county_code != division.code[:6] for i in industries):
        problems["industries"] = [_("请选择本县的产业。")]
    if not (leader or "").strip():
        problems["leader"] = [_("请填写负责人。")]
    if founded_on and founded_on > clock.today():
        problems["founded_on"] = [_("日期不能晚于今天。")]
    if problems:
        raise ValidationError(problems)
    cooperative = Cooperative.objects.create(
        county_code=division.code[:6], division_code=division.code, name=name.strip(),
        registration_code=registration_code, leader=leader.strip(), phone=(phone or "").strip(), founded_on=founded_on)
    cooperative.industries.set(industries)
    _event(actor, "cooperative.create", cooperative, division_code=division.code, summary=cooperative.name,
           after={**_fields(cooperative, COOPERATIVE_FIELDS), "industries": [i.name for i in industries]})
    return cooperative


def _membership_rules(cooperative: Cooperative, household: Household, shares, share_type: str) -> Decimal:
    _active_household(household)
    if household.county_code != cooperative.county_code:
        raise ValidationError({"household": _("只能吸收本县的农户入股。")})
    if share_type not in ShareType.values:
        raise ValidationError({"share_type": _("请选择入股方式。")})
    return _positive(shares, "shares")


@atomic()
def join_cooperative(*, actor, cooperative: Cooperative, household: Household, shares, share_type: str,
                     joined_on: dt.date) -> CooperativeMember:
    domains.authorize(actor, domains.INDUSTRY, cooperative.division_code)
    shares = _membership_rules(cooperative, household, shares, share_type)
    if joined_on < cooperative.founded_on:
        raise ValidationError({"joined_on": _("入股日期不能早于合作社成立日期。")})
    _not_future(joined_on, "joined_on")
    if CooperativeMember.objects.current().filter(cooperative=cooperative, household=household).exists():
        raise ValidationError({"household": _("该户已是本合作社成员，请修改其股份。")})
    membership = CooperativeMember.objects.create(
        county_code=cooperative.county_code, division_code=household.division_id, cooperative=cooperative,
        household=household, shares=shares, share_type=share_type, joined_on=joined_on)
    _event(actor, "member.join", membership, division_code=household.division_id, household_id=household.pk,
           summary=f"{household.household_code} → {cooperative.name} {shares}",
           after=_fields(membership, ["cooperative", "shares", "share_type", "joined_on"]))
    return membership


def _open_membership(membership: CooperativeMember) -> CooperativeMember:
    membership = lock(membership)
    if not membership.is_open:
        raise ValidationError(_("该户已退股。"))
    return membership


@atomic()
def change_shares(*, actor, membership: CooperativeMember, shares, share_type: str, on: dt.date,
                  reason: str) -> CooperativeMember:
    """Close the current shares on ``on`` and hold the new ones from that day (history kept)."""
    domains.authorize(actor, domains.INDUSTRY, membership.cooperative.division_code)
    membership = _open_membership(membership)
    shares = _membership_rules(membership.cooperative, membership.household, shares, share_type)
    if on <= membership.joined_on:
        raise ValidationError({"on": _("变更日期必须晚于本次入股日期 %(d)s。") % {"d": membership.joined_on}})
    _not_future(on, "on")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写变更原因。")})
    if shares == membership.shares and share_type == membership.share_type:
        raise ValidationError({"shares": _("股份没有变化。")})
    before = _fields(membership, ["shares", "share_type", "left_on"])
    membership.left_on, membership.leave_reason = on, reason.strip()
    membership.save(update_fields=["left_on", "leave_reason"])
    new = CooperativeMember.objects.create(
        county_code=membership.county_code, division_code=membership.household.division_id,
        cooperative=membership.cooperative, household=membership.household, shares=shares, share_type=share_type,
        joined_on=on)
    _event(actor, "member.shares", new, division_code=new.division_code, household_id=new.household_id,
           summary=f"{membership.shares} → {shares}", reason=reason.strip(), before=before,
           after=_fields(new, ["shares", "share_type", "joined_on"]))
    return new


@atomic()
def leave_cooperative(*, actor, membership: CooperativeMember, left_on: dt.date, reason: str) -> CooperativeMember:
    domains.authorize(actor, domains.INDUSTRY, membership.cooperative.division_code)
    membership = _open_membership(membership)
    if left_on <= membership.joined_on:
        raise ValidationError({"left_on": _("退股日期必须晚于入股日期 %(d)s。") % {"d": membership.joined_on}})
    _not_future(left_on, "left_on")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写退股原因。")})
    before = _fields(membership, ["left_on", "leave_reason"])
    membership.left_on, membership.leave_reason = left_on, reason.strip()
    membership.save(update_fields=["left_on", "leave_reason"])
    _event(actor, "member.leave", membership, division_code=membership.division_code,
           household_id=membership.household_id, summary=membership.leave_reason, before=before,
           after=_fields(membership, ["left_on", "leave_reason"]))
    return membership


def dividend_rows(dividend_total: Decimal, memberships: list[tuple[int, int, str, Decimal]]):
    """(membership id, household id, division code, shares) -> payment field dicts, by ``allocate``."""
    amounts = allocate(dividend_total, [(m_id, shares) for m_id, _h, _d, shares in memberships])
    return [{"membership_id": m_id, "household_id": h_id, "division_code": code, "shares": shares,
             "amount": amounts[m_id]} for m_id, h_id, code, shares in memberships if amounts[m_id] > 0]


@atomic()
def declare_dividend(*, actor, cooperative: Cooperative, year: int, total, declared_on: dt.date,
                     note: str = "") -> Dividend:
    """Declare the year's dividend and pay it to the households holding shares on ``declared_on``."""
    domains.authorize(actor, domains.INDUSTRY, cooperative.division_code)
    lock(cooperative)
    total = _money(total, "total", allow_zero=False)
    if not cooperative.founded_on.year <= int(year) <= clock.today().year:
        raise ValidationError({"year": _("分红年度必须在成立年度与今年之间。")})
    if declared_on.year < int(year):
        raise ValidationError({"declared_on": _("宣布日期不能早于分红年度。")})
    _not_future(declared_on, "declared_on")
    if Dividend.objects.filter(cooperative=cooperative, year=year).exists():
        raise ValidationError({"year": _("本合作社 %(year)s 年的分红已经宣布。") % {"year": year}})
    held = list(CooperativeMember.objects.held_on(declared_on).filter(cooperative=cooperative, shares__gt=0)
                .order_by("pk").values_list("pk", "household_id", "division_code", "shares"))
    if not held:
        raise ValidationError(_("宣布日期当天本合作社没有持股成员，不能分红。"))
    whole = sum((s for *_rest, s in held), Decimal(0))
    dividend = Dividend.objects.create(county_code=cooperative.county_code, division_code=cooperative.division_code,
                                       cooperative=cooperative, year=year, total=total, total_shares=whole,
                                       declared_on=declared_on, note=(note or "").strip())
    DividendPayment.objects.bulk_create([
        DividendPayment(county_code=cooperative.county_code, dividend=dividend, **row)
        for row in dividend_rows(total, held)])
    _event(actor, "dividend.declare", dividend, division_code=cooperative.division_code,
           summary=f"{cooperative.name} {year} {total}",
           after={**_fields(dividend, ["year", "total", "total_shares", "declared_on"]), "households": len(held)})
    return dividend


# --- training ---------------------------------------------------------------------------------

COURSE_FIELDS = ["division_code", "name", "programme", "organiser", "place", "start_on", "end_on", "hours",
                 "capacity"]


@atomic()
def create_course(*, actor, division_code: str, name: str, programme: str, organiser: str, place: str,
                  start_on: dt.date, end_on: dt.date, hours: int, capacity: int) -> Course:
    division = _area(division_code, levels=(Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE))
    domains.authorize(actor, domains.EMPLOYMENT, division.code)
    problems = {}
    if not (name or "").strip():
        problems["name"] = [_("请填写培训班名称。")]
    if programme not in TrainingProgramme.values:
        problems["programme"] = [_("请选择培训项目。")]
    if not organiser:
        problems["organiser"] = [_("请选择主办部门。")]
    if end_on < start_on:
        problems["end_on"] = [_("结业日期不能早于开班日期。")]
    if not hours or hours <= 0:
        problems["hours"] = [_("课时必须大于 0。")]
    if not capacity or capacity <= 0:
        problems["capacity"] = [_("计划人数必须大于 0。")]
    if problems:
        raise ValidationError(problems)
    county = division.code[:6]
    course = Course.objects.create(county_code=county, division_code=division.code, name=name.strip(),
                                   programme=programme, organiser=organiser, place=(place or "").strip(),
                                   start_on=start_on, end_on=end_on, hours=hours, capacity=capacity)
    _event(actor, "course.create", course, division_code=division.code, summary=course.name,
           after=_fields(course, COURSE_FIELDS))
    return course


@atomic()
def enroll(*, actor, course: Course, member: Member, enrolled_on: dt.date | None = None) -> Trainee:
    domains.authorize(actor, domains.EMPLOYMENT, course.division_code)
    course = lock(course)  # capacity is checked under the course's lock
    _active_member(member)
    if member.county_code != course.county_code:
        raise ValidationError({"member": _("只能为本县的成员报名。")})
    if Trainee.objects.filter(course=course, member=member).exists():
        raise ValidationError({"member": _("%(name)s 已报名本培训班。") % {"name": member.name}})
    taken = course.trainees.exclude(status=TraineeStatus.DROPPED).count()
    if taken >= course.capacity:
        raise ValidationError(_("培训班已满（计划 %(n)d 人）。") % {"n": course.capacity})
    enrolled_on = enrolled_on or clock.today()
    if enrolled_on > course.end_on:
        raise ValidationError({"enrolled_on": _("培训班已结业，不能再报名。")})
    try:
        with atomic():
            trainee = Trainee.objects.create(county_code=course.county_code, division_code=member.division_code,
                                             course=course, member=member, household_id=member.household_id,
                                             enrolled_on=enrolled_on)
    except IntegrityError as exc:
        raise ValidationError({"member": _("%(name)s 已报名本培训班。") % {"name": member.name}}) from exc
    _event(actor, "trainee.enroll", trainee, division_code=member.division_code, household_id=member.household_id,
           summary=f"{member.name} → {course.name}", after=_fields(trainee, ["course", "member", "enrolled_on"]))
    return trainee


@atomic()
def complete_training(*, actor, trainee: Trainee, completed_on: dt.date) -> Trainee:
    domains.authorize(actor, domains.EMPLOYMENT, trainee.course.division_code)
    trainee = lock(trainee)
    if trainee.status != TraineeStatus.ENROLLED:
        raise ValidationError(_("只有在训学员可以结业。"))
    if completed_on < trainee.course.start_on:
        raise ValidationError({"completed_on": _("结业日期不能早于开班日期。")})
    _not_future(completed_on, "completed_on")
    before = _fields(trainee, ["status", "completed_on"])
    trainee.status, trainee.completed_on = TraineeStatus.COMPLETED, completed_on
    trainee.save(update_fields=["status", "completed_on"])
    _event(actor, "trainee.complete", trainee, division_code=trainee.division_code, household_id=trainee.household_id,
           summary=trainee.course.name, before=before, after=_fields(trainee, ["status", "completed_on"]))
    return trainee


@atomic()
def drop_trainee(*, actor, trainee: Trainee) -> Trainee:
    domains.authorize(actor, domains.EMPLOYMENT, trainee.course.division_code)
    trainee = lock(trainee)
    if trainee.status != TraineeStatus.ENROLLED:
        raise ValidationError(_("只有在训学员可以退出。"))
    before = _fields(trainee, ["status"])
    trainee.status = TraineeStatus.DROPPED
    trainee.save(update_fields=["status"])
    _event(actor, "trainee.drop", trainee, division_code=trainee.division_code, household_id=trainee.household_id,
           before=before, after=_fields(trainee, ["status"]))
    return trainee


@atomic()
def issue_certificate(*, actor, trainee: Trainee, kind: str, occupation: str, number: str,
                      issued_on: dt.date) -> Certificate:
    domains.authorize(actor, domains.EMPLOYMENT, trainee.course.division_code)
    trainee = lock(trainee)
    problems = {}
    if trainee.status != TraineeStatus.COMPLETED:
        problems.setdefault("__all__", []).append(_("学员结业后才能登记证书。"))
    if kind not in CertificateKind.values:
        problems["kind"] = [_("请选择证书类型（技能资格证书或技术等级证书）。")]
    number = (number or "").strip()
    if not number:
        problems["number"] = [_("请填写证书编号。")]
    elif Certificate.objects.filter(county_code=trainee.county_code, kind=kind, number=number).exists():
        problems["number"] = [_("该证书编号已登记。")]
    if not (occupation or "").strip():
        problems["occupation"] = [_("请填写职业（工种）。")]
    if trainee.completed_on and issued_on < trainee.completed_on:
        problems["issued_on"] = [_("发证日期不能早于结业日期。")]
    elif issued_on > clock.today():
        problems["issued_on"] = [_("日期不能晚于今天。")]
    if problems:
        raise ValidationError(problems)
    certificate = Certificate.objects.create(county_code=trainee.county_code, division_code=trainee.division_code,
                                             trainee=trainee, kind=kind, occupation=occupation.strip(), number=number,
                                             issued_on=issued_on)
    _event(actor, "certificate.issue", certificate, division_code=trainee.division_code,
           household_id=trainee.household_id, summary=f"{certificate.get_kind_display()} {number}",
           after=_fields(certificate, ["kind", "occupation", "number", "issued_on"]))
    return certificate


@atomic()
def set_subsidy_standard(*, actor, county_code: str, year: int, kind: str, amount) -> SubsidyStandard:
    domains.authorize(actor, domains.EMPLOYMENT, county_code)
    if kind not in CertificateKind.values:
        raise ValidationError({"kind": _("请选择证书类型。")})
    amount = _money(amount, "amount", allow_zero=False)
    standard = SubsidyStandard.objects.filter(county_code=county_code, year=year, kind=kind).first()
    before = _fields(standard, ["amount"]) if standard else None
    if standard is None:
        standard = SubsidyStandard.objects.create(county_code=county_code, year=year, kind=kind, amount=amount)
    else:
        standard.amount = amount
        standard.save(update_fields=["amount"])
    _event(actor, "subsidy_standard.set", standard, division_code=county_code,
           summary=f"{year} {standard.get_kind_display()} {amount}", before=before, after=_fields(standard, ["amount"]))
    return standard


@atomic()
def grant_subsidy(*, actor, certificate: Certificate, granted_on: dt.date | None = None) -> TrainingSubsidy:
    """The subsidy for a certificate (凭证直接补助): once per certificate, at the year's standard."""
    trainee = certificate.trainee
    domains.authorize(actor, domains.EMPLOYMENT, trainee.course.division_code)
    lock(certificate)
    if TrainingSubsidy.objects.filter(certificate=certificate).exists():
        raise ValidationError(_("该证书已核定补助，一证只补一次。"))
    year = certificate.issued_on.year
    standard = SubsidyStandard.objects.filter(county_code=certificate.county_code, year=year,
                                              kind=certificate.kind).first()
    if standard is None:
        raise ValidationError(_("%(year)s 年%(kind)s的补助标准尚未设定。") % {
            "year": year, "kind": certificate.get_kind_display()})
    subsidy = TrainingSubsidy.objects.create(
        county_code=certificate.county_code, division_code=certificate.division_code, member_id=trainee.member_id,
        certificate=certificate, year=year, amount=standard.amount, granted_on=granted_on or clock.today())
    _event(actor, "subsidy.grant", subsidy, division_code=subsidy.division_code, household_id=trainee.household_id,
           summary=f"{certificate.number} {subsidy.amount}", after=_fields(subsidy, ["certificate", "amount", "year"]))
    return subsidy


@atomic()
def mark_subsidy_paid(*, actor, subsidy: TrainingSubsidy, paid_on: dt.date) -> TrainingSubsidy:
    domains.authorize(actor, domains.EMPLOYMENT, subsidy.division_code)
    subsidy = lock(subsidy)
    if subsidy.status == SubsidyStatus.PAID:
        raise ValidationError(_("该补助已发放。"))
    if paid_on < subsidy.granted_on:
        raise ValidationError({"paid_on": _("发放日期不能早于核定日期。")})
    _not_future(paid_on, "paid_on")
    before = _fields(subsidy, ["status", "paid_on"])
    subsidy.status, subsidy.paid_on = SubsidyStatus.PAID, paid_on
    subsidy.save(update_fields=["status", "paid_on"])
    _event(actor, "subsidy.pay", subsidy, division_code=subsidy.division_code,
           household_id=subsidy.member.household_id, summary=str(subsidy.amount), before=before,
           after=_fields(subsidy, ["status", "paid_on"]))
    return subsidy


# --- employment and public-welfare jobs -------------------------------------------------------

EMPLOYMENT_FIELDS = ["trainee", "employer", "place", "started_on", "ended_on", "monthly_wage"]


@atomic()
def record_employment(*, actor, member: Member, employer: str, place: str, started_on: dt.date, monthly_wage,
                      trainee: Trainee | None = None) -> Employment:
    domains.authorize(actor, domains.EMPLOYMENT, member.division_code)
    _active_member(member)
    problems = {}
    if not (employer or "").strip():
        problems["employer"] = [_("请填写用工单位。")]
    if not (place or "").strip():
        problems["place"] = [_("请填写就业地点。")]
    if trainee is not None and trainee.member_id != member.pk:
        problems["trainee"] = [_("培训记录不是该成员的。")]
    if problems:
        raise ValidationError(problems)
    _not_future(started_on, "started_on")
    monthly_wage = _money(monthly_wage, "monthly_wage", allow_zero=False)
    employment = Employment.objects.create(
        county_code=member.county_code, division_code=member.division_code, member=member,
        household_id=member.household_id, trainee=trainee, employer=employer.strip(), place=place.strip(),
        started_on=started_on, monthly_wage=monthly_wage)
    _event(actor, "employment.add", employment, division_code=member.division_code, household_id=member.household_id,
           summary=f"{member.name} {employment.employer}", after=_fields(employment, EMPLOYMENT_FIELDS))
    return employment


@atomic()
def end_employment(*, actor, employment: Employment, ended_on: dt.date) -> Employment:
    domains.authorize(actor, domains.EMPLOYMENT, employment.division_code)
    employment = lock(employment)
    if employment.ended_on is not None:
        raise ValidationError(_("该就业记录已结束。"))
    if ended_on < employment.started_on:
        raise ValidationError({"ended_on": _("离职日期不能早于就业日期。")})
    _not_future(ended_on, "ended_on")
    before = _fields(employment, ["ended_on"])
    employment.ended_on = ended_on
    employment.save(update_fields=["ended_on"])
    _event(actor, "employment.end", employment, division_code=employment.division_code,
           household_id=employment.household_id, before=before, after=_fields(employment, ["ended_on"]))
    return employment


@atomic()
def add_welfare_job(*, actor, division_code: str, post: str, member: Member, started_on: dt.date,
                    monthly_pay) -> PublicWelfareJob:
    division = _area(division_code)
    domains.authorize(actor, domains.EMPLOYMENT, division.code)
    _active_member(member)
    if member.county_code != division.code[:6]:
        raise ValidationError({"member": _("只能安排本县的成员上岗。")})
    if not (post or "").strip():
        raise ValidationError({"post": _("请填写岗位名称。")})
    _not_future(started_on, "started_on")
    monthly_pay = _money(monthly_pay, "monthly_pay", allow_zero=False)
    if PublicWelfareJob.objects.filter(member=member, ended_on__isnull=True).exists():
        raise ValidationError({"member": _("%(name)s 已在公益性岗位上，一人只能占一个岗位。") % {"name": member.name}})
    job = PublicWelfareJob.objects.create(county_code=division.code[:6], division_code=division.code,
                                          post=post.strip(), member=member, household_id=member.household_id,
                                          started_on=started_on, monthly_pay=monthly_pay)
    _event(actor, "welfare_job.add", job, division_code=division.code, household_id=member.household_id,
           summary=f"{job.post} {member.name}", after=_fields(job, ["post", "member", "started_on", "monthly_pay"]))
    return job


@atomic()
def end_welfare_job(*, actor, job: PublicWelfareJob, ended_on: dt.date, reason: str) -> PublicWelfareJob:
    domains.authorize(actor, domains.EMPLOYMENT, job.division_code)
    job = lock(job)
    if job.ended_on is not None:
        raise ValidationError(_("该岗位人员已离岗。"))
    if ended_on < job.started_on:
        raise ValidationError({"ended_on": _("离岗日期不能早于上岗日期。")})
    _not_future(ended_on, "ended_on")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写离岗原因。")})
    before = _fields(job, ["ended_on", "end_reason"])
    job.ended_on, job.end_reason = ended_on, reason.strip()
    job.save(update_fields=["ended_on", "end_reason"])
    _event(actor, "welfare_job.end", job, division_code=job.division_code, household_id=job.household_id,
           summary=job.end_reason, before=before, after=_fields(job, ["ended_on", "end_reason"]))
    return job

