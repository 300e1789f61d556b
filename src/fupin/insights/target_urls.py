from django.urls import path

from fupin.insights import target_views

urlpatterns = [
    path("targets/", target_views.targets, name="targets"),
    path("targets/settings/", target_views.target_settings, name="target_settings"),
    path("targets/<str:key>/", target_views.target_detail, name="target_detail"),
    path("report/", target_views.report, name="report"),
]
