from django.urls import include, path

from fupin.core.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("fupin.accounts.urls")),
    path("targeting/", include("fupin.targeting.urls")),
    path("workflows/", include("fupin.workflows.urls")),
    path("funds/", include("fupin.funds.urls")),
    path("assistance/", include("fupin.assistance.urls")),
    path("programmes/", include("fupin.programmes.urls")),
    path("welfare/", include("fupin.welfare.urls")),
    path("insights/", include("fupin.insights.urls")),
    path("assessment/", include("fupin.assessment.urls")),
    path("api/", include("fupin.api.urls")),
    path("exchange/", include("fupin.exchange.urls")),
    path("", include("fupin.registry.urls")),
    path("", include("fupin.web.urls")),
]
