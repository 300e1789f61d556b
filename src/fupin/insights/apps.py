from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "fupin.insights"
    verbose_name = _("统计监测")

    def ready(self):
        from fupin.accounts.roles import Cap
        from fupin.insights.recorded import card_section
        from fupin.registry.card import CardSection, register

        register(CardSection(key="recorded_income", template="insights/_household_recorded.html",
                             context=card_section, order=15, capability=Cap.VIEW_REGISTRY))
