from django.urls import path

from fupin.exchange import views

app_name = "exchange"
urlpatterns = [
    path("identification/<int:run_pk>.csv", views.identification_export, name="identification_export"),
]
