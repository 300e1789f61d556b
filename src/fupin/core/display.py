"""How stored values read on screen: code labels, 是/否, money, a dash for nothing."""

from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _


def display_value(model, name: str, value) -> str:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        field = None
    if value is None or value == "":
        return "—"
    if isinstance(field, models.BooleanField) or isinstance(value, bool):
        return _("是") if value else _("否")
    if field is not None and hasattr(field, "display"):  # a field that knows how it reads (a list of codes)
        return field.display(value)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else str(value)
    if isinstance(field, models.DecimalField) or isinstance(value, Decimal):
        return f"{Decimal(value):,.2f}"
    return str(value)
