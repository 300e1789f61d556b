from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "fupin.exchange"
    verbose_name = _("数据交换")

    def ready(self):
        from fupin.registry.card import CardSection, register

        register(CardSection(key="exchange", template="exchange/_household_section.html",
                             context=household_card_section, order=40))


def household_card_section(user, household):
    """The department findings about a household and the card export, on the household card."""
    from fupin.accounts.roles import Cap
    from fupin.exchange.selectors import household_findings

    findings = household_findings(user, household) if user.can(Cap.VIEW_MATCHES) else []
    can_export = user.can(Cap.EXPORT_REGISTRY)
    if not findings and not can_export:
        return None
    return {"findings": findings, "can_export": can_export, "can_resolve": user.can(Cap.EDIT_REGISTRY)}
