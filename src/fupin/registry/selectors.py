"""Reads of the registers, always through the user's area scope.

Lists are built for a million households: they filter on indexed columns (code ranges, type,
cause), page with a bounded count, and fetch the heads' names and village names for one page only.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404

from fupin.core.clock import years_before
from fupin.core.scope import scope_for
from fupin.divisions.models import Division, Level
from fupin.registry import codes, idnumber
from fupin.registry.models import (
    ABLE_MEMBER,
    Household,
    HouseholdIncome,
    Member,
    VillageProfile,
    WorkTeamMember,
)

# A household income row's net income (纯收入), as an expression over HouseholdIncome.
NET_INCOME = (F("wage_income") + F("business_income") + F("property_income") + F("transfer_income")
              - F("production_costs"))

# 有劳动能力 (able to work), one rule for every app (zero-employment households, the 以奖代补 rule,
# the "able and willing" targets): of working age on the day (16 on the 16th birthday, no longer at
# the 60th), not seriously ill, not disabled, labour skill not 丧失劳动力 / 无劳动力, not in school.
# 有劳动意愿 (willing) adds the member's recorded willingness to work.
WORKING_AGE = (16, 60)


def able_to_work(on: dt.date, household_ref: str = "pk", *, willing: bool = False):
    """Active members of the outer household (``OuterRef(household_ref)``) able to work on ``on``
    (and willing to, with ``willing``): for ``Exists`` and counts."""
    qs = Member.objects.filter(ABLE_MEMBER,  # active, no serious illness or disability, not in school (index member_able)
                               county_code=OuterRef("county_code"), household=OuterRef(household_ref),
                               birth_date__lte=years_before(on, WORKING_AGE[0]),
                               birth_date__gt=years_before(on, WORKING_AGE[1]))
    return qs.filter(work_willing=True) if willing else qs


def head_name(household_ref: str = "household_id"):
    """The name of the outer household's head, as a subquery (for one page of a list)."""
    return Subquery(Member.objects.filter(county_code=OuterRef("county_code"), household=OuterRef(household_ref), relation=codes.Relation.HEAD,
                                          status=codes.RecordStatus.ACTIVE).values("name")[:1])


def division_name(ref: str = "division_code"):
    """The name of the division whose code is in the outer row's ``ref``, as a subquery."""
    return Subquery(Division.objects.filter(code=OuterRef(ref)).values("name")[:1])


def poor_villages(county_code: str, year: int | None = None):
    """Codes of the county's poor villages (贫困村): registered poor now, and, for a past ``year``,
    also those that exited after it (they were poor during that year)."""
    q = Q(poverty_status=codes.VillagePovertyStatus.POOR)
    if year is not None:
        q |= Q(poverty_status=codes.VillagePovertyStatus.EXITED, exit_year__gte=year)
    return VillageProfile.objects.filter(q, county_code=county_code).values_list("division_id", flat=True)


def visible_households(user, area: str = ""):
    return Household.objects.visible_to(user, area)


def get_household(user, pk: int) -> Household:
    """A household the user may see, or 404 (out-of-scope records look like missing ones)."""
    return get_object_or_404(visible_households(user).select_related("division", "helper_user"), pk=pk)


def household_by_ref(ref, queryset=None) -> Household | None:
    """The household a command line names: by its 户编号 (17 digits) or by its internal id; None
    when there is no such household (or ``ref`` is neither)."""
    qs = Household.objects.all() if queryset is None else queryset
    text = unicodedata.normalize("NFKC", str(ref)).strip()
    if HOUSEHOLD_CODE.match(text):
        return qs.filter(household_code=text).first()
    if text.isdigit():
        return qs.filter(pk=int(text)).first()
    return None


def get_member(user, pk: int) -> Member:
    return get_object_or_404(Member.objects.visible_to(user).select_related("household"), pk=pk)


# --- searching: one box takes a 户编号, a name, an ID number (or its tail) or a phone ----------

