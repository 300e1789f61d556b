from django.urls import path

from fupin.assistance import views

app_name = "assistance"
urlpatterns = [
    path("coverage/", views.coverage, name="coverage"),
    path("gaps/", views.gaps, name="gaps"),
    path("leaders/", views.leader_list, name="leaders"),
    path("leaders/new/", views.leader_new, name="leader_new"),
    path("leaders/<int:pk>/end/", views.leader_end, name="leader_end"),
    path("plans/", views.plans, name="plans"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/measures/add/", views.measure_add, name="measure_add"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/status/", views.measure_status, name="measure_status"),
    path("households/<int:pk>/plan/", views.household_plan, name="household_plan"),
    path("households/<int:pk>/visit/", views.visit_new, name="visit_new"),
    path("worklist/", views.worklist, name="worklist"),
    path("visits/", views.visit_list, name="visits"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
