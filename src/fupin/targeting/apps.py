from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetingConfig(AppConfig):
    name = "fupin.targeting"
    verbose_name = _("精准识别")

    def ready(self):
        from fupin.accounts.roles import Cap
        from fupin.registry.card import CardSection, register
        from fupin.targeting.selectors import household_card_section

        register(CardSection(key="identification", template="targeting/_household_section.html",
                             context=household_card_section, order=10, capability=Cap.VIEW_TARGETING))
