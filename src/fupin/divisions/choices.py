"""The area lists of the filters: one helper for every page that lets a user pick an area."""

from __future__ import annotations

from django.db.models import Min, Q

from fupin.divisions.models import Division, Level

DEPTH = 3  # levels listed from the user's top: a prefecture's user sees counties and townships


def area_choices(user, *, current: str = "", blank=None) -> list[tuple[str, str]]:
    """The areas the user may see, indented by level: three levels from their top (a county's user:
    the county, its townships and villages; a prefecture's: the prefecture, its counties and
    townships; a province's: down to the counties, not twenty thousand villages in one list, which
    took 0.3 s to draw for a prefecture), and ``current`` (an area reached by drilling down) when it
    is deeper. ``blank``: a first choice with no area."""
    visible = Division.objects.visible_to(user)
    top = visible.aggregate(top=Min("level"))["top"] or Level.COUNTY
    rows = (visible.filter(Q(level__lt=top + DEPTH) | Q(code=current or None)).order_by("code")
            .values_list("code", "name", "level"))
    choices = [("", blank)] if blank is not None else []
    return choices + [(code, f"{'　' * (level - top)}{name}") for code, name, level in rows]
