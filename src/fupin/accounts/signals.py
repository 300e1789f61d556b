"""Login outcomes feed the lockout counter and the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from fupin.accounts import actions


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username")
    if username:
        actions.record_login_failure(username=username)


@receiver(user_logged_in)
def _on_logged_in(sender, request, user, **kwargs):
    actions.record_login_success(user=user)


@receiver(user_logged_out)
def _on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        actions.record_logout(user=user)
