"""How an audit event's verb (``household.move``, ``funds.project.approve``) is shown: in words.

Verbs are codes (they are searched and kept for ever); the log shows their label. A verb named here
whole gets its label; any other is put together from its object (the verb less its last part, less
an app prefix) and its action (the last part); what is not known at all is shown as its code."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "auth.login": _("登录"),
    "auth.logout": _("退出登录"),
    "auth.login_failed": _("登录失败"),
    "auth.login_refused": _("拒绝登录"),
    "auth.locked": _("账号锁定"),
    "api.token.create": _("签发接口令牌"),
    "api.token.revoke": _("吊销接口令牌"),
    "user.create": _("新建用户"),
    "divisions.load": _("载入行政区划"),
    "user.update": _("修改用户"),
    "user.unlock": _("解锁用户"),
    "user.reset_password": _("重置密码"),
    "user.change_password": _("修改密码"),
    "personal.reveal": _("查看完整个人信息"),
    "history.view": _("查看历史档案"),
    "export.masked": _("导出（脱敏）"),
    "export.full": _("导出（含完整个人信息）"),
    "export.identification": _("导出识别结果"),
    "export.report": _("导出报表"),
    "import.households": _("导入农户"),
    "demo.generate": _("生成演示数据"),
    "retention.set": _("设置保存期限"),
    "retention.purge": _("清理过期数据"),
    "household.assign_helper": _("指定帮扶责任人"),
    "household.change_head": _("变更户主"),
    "household.income": _("录入收入"),
    "household.split": _("分户"),
    "household.reopen": _("恢复户籍"),
    "member.join": _("成员加入"),
    "member.leave": _("成员退出"),
    "member.shares": _("成员入股"),
    "targeting.run": _("识别运行"),
    "scale.set": _("设置规模控制"),
    "case.over_scale": _("超出规模"),
    "clue.from_run": _("识别运行生成风险线索"),
    "clue.from_match": _("比对生成风险线索"),
    "year.open": _("开启工作年度"),
    "year.run": _("年度识别"),
    "year.exit_candidates": _("生成退出候选户"),
    "year.close": _("年度关账"),
    "match.run": _("数据比对"),
    "match.rule": _("修改比对规则"),
    "match.resolve": _("核实比对结果"),
    "national.export": _("导出全国系统名单"),
    "national.download": _("下载全国系统名单"),
    "national.columns": _("设置全国系统列"),
    "insights.target.set": _("设置目标"),
    "funds.rule.set": _("设置资金标准"),
    "funds.ledger.export": _("导出资金台账"),
    "funds.beneficiary.add": _("增加受益户"),
    "assessment.draw": _("抽取评估样本"),
    "assessment.survey": _("入户调查"),
    "assessment.close": _("结束评估"),
}

OBJECTS = {
    "household": _("农户"), "member": _("成员"), "village": _("村册"), "workteam": _("驻村工作队"),
    "risk_type": _("风险类型"), "ruleset": _("识别规则"), "case": _("程序"), "clue": _("风险线索"),
    "notice": _("公示"), "objection": _("异议"), "review": _("民主评议"), "document": _("材料"),
    "leader": _("挂点领导"), "plan": _("帮扶计划"), "measure": _("帮扶措施"), "visit": _("走访"),
    "allocation": _("资金分配"), "disbursement": _("资金支付"), "project": _("项目"), "source": _("资金来源"),
    "industry": _("产业"), "participation": _("产业参与"), "cooperative": _("合作社"), "dividend": _("分红"),
    "course": _("培训班"), "trainee": _("学员"), "certificate": _("证书"), "employment": _("就业"),
    "subsidy": _("补贴"), "subsidy_standard": _("补贴标准"), "welfare_job": _("公益岗位"),
    "disability": _("残疾人补贴"), "education_aid": _("教育资助"), "medical_aid": _("医疗救助"),
    "premium": _("参保补助"), "need": _("帮扶需求"), "offer": _("帮扶意向"), "match": _("需求对接"),
    "relocation": _("易地搬迁"), "renovation": _("危房改造"), "site": _("安置点"), "standard": _("保障标准"),
}

ACTIONS = {
    "create": _("新建"), "add": _("登记"), "update": _("修改"), "save": _("保存"), "set": _("设置"),
    "close": _("关闭"), "move": _("迁移"), "remove": _("减员"), "restore": _("恢复"), "end": _("结束"),
    "assign": _("指定"), "approve": _("审批通过"), "reject": _("驳回"), "start": _("开始"),
    "accept": _("验收"), "complete": _("完成"), "resubmit": _("重新申报"), "withdraw": _("撤回"),
    "cancel": _("撤销"), "declare": _("申报"), "reverse": _("冲销"), "record": _("登记"), "grant": _("发放"),
    "pay": _("支付"), "issue": _("发证"), "enroll": _("报名"), "drop": _("退出"), "activate": _("启用"),
    "deactivate": _("停用"), "post": _("发布"), "register": _("登记"), "fulfil": _("兑现"),
    "allocate": _("分配"), "move_in": _("入住"), "plan": _("计划"), "progress": _("进展"),
    "dismiss": _("排除"), "resolve": _("处理"), "copy": _("复制"), "publish": _("发布"),
    "pass": _("通过"), "return": _("退回"), "posted": _("公示"),
}

# An object's area before its name in a verb (funds.project.approve, welfare.need.post).
APP_PREFIXES = ("funds.", "programmes.", "welfare.", "assistance.", "registry.", "workflows.")

# Whole households and members: their close (销户) and remove (减员) read better in their own words.
SPECIAL = {("household", "close"): _("销户"), ("household", "create"): _("新建农户"),
           ("member", "add"): _("增加成员"), ("member", "remove"): _("减员"), ("member", "restore"): _("恢复成员")}


def verb_label(verb: str) -> str:
    """The words for an audit verb; its code when there are none."""
    if not verb:
        return "—"
    if verb in VERBS:
        return str(VERBS[verb])
    rest = verb
    for prefix in APP_PREFIXES:
        if rest.startswith(prefix) and rest[len(prefix):] in VERBS:
            return str(VERBS[rest[len(prefix):]])
        if rest.startswith(prefix) and rest.count(".") >= 2:
            rest = rest[len(prefix):]
            break
    obj, _dot, action = rest.rpartition(".")
    if (obj, action) in SPECIAL:
        return str(SPECIAL[obj, action])
    if obj in OBJECTS and action in ACTIONS:
        return f"{OBJECTS[obj]}：{ACTIONS[action]}"
    return verb
