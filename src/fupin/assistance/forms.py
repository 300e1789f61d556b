"""Forms of the assistance pages: they parse input; the actions validate the domain rules and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.assistance.models import CountyLeader, Measure, MeasureStatus, Plan, PlanLevel, PlanStatus
from fupin.core.forms import ActionModelForm, StyledForm


class CoverageFilterForm(StyledForm):
    year = forms.IntegerField(label=_("年度"), min_value=2014, max_value=2100, required=False)
    missing = forms.ChoiceField(label=_("缺项"), required=False, choices=[
        ("", _("任一缺项")), ("measure", _("无帮扶措施")), ("income", _("无增收项目")), ("helper", _("无帮扶人员"))])


class PlanFilterForm(StyledForm):
    year = forms.IntegerField(label=_("年度"), min_value=2014, max_value=2100, required=False)
    level = forms.ChoiceField(label=_("层级"), required=False, choices=[("", _("全部层级")), *PlanLevel.choices])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *PlanStatus.choices])
    area = forms.ChoiceField(label=_("区域"), required=False)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("全部区域")), *areas]


class LeaderForm(ActionModelForm):
    class Meta:
        model = CountyLeader
        fields = ["name", "post", "unit", "phone", "started_on"]
        widgets = {"started_on": forms.DateInput()}


class EndLeaderForm(StyledForm):
    ended_on = forms.DateField(label=_("挂点结束日期"), widget=forms.DateInput())
    reason = forms.CharField(label=_("结束原因"), max_length=200, required=False)


class NewPlanForm(StyledForm):
    """Where a new area plan is made: its level, area and year."""

    level = forms.ChoiceField(label=_("层级"), choices=[c for c in PlanLevel.choices if c[0] != PlanLevel.HOUSEHOLD])
    division_code = forms.ChoiceField(label=_("区域"))
    year = forms.IntegerField(label=_("年度"), min_value=2014, max_value=2100)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division_code"].choices = list(areas)


class PlanForm(ActionModelForm):
    class Meta:
        model = Plan
        fields = ["title", "goals", "approach", "planned_exits", "planned_exit_people", "planned_income"]
        widgets = {"goals": forms.Textarea(attrs={"rows": 4}), "approach": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, level: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if level == PlanLevel.HOUSEHOLD:
            del self.fields["planned_exits"]
            del self.fields["planned_exit_people"]
            self.fields["planned_income"].label = _("计划人均纯收入（元）")
            self.fields["goals"].label = _("脱贫（增收）目标")


class ApproveForm(StyledForm):
    note = forms.CharField(label=_("审定意见"), max_length=300, required=False)


class MeasureForm(ActionModelForm):
    class Meta:
        model = Measure
        fields = ["category", "description", "cost", "planned_on", "lead_unit", "income_project", "expected_income"]
        widgets = {"planned_on": forms.DateInput()}
        help_texts = {"income_project": _("增收项目须为产业、就业、小额信贷或公益性岗位，并填写预计年增收。")}

    def __init__(self, *args, household_level: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not household_level:
            del self.fields["income_project"]
            del self.fields["expected_income"]


class MeasureStatusForm(StyledForm):
    status = forms.ChoiceField(label=_("新状态"), choices=[
        (MeasureStatus.IN_PROGRESS, MeasureStatus.IN_PROGRESS.label), (MeasureStatus.DONE, MeasureStatus.DONE.label),
        (MeasureStatus.CANCELLED, MeasureStatus.CANCELLED.label)])
    done_on = forms.DateField(label=_("完成日期"), required=False, widget=forms.DateInput())
    reason = forms.CharField(label=_("说明（取消须填写原因）"), max_length=200, required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class VisitForm(StyledForm):
    visited_on = forms.DateField(label=_("走访日期"), widget=forms.DateInput())
    notes = forms.CharField(label=_("走访情况"), widget=forms.Textarea(attrs={"rows": 3}))
    findings = forms.CharField(label=_("发现的问题"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    actions_taken = forms.CharField(label=_("帮扶举措"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photos = MultipleFileField(label=_("照片（可多张，JPEG/PNG/WebP）"), required=False)
