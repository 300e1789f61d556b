"""Fund sources, the project library (项目库), allocations, disbursements, ledgers (台账) and the
plan's fund rules."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "fupin.funds"
    verbose_name = _("项目资金")

    def ready(self):
        from fupin.funds.selectors import household_card_section
        from fupin.registry.card import CardSection, register

        register(CardSection(key="funds", template="funds/_household_section.html",
                             context=household_card_section, order=60))
