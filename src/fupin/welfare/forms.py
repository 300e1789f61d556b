"""Input forms of the welfare pages; the actions decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.core import clock
from fupin.core.forms import ActionModelForm, StyledForm
from fupin.divisions import choices as division_choices
from fupin.divisions.models import Division, Level
from fupin.welfare.models import (
    MONEY,
    CharityCategory,
    DonorType,
    RenovationMethod,
    Semester,
    SiteStatus,
    SiteType,
    SubsidyKind,
    WelfareStandard,
)


def money(label, required=True, **kwargs):
    return forms.DecimalField(label=label, required=required, min_value=0, **MONEY, **kwargs)


def area_choices(user, *, levels=(Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE), blank=None):
    """The divisions of the user's area (county, townships, villages), indented by level."""
    qs = Division.objects.visible_to(user).filter(level__in=levels)
    rows = qs.order_by("code").values_list("code", "name", "level")
    choices = [("", blank)] if blank is not None else []
    indent = {Level.COUNTY: "", Level.TOWNSHIP: "　", Level.VILLAGE: "　　"}
    choices += [(code, f"{indent.get(level, '')}{name}") for code, name, level in rows]
    return choices


class FilterForm(StyledForm):
    """Area and year of a list page (GET)."""

    area = forms.ChoiceField(label=_("区域"), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, user, with_year=True, **kwargs):
        super().__init__(*args, **kwargs)
        current = (self.data or {}).get("area", "")
        self.fields["area"].choices = division_choices.area_choices(user, current=current, blank=_("全部"))
        if not with_year:
            del self.fields["year"]


class StandardForm(ActionModelForm):
    class Meta:
        model = WelfareStandard
        fields = ["region_code", "year", "dibao_line", "tekun_standard", "premium_subsidy", "edu_preschool",
                  "edu_compulsory", "edu_senior", "edu_vocational", "edu_higher", "disability_living_monthly",
                  "disability_care_monthly", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    groups = [
        (_("适用范围"), ["region_code", "year"]),
        (_("低保与特困（元/人·年）"), ["dibao_line", "tekun_standard", "premium_subsidy"]),
        (_("教育资助（元/年）"), ["edu_preschool", "edu_compulsory", "edu_senior", "edu_vocational", "edu_higher"]),
        (_("残疾人两项补贴（元/月）"), ["disability_living_monthly", "disability_care_monthly"]),
    ]

    def __init__(self, *args, lock_key=False, **kwargs):
        super().__init__(*args, **kwargs)
        if lock_key:
            for name in ("region_code", "year"):
                self.fields[name].disabled = True


def member_field(members):
    return forms.TypedChoiceField(label=_("成员"), coerce=int,
                                  choices=[(m.pk, f"{m.name}（{m.get_relation_display()}）") for m in members])


class MemberForm(StyledForm):
    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"member": member_field(members), **self.fields}
        from fupin.core.forms import style_widgets

        style_widgets(self)


