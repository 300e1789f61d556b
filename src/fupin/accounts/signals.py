"""Login outcomes feed the lockout counter and the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal, receiver

from fupin.accounts import actions


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    from fupin.core import security

    username = (credentials or {}).get("username")
    ip = security.client_ip(request) if request is not None else ""
    security.log("login_failed", request, username=username or "")
    if username:
        actions.record_login_failure(username=username, ip=ip)


@receiver(user_logged_in)
def _on_logged_in(sender, request, user, **kwargs):
    actions.record_login_success(user=user)


@receiver(user_logged_out)
def _on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        actions.record_logout(user=user)


# Sent after a user's new password is saved (changed by the user, reset by an administrator, or set
# at the console). The api app ends the user's token on it.
password_changed = Signal()
