"""Reads of the workflows app: case lists, my tasks (overdue first), overdue counts by area, notice
content (only what policy allows), year-over-year counts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from fupin.core import clock
from fupin.core.scope import scope_for
from fupin.divisions.models import Division
from fupin.registry import codes
from fupin.registry.models import Member
from fupin.registry.selectors import attach_labels
from fupin.workflows import procedures
from fupin.workflows.models import (
    Case,
    CaseStatus,
    ClueStatus,
    Notice,
    NoticeStatus,
    Objection,
    RiskClue,
    WorkYear,
    YearSnapshot,
)
from fupin.workflows.procedures import Kind


def cases(user, area: str = ""):
    return Case.objects.visible_to(user, area).select_related("household")


def get_case(user, pk: int) -> Case:
    return get_object_or_404(cases(user), pk=pk)


def notices(user, area: str = ""):
    return Notice.objects.visible_to(user, area)


def clues(user, area: str = ""):
    return RiskClue.objects.visible_to(user, area).select_related("household")


def steps_for_role(role: str) -> Q:
    """Cases whose current step waits on this role."""
    q = Q(pk__in=[])
    for proc in procedures.PROCEDURES.values():
        keys = [s.key for s in proc.steps if role in s.roles]
        if keys:
            q |= Q(kind=proc.kind, step__in=keys)
    return q


@dataclass
class Task:
    kind: str  # "case", "clue", "objection", "notice"
    title: str
    due: object
    overdue: bool
    url: str
    area: str


def _task_subject(head: str, code: str, village: str) -> str:
    """A household as a task names it: 户主 name, 户编号, village (黄建国 36102220120500001（枧源村）)."""
    return f"{head + ' ' if head else ''}{code}（{village}）" if village else f"{head + ' ' if head else ''}{code}"


def my_tasks(user) -> list[Task]:
    """What waits on this user, overdue first, then by deadline."""
    from django.urls import reverse

    today = clock.today()
    tasks: list[Task] = []
    open_cases = Case.objects.visible_to(user).open().filter(steps_for_role(user.role)).select_related("household")
    open_cases = list(open_cases.order_by("step_due")[:500])
    clue_rows = []
    if user.role in procedures.MONITOR.step("clue").roles or user.role == procedures.Role.TOWNSHIP_CADRE:
        clue_rows = list(RiskClue.objects.visible_to(user).open().select_related("household").order_by("due_on")[:500])
    # who and where each task is about: 户主 and village names for all of them in a few queries
    attach_labels([*open_cases, *clue_rows])
    for case in open_cases:
        step = case.current_step
        due = min(d for d in (case.step_due, case.due) if d)
        what = step.label
        if step.notice:
            posted = case.notices.filter(step=case.step, status=NoticeStatus.POSTED).first()
            if posted is None:
                what = _("张贴%(s)s") % {"s": step.label}
            elif posted.ends_on > today:
                continue  # running: nothing to do until it ends
            else:
                what = _("结束%(s)s") % {"s": step.label}
        subject = case.subject_label if case.household_id is None else \
            _task_subject(case.head_name, case.household.household_code, case.village_name)
        tasks.append(Task("case", f"{case.get_kind_display()} · {subject} · {what}", due,
                          due < today, case.get_absolute_url(), case.division_code))
    for clue in clue_rows:
        tasks.append(Task("clue", _("风险线索 · %(c)s · %(r)s") % {
            "c": _task_subject(clue.head_name, clue.household.household_code, clue.village_name), "r": clue.risk},
            clue.due_on, clue.due_on < today, reverse("workflows:clue_detail", args=[clue.pk]),
            clue.division_code))
    for objection in Objection.objects.visible_to(user).filter(resolved=False).select_related("notice", "case"):
        step = procedures.procedure(objection.notice.procedure).step(objection.notice.step)
        if user.role in step.roles or user.role == procedures.Role.VILLAGE_CADRE:
            tasks.append(Task("objection", _("处理异议 · %(t)s") % {"t": objection.notice.title},
                              objection.notice.ends_on, objection.notice.ends_on <= today,
                              objection.notice.get_absolute_url(), objection.notice.division_code))
    return sorted(tasks, key=lambda t: (not t.overdue, t.due))


def overdue_counts(user, area: str, width: int) -> list[dict]:
    """Overdue cases and clues per sub-area (``width`` code digits: 9 townships, 12 villages)."""
    today = clock.today()
    overdue_cases = (Case.objects.visible_to(user, area).open().filter(Q(step_due__lt=today) | Q(due__lt=today))
                     .annotate(area=Substr("division_code", 1, width)).values("area").annotate(n=Count("pk")))
    overdue_clues = (RiskClue.objects.visible_to(user, area).open().filter(due_on__lt=today)
                     .annotate(area=Substr("division_code", 1, width)).values("area").annotate(n=Count("pk")))
    open_cases = (Case.objects.visible_to(user, area).open()
                  .annotate(area=Substr("division_code", 1, width)).values("area").annotate(n=Count("pk")))
    rows: dict[str, dict] = {}
    for key, qs in (("overdue_cases", overdue_cases), ("overdue_clues", overdue_clues), ("open_cases", open_cases)):
        for r in qs:
            rows.setdefault(r["area"], {"area": r["area"], "overdue_cases": 0, "overdue_clues": 0,
                                        "open_cases": 0})[key] = r["n"]
    names = dict(Division.objects.filter(code__in=list(rows)).values_list("code", "name"))
    for row in rows.values():
        row["name"] = names.get(row["area"], row["area"])
    return sorted(rows.values(), key=lambda r: (-r["overdue_cases"] - r["overdue_clues"], r["area"]))


# --- notices: only what policy allows -----------------------------------------------------------

DECISIONS = {
    Kind.IDENTIFY: _("拟识别为贫困户"),
    Kind.EXIT: _("拟退出（脱贫）"),
    Kind.REENTRY: _("拟认定返贫"),
    Kind.MONITOR: _("拟纳入防返贫监测对象"),
    Kind.RISK_CLEAR: _("拟标注风险消除"),
    Kind.VILLAGE_EXIT: _("拟退出贫困村（出列）"),
}


def notice_reason(case: Case) -> str:
    """The reason in words for a notice: standard phrases only, never the cadre's free text, and
    nothing about health, identity numbers, phones or bank accounts."""
    from fupin.targeting.selectors import household_results

    if case.kind == Kind.VILLAGE_EXIT:
        return _("贫困发生率、村集体经济收入和基础设施、公共服务均达到退出标准")
    if case.kind == Kind.IDENTIFY:
        found = household_results(case.household)
        parts = []
        if found:
            r = found[0]
            if r.below_line:
                parts.append(_("家庭人均纯收入低于扶贫标准"))
            if r.food_ok is False:
                parts.append(_("吃穿未达标"))
            if r.education_ok is False:
                parts.append(_("义务教育保障未达标"))
            if r.housing_ok is False:
                parts.append(_("住房安全未保障"))
            if r.water_ok is False:
                parts.append(_("饮水安全未保障"))
        return "、".join(parts) or _("经民主评议认定家庭生活困难")
    if case.kind == Kind.EXIT:
        return _("家庭人均纯收入稳定超过扶贫标准，不愁吃、不愁穿，义务教育、基本医疗、住房安全有保障")
    if case.kind == Kind.REENTRY:
        target = codes.HouseholdType(case.data.get("target", codes.HouseholdType.POOR)).label
        return _("经入户核实，家庭收入下降或刚性支出增加，拟纳入%(t)s") % {"t": target}
    if case.kind == Kind.MONITOR:
        kind = case.data.get("monitoring_type")
        label = codes.MonitoringType(kind).label if kind in codes.MonitoringType.values else ""
        return _("存在返贫致贫风险，拟纳入监测（%(t)s）") % {"t": label}
    return _("家庭收入稳定、风险已消除")


@dataclass
class NoticeLine:
    head_name: str
    group_name: str
    size: int
    decision: str
    reason: str


def notice_lines(notice: Notice) -> list[NoticeLine]:
    """The rows of a notice: head's name, villagers' group, household size, decision, reason (for a
    village's procedure: the village's name in place of the head's)."""
    entries = list(notice.cases.select_related("household").order_by("household__group_name", "pk"))
    if entries and entries[0].household_id is None:
        return [NoticeLine(c.subject_label, "", 0, str(DECISIONS[c.kind]), str(notice_reason(c))) for c in entries]
    heads = dict(Member.objects.filter(household_id__in=[c.household_id for c in entries],
                                       relation=codes.Relation.HEAD, status=codes.RecordStatus.ACTIVE)
                 .values_list("household_id", "name"))
    return [NoticeLine(heads.get(c.household_id, ""), c.household.group_name, c.household.size,
                       str(DECISIONS[c.kind]), str(notice_reason(c))) for c in entries]


# --- the working year ---------------------------------------------------------------------------

def year_counts(county_code: str, year: int) -> dict:
    """Households and people newly identified, exited, relapsed, monitored and risk-cleared in a year
    (cases completed), natural changes of members, and the year-end totals by type."""
    done = (Case.objects.filter(county_code=county_code, year=year, status=CaseStatus.DONE)
            .values("kind").annotate(households=Count("pk"), people=Sum("household__size")))
    flows = {row["kind"]: {"households": row["households"], "people": row["people"] or 0} for row in done}
    members = Member.objects.filter(county_code=county_code)
    joined = dict(members.filter(joined_on__year=year).values("join_reason").annotate(n=Count("pk"))
                  .values_list("join_reason", "n"))
    left = dict(members.filter(removed_on__year=year).values("removal_reason").annotate(n=Count("pk"))
                .values_list("removal_reason", "n"))
    totals = {}
    for y in (year - 1, year):
        rows = (YearSnapshot.objects.filter(county_code=county_code, year=y, status=codes.RecordStatus.ACTIVE)
                .values("household_type").annotate(households=Count("pk"), people=Sum("size")))
        totals[y] = {r["household_type"]: {"households": r["households"], "people": r["people"] or 0} for r in rows}
    return {"flows": flows, "joined": joined, "left": left, "totals": totals,
            "open_cases": Case.objects.filter(county_code=county_code, year=year, status=CaseStatus.OPEN).count(),
            "open_clues": RiskClue.objects.filter(county_code=county_code, status=ClueStatus.OPEN).count()}


def work_years(user):
    prefixes = scope_for(user).prefixes
    counties = {p[:6] for p in prefixes if len(p) >= 6}
    qs = WorkYear.objects.all() if "" in prefixes else WorkYear.objects.filter(county_code__in=counties)
    return qs.order_by("-year")


def household_card_section(user, household) -> dict:
    from fupin.workflows import actions

    return {"household": household,
            "can_start": actions.may_start(user, household),
            "can_clue": actions.may_register_clue(user, household),
            "cases": list(Case.objects.filter(household=household).order_by("-started_at")[:20]),
            "clues": list(RiskClue.objects.filter(household=household).order_by("-found_on")[:10])}
