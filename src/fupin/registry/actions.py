"""Writes on the registers. Each function is one recorded change: it checks the actor's right and
area, validates with ``rules``, saves, and writes audit events in the same transaction.

Views, forms, the importer, the API and commands call these; nothing else saves registry models.
``actor=SYSTEM`` means the system itself (the demo generator, a migration of data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts.roles import Cap
from fupin.core import audit, clock, years
from fupin.core.actions import AREA, REASONS, atomic, denied, is_system, lock
from fupin.core.actions import authorize as core_authorize
from fupin.core.masking import MASKERS
from fupin.core.scope import root_code, scope_for
from fupin.divisions.models import Division, Level
from fupin.registry import codes, idnumber, rules
from fupin.registry.models import Household, HouseholdIncome, Member, RiskType, VillageProfile, WorkTeamMember

HOUSEHOLD_FIELDS = [
    "group_name", "phone", "bank_name", "bank_account", "household_type", "poverty_attribute",
    "identification_standard", "identification_year", "exit_year", "enjoys_policy", "monitoring_type",
    "monitoring_start", "risk_types", "main_cause", "other_cause_1", "other_cause_2", "military_family", "one_child",
    "two_daughters", "farmland_area", "forest_area", "cooperative_member", "house_grade", "house_renovated",
    "house_area", "safe_water", "sanitary_toilet", "has_power", "main_fuel", "access_road",
    "relocation_willing", "relocated", "helper_name", "helper_unit", "helper_phone",
]
HOUSEHOLD_TRACKED = [*HOUSEHOLD_FIELDS, "household_code", "division", "status", "closed_on", "close_reason",
                     "helper_user"]
MEMBER_FIELDS = [
    "name", "sex", "birth_date", "id_type", "id_number", "relation", "ethnicity", "political_status",
    "education", "schooling", "dropout_reason", "chronic_illness", "serious_illness", "disabled",
    "disability_category", "disability_grade", "disability_cert_year", "labour_skill", "work_status",
    "work_months", "workplace", "public_welfare_job", "public_welfare_job_months", "medical_insurance",
    "critical_illness_insurance", "commercial_insurance", "medical_aid", "dibao", "tekun",
    "pension_insurance", "speaks_putonghua", "work_willing",
]
MEMBER_TRACKED = [*MEMBER_FIELDS, "status", "joined_on", "join_reason", "removed_on", "removal_reason"]
TRANSFER_ITEMS = list(codes.TRANSFER_ITEMS)
INCOME_FIELDS = ["wage_income", "business_income", "property_income", "property_dividends", "transfer_income",
                 *TRANSFER_ITEMS, "production_costs", "insurance_payouts", "medical_out_of_pocket"]
VILLAGE_FIELDS = [
    "poverty_status", "listed_12th_plan", "listed_13th_plan", "exit_year", "infrastructure_lagging",
    "industry_lagging", "weak_leadership", "ethnic_minority_village", "whole_village_programme",
    "mutual_aid_fund", "disasters_last_year", "collective_income", "paved_road", "tap_water", "power_grid",
    "clinic", "broadband", "hamlet_count", "group_count", "household_count", "population",
    "minority_population", "labour_force", "trained_labour", "migrant_workers", "migrant_outside_province",
    "relocation_needed", "relocation_done",
]
WORKTEAM_FIELDS = ["name", "role", "unit", "phone", "started_on", "ended_on"]


# --- guards -----------------------------------------------------------------------------------

def authorize(actor, capability: str, *, division_code: str = "", household: Household | None = None) -> None:
    """Refuse unless ``actor`` has the capability and the object lies in the actor's scope (for a
    helper: one of their households). The core's one authorization (core.actions.authorize)."""
    if not is_system(actor) and household is None and not division_code:
        raise denied(REASONS[AREA](None))
    core_authorize(actor, capability=capability, area=division_code, household=household)


def _raise(problems: list[tuple[str, str]]) -> None:
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field, []).append(message)
        raise ValidationError(errors)


def _require_active(obj) -> None:
    if not obj.is_active:
        raise ValidationError(_("已注销的记录不能修改。"))


def _resize(household: Household, delta: int) -> None:
    Household.objects.filter(county_code=household.county_code, pk=household.pk).update(size=F("size") + delta)
    household.refresh_from_db(fields=["size"])


def _village(code: str) -> Division:
    division = Division.objects.filter(code=code).first()
    if division is None or division.level != Level.VILLAGE:
        raise ValidationError({"division": _("村级区划代码不存在：%(code)s") % {"code": code}})
    return division


def _event(actor, verb: str, obj, *, household: Household, summary: str, before=None, after=None, reason=""):
    audit.record(
        actor=actor, verb=verb, object_type=f"registry.{obj._meta.model_name}", object_id=obj.pk,
        county_code=household.county_code, division_code=household.division_id, household_id=household.pk,
        summary=summary, reason=reason, before=before, after=after,
    )


# --- members ----------------------------------------------------------------------------------

