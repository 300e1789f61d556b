from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "fupin.funds"
    verbose_name = _("项目资金")
