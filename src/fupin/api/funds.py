"""Funds: sources, the project library (declare, approve, implement... as transitions),
allocations and disbursements (with cancellation and reversal), ledgers and the policy checks.
Reads start from :mod:`fupin.funds.selectors`; writes call :mod:`fupin.funds.actions`."""

from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from fupin.accounts.roles import Cap
from fupin.api.base import (
    ReadOnlyModelSerializer,
    ReasonSerializer,
    ScopedFilterSet,
    ScopedViewSet,
    area_validator,
    find,
)
from fupin.core import clock
from fupin.core.scope import home_county, root_code, scope_for
from fupin.funds import actions, selectors
from fupin.funds.models import (
    Allocation,
    Disbursement,
    DisbursementMode,
    FundSource,
    Project,
    ProjectStatus,
    ProjectType,
    RecordStatus,
    SourceKind,
)
from fupin.registry.models import Household

TAGS = ["资金"]


def plain(value):
    """Ledger and check figures as JSON: money as strings with fen, models as their id and name."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Project):
        return {"id": value.pk, "code": value.code, "name": value.name, "division_code": value.division_code,
                "type": value.type, "status": value.status}
    if isinstance(value, Allocation):
        return {"id": value.pk, "project": value.project_id, "source": value.source_id, "amount": plain(value.amount),
                "household": value.household_id, "disbursed": plain(getattr(value, "disbursed", None))}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


# --- sources ---------------------------------------------------------------------------------

class SourceSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = FundSource
        exclude = ["created_by"]


class SourceFilter(ScopedFilterSet):
    year = filters.NumberFilter(min_value=2000, max_value=2100)
    kind = filters.ChoiceFilter(choices=SourceKind.choices)
    status = filters.ChoiceFilter(choices=RecordStatus.choices)


@extend_schema_view(
    list=extend_schema(summary="资金来源列表", description="县级收到的各年度各类资金（文号、金额）。", tags=TAGS),
    retrieve=extend_schema(summary="资金来源详情", tags=TAGS),
)
class SourceViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = FundSource.objects.none()
    serializer_class = SourceSerializer
    filterset_class = SourceFilter
    ordering_fields = ["year", "amount", "id"]
    capabilities = {"read": Cap.VIEW_FUNDS}

    @staticmethod
    def selector(user):
        return selectors.sources(user).order_by("-year", "kind", "pk")


# --- projects --------------------------------------------------------------------------------

class ProjectSerializer(ReadOnlyModelSerializer):
    allocated = serializers.DecimalField(label=_("已分配"), max_digits=14, decimal_places=2, required=False)
    disbursed = serializers.DecimalField(label=_("已支付"), max_digits=14, decimal_places=2, required=False)
    households = serializers.IntegerField(label=_("受益户数"), required=False)

    class Meta:
        model = Project
        exclude = ["created_by"]


PROJECT_FIELDS = ["code", "name", "type", "budget", "lead_unit", "cooperating_units", "starts_on", "ends_on",
                  "description"]


class ProjectCreateSerializer(serializers.ModelSerializer):
    division_code = serializers.CharField(label=_("实施地点（县、乡镇或村的区划代码）"), min_length=6, max_length=12,
                                          validators=[area_validator])
    year = serializers.IntegerField(label=_("年度"), min_value=2000, max_value=2100)

    class Meta:
        model = Project
        fields = ["division_code", "year", *PROJECT_FIELDS]
        extra_kwargs = {"code": {"required": False}, "budget": {"min_value": Decimal("0.01")}}


class TransitionSerializer(serializers.Serializer):
    key = serializers.ChoiceField(label=_("操作"), choices=[(t.key, t.label) for t in actions.TRANSITIONS.values()])
    note = serializers.CharField(label=_("意见或原因"), required=False, allow_blank=True, max_length=300)


def _transition_capability(request, view) -> str:
    step = actions.TRANSITIONS.get(str(request.data.get("key", "")) if hasattr(request.data, "get") else "")
    return step.capability if step else Cap.VIEW_FUNDS


class ProjectFilter(ScopedFilterSet):
    year = filters.NumberFilter(min_value=2000, max_value=2100)
    type = filters.ChoiceFilter(choices=ProjectType.choices)
    status = filters.ChoiceFilter(choices=ProjectStatus.choices)
    q = filters.CharFilter(label=_("项目名称或编号"), max_length=50, method="filter_q")

    def filter_q(self, queryset, name, value):
        return queryset & selectors.project_list(self.request.user, q=value)


@extend_schema_view(
    list=extend_schema(summary="项目库", description="用户区域内的项目，附已分配、已支付金额和受益户数；按年度、类型、状态筛选。", tags=TAGS),
    retrieve=extend_schema(summary="项目详情", tags=TAGS),
)
class ProjectViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = Project.objects.none()
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    ordering_fields = ["year", "code", "budget"]
    capabilities = {"read": Cap.VIEW_FUNDS, "create": Cap.PROPOSE_PROJECT, "transition": _transition_capability}

    @staticmethod
    def selector(user):
        return selectors.project_list(user)

    @extend_schema(summary="申报项目", description="把项目放进项目库（申报）：县、乡镇或村；记入审计日志。", tags=TAGS,
                   request=ProjectCreateSerializer, responses={201: ProjectSerializer})
    def create(self, request):
        data = self.input(ProjectCreateSerializer)
        project = actions.declare_project(actor=request.user, division_code=data.pop("division_code"),
                                          year=data.pop("year"), fields=data)
        return Response(self.read(ProjectSerializer, project), status=status.HTTP_201_CREATED)

    @extend_schema(summary="项目流转", description="申报 → 审批 → 实施 → 验收 → 完成；驳回、撤回、撤销须写原因。"
                                               "key 为 approve、reject、start、accept、complete、resubmit、withdraw、cancel 之一。",
                   tags=TAGS, request=TransitionSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        project = self.get_object()
        data = self.input(TransitionSerializer)
        project = actions.transition(actor=request.user, project=project, key=data["key"], note=data.get("note", ""))
        return Response(self.read(ProjectSerializer, project))


# --- allocations -----------------------------------------------------------------------------

class AllocationSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Allocation
        exclude = ["created_by"]


class AllocationCreateSerializer(serializers.Serializer):
    source = serializers.IntegerField(label=_("资金来源 ID"), min_value=1)
    project = serializers.IntegerField(label=_("项目 ID"), min_value=1)
    amount = serializers.DecimalField(label=_("金额（元）"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    division_code = serializers.CharField(label=_("到村（区划代码，可空）"), required=False, allow_blank=True,
                                          max_length=12, validators=[area_validator])
    household = serializers.IntegerField(label=_("到户（户 ID，可空）"), required=False, allow_null=True, min_value=1)
    purpose = serializers.CharField(label=_("用途"), required=False, allow_blank=True, max_length=300)
    allocated_on = serializers.DateField(label=_("下达日期"), required=False, allow_null=True)


class AllocationFilter(ScopedFilterSet):
    year = filters.NumberFilter(min_value=2000, max_value=2100)
    project = filters.NumberFilter()
    source = filters.NumberFilter()
    status = filters.ChoiceFilter(choices=RecordStatus.choices)


@extend_schema_view(
    list=extend_schema(summary="资金分配列表", description="分配到项目（及村、户）的资金。", tags=TAGS),
    retrieve=extend_schema(summary="资金分配详情", tags=TAGS),
)
class AllocationViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = Allocation.objects.none()
    serializer_class = AllocationSerializer
    filterset_class = AllocationFilter
    ordering_fields = ["id", "amount", "allocated_on"]
    capabilities = {"read": Cap.VIEW_FUNDS, "create": Cap.MANAGE_FUNDS, "cancel": Cap.MANAGE_FUNDS}

    @staticmethod
    def selector(user):
        return Allocation.objects.visible_to(user).order_by("-year", "pk")

    @extend_schema(summary="分配资金", description="把一个资金来源的钱分配给已审批的项目（可到村、到户）；不超过来源余额和项目预算。",
                   tags=TAGS, request=AllocationCreateSerializer, responses={201: AllocationSerializer})
    def create(self, request):
        data = self.input(AllocationCreateSerializer)
        user = request.user
        source = find(selectors.sources(user), data["source"])
        project = find(selectors.projects(user), data["project"])
        household = find(Household.objects.visible_to(user), data["household"]) if data.get("household") else None
        allocation = actions.allocate(actor=user, source=source, project=project, amount=data["amount"],
                                      division_code=data.get("division_code", ""), household=household,
                                      purpose=data.get("purpose", ""), allocated_on=data.get("allocated_on"))
        return Response(self.read(AllocationSerializer, allocation), status=status.HTTP_201_CREATED)

    @extend_schema(summary="撤销分配", description="撤回误下达的分配（仅在尚未支付时），须写原因。", tags=TAGS,
                   request=ReasonSerializer, responses=AllocationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        allocation = self.get_object()
        data = self.input(ReasonSerializer)
        allocation = actions.cancel_allocation(actor=request.user, allocation=allocation, reason=data["reason"])
        return Response(self.read(AllocationSerializer, allocation))


# --- disbursements ---------------------------------------------------------------------------

class DisbursementSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Disbursement
        exclude = ["created_by"]


class DisbursementCreateSerializer(serializers.Serializer):
    allocation = serializers.IntegerField(label=_("资金分配 ID"), min_value=1)
    amount = serializers.DecimalField(label=_("金额（元）"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    mode = serializers.ChoiceField(label=_("支付方式"), choices=DisbursementMode.choices)
    household = serializers.IntegerField(label=_("收款户 ID（到户支付时）"), required=False, allow_null=True, min_value=1)
    paid_on = serializers.DateField(label=_("支付日期"), required=False, allow_null=True)
    voucher_no = serializers.CharField(label=_("凭证号"), required=False, allow_blank=True, max_length=60)


class ReverseSerializer(ReasonSerializer):
    paid_on = serializers.DateField(label=_("冲销日期"), required=False, allow_null=True)
    voucher_no = serializers.CharField(label=_("凭证号"), required=False, allow_blank=True, max_length=60)


class DisbursementFilter(ScopedFilterSet):
    year = filters.NumberFilter(min_value=2000, max_value=2100)
    project = filters.NumberFilter()
    allocation = filters.NumberFilter()
    household = filters.NumberFilter()
    mode = filters.ChoiceFilter(choices=DisbursementMode.choices)


@extend_schema_view(
    list=extend_schema(summary="资金支付列表", description="从分配中支付的款项（冲销为负数并指向原支付）。", tags=TAGS),
    retrieve=extend_schema(summary="资金支付详情", tags=TAGS),
)
class DisbursementViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = Disbursement.objects.none()
    serializer_class = DisbursementSerializer
    filterset_class = DisbursementFilter
    ordering_fields = ["id", "amount", "paid_on"]
    capabilities = {"read": Cap.VIEW_FUNDS, "create": Cap.MANAGE_FUNDS, "reverse": Cap.MANAGE_FUNDS}

    @staticmethod
    def selector(user):
        return Disbursement.objects.visible_to(user).order_by("-paid_on", "-pk")

    @extend_schema(summary="支付", description="从一笔分配中支付；同一分配的支付合计不超过分配金额；记入审计日志。", tags=TAGS,
                   request=DisbursementCreateSerializer, responses={201: DisbursementSerializer})
    def create(self, request):
        data = self.input(DisbursementCreateSerializer)
        user = request.user
        allocation = find(Allocation.objects.visible_to(user), data["allocation"])
        household = find(Household.objects.visible_to(user), data["household"]) if data.get("household") else None
        payment = actions.disburse(actor=user, allocation=allocation, amount=data["amount"], mode=data["mode"],
                                   household=household, paid_on=data.get("paid_on"),
                                   voucher_no=data.get("voucher_no", ""))
        return Response(self.read(DisbursementSerializer, payment), status=status.HTTP_201_CREATED)

    @extend_schema(summary="冲销支付", description="以一笔负数支付冲销误付款项，两笔都留在台账中；须写原因。", tags=TAGS,
                   request=ReverseSerializer, responses={201: DisbursementSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        payment = self.get_object()
        data = self.input(ReverseSerializer)
        entry = actions.reverse_disbursement(actor=request.user, disbursement=payment, reason=data["reason"],
                                             paid_on=data.get("paid_on"), voucher_no=data.get("voucher_no", ""))
        return Response(self.read(DisbursementSerializer, entry), status=status.HTTP_201_CREATED)


# --- ledgers and checks ----------------------------------------------------------------------

YEAR = OpenApiParameter("year", int, description="年度（默认本年）")
LEDGER_AREA = OpenApiParameter("area", str, description="省（2 位）、市（4 位）、县（6 位）、乡镇（9 位）或村（12 位）区划代码；"
                                                     "默认用户所在区域", pattern=r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$")
LEDGER = inline_serializer("Ledger", {
    "area": serializers.CharField(), "name": serializers.CharField(), "year": serializers.IntegerField(),
    "totals": serializers.DictField(), "kinds": serializers.ListField(child=serializers.DictField()),
    "projects": serializers.ListField(child=serializers.DictField()),
    "children": serializers.ListField(child=serializers.DictField()), "own": serializers.DictField(),
    "households": serializers.ListField(child=serializers.DictField()),
    "allocations": serializers.ListField(child=serializers.DictField()),
})
CHECKS = inline_serializer("PolicyChecks", {
    "county": serializers.CharField(), "year": serializers.IntegerField(),
    "checks": serializers.ListField(child=serializers.DictField()),
})


class LedgerQuery(serializers.Serializer):
    area = serializers.RegexField(r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$", required=False)
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)


class LedgerViewSet(ScopedViewSet):
    capabilities = {"read": Cap.VIEW_FUNDS}
    pagination_class = None
    filter_backends = []

    def _query(self, request):
        query = LedgerQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data.get("year") or clock.today().year, query.validated_data.get("area", "")

    @extend_schema(summary="资金台账", description="一个省、市、县、乡镇或村一年的台账（县以上按下级区划汇总）：按资金类别、项目、下级区划的分配与支付及余额；"
                                               "村级另列到户支付和每笔分配。", tags=TAGS, parameters=[LEDGER_AREA, YEAR],
                   responses=LEDGER)
    @action(detail=False, url_path="ledger")
    def ledger(self, request):
        year, area = self._query(request)
        area = area or root_code(request.user) or home_county(request.user)
        if not area or len(area) not in (2, 4, 6, 9, 12) or not scope_for(request.user).contains_code(area):
            raise Http404(_("该区域不在您的管辖范围内。"))
        data = selectors.ledger(request.user, area, year)
        return Response({"area": data.area, "name": data.name, "year": data.year, "totals": plain(data.totals),
                         "kinds": plain(data.kinds), "projects": plain(data.projects),
                         "children": plain(data.children), "own": plain(data.own),
                         "households": plain(list(data.households)), "allocations": plain(data.allocations)})

    @extend_schema(summary="资金政策检查", description="规划的三条资金要求（以奖代补比例、贫困村省级资金、村基础设施整合资金），"
                                                 "各附数字和是否达标；只对能看到全县的用户开放。", tags=TAGS,
                   parameters=[LEDGER_AREA, YEAR], responses=CHECKS)
    @action(detail=False, url_path="policy-checks")
    def policy_checks(self, request):
        year, area = self._query(request)
        county = selectors.check_county(request.user, area)
        if not county:
            raise Http404(_("政策检查按县进行，您的区域看不到全县。"))
        checks, _limits = selectors.policy_checks(request.user, county, year)
        return Response({"county": county, "year": year, "checks": [
            {"key": c.key, "title": str(c.title), "rule": str(c.rule), "passed": c.passed,
             "figures": [{"label": str(f[0]), "value": plain(f[1]), **({"key": f[2]} if len(f) > 2 else {})}
                         for f in c.figures],
             "shortfalls": plain(c.shortfalls)} for c in checks]})
