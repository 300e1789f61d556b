"""The yearly report of an area: a summary, the per-area table (townships or villages as rows, the key
indicators of ``indicators.py``), the plan's targets with value, target and gap, and the funds by
source and mode. One builder feeds the printable page and the xlsx workbook.

Small counts (the public variant)
---------------------------------
The variant meant for outside the government (``public=True``) protects small counts; the threshold
T is ``settings.FUPIN_SUPPRESS_BELOW`` (default 5, at least 3):

1. Primary suppression: a count 1..T-1 is shown as "<T". Zero stays 0: publishing that nobody in an
   area is counted discloses no one, and hiding zeros would hide most of a village table.
2. Rates and amounts derived from a suppressed or hidden count (a rate's numerator or denominator,
   a per-capita income's household count) are hidden ("×") in that row; so is a rate whose numerator
   or complement (denominator − numerator, e.g. the trainees still without work) is a small count,
   since rate × denominator gives it back.
3. Complementary suppression, so a published column total cannot give a suppressed cell back by
   subtraction: whenever a column has suppressed cells, one more cell of the column, the smallest
   count >= T, is hidden as "×" (a cell bigger than T is preferred when every suppressed cell is
   1 and the smallest candidate is exactly T, since 1 + T alone would again be unique). When no such
   cell exists the column total itself is hidden. ``cell_ranges`` is the attacker's view used by the
   property tests: with the rule known ("<T" in 1..T-1, "×" >= T, zero exact) and the total
   published, no hidden cell's feasible range is a single value.
   Columns are protected one at a time; different columns come from different sources (registry
   households, the identification run, procedure cases), so they are not exact sums of each other.
   Counts that add up elsewhere in the report are protected as one small table too: C/D houses =
   renovated + not renovated, willing = relocated + waiting (all households; the targets count the
   建档立卡 households, a different population, and are protected as single counts).
   The guarantee is per table: reports of nested areas are not coordinated (a township hidden as "×"
   in the county's public report is the total of that township's own public report), so publish
   one level (normally the county's report, townships as rows) to the outside.
Money (funds) is not a count of people and is never suppressed. Totals are never rounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.accounts.roles import Cap
from fupin.core import xlsx
from fupin.divisions.codes import child_label
from fupin.insights import indicators, targets

HIDDEN = "×"


def suppress_below() -> int:
    return max(3, int(getattr(settings, "FUPIN_SUPPRESS_BELOW", 5)))


def small_label(threshold: int) -> str:
    return f"<{threshold}"


# --- the suppression rule (pure functions) -------------------------------------------------------

def protect_column(values: list[int], total: int | None, threshold: int) -> tuple[list, object]:
    """Published cells and total of one count column (see the module text)."""
    small = small_label(threshold)
    cells: list = [small if 1 <= v < threshold else v for v in values]
    primary = [i for i, v in enumerate(values) if 1 <= v < threshold]
    if total is None:
        return cells, None
    if 1 <= total < threshold:
        return cells, small
    if not primary:
        return cells, total
    slack = sum(values[i] - 1 for i in primary)
    candidates = sorted((v, i) for i, v in enumerate(values) if v >= threshold)
    if slack < 1:
        candidates = [(v, i) for v, i in candidates if v > threshold]
    if not candidates:
        return cells, HIDDEN
    cells[candidates[0][1]] = HIDDEN
    return cells, total


def cell_ranges(published: list, total, threshold: int) -> list[tuple[int, float] | None]:
    """What someone who knows the rule can infer about each hidden cell from a published column:
    the feasible interval [low, high] (None for cells published exactly)."""
    small = small_label(threshold)
    bounds = []
    for cell in published:
        if cell == small:
            bounds.append((1, threshold - 1))
        elif cell == HIDDEN:
            bounds.append((threshold, float("inf")))
        else:
            bounds.append((cell, cell))
    if not isinstance(total, int) or isinstance(total, bool):
        return [b if published[i] in (small, HIDDEN) else None for i, b in enumerate(bounds)]
    out = []
    for i, cell in enumerate(published):
        if cell not in (small, HIDDEN):
            out.append(None)
            continue
        others_low = sum(lo for j, (lo, _hi) in enumerate(bounds) if j != i)
        others_high = sum(hi for j, (_lo, hi) in enumerate(bounds) if j != i)
        out.append((max(bounds[i][0], total - others_high), min(bounds[i][1], total - others_low)))
    return out


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"  # count / rate / money
    base: tuple[str, ...] = ()  # the counts a rate or money figure derives from
    ratio: tuple[str, str] | None = None  # a rate's (numerator, denominator) counts


AREA_COLUMNS = [
    Column("households", gettext_lazy("户数")),
    Column("people", gettext_lazy("人口")),
    Column("poor_households", gettext_lazy("在册贫困户")),
    Column("poor_people", gettext_lazy("在册贫困人口")),
    Column("incidence", gettext_lazy("贫困发生率（%）"), "rate", ("poor_people", "people"), ("poor_people", "people")),
    Column("exited_households", gettext_lazy("脱贫户")),
    Column("monitored_households", gettext_lazy("监测户")),
    Column("mild", gettext_lazy("本年识别：轻度贫困户")),
    Column("moderate", gettext_lazy("本年识别：中度贫困户")),
    Column("severe", gettext_lazy("本年识别：重度贫困户")),
    Column("all_rate", gettext_lazy("两不愁三保障达标率（%）"), "rate", ("assisted",), ("all_ok", "assisted")),
    Column("per_capita", gettext_lazy("人均纯收入（元）"), "money", ("income_households",)),
    Column("growth", gettext_lazy("收入增幅（%）"), "rate", ("income_households",)),
    Column("new_poor", gettext_lazy("新识别"), "count"),
    Column("exited", gettext_lazy("脱贫退出"), "count"),
]
HELPER_COUNTS = ("assisted", "income_households")  # bases not shown as columns


def small(value, threshold: int) -> bool:
    return isinstance(value, int) and 1 <= value < threshold


def rate_hidden(numerator, denominator, threshold: int) -> bool:
    """A rate gives its numerator and its complement back (n = rate × d, d − n): it is hidden when
    either of them is a small count."""
    if not isinstance(numerator, int) or not isinstance(denominator, int):
        return False
    return small(numerator, threshold) or small(denominator - numerator, threshold)


def protect_table(rows: list[dict], total: dict, columns: list[Column], threshold: int) -> tuple[list[dict], dict]:
    """The published per-area table: counts protected column by column, derived figures hidden where a
    base count is not published exactly."""
    out_rows = [dict(r) for r in rows]
    out_total = dict(total)
    count_keys = [c.key for c in columns if c.kind == "count"] + list(HELPER_COUNTS)
    for key in count_keys:
        cells, total_cell = protect_column([int(r.get(key) or 0) for r in rows],
                                           None if total.get(key) is None else int(total[key]), threshold)
        for row, cell in zip(out_rows, cells, strict=True):
            row[key] = cell
        out_total[key] = total_cell
    for column in columns:
        if column.kind == "count":
            continue
        for raw, published in (*zip(rows, out_rows, strict=True), (total, out_total)):
            hidden = any(not isinstance(published.get(b), int) for b in column.base)
            if column.ratio and rate_hidden(raw.get(column.ratio[0]), raw.get(column.ratio[1]), threshold):
                hidden = True
            if hidden:
                published[column.key] = HIDDEN
    return out_rows, out_total


def protect_value(value, threshold: int):
    """A single published count (no total around it): primary suppression only."""
    if isinstance(value, int) and 1 <= value < threshold:
        return small_label(threshold)
    return value


# --- building the report -------------------------------------------------------------------------

def _ok(rate, n: int) -> int | None:
    """The count behind a rate of ``n`` (rates have two decimals: exact for any n below 10,000)."""
    if rate is None:
        return None
    return int((Decimal(rate) * n / 100).quantize(Decimal(1), ROUND_HALF_UP))


def _area_row(code: str, name: str, pop_row: dict, res_row: dict, inc_row: dict, flow_row: dict) -> dict:
    return {
        "code": code, "name": name,
        "households": pop_row.get("households", 0), "people": pop_row.get("people", 0),
        "poor_households": pop_row.get("poor_households", 0), "poor_people": pop_row.get("poor_people", 0),
        "incidence": pop_row.get("incidence"), "exited_households": pop_row.get("exited_households", 0),
        "monitored_households": pop_row.get("monitored_households", 0),
        "mild": res_row.get("mild", 0), "moderate": res_row.get("moderate", 0), "severe": res_row.get("severe", 0),
        "assisted": res_row.get("assisted", 0), "all_rate": res_row.get("all_rate"),
        "all_ok": _ok(res_row.get("all_rate"), res_row.get("assisted", 0)),
        "income_households": inc_row.get("households", 0), "per_capita": inc_row.get("per_capita"),
        "growth": inc_row.get("growth"), "new_poor": flow_row.get("new_poor", 0), "exited": flow_row.get("exited", 0),
    }


def area_table(data: dict) -> tuple[list[dict], dict]:
    """Rows (child areas) and the total row of the per-area table, from ``indicators.overview``."""
    pop, res, inc, flw = data["population"], data["results"], data["income"], data["flows"]
    by = {name: {r["code"]: r for r in family.children} for name, family in
          (("pop", pop), ("res", res), ("inc", inc), ("flw", flw))}
    codes_ = sorted(set().union(*(set(v) for v in by.values())))
    names = {c: r["name"] for family in by.values() for c, r in family.items()}
    rows = [_area_row(c, names[c], by["pop"].get(c, {}), by["res"].get(c, {}), by["inc"].get(c, {}),
                      by["flw"].get(c, {})) for c in codes_]
    degree = res.by_degree
    total = {
        "code": data["area"], "name": _("合计"),
        "households": pop.households, "people": pop.people,
        "poor_households": pop.count("poor"), "poor_people": pop.count("poor", "people"),
        "incidence": pop.incidence, "exited_households": pop.count("exited"),
        "monitored_households": pop.count("monitored"),
        "mild": degree.get("mild", {}).get("households", 0), "moderate": degree.get("moderate", {}).get("households", 0),
        "severe": degree.get("severe", {}).get("households", 0),
        "assisted": res.assisted, "all_rate": res.compliance.get("all", {}).get("rate"),
        "all_ok": res.compliance.get("all", {}).get("ok"),
        "income_households": inc.totals.get("households", 0), "per_capita": inc.totals.get("per_capita"),
        "growth": inc.growth, "new_poor": flw.totals.get("new_poor", 0), "exited": flw.totals.get("exited", 0),
    }
    return rows, total


MONEY_SHARES = ("mild_income", "moderate_income", "income_growth")  # over households (first figure)


def target_rows(assessments: list[targets.Assessment], public: bool, threshold: int) -> list[dict]:
    """The targets as published (the public variant protects their small counts)."""
    rows = []
    for a in assessments:
        value, gap = a.value, a.gap
        if public:
            figures = [v for _label, v in a.figures]
            if a.key in MONEY_SHARES:
                hidden = small(figures[0] if figures else None, threshold)
            elif a.key == "trained_employed":
                hidden = small(figures[0], threshold) or rate_hidden(figures[1], figures[0], threshold)
            else:
                hidden = False
            if hidden:
                value, gap = HIDDEN, HIDDEN
            elif isinstance(a.value, int):
                value = protect_value(a.value, threshold)
                gap = a.gap if value == a.value else value
        rows.append({"key": a.key, "label": str(a.definition.label), "unit": str(a.definition.unit),
                     "value": value, "exact": a.exact if value == a.value else None, "figure": a.definition.figure,
                     "population": str(a.definition.population), "target": a.target, "gap": gap, "met": a.met,
                     "enabled": a.enabled,
                     "origin": a.origin, "note": a.note, "rule": str(a.definition.rule)})
    return rows


def build(user, area: str, year: int, *, public: bool = False) -> dict:
    """Everything the report shows, already protected when ``public``."""
    data = indicators.overview(user, area, year)
    code = data["area"]
    threshold = suppress_below()
    raw_rows, raw_total = area_table(data)
    rows, total = protect_table(raw_rows, raw_total, AREA_COLUMNS, threshold) if public else (raw_rows, raw_total)
    # the targets reuse the overview's housing and programme figures (the same selectors): computed once
    context = targets.Context(user, code, year).seed(
        housing=data["housing"], programme_figures=data["training"],
        zero_employment_total=data["training"]["zero_employment"], reward=data["funds"]["reward"])
    assessments = targets.assess_all(user, code, year, context=context)
    housing = data["housing"]
    coverage = data["coverage"]["totals"]
    # C/D houses = renovated + not renovated; willing = relocated + waiting (all households): each a small
    # table with a total. The plan's 建档立卡 figures (the targets) are single published counts.
    (renovated, not_renovated), cd = [housing["renovated"], housing["not_renovated"]], housing["cd"]
    (relocated, waiting), willing = [housing["relocated"], housing["waiting"]], housing["willing"]
    measure_rate, helper_rate = coverage.get("measure_rate"), coverage.get("helper_rate")
    run_poor = data["run_poor"]["households"]
    if public:
        (renovated, not_renovated), cd = protect_column([renovated, not_renovated], cd, threshold)
        (relocated, waiting), willing = protect_column([relocated, waiting], willing, threshold)
        run_poor = protect_value(run_poor, threshold)
        households = coverage.get("households")
        if rate_hidden(coverage.get("with_measure"), households, threshold) or small(households, threshold):
            measure_rate = HIDDEN
        if rate_hidden(coverage.get("with_helper"), households, threshold) or small(households, threshold):
            helper_rate = HIDDEN
    # (label, value, figure key: the same figure on the other pages)
    summary = [
        (_("户数"), total["households"]), (_("人口"), total["people"]),
        (_("在册贫困户（当前登记）"), total["poor_households"], "registered_poor_households"),
        (_("在册贫困人口（当前登记）"), total["poor_people"], "registered_poor_people"),
        (_("本年正式识别为贫困户"), run_poor, "run_poor_households"),
        (_("监测户"), total["monitored_households"]), (_("新识别贫困户"), total["new_poor"]),
        (_("脱贫退出户"), total["exited"]),
        (_("贫困发生率（在册贫困人口 ÷ 人口，%）"), total["incidence"], "incidence"),
        (_("两不愁三保障及饮水安全全部达标率（贫困户、脱贫户、监测户，据本年识别，%）"), total["all_rate"]),
        (_("人均纯收入（元）"), total["per_capita"]), (_("人均纯收入增幅（%）"), total["growth"]),
        (_("帮扶措施覆盖率（帮扶对象，%）"), measure_rate), (_("帮扶责任人覆盖率（帮扶对象，%）"), helper_rate),
        (_("全部农户：C/D 级危房户"), cd, "cd_houses"), (_("全部农户：已改造危房户"), renovated, "cd_renovated"),
        (_("全部农户：尚未改造危房户"), not_renovated),
        (_("全部农户：有搬迁意愿的户"), willing, "relocation_willing"),
        (_("全部农户：已搬迁户"), relocated, "relocation_done"), (_("全部农户：尚未搬迁户"), waiting),
    ]
    return {"division": data["division"], "area": code, "year": year, "public": public, "threshold": threshold,
            "small": small_label(threshold), "summary": summary, "columns": AREA_COLUMNS, "rows": rows,
            "total": total, "child_level": child_label(code),
            "targets": target_rows(assessments, public, threshold),
            # the funds only for those who may see them (a department sees its own domain's figures)
            "funds": data["funds"] if user.can(Cap.VIEW_FUNDS) else None}


# --- the workbook --------------------------------------------------------------------------------

def _cell(value):
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return value


COLUMN_KINDS = {"count": xlsx.COUNT, "rate": xlsx.RATE, "money": xlsx.MONEY}


def workbook(report: dict) -> bytes:
    book = xlsx.Book()
    name = report["division"].name
    variant = _("对外公开版：小于 %(t)s 的数以“%(s)s”表示，由其推算的比率及为防止反推而隐藏的数以“×”表示") % {
        "t": report["threshold"], "s": report["small"]} if report["public"] else _("内部版（未做小数抑制）")

    sheet = book.sheet(_("概况"))
    sheet.title(_("%(n)s %(y)s 年度巩固脱贫成果报告") % {"n": name, "y": report["year"]})
    sheet.note(variant)
    sheet.skip()
    sheet.header([_("指标"), _("数值")])
    for label, value, *_key in report["summary"]:
        sheet.row([str(label), _cell(value)], [xlsx.TEXT, xlsx.AUTO])
    sheet.finish(autofilter=False, widths={0: 50})

    sheet = book.sheet(_("分区域"))
    headers = [str(report["child_level"]), *[str(c.label) for c in report["columns"]]]
    kinds = [xlsx.TEXT, *[COLUMN_KINDS.get(c.kind, xlsx.AUTO) for c in report["columns"]]]
    sheet.header(headers)
    for row in report["rows"]:
        sheet.row([row["name"], *[_cell(row.get(c.key)) for c in report["columns"]]], kinds)
    total = report["total"]
    sheet.row([total["name"], *[_cell(total.get(c.key)) for c in report["columns"]]], kinds, total=True)
    sheet.finish(freeze_columns=1)

    sheet = book.sheet(_("目标考核"))
    sheet.header([_("目标"), _("单位"), _("实际值"), _("目标值"), _("差距"), _("是否达标"), _("目标来源"), _("说明")])
    for row in report["targets"]:
        met = "—" if row["met"] is None else (_("达标") if row["met"] else _("未达标"))
        sheet.row([_cell(v) for v in [row["label"], row["unit"], row["value"], row["target"], row["gap"], met,
                                      row["origin"], row["note"] or row["rule"]]])
    sheet.finish()

    funds = report["funds"]
    if funds is not None:
        sheet = book.sheet(_("资金"))
        kinds = [xlsx.TEXT, xlsx.MONEY, xlsx.MONEY, xlsx.RATE]
        sheet.header([_("资金来源"), _("分配（元）"), _("支付（元）"), _("支付率（%）")])
        for row in funds["by_source"]:
            sheet.row([_cell(v) for v in [row["label"], row["allocated"], row["disbursed"], row["rate"]]], kinds)
        sheet.row([_cell(v) for v in [_("合计"), funds["allocated"], funds["disbursed"], funds["disbursed_rate"]]],
                  kinds, total=True)
        sheet.skip()
        sheet.header([_("支付方式"), _("支付（元）")])
        for row in funds["by_mode"]:
            sheet.row([row["label"], _cell(row["disbursed"])], [xlsx.TEXT, xlsx.MONEY])
        sheet.finish(autofilter=False)
    return book.close()
