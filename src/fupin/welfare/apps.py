"""Guarantees (低保, 特困, premium subsidy, medical aid, education aid by stage, the two disability
subsidies), housing (dangerous-house renovation, relocation) and charity matching (社会帮扶)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "fupin.welfare"
    verbose_name = _("保障与社会帮扶")

    def ready(self):
        from fupin.registry.card import CardSection, register
        from fupin.welfare.selectors import household_card_section

        register(CardSection(key="welfare", template="welfare/_household_section.html",
                             context=household_card_section, order=60))
