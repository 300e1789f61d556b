"""Whether a county's working year is still open, asked by apps below the one that keeps the years.

The years (opened, worked, 关账) belong to workflows; the registry asks "may a removal of this year
still be undone?" without importing it: the app that keeps the years registers how to answer."""

from collections.abc import Callable

OPEN, CLOSED = "open", "closed"

_providers: list[Callable[[str, int], str | None]] = []


def register(provider: Callable[[str, int], str | None]) -> None:
    """``provider(county_code, year)`` says OPEN, CLOSED or None (the year was never opened)."""
    if provider not in _providers:
        _providers.append(provider)


def state(county_code: str, year: int) -> str | None:
    for provider in _providers:
        found = provider(county_code, year)
        if found is not None:
            return found
    return None
