"""Template filters of the funds pages."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def figure(value):
    """A policy-check figure: money with fen and thousands, other values as they are."""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return value


@register.filter
def minus(value, other):
    """value - other (money: Decimal minus Decimal, exact)."""
    if value is None or other is None:
        return None
    return value - other
