"""Procedures the demo walks through, through the workflows actions, with the domain clock set back so
that notice periods really run: one poor village exited (贫困村退出 from application to 已出列) and one
waiting for the county's approval; monitoring cases to the national batch; and cases of every household
procedure staged at each of its steps (``cases_at_every_step``), so that a visitor can walk them on."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from fupin.core import clock
from fupin.core.actions import SYSTEM
from fupin.registry.models import VillageProfile
from fupin.targeting.selectors import village_exit_failures

YEAR = 2023


def _at(days_ago: int) -> None:
    clock.set_offset(-dt.timedelta(days=days_ago))


def village_exits(county_code: str, users: dict) -> str:
    from fupin.workflows import actions
    from fupin.workflows.models import Outcome

    ready = [code for code in VillageProfile.objects.filter(county_code=county_code, poverty_status="poor")
             .order_by("division_id").values_list("division_id", flat=True) if not village_exit_failures(code, YEAR)]
    if not ready:
        return _("贫困村退出：没有贫困村达到退出标准")
    county = users.get("county")
    done = waiting = None
    try:
        first = ready[0]
        _at(30)
        case = actions.start_village_case(actor=SYSTEM, village_code=first, year=YEAR,
                                          note="贫困发生率降至 2% 以下，村集体经济收入和基础设施均已达标，申请退出")
        actions.act(actor=SYSTEM, case=case, outcome=Outcome.PASS, note="乡镇核查：各项指标达标")
        actions.act(actor=county, case=case, outcome=Outcome.PASS, note="县扶贫开发领导小组审定",
                    data={"decision_no": f"黎扶字〔{YEAR}〕21号"})
        notice = actions.post_notice(actor=SYSTEM, cases=[case], period_days=7)
        _at(22)
        actions.close_notice(actor=SYSTEM, notice=notice)
        case.refresh_from_db()
        notice = actions.post_notice(actor=county, cases=[case], period_days=7)
        _at(14)
        actions.close_notice(actor=county, notice=notice)
        case.refresh_from_db()
        actions.act(actor=county, case=case, outcome=Outcome.PASS, note="系统标注出列")
        done = first
        if len(ready) > 1:
            _at(5)
            second = actions.start_village_case(actor=SYSTEM, village_code=ready[1], year=YEAR,
                                                note="各项指标达标，申请退出")
            actions.act(actor=SYSTEM, case=second, outcome=Outcome.PASS, note="乡镇核查：达标，报县审批")
            waiting = ready[1]
    finally:
        clock.reset()
    if waiting:
        return _("贫困村退出：%(done)s 已按程序退出，%(waiting)s 等待县审批") % {"done": done, "waiting": waiting}
    return _("贫困村退出：%(done)s 已按程序退出") % {"done": done}


PDF = b"%PDF-1.4\n% demo consent form\n"


def _monitor_to_decision(case, users: dict, days_ago: int) -> None:
    """Walk a monitoring case from the visit to the county's decision (clock set back, notices run)."""
    from fupin.workflows import actions
    from fupin.workflows.models import Outcome

    def step(note="", **data):
        actions.act(actor=SYSTEM, case=case, outcome=Outcome.PASS, note=note, data=data)

    _at(days_ago)
    step("入户走访：情况属实")
    actions.add_document(actor=SYSTEM, case=case, kind="consent", name="承诺书.pdf", content=PDF)
    step("户主签字承诺并授权核查")
    step("比对无车辆、商品房、财政供养人员、工商登记", vehicles=False, housing=False, salaried=False, business=False)
    review = actions.record_review(actor=SYSTEM, division_code=case.division_code, held_on=clock.today(),
                                   place="村委会会议室", chair="村党支部书记", expected=21, present=18,
                                   minutes="逐户评议监测对象，举手表决")
    step("民主评议通过", review=review.pk, votes_for=16, votes_against=1, votes_abstain=1)
    notice = actions.post_notice(actor=SYSTEM, cases=[case], period_days=5)
    _at(days_ago - 6)
    actions.close_notice(actor=SYSTEM, notice=notice)
    case.refresh_from_db()
    step("乡镇审核通过")
    actions.act(actor=users.get("county"), case=case, outcome=Outcome.PASS, note="县级确定",
                data={"decision_no": f"黎防字〔{clock.today().year}〕{case.pk}号"})


