"""The REST API (Django REST Framework): thin views over the apps' selectors and actions, the
same area scope and capabilities as the pages, OpenAPI document and a local docs page."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "fupin.api"
    verbose_name = _("接口")

    def ready(self):
        from fupin.accounts.signals import password_changed
        from fupin.api import schema  # noqa: F401  (registers the OpenAPI authentication extensions)

        def end_token(sender, user, **kwargs):
            if user.pk:
                from fupin.api.actions import revoke_for_password_change

                revoke_for_password_change(user=user)

        password_changed.connect(end_token, weak=False, dispatch_uid="fupin.api.end_token_on_password_change")
