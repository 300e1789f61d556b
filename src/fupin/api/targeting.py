"""Identification results: a household's latest official result, and the results of one run."""

from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from fupin.accounts.roles import Cap
from fupin.api.base import ReadOnlyModelSerializer, ScopedFilterSet, ScopedViewSet
from fupin.registry import selectors as registry_selectors
from fupin.targeting import selectors
from fupin.targeting.models import Conclusion, IdentificationResult, IdentificationRun

TAGS = ["识别结果"]


class RunSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = IdentificationRun
        fields = ["id", "county_code", "area_code", "year", "status", "dry_run", "rule_set", "started_at",
                  "finished_at"]


class ResultSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = IdentificationResult
        exclude = ["county_code"]


class ResultFilter(ScopedFilterSet):
    conclusion = filters.ChoiceFilter(choices=Conclusion.choices)


@extend_schema_view(
    list=extend_schema(summary="识别运行列表", description="用户区域内的识别运行（年度、状态、是否试算）。", tags=TAGS),
    retrieve=extend_schema(summary="识别运行详情", tags=TAGS),
)
class RunViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = IdentificationRun.objects.none()
    serializer_class = RunSerializer
    capabilities = {"read": Cap.VIEW_TARGETING}
    filterset_class = None
    filterset_fields = {"year": ["exact"], "status": ["exact"]}
    ordering_fields = ["id", "year"]

    @staticmethod
    def selector(user):
        return selectors.visible_runs(user).order_by("-pk")

    @extend_schema(summary="一次运行的识别结果", description="该运行中用户可见的每户结果（结论、收入、“两不愁三保障”、多维贫困得分和说明）。",
                   tags=TAGS, responses=ResultSerializer(many=True), filters=True)
    @action(detail=True, filterset_class=ResultFilter, ordering_fields=["household_id", "per_capita_income"])
    def results(self, request, pk=None):
        # not self.get_object(): it would apply this action's result filters to the runs
        run = selectors.get_run(request.user, int(pk))
        qs = self.filter_queryset(selectors.results(request.user, run).order_by("household_id"))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ResultSerializer(page, many=True).data)


class HouseholdResultViewSet(ScopedViewSet):
    capabilities = {"read": Cap.VIEW_TARGETING}
    queryset = IdentificationResult.objects.none()
    filter_backends = []
    pagination_class = None

    @extend_schema(summary="户的最新识别结果", description="该户最近一次正式识别运行的结果；没有时 404。", tags=TAGS,
                   responses=ResultSerializer)
    def retrieve(self, request, pk=None):
        household = registry_selectors.get_household(request.user, pk)
        found = selectors.household_results(household)
        if not found:
            raise Http404
        return Response(ResultSerializer(found[0]).data)