def monitoring_entries(county_code: str, users: dict) -> str:
    """Risk clues the matching found become monitoring cases (risk types from the clue), walked to the
    county's decision; the county exports the workbook for the national system and confirms three as
    entered (their cases end, recording the batch); a fourth, decided later, waits at the entry step."""
    from django.db.models import Exists, OuterRef

    from fupin.exchange import actions as exchange
    from fupin.exchange.selectors import national_items
    from fupin.workflows import actions
    from fupin.workflows.models import Case, ClueStatus, Outcome, RiskClue

    open_case = Case.objects.filter(county_code=OuterRef("county_code"), household=OuterRef("household_id"),
                                    status="open")
    clues = list(RiskClue.objects.filter(county_code=county_code, status=ClueStatus.OPEN, source="department",
                                         household__household_type__in=["exited", "ordinary"])
                 .exclude(Exists(open_case)).order_by("pk")[:4])
    if len(clues) < 4:
        return _("防返贫监测：未办结的风险线索不够演示")
    county = users.get("county")
    cases = []
    try:
        for i, clue in enumerate(clues):
            _at(20 - i)
            chosen = actions.guess_risk_types(clue) or ["99"]
            cases.append(actions.convert_clue(
                actor=SYSTEM, clue=clue, note="核实线索，启动监测识别", risk_types=chosen,
                monitoring_type="unstable" if clue.household.household_type == "exited" else "marginal"))
        for i, case in enumerate(cases[:3]):
            _monitor_to_decision(case, users, 18 - i)
        _at(8)
        batch = exchange.export_national(actor=county, county_code=county_code, year=YEAR)
        _at(7)
        for item in national_items(county, batch, waiting=True):
            actions.act(actor=county, case=item.case, outcome=Outcome.PASS,
                        note=f"已录入全国防返贫监测系统（报送批次 #{batch.pk}）", data={"export_batch": batch.pk})
        _monitor_to_decision(cases[3], users, 7)
    finally:
        clock.reset()
    entered = Case.objects.filter(pk__in=[c.pk for c in cases], status="done").count()
    return _("防返贫监测：%(cases)s 条线索办到县级决定，全国系统报送批次 #%(batch)s 导出 %(households)s 户，"
             "已录入 %(entered)s 户，1 户等下一批次") % {
        "cases": len(cases), "batch": batch.pk, "households": f"{batch.households:,}", "entered": entered}


def national_returns(county_code: str, seed: int) -> str:
    """The list the national system sends back (households it flags), matched like a department list."""
    from pathlib import Path

    import polars as pl
    from django.conf import settings

    from fupin.demo.exchange import FILES, _strangers
    from fupin.exchange import actions
    from fupin.registry.models import Member

    heads = list(Member.objects.filter(county_code=county_code, status="active", relation="head",
                                       household__household_type__in=["exited", "ordinary"])
                 .order_by("id_number").values_list("id_number", "name")[seed % 97::4001][:8])
    kinds = ["因病", "因务工就业不稳", "因意外事故", "因产业失败", "因自然灾害", "因学", "因病", "因残"]
    rows = [{"证件号码": number, "姓名": name, "风险类型": kinds[i % len(kinds)], "预警说明": "大数据比对：收入骤减"}
            for i, (number, name) in enumerate(heads)]
    rows += [{"证件号码": number, "姓名": "外县人员", "风险类型": "因病", "预警说明": "大数据比对"}
             for number in _strangers(2, seed + 9)]
    path = Path(settings.VAR_DIR) / FILES / "全国防返贫监测系统-回传预警名单.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(rows).write_csv(path, include_bom=True)
    run = actions.create_match(actor=SYSTEM, source="national", name=path.name, data=path.read_bytes(),
                               area_code=county_code, enqueue=False)
    run = actions.execute_match(run)
    return _("全国系统回传名单：比对 %(rows)s 行，风险线索 %(clues)s 条（来源：全国防返贫监测系统）") % {
        "rows": len(rows), "clues": run.counts.get("clues_created", 0)}