HOUSEHOLD_CODE = re.compile(r"^\d{17}$")  # 12-digit village code + 5-digit sequence
ID_NUMBER = re.compile(r"^(\d{17}[\dX]|\d{15})$")  # 18-character (or old 15-digit) 身份证号码
MOBILE = re.compile(r"^1[3-9]\d{9}$")
TAIL = re.compile(r"^\d{3,15}[\dX]$")  # the last 4+ characters of an ID number or a phone


@dataclass(frozen=True)
class Query:
    """What a search box was given: ``kind`` is code, id, phone, tail, name or too_short."""

    kind: str
    value: str


def classify_query(q: str) -> Query:
    """Read a search: 17 digits are a 户编号, 18 characters in the ID pattern (or 15 digits) an ID
    number, 11 digits starting 13-19 a mobile phone, 4 or more digits (X last allowed) the tail of an ID
    number or a phone (12 to 16 digits also the start of a 户编号), anything else a name. Full-width digits, spaces and dashes are folded away."""
    text = unicodedata.normalize("NFKC", q or "").strip()
    compact = re.sub(r"[\s\-]+", "", text).upper()
    if not compact:
        return Query("", "")
    if HOUSEHOLD_CODE.match(compact):
        return Query("code", compact)
    if ID_NUMBER.match(compact):
        try:
            return Query("id", idnumber.parse(compact).number)
        except idnumber.IdNumberError:
            return Query("id", compact)
    if MOBILE.match(compact):
        return Query("phone", compact)
    if TAIL.match(compact):
        return Query("tail", compact)
    if re.fullmatch(r"[\dX]+", compact):
        return Query("too_short", compact)
    return Query("name", text)


def _search_households(qs, q: str, members=None):
    """``qs`` narrowed to the households a search finds (set-based: one query with subqueries over
    ``members``, the members in the same scope; ID numbers are stored in full and indexed)."""
    query = classify_query(q)
    members = Member.objects.all() if members is None else members
    if not query.kind:
        return qs
    if query.kind == "code":
        return qs.filter(household_code=query.value)
    if query.kind == "id":
        return qs.filter(pk__in=members.filter(id_number=query.value).values("household_id"))
    if query.kind == "phone":
        return qs.filter(phone=query.value)
    if query.kind == "tail":
        found = (Q(pk__in=members.filter(id_number__endswith=query.value).values("household_id"))
                 | Q(phone__endswith=query.value))
        if query.value.isdigit() and len(query.value) >= 12:  # the start of 户编号 (a village's code and more)
            found |= Q(household_code__startswith=query.value)
        return qs.filter(found)
    if query.kind == "name":
        return qs.filter(pk__in=members.filter(name__startswith=query.value).values("household_id"))
    return qs.none()


def household_list(user, *, area: str = "", q: str = "", household_type: str = "", attribute: str = "",
                   cause: str = "", status: str = codes.RecordStatus.ACTIVE):
    qs = visible_households(user, area)
    if status:
        qs = qs.filter(status=status)
    if household_type:
        qs = qs.filter(household_type=household_type)
    if attribute:
        qs = qs.filter(poverty_attribute=attribute)
    if cause:
        qs = qs.filter(Q(main_cause=cause) | Q(other_cause_1=cause) | Q(other_cause_2=cause))
    qs = _search_households(qs, q, Member.objects.visible_to(user, area))
    return qs.order_by("division_id", "household_code")


def head_names(household_ids) -> dict[int, str]:
    """{household id: its head's name} for one page of rows, in one query."""
    ids = {i for i in household_ids if i is not None}
    if not ids:
        return {}
    return dict(Member.objects.filter(household_id__in=ids, relation=codes.Relation.HEAD,
                                      status=codes.RecordStatus.ACTIVE).values_list("household_id", "name"))


