"""The division tree (行政区划), one row per unit from province to village."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.core.codes import CodeList
from fupin.core.scope import ScopedQuerySet
from fupin.divisions import codes


class Level(models.IntegerChoices):
    PROVINCE = 1, _("省")
    CITY = 2, _("市")
    COUNTY = 3, _("县")
    TOWNSHIP = 4, _("乡镇")
    VILLAGE = 5, _("村")


class Kind(CodeList):
    SUBDISTRICT = "subdistrict", _("街道")
    TOWN = "town", _("镇")
    TOWNSHIP = "township", _("乡")
    SPECIAL = "special", _("其他乡级单位")
    VILLAGE_COMMITTEE = "village_committee", _("村委会")
    RESIDENTS_COMMITTEE = "residents_committee", _("居委会")
    OTHER = "other", _("其他")


class UrbanRuralClass(CodeList):
    MAIN_URBAN = "111", _("主城区")
    URBAN_FRINGE = "112", _("城乡结合区")
    TOWN_CENTRE = "121", _("镇中心区")
    TOWN_FRINGE = "122", _("镇乡结合区")
    SPECIAL = "123", _("特殊区域")
    TOWNSHIP_CENTRE = "210", _("乡中心区")
    VILLAGE = "220", _("村庄")


class DivisionQuerySet(ScopedQuerySet):
    def names(self, codes) -> dict[str, str]:
        """{code: name} for the given division codes (names only: labels for rows already scoped)."""
        return dict(self.filter(code__in=set(codes)).values_list("code", "name"))

    def children_of(self, code: str):
        return self.filter(parent_code=code)

    def county_codes(self, area: str) -> list[str]:
        """The county codes of ``area`` among these divisions: the county itself for a county or below,
        a prefecture's or province's counties (in code order)."""
        if len(area) >= 6:
            return [area[:6]]
        from fupin.core.scope import counties_q

        return list(self.filter(counties_q(area, "code"), level=Level.COUNTY).order_by("code")
                    .values_list("code", flat=True))

    def villages(self):
        return self.filter(level=Level.VILLAGE)

    def townships(self):
        return self.filter(level=Level.TOWNSHIP)

    def served(self):
        """The divisions a split or a sample covers: towns, townships and villages, and the special
        township-level units (an industrial park, a state farm) only when they hold households."""
        from django.db.models import Q
        from django.db.models.functions import Substr

        from fupin.registry.models import Household

        # which special units hold households: one grouped query per code length (not a subquery
        # per division, which Citus refuses beside the divisions, a table on every node)
        special = list(self.filter(kind=Kind.SPECIAL).values_list("code", flat=True))
        held: set[str] = set()
        for length in {len(code) for code in special}:
            held.update(Household.objects.annotate(prefix=Substr("division_id", 1, length))
                        .filter(prefix__in=[c for c in special if len(c) == length])
                        .order_by().values_list("prefix", flat=True).distinct())
        return self.filter(~Q(kind=Kind.SPECIAL) | Q(code__in=held))


class Division(models.Model):
    AREA_FIELD = "code"

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices)
    parent_code = models.CharField(_("上级代码"), max_length=9, blank=True, db_index=True)
    county_code = models.CharField(_("县级代码"), max_length=6, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, blank=True)
    urban_rural_class = models.CharField(
        _("城乡分类代码"), max_length=3, choices=UrbanRuralClass.choices, blank=True
    )
    class_inferred = models.BooleanField(_("城乡分类为推断"), default=False)
    edition = models.PositiveSmallIntegerField(_("版本年度"), default=2023)

    objects = DivisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        indexes = [models.Index(fields=["county_code", "level"], name="division_county_level")]

    def __str__(self) -> str:
        return self.name

    @property
    def full_code(self) -> str:
        return codes.full_code(self.code)

    @property
    def is_village(self) -> bool:
        return self.level == Level.VILLAGE

    @property
    def short_name(self) -> str:
        """'枧源村委会' -> '枧源村'; '东门居委会' stays."""
        if self.name.endswith("村委会"):
            return self.name[: -len("委会")]
        return self.name

    def ancestor_codes(self) -> list[str]:
        return [self.code[:n] for n in (2, 4, 6, 9) if n < len(self.code)]
