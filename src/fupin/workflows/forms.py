"""Input forms of the procedure pages; the actions decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.core import clock
from fupin.core.forms import StyledForm
from fupin.registry import codes
from fupin.workflows.models import ClueSource, Outcome, RiskMethod
from fupin.workflows.procedures import DocumentKind, Kind


class StartCaseForm(StyledForm):
    """Starting a procedure for a household; the monitoring fields (type, risk types) for 监测对象识别."""

    kind = forms.ChoiceField(label=_("程序"), choices=Kind.choices)
    note = forms.CharField(label=_("申请或发现情况"), widget=forms.Textarea(attrs={"rows": 3}))
    target = forms.ChoiceField(label=_("返贫后纳入"), required=False, choices=[
        ("", "—"), (codes.HouseholdType.POOR, codes.HouseholdType.POOR.label),
        (codes.HouseholdType.MONITORED, codes.HouseholdType.MONITORED.label)])
    monitoring_type = forms.ChoiceField(label=_("监测类型"), required=False,
                                        choices=[("", "—"), *codes.MonitoringType.choices])
    risk_types = forms.MultipleChoiceField(label=_("风险类型"), required=False, widget=forms.CheckboxSelectMultiple)
    cross_check = forms.BooleanField(label=_("增加部门信息比对环节"), required=False)
    pre_exit = forms.BooleanField(label=_("按省定预退出程序办理"), required=False)

    def __init__(self, *args, county_code: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        from fupin.registry.selectors import risk_type_choices

        self.fields["risk_types"].choices = risk_type_choices(county_code)


CHECK_CHOICES = [("not_checked", _("未比对")), ("not_found", _("未发现")), ("found", _("发现"))]


class StepForm(StyledForm):
    """The inputs any step may need; the view shows only those the current step asks for."""

    outcome = forms.ChoiceField(choices=[(Outcome.PASS, _("通过")), (Outcome.RETURN, _("退回")),
                                         (Outcome.REJECT, _("不予通过"))], widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("办理说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    review = forms.IntegerField(label=_("评议会议"), required=False, widget=forms.Select)
    votes_for = forms.IntegerField(label=_("同意票"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("反对票"), min_value=0, required=False)
    votes_abstain = forms.IntegerField(label=_("弃权票"), min_value=0, required=False)
    vehicles = forms.ChoiceField(label=_("车辆登记"), choices=CHECK_CHOICES, initial="not_checked", required=False)
    housing = forms.ChoiceField(label=_("商品房"), choices=CHECK_CHOICES, initial="not_checked", required=False)
    salaried = forms.ChoiceField(label=_("财政供养人员"), choices=CHECK_CHOICES, initial="not_checked", required=False)
    business = forms.ChoiceField(label=_("工商注册"), choices=CHECK_CHOICES, initial="not_checked", required=False)
    decision_no = forms.CharField(label=_("审批文号"), max_length=60, required=False)
    over_scale = forms.BooleanField(label=_("超规模审批（批准后超出识别规模）"), required=False)
    over_scale_reason = forms.CharField(label=_("超规模理由"), max_length=300, required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))
    method = forms.ChoiceField(label=_("风险消除方式"), required=False, choices=[("", "—"), *RiskMethod.choices])
    assistance = forms.CharField(label=_("采取的帮扶措施"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, reviews=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review"].widget.choices = [("", "—"), *[(r.pk, f"{r.held_on} {r.place}（{r.present}/{r.expected}）")
                                                            for r in reviews]]

    def step_data(self, step) -> dict:
        d = self.cleaned_data
        data = {}
        if "minutes" in step.needs:
            data.update({"review": d.get("review"), "votes_for": d.get("votes_for"),
                         "votes_against": d.get("votes_against"), "votes_abstain": d.get("votes_abstain")})
        if "cross_check" in step.needs:
            data.update({k: d.get(k) or "not_checked" for k in ("vehicles", "housing", "salaried", "business")})
        if "decision" in step.needs:
            data["decision_no"] = d.get("decision_no", "")
            if d.get("over_scale"):
                data.update({"over_scale": True, "over_scale_reason": d.get("over_scale_reason", "")})
        if step.final:
            data.update({"method": d.get("method", ""), "assistance": d.get("assistance", "")})
        return data


class DocumentForm(StyledForm):
    kind = forms.ChoiceField(label=_("材料类型"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("文件（PDF、JPG、PNG）"))


class ReviewForm(StyledForm):
    held_on = forms.DateField(label=_("会议日期"), widget=forms.DateInput(), initial=clock.today)
    place = forms.CharField(label=_("地点"), max_length=100)
    chair = forms.CharField(label=_("主持人"), max_length=50)
    expected = forms.IntegerField(label=_("应到人数"), min_value=1)
    present = forms.IntegerField(label=_("实到人数"), min_value=1)
    minutes = forms.CharField(label=_("会议记录"), widget=forms.Textarea(attrs={"rows": 4}))


class NoticeForm(StyledForm):
    period_days = forms.IntegerField(label=_("公示天数"), min_value=0, max_value=60)
    posted_on = forms.DateField(label=_("张贴日期"), widget=forms.DateInput(), initial=clock.today)
    contact = forms.CharField(label=_("受理异议电话（村委会）"), max_length=30, required=False)


class ObjectionForm(StyledForm):
    case = forms.IntegerField(widget=forms.Select, label=_("对哪一户"))
    raised_by = forms.CharField(label=_("异议人"), max_length=50)
    raised_on = forms.DateField(label=_("提出日期"), widget=forms.DateInput(), initial=clock.today)
    content = forms.CharField(label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(StyledForm):
    upheld = forms.TypedChoiceField(label=_("核实结论"), coerce=lambda v: v == "1",
                                    choices=[("0", _("异议不成立，继续公示")), ("1", _("异议成立"))])
    consequence = forms.ChoiceField(label=_("异议成立时"), required=False, choices=[
        (Outcome.RETURN, _("退回上一环节重新核实")), (Outcome.REJECT, _("不予通过"))])
    resolution = forms.CharField(label=_("核实处理结果"), widget=forms.Textarea(attrs={"rows": 3}))


class ClueForm(StyledForm):
    source = forms.ChoiceField(label=_("来源"), choices=ClueSource.choices)
    risk = forms.CharField(label=_("风险类型"), max_length=100,
                           help_text=_("如：因病、因学、因残、因灾、因意外事故、产业失败、务工不稳、缺劳动力"))
    detail = forms.CharField(label=_("情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    found_on = forms.DateField(label=_("发现日期"), widget=forms.DateInput(), initial=clock.today)


class DismissClueForm(StyledForm):
    reason = forms.CharField(label=_("排除理由"), widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("排除线索须说明理由。")})


class ConvertClueForm(StyledForm):
    """The monitoring type starts from what the clue implies (actions.implied_monitoring_type)."""

    monitoring_type = forms.ChoiceField(label=_("监测类型"), choices=codes.MonitoringType.choices,
                                        error_messages={"required": _("请选择监测类型。")})
    risk_types = forms.MultipleChoiceField(label=_("风险类型"), widget=forms.CheckboxSelectMultiple,
                                           error_messages={"required": _("请至少选择一种风险类型。")})
    note = forms.CharField(label=_("核实情况"), widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("请填写核实情况。")})

    def __init__(self, *args, county_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        from fupin.registry.selectors import risk_type_choices

        self.fields["risk_types"].choices = risk_type_choices(county_code)


class CaseFilterForm(StyledForm):
    kind = forms.ChoiceField(label=_("程序"), required=False, choices=[("", _("全部程序")), *Kind.choices])
    status = forms.ChoiceField(label=_("状态"), required=False, initial="open", choices=[
        ("open", _("办理中")), ("done", _("已办结")), ("rejected", _("未通过")), ("", _("全部"))])
    step = forms.CharField(label=_("环节"), required=False, widget=forms.HiddenInput)
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)
