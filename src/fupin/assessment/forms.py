"""Forms of the assessment pages: drawing a sample (sizes per township and frame) and one survey."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.assessment.models import Frame
from fupin.core import clock
from fupin.core.forms import StyledForm

YES_NO = [("", "—"), ("1", _("是")), ("0", _("否"))]
DEFAULT_SIZES = {Frame.EXITED: 10, Frame.REGISTERED: 5, Frame.NON_REGISTERED: 20}


def _bool(value):
    return None if value in ("", None) else value == "1"


class DrawForm(StyledForm):
    year = forms.IntegerField(label=_("考核年度"), min_value=2014, max_value=2100)
    name = forms.CharField(label=_("名称"), max_length=100, required=False)
    seed = forms.IntegerField(label=_("随机种子"), required=False, min_value=0, max_value=10**12,
                              help_text=_("留空则随机生成；记录在抽样中，用同一种子可重现样本"))

    def __init__(self, *args, townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.townships = list(townships)
        for t in self.townships:
            for frame in Frame.values:
                self.fields[f"n_{t.code}_{frame}"] = forms.IntegerField(
                    label=f"{t.name} {Frame(frame).label}", min_value=0, max_value=500, initial=DEFAULT_SIZES[frame],
                    widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "style": "min-width:5rem"}))

    def rows(self):
        return [{"division": t, "fields": [self[f"n_{t.code}_{frame}"] for frame in Frame.values]}
                for t in self.townships]

    def sizes(self) -> dict:
        return {t.code: {frame: self.cleaned_data.get(f"n_{t.code}_{frame}") or 0 for frame in Frame.values}
                for t in self.townships}


class SurveyForm(StyledForm):
    wrongly_exited = forms.TypedChoiceField(label=_("是否错退（达不到脱贫标准却已退出）"), choices=YES_NO, coerce=_bool,
                                            empty_value=None, required=False, widget=forms.RadioSelect)
    missed = forms.TypedChoiceField(label=_("是否漏评（符合贫困户标准却未识别）"), choices=YES_NO, coerce=_bool,
                                    empty_value=None, required=False, widget=forms.RadioSelect)
    approves = forms.TypedChoiceField(label=_("是否认可帮扶工作"), choices=YES_NO, coerce=_bool, empty_value=None,
                                      required=False, widget=forms.RadioSelect)
    note = forms.CharField(label=_("情况说明"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    surveyor = forms.CharField(label=_("调查人"), max_length=50)
    surveyed_on = forms.DateField(label=_("调查日期"), widget=forms.DateInput(), initial=clock.today)

    def __init__(self, *args, frame: str, **kwargs):
        super().__init__(*args, **kwargs)
        for field in ("wrongly_exited", "missed", "approves"):
            self.fields[field].choices = YES_NO[1:]
        if frame != Frame.EXITED:
            del self.fields["wrongly_exited"]
        if frame != Frame.NON_REGISTERED:
            del self.fields["missed"]

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.setdefault("wrongly_exited", None)
        data.setdefault("missed", None)
        return data


class UploadForm(StyledForm):
    file = forms.FileField(label=_("填好的入户调查表（xlsx 或 CSV）"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm,.csv,.txt"}))
