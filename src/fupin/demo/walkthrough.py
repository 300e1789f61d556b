"""Procedures the demo walks through, through the workflows actions, with the domain clock set back so
that notice periods really run: one poor village exited (贫困村退出 from application to 已出列) and one
waiting for the county's approval."""

from __future__ import annotations

import datetime as dt

from fupin.core import clock
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
        case = actions.start_village_case(actor=None, village_code=first, year=YEAR,
                                          note="贫困发生率降至 2% 以下，村集体经济收入和基础设施均已达标，申请退出")
        actions.act(actor=None, case=case, outcome=Outcome.PASS, note="乡镇核查：各项指标达标")
        actions.act(actor=county, case=case, outcome=Outcome.PASS, note="县扶贫开发领导小组审定",
                    data={"decision_no": f"黎扶字〔{YEAR}〕21号"})
        notice = actions.post_notice(actor=None, cases=[case], period_days=7)
        _at(22)
        actions.close_notice(actor=None, notice=notice)
        case.refresh_from_db()
        notice = actions.post_notice(actor=county, cases=[case], period_days=7)
        _at(14)
        actions.close_notice(actor=county, notice=notice)
        case.refresh_from_db()
        actions.act(actor=county, case=case, outcome=Outcome.PASS, note="系统标注出列")
        done = first
        if len(ready) > 1:
            _at(5)
            second = actions.start_village_case(actor=None, village_code=ready[1], year=YEAR,
                                                note="各项指标达标，申请退出")
            actions.act(actor=None, case=second, outcome=Outcome.PASS, note="乡镇核查：达标，报县审批")
            waiting = ready[1]
    finally:
        clock.reset()
    return (f"village exit: {done} exited through the procedure"
            + (f", {waiting} waiting for the county's approval" if waiting else ""))
