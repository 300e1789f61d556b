"""Dividing an amount of money by shares, exact to the fen (largest-remainder method).

Each holder gets the floor of their exact pro-rata share in fen; the fen left over go one each to
the holders with the largest remainders (ties: more shares first, then the smaller key), so the
payments add up exactly to the total, each is within one fen of the exact share, a holder of
zero shares gets nothing and more shares never get less money.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from decimal import Decimal
from fractions import Fraction

FEN = Decimal("0.01")


class AllocationError(ValueError):
    pass


def allocate(total: Decimal, shares: Iterable[tuple[Hashable, Decimal]]) -> dict[Hashable, Decimal]:
    """Split ``total`` (yuan, at most two decimals, >= 0) over ``(key, shares)`` pairs."""
    total = Decimal(total)
    if total < 0:
        raise AllocationError("total must not be negative")
    if total != total.quantize(FEN):
        raise AllocationError("total must be whole fen")
    holders = list(shares)
    if len({key for key, _s in holders}) != len(holders):
        raise AllocationError("each key may appear once")
    if any(Decimal(s) < 0 for _k, s in holders):
        raise AllocationError("shares must not be negative")
    whole = sum((Fraction(Decimal(s)) for _k, s in holders), Fraction(0))
    if whole == 0:
        if total:
            raise AllocationError("nobody holds shares")
        return {key: Decimal("0.00") for key, _s in holders}
    fen = int(total * 100)
    floors: dict[Hashable, int] = {}
    remainders = []
    for key, s in holders:
        exact = Fraction(fen) * Fraction(Decimal(s)) / whole
        floor = exact.numerator // exact.denominator
        floors[key] = floor
        remainders.append((exact - floor, Fraction(Decimal(s)), key))
    left = fen - sum(floors.values())
    remainders.sort(key=lambda r: (-r[0], -r[1], _order(r[2])))
    for _r, _s, key in remainders[:left]:
        floors[key] += 1
    return {key: (Decimal(floors[key]) / 100).quantize(FEN) for key, _s in holders}


def _order(key):
    """A total order over the keys (ints before strings) for the tie-break."""
    return (0, key, "") if isinstance(key, int) else (1, 0, str(key))
