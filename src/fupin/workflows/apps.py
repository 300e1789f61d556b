from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fupin.core import years


class WorkflowsConfig(AppConfig):
    name = "fupin.workflows"
    verbose_name = _("程序办理")

    def ready(self):
        from fupin.registry.card import CardSection, register
        from fupin.workflows.selectors import household_card_section

        register(CardSection(key="procedures", template="workflows/_household_section.html",
                             context=household_card_section, order=20))
        years.register(work_year_state)


def work_year_state(county_code: str, year: int) -> str | None:
    from fupin.workflows.models import WorkYear

    status = WorkYear.objects.filter(county_code=county_code, year=year).values_list("status", flat=True).first()
    return {None: None, "closed": years.CLOSED}.get(status, years.OPEN)
