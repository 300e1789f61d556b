"""Assistance: plans (county, township, village, household), their measures, and visits.
Reads start from :mod:`fupin.assistance.selectors`; writes call its actions."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from fupin.accounts.roles import Cap
from fupin.api.base import ReadOnlyModelSerializer, ScopedFilterSet, ScopedViewSet, area_validator, find
from fupin.assistance import actions, selectors
from fupin.assistance.models import Category, Measure, MeasureStatus, Plan, PlanLevel, PlanStatus, Visit
from fupin.registry.models import Household

TAGS = ["帮扶"]


class PlanSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Plan
        exclude = ["created_by"]


class PlanCreateSerializer(serializers.ModelSerializer):
    level = serializers.ChoiceField(label=_("层级"), choices=PlanLevel.choices)
    year = serializers.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    division_code = serializers.CharField(label=_("区划代码（县、乡镇、村计划）"), required=False, allow_blank=True,
                                          max_length=12, validators=[area_validator])
    household = serializers.IntegerField(label=_("户 ID（户帮扶计划）"), required=False, allow_null=True, min_value=1)

    class Meta:
        model = Plan
        fields = ["level", "year", "division_code", "household", *actions.PLAN_FIELDS]


class PlanFilter(ScopedFilterSet):
    year = filters.NumberFilter(min_value=2000, max_value=2100)
    level = filters.ChoiceFilter(choices=PlanLevel.choices)
    status = filters.ChoiceFilter(choices=PlanStatus.choices)
    household = filters.NumberFilter()


@extend_schema_view(
    list=extend_schema(summary="帮扶计划列表", description="县有减贫规划、乡有脱贫方案、村有发展目标、户有致富项目：按年度、层级、状态筛选。",
                       tags=TAGS),
    retrieve=extend_schema(summary="帮扶计划详情", tags=TAGS),
)
class PlanViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = Plan.objects.none()
    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    ordering_fields = ["year", "id"]
    # Household plans are also written by helpers (RECORD_VISIT): the action decides, as for the page.
    capabilities = {"read": Cap.VIEW_ASSISTANCE, "create": Cap.VIEW_ASSISTANCE}

    @staticmethod
    def selector(user):
        return selectors.plans(user)

    @extend_schema(summary="制定帮扶计划", description="县、乡镇、村计划给出区划代码；户帮扶计划给出户 ID；每年每个对象一份。",
                   tags=TAGS, request=PlanCreateSerializer, responses={201: PlanSerializer})
    def create(self, request):
        data = self.input(PlanCreateSerializer)
        household = find(Household.objects.visible_to(request.user), data["household"]) if data.get("household") else None
        plan = actions.create_plan(actor=request.user, level=data.pop("level"), year=data.pop("year"),
                                   division_code=data.pop("division_code", ""), household=household,
                                   fields={k: v for k, v in data.items() if k in actions.PLAN_FIELDS})
        return Response(self.read(PlanSerializer, plan), status=status.HTTP_201_CREATED)


class MeasureSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Measure
        exclude = ["created_by"]


class MeasureCreateSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(label=_("计划 ID"), min_value=1)

    class Meta:
        model = Measure
        fields = ["plan", *actions.MEASURE_FIELDS]
        extra_kwargs = {"cost": {"min_value": 0}, "expected_income": {"min_value": 0}}


class MeasureFilter(ScopedFilterSet):
    plan = filters.NumberFilter()
    household = filters.NumberFilter()
    year = filters.NumberFilter(min_value=2000, max_value=2100)
    category = filters.ChoiceFilter(choices=Category.choices)
    status = filters.ChoiceFilter(choices=MeasureStatus.choices)


@extend_schema_view(
    list=extend_schema(summary="帮扶措施列表", description="计划中的帮扶措施（类别、内容、资金、状态）。", tags=TAGS),
    retrieve=extend_schema(summary="帮扶措施详情", tags=TAGS),
)
class MeasureViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = Measure.objects.none()
    serializer_class = MeasureSerializer
    filterset_class = MeasureFilter
    ordering_fields = ["id", "planned_on"]
    capabilities = {"read": Cap.VIEW_ASSISTANCE, "create": Cap.VIEW_ASSISTANCE}

    @staticmethod
    def selector(user):
        return Measure.objects.visible_to(user).order_by("-year", "plan_id", "pk")

    @extend_schema(summary="增加帮扶措施", description="在一份计划中增加措施；谁可以增加以计划的层级和区域为准。", tags=TAGS,
                   request=MeasureCreateSerializer, responses={201: MeasureSerializer})
    def create(self, request):
        data = self.input(MeasureCreateSerializer)
        plan = find(selectors.plans(request.user), data.pop("plan"))
        measure = actions.add_measure(actor=request.user, plan=plan, fields=data)
        return Response(self.read(MeasureSerializer, measure), status=status.HTTP_201_CREATED)


class VisitSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Visit
        fields = ["id", "household", "division_code", "visited_on", "visitor", "visitor_name", "notes", "findings",
                  "actions_taken", "created_at"]


class VisitCreateSerializer(serializers.Serializer):
    household = serializers.IntegerField(label=_("户 ID"), min_value=1)
    visited_on = serializers.DateField(label=_("走访日期"))
    notes = serializers.CharField(label=_("走访情况"), max_length=5000)
    findings = serializers.CharField(label=_("发现的问题"), required=False, allow_blank=True, max_length=5000)
    actions_taken = serializers.CharField(label=_("帮扶举措"), required=False, allow_blank=True, max_length=5000)


class VisitFilter(ScopedFilterSet):
    household = filters.NumberFilter()
    visited_after = filters.DateFilter(field_name="visited_on", lookup_expr="gte", label=_("走访日期起"))
    visited_before = filters.DateFilter(field_name="visited_on", lookup_expr="lte", label=_("走访日期止"))


@extend_schema_view(
    list=extend_schema(summary="走访记录列表", description="入户走访记录；帮扶责任人只看到自己帮扶户的。", tags=TAGS),
    retrieve=extend_schema(summary="走访记录详情", tags=TAGS),
)
class VisitViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = Visit.objects.none()
    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    ordering_fields = ["visited_on", "id"]
    capabilities = {"read": Cap.VIEW_ASSISTANCE, "create": Cap.RECORD_VISIT}

    @staticmethod
    def selector(user):
        return selectors.visits(user)

    @extend_schema(summary="登记走访", description="登记一次入户走访（照片请在页面上传）；记入审计日志。", tags=TAGS,
                   request=VisitCreateSerializer, responses={201: VisitSerializer})
    def create(self, request):
        data = self.input(VisitCreateSerializer)
        household = find(Household.objects.visible_to(request.user), data["household"])
        visit = actions.record_visit(actor=request.user, household=household, visited_on=data["visited_on"],
                                     notes=data["notes"], findings=data.get("findings", ""),
                                     actions_taken=data.get("actions_taken", ""))
        return Response(self.read(VisitSerializer, visit), status=status.HTTP_201_CREATED)