def village_labels(division_codes) -> dict[str, str]:
    """{division code: its name} for one page of rows; a village whose name another village of the same
    county also bears gets its township's name in front (e.g. 湖坊乡·湖坊村). At most three queries."""
    wanted = {c for c in division_codes if c}
    if not wanted:
        return {}
    found = list(Division.objects.filter(code__in=wanted).values_list("code", "name", "parent_code", "level"))
    labels = {code: name for code, name, _parent, _level in found}
    villages = [(code, name, parent) for code, name, parent, level in found if level == Level.VILLAGE]
    if villages:
        repeated = set(Division.objects.filter(level=Level.VILLAGE, name__in={n for _c, n, _p in villages},
                                               county_code__in={c[:6] for c, _n, _p in villages})
                       .values("county_code", "name").annotate(n=Count("code")).filter(n__gt=1)
                       .values_list("name", flat=True))
        twins = [(code, name, parent) for code, name, parent in villages if name in repeated]
        if twins:
            townships = Division.objects.names(parent for _c, _n, parent in twins)
            for code, name, parent in twins:
                labels[code] = f"{townships.get(parent, parent)}·{name}"
    return labels


def attach_labels(rows, household: str = "household_id", division: str = "division_code") -> list:
    """Give each row of one page (model instances or ``values()`` dicts) ``head_name`` and
    ``village_name`` (see village_labels), in at most four queries, for the ``household_label`` tag.

    (As subqueries in the list's SELECT they would also run for every row an OFFSET skips.)
    """
    rows = list(rows)

    def get(row, name):
        return row.get(name) if isinstance(row, dict) else getattr(row, name, None)

    heads = head_names(get(r, household) for r in rows)
    villages = village_labels(get(r, division) for r in rows)
    for row in rows:
        values = {"head_name": heads.get(get(row, household), ""),
                  "village_name": villages.get(get(row, division), get(row, division) or "")}
        if isinstance(row, dict):
            row.update(values)
        else:
            for key, value in values.items():
                setattr(row, key, value)
    return rows


def attach_heads(households) -> list[Household]:
    """Give each household of one page ``head_name`` and ``village_name``."""
    return attach_labels(households, household="pk", division="division_id")


def household_caption(household) -> str:
    """One household in a page title or message: 户主 name · village · 户编号 (two small queries)."""
    labelled = attach_heads([household])[0]
    return " · ".join(p for p in (labelled.head_name, labelled.village_name, household.household_code) if p)


def member_list(user, *, area: str = "", q: str = "", labour_skill: str = "", schooling: str = "",
                health: str = "", status: str = codes.RecordStatus.ACTIVE):
    qs = Member.objects.visible_to(user, area)
    if status:
        qs = qs.filter(status=status)
    if labour_skill:
        qs = qs.filter(labour_skill=labour_skill)
    if schooling:
        qs = qs.filter(schooling=schooling)
    if health in ("chronic_illness", "serious_illness", "disabled"):
        qs = qs.filter(**{health: True})
    query = classify_query(q)
    if query.kind == "code":
        qs = qs.filter(household__household_code=query.value)
    elif query.kind == "id":
        qs = qs.filter(id_number=query.value)
    elif query.kind == "phone":
        qs = qs.filter(household__phone=query.value)
    elif query.kind == "tail":
        qs = qs.filter(Q(id_number__endswith=query.value) | Q(household__phone__endswith=query.value))
    elif query.kind == "name":
        qs = qs.filter(name__startswith=query.value)
    elif query.kind:
        qs = qs.none()
    return qs.select_related("household").order_by("division_code", "household_id", "id")


def household_members(household: Household, *, include_removed: bool = True):
    qs = household.members.all()
    if not include_removed:
        qs = qs.active()
    return sorted(qs, key=lambda m: (not m.is_active, m.relation != codes.Relation.HEAD, m.birth_date, m.pk))


def household_incomes(household: Household) -> list[dict]:
    """Incomes by year with 纯收入 and 人均纯收入 (over the current household size)."""
    rows = []
    for income in HouseholdIncome.objects.filter(household=household).order_by("-year"):
        net = income.net_income
        rows.append({"income": income, "net": net,
                     "per_capita": (net / household.size).quantize(Decimal("0.01"))
                     if household.size else None})
    return rows


# --- the area tree ----------------------------------------------------------------------------

def root_areas(user) -> list[Division]:
    """The divisions a user's grants point at (the tops of what they may see)."""
    prefixes = scope_for(user).prefixes
    if "" in prefixes:
        return list(Division.objects.filter(level=Level.PROVINCE))
    return list(Division.objects.filter(code__in=prefixes))


