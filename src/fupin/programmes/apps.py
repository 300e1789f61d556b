from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "fupin.programmes"
    verbose_name = _("产业与就业")
