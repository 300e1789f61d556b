"""Input forms of the programme pages; the actions validate the domain rules and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.accounts.roles import Department
from fupin.core import clock
from fupin.core.forms import StyledForm
from fupin.programmes.models import CertificateKind, ShareType, SubsidyStatus, TrainingProgramme

MONEY = {"max_digits": 14, "decimal_places": 2}


def _year():
    return clock.today().year


class AreaYearForm(StyledForm):
    area = forms.ChoiceField(label=_("区域"), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("全部")), *areas]

    def values(self) -> tuple[str, int]:
        """The area and year asked for; a field that does not validate falls back on its own (an
        unknown area must not also reset the year)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return data.get("area") or "", data.get("year") or _year()


class IndustryForm(StyledForm):
    name = forms.CharField(label=_("产业名称"), max_length=30)
    unit = forms.CharField(label=_("规模单位"), max_length=10, help_text=_("如：亩、箱、头、羽"))
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=999, initial=100)


class ParticipationForm(StyledForm):
    industry = forms.ModelChoiceField(label=_("产业"), queryset=None)
    year = forms.IntegerField(label=_("年度"), initial=_year, min_value=2000, max_value=2100)
    scale = forms.DecimalField(label=_("规模"), max_digits=14, decimal_places=2)
    expected_income = forms.DecimalField(label=_("预期收入（元）"), initial=0, **MONEY)
    support = forms.CharField(label=_("扶持内容"), max_length=200, required=False)
    support_amount = forms.DecimalField(label=_("扶持金额（元）"), initial=0, **MONEY)
    started_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(), initial=clock.today)

    def __init__(self, *args, industries=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = industries


class EndForm(StyledForm):
    ended_on = forms.DateField(label=_("结束日期"), widget=forms.DateInput(), initial=clock.today)
    reason = forms.CharField(label=_("原因"), max_length=200)


class CooperativeForm(StyledForm):
    name = forms.CharField(label=_("合作社名称"), max_length=100)
    registration_code = forms.CharField(label=_("统一社会信用代码"), max_length=30)
    division_code = forms.ChoiceField(label=_("所在乡镇或村"))
    industries = forms.ModelMultipleChoiceField(label=_("经营产业"), queryset=None,
                                                widget=forms.CheckboxSelectMultiple)
    leader = forms.CharField(label=_("负责人"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    founded_on = forms.DateField(label=_("成立日期"), widget=forms.DateInput())

    def __init__(self, *args, areas=(), industries=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division_code"].choices = [("", "—"), *areas]
        self.fields["industries"].queryset = industries


class JoinForm(StyledForm):
    household_code = forms.CharField(label=_("户编号"), max_length=30)
    shares = forms.DecimalField(label=_("股份"), max_digits=14, decimal_places=2, min_value=0)
    share_type = forms.ChoiceField(label=_("入股方式"), choices=ShareType.choices)
    joined_on = forms.DateField(label=_("入股日期"), widget=forms.DateInput(), initial=clock.today)


class SharesForm(StyledForm):
    shares = forms.DecimalField(label=_("新的股份"), max_digits=14, decimal_places=2, min_value=0)
    share_type = forms.ChoiceField(label=_("入股方式"), choices=ShareType.choices)
    on = forms.DateField(label=_("变更日期"), widget=forms.DateInput(), initial=clock.today)
    reason = forms.CharField(label=_("变更原因"), max_length=200)


class LeaveForm(StyledForm):
    left_on = forms.DateField(label=_("退股日期"), widget=forms.DateInput(), initial=clock.today)
    reason = forms.CharField(label=_("退股原因"), max_length=200)


class DividendForm(StyledForm):
    year = forms.IntegerField(label=_("分红年度"), min_value=2000, max_value=2100)
    total = forms.DecimalField(label=_("分红总额（元）"), **MONEY)
    declared_on = forms.DateField(label=_("宣布日期"), widget=forms.DateInput(), initial=clock.today)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class CourseForm(StyledForm):
    name = forms.CharField(label=_("培训班名称"), max_length=100)
    programme = forms.ChoiceField(label=_("培训项目"), choices=TrainingProgramme.choices)
    organiser = forms.ChoiceField(label=_("主办部门"), choices=[
        (d, d.label) for d in (Department.HUMAN_RESOURCES, Department.AGRICULTURE, Department.RURAL_REVITALIZATION,
                               Department.EDUCATION)])
    division_code = forms.ChoiceField(label=_("举办地（乡镇或村）"))
    place = forms.CharField(label=_("培训地点"), max_length=100)
    start_on = forms.DateField(label=_("开班日期"), widget=forms.DateInput())
    end_on = forms.DateField(label=_("结业日期"), widget=forms.DateInput())
    hours = forms.IntegerField(label=_("课时"), min_value=1, max_value=2000)
    capacity = forms.IntegerField(label=_("计划人数"), min_value=1, max_value=5000)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division_code"].choices = [("", "—"), *areas]


class EnrollForm(StyledForm):
    id_number = forms.CharField(label=_("证件号码"), max_length=20, required=False)
    member = forms.ChoiceField(label=_("或从户中选择成员"), required=False)
    enrolled_on = forms.DateField(label=_("报名日期"), widget=forms.DateInput(), initial=clock.today)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        if members:
            self.fields["member"].choices = [("", "—"), *[(m.pk, f"{m.name}（{m.get_relation_display()}）")
                                                           for m in members]]
        else:
            del self.fields["member"]


class CompleteForm(StyledForm):
    completed_on = forms.DateField(label=_("结业日期"), widget=forms.DateInput(), initial=clock.today)


class CertificateForm(StyledForm):
    kind = forms.ChoiceField(label=_("证书类型"), choices=CertificateKind.choices)
    occupation = forms.CharField(label=_("职业（工种）"), max_length=50)
    number = forms.CharField(label=_("证书编号"), max_length=40)
    issued_on = forms.DateField(label=_("发证日期"), widget=forms.DateInput(), initial=clock.today)


class StandardForm(StyledForm):
    year = forms.IntegerField(label=_("年度"), initial=_year, min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("证书类型"), choices=CertificateKind.choices)
    amount = forms.DecimalField(label=_("补助标准（元/证）"), **MONEY)


class PaidForm(StyledForm):
    paid_on = forms.DateField(label=_("发放日期"), widget=forms.DateInput(), initial=clock.today)


class SubsidyFilterForm(StyledForm):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *SubsidyStatus.choices])


class EmploymentForm(StyledForm):
    id_number = forms.CharField(label=_("证件号码"), max_length=20)
    employer = forms.CharField(label=_("用工单位"), max_length=100)
    place = forms.CharField(label=_("就业地点"), max_length=100)
    started_on = forms.DateField(label=_("就业日期"), widget=forms.DateInput(), initial=clock.today)
    monthly_wage = forms.DecimalField(label=_("月工资（元）"), **MONEY)
    trainee = forms.IntegerField(label=_("培训记录编号"), required=False, widget=forms.HiddenInput)


class EndDateForm(StyledForm):
    ended_on = forms.DateField(label=_("结束日期"), widget=forms.DateInput(), initial=clock.today)


class WelfareJobForm(StyledForm):
    post = forms.CharField(label=_("岗位名称"), max_length=50, help_text=_("如：保洁员、护林员、水管员、治安巡逻员"))
    division_code = forms.ChoiceField(label=_("岗位所在乡镇或村"))
    id_number = forms.CharField(label=_("上岗人员证件号码"), max_length=20)
    started_on = forms.DateField(label=_("上岗日期"), widget=forms.DateInput(), initial=clock.today)
    monthly_pay = forms.DecimalField(label=_("月补贴（元）"), **MONEY)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division_code"].choices = [("", "—"), *areas]
