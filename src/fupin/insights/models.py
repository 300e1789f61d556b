"""Models of insights: the plan's targets as data, per year and region (county, township or village).

A row sets one target (``key``, see ``targets.DEFINITIONS``) for a region from a year on; the most
specific region containing the area wins, then the latest year not after the assessed year; without
any row the plan's own number applies (``targets.DEFINITIONS[key].default``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.core.codes import CodeList
from fupin.core.scope import ScopedQuerySet, scope_for


class TargetKey(CodeList):
    MILD_INCOME = "mild_income", _("轻度贫困户人均收入达全县平均水平的比例")
    MODERATE_INCOME = "moderate_income", _("中度贫困户人均收入达全县平均水平的比例")
    INCOME_GROWTH = "income_growth", _("贫困户人均收入增幅高于全县平均增幅")
    HOUSES = "houses", _("危旧房（C/D 级）全部改造")
    TRAINED = "trained", _("贫困人口技能培训人数")
    TRAINED_EMPLOYED = "trained_employed", _("培训后就业率")
    INDUSTRY_SKILL = "industry_skill", _("有劳动能力的户有一项产业、一门技能")
    ZERO_EMPLOYMENT = "zero_employment", _("零就业家庭至少一人就业")
    RELOCATION = "relocation", _("有搬迁意愿的户应搬尽搬")
    REWARD_SHARE = "reward_share", _("产业扶贫资金以奖代补比例")


class TargetQuerySet(ScopedQuerySet):
    def visible_to(self, user, area: str = ""):
        """Targets of the user's areas and of the areas containing them (a township sees the county's)."""
        scope = scope_for(user).narrowed(area)
        if scope.is_empty or scope.unrestricted:
            return self.in_scope(scope)
        containing = {p[:n] for p in scope.prefixes for n in (6, 9, 12) if len(p) >= n}
        return self.filter(Q(region_code__in=containing) | scope.q("region_code"))


class Target(models.Model):
    AREA_FIELD = "region_code"

    county_code = models.CharField(_("县级代码"), max_length=6, editable=False)
    region_code = models.CharField(_("适用区域"), max_length=12,
                                   help_text=_("县 6 位、乡镇 9 位或村 12 位区划代码；该区域及以下适用"))
    year = models.PositiveSmallIntegerField(_("起始年度"), help_text=_("从该年度起执行，直到有更晚年度的设定"))
    key = models.CharField(_("目标"), max_length=20, choices=TargetKey.choices)
    threshold = models.DecimalField(_("目标值"), max_digits=14, decimal_places=2, null=True, blank=True)
    enabled = models.BooleanField(_("纳入考核"), default=True)
    note = models.CharField(_("依据与说明"), max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核目标")
        verbose_name_plural = _("考核目标")
        ordering = ["region_code", "key", "-year"]
        constraints = [models.UniqueConstraint(fields=["county_code", "region_code", "year", "key"],
                                               name="target_region_year_key")]
        indexes = [models.Index(fields=["county_code", "key", "year"], name="target_county_key_year")]

    def __str__(self) -> str:
        return f"{self.region_code} {self.year} {self.key}"
