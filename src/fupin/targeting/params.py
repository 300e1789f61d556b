"""The parameters of one run: a frozen snapshot of the rule set it used (stored on the run).

A run keeps its own copy so that past runs stay readable and reproducible even when the rule
set they came from was a draft that has changed since.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from fractions import Fraction

from fupin.targeting import indicators

DECIMAL_FIELDS = {
    "income_line", "monitoring_threshold", "county_rural_income", "province_rural_income", "province_poverty_rate",
    "food_min_income", "oop_ratio_exited", "oop_ratio_others", "income_drop_ratio", "village_incidence_multiple",
    "village_income_ratio", "gap_ceiling", "exit_margin", "previous_income_line", "previous_monitoring_threshold",
    "village_exit_incidence", "village_exit_collective_income", "county_exit_incidence",
}
VILLAGE_EXIT_ITEMS = ("road", "water", "power", "clinic", "broadband", "team")
GUARANTEE_TESTS = ("food", "education", "medical", "housing", "water")

# The values that are local rules (地方规则): where the national practice leaves the number to the
# province or county, or where domain.md marks the source as unverified. The rule-set page marks them.
LOCAL_RULES = frozenset({
    "food_min_income", "school_year_cutoff", "gap_ceiling", "gap_tests", "exit_prior_year", "exit_margin",
    "risk_clear_years", "risk_clear_min_months", "income_drop_ratio", "oop_ratio_exited", "oop_ratio_others",
    "monitoring_threshold", "village_exit_collective_income", "village_exit_items",
})


@dataclass(frozen=True)
class Params:
    year: int
    income_line: Decimal
    monitoring_threshold: Decimal | None = None
    county_rural_income: Decimal | None = None
    province_rural_income: Decimal | None = None
    province_poverty_rate: Decimal | None = None
    identification_standard: str = "national"
    food_min_income: Decimal = Decimal(0)
    safety_net_secures_food: bool = True
    school_age_from: int = 6
    school_age_to: int = 15
    age_reference: str = "12-31"
    health_exempts_schooling: bool = True
    require_basic_insurance: bool = True
    require_critical_insurance: bool = True
    require_medical_aid: bool = False
    unsafe_house_grades: str = "CD"
    renovation_counts: bool = True
    relocation_counts: bool = True
    water_test: bool = True
    school_year_cutoff: str = "08-31"
    gap_ceiling: Decimal | None = None
    gap_tests: str = "housing,education"
    exit_prior_year: bool = True
    exit_margin: Decimal = Decimal(0)
    risk_clear_years: int = 2
    risk_clear_min_months: int = 6
    village_exit_incidence: Decimal = Decimal(2)
    village_exit_collective_income: Decimal = Decimal(50000)
    village_exit_items: str = "road,water,power,clinic,broadband,team"
    county_exit_incidence: Decimal = Decimal(2)
    oop_ratio_exited: Decimal = Decimal("0.5")
    oop_ratio_others: Decimal = Decimal("1.0")
    income_drop_ratio: Decimal = Decimal("0.5")
    village_incidence_multiple: Decimal = Decimal(2)
    village_income_ratio: Decimal = Decimal("0.6")
    mpi_k: str = str(indicators.DEFAULT_K)
    mpi_weights: dict = field(default_factory=indicators.default_weights)
    # The previous year's lines (from the rule set that applied then; this year's when there was none),
    # for "above the line this year and the year before". Taken when the run starts, not rule-set fields.
    previous_income_line: Decimal | None = None
    previous_monitoring_threshold: Decimal | None = None
    rule_set_id: int | None = None
    rule_set_label: str = ""

    # --- derived values ------------------------------------------------------------------------

    @property
    def reference_date(self) -> dt.date:
        month, day = (int(x) for x in self.age_reference.split("-"))
        if (month, day) == (2, 29):
            day = 28
        return dt.date(self.year, month, day)

    def years_before(self, years: int) -> dt.date:
        ref = self.reference_date
        return ref.replace(year=ref.year - years)

    @property
    def school_cutoff_date(self) -> dt.date:
        """This year's school-entry cut-off (8-31: a child of age by 31 August starts in September)."""
        month, day = (int(x) for x in self.school_year_cutoff.split("-"))
        if (month, day) == (2, 29):
            day = 28
        return dt.date(self.year, month, day)

    @property
    def gaps_counted(self) -> tuple[str, ...]:
        """The guarantee tests that admit a household up to ``gap_ceiling`` (none when it is not set)."""
        if self.gap_ceiling is None:
            return ()
        return tuple(t for t in GUARANTEE_TESTS if t in {x.strip() for x in self.gap_tests.split(",")})

    @property
    def line_last_year(self) -> Decimal:
        return self.previous_income_line if self.previous_income_line is not None else self.income_line

    @property
    def monitoring_last_year(self) -> Decimal | None:
        if self.previous_monitoring_threshold is not None:
            return self.previous_monitoring_threshold
        return self.monitoring_threshold

    @property
    def k(self) -> Fraction:
        return Fraction(self.mpi_k)

    @property
    def weights(self) -> dict[str, Fraction]:
        return {key: Fraction(str(value)) for key, value in self.mpi_weights.items() if key in indicators.BY_KEY}

    @property
    def denominator(self) -> int:
        from fupin.targeting.mpi import common_denominator

        return common_denominator([*self.weights.values(), self.k])

    # --- (de)serialisation --------------------------------------------------------------------

    def to_json(self) -> dict:
        data = asdict(self)
        for name in DECIMAL_FIELDS:
            if data[name] is not None:
                data[name] = str(data[name])
        return data

    @classmethod
    def from_json(cls, data: dict) -> Params:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name in DECIMAL_FIELDS & values.keys():
            if values[name] is not None:
                values[name] = Decimal(str(values[name]))
        return cls(**values)

    @classmethod
    def from_rule_set(cls, rule_set) -> Params:
        names = {f.name for f in fields(cls)} - {"year", "rule_set_id", "rule_set_label", "previous_income_line",
                                                 "previous_monitoring_threshold"}
        values = {name: getattr(rule_set, name) for name in names}
        for name in DECIMAL_FIELDS & values.keys():
            if values[name] is not None:
                values[name] = Decimal(str(values[name]))
        values["mpi_weights"] = dict(rule_set.mpi_weights or {})
        return cls(year=rule_set.year, rule_set_id=rule_set.pk, rule_set_label=str(rule_set), **values)


