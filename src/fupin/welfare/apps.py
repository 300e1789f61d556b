from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "fupin.welfare"
    verbose_name = _("保障与社会帮扶")
