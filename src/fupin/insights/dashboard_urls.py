from django.urls import path

from fupin.insights import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