# --- cases at every step ----------------------------------------------------------------------------

# Where a visitor works: the demo accounts' village (枧源村) and township (湖坊乡) come first.
VILLAGE = "361022201205"
TOWNSHIP = VILLAGE[:9]
EXPIRED, RUNNING = "expired", "running"  # at a notice step: posted and its period over / still running

# Per procedure, where its staged cases stand: a step (the case waits there; at a notice step the notice
# is not posted yet), (step, EXPIRED) or (step, RUNNING), or None (walked to the end: the flows count it).
PLANS = {
    "identify": ["apply", "democratic_review", "village_check", "first_notice", ("first_notice", EXPIRED),
                 ("first_notice", RUNNING), "cross_check", "township_review", ("second_notice", EXPIRED),
                 "county_approval", ("announcement", EXPIRED), "register", None, None],
    "exit": ["verification", "consent", ("village_notice", EXPIRED), ("village_notice", RUNNING),
             ("announcement", EXPIRED), "mark_exit", None, None],
    "reentry": ["apply", "visit", "democratic_review", ("village_notice", EXPIRED), "township_review",
                "county_approval", "register", None],
    "monitor": ["clue", "visit", "consent", "data_check", "democratic_review", ("village_notice", EXPIRED),
                ("village_notice", RUNNING), "township_review", "county_decision"],
    "risk_clear": ["visit", "democratic_review", ("village_notice", EXPIRED), ("village_notice", RUNNING),
                   "township_check", "county_approval", "mark_cleared", None],
}
ROLE_USERS = {"village_cadre": "village", "township_cadre": "township", "county_admin": "county"}
NOTES = {"apply": "农户申请，村民小组提名", "village_check": "入户核实，情况属实", "visit": "入户走访，情况属实",
         "verification": "收入稳定超过收入线，两不愁三保障达标", "township_review": "乡镇审核通过",
         "township_check": "乡镇核查：风险已稳定消除", "clue": "干部走访发现风险", "register": "录入系统",
         "mark_exit": "系统标注脱贫", "mark_cleared": "系统标注风险消除"}


def _plan(entry) -> tuple[str | None, str]:
    return entry if isinstance(entry, tuple) else (entry, "")


def _days(steps, target: str | None, state: str) -> int:
    """Days back a walk starts so that the case reaches ``target`` today: one a step, a notice its period."""
    total = 0
    for step in steps:
        if step.key == target:
            return total + (step.default_days + 1 if state == EXPIRED else 2 if state == RUNNING else 1)
        total += step.default_days if step.notice else 1
    return total


def _preferred(qs, field: str = "division__code"):
    """The demo village first, then its township, then the rest of the county."""
    from django.db.models import Case, IntegerField, Value, When

    return qs.annotate(near=Case(When(**{f"{field}__startswith": VILLAGE}, then=Value(0)),
                                 When(**{f"{field}__startswith": TOWNSHIP}, then=Value(1)),
                                 default=Value(2), output_field=IntegerField())).order_by("near", "pk")


