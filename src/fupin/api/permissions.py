"""One permission class for the whole API: each view names, per action, the capability it needs
(``capabilities = {"list": Cap.VIEW_REGISTRY, "create": Cap.RESTRUCTURE, ...}``); the area scope is
not decided here but by the querysets (``visible_to``) and by the actions themselves, exactly as
for the pages. An action a view does not name is refused."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions

READ_ACTIONS = ("list", "retrieve")


def required_capability(request, view) -> str | None:
    mapping = getattr(view, "capabilities", None) or {}
    action = getattr(view, "action", None) or request.method.lower()
    cap = mapping.get(action)
    if cap is None and request.method in permissions.SAFE_METHODS:
        cap = mapping.get("read")
    if callable(cap):
        cap = cap(request, view)
    return cap


class CapabilityPermission(permissions.BasePermission):
    message = _("您的角色无权执行此操作。")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method == "OPTIONS":
            return True
        cap = required_capability(request, view)
        if cap is None or not user.can(cap):
            raise exceptions.PermissionDenied(self.message)
        return True
