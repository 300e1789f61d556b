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
def ok_text(value):
    """A guarantee flag as 达标/不达标 (None: no data)."""
    from django.utils.translation import gettext as _

    if value is None:
        return "—"
    return _("达标") if value else _("不达标")
