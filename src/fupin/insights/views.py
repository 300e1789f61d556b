"""The dashboard: the indicators of one area and year, drillable county -> township -> village.

Every number is computed live from the registry and the other apps (``indicators``); the charts get
their data embedded with ``json_script`` and the same numbers are shown in tables under them.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from fupin.accounts.roles import Cap
from fupin.core import clock
from fupin.core.views import require
from fupin.divisions.codes import child_label
from fupin.divisions.models import Division
from fupin.insights import indicators
from fupin.registry import codes
from fupin.targeting.models import Degree

YEARS_BACK = 6


def _num(value):
    """A chart value: numbers as floats (JSON), missing as None."""
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def _year(request) -> int | None:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        return None
    return year if 2000 <= year <= 2100 else None


def _crumbs(user, division: Division) -> list[Division]:
    """The visible ancestors from the province down (a county user's crumbs start at their county, a
    township cadre's at their township)."""
    ancestors = [c for c in division.ancestor_codes() if len(c) >= 2]
    found = {d.code: d for d in Division.objects.visible_to(user).filter(code__in=ancestors)}
    return [found[c] for c in ancestors if c in found]


def _labels(code_list) -> dict[str, str]:
    return {value: str(label) for value, label in code_list.choices}


def _pie(key, title, items, *, labels=None, links=None):
    """A pie: ``items`` are (key, value); the table beside it lists each value with its share."""
    labels, links = labels or {}, links or {}
    items = [(k, v) for k, v in items if v]
    total = sum((Decimal(v) for _k, v in items), Decimal(0))
    rows = [{"label": labels.get(k, k), "link": links.get(k, ""), "cells": [v, indicators.pct(v, total)]}
            for k, v in items]
    return {"id": key, "kind": "pie", "title": title, "unit": "",
            "data": [{"name": labels.get(k, k), "value": _num(v)} for k, v in items],
            "table": {"columns": [_("数值"), _("占比（%）")], "rows": rows}}


def _bar(key, title, categories, series, *, codes_=None, unit="", horizontal=False, links=None, charted=None):
    """Bars: one group per category, one bar per series (the first ``charted`` series only: the others,
    in other units, are table columns); the table has a row per category."""
    links = links or []
    rows = [{"label": c, "link": links[i] if i < len(links) else "", "cells": [data[i] for _n, data in series]}
            for i, c in enumerate(categories)]
    return {"id": key, "kind": "bar", "title": title, "categories": [str(c) for c in categories], "unit": unit,
            "series": [{"name": str(name), "data": [_num(v) for v in data]} for name, data in series[:charted]],
            "codes": codes_ or [], "horizontal": horizontal,
            "table": {"columns": [str(name) for name, _d in series], "rows": rows}}


def _url(name: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in ("", None)})
    return reverse(name) + (f"?{query}" if query else "")


def charts(data: dict) -> list[dict]:
    """The chart specifications (plain data) the page's script turns into ECharts options, each with
    the table of the same numbers and, where a list exists, links from the numbers to it."""
    area, year = data["area"], data["year"]
    result = []
    if "population" in data:
        result += _core_charts(data, area, year)
    if "income" in data:
        result += _income_charts(data["income"], area, year)
    if "results" in data:
        result += _results_charts(data["results"], area, year)
    if "coverage" in data:
        cov = data["coverage"]["totals"]
        result.append(_bar(
            "coverage", _("“八个一”覆盖率（%）"),
            [_("户有帮扶措施"), _("户有增收项目"), _("户有帮扶人"), _("村有工作队"), _("村有帮扶方案"), _("村有扶持项目")],
            [(_("覆盖率"), [cov["measure_rate"], cov["income_rate"], cov["helper_rate"], cov["village_team_rate"],
                          cov["village_plan_rate"], cov["village_projects_rate"]]),
             (_("缺少"), [cov["no_measure"], cov["no_income"], cov["no_helper"], cov["no_team"], cov["no_plan"],
                        cov["no_projects"]])], unit="%", charted=1,
            links=[_url("assistance:coverage", area=area, year=year)] * 6))
    if "training" in data:
        trn = data["training"]
        result.append(_bar(
            "training", _("培训与就业"), [_("培训结业（人）"), _("培训后就业（人）"), _("公益性岗位在岗（人）"),
                                          _("零就业家庭（户）")],
            [(_("人数"), [trn["trained"], trn["employed_after_training"], trn["welfare_jobs"], trn["zero_employment"]])],
            links=[_url("programmes:index", area=area, year=year)] * 3 + [_url("programmes:zero_employment", area=area)]))
    if "housing" in data:
        hsg = data["housing"]
        result.append(_bar(
            "housing", _("危房改造与易地搬迁（户）"), [_("C/D级危房"), _("已改造"), _("有搬迁意愿"), _("已搬迁")],
            [(_("户数"), [hsg["cd"], hsg["renovated"], hsg["willing"], hsg["relocated"]])],
            links=[_url("welfare:housing", area=area)] * 2 + [_url("welfare:relocation_waiting", area=area),
                                                              _url("welfare:relocations", area=area)]))
    if "funds" in data:
        fnd = data["funds"]
        result.append(_bar("funds_source", _("资金来源（元）"), [r["label"] for r in fnd["by_source"]],
                           [(_("已分配"), [r["allocated"] for r in fnd["by_source"]]),
                            (_("已支付"), [r["disbursed"] for r in fnd["by_source"]])], horizontal=True,
                           links=[_url("funds:ledger", area=area, year=year)] * len(fnd["by_source"])))
        result.append(_pie("funds_mode", _("支付方式（元）"), [(r["label"], r["disbursed"]) for r in fnd["by_mode"]]))
    return result


