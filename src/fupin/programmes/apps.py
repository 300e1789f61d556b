"""Programmes led by the agriculture and labour offices: industries and household participation,
cooperatives with shares and dividends, training courses, certificates and subsidies, employment
after training, public-welfare jobs, zero-employment households."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "fupin.programmes"
    verbose_name = _("产业与就业")

    def ready(self):
        from fupin.accounts.roles import Cap
        from fupin.programmes.selectors import household_card_section
        from fupin.registry.card import CardSection, register

        register(CardSection(key="programmes", template="programmes/_household_section.html",
                             context=household_card_section, order=40, capability=Cap.VIEW_PROGRAMMES))
