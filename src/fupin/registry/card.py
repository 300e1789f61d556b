"""Sections other apps add to the household card (identification results, procedures, help...).

The registry does not know those apps: each registers a section here from its AppConfig.ready,
so dependencies still point one way (divisions <- registry <- targeting ...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CardSection:
    key: str
    template: str
    context: Callable  # (user, household) -> dict, or None to leave the section out
    order: int = 100
    capability: str | None = None


_sections: dict[str, CardSection] = {}


def register(section: CardSection) -> None:
    _sections[section.key] = section


def sections_for(user, household) -> list[tuple[CardSection, dict]]:
    shown = []
    for section in sorted(_sections.values(), key=lambda s: s.order):
        if section.capability and not user.can(section.capability):
            continue
        context = section.context(user, household)
        if context is not None:
            shown.append((section, context))
    return shown
