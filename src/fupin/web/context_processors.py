"""Navigation for the top bar, grouped, by what the user may do."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fupin.accounts.roles import Cap


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    registers = [
        ("home", _("区域"), reverse("web:home")),
        ("households", _("农户"), reverse("registry:household_list")),
        ("members", _("成员"), reverse("registry:member_list")),
        ("villages", _("村册"), reverse("registry:village_list")),
    ]
    work = []
    if user.can(Cap.VIEW_TARGETING):
        work.append(("targeting", _("精准识别"), reverse("targeting:index")))
        work.append(("scale", _("规模控制"), reverse("targeting:scale")))
        work.append(("village_exit", _("贫困村退出"), reverse("targeting:village_exit")))
    work += [
        ("cases", _("程序办理"), reverse("workflows:case_list")),
        ("notices", _("公示公告"), reverse("workflows:notice_list")),
        ("clues", _("风险线索"), reverse("workflows:clue_list")),
    ]
    if user.can(Cap.MANAGE_RULES) or user.can(Cap.VIEW_AUDIT_LOG):
        work.append(("years", _("动态调整"), reverse("workflows:years")))
    exchange = []
    if user.can(Cap.EXPORT_REGISTRY):
        exchange.append(("exchange", _("导入导出"), reverse("exchange:index")))
    if user.can(Cap.VIEW_MATCHES):
        exchange.append(("matching", _("部门数据比对"), reverse("exchange:matching")))
        exchange.append(("findings", _("比对发现"), reverse("exchange:findings")))
    if user.can(Cap.EXPORT_FULL):
        exchange.append(("national", _("全国系统报送"), reverse("exchange:national")))
    assistance = []
    if user.can(Cap.VIEW_ASSISTANCE):
        assistance.append(("coverage", _("八个一"), reverse("assistance:coverage")))
        assistance.append(("plans", _("帮扶计划"), reverse("assistance:plans")))
    if user.can(Cap.RECORD_VISIT):
        assistance.append(("worklist", _("我的帮扶户"), reverse("assistance:worklist")))
    if user.can(Cap.VIEW_PROGRAMMES):
        assistance.append(("programmes", _("产业与就业"), reverse("programmes:index")))
        assistance.append(("welfare", _("综合保障"), reverse("welfare:index")))
        assistance.append(("charity", _("社会帮扶"), reverse("welfare:charity")))
    if user.can(Cap.VIEW_FUNDS):
        assistance.append(("funds", _("项目资金"), reverse("funds:index")))
    insights = []
    if user.can(Cap.VIEW_INSIGHTS):
        insights.append(("dashboard", _("仪表盘"), reverse("insights:dashboard")))
        insights.append(("targets", _("目标考核"), reverse("insights:targets")))
        insights.append(("report", _("年度报告"), reverse("insights:report")))
    if user.can(Cap.VIEW_ASSESSMENT):
        insights.append(("assessment", _("考核评估"), reverse("assessment:index")))
    admin = []
    if user.can(Cap.VIEW_AUDIT_LOG):
        admin.append(("audit", _("审计日志"), reverse("web:audit_log")))
    if user.can(Cap.MANAGE_USERS):
        admin.append(("users", _("用户管理"), reverse("accounts:user_list")))
    if user.can(Cap.MANAGE_RULES):
        admin.append(("risk_types", _("风险类型"), reverse("registry:risk_types")))
    admin.append(("api", _("接口文档"), reverse("api:docs")))
    groups = [
        (_("待办"), [("tasks", _("我的待办"), reverse("workflows:tasks"))]),
        (_("户村档案"), registers),
        (_("识别与程序"), work),
    ]
    if insights:
        groups.append((_("统计监测"), insights))
    if assistance:
        groups.append((_("帮扶与资金"), assistance))
    if exchange:
        groups.append((_("数据交换"), exchange))
    if admin:
        groups.append((_("管理"), admin))
    return {"nav_groups": groups, "user_caps": user.capabilities}
