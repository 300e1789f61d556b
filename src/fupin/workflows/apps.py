from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "fupin.workflows"
    verbose_name = _("程序办理")

    def ready(self):
        from fupin.registry.card import CardSection, register
        from fupin.workflows.selectors import household_card_section

        register(CardSection(key="procedures", template="workflows/_household_section.html",
                             context=household_card_section, order=20))
