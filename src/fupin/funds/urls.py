from django.urls import path

from fupin.funds import views

app_name = "funds"
urlpatterns = [
    path("", views.index, name="index"),
    path("sources/", views.source_list, name="sources"),
    path("sources/new/", views.source_new, name="source_new"),
    path("sources/<int:pk>/", views.source_detail, name="source_detail"),
    path("sources/<int:pk>/edit/", views.source_edit, name="source_edit"),
    path("sources/<int:pk>/cancel/", views.source_cancel, name="source_cancel"),
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/step/<slug:key>/", views.project_transition, name="project_transition"),
    path("projects/<int:pk>/beneficiaries/", views.beneficiary_add, name="beneficiary_add"),
    path("projects/<int:pk>/allocate/", views.allocation_new, name="allocation_new"),
    path("allocations/<int:pk>/cancel/", views.allocation_cancel, name="allocation_cancel"),
    path("allocations/<int:pk>/disburse/", views.disbursement_new, name="disbursement_new"),
    path("disbursements/<int:pk>/reverse/", views.disbursement_reverse, name="disbursement_reverse"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
    path("households/<int:pk>/", views.household_ledger, name="household_ledger"),
    path("checks/", views.checks, name="checks"),
    path("checks/rules/new/", views.rule_new, name="rule_new"),
]
