"""Who may record which programme: the one place that maps departments to programme domains.

County, township and village cadres record every programme in their area. A department user
records only the programmes of its own domain: agriculture the industries and cooperatives,
human resources the training, employment and public-welfare jobs, rural revitalization both.
Other departments (civil affairs ...) hold ``Cap.MANAGE_PROGRAMMES`` for their own programmes
elsewhere (guarantees, housing) and may not write here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from fupin.accounts.roles import may_manage_programme
from fupin.core.actions import authorize as core_authorize
from fupin.core.actions import is_system
from fupin.core.scope import scope_for

INDUSTRY = "industry"  # industries, participation, cooperatives, members, dividends
EMPLOYMENT = "employment"  # courses, trainees, certificates, subsidies, employment, public-welfare jobs


def may_manage(user, domain: str) -> bool:
    """May ``user`` record programmes of ``domain`` at all (the area is checked by :func:`authorize`)?
    The departments that lead each domain are named once, in accounts.roles.PROGRAMME_LEADS."""
    return may_manage_programme(user, domain)


def may_write(user, domain: str, division_code: str) -> bool:
    """May ``user`` record ``domain`` programmes for ``division_code`` (to show or hide the buttons)?"""
    return may_manage(user, domain) and scope_for(user).contains_code(division_code)


def authorize(actor, domain: str, division_code: str) -> None:
    """Refuse unless ``actor`` may record ``domain`` programmes for ``division_code``.
    ``actor=SYSTEM`` is the system (demo generation, data migrations)."""
    if is_system(actor):
        return
    if not may_manage(actor, domain):
        raise PermissionDenied(_("您的角色或部门无权办理此项业务。"))
    core_authorize(actor, area=division_code or "-")
