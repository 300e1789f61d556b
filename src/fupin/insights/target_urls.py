from django.urls import path

from fupin.insights import target_views

urlpatterns = [
    path("targets/", target_views.targets, name="targets"),
    path("report/", target_views.report, name="report"),
]
