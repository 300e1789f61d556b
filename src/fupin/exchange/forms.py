"""Forms of the exchange pages (they only collect input; the actions check and write)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.core.forms import StyledForm
from fupin.exchange.models import FindingStatus, Outcome, Source
from fupin.registry.codes import HouseholdType


class ImportForm(StyledForm):
    file = forms.FileField(label=_("户籍成员明细表（xlsx 或 CSV）"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm,.csv,.txt"}))
    dry_run = forms.BooleanField(label=_("只检查，不导入（试导入）"), required=False)
    partial = forms.BooleanField(label=_("跳过有错误的户，导入其余的户"), required=False,
                                 help_text=_("默认：文件中有任何错误，整个文件都不导入。"))
    sync_members = forms.BooleanField(label=_("同步减员：文件中没有的成员从户中减去（记录历史）"), required=False)


class ExportForm(StyledForm):
    area = forms.ChoiceField(label=_("范围"))
    file_format = forms.ChoiceField(label=_("格式"), choices=[("xlsx", "Excel (xlsx)"), ("csv", "CSV (UTF-8)")])
    year = forms.IntegerField(label=_("收入年度"), required=False, min_value=2000, max_value=2100,
                              help_text=_("空白：每户最近一年的收入。"))
    full = forms.BooleanField(label=_("完整导出（不脱敏，记入审计日志）"), required=False)

    def __init__(self, *args, areas: list[tuple[str, str]], allow_full: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas
        if not allow_full:
            del self.fields["full"]


class MatchForm(StyledForm):
    source = forms.ChoiceField(label=_("数据来源"))
    file = forms.FileField(label=_("部门名单（xlsx 或 CSV）"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm,.csv,.txt"}))
    area = forms.ChoiceField(label=_("比对范围"))

    def __init__(self, *args, sources: list[str], areas: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(v, label) for v, label in Source.choices if v in sources]
        self.fields["area"].choices = areas


class FindingFilterForm(StyledForm):
    outcome = forms.ChoiceField(label=_("结果"), required=False, choices=[("", _("全部")), *list(Outcome.choices)])
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部")), *list(FindingStatus.choices)])
    rule = forms.ChoiceField(label=_("规则"), required=False)

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", _("全部"))] + [(str(r.pk), r.name) for r in rules]


class ResolveForm(StyledForm):
    status = forms.ChoiceField(label=_("核实结果"), choices=[(FindingStatus.FIXED, FindingStatus.FIXED.label),
                                                          (FindingStatus.DISMISSED, FindingStatus.DISMISSED.label)],
                               widget=forms.RadioSelect)
    note = forms.CharField(label=_("核实说明"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class RuleForm(StyledForm):
    """The switch, the household types and the parameters of one rule (numbers, or lists of words
    separated by 、)."""

    enabled = forms.BooleanField(label=_("启用"), required=False)
    household_types = forms.MultipleChoiceField(label=_("适用户类型"), choices=HouseholdType.choices,
                                                widget=forms.CheckboxSelectMultiple)
    risk = forms.CharField(label=_("生成线索的风险类型"), max_length=100, required=False)

    def __init__(self, *args, rule, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule
        self.kind = kind
        if rule.outcome != Outcome.CLUE:
            del self.fields["risk"]
        for key, default in kind.params.items():
            label = PARAM_LABELS.get(key, key)
            if isinstance(default, list):
                self.fields[f"param_{key}"] = forms.CharField(label=label, required=False,
                                                              help_text=_("多项用“、”分隔"))
            else:
                self.fields[f"param_{key}"] = forms.DecimalField(label=label, min_value=0, max_digits=12,
                                                                 decimal_places=2)
        self.param_names = [f"param_{k}" for k in kind.params]
        from fupin.core.forms import style_widgets

        style_widgets(self)

    @staticmethod
    def initial_for(rule) -> dict:
        initial = {"enabled": rule.enabled, "household_types": rule.household_types, "risk": rule.risk}
        for key, value in rule.params.items():
            initial[f"param_{key}"] = "、".join(str(v) for v in value) if isinstance(value, list) else value
        return initial

    def params(self) -> dict:
        out = {}
        for key, default in self.kind.params.items():
            value = self.cleaned_data.get(f"param_{key}")
            if isinstance(default, list):
                out[key] = [v.strip() for v in str(value or "").replace(",", "、").replace("，", "、").split("、")
                            if v.strip()]
            else:
                number = float(value) if value is not None else default
                out[key] = int(number) if number == int(number) else number
        return out


PARAM_LABELS = {
    "income": _("上年全省农村居民人均可支配收入（元）"),
    "share_exited": _("脱贫户、监测户的比例（%）"),
    "share_other": _("其他户的比例（%）"),
    "min_amount": _("最低金额（元）"),
    "grades": _("等级"),
    "min_capital": _("最低注册资本（万元）"),
    "exempt": _("不计入的车辆类型"),
}


class NationalExportForm(StyledForm):
    year = forms.IntegerField(label=_("年度"), min_value=2014, max_value=2100,
                              help_text=_("人均纯收入、帮扶措施和风险消除按此年度统计"))


class NationalColumnsForm(StyledForm):
    """One row per field of the national workbook: its header (blank: left out) and its place."""

    def __init__(self, *args, columns: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        from fupin.exchange import national

        placed = {c["field"]: (i + 1, c["header"]) for i, c in enumerate(columns)}
        for f in national.FIELDS:
            order, header = placed.get(f.key, ("", ""))
            self.fields[f"h_{f.key}"] = forms.CharField(label=f.header, max_length=40, required=False, initial=header)
            self.fields[f"o_{f.key}"] = forms.IntegerField(
                label=_("顺序"), min_value=1, max_value=99, required=False, initial=order,
                widget=forms.NumberInput(attrs={"style": "min-width:5rem"}))

    def rows(self):
        from fupin.exchange import national

        return [{"field": f, "header": self[f"h_{f.key}"], "order": self[f"o_{f.key}"]} for f in national.FIELDS]

    def columns(self) -> list[dict]:
        from fupin.exchange import national

        d = self.cleaned_data
        chosen = [(d.get(f"o_{f.key}") or 99, i, f.key, (d.get(f"h_{f.key}") or "").strip())
                  for i, f in enumerate(national.FIELDS)]
        return [{"field": key, "header": header} for _o, _i, key, header in sorted(chosen) if header]