class PremiumForm(MemberForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    amount = money(_("补助金额（元，空则按标准）"), required=False)
    paid_on = forms.DateField(label=_("补助日期"), widget=forms.DateInput(), initial=clock.today)


class MedicalAidForm(MemberForm):
    treated_on = forms.DateField(label=_("就医（结算）日期"), widget=forms.DateInput(), initial=clock.today)
    hospital = forms.CharField(label=_("医疗机构"), max_length=100, required=False)
    total_cost = money(_("医疗总费用（元）"))
    basic_paid = money(_("基本医保报销（元）"), initial=0)
    critical_paid = money(_("大病保险报销（元）"), initial=0)
    aid_amount = money(_("医疗救助金额（元）"), initial=0)


class EducationAidForm(MemberForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    semester = forms.ChoiceField(label=_("学期"), choices=Semester.choices)
    amount = money(_("资助金额（元，空则按标准）"), required=False)
    paid_on = forms.DateField(label=_("发放日期"), widget=forms.DateInput(), initial=clock.today)


class DisabilityForm(MemberForm):
    kind = forms.ChoiceField(label=_("补贴类别"), choices=SubsidyKind.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    months = forms.IntegerField(label=_("发放月数"), min_value=1, max_value=12, initial=12)
    monthly_amount = money(_("月补贴标准（元，空则按标准）"), required=False)
    paid_on = forms.DateField(label=_("发放日期（未发放留空）"), widget=forms.DateInput(), required=False)


class PayForm(StyledForm):
    paid_on = forms.DateField(label=_("发放日期"), widget=forms.DateInput(), initial=clock.today)


class RenovationForm(StyledForm):
    year = forms.IntegerField(label=_("改造年度"), min_value=2000, max_value=2100)
    method = forms.ChoiceField(label=_("改造方式"), choices=RenovationMethod.choices)
    subsidy = money(_("补助资金（元）"))
    started_on = forms.DateField(label=_("开工日期（未开工留空）"), widget=forms.DateInput(), required=False)


class StepForm(StyledForm):
    step = forms.ChoiceField(choices=[("start", _("开工")), ("complete", _("竣工")), ("accept", _("验收")),
                                      ("cancel", _("取消"))], widget=forms.HiddenInput)
    on = forms.DateField(label=_("日期"), widget=forms.DateInput(), initial=clock.today)
    reason = forms.CharField(label=_("说明（取消时必填）"), max_length=200, required=False)


class SiteForm(StyledForm):
    name = forms.CharField(label=_("安置点名称"), max_length=100)
    division_code = forms.ChoiceField(label=_("所在区划"))
    site_type = forms.ChoiceField(label=_("安置方式"), choices=SiteType.choices)
    capacity = forms.IntegerField(label=_("容纳户数"), min_value=1)
    status = forms.ChoiceField(label=_("状态"), choices=SiteStatus.choices, initial=SiteStatus.BUILDING)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division_code"].choices = area_choices(user)


class RelocationForm(StyledForm):
    site = forms.TypedChoiceField(label=_("安置点"), coerce=int)
    year = forms.IntegerField(label=_("搬迁年度"), min_value=2000, max_value=2100)
    allocated_on = forms.DateField(label=_("分配日期"), widget=forms.DateInput(), initial=clock.today)
    willing_confirmed = forms.BooleanField(label=_("已入户确认搬迁意愿"), required=False)

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(s.pk, f"{s.name}（{s.occupied}/{s.capacity}）") for s in sites]


class MoveInForm(StyledForm):
    moved_in_on = forms.DateField(label=_("入住日期"), widget=forms.DateInput(), initial=clock.today)


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("原因"), max_length=200)


class NeedForm(StyledForm):
    division_code = forms.ChoiceField(label=_("所在村"))
    category = forms.ChoiceField(label=_("类别"), choices=CharityCategory.choices)
    title = forms.CharField(label=_("需求名称"), max_length=100)
    description = forms.CharField(label=_("需求说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("公开展示：请勿填写身份证号、电话、病情等个人信息"))
    in_kind = forms.BooleanField(label=_("实物需求（按折价计）"), required=False)
    amount = money(_("所需金额或折价（元）"))
    posted_on = forms.DateField(label=_("发布日期"), widget=forms.DateInput(), initial=clock.today)

    def __init__(self, *args, user, household=None, **kwargs):
        super().__init__(*args, **kwargs)
        if household is not None:
            self.fields["division_code"].choices = [(household.division_id, household.division.name)]
            self.fields["division_code"].initial = household.division_id
        else:
            self.fields["division_code"].choices = area_choices(user, levels=(Level.VILLAGE,))


class OfferForm(StyledForm):
    donor = forms.CharField(label=_("单位或个人"), max_length=100)
    donor_type = forms.ChoiceField(label=_("捐助方类型"), choices=DonorType.choices)
    contact = forms.CharField(label=_("联系人及电话"), max_length=60, required=False)
    division_code = forms.ChoiceField(label=_("面向区域"))
    category = forms.ChoiceField(label=_("类别"), choices=CharityCategory.choices)
    description = forms.CharField(label=_("捐助内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    in_kind = forms.BooleanField(label=_("实物捐助（按折价计）"), required=False)
    amount = money(_("金额或折价（元）"))
    offered_on = forms.DateField(label=_("登记日期"), widget=forms.DateInput(), initial=clock.today)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division_code"].choices = area_choices(user)


class MatchForm(StyledForm):
    offer = forms.TypedChoiceField(label=_("帮扶资源"), coerce=int)
    amount = money(_("对接金额（元）"))
    matched_on = forms.DateField(label=_("对接日期"), widget=forms.DateInput(), initial=clock.today)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, offers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].choices = [(o.pk, f"{o.donor} · {o.get_category_display()} · "
                                               f"{_('尚余')} {o.remaining}") for o in offers]


class FulfilForm(StyledForm):
    fulfilled_on = forms.DateField(label=_("兑现日期"), widget=forms.DateInput(), initial=clock.today)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
