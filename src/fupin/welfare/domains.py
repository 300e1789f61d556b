"""Who may record what: cadres in their area; department users only in their own domain.

One mapping, used by the actions (to refuse) and by the pages (to hide buttons).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.accounts.roles import may_manage_programme
from fupin.core.actions import authorize as core_authorize
from fupin.core.actions import is_system


class Domain:
    PREMIUM = "premium"  # 参保缴费补助
    MEDICAL_AID = "medical_aid"  # 医疗救助
    EDUCATION = "education"  # 教育资助
    DISABILITY = "disability"  # 残疾人两项补贴
    HOUSING = "housing"  # 危房改造、易地搬迁
    CHARITY = "charity"  # 社会帮扶


DOMAIN_LABELS = {
    Domain.PREMIUM: gettext_lazy("参保缴费补助"),
    Domain.MEDICAL_AID: gettext_lazy("医疗救助"),
    Domain.EDUCATION: gettext_lazy("教育资助"),
    Domain.DISABILITY: gettext_lazy("残疾人两项补贴"),
    Domain.HOUSING: gettext_lazy("住房安全与易地搬迁"),
    Domain.CHARITY: gettext_lazy("社会帮扶"),
}



def may_manage(user, domain: str) -> bool:
    """Whether the user may record in this domain at all (the area is checked separately). The
    departments that lead each domain are named once, in accounts.roles.PROGRAMME_LEADS."""
    return may_manage_programme(user, domain)


def managed_domains(user) -> set[str]:
    return {d for d in DOMAIN_LABELS if may_manage(user, d)}


def authorize(actor, domain: str, *, division_code: str, household=None) -> None:
    """Refuse unless the actor may record in ``domain`` at ``division_code`` (``None`` = the system)."""
    if is_system(actor):
        return
    if not may_manage(actor, domain):
        raise PermissionDenied(_("您的角色或部门无权登记%(d)s。") % {"d": DOMAIN_LABELS[domain]})
    core_authorize(actor, area=division_code or "-", household=household)
