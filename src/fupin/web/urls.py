from django.urls import path

from fupin.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("areas/<str:code>/", views.area, name="area"),
    path("audit/", views.audit_log, name="audit_log"),
    path("favicon.ico", views.favicon, name="favicon"),
]
