"""Forms of the targeting pages: editing a rule set (with one weight field per MPI indicator),
starting a run, and filtering results."""

from fractions import Fraction

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.core.forms import ActionModelForm, StyledForm
from fupin.targeting import indicators
from fupin.targeting.actions import RULE_FIELDS
from fupin.targeting.models import Conclusion, Degree, MonitoringCandidate, RuleSet
from fupin.targeting.params import LOCAL_RULES

EXIT_ITEM_CHOICES = [("road", _("通硬化路")), ("water", _("通自来水")), ("power", _("通动力电")), ("clinic", _("有标准化卫生室")),
                     ("broadband", _("通宽带")), ("team", _("驻村工作队在岗"))]
GAP_CHOICES = [("food", _("吃穿")), ("education", _("义务教育")), ("medical", _("基本医疗")), ("housing", _("住房安全")),
               ("water", _("饮水安全"))]

GROUPS = [
    (_("基本信息"), ["name", "notes", "identification_standard"]),
    (_("收入线与收入"), ["income_line", "monitoring_threshold", "county_rural_income", "province_rural_income",
                    "province_poverty_rate"]),
    (_("两不愁三保障及饮水安全"), ["food_min_income", "safety_net_secures_food", "school_age_from", "school_age_to",
                           "school_year_cutoff", "age_reference", "health_exempts_schooling",
                           "require_basic_insurance", "require_critical_insurance", "require_medical_aid",
                           "unsafe_house_grades", "renovation_counts", "relocation_counts", "water_test"]),
    (_("识别：保障缺口（地方规则）"), ["gap_ceiling", "gap_tests"]),
    (_("退出与风险消除"), ["exit_prior_year", "exit_margin", "risk_clear_years", "risk_clear_min_months"]),
    (_("防止返贫监测"), ["oop_ratio_exited", "oop_ratio_others", "income_drop_ratio"]),
    (_("贫困村识别（一高一低一无）"), ["village_incidence_multiple", "village_income_ratio"]),
    (_("贫困村与贫困县退出"), ["village_exit_incidence", "village_exit_collective_income", "village_exit_items",
                        "county_exit_incidence"]),
    (_("多维贫困（Alkire-Foster）"), ["mpi_k", *[f"w_{i.key}" for i in indicators.INDICATORS]]),
]


