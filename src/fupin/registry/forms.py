"""Input forms of the registers. They parse and show errors; the actions decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.core import clock
from fupin.core.forms import ActionModelForm, StyledForm
from fupin.core.masking import mask_id_number
from fupin.registry import codes
from fupin.registry.actions import (
    HOUSEHOLD_FIELDS,
    INCOME_FIELDS,
    MEMBER_FIELDS,
    TRANSFER_ITEMS,
    VILLAGE_FIELDS,
    WORKTEAM_FIELDS,
)
from fupin.registry.models import Household, HouseholdIncome, Member, VillageProfile, WorkTeamMember

HOUSEHOLD_GROUPS = [
    (_("基本信息"), ["group_name", "phone", "bank_name", "bank_account"]),
    (_("识别与分类"), ["household_type", "poverty_attribute", "identification_standard", "identification_year",
                   "exit_year", "enjoys_policy", "monitoring_type", "monitoring_start", "risk_types", "main_cause",
                   "other_cause_1", "other_cause_2", "military_family", "one_child", "two_daughters"]),
    (_("生产条件"), ["farmland_area", "forest_area", "cooperative_member"]),
    (_("生活条件"), ["house_grade", "house_renovated", "house_area", "safe_water", "sanitary_toilet", "has_power",
                  "main_fuel", "access_road"]),
    (_("搬迁"), ["relocation_willing", "relocated"]),
    (_("帮扶责任人"), ["helper_name", "helper_unit", "helper_phone"]),
]
MEMBER_GROUPS = [
    (_("身份"), ["name", "id_type", "id_number", "relation", "ethnicity", "political_status"]),
    (_("文化与健康"), ["education", "schooling", "dropout_reason", "chronic_illness", "serious_illness", "disabled",
                   "disability_category", "disability_grade", "disability_cert_year", "labour_skill",
                   "work_willing"]),
    (_("务工"), ["work_status", "work_months", "workplace", "public_welfare_job", "public_welfare_job_months"]),
    (_("社会保障"), ["medical_insurance", "critical_illness_insurance", "commercial_insurance", "medical_aid",
                 "dibao", "tekun", "pension_insurance", "speaks_putonghua"]),
]


class RiskTypesFormField(forms.MultipleChoiceField):
    """The risk types as ticks (from the county's code list); stored as the codes joined by commas."""

    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value):
        return value.split(",") if isinstance(value, str) else value

    def has_changed(self, initial, data):
        initial = [c for c in initial.split(",") if c] if isinstance(initial, str) else initial
        return super().has_changed(initial, data)

    def clean(self, value):
        return ",".join(sorted(super().clean(value)))


