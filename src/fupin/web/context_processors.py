"""Navigation entries for the top bar, by what the user may do."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fupin.accounts.roles import Cap


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [
        ("home", _("区域"), reverse("web:home")),
        ("households", _("农户"), reverse("registry:household_list")),
        ("members", _("成员"), reverse("registry:member_list")),
        ("villages", _("村册"), reverse("registry:village_list")),
    ]
    if user.can(Cap.VIEW_TARGETING):
        items.append(("targeting", _("精准识别"), reverse("targeting:index")))
    if user.can(Cap.VIEW_AUDIT_LOG):
        items.append(("audit", _("审计日志"), reverse("web:audit_log")))
    if user.can(Cap.MANAGE_USERS):
        items.append(("users", _("用户管理"), reverse("accounts:user_list")))
    return {"nav_items": items, "user_caps": user.capabilities}
