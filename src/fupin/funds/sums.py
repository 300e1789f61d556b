"""Exact money sums in SQL, on SQLite and PostgreSQL alike.

SQLite keeps a decimal with fen as a floating-point number, so ``SUM(amount)`` there is a float sum
(0.1 + 0.2 ...) and comes back as 0.329999999999999 instead of 0.33. Summing whole fen instead
(``SUM(CAST(ROUND(amount * 100) AS BIGINT))``) is integer arithmetic in both databases; the result
is turned back into yuan as a Decimal. Every money total of the app goes through :func:`total`.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import ExpressionWrapper, F, Sum, Value
from django.db.models.functions import Cast, Coalesce, Round

FEN = Decimal("0.01")


class YuanFromFen(models.BigIntegerField):
    """The output of a fen sum: an integer in the database, a Decimal yuan amount in Python."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(FEN)


def fen(expr: str = "amount"):
    """An amount column as whole fen (an exact integer)."""
    scaled = ExpressionWrapper(F(expr) * Value(100), output_field=models.DecimalField(max_digits=17,
                                                                                      decimal_places=2))
    return Cast(Round(scaled), models.BigIntegerField())


def total(expr: str = "amount", **extra):
    """SUM of a money column as an exact Decimal (0.00 when there is nothing to sum)."""
    return Coalesce(Sum(fen(expr), **extra), Value(0), output_field=YuanFromFen())