class RuleSetForm(ActionModelForm):
    groups = GROUPS

    class Meta:
        model = RuleSet
        fields = [f for f in RULE_FIELDS if f != "mpi_weights"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        weights = self.instance.mpi_weights or {}
        for indicator in indicators.INDICATORS:
            self.fields[f"w_{indicator.key}"] = forms.CharField(
                label=_("权重：%(l)s") % {"l": indicator.label}, required=False, max_length=20,
                initial=weights.get(indicator.key, "0"), help_text=_("分数或小数，如 1/6；0 表示不使用"),
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
        self.fields["mpi_k"].help_text = _("得分不低于 k 即为多维贫困，如 1/3")
        self.fields["gap_tests"] = forms.MultipleChoiceField(
            label=RuleSet._meta.get_field("gap_tests").verbose_name, required=False,
            choices=GAP_CHOICES, widget=forms.CheckboxSelectMultiple,
            initial=[t for t in (self.instance.gap_tests or "").split(",") if t],
            help_text=_("只在填写了收入上限时使用"))
        self.fields["village_exit_items"] = forms.MultipleChoiceField(
            label=RuleSet._meta.get_field("village_exit_items").verbose_name, required=False,
            choices=EXIT_ITEM_CHOICES, widget=forms.CheckboxSelectMultiple,
            initial=[t for t in (self.instance.village_exit_items or "").split(",") if t])
        for name in LOCAL_RULES & set(self.fields):
            self.fields[name].label = f"{self.fields[name].label}（{_('地方规则')}）"

    def clean(self):
        data = super().clean()
        weights = {}
        for indicator in indicators.INDICATORS:
            raw = (data.get(f"w_{indicator.key}") or "0").strip()
            try:
                weights[indicator.key] = str(Fraction(raw))
            except (ValueError, ZeroDivisionError):
                self.add_error(f"w_{indicator.key}", _("请填写分数或小数，如 1/6"))
        data["mpi_weights"] = weights
        data["gap_tests"] = ",".join(data.get("gap_tests") or [])
        data["village_exit_items"] = ",".join(data.get("village_exit_items") or [])
        return data

    def changes(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
        data["mpi_weights"] = self.cleaned_data.get("mpi_weights", {})
        return data

    def add_action_errors(self, exc):
        if hasattr(exc, "error_dict") and "mpi_weights" in exc.error_dict:
            for error in exc.error_dict.pop("mpi_weights"):
                self.add_error(None, error)
        super().add_action_errors(exc)


class StartRunForm(StyledForm):
    year = forms.IntegerField(label=_("识别年度"), min_value=2010, max_value=2100)
    rule_set = forms.ModelChoiceField(label=_("规则集"), queryset=RuleSet.objects.none())
    dry_run = forms.BooleanField(label=_("试算（不作为正式识别结果）"), required=False)

    def __init__(self, *args, rule_sets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rule_sets is not None:
            self.fields["rule_set"].queryset = rule_sets


class ResultFilterForm(StyledForm):
    conclusion = forms.ChoiceField(label=_("识别结论"), required=False, choices=[("", _("全部结论")), *Conclusion.choices])
    monitoring = forms.ChoiceField(label=_("监测对象"), required=False,
                                   choices=[("", _("全部")), ("any", _("所有监测对象")), *MonitoringCandidate.choices])
    degree = forms.ChoiceField(label=_("贫困程度"), required=False, choices=[("", _("全部程度")), *Degree.choices])
    failing = forms.ChoiceField(label=_("未达标项"), required=False, choices=[
        ("", _("不限")), ("food_ok", _("吃穿")), ("education_ok", _("义务教育")), ("medical_ok", _("基本医疗")),
        ("housing_ok", _("住房安全")), ("water_ok", _("饮水安全"))])
    mpi_poor = forms.BooleanField(label=_("只看多维贫困"), required=False)


class ScaleForm(StyledForm):
    """An area's scale (the county's own) and its split over the child areas, one row per child."""

    note = forms.CharField(label=_("依据（文件、会议）"), max_length=200, required=False)

    def __init__(self, *args, own: bool, children, village_children: bool, scales: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.own = own
        self.children = list(children)
        measures = [("poor_people", _("贫困人口")), ("poor_households", _("贫困户"))]
        if not village_children:
            measures.append(("poor_villages", _("贫困村")))
        self.measures = measures
        if own:
            for field, label in [*measures[:2], ("poor_villages", _("贫困村"))]:
                self.fields[f"own_{field}"] = forms.IntegerField(
                    label=label, min_value=0, required=field == "poor_people",
                    initial=getattr(scales.get("own"), field, None))
        for child in self.children:
            for field, label in measures:
                self.fields[f"c{child.code}_{field}"] = forms.IntegerField(
                    label=f"{child.name} {label}", min_value=0, required=False,
                    initial=getattr(scales.get(child.code), field, None),
                    widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "style": "min-width:6rem"}))

    def rows(self) -> list[dict]:
        """The child rows for the template: the child and its bound fields in measure order."""
        return [{"division": c, "fields": [self[f"c{c.code}_{field}"] for field, _label in self.measures]}
                for c in self.children]

    def own_values(self) -> dict | None:
        if not self.own:
            return None
        return {field: self.cleaned_data.get(f"own_{field}") for field in ("poor_people", "poor_households",
                                                                              "poor_villages")}

    def child_values(self) -> dict[str, dict]:
        """The children's figures, or {} when the split table was left empty (no split)."""
        found = {c.code: {field: self.cleaned_data.get(f"c{c.code}_{field}") for field, _label in self.measures}
                 for c in self.children}
        if all(v is None for values in found.values() for v in values.values()):
            return {}
        return found