class HouseholdForm(ActionModelForm):
    groups = HOUSEHOLD_GROUPS
    risk_types = RiskTypesFormField(label=_("风险类型"), required=False,
                                    help_text=_("监测户的风险类型（可多选）；风险消除后保留，记录最近一次监测的风险"))

    class Meta:
        model = Household
        fields = HOUSEHOLD_FIELDS
        widgets = {"monitoring_start": forms.DateInput()}

    PERSONAL = {"phone": "phone", "bank_account": "bank_account", "helper_phone": "phone"}

    def __init__(self, *args, county_code: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        from fupin.core.masking import MASKERS
        from fupin.registry.selectors import risk_type_choices

        county = county_code or (self.instance.county_code if self.instance and self.instance.pk else "")
        self.fields["risk_types"].choices = risk_type_choices(county)
        if self.instance is not None and self.instance.pk:
            # Personal numbers are never sent to the browser in full: the field shows the masked
            # value as a hint; typing replaces the number, leaving it blank keeps it.
            for name, kind in self.PERSONAL.items():
                current = getattr(self.instance, name)
                self.initial[name] = ""
                if current:
                    self.fields[name].widget.attrs["placeholder"] = MASKERS[kind](current)
                    self.fields[name].help_text = _("留空表示不修改；要更换请输入新的号码")

    def changes(self) -> dict:
        """What the user changed (an edit applies only those fields, on the row as it is then: a
        colleague's change to another field meanwhile is kept). Blank personal numbers are kept."""
        found = super().changes()
        if self.instance is not None and self.instance.pk:
            found = {k: v for k, v in found.items() if k in self.changed_data}
            for name in self.PERSONAL:
                if not found.get(name):
                    found.pop(name, None)
        return found


class NewHouseholdForm(HouseholdForm):
    household_code = forms.CharField(label=_("户编号"), max_length=30, required=False,
                                     help_text=_("留空则自动编号"))

    class Meta(HouseholdForm.Meta):
        fields = ["household_code", *HOUSEHOLD_FIELDS]


class MemberForm(ActionModelForm):
    """Sex and birth date are read from the ID number. When editing, the ID is never shown in
    full: leave it blank to keep it."""

    groups = MEMBER_GROUPS

    class Meta:
        model = Member
        fields = [f for f in MEMBER_FIELDS if f not in ("sex", "birth_date")]

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            field = self.fields["id_number"]
            field.required = False
            field.help_text = _("留空表示不修改；性别与出生日期由证件号码自动取得")
            field.widget.attrs["placeholder"] = mask_id_number(self.instance.id_number)
            self.initial["id_number"] = ""
        else:
            self.fields["id_number"].help_text = _("18 位身份证、旧 15 位身份证或 20 位残疾人证；性别与出生日期自动取得")
        self.fields["id_number"].max_length = 40
        self.fields["id_number"].widget.attrs["maxlength"] = 40
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"

    def changes(self) -> dict:
        data = super().changes()
        if self.editing and not data.get("id_number"):
            data.pop("id_number", None)
        return data


class NewMemberForm(MemberForm):
    join_reason = forms.ChoiceField(label=_("入户原因"), choices=codes.JoinReason.choices,
                                    initial=codes.JoinReason.BIRTH)
    joined_on = forms.DateField(label=_("入户日期"), widget=forms.DateInput(), initial=clock.today)

    def changes(self) -> dict:
        data = super().changes()
        data.pop("join_reason", None)
        data.pop("joined_on", None)
        return data


class IncomeForm(ActionModelForm):
    """The year's income with 转移性收入 by item (the total is their sum, computed by the action)."""

    groups = [
        (_("收入"), ["wage_income", "business_income", "production_costs", "property_income", "property_dividends"]),
        (_("转移性收入（按项填写，合计自动计算）"), list(TRANSFER_ITEMS)),
        (_("支出与理赔"), ["insurance_payouts", "medical_out_of_pocket"]),
    ]

    class Meta:
        model = HouseholdIncome
        fields = [f for f in INCOME_FIELDS if f != "transfer_income"]


class RemoveMemberForm(StyledForm):
    """Nothing is chosen for the user: the reason and the date start empty and must be given."""

    reason_code = forms.ChoiceField(
        label=_("减员原因"),
        choices=[("", _("请选择")), *[(v, label) for v, label in codes.RemovalReason.choices
                                     if v != codes.RemovalReason.HOUSEHOLD_CLOSED]],
        error_messages={"required": _("请选择减员原因。")},
    )
    removed_on = forms.DateField(label=_("减员日期"), widget=forms.DateInput(),
                                 error_messages={"required": _("请填写减员日期。")})
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CloseHouseholdForm(StyledForm):
    reason_code = forms.ChoiceField(label=_("销户原因"), choices=[("", _("请选择")), *codes.CloseReason.choices],
                                    error_messages={"required": _("请选择销户原因。")})
    closed_on = forms.DateField(label=_("销户日期"), widget=forms.DateInput(), initial=clock.today)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=True)