def _core_charts(data: dict, area: str, year: int) -> list[dict]:
    pop, flw = data["population"], data["flows"]
    children = [c for c in pop.children if c["households"]]
    type_labels = _labels(codes.HouseholdType)
    households = "registry:household_list"
    drill = [_url("insights:dashboard", area=c["code"], year=year) for c in children]
    return [
        _bar("incidence", _("贫困发生率与监测对象占比（%）"), [c["name"] for c in children],
             [(_("贫困发生率"), [c["incidence"] for c in children]),
              (_("监测对象占比"), [c["monitored_share"] for c in children])],
             codes_=[c["code"] for c in children], unit="%", links=drill),
        _pie("types", _("户类型（在册户，当前登记）"), [(t, pop.by_type[t]["households"]) for t in pop.by_type],
             labels=type_labels, links={t: _url(households, area=area, household_type=t) for t in pop.by_type}),
        _bar("causes", _("主要致贫原因（在册贫困户、脱贫户和监测户）"), [_labels(codes.PovertyCause).get(k, k) for k in pop.by_cause],
             [(_("户数"), [v["households"] for v in pop.by_cause.values()])], horizontal=True,
             links=[_url(households, area=area, cause=k) for k in pop.by_cause]),
        _pie("attributes", _("贫困户属性（在册贫困户和脱贫户）"), [(k, v["households"]) for k, v in pop.by_attribute.items()],
             labels=_labels(codes.PovertyAttribute),
             links={k: _url(households, area=area, attribute=k) for k in pop.by_attribute}),
        _pie("monitoring", _("监测类型（在册监测户）"), [(k, v["households"]) for k, v in pop.by_monitoring.items()],
             labels=_labels(codes.MonitoringType)),
        _bar("flows", _("年度动态（户）"), [_("新识别贫困户"), _("脱贫退出"), _("返贫"), _("新纳入监测"), _("风险消除")],
             [(_("户数"), [flw.totals[k] for k in indicators.FLOW_KINDS.values()])],
             links=[_url("workflows:case_list", area=area, kind=k, status="done")
                    for k in indicators.FLOW_KINDS]),
    ]


def _income_charts(inc, area: str, year: int) -> list[dict]:
    type_labels = _labels(codes.HouseholdType)
    result = [
        _pie("income_structure", _("收入结构（元）"),
             [(_("工资性收入"), inc.totals["wage"]), (_("生产经营性净收入"), max(inc.totals["business_net"], 0)),
              (_("财产性收入"), inc.totals["property"]), (_("转移性收入"), inc.totals["transfer"])]),
        _bar("income_types", _("人均纯收入（元）"), [type_labels[t] for t in inc.by_type],
             [(str(year - 1), [v["previous_per_capita"] for v in inc.by_type.values()]),
              (str(year), [v["per_capita"] for v in inc.by_type.values()]),
              (_("增长（%）"), [v["growth"] for v in inc.by_type.values()]),
              (_("占全县农村居民人均可支配收入（%）"), [v["of_county_average"] for v in inc.by_type.values()])],
             charted=2),
    ]
    if len(area) < 12:
        rows = [c for c in inc.children if c["households"]]
        result.append(_bar("income_children", _("各区域人均纯收入（元）及增长（%）"), [c["name"] for c in rows],
                           [(_("人均纯收入"), [c["per_capita"] for c in rows]),
                            (_("增长（%）"), [c["growth"] for c in rows])], charted=1,
                           codes_=[c["code"] for c in rows],
                           links=[_url("insights:dashboard", area=c["code"], year=year) for c in rows]))
    return result


