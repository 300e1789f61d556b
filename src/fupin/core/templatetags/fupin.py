"""Template helpers: display values of model fields, masking, money."""

from decimal import Decimal

from django import template
from django.db import models

from fupin.core import masking
from fupin.core.display import display_value

register = template.Library()


@register.simple_tag
def show(obj, name):
    field = obj._meta.get_field(name)
    if isinstance(field, models.ForeignKey):
        related = getattr(obj, name)
        return str(related) if related is not None else "—"
    return display_value(type(obj), name, getattr(obj, field.attname))


@register.simple_tag
def show_value(model_obj, name, value):
    return display_value(type(model_obj) if isinstance(model_obj, models.Model) else model_obj, name, value)


@register.simple_tag
def label(obj, name):
    return obj._meta.get_field(name).verbose_name


@register.filter
def masked(value, kind="id_number"):
    return masking.MASKERS[kind](value)


@register.filter
def money(value):
    if value in (None, ""):
        return "—"
    return f"{Decimal(value):,.2f}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def split(value, sep=None):
    return str(value).split(sep)


@register.filter
def decimal4(value):
    """A fraction or number as a decimal with four places (MPI figures)."""
    if value in (None, ""):
        return "—"
    return f"{float(value):.4f}"


@register.filter
def percent(value, places=1):
    """0.1234 -> '12.3%'."""
    if value in (None, ""):
        return "—"
    return f"{float(value) * 100:.{int(places)}f}%"


@register.filter
def check_text(value):
    """A cross-check result as 发现/未发现/未比对 (older records: True/False)."""
    from django.utils.translation import gettext as _

    return {True: _("发现"), "found": _("发现"), False: _("未发现"), "not_found": _("未发现")}.get(value, _("未比对"))


@register.filter
def ok_text(value):
    """A guarantee flag as 达标/不达标 (None: no data)."""
    from django.utils.translation import gettext as _

    if value is None:
        return "—"
    return _("达标") if value else _("不达标")


def figure_text(value, kind: str = "") -> str:
    """How a figure is shown: counts with thousands separators, money with fen, percentages (the
    value is already a percentage) to one decimal place; missing as a dash."""
    if value is None or value == "":
        return "—"
    if kind == "pct":
        shown = Decimal(value).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")
        return f"{shown.quantize(Decimal(1)) if shown == shown.to_integral_value() else shown:,}%"
    if kind == "money":
        return f"{Decimal(value):,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal | float):
        return f"{Decimal(value):,.2f}"
    return str(value)


@register.simple_tag
def fig(key, value, kind="", text=None):
    """A figure that other pages show too: ``<span data-figure="key" data-value="exact">shown</span>``.

    One figure is computed by one selector; every page marks it with the same key, and the test of
    figures (tests/insights/test_one_number.py) reads each page and requires the same value."""
    from django.utils.html import format_html

    exact = "" if value is None else (format(Decimal(value).normalize(), "f") if isinstance(value, Decimal | float)
                                      else str(value))
    shown = figure_text(value, kind) if text is None else text
    return format_html('<span data-figure="{}" data-value="{}">{}</span>', key, exact, shown)
