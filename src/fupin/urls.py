from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("fupin.accounts.urls")),
    path("targeting/", include("fupin.targeting.urls")),
    path("workflows/", include("fupin.workflows.urls")),
    path("exchange/", include("fupin.exchange.urls")),
    path("", include("fupin.registry.urls")),
    path("", include("fupin.web.urls")),
]
