"""Procedures the demo walks through, through the workflows actions, with the domain clock set back so
that notice periods really run: one poor village exited (贫困村退出 from application to 已出列) and one
waiting for the county's approval."""

from __future__ import annotations

import datetime as dt

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
        return "village exit: no poor village meets the exit test"
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
    return (f"village exit: {done} exited through the procedure"
            + (f", {waiting} waiting for the county's approval" if waiting else ""))


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
    from fupin.exchange import actions as exchange
    from fupin.exchange.selectors import national_items
    from fupin.workflows import actions
    from fupin.workflows.models import Case, ClueStatus, Outcome, RiskClue

    clues = list(RiskClue.objects.filter(county_code=county_code, status=ClueStatus.OPEN, source="department",
                                         household__household_type__in=["exited", "ordinary"])
                 .exclude(household__cases__status="open").order_by("pk")[:4])
    if len(clues) < 4:
        return "monitoring: not enough open risk clues to walk through"
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
    return (f"monitoring: {len(cases)} clues taken to the county's decision, national batch #{batch.pk} of"
            f" {batch.households:,} households exported, {entered} entered, 1 waiting for the next batch")


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
    return (f"national returned list: {len(rows)} rows matched, {run.counts.get('clues_created', 0)} risk clues"
            f" (source: 全国防返贫监测系统)")
