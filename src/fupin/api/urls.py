"""The API under /api/: version 1 at /api/v1/, the OpenAPI document at /api/schema/, its docs page
at /api/docs/, and the API-token page at /api/tokens/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from fupin.api import assistance, funds, insights, jobs, programmes, registry, targeting, views, workflows

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("divisions", registry.DivisionViewSet, basename="division")
router.register("villages", registry.VillageViewSet, basename="village")
router.register("households", registry.HouseholdViewSet, basename="household")
router.register("members", registry.MemberViewSet, basename="member")
router.register("funds/sources", funds.SourceViewSet, basename="fund-source")
router.register("funds/projects", funds.ProjectViewSet, basename="project")
router.register("funds/allocations", funds.AllocationViewSet, basename="allocation")
router.register("funds/disbursements", funds.DisbursementViewSet, basename="disbursement")
router.register("funds", funds.LedgerViewSet, basename="funds")
router.register("cases", workflows.CaseViewSet, basename="case")
router.register("clues", workflows.ClueViewSet, basename="clue")
router.register("identification-runs", targeting.RunViewSet, basename="identification-run")
router.register("assistance/plans", assistance.PlanViewSet, basename="plan")
router.register("assistance/measures", assistance.MeasureViewSet, basename="measure")
router.register("assistance/visits", assistance.VisitViewSet, basename="visit")
router.register("programmes/courses", programmes.CourseViewSet, basename="course")
router.register("programmes/cooperatives", programmes.CooperativeViewSet, basename="cooperative")
router.register("programmes/employments", programmes.EmploymentViewSet, basename="employment")
router.register("programmes/welfare-jobs", programmes.WelfareJobViewSet, basename="welfare-job")
router.register("welfare/renovations", programmes.RenovationViewSet, basename="renovation")
router.register("welfare/relocations", programmes.RelocationViewSet, basename="relocation")
router.register("indicators", insights.IndicatorViewSet, basename="indicators")
router.register("imports", jobs.ImportViewSet, basename="import")
router.register("jobs", jobs.JobViewSet, basename="job")

app_name = "api"
urlpatterns = [
    path("v1/households/<int:pk>/identification/",
         targeting.HouseholdResultViewSet.as_view({"get": "retrieve"}), name="household-identification"),
    path("v1/", include(router.urls)),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/create/", views.token_create, name="token_create"),
    path("tokens/revoke/", views.token_revoke, name="token_revoke"),
]
