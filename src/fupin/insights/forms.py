"""Forms of the targets and report pages (they parse input; the actions write)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.core.forms import StyledForm
from fupin.insights.models import TargetKey


class AreaYearForm(StyledForm):
    area = forms.ChoiceField(label=_("区域"), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = list(areas)


class ReportForm(AreaYearForm):
    public = forms.BooleanField(label=_("对外公开版（小数抑制）"), required=False)


class TargetForm(StyledForm):
    region_code = forms.ChoiceField(label=_("适用区域"))
    year = forms.IntegerField(label=_("起始年度"), min_value=2000, max_value=2100)
    key = forms.ChoiceField(label=_("目标"), choices=TargetKey.choices)
    threshold = forms.DecimalField(label=_("目标值"), required=False, max_digits=14, decimal_places=2,
                                   help_text=_("比例填百分数（如 70 表示 70%）；人数、户数填整数；"
                                               "收入增幅留空表示按全县农村居民人均可支配收入增幅"))
    enabled = forms.BooleanField(label=_("纳入考核"), required=False, initial=True)
    note = forms.CharField(label=_("依据与说明"), max_length=200, required=False)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = list(areas)
