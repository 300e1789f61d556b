from django.urls import path

from fupin.registry import views

app_name = "registry"
urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/new/", views.household_new, name="household_new"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/income/<int:year>/", views.income_edit, name="income_edit"),
    path("households/<int:pk>/members/add/", views.member_add, name="member_add"),
    path("households/<int:pk>/change-head/", views.change_head, name="change_head"),
    path("households/<int:pk>/move/", views.household_move, name="household_move"),
    path("households/<int:pk>/close/", views.household_close, name="household_close"),
    path("households/<int:pk>/reopen/", views.household_reopen, name="household_reopen"),
    path("households/<int:pk>/helper/", views.assign_helper, name="assign_helper"),
    path("members/", views.member_list, name="member_list"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("members/<int:pk>/restore/", views.member_restore, name="member_restore"),
    path("reveal/<str:kind>/<int:pk>/<str:field>/", views.reveal, name="reveal"),
    path("villages/", views.village_list, name="village_list"),
    path("villages/<str:code>/", views.village_detail, name="village_detail"),
    path("villages/<str:code>/edit/", views.village_edit, name="village_edit"),
    path("villages/<str:code>/work-team/add/", views.workteam_add, name="workteam_add"),
    path("work-team/<int:pk>/end/", views.workteam_end, name="workteam_end"),
    path("risk-types/", views.risk_types, name="risk_types"),
    path("risk-types/<int:pk>/", views.risk_type_edit, name="risk_type_edit"),
]
