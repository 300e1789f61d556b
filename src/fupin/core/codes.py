"""Base class for code lists (official codes as values, official Chinese terms as labels).

Labels are written in Chinese and translated to English through the normal catalogue, so
``term()`` always gives the Chinese term whatever language is active: imports, exports and
public notices use the official wording.
"""

from functools import cache

from django.db import models
from django.utils import translation


class CodeList(models.TextChoices):
    @classmethod
    def _aliases(cls) -> dict[str, str]:
        """Other spellings seen in the field, mapped to values. Subclasses may override."""
        return {}

    @classmethod
    def term_of(cls, value) -> str:
        if value in (None, ""):
            return ""
        with translation.override("zh-hans"):
            return str(cls(value).label)

    @classmethod
    def from_term(cls, text) -> str | None:
        """The value for a Chinese term, an English label, the code itself or a known alias."""
        if text is None:
            return None
        key = str(text).strip()
        return _lookup(cls).get(key) or _lookup(cls).get(key.lower())


@cache
def _lookup(cls) -> dict[str, str]:
    table: dict[str, str] = {}
    for value, _label in cls.choices:
        table[str(value)] = value
        table[str(value).lower()] = value
        for lang in ("en", "zh-hans"):
            with translation.override(lang):
                label = str(cls(value).label)
            table.setdefault(label, value)
            table.setdefault(label.lower(), value)
    for alias, value in cls._aliases().items():
        table.setdefault(alias, value)
    return table
