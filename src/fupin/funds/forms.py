"""Input forms of the funds pages. They parse and show errors beside the fields; the actions decide."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.core import clock
from fupin.core.forms import ActionModelForm, StyledForm
from fupin.core.scope import home_county, scope_for
from fupin.divisions.models import Division, Level
from fupin.funds.actions import PROJECT_FIELDS, SOURCE_FIELDS
from fupin.funds.models import DisbursementMode, FundSource, Project, ProjectStatus, ProjectType, RecordStatus

MONEY = {"max_digits": 14, "decimal_places": 2}


def year_choices():
    this = clock.today().year
    return [(y, str(y)) for y in range(this + 1, this - 8, -1)]


def area_choices(user, *, levels=(Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE), under: str = "") -> list:
    """The areas a user may pick: within their grants (and ``under``), county to village."""
    qs = Division.objects.visible_to(user, under).filter(level__in=levels)
    county = home_county(user)
    if "" in scope_for(user).prefixes and county and not under:
        qs = qs.filter(code__startswith=county)
    indent = {Level.COUNTY: "", Level.TOWNSHIP: "　", Level.VILLAGE: "　　"}
    return [(d.code, f"{indent.get(d.level, '')}{d.name}（{d.code}）") for d in qs.order_by("code")[:2000]]


class SourceForm(ActionModelForm):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=year_choices)

    class Meta:
        model = FundSource
        fields = SOURCE_FIELDS
        widgets = {"received_on": forms.DateInput(), "note": forms.Textarea(attrs={"rows": 2})}


class ProjectForm(ActionModelForm):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=year_choices)
    division_code = forms.ChoiceField(label=_("实施地点"), help_text=_("村级项目选择村（12 位区划代码）"))

    class Meta:
        model = Project
        fields = ["division_code", "year", *PROJECT_FIELDS]
        widgets = {"starts_on": forms.DateInput(), "ends_on": forms.DateInput(),
                   "description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"code": _("留空则自动编号")}

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        if editing:
            del self.fields["division_code"]
            del self.fields["year"]
        else:
            self.fields["division_code"].choices = area_choices(user)


class BeneficiaryForm(StyledForm):
    household_codes = forms.CharField(label=_("户编号"), widget=forms.Textarea(attrs={"rows": 3}),
                                      help_text=_("可填写多个，用空格、逗号或换行分隔"))
    planned_amount = forms.DecimalField(label=_("每户计划金额（元）"), min_value=0, initial=0, **MONEY)

    def codes(self) -> list[str]:
        return [c for c in re.split(r"[\s,，、;；]+", self.cleaned_data["household_codes"]) if c]


class TransitionForm(StyledForm):
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AllocationForm(StyledForm):
    source = forms.ModelChoiceField(label=_("资金来源"), queryset=FundSource.objects.none())
    amount = forms.DecimalField(label=_("金额（元）"), **MONEY)
    division_code = forms.ChoiceField(label=_("到村"), required=False,
                                      help_text=_("留空则分配到项目实施地点"))
    household_code = forms.CharField(label=_("到户（户编号）"), required=False, max_length=30,
                                     help_text=_("须为本项目受益户"))
    purpose = forms.CharField(label=_("用途"), required=False, max_length=300)
    allocated_on = forms.DateField(label=_("下达日期"), widget=forms.DateInput(), initial=clock.today)

    def __init__(self, *args, user, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = (FundSource.objects.visible_to(user)
                                          .filter(year=project.year, status=RecordStatus.ACTIVE).order_by("kind", "pk"))
        villages = area_choices(user, levels=(Level.VILLAGE,), under=project.division_code)
        self.fields["division_code"].choices = [("", "—"), *villages]


class DisbursementForm(StyledForm):
    amount = forms.DecimalField(label=_("金额（元）"), **MONEY)
    mode = forms.ChoiceField(label=_("支付方式"), choices=DisbursementMode.choices)
    household_code = forms.CharField(label=_("受益户（户编号）"), required=False, max_length=30,
                                     help_text=_("产业直补、以奖代补、资产收益折股须支付到户"))
    paid_on = forms.DateField(label=_("支付日期"), widget=forms.DateInput(), initial=clock.today)
    voucher_no = forms.CharField(label=_("凭证号"), max_length=60)


class ReverseForm(StyledForm):
    reason = forms.CharField(label=_("冲销原因"), widget=forms.Textarea(attrs={"rows": 2}))
    voucher_no = forms.CharField(label=_("冲销凭证号"), required=False, max_length=60,
                                 help_text=_("留空则为“冲”加原凭证号"))
    paid_on = forms.DateField(label=_("冲销日期"), widget=forms.DateInput(), initial=clock.today)


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("撤销原因"), widget=forms.Textarea(attrs={"rows": 2}))


class ProjectFilterForm(StyledForm):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False, empty_value=None)
    type = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部类型")), *ProjectType.choices])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *ProjectStatus.choices])
    area = forms.ChoiceField(label=_("区域"), required=False)
    q = forms.CharField(label=_("名称或编号"), required=False)

    def __init__(self, *args, user, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部年度")), *[(y, str(y)) for y in years]]
        self.fields["area"].choices = [("", _("全部区域")), *area_choices(user)]


class FundRuleForm(StyledForm):
    year = forms.TypedChoiceField(label=_("起始年度"), coerce=int, choices=year_choices)
    reward_share = forms.DecimalField(label=_("以奖代补最低比例"), max_digits=5, decimal_places=4, min_value=0,
                                      max_value=1, initial="0.30", help_text=_("如 0.30 表示 30%"))
    poor_village_amount = forms.DecimalField(label=_("每个贫困村省级资金（元）"), initial="200000", min_value=0,
                                             **MONEY)
    village_infrastructure_min = forms.DecimalField(label=_("县级整合资金用于村基础设施最低额（元）"),
                                                    initial="1500000", min_value=0, **MONEY)
    document = forms.CharField(label=_("依据"), required=False, max_length=200)