def visible_division(user, code: str) -> Division:
    return get_object_or_404(Division.objects.visible_to(user), code=code)


def breadcrumbs(division: Division, user) -> list[Division]:
    """The ancestors of ``division`` the user may open (a county user's start at the county, a
    prefecture's office's at the prefecture)."""
    codes_ = division.ancestor_codes()
    by_code = {d.code: d for d in Division.objects.visible_to(user).filter(code__in=codes_)}
    return [by_code[c] for c in codes_ if c in by_code]


COUNT_COLUMNS = {
    "households": Count("pk"),
    "people": Sum("size"),
    "poor_households": Count("pk", filter=Q(household_type=codes.HouseholdType.POOR)),
    "poor_people": Sum("size", filter=Q(household_type=codes.HouseholdType.POOR)),
    "exited_households": Count("pk", filter=Q(household_type=codes.HouseholdType.EXITED)),
    "monitored_households": Count("pk", filter=Q(household_type=codes.HouseholdType.MONITORED)),
}


def area_counts(user, division: Division) -> tuple[dict, list[dict]]:
    """Totals for a division and one row per child division, in one grouped query over households."""
    children = list(Division.objects.visible_to(user).children_of(division.code).order_by("code"))
    qs = visible_households(user, division.code).active()
    totals = qs.aggregate(**COUNT_COLUMNS)
    rows = []
    if children:
        width = len(children[0].code)
        grouped = {
            r["area"]: r
            for r in qs.annotate(area=Substr("division_id", 1, width)).values("area").annotate(**COUNT_COLUMNS)
        }
        for child in children:
            rows.append({"division": child, **{k: grouped.get(child.code, {}).get(k) or 0 for k in COUNT_COLUMNS}})
    totals = {k: v or 0 for k, v in totals.items()}
    return totals, rows


def village_register(division: Division) -> dict:
    from fupin.registry.actions import village_profile

    team = list(WorkTeamMember.objects.filter(division_code=division.code).order_by("ended_on", "role", "started_on"))
    return {
        "profile": village_profile(division),
        "team": team,
        "first_secretary": next((m for m in team if m.role == codes.WorkTeamRole.FIRST_SECRETARY
                                 and m.ended_on is None), None),
    }


def villages_under(user, code: str = ""):
    """Villages the user may see, under ``code`` when given (for filter choices)."""
    qs = Division.objects.visible_to(user, code).filter(level=Level.VILLAGE)
    return qs.order_by("code").only("code", "name")


def area_tree(user, code: str = "") -> list[tuple[str, str]]:
    """The county, its townships and their villages that the user may see (under ``code`` when
    given), in tree order, as (code, name indented with full-width spaces) for one ``<select>``."""
    rows = list(Division.objects.visible_to(user, code)
                .filter(level__in=(Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE))
                .order_by("code").values_list("code", "name", "level"))
    top = min((level for _code, _name, level in rows), default=Level.COUNTY)
    return [(c, "\u3000" * (level - top) + name) for c, name, level in rows]


@dataclass(frozen=True)
class RiskTypeEntry:
    """One risk type as a county sees it: national (from the code list) or its own (a RiskType row)."""

    code: str
    name: str
    national_code: str = ""
    active: bool = True
    region_code: str = ""
    pk: int | None = None

    @property
    def is_local(self) -> bool:
        return bool(self.region_code)


def risk_types(county_code: str, *, active: bool = True) -> list[RiskTypeEntry]:
    """The risk types that apply in a county: the national ones, then the county's (and its city's or
    province's) own, in list order."""
    from fupin.registry.models import RiskType

    found = [RiskTypeEntry(code, str(name)) for code, name in codes.RiskTypeCode.choices]
    regions = {county_code[:2], county_code[:4], county_code} - {""}
    local = RiskType.objects.filter(region_code__in=regions)
    if active:
        local = local.filter(active=True)
    found += [RiskTypeEntry(t.code, t.name, t.national_code, t.active, t.region_code, t.pk) for t in local]
    return found


def risk_type_choices(county_code: str) -> list[tuple[str, str]]:
    return [(t.code, t.name) for t in risk_types(county_code)]
