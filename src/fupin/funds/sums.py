"""Exact money sums in SQL, on SQLite and PostgreSQL alike.

SQLite keeps a decimal with fen as a floating-point number, so ``SUM(amount)`` there is a float sum
(0.1 + 0.2 ...) and comes back as 0.329999999999999 instead of 0.33. On SQLite the sum is therefore
taken over whole fen (``SUM(CAST(ROUND(amount * 100) AS INTEGER))``), which is integer arithmetic,
and turned back into yuan as a Decimal. PostgreSQL's ``numeric`` is exact already, so there the
column is summed as it is. Every money total of the app goes through :func:`total`.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Func, Sum, Value
from django.db.models.functions import Coalesce

FEN = Decimal("0.01")


class YuanFromFen(models.DecimalField):
    """The output of a money sum: whole fen (SQLite) or exact yuan (PostgreSQL) in the database,
    a Decimal yuan amount with two places in Python."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 17)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        if connection.vendor == "sqlite":
            return (Decimal(int(value)) / 100).quantize(FEN)
        return Decimal(value).quantize(FEN)


class Fen(Func):
    """A money column, summable exactly: whole fen on SQLite, the exact numeric elsewhere."""

    template = "%(expressions)s"
    output_field = YuanFromFen()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="CAST(ROUND(%(expressions)s * 100) AS INTEGER)",
                           **extra_context)


def fen(expr: str = "amount") -> Fen:
    return Fen(F(expr))


def total(expr: str = "amount", **extra):
    """SUM of a money column as an exact Decimal (0.00 when there is nothing to sum)."""
    return Coalesce(Sum(fen(expr), **extra), Value(0), output_field=YuanFromFen())
