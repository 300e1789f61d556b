from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fupin.core"
    verbose_name = _("基础")

    def ready(self):
        from fupin.core import citus, kept

        citus.route_saves_by_county()
        citus.join_by_county()
        citus.group_by_every_column()
        kept.versions_per_request()