def _results_charts(res, area: str, year: int) -> list[dict]:
    guarantees = (*indicators.GUARANTEES, "all")
    result = [
        _bar("compliance", _("两不愁三保障及饮水安全达标率（%）"),
             [_("吃穿"), _("义务教育"), _("基本医疗"), _("住房安全"), _("饮水安全"), _("全部达标")],
             [(_("达标率"), [res.compliance[g]["rate"] for g in guarantees]),
              (_("未达标户"), [res.compliance[g]["fail"] for g in guarantees])], unit="%", charted=1,
             links=["", _url("welfare:education_missing", area=area, year=year), "",
                    _url("welfare:housing", area=area), "", ""]),
        _pie("degree", _("本年识别为贫困户的贫困程度（户）"), [(k, v["households"]) for k, v in res.by_degree.items()],
             labels=_labels(Degree)),
    ]
    if len(area) < 12:
        rows = [c for c in res.children if c["assisted"]]
        result.append(_bar("compliance_children", _("各区域两不愁三保障全部达标率（%）"), [c["name"] for c in rows],
                           [(_("全部达标"), [c["all_rate"] for c in rows]),
                            (_("住房安全"), [c["housing_rate"] for c in rows]),
                            (_("饮水安全"), [c["water_rate"] for c in rows])], unit="%",
                           codes_=[c["code"] for c in rows],
                           links=[_url("insights:dashboard", area=c["code"], year=year) for c in rows]))
    return result


PART_TITLES = {"income": _lazy("收入"), "results": _lazy("两不愁三保障与贫困程度"), "coverage": _lazy("“八个一”帮扶"), "training": _lazy("培训与就业"), "housing": _lazy("住房与搬迁"),
               "funds": _lazy("资金")}


# A family of figures shown only to those who may see its domain (a department sees its own, not the
# county's funds).
FAMILY_CAPS = {"funds": Cap.VIEW_FUNDS, "coverage": Cap.VIEW_ASSISTANCE, "training": Cap.VIEW_PROGRAMMES,
               "housing": Cap.VIEW_PROGRAMMES}


def visible_families(user) -> tuple[str, ...]:
    return tuple(f for f in indicators.FAMILIES if f not in FAMILY_CAPS or user.can(FAMILY_CAPS[f]))


@require(Cap.VIEW_INSIGHTS)
def dashboard(request):
    """The page: key figures, the child areas and the core charts (population and flows). The other
    families (income, the run's results, 八个一, housing, funds, training) are each fetched by the page with ``?part=<family>`` once it is shown, one after the other (each part
    brings the placeholder of the next), so the page answers without waiting for them, each part
    answers on its own, and they never compete with each other for the database."""
    user = request.user
    part = request.GET.get("part", "")
    shown = visible_families(user)
    if part in indicators.FAMILIES and part not in shown:
        raise PermissionDenied(_("您的角色不能查看这部分数据。"))
    families = (part,) if part in indicators.FAMILIES else ("core",)
    data = indicators.overview(user, request.GET.get("area", ""), _year(request), families=families)
    division, year = data["division"], data["year"]
    chart_specs = charts(data)
    context = {**data, "charts": {c["id"]: c for c in chart_specs}, "chart_data": chart_specs,
               "chart_data_id": f"insights-charts-{part or 'core'}", "nav_active": "dashboard"}
    if part in indicators.FAMILIES:
        following = shown[shown.index(part) + 1:]
        # fetched by the page (htmx): the fragment, with the next part's placeholder; opened on its own
        # (the retry link, a bookmark): a whole page with this part only
        fragment = request.headers.get("HX-Request") == "true"
        return render(request, "insights/_part.html" if fragment else "insights/part_page.html",
                      {**context, "part": part, "title": PART_TITLES[part],
                       "next_part": (following[0] if following else "") if fragment else ""})
    latest = max(indicators.default_year(user, division.code), clock.today().year, year)
    return render(request, "insights/dashboard.html", {
        **context, "crumbs": _crumbs(user, division), "years": list(range(latest, latest - YEARS_BACK, -1)),
        "child_level": child_label(division.code), "first_part": shown[0] if shown else "",
    })