class _Walker:
    """Moves cases step by step through the workflows actions, the clock set back so that each arrives at
    its step today: notices are posted and closed on their days. The demo accounts act where their area
    covers the case (their names in its history), the system elsewhere."""

    def __init__(self, users: dict):
        from fupin.core.scope import scope_for

        self.users = {key: (user, scope_for(user)) for key, user in users.items() if user is not None}

    def actor(self, division_code: str, step):
        user, scope = self.users.get(ROLE_USERS.get(step.roles[0], ""), (None, None))
        return user if user is not None and scope.contains_code(division_code) else SYSTEM

    def walk(self, case, target: str | None, state: str, ago: int) -> None:
        from fupin.workflows import actions

        steps = case.procedure.active_steps(case.options)
        keys = [s.key for s in steps]
        for step in steps[keys.index(case.step):]:
            _at(ago)
            actor = self.actor(case.division_code, step)
            if step.key == target:
                if state:
                    actions.post_notice(actor=actor, cases=[case])
                return
            if step.notice:
                notice = actions.post_notice(actor=actor, cases=[case])
                ago -= step.default_days
                _at(ago)
                actions.close_notice(actor=actor, notice=notice)
                case.refresh_from_db()
            else:
                self.act(case, step, actor)
                ago -= 1

    @staticmethod
    def act(case, step, actor) -> None:
        from fupin.workflows import actions
        from fupin.workflows.models import Outcome

        data = {}
        if "minutes" in step.needs:
            review = actions.record_review(actor=SYSTEM, division_code=case.division_code, held_on=clock.today(),
                                           place="村委会会议室", chair="村党支部书记", expected=24, present=20,
                                           minutes="逐户评议，举手表决")
            data.update(review=review.pk, votes_for=18, votes_against=1, votes_abstain=1)
        if "cross_check" in step.needs:
            data.update(vehicles=False, housing=False, salaried=False, business=False)
        if "decision" in step.needs:
            data["decision_no"] = f"黎扶字〔{case.year}〕{case.pk}号"
        if "document:consent" in step.needs:
            actions.add_document(actor=actor, case=case, kind="consent", name="签字确认.pdf", content=PDF)
        if step.key == "county_approval" and actions.scale_warnings(case):
            data.update(over_scale=True, over_scale_reason="因病因灾新增，经县扶贫开发领导小组研究同意")
        if step.final and case.kind == "risk_clear":
            data["method"] = "natural"
        actions.act(actor=actor, case=case, outcome=Outcome.PASS, note=NOTES.get(step.key, "已核实，同意"), data=data)


def _households(county_code: str, kind: str, count: int) -> list:
    """Households for new cases of ``kind`` (active, no open case), as the year's run sees them."""
    from django.db.models import Exists, F, OuterRef, Subquery

    from fupin.registry.models import Household, Member
    from fupin.targeting.models import IdentificationResult
    from fupin.workflows import actions
    from fupin.workflows.models import Case, RiskClue

    base = (Household.objects.filter(county_code=county_code, status="active")
            .exclude(Exists(Case.objects.filter(county_code=OuterRef("county_code"), household=OuterRef("pk"), status="open"))))
    result = IdentificationResult.objects.filter(county_code=OuterRef("county_code"), household=OuterRef("pk"), run__year=YEAR, run__dry_run=False)
    clue = RiskClue.objects.filter(county_code=OuterRef("county_code"), household=OuterRef("pk"), status="open")
    if kind == "identify":  # the run finds them poor, the register does not
        qs = base.filter(household_type="ordinary").filter(Exists(result.filter(conclusion="poor")))
    elif kind == "apply":  # the demo village's applicants: its ordinary households of the lowest income
        return list(base.filter(household_type="ordinary", division__code=VILLAGE).exclude(Exists(clue))
                    .annotate(income=Subquery(result.values("per_capita_income")[:1]))
                    .order_by(F("income").asc(nulls_last=True), "pk")[:count])
    elif kind == "reentry":  # exited, and the run finds them below the monitoring line
        qs = base.filter(household_type="exited").filter(Exists(result.filter(below_monitoring=True)))
    elif kind == "monitor":  # a risk clue of the year's run (found when the year was opened)
        qs = base.filter(household_type__in=["exited", "ordinary"]).filter(
            Exists(clue.filter(source="identification")))
    else:  # risk_clear: monitored, the run finds the risk gone, someone able to work
        able = Member.objects.filter(county_code=OuterRef("county_code"), household=OuterRef("pk"), status="active",
                                     labour_skill__in=["ordinary", "skilled", "weak"])
        qs = base.filter(household_type="monitored").filter(Exists(result.filter(risk_cleared=True)), Exists(able))
    if kind != "monitor":
        qs = qs.exclude(Exists(clue))
    found = list(_preferred(qs)[:count * 4 if kind == "risk_clear" else count])
    if len(found) < count and kind != "risk_clear":  # a small county: any household the procedure may take
        more = base.filter(household_type__in={"identify": ["ordinary"], "reentry": ["exited"],
                                               "monitor": ["exited", "ordinary"]}[kind]).exclude(Exists(clue))
        found += list(_preferred(more.exclude(pk__in=[h.pk for h in found]))[:count - len(found)])
    if kind == "risk_clear":  # the county's approval checks the rule set's tests again
        found = [h for h in found if not actions.risk_clear_blockers(h)]
    return found[:count]


