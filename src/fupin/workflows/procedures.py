"""The procedures as data (domain.md 2.1, 2.2, 2.6, 3): each kind is a list of steps saying who
acts (role, at which area level), what must be supplied, whether it is a public notice, and how
long it may take. The engine in actions.py walks these lists; nothing else knows their order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from fupin.accounts.roles import Role
from fupin.core.codes import CodeList

VILLAGE = (Role.VILLAGE_CADRE,)
VISIT = (Role.VILLAGE_CADRE, Role.HELPER)
TOWNSHIP = (Role.TOWNSHIP_CADRE,)
COUNTY = (Role.COUNTY_ADMIN,)


class Kind(CodeList):
    IDENTIFY = "identify", _("贫困户识别")
    EXIT = "exit", _("贫困户退出")
    REENTRY = "reentry", _("返贫识别")
    MONITOR = "monitor", _("监测对象识别")
    RISK_CLEAR = "risk_clear", _("风险消除")
    VILLAGE_EXIT = "village_exit", _("贫困村退出")


# Procedures of a village rather than a household (the case has no household).
VILLAGE_KINDS = frozenset({Kind.VILLAGE_EXIT})


class DocumentKind(CodeList):
    APPLICATION = "application", _("申请书")
    MINUTES = "minutes", _("评议会议记录")
    CONSENT = "consent", _("农户承诺书/签字确认")
    VISIT_PHOTO = "visit_photo", _("入户照片")
    CHECK_REPORT = "check_report", _("比对核查材料")
    DECISION = "decision", _("审批文件")
    OTHER = "other", _("其他")


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    roles: tuple[str, ...]
    level: str  # "village", "township" or "county": the actor's grant must cover the case's area
    needs: tuple[str, ...] = ()  # "note", "minutes", "cross_check", "decision", "document:<kind>", ...
    notice: str = ""  # "notice" (公示) or "announcement" (公告) for notice steps
    min_days: int = 0  # a notice may not end sooner
    default_days: int = 0  # and runs this long unless set otherwise
    deadline_days: int = 5  # time allowed for the step
    final: bool = False  # applies the outcome to the registry
    optional: str = ""  # the case option that switches the step on (cross_check, pre_exit)
    skipped_by: str = ""  # the case option that switches the step off


@dataclass(frozen=True)
class Procedure:
    kind: str
    steps: tuple[Step, ...]
    total_days: int | None = None  # overall deadline (monitoring: clue to decision within 15 days)
    options: dict = field(default_factory=dict)

    def active_steps(self, options: dict) -> list[Step]:
        return [s for s in self.steps
                if (not s.optional or options.get(s.optional)) and not (s.skipped_by and options.get(s.skipped_by))]

    def step(self, key: str) -> Step:
        return next(s for s in self.steps if s.key == key)


IDENTIFY = Procedure(Kind.IDENTIFY, (
    Step("apply", _("农户申请或村民小组提名"), VILLAGE, "village", needs=("note",)),
    Step("democratic_review", _("村民代表大会民主评议"), VILLAGE, "village", needs=("minutes",)),
    Step("village_check", _("村委会和驻村工作队核实"), VILLAGE, "village", needs=("note",)),
    Step("first_notice", _("第一次公示（村）"), VILLAGE, "village", notice="notice", min_days=5, default_days=7,
         deadline_days=10),
    Step("cross_check", _("部门信息比对"), COUNTY, "county", needs=("cross_check",), optional="cross_check"),
    Step("township_review", _("乡镇审核"), TOWNSHIP, "township", needs=("note",)),
    Step("second_notice", _("第二次公示（村）"), TOWNSHIP, "township", notice="notice", min_days=5, default_days=7,
         deadline_days=10),
    Step("county_approval", _("县审批"), COUNTY, "county", needs=("decision",)),
    Step("announcement", _("公告（村）"), COUNTY, "county", notice="announcement", min_days=0, default_days=7,
         deadline_days=10),
    Step("register", _("建档立卡，录入系统"), COUNTY, "county", final=True),
), options={"cross_check": _("增加部门信息比对（两评议两公示一比对一公告）")})

EXIT = Procedure(Kind.EXIT, (
    Step("democratic_review", _("村两委民主评议"), VILLAGE, "village", needs=("minutes",)),
    Step("verification", _("村两委和驻村工作队核实"), VILLAGE, "village", needs=("note",)),
    Step("pre_exit", _("标注预退出"), VILLAGE, "village", needs=("note",), optional="pre_exit"),
    Step("year_end_visit", _("年底入户核验"), VISIT, "village", needs=("note",), optional="pre_exit"),
    Step("consent", _("贫困户签字认可"), VILLAGE, "village", needs=("document:consent",)),
    Step("village_notice", _("村内公示"), VILLAGE, "village", notice="notice", min_days=5, default_days=7,
         deadline_days=10),
    Step("announcement", _("公告"), TOWNSHIP, "township", notice="announcement", min_days=0, default_days=7,
         deadline_days=10),
    Step("prefecture_filing", _("报市备案"), COUNTY, "county", needs=("decision",), optional="pre_exit"),
    Step("mark_exit", _("系统标注脱贫"), COUNTY, "county", final=True),
), options={"pre_exit": _("省定预退出程序（预退出标注、年底核验、公示不少于一周、报市备案）")})

REENTRY = Procedure(Kind.REENTRY, (
    Step("apply", _("农户申请或干部发现"), VILLAGE, "village", needs=("note",)),
    Step("visit", _("入户核实"), VISIT, "village", needs=("note",)),
    Step("democratic_review", _("村民代表大会民主评议"), VILLAGE, "village", needs=("minutes",)),
    Step("village_notice", _("村内公示"), VILLAGE, "village", notice="notice", min_days=5, default_days=7,
         deadline_days=10),
    Step("township_review", _("乡镇审核"), TOWNSHIP, "township", needs=("note",)),
    Step("county_approval", _("县审批"), COUNTY, "county", needs=("decision",)),
    Step("register", _("纳入帮扶（贫困户或监测户）"), COUNTY, "county", final=True),
))

MONITOR = Procedure(Kind.MONITOR, (
    Step("clue", _("风险线索"), VISIT, "village", needs=("note",), deadline_days=2),
    Step("visit", _("入户走访"), VISIT, "village", needs=("note",), deadline_days=3),
    Step("consent", _("农户承诺并授权核查"), VILLAGE, "village", needs=("document:consent",), deadline_days=2),
    Step("data_check", _("信息比对核查"), TOWNSHIP, "township", needs=("cross_check",), deadline_days=2),
    Step("democratic_review", _("民主评议"), VILLAGE, "village", needs=("minutes",), deadline_days=2),
    Step("village_notice", _("村内公示（不少于 5 天）"), VILLAGE, "village", notice="notice", min_days=5,
         default_days=5, deadline_days=6),
    Step("township_review", _("乡镇审核"), TOWNSHIP, "township", needs=("note",), deadline_days=2),
    Step("county_decision", _("县级确定"), COUNTY, "county", needs=("decision",), deadline_days=2),
    Step("entry", _("录入全国防返贫监测系统"), COUNTY, "county", needs=("export_batch",), final=True,
         deadline_days=2),
), total_days=15)

RISK_CLEAR = Procedure(Kind.RISK_CLEAR, (
    Step("visit", _("入户核实"), VISIT, "village", needs=("note",)),
    Step("democratic_review", _("民主评议"), VILLAGE, "village", needs=("minutes",)),
    Step("village_notice", _("村内公示"), VILLAGE, "village", notice="notice", min_days=5, default_days=5,
         deadline_days=10),
    Step("township_check", _("乡镇核查"), TOWNSHIP, "township", needs=("note",)),
    Step("county_approval", _("县审批并公告"), COUNTY, "county", needs=("decision",)),
    Step("mark_cleared", _("系统标注风险消除"), COUNTY, "county", final=True),
))

# 贫困村退出 (domain.md 2.3): the village applies, the township reviews, the county approves (the village
# exit test must pass), notice in the township, announcement, then the village is marked 已出列.
VILLAGE_EXIT = Procedure(Kind.VILLAGE_EXIT, (
    Step("apply", _("村两委提出退出申请"), VILLAGE, "village", needs=("note",)),
    Step("township_review", _("乡镇审核"), TOWNSHIP, "township", needs=("note",)),
    Step("county_approval", _("县审批"), COUNTY, "county", needs=("decision",)),
    Step("township_notice", _("乡镇公示"), TOWNSHIP, "township", notice="notice", min_days=5, default_days=7,
         deadline_days=10),
    Step("announcement", _("公告"), COUNTY, "county", notice="announcement", min_days=0, default_days=7,
         deadline_days=10),
    Step("mark_exited", _("标注贫困村出列"), COUNTY, "county", final=True),
))

PROCEDURES: dict[str, Procedure] = {p.kind: p for p in (IDENTIFY, EXIT, REENTRY, MONITOR, RISK_CLEAR, VILLAGE_EXIT)}


def procedure(kind: str) -> Procedure:
    return PROCEDURES[kind]
