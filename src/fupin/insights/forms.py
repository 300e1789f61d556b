"""Forms of the targets and report pages (they parse input; the actions write)."""

from __future__ import annotations

from django import forms
from django.db.models import Min, Q
from django.utils.translation import gettext_lazy as _

from fupin.core.forms import StyledForm
from fupin.divisions.models import Division, Level
from fupin.insights.models import TargetKey


def area_choices(user, current: str = "") -> list[tuple[str, str]]:
    """The areas the user may see, indented by level: three levels from their top (a county's user:
    the county, its townships and villages; a prefecture's: the prefecture, its counties and
    townships; a province's: down to the counties, not twenty thousand villages in one list), and
    ``current`` (an area reached by drilling down) when it is deeper."""
    visible = Division.objects.visible_to(user)
    top = visible.aggregate(top=Min("level"))["top"] or Level.COUNTY
    rows = (visible.filter(Q(level__lte=top + 2) | Q(code=current)).order_by("code")
            .values_list("code", "name", "level"))
    return [(code, f"{'　' * (level - top)}{name}") for code, name, level in rows]


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