def normalise_member(fields: Mapping, *, exclude_member_id: int | None = None) -> dict:
    """Parse the ID, fill sex and birth date from it, run the member checks and the one-household rule.

    Returns the cleaned field dict; raises ValidationError keyed by field.
    """
    data = dict(fields)
    try:
        parsed = idnumber.parse(data.get("id_number"))
    except idnumber.IdNumberError as exc:
        raise ValidationError({"id_number": [exc.message]}) from exc
    data["id_number"] = parsed.number
    data["_parsed_id"] = parsed
    if parsed.disability_category:
        data["id_type"] = codes.IdType.DISABILITY_CARD
        data["disabled"] = True
        data["disability_category"] = data.get("disability_category") or parsed.disability_category
        data["disability_grade"] = data.get("disability_grade") or parsed.disability_grade
    problems = rules.check_member(data)
    data["sex"] = data.get("sex") or parsed.sex
    data["birth_date"] = data.get("birth_date") or parsed.birth_date
    # Across every county (a person lives in one household in the country): the member alone, then
    # its household within its county (on Citus a join here would repartition both tables).
    clash = Member.objects.active().filter(id_number=parsed.number)
    if exclude_member_id:
        clash = clash.exclude(pk=exclude_member_id)
    other = clash.only("pk", "name", "county_code", "household_id").order_by("pk").first()
    if other is not None:
        code = (Household.objects.filter(county_code=other.county_code, pk=other.household_id)
                .values_list("household_code", flat=True).first())
        problems.append(("id_number", _("该证件号码已登记在户 %(code)s（%(name)s），一人只能属于一户") % {
            "code": code, "name": other.name}))
    _raise(problems)
    data.pop("_parsed_id")
    return data


def _check_composition(household: Household, *, replace: Member | None = None, extra: Mapping | None = None,
                       drop: Member | None = None) -> None:
    people = []
    for m in household.members.active():
        if drop is not None and m.pk == drop.pk:
            continue
        if replace is not None and m.pk == replace.pk:
            people.append({"relation": replace.relation, "sex": replace.sex})
        else:
            people.append({"relation": m.relation, "sex": m.sex})
    if extra is not None:
        people.append(extra)
    _raise(rules.check_composition(people))


def add_member(*, actor, household: Household, fields: Mapping, join_reason: str = codes.JoinReason.INITIAL,
               joined_on: dt.date | None = None, reason: str = "") -> Member:
    authorize(actor, Cap.RESTRUCTURE, household=household)
    _require_active(household)
    data = normalise_member({k: v for k, v in fields.items() if k in MEMBER_FIELDS})
    _check_composition(household, extra={"relation": data.get("relation"), "sex": data["sex"]})
    with atomic():
        member = Member(household=household, county_code=household.county_code,
                        division_code=household.division_id, join_reason=join_reason,
                        joined_on=joined_on or clock.today(), **data)
        member.save()
        _resize(household, +1)
        _event(actor, "member.add", member, household=household, reason=reason,
               summary=_("增加成员 %(name)s（%(why)s）") % {"name": member.name,
                                                         "why": codes.JoinReason(join_reason).label},
               after=audit.snapshot(member, MEMBER_TRACKED))
    return member