class RestoreForm(StyledForm):
    """Undoing a removal (恢复成员 / 恢复户): the reason is recorded in the history."""

    reason = forms.CharField(label=_("恢复原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("请填写恢复原因。")})


class MoveHouseholdForm(StyledForm):
    division_code = forms.ChoiceField(label=_("迁入村"))
    group_name = forms.CharField(label=_("村民小组"), max_length=50, required=False)
    reason = forms.CharField(label=_("迁移原因"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division_code"].choices = [(v.code, f"{v.code} {v.name}") for v in villages]


class ChangeHeadForm(StyledForm):
    """Pick the new head, then each other member's relation to them."""

    reason = forms.CharField(label=_("变更原因"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        self.fields["new_head"] = forms.ChoiceField(
            label=_("新户主"), choices=[(str(m.pk), m.name) for m in self.members if m.relation != codes.Relation.HEAD]
        )
        for m in self.members:
            self.fields[f"relation_{m.pk}"] = forms.ChoiceField(
                label=m.name, choices=codes.Relation.choices, initial=m.relation, required=False,
                help_text=_("与新户主的关系"),
            )
        self.order_fields(["new_head", *[f"relation_{m.pk}" for m in self.members], "reason"])
        from fupin.core.forms import style_widgets

        style_widgets(self)

    def relations(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data.get(f"relation_{m.pk}") or m.relation for m in self.members}


class VillageProfileForm(ActionModelForm):
    groups = [
        (_("贫困村"), ["poverty_status", "listed_12th_plan", "listed_13th_plan", "exit_year"]),
        (_("村类型"), ["infrastructure_lagging", "industry_lagging", "weak_leadership"]),
        (_("村情"), ["ethnic_minority_village", "whole_village_programme", "mutual_aid_fund", "disasters_last_year",
                   "collective_income"]),
        (_("基础设施"), ["paved_road", "tap_water", "power_grid", "clinic", "broadband"]),
        (_("人口与劳动力"), ["hamlet_count", "group_count", "household_count", "population", "minority_population",
                       "labour_force", "trained_labour", "migrant_workers", "migrant_outside_province",
                       "relocation_needed", "relocation_done"]),
    ]

    class Meta:
        model = VillageProfile
        fields = VILLAGE_FIELDS


class WorkTeamMemberForm(ActionModelForm):
    class Meta:
        model = WorkTeamMember
        fields = [f for f in WORKTEAM_FIELDS if f != "ended_on"]
        widgets = {"started_on": forms.DateInput()}


class EndWorkTeamForm(StyledForm):
    ended_on = forms.DateField(label=_("驻村结束日期"), widget=forms.DateInput(), initial=clock.today)


class AreaFilterMixin:
    """A village (or township) choice limited to what the user may see under the current area."""

    def add_area_choices(self, tree) -> None:
        """``tree``: (code, indented name) pairs, county → townships → villages (selectors.area_tree)."""
        self.fields["village"] = forms.ChoiceField(
            label=_("乡镇/村"), required=False, choices=[("", _("全部乡镇和村")), *tree],
        )
        from fupin.core.forms import style_widgets

        style_widgets(self)


class HouseholdFilterForm(AreaFilterMixin, StyledForm):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("户编号、姓名、证件号码或电话")}))
    household_type = forms.ChoiceField(label=_("户类型"), required=False,
                                       choices=[("", _("全部户类型")), *codes.HouseholdType.choices])
    attribute = forms.ChoiceField(label=_("贫困户属性"), required=False,
                                  choices=[("", _("全部属性")), *codes.PovertyAttribute.choices])
    cause = forms.ChoiceField(label=_("致贫原因"), required=False,
                              choices=[("", _("全部致贫原因")), *codes.PovertyCause.choices])
    status = forms.ChoiceField(label=_("状态"), required=False, initial=codes.RecordStatus.ACTIVE,
                               choices=[(codes.RecordStatus.ACTIVE, _("在册")),
                                        (codes.RecordStatus.REMOVED, _("已销户")), ("all", _("全部"))])


class MemberFilterForm(AreaFilterMixin, StyledForm):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("姓名、证件号码或户编号")}))
    labour_skill = forms.ChoiceField(label=_("劳动技能"), required=False,
                                     choices=[("", _("全部劳动技能")), *codes.LabourSkill.choices])
    schooling = forms.ChoiceField(label=_("在校生状况"), required=False,
                                  choices=[("", _("全部在校生状况")), *codes.Schooling.choices])
    health = forms.ChoiceField(label=_("健康状况"), required=False, choices=[
        ("", _("全部健康状况")), ("chronic_illness", _("长期慢性病")), ("serious_illness", _("患有大病")),
        ("disabled", _("残疾"))])


class RiskTypeForm(StyledForm):
    name = forms.CharField(label=_("名称"), max_length=30)
    national_code = forms.CharField(label=_("全国系统代码"), max_length=10, required=False,
                                    help_text=_("导出到全国系统时使用的代码；空则用本系统代码"))
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)