def validate(params: Params) -> list[tuple[str, str]]:
    """Problems that make a parameter set unusable, as (field, message)."""
    from django.utils.translation import gettext as _

    problems = []
    if params.income_line <= 0:
        problems.append(("income_line", _("收入线须大于 0")))
    if params.monitoring_threshold is not None and params.monitoring_threshold < params.income_line:
        problems.append(("monitoring_threshold", _("监测线不应低于收入线")))
    if not (0 <= params.school_age_from <= params.school_age_to <= 20):
        problems.append(("school_age_to", _("义务教育年龄范围无效")))
    try:
        params.reference_date  # noqa: B018 - validates the month-day text
    except ValueError:
        problems.append(("age_reference", _("年龄计算日应为“月-日”，如 12-31")))
    try:
        params.school_cutoff_date  # noqa: B018 - validates the month-day text
    except ValueError:
        problems.append(("school_year_cutoff", _("入学年龄截止日应为“月-日”，如 08-31")))
    if params.gap_ceiling is not None:
        tests = {x.strip() for x in params.gap_tests.split(",") if x.strip()}
        if params.monitoring_threshold is None:
            problems.append(("gap_ceiling", _("须先填写监测线：保障缺口纳入识别的收入上限不得高于监测线")))
        elif params.gap_ceiling > params.monitoring_threshold:
            problems.append(("gap_ceiling", _("收入上限不得高于监测线（%(m)s 元）") % {
                "m": f"{params.monitoring_threshold:,.2f}"}))
        if params.gap_ceiling <= params.income_line:
            problems.append(("gap_ceiling", _("收入上限须高于收入线，否则不起作用")))
        if not tests:
            problems.append(("gap_tests", _("请选择纳入识别的保障缺口")))
        elif tests - set(GUARANTEE_TESTS):
            problems.append(("gap_tests", _("未知的保障项：%(t)s") % {"t": "、".join(sorted(tests - set(GUARANTEE_TESTS)))}))
    items = {x.strip() for x in params.village_exit_items.split(",") if x.strip()}
    if items - set(VILLAGE_EXIT_ITEMS):
        problems.append(("village_exit_items", _("未知的条件：%(t)s") % {"t": "、".join(sorted(items - set(VILLAGE_EXIT_ITEMS)))}))
    for name in ("village_exit_incidence", "county_exit_incidence"):
        if not 0 < getattr(params, name) <= 100:
            problems.append((name, _("比例应大于 0 且不超过 100")))
    if params.village_exit_collective_income < 0:
        problems.append(("village_exit_collective_income", _("金额不能为负")))
    if params.exit_margin < 0:
        problems.append(("exit_margin", _("金额不能为负")))
    if not 1 <= params.risk_clear_years <= 3:
        problems.append(("risk_clear_years", _("年数应为 1 至 3")))
    if params.risk_clear_min_months > 36:
        problems.append(("risk_clear_min_months", _("月数不应超过 36")))
    if set(params.unsafe_house_grades) - set("ABCD") or not params.unsafe_house_grades:
        problems.append(("unsafe_house_grades", _("不安全等级只能由 A、B、C、D 组成")))
    try:
        k = params.k
        weights = params.weights
    except (ValueError, ZeroDivisionError):
        problems.append(("mpi_k", _("k 与权重须为分数或小数，如 1/3")))
    else:
        if not (0 < k <= 1):
            problems.append(("mpi_k", _("k 须大于 0 且不大于 1")))
        if any(w < 0 for w in weights.values()):
            problems.append(("mpi_weights", _("权重不能为负")))
        elif sum(weights.values()) != 1:
            problems.append(("mpi_weights", _("各指标权重之和须等于 1（现为 %(s)s）") % {"s": sum(weights.values())}))
    for name in ("oop_ratio_exited", "oop_ratio_others", "income_drop_ratio", "village_income_ratio"):
        if getattr(params, name) < 0:
            problems.append((name, _("比例不能为负")))
    return problems
