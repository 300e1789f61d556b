"""The MPI indicators the registry can measure (the local adaptation of domain.md 5).

The code holds the shapes (what each indicator means); the rule set holds the weights and k.
Global-MPI indicators that the register cannot observe (nutrition, child mortality, assets)
are not offered.
"""

from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Indicator:
    key: str
    dimension: str
    label: str
    default_weight: Fraction


INDICATORS: tuple[Indicator, ...] = (
    Indicator("health_illness", "health", _("家庭成员患大病或残疾"), Fraction(1, 6)),
    Indicator("health_uninsured", "health", _("有成员未参加基本医疗保险"), Fraction(1, 6)),
    Indicator("education_adults", "education", _("成年成员文化程度均在小学及以下"), Fraction(1, 6)),
    Indicator("education_children", "education", _("有义务教育阶段适龄儿童失学辍学"), Fraction(1, 6)),
    Indicator("living_housing", "living", _("居住 C、D 级危房且未改造"), Fraction(1, 18)),
    Indicator("living_water", "living", _("饮水不安全"), Fraction(1, 18)),
    Indicator("living_toilet", "living", _("无卫生厕所"), Fraction(1, 18)),
    Indicator("living_fuel", "living", _("以柴草、畜粪、煤炭为主要燃料"), Fraction(1, 18)),
    Indicator("living_power", "living", _("未通生活用电"), Fraction(1, 18)),
    Indicator("living_road", "living", _("入户路为泥土路"), Fraction(1, 18)),
    Indicator("income", "income", _("人均纯收入低于收入线"), Fraction(0)),
)
BY_KEY = {i.key: i for i in INDICATORS}
DIMENSIONS = {"health": _("健康"), "education": _("教育"), "living": _("生活水平"), "income": _("收入")}
DEFAULT_K = Fraction(1, 3)


def default_weights() -> dict[str, str]:
    return {i.key: str(i.default_weight) for i in INDICATORS}