def update_member(*, actor, member: Member, changes: Mapping, reason: str = "") -> Member:
    household = member.household
    authorize(actor, Cap.EDIT_REGISTRY, household=household)
    _require_active(member)
    unknown = set(changes) - set(MEMBER_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    if "relation" in changes and (changes["relation"] == codes.Relation.HEAD) != (member.relation == codes.Relation.HEAD):
        raise ValidationError({"relation": _("变更户主请使用“变更户主”操作。")})
    current = {f: getattr(member, f) for f in MEMBER_FIELDS}
    if changes.get("id_number") and changes["id_number"] != member.id_number:
        # A corrected ID brings its own sex and birth date unless they are given too.
        current.pop("sex")
        current.pop("birth_date")
    data = normalise_member({**current, **changes}, exclude_member_id=member.pk)
    before = audit.snapshot(member, MEMBER_TRACKED)
    for name in MEMBER_FIELDS:
        setattr(member, name, data.get(name, getattr(member, name)))
    _check_composition(household, replace=member)
    old, new = audit.diff(before, audit.snapshot(member, MEMBER_TRACKED))
    if not new:
        return member
    with atomic():
        member.save()
        _event(actor, "member.update", member, household=household, before=old, after=new, reason=reason,
               summary=_("修改成员 %(name)s 的信息") % {"name": member.name})
    return member


def remove_member(*, actor, member: Member, reason_code: str, removed_on: dt.date | None = None,
                  note: str = "") -> Member:
    """减人: the member leaves the household (death, marriage, move...). The record is kept."""
    household = member.household
    authorize(actor, Cap.RESTRUCTURE, household=household)
    _require_active(member)
    if member.relation == codes.Relation.HEAD:
        raise ValidationError(_("不能直接减去户主：请先变更户主，或注销整户。"))
    if reason_code not in codes.RemovalReason.values or reason_code == codes.RemovalReason.HOUSEHOLD_CLOSED:
        raise ValidationError({"reason_code": _("请选择减员原因。")})
    with atomic():
        _deactivate(actor, member, household, reason_code, removed_on, note)
    return member


def _deactivate(actor, member, household, reason_code, removed_on, note):
    before = audit.snapshot(member, MEMBER_TRACKED)
    member.status = codes.RecordStatus.REMOVED
    member.removal_reason = reason_code
    member.removed_on = removed_on or clock.today()
    member.save()
    _resize(household, -1)
    old, new = audit.diff(before, audit.snapshot(member, MEMBER_TRACKED))
    _event(actor, "member.remove", member, household=household, before=old, after=new, reason=note,
           summary=_("减少成员 %(name)s（%(why)s）") % {"name": member.name,
                                                     "why": codes.RemovalReason(reason_code).label})


def _moved_since(member: Member) -> str:
    """Why ``member``'s removal cannot be undone because the person lives on elsewhere: an active
    record of the same ID in another household, or a later record of theirs (moved in since). ''."""
    later = (Member.objects.filter(id_number=member.id_number).exclude(pk=member.pk)
             .filter(Q(status=codes.RecordStatus.ACTIVE) | Q(pk__gt=member.pk)).select_related("household")
             .order_by("-pk").first())
    if later is None:
        return ""
    return _("%(name)s 此后已转入户 %(code)s，不能恢复到本户。") % {"name": member.name,
                                                       "code": later.household.household_code}


def undoable(day: dt.date | None, county_code: str) -> bool:
    """May a removal or close on ``day`` still be undone? While its year is open: until the county
    closes that year (关账), or, for a year the county never opened as a working year, within the
    calendar year. After that it stays in the history."""
    if day is None:
        return False
    state = years.state(county_code, day.year)
    return state == years.OPEN or (state is None and day.year == clock.today().year)


def _same_year(day: dt.date | None, what: str, county_code: str) -> None:
    if not undoable(day, county_code):
        raise ValidationError(_("%(what)s发生在 %(y)s 年，该年度已结束，不能恢复；如确有需要，请按新增办理。") % {
            "what": what, "y": day.year if day else "—"})


def _restore(actor, member: Member, household: Household, reason: str, summary: str) -> None:
    before = audit.snapshot(member, MEMBER_TRACKED)
    member.status = codes.RecordStatus.ACTIVE
    member.removal_reason = ""
    member.removed_on = None
    member.save()
    _resize(household, +1)
    old, new = audit.diff(before, audit.snapshot(member, MEMBER_TRACKED))
    _event(actor, "member.restore", member, household=household, before=old, after=new, reason=reason,
           summary=summary)


def restore_member(*, actor, member: Member, reason: str) -> Member:
    """Undo a 减人 in the same year (a wrong click, a mistaken death): the member is active again and
    the removal stays in the history. Refused after the year ended, for a person who has been moved
    into another household since, and in a closed household (reopen the household instead)."""
    household = member.household
    authorize(actor, Cap.RESTRUCTURE, household=household)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写恢复原因。")})
    with atomic():
        lock(household)
        lock(member)
        if member.is_active:
            raise ValidationError(_("%(name)s 在册，无需恢复。") % {"name": member.name})
        if not household.is_active or member.removal_reason == codes.RemovalReason.HOUSEHOLD_CLOSED:
            raise ValidationError(_("%(name)s 随户注销：请恢复整户。") % {"name": member.name})
        _same_year(member.removed_on, _("该次减员"), household.county_code)
        if moved := _moved_since(member):
            raise ValidationError(moved)
        _check_composition(household, extra={"relation": member.relation, "sex": member.sex})
        why = codes.RemovalReason(member.removal_reason).label if member.removal_reason else ""
        _restore(actor, member, household, reason,
                 _("恢复成员 %(name)s（撤销减员：%(why)s）") % {"name": member.name, "why": why})
    return member


def reopen_household(*, actor, household: Household, reason: str) -> Household:
    """Undo a 销户 in the same year: the household and the members closed with it are active again.
    Refused after the year ended, for a household merged into another, and when one of its members
    has been moved into another household since."""
    authorize(actor, Cap.RESTRUCTURE, household=household)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写恢复原因。")})
    with atomic():
        lock(household)
        if household.is_active:
            raise ValidationError(_("该户在册，无需恢复。"))
        _same_year(household.closed_on, _("该次销户"), household.county_code)
        if household.close_reason == codes.CloseReason.MERGED:
            raise ValidationError(_("该户已合户并入其他户，成员已转入他户，不能恢复。"))
        members = list(household.members.filter(status=codes.RecordStatus.REMOVED,
                                                removal_reason=codes.RemovalReason.HOUSEHOLD_CLOSED,
                                                removed_on=household.closed_on).order_by("pk"))
        if not members:
            raise ValidationError(_("该户没有随户注销的成员，不能恢复。"))
        moved = [m for m in (_moved_since(member) for member in members) if m]
        if moved:
            raise ValidationError(moved)
        before = audit.snapshot(household, HOUSEHOLD_TRACKED)
        why = codes.CloseReason(household.close_reason).label if household.close_reason else ""
        household.status = codes.RecordStatus.ACTIVE
        household.close_reason = ""
        household.closed_on = None
        household.save()
        for member in members:
            _restore(actor, member, household, reason, _("恢复成员 %(name)s（随户恢复）") % {"name": member.name})
        old, new = audit.diff(before, audit.snapshot(household, HOUSEHOLD_TRACKED))
        _event(actor, "household.reopen", household, household=household, before=old, after=new, reason=reason,
               summary=_("恢复该户（撤销销户：%(why)s）") % {"why": why})
    return household


def change_head(*, actor, household: Household, new_head: Member, relations: Mapping[int, str],
                reason: str = "") -> Household:
    """Make ``new_head`` the head; ``relations`` gives every other active member's new relation."""
    authorize(actor, Cap.RESTRUCTURE, household=household)
    _require_active(household)
    members = list(household.members.active())
    if new_head.pk not in {m.pk for m in members}:
        raise ValidationError({"new_head": _("新户主须是本户在册成员。")})
    planned = []
    for m in members:
        relation = codes.Relation.HEAD if m.pk == new_head.pk else relations.get(m.pk, m.relation)
        if m.pk != new_head.pk and relation == codes.Relation.HEAD:
            raise ValidationError({"relations": _("请为原户主 %(name)s 选择新的与户主关系。") % {"name": m.name}})
        if relation not in codes.Relation.values:
            raise ValidationError({"relations": _("与户主关系无效：%(v)s") % {"v": relation}})
        planned.append((m, relation))
    _raise(rules.check_composition({"relation": r, "sex": m.sex} for m, r in planned))
    with atomic():
        for m, relation in planned:
            if m.relation == relation:
                continue
            before = audit.snapshot(m, MEMBER_TRACKED)
            m.relation = relation
            m.save(update_fields=["relation", "updated_at"])
            old, new = audit.diff(before, audit.snapshot(m, MEMBER_TRACKED))
            _event(actor, "household.change_head", m, household=household, before=old, after=new, reason=reason,
                   summary=_("变更户主为 %(name)s：%(who)s 改为“%(rel)s”") % {
                       "name": new_head.name, "who": m.name, "rel": codes.Relation(relation).label})
    return household


# --- households -------------------------------------------------------------------------------

def _household_data(fields: Mapping, county_code: str) -> dict:
    data = {k: v for k, v in fields.items() if k in HOUSEHOLD_FIELDS}
    if "risk_types" in data:
        data["risk_types"] = risk_type_codes(data["risk_types"], county_code)
    _raise(rules.check_household(data))
    return data


def risk_type_codes(value, county_code: str) -> str:
    """Risk types as stored: a list (or a comma-separated text) of codes, checked against the county's
    active list, sorted, each once, joined by commas."""
    from fupin.registry.selectors import risk_types

    given = value.split(",") if isinstance(value, str) else list(value or [])
    given = sorted({str(c).strip() for c in given if str(c).strip()})
    known = {t.code for t in risk_types(county_code)}
    unknown = [c for c in given if c not in known]
    if unknown:
        raise ValidationError({"risk_types": _("未知或未启用的风险类型代码：%(c)s") % {"c": "、".join(unknown)}})
    return ",".join(given)


def next_household_code(division_code: str) -> str:
    """A new code inside the village: the 12-digit village code and a 5-digit sequence."""
    last = (Household.objects.filter(county_code=division_code[:6], household_code__startswith=division_code,
                                     household_code__regex=r"^\d{17}$")
            .aggregate(m=Max("household_code"))["m"])
    seq = int(last[12:]) + 1 if last else 1
    return f"{division_code}{seq:05d}"


def create_household(*, actor, division_code: str, fields: Mapping, head: Mapping,
                     household_code: str | None = None, reason: str = "") -> Household:
    authorize(actor, Cap.RESTRUCTURE, division_code=division_code)
    village = _village(division_code)
    data = _household_data(fields, village.county_code)
    head_data = normalise_member({**head, "relation": codes.Relation.HEAD})
    code = (household_code or "").strip() or next_household_code(village.code)
    if Household.objects.filter(county_code=village.county_code, household_code=code).exists():
        raise ValidationError({"household_code": _("户编号 %(code)s 已存在。") % {"code": code}})
    with atomic():
        household = Household(county_code=village.county_code, division=village, household_code=code, **data)
        household.save()
        _event(actor, "household.create", household, household=household, reason=reason,
               summary=_("建档：户编号 %(code)s") % {"code": code},
               after=audit.snapshot(household, HOUSEHOLD_TRACKED))
        member = Member(household=household, county_code=household.county_code, division_code=village.code,
                        joined_on=clock.today(), **head_data)
        member.save()
        _resize(household, +1)
        _event(actor, "member.add", member, household=household,
               summary=_("登记户主 %(name)s") % {"name": member.name},
               after=audit.snapshot(member, MEMBER_TRACKED))
    return household


def update_household(*, actor, household: Household, changes: Mapping, reason: str = "",
                     capability: str = Cap.EDIT_REGISTRY) -> Household:
    """Correct household fields. A programme app that has already checked its own right (e.g. a
    renovation accepted by the housing office) passes that ``capability`` instead of EDIT_REGISTRY."""
    authorize(actor, capability, household=household)
    unknown = set(changes) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    with atomic():
        # the row as it is now, locked: two people editing the same household each change what they
        # changed, and the second edit applies on top of the first instead of writing back old values
        lock(household)
        _require_active(household)
        before = audit.snapshot(household, HOUSEHOLD_TRACKED)
        merged = {f: getattr(household, f) for f in HOUSEHOLD_FIELDS} | dict(changes)
        data = _household_data(merged, household.county_code)
        for name, value in data.items():
            setattr(household, name, value)
        old, new = audit.diff(before, audit.snapshot(household, HOUSEHOLD_TRACKED))
        if not new:
            return household
        household.save()
        _event(actor, "household.update", household, household=household, before=old, after=new, reason=reason,
               summary=_("修改户信息"))
    return household


def itemise_transfers(income: HouseholdIncome, values: Mapping) -> None:
    """Keep 转移性收入 the sum of its items. Given a total (``transfer_income``), 其他 is what the named
    items leave of it; given only items, the total is their sum. Raises when the items exceed the total
    or the dividends exceed the property income."""
    named = sum((getattr(income, f) for f in TRANSFER_ITEMS if f != "transfer_other"), Decimal(0))
    if values.get("transfer_income") is not None:
        rest = income.transfer_income - named
        if rest < 0:
            raise ValidationError({"transfer_income": _(
                "转移性收入（%(t)s 元）小于其明细之和（%(n)s 元）") % {"t": f"{income.transfer_income:,.2f}",
                                                          "n": f"{named:,.2f}"}})
        if values.get("transfer_other") is not None and income.transfer_other != rest:
            raise ValidationError({"transfer_other": _(
                "转移性收入各项之和（%(s)s 元）与转移性收入（%(t)s 元）不符") % {
                    "s": f"{named + income.transfer_other:,.2f}", "t": f"{income.transfer_income:,.2f}"}})
        income.transfer_other = rest
    else:
        income.transfer_income = named + income.transfer_other
    if income.property_dividends > income.property_income:
        raise ValidationError({"property_dividends": _("资产收益分红（%(d)s 元）不能大于财产性收入（%(p)s 元）") % {
            "d": f"{income.property_dividends:,.2f}", "p": f"{income.property_income:,.2f}"}})


def set_income(*, actor, household: Household, year: int, values: Mapping, reason: str = "") -> HouseholdIncome:
    """A household's income of one year. 转移性收入 is kept equal to the sum of its items
    (``itemise_transfers``): give the items (the total follows) or the total (其他 takes the rest)."""
    authorize(actor, Cap.EDIT_REGISTRY, household=household)
    _require_active(household)
    this_year = clock.today().year
    if not (2000 <= int(year) <= this_year):
        raise ValidationError({"year": _("收入年度应在 2000 至 %(y)d 之间") % {"y": this_year}})
    negative = [k for k in INCOME_FIELDS if values.get(k) is not None and values[k] < 0]
    if negative:
        raise ValidationError({k: _("金额不能为负数") for k in negative})
    with atomic():
        income = (HouseholdIncome.objects.select_for_update()
                  .filter(county_code=household.county_code, household=household, year=year).first())
        before = audit.snapshot(income, INCOME_FIELDS) if income else None
        if income is None:
            income = HouseholdIncome(household=household, county_code=household.county_code, year=year)
        for name in INCOME_FIELDS:
            if name in values and values[name] is not None:
                setattr(income, name, values[name])
        itemise_transfers(income, values)
        after = audit.snapshot(income, INCOME_FIELDS)
        old, new = audit.diff(before or {}, after)
        if before is not None and not new:
            return income
        income.save()
        _event(actor, "household.income", income, household=household, reason=reason,
               before=old if before is not None else None, after={**new, "year": int(year)},
               summary=_("%(y)s 年度收入") % {"y": year})
    return income


def move_household(*, actor, household: Household, division_code: str, group_name: str = "",
                   reason: str = "") -> Household:
    """The household moves to another village (its members move with it)."""
    authorize(actor, Cap.RESTRUCTURE, household=household)
    authorize(actor, Cap.RESTRUCTURE, division_code=division_code)
    _require_active(household)
    village = _village(division_code)
    if village.code == household.division_id and group_name == household.group_name:
        raise ValidationError({"division": _("迁入地与现住地相同。")})
    if village.county_code != household.county_code:
        raise ValidationError({"division": _("跨县迁移须由迁出县注销、迁入县重新建档。")})
    before = audit.snapshot(household, HOUSEHOLD_TRACKED)
    old_name = str(Division.objects.get(code=household.division_id))
    with atomic():
        household.division = village
        household.group_name = group_name
        household.save()
        household.members.update(division_code=village.code)
        old, new = audit.diff(before, audit.snapshot(household, HOUSEHOLD_TRACKED))
        _event(actor, "household.move", household, household=household, before=old, after=new, reason=reason,
               summary=_("由 %(a)s 迁至 %(b)s") % {"a": old_name, "b": village.name})
    return household


def close_household(*, actor, household: Household, reason_code: str, closed_on: dt.date | None = None,
                    note: str = "") -> Household:
    """销户: the whole household leaves the register; its members are closed with it. Nothing is deleted."""
    authorize(actor, Cap.RESTRUCTURE, household=household)
    _require_active(household)
    if reason_code not in codes.CloseReason.values:
        raise ValidationError({"reason_code": _("请选择销户原因。")})
    day = closed_on or clock.today()
    before = audit.snapshot(household, HOUSEHOLD_TRACKED)
    with atomic():
        for member in household.members.active():
            _deactivate(actor, member, household, codes.RemovalReason.HOUSEHOLD_CLOSED, day, note)
        household.status = codes.RecordStatus.REMOVED
        household.close_reason = reason_code
        household.closed_on = day
        household.save()
        old, new = audit.diff(before, audit.snapshot(household, HOUSEHOLD_TRACKED))
        _event(actor, "household.close", household, household=household, before=old, after=new, reason=note,
               summary=_("销户（%(why)s）") % {"why": codes.CloseReason(reason_code).label})
    return household


def assign_helper(*, actor, household: Household, helper, reason: str = "") -> Household:
    """Link the household to a helper's account (their name, unit and phone are copied onto the card)."""
    authorize(actor, Cap.RESTRUCTURE, household=household)
    before = audit.snapshot(household, HOUSEHOLD_TRACKED)
    household.helper_user = helper
    if helper is not None:
        household.helper_name = helper.full_name or helper.username
        household.helper_unit = helper.organisation
        household.helper_phone = helper.phone
    old, new = audit.diff(before, audit.snapshot(household, HOUSEHOLD_TRACKED))
    if not new:
        return household
    with atomic():
        household.save()
        _event(actor, "household.assign_helper", household, household=household, before=old, after=new,
               reason=reason, summary=_("指定帮扶责任人 %(n)s") % {"n": household.helper_name or "-"})
    return household


# --- personal data ----------------------------------------------------------------------------

REVEALABLE = {("member", "id_number"), ("household", "phone"), ("household", "bank_account"),
              ("household", "helper_phone")}


def reveal_personal(*, actor, obj: Household | Member, field: str) -> str:
    """Return an unmasked value and record who looked at it."""
    kind = obj._meta.model_name
    if (kind, field) not in REVEALABLE:
        raise PermissionDenied(_("该字段不可显示。"))
    household = obj if isinstance(obj, Household) else obj.household
    authorize(actor, Cap.REVEAL_PERSONAL, household=household)
    value = getattr(obj, field)
    with atomic():
        audit.record(
            actor=actor, verb="personal.reveal", object_type=f"registry.{kind}", object_id=obj.pk,
            county_code=household.county_code, division_code=household.division_id, household_id=household.pk,
            summary=_("查看完整%(field)s：%(masked)s") % {
                "field": obj._meta.get_field(field).verbose_name,
                "masked": MASKERS.get("phone" if "phone" in field else field, MASKERS["id_number"])(value)},
        )
    return value


def record_history_view(*, actor, household: Household, at) -> None:
    """The card as it was at a past moment was shown (masked like the live card): who looked, when."""
    authorize(actor, Cap.VIEW_HISTORY, household=household)
    with atomic():
        audit.record(actor=actor, verb="history.view", object_type="registry.household", object_id=household.pk,
                     county_code=household.county_code, division_code=household.division_id,
                     household_id=household.pk,
                     summary=_("查看 %(t)s 时的档案") % {"t": timezone.localtime(at).strftime("%Y-%m-%d %H:%M")})


# --- villages ---------------------------------------------------------------------------------

def village_profile(division: Division) -> VillageProfile:
    """The register of a village (an empty one is made on first use; that is not a change)."""
    profile = VillageProfile.objects.filter(division=division).first()
    return profile or VillageProfile(division=division, county_code=division.county_code)


def update_village(*, actor, division: Division, changes: Mapping, reason: str = "",
                   exit_procedure: bool = False) -> VillageProfile:
    """Correct a village register. A poor village becomes 已出列 only through the exit procedure
    (workflows, ``exit_procedure=True``), which checks the exit test first."""
    authorize(actor, Cap.EDIT_VILLAGE, division_code=division.code)
    if division.level != Level.VILLAGE:
        raise ValidationError(_("只有村级区划有村册。"))
    unknown = set(changes) - set(VILLAGE_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    profile = village_profile(division)
    before = audit.snapshot(profile, VILLAGE_FIELDS) if profile.pk else {}
    if (not exit_procedure and profile.poverty_status == codes.VillagePovertyStatus.POOR
            and changes.get("poverty_status", profile.poverty_status) == codes.VillagePovertyStatus.EXITED):
        raise ValidationError({"poverty_status": _("贫困村出列须经“贫困村退出”程序（检测达标、审批、公示、公告）。")})
    for name, value in changes.items():
        setattr(profile, name, value)
    if profile.poverty_status == codes.VillagePovertyStatus.EXITED and not profile.exit_year:
        raise ValidationError({"exit_year": _("已出列的贫困村须填写出列年度。")})
    if profile.exit_year and profile.poverty_status != codes.VillagePovertyStatus.EXITED:
        raise ValidationError({"exit_year": _("出列年度只适用于已出列的贫困村。")})
    old, new = audit.diff(before, audit.snapshot(profile, VILLAGE_FIELDS))
    if not new and profile.pk:
        return profile
    with atomic():
        profile.save()
        audit.record(actor=actor, verb="village.update", object_type="registry.villageprofile",
                     object_id=division.code, county_code=division.county_code, division_code=division.code,
                     summary=_("修改村册：%(v)s") % {"v": division.name}, before=old or None, after=new, reason=reason)
    return profile


def add_work_team_member(*, actor, division: Division, fields: Mapping) -> WorkTeamMember:
    authorize(actor, Cap.EDIT_VILLAGE, division_code=division.code)
    if division.level != Level.VILLAGE:
        raise ValidationError(_("驻村工作队只派驻到村。"))
    data = {k: v for k, v in fields.items() if k in WORKTEAM_FIELDS}
    if not data.get("name") or not data.get("started_on"):
        raise ValidationError({"name": _("请填写姓名和驻村开始日期。")})
    if data.get("ended_on") and data["ended_on"] < data["started_on"]:
        raise ValidationError({"ended_on": _("结束日期不能早于开始日期。")})
    if data.get("role") == codes.WorkTeamRole.FIRST_SECRETARY and WorkTeamMember.objects.filter(
            division_code=division.code, role=codes.WorkTeamRole.FIRST_SECRETARY, ended_on__isnull=True).exists():
        raise ValidationError({"role": _("该村已有在任第一书记，请先登记其离任。")})
    with atomic():
        member = WorkTeamMember.objects.create(county_code=division.county_code, division_code=division.code, **data)
        audit.record(actor=actor, verb="workteam.add", object_type="registry.workteammember", object_id=member.pk,
                     county_code=division.county_code, division_code=division.code,
                     summary=_("%(v)s 驻村工作队增加 %(n)s（%(r)s）") % {
                         "v": division.name, "n": member.name, "r": member.get_role_display()},
                     after=audit.snapshot(member, WORKTEAM_FIELDS))
    return member


def end_work_team_member(*, actor, member: WorkTeamMember, ended_on: dt.date) -> WorkTeamMember:
    authorize(actor, Cap.EDIT_VILLAGE, division_code=member.division_code)
    if member.ended_on is not None:
        raise ValidationError(_("该队员已离任。"))
    if ended_on < member.started_on:
        raise ValidationError({"ended_on": _("结束日期不能早于开始日期。")})
    with atomic():
        member.ended_on = ended_on
        member.save(update_fields=["ended_on"])
        audit.record(actor=actor, verb="workteam.end", object_type="registry.workteammember", object_id=member.pk,
                     county_code=member.county_code, division_code=member.division_code,
                     summary=_("%(n)s 驻村结束") % {"n": member.name},
                     before={"ended_on": None}, after={"ended_on": ended_on.isoformat()})
    return member


# --- splitting and merging households (natural changes of the dynamic adjustment) -------------

def _move_member(actor, member: Member, target: Household, relation: str, join_reason: str,
                 leave_reason: str, day: dt.date) -> Member:
    """A person leaves one household and joins another: the old record is closed, a new one opens."""
    source = member.household
    fields = {f: getattr(member, f) for f in MEMBER_FIELDS} | {"relation": relation}
    _deactivate(actor, member, source, leave_reason, day, "")
    moved = Member(household=target, county_code=target.county_code, division_code=target.division_id,
                   join_reason=join_reason, joined_on=day, **fields)
    moved.save()
    _resize(target, +1)
    _event(actor, "member.add", moved, household=target, after=audit.snapshot(moved, MEMBER_TRACKED),
           summary=_("%(name)s 由户 %(code)s 转入（%(why)s）") % {
               "name": moved.name, "code": source.household_code, "why": codes.JoinReason(join_reason).label})
    return moved


def split_household(*, actor, household: Household, members: list[Member], new_head: Member,
                    relations: Mapping[int, str], fields: Mapping | None = None, reason: str = "") -> Household:
    """分户: some members leave and form a new household in the same village, ``new_head`` at its head."""
    authorize(actor, Cap.RESTRUCTURE, household=household)
    _require_active(household)
    leaving = {m.pk for m in members}
    if new_head.pk not in leaving:
        raise ValidationError({"new_head": _("新户的户主须是分出的成员之一。")})
    staying = [m for m in household.members.active() if m.pk not in leaving]
    if not staying or not leaving:
        raise ValidationError(_("分户后原户与新户都须至少有一名成员。"))
    if not any(m.relation == codes.Relation.HEAD for m in staying):
        raise ValidationError({"members": _("原户主须留在原户；如原户主分出，请先变更户主。")})
    planned = [(m, codes.Relation.HEAD if m.pk == new_head.pk else relations.get(m.pk, codes.Relation.OTHER))
               for m in members]
    _raise(rules.check_composition({"relation": r, "sex": m.sex} for m, r in planned))
    data = _household_data({"household_type": household.household_type, **(fields or {})}, household.county_code)
    day = clock.today()
    with atomic():
        new = Household(county_code=household.county_code, division=household.division,
                        household_code=next_household_code(household.division_id), group_name=household.group_name,
                        **data)
        new.save()
        _event(actor, "household.create", new, household=new, reason=reason,
               summary=_("由户 %(code)s 分户建档") % {"code": household.household_code},
               after=audit.snapshot(new, HOUSEHOLD_TRACKED))
        for member, relation in planned:
            _move_member(actor, member, new, relation, codes.JoinReason.SPLIT, codes.RemovalReason.SPLIT, day)
        _event(actor, "household.split", household, household=household, reason=reason,
               summary=_("分户：%(n)d 人分出为新户 %(code)s") % {"n": len(planned), "code": new.household_code})
    return new


def merge_households(*, actor, source: Household, target: Household, relations: Mapping[int, str],
                     reason: str = "") -> Household:
    """合户: every member of ``source`` joins ``target`` (with their relation to its head); source closes."""
    authorize(actor, Cap.RESTRUCTURE, household=source)
    authorize(actor, Cap.RESTRUCTURE, household=target)
    _require_active(source)
    _require_active(target)
    if source.pk == target.pk:
        raise ValidationError(_("不能与本户合户。"))
    incoming = list(source.members.active())
    planned = [(m, relations.get(m.pk, codes.Relation.OTHER)) for m in incoming]
    if any(r == codes.Relation.HEAD for _m, r in planned):
        raise ValidationError({"relations": _("并入成员不能再是户主，请选择与户主的关系。")})
    existing = [{"relation": m.relation, "sex": m.sex} for m in target.members.active()]
    _raise(rules.check_composition(existing + [{"relation": r, "sex": m.sex} for m, r in planned]))
    day = clock.today()
    with atomic():
        for member, relation in planned:
            _move_member(actor, member, target, relation, codes.JoinReason.MERGED, codes.RemovalReason.MERGED, day)
        source.refresh_from_db()
        before = audit.snapshot(source, HOUSEHOLD_TRACKED)
        source.status = codes.RecordStatus.REMOVED
        source.close_reason = codes.CloseReason.MERGED
        source.closed_on = day
        source.save()
        old, new = audit.diff(before, audit.snapshot(source, HOUSEHOLD_TRACKED))
        _event(actor, "household.close", source, household=source, before=old, after=new, reason=reason,
               summary=_("并入户 %(code)s（合户）") % {"code": target.household_code})
    target.refresh_from_db()
    return target


# --- the risk-type code list ------------------------------------------------------------------

def save_risk_type(*, actor, county_code: str, name: str, active: bool = True, national_code: str = "",
                   risk_type: RiskType | None = None) -> RiskType:
    """Add a county's own risk type (the next free code from 20) or change one of its own. National
    types are shipped with the system (codes.RiskTypeCode) and cannot be changed."""

    if not is_system(actor) and not actor.can(Cap.MANAGE_RULES):
        raise PermissionDenied(_("您的角色无权维护风险类型代码表。"))
    if not is_system(actor) and not scope_for(actor).contains_code(county_code):
        raise PermissionDenied(_("该对象不在您的管辖范围内。"))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写风险类型名称。")})
    if len(name) > 30:
        raise ValidationError({"name": _("名称不能超过 30 字。")})
    with atomic():
        if risk_type is not None:
            if not isinstance(risk_type, RiskType) or risk_type.pk is None:
                raise ValidationError(_("全国统一的风险类型不能修改；可新增本县的风险类型。"))
            risk_type = RiskType.objects.select_for_update().get(pk=risk_type.pk)
            if risk_type.region_code != county_code:
                raise ValidationError(_("全国统一的风险类型不能修改；可新增本县的风险类型。"))
        national = {str(label) for label in codes.RiskTypeCode.labels}
        clash = RiskType.objects.filter(name=name, active=True, region_code=county_code).exclude(
            pk=getattr(risk_type, "pk", None))
        if name in national or clash.exists():
            raise ValidationError({"name": _("已有同名的风险类型。")})
        before = audit.snapshot(risk_type, ["name", "active", "national_code"]) if risk_type else None
        if risk_type is None:
            used = [int(c) for c in RiskType.objects.values_list("code", flat=True) if c.isdigit()]
            code = next(f"{n:02d}" for n in range(20, 99) if n not in used)
            risk_type = RiskType(region_code=county_code, code=code, sort=900 + int(code))
        risk_type.name, risk_type.active, risk_type.national_code = name, bool(active), (national_code or "").strip()
        risk_type.save()
        audit.record(actor=actor, verb="risk_type.save", object_type="registry.risktype", object_id=risk_type.pk,
                     county_code=county_code, division_code=county_code,
                     summary=_("风险类型 %(c)s %(n)s") % {"c": risk_type.code, "n": name}, before=before,
                     after=audit.snapshot(risk_type, ["name", "active", "national_code"]))
    return risk_type


# --- the household workbook, in bulk -------------------------------------------------------------

class _Rollback(Exception):
    pass


def import_register(*, actor, households, members, bad_rows=(), partial: bool = False, sync_members: bool = False,
                    dry_run: bool = False, file_name: str = "", batch_id=None, county_code: str = "",
                    say=None):
    """Write a checked household workbook into the registry, set-based, all or nothing (unless
    ``partial``: then every household with a problem is left out whole); ``dry_run`` counts what
    would change and rolls back. ``households`` and ``members`` are polars frames with the columns of
    ``importing.HOUSEHOLD_COLUMNS`` and ``importing.MEMBER_COLUMNS``; ``bad_rows`` the rows the
    caller's checks refused. The registry's own checks against what it holds (an ID already in
    another household, a closed household) come back as ``conflicts``. One audit event for the batch,
    one per changed household, member or income (before and after)."""
    from fupin.core import staging
    from fupin.registry import importing

    say = say or (lambda _p, _m: None)
    what = _("导入户籍成员明细表")
    core_authorize(actor, capability=Cap.IMPORT_REGISTRY, what=what)
    missing = ({n for n, _t in importing.HOUSEHOLD_COLUMNS} - set(households.columns)) | (
        {n for n, _t in importing.MEMBER_COLUMNS} - set(members.columns))
    if missing:
        raise ValueError(f"import frames lack columns: {sorted(missing)}")
    outcome = importing.RegisterImport()
    try:
        with atomic():
            say(35, "暂存")
            importing.stage(households, members)
            outcome.conflicts = importing.conflicts()
            bad = set(bad_rows) | {row for row, *_rest in outcome.conflicts}
            if bad and not partial:
                raise _Rollback
            if bad:
                outcome.skipped_households = importing.drop_households(households, members, bad)
            staged = importing.fetch("SELECT (SELECT COUNT(*) FROM exch_member) AS m, "
                                      "(SELECT COUNT(*) FROM exch_household) AS h")[0]
            villages = importing.fetch("SELECT DISTINCT division_code FROM exch_household")
            core_authorize(actor, areas=[v["division_code"] for v in villages], what=what)  # each one written
            say(55, "写入")
            outcome.counts = {"members_written": staged["m"], "households_written": staged["h"],
                              **importing.apply(actor, sync_members=sync_members, outcome=outcome,
                                                 file_name=file_name, say=say)}
            rows, size = members.height, households.height
            audit.record(actor=actor, verb="import.households", object_type="exchange.importbatch",
                         object_id=batch_id if batch_id is not None else "", county_code=county_code,
                         division_code=root_code(actor) or county_code,
                         summary=f"导入户籍成员明细表：{rows} 行，{size} 户"[:300],
                         after={"file": file_name, **outcome.counts})
            outcome.written = not dry_run
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    finally:
        staging.drop("exch_member", "exch_household")
    return outcome
