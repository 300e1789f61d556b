from django.urls import path

from fupin.assistance import views

app_name = "assistance"
urlpatterns = [
    path("coverage/", views.coverage, name="coverage"),
    path("worklist/", views.worklist, name="worklist"),
    path("plans/", views.plans, name="plans"),
]
