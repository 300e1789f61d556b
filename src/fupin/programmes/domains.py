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

from fupin.accounts.roles import Cap, Department, Role
from fupin.core.scope import scope_for

INDUSTRY = "industry"  # industries, participation, cooperatives, members, dividends
EMPLOYMENT = "employment"  # courses, trainees, certificates, subsidies, employment, public-welfare jobs

DOMAIN_DEPARTMENTS: dict[str, frozenset[str]] = {
    INDUSTRY: frozenset({Department.AGRICULTURE, Department.RURAL_REVITALIZATION}),
    EMPLOYMENT: frozenset({Department.HUMAN_RESOURCES, Department.RURAL_REVITALIZATION}),
}


def may_manage(user, domain: str) -> bool:
    """May ``user`` record programmes of ``domain`` at all (the area is checked by :func:`authorize`)?"""
    if user is None or not getattr(user, "is_authenticated", False) or not user.can(Cap.MANAGE_PROGRAMMES):
        return False
    if user.role == Role.DEPARTMENT and not user.is_superuser:
        return user.department in DOMAIN_DEPARTMENTS[domain]
    return True


def may_write(user, domain: str, division_code: str) -> bool:
    """May ``user`` record ``domain`` programmes for ``division_code`` (to show or hide the buttons)?"""
    return may_manage(user, domain) and scope_for(user).contains_code(division_code)


def authorize(actor, domain: str, division_code: str) -> None:
    """Refuse unless ``actor`` may record ``domain`` programmes for ``division_code``.
    ``actor=None`` is the system (demo generation, data migrations)."""
    if actor is None:
        return
    if not may_manage(actor, domain):
        raise PermissionDenied(_("您的角色或部门无权办理此项业务。"))
    if not scope_for(actor).contains_code(division_code):
        raise PermissionDenied(_("该对象不在您的管辖范围内。"))