def _start(walker, kind: str, household, target: str | None, state: str, jitter: int):
    from fupin.workflows import actions, procedures
    from fupin.workflows.models import RiskClue

    options = {"cross_check": True} if target == "cross_check" else {}
    steps = procedures.procedure(kind).active_steps(options)
    ago = _days(steps, target, state) + jitter
    _at(ago)
    actor = walker.actor(household.division_id, steps[0])
    data = {"target": "monitored"} if kind == "reentry" else {}
    if kind == "monitor":
        clue = RiskClue.objects.filter(household=household, status="open").order_by("pk").first()
        kind_of = "unstable" if household.household_type == "exited" else "marginal"
        risk_types = (actions.guess_risk_types(clue) if clue is not None else []) or ["99"]
        if clue is not None and target != "clue":  # the clue is verified and becomes the case: first step passed
            case = actions.convert_clue(actor=actor, clue=clue, monitoring_type=kind_of, note="核实线索，启动监测识别",
                                        risk_types=risk_types)
            return case, ago - 1
        data = {"monitoring_type": kind_of, "risk_types": risk_types}
    case = actions.start_case(actor=actor, household=household, kind=kind, note=NOTES.get(steps[0].key, ""),
                              options=options, data=data, year=YEAR, submit=False)
    return case, ago


def cases_at_every_step(county_code: str, users: dict) -> str:
    """Cases of every household procedure at every one of its steps (those of the demo village first),
    walked there through the actions: notices whose period has run out (close them and go on), notices
    still running, and a few cases walked to the end (the year's flows count them)."""
    from collections import Counter

    from fupin.workflows import procedures
    from fupin.workflows.models import Case

    walker = _Walker(users)
    counts = Counter()
    try:
        for kind, plan in PLANS.items():
            procedure = procedures.procedure(kind)

            def village_level(target, procedure=procedure):
                return target[0] is not None and procedure.step(target[0]).level == "village"

            # a notice run out at a village's step goes first: the demo village gets it if it has a case
            targets = sorted((_plan(entry) for entry in plan), key=lambda t: not (village_level(t) and t[1] == EXPIRED))
            if kind == "identify":  # the village's steps in the demo village; from the township's on, the run's poor
                targets = [t for t in targets if village_level(t)] + [t for t in targets if not village_level(t)]
                households = _households(county_code, "apply", sum(map(village_level, targets)))
                taken = {h.pk for h in households}
                households += [h for h in _households(county_code, kind, len(targets)) if h.pk not in taken][
                    :len(targets) - len(households)]
            else:
                households = [] if kind == "exit" else _households(county_code, kind, len(targets))
            if kind == "exit":  # the year's exit candidates wait at the first step
                waiting = _preferred(Case.objects.filter(county_code=county_code, kind="exit", status="open",
                                                         step="democratic_review"), "division_code")
                for i, (case, (target, state)) in enumerate(zip(waiting[:len(targets)], targets, strict=False)):
                    steps = case.procedure.active_steps(case.options)
                    walker.walk(case, target, state, _days(steps, target, state) + i % 3)
                    counts[kind] += 1
                continue
            for i, (household, (target, state)) in enumerate(zip(households, targets, strict=False)):
                case, ago = _start(walker, kind, household, target, state, i % 3)
                walker.walk(case, target, state, ago)
                counts[kind] += 1
    finally:
        clock.reset()
    # Translators: the separator of a list, as in 贫困户识别 14 件、贫困户退出 9 件
    separator = _("、")
    return _("各环节的案件：%(cases)s，已按程序办到各自的环节（公示期已满、进行中、已办结）") % {
        "cases": separator.join(_("%(kind)s %(count)s 件") % {"kind": procedures.Kind(kind).label, "count": n}
                                for kind, n in counts.items())}
