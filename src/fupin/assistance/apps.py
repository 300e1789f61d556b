from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "fupin.assistance"
    verbose_name = _("帮扶")

    def ready(self):
        from fupin.assistance.selectors import household_card_section
        from fupin.registry.card import CardSection, register

        register(CardSection(key="assistance", template="assistance/_household_section.html",
                             context=household_card_section, order=10))
