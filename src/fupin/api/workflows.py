"""Procedures: cases (list, detail with their steps, act on the current step) and risk clues
(list, register). Reads start from :mod:`fupin.workflows.selectors`; writes call its actions."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from fupin.accounts.roles import Cap
from fupin.api.base import ReadOnlyModelSerializer, ScopedFilterSet, ScopedViewSet, find
from fupin.api.errors import form_errors
from fupin.registry.models import Household
from fupin.workflows import actions, forms, selectors
from fupin.workflows.models import (
    Case,
    CaseStatus,
    CaseStep,
    ClueSource,
    ClueStatus,
    DemocraticReview,
    Outcome,
    RiskClue,
)
from fupin.workflows.procedures import Kind

TAGS = ["程序与监测"]


class CaseStepSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = CaseStep
        fields = ["id", "step", "outcome", "note", "data", "acted_at", "actor_label"]


class CaseSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Case
        exclude = ["created_by", "options"]


class CaseDetailSerializer(CaseSerializer):
    steps = serializers.SerializerMethodField(label=_("办理记录"))

    @extend_schema_field(CaseStepSerializer(many=True))
    def get_steps(self, obj):
        return CaseStepSerializer(obj.steps.order_by("pk"), many=True).data


CHECKS = [("found", _("发现")), ("not_found", _("未发现")), ("not_checked", _("未比对"))]


class ActSerializer(serializers.Serializer):
    """What the current step may need (the same inputs as the case page's form)."""

    outcome = serializers.ChoiceField(label=_("办理结果"), choices=[(Outcome.PASS, _("通过")), (Outcome.RETURN, _("退回")),
                                                                (Outcome.REJECT, _("不予通过"))], default=Outcome.PASS)
    note = serializers.CharField(label=_("办理说明"), required=False, allow_blank=True, max_length=2000)
    review = serializers.IntegerField(label=_("民主评议会议 ID"), required=False, allow_null=True, min_value=1)
    votes_for = serializers.IntegerField(label=_("同意票"), required=False, allow_null=True, min_value=0, max_value=100000)
    votes_against = serializers.IntegerField(label=_("反对票"), required=False, allow_null=True, min_value=0,
                                             max_value=100000)
    votes_abstain = serializers.IntegerField(label=_("弃权票"), required=False, allow_null=True, min_value=0,
                                             max_value=100000)
    vehicles = serializers.ChoiceField(label=_("车辆登记比对"), choices=CHECKS, required=False)
    housing = serializers.ChoiceField(label=_("商品房比对"), choices=CHECKS, required=False)
    salaried = serializers.ChoiceField(label=_("财政供养人员比对"), choices=CHECKS, required=False)
    business = serializers.ChoiceField(label=_("工商注册比对"), choices=CHECKS, required=False)
    decision_no = serializers.CharField(label=_("审批文号"), required=False, allow_blank=True, max_length=60)
    method = serializers.CharField(label=_("风险消除方式"), required=False, allow_blank=True, max_length=20)
    assistance = serializers.CharField(label=_("采取的帮扶措施"), required=False, allow_blank=True, max_length=2000)


class CaseFilter(ScopedFilterSet):
    kind = filters.ChoiceFilter(choices=Kind.choices)
    status = filters.ChoiceFilter(choices=CaseStatus.choices)
    year = filters.NumberFilter(min_value=2000, max_value=2100)
    household = filters.NumberFilter()
    step = filters.CharFilter(max_length=30)


@extend_schema_view(
    list=extend_schema(summary="程序案件列表", description="用户区域内的办理案件（识别、脱贫、纳入监测、风险消除等），按程序、状态、年度、户筛选。",
                       tags=TAGS),
    retrieve=extend_schema(summary="程序案件详情", description="案件及其每一步的办理记录。", tags=TAGS),
)
class CaseViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = Case.objects.none()
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    ordering_fields = ["id", "started_at", "step_due"]
    # Who may act on which step is the procedure's rule (roles per step), checked by the action.
    capabilities = {"read": Cap.VIEW_REGISTRY, "act": Cap.VIEW_REGISTRY}

    @staticmethod
    def selector(user):
        return selectors.cases(user).order_by("-started_at", "-pk")

    def get_serializer_class(self):
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer

    @extend_schema(summary="办理当前环节", description="通过、退回或不予通过案件的当前环节；该环节需要的材料（说明、评议票数、"
                                                 "比对结果、审批文号）须一并提交；环节由哪些角色办理以程序规定为准。", tags=TAGS,
                   request=ActSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None):
        case = self.get_object()
        data = self.input(ActSerializer)
        form = forms.StepForm(data={k: v for k, v in data.items() if v is not None},
                              reviews=DemocraticReview.objects.filter(division_code=case.division_code))
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        case = actions.act(actor=request.user, case=case, outcome=data["outcome"], note=form.cleaned_data["note"],
                           data=form.step_data(case.current_step))
        return Response(self.read(CaseDetailSerializer, case))


class ClueSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = RiskClue
        exclude = ["created_by", "handled_by"]


class ClueCreateSerializer(serializers.Serializer):
    household = serializers.IntegerField(label=_("户 ID"), min_value=1)
    source = serializers.ChoiceField(label=_("来源"), choices=ClueSource.choices)
    risk = serializers.CharField(label=_("风险类型"), max_length=100)
    detail = serializers.CharField(label=_("情况"), required=False, allow_blank=True, max_length=2000)
    found_on = serializers.DateField(label=_("发现日期"), required=False, allow_null=True)


class ClueFilter(ScopedFilterSet):
    status = filters.ChoiceFilter(choices=ClueStatus.choices)
    source = filters.ChoiceFilter(choices=ClueSource.choices)
    household = filters.NumberFilter()


@extend_schema_view(
    list=extend_schema(summary="风险线索列表", description="用户区域内的返贫致贫风险线索及其处理期限。", tags=TAGS),
    retrieve=extend_schema(summary="风险线索详情", tags=TAGS),
)
class ClueViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = RiskClue.objects.none()
    serializer_class = ClueSerializer
    filterset_class = ClueFilter
    ordering_fields = ["id", "found_on", "due_on"]
    capabilities = {"read": Cap.VIEW_REGISTRY, "create": Cap.VIEW_REGISTRY}

    @staticmethod
    def selector(user):
        return selectors.clues(user).order_by("-found_on", "-pk")

    @extend_schema(summary="登记风险线索", description="为一户登记风险线索（须在规定天数内排除或纳入监测）；登记人角色以监测程序规定为准。",
                   tags=TAGS, request=ClueCreateSerializer, responses={201: ClueSerializer})
    def create(self, request):
        data = self.input(ClueCreateSerializer)
        household = find(Household.objects.visible_to(request.user), data["household"])
        clue = actions.create_clue(actor=request.user, household=household, source=data["source"], risk=data["risk"],
                                   detail=data.get("detail", ""), found_on=data.get("found_on"))
        return Response(self.read(ClueSerializer, clue), status=status.HTTP_201_CREATED)
