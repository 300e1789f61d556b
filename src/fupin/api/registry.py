"""The registers: divisions, villages, households and members. Reads start from the registry's
selectors; writes call :mod:`fupin.registry.actions`; personal data is masked as on the pages and
revealed one value at a time through the recorded ``reveal`` action."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from fupin.accounts.roles import Cap, Role
from fupin.api.base import ReadOnlyModelSerializer, ScopedFilterSet, ScopedViewSet, area_validator, find
from fupin.core import masking
from fupin.divisions.models import Division, Level
from fupin.registry import actions, codes, selectors
from fupin.registry.models import Household, Member, VillageProfile

User = get_user_model()


# --- divisions and villages ------------------------------------------------------------------

class DivisionSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Division
        fields = ["code", "name", "level", "parent_code", "county_code", "kind"]


@extend_schema_view(
    list=extend_schema(summary="区划列表", description="用户可见的区划（县、乡镇、村），可按上级代码或级别筛选。", tags=["区划与村"]),
    retrieve=extend_schema(summary="区划详情", tags=["区划与村"]),
)
class DivisionViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = Division.objects.none()
    serializer_class = DivisionSerializer
    capabilities = {"read": Cap.VIEW_REGISTRY}
    lookup_field = "code"
    lookup_value_regex = r"\d{6,12}"
    filterset_fields = {"parent_code": ["exact"], "level": ["exact"]}
    ordering_fields = ["code", "name"]

    @staticmethod
    def selector(user):
        return Division.objects.visible_to(user).order_by("code")

    @extend_schema(summary="下级区划", description="一个区划的直接下级（乡镇的村、县的乡镇），只含用户可见的。",
                   tags=["区划与村"], responses=DivisionSerializer(many=True))
    @action(detail=True)
    def children(self, request, code=None):
        division = self.get_object()
        qs = Division.objects.visible_to(request.user).children_of(division.code).order_by("code")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(DivisionSerializer(page, many=True).data)

    @extend_schema(summary="顶级区划", description="用户授权范围的顶端区划（从这里逐级展开区划树）。",
                   tags=["区划与村"], responses=DivisionSerializer(many=True))
    @action(detail=False)
    def roots(self, request):
        return Response(DivisionSerializer(selectors.root_areas(request.user), many=True).data)


class VillageProfileSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = VillageProfile
        exclude = ["id", "county_code", "division"]


class VillageSerializer(ReadOnlyModelSerializer):
    profile = serializers.SerializerMethodField(label=_("村册"))

    class Meta:
        model = Division
        fields = ["code", "name", "parent_code", "county_code", "profile"]

    @extend_schema_field(VillageProfileSerializer(allow_null=True))
    def get_profile(self, obj) -> dict | None:
        profile = VillageProfile.objects.filter(division_id=obj.code).first()
        return VillageProfileSerializer(profile).data if profile else None


class VillageFilter(filters.FilterSet):
    area = filters.CharFilter(label=_("区划代码前缀"), validators=[area_validator], max_length=12, method="filter_area")

    def filter_area(self, queryset, name, value):
        return queryset.visible_to(self.request.user, value)


@extend_schema_view(
    list=extend_schema(summary="村列表", description="用户可见的村，附村册（贫困村状态等）。", tags=["区划与村"]),
    retrieve=extend_schema(summary="村详情", description="一个村及其村册。", tags=["区划与村"]),
)
class VillageViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = Division.objects.none()
    serializer_class = VillageSerializer
    capabilities = {"read": Cap.VIEW_REGISTRY}
    lookup_field = "code"
    lookup_value_regex = r"\d{12}"
    filterset_class = VillageFilter

    @staticmethod
    def selector(user):
        return Division.objects.visible_to(user).filter(level=Level.VILLAGE).order_by("code")


# --- members ---------------------------------------------------------------------------------

class MemberSerializer(ReadOnlyModelSerializer):
    """A member as the lists show it: the ID number masked."""

    class Meta:
        model = Member
        fields = ["id", "household", "division_code", "status", *actions.MEMBER_FIELDS, "joined_on", "join_reason",
                  "removed_on", "removal_reason", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["id_number"] = masking.mask_id_number(instance.id_number)
        return data


class MemberFieldsSerializer(serializers.ModelSerializer):
    """The fields of a member that may be written (all optional: the action says what is missing)."""

    class Meta:
        model = Member
        fields = actions.MEMBER_FIELDS
        extra_kwargs = {f: {"required": False} for f in actions.MEMBER_FIELDS}


class MemberCreateSerializer(MemberFieldsSerializer):
    household = serializers.IntegerField(label=_("户 ID"), min_value=1)
    join_reason = serializers.ChoiceField(label=_("入户原因"), choices=codes.JoinReason.choices,
                                          default=codes.JoinReason.INITIAL)
    joined_on = serializers.DateField(label=_("入户日期"), required=False, allow_null=True)
    reason = serializers.CharField(label=_("说明"), required=False, allow_blank=True, max_length=300)

    class Meta(MemberFieldsSerializer.Meta):
        fields = ["household", *actions.MEMBER_FIELDS, "join_reason", "joined_on", "reason"]


class MemberUpdateSerializer(MemberFieldsSerializer):
    reason = serializers.CharField(label=_("修改原因"), required=False, allow_blank=True, max_length=300)

    class Meta(MemberFieldsSerializer.Meta):
        fields = [*actions.MEMBER_FIELDS, "reason"]


class MemberRemoveSerializer(serializers.Serializer):
    reason_code = serializers.ChoiceField(label=_("减员原因"), choices=codes.RemovalReason.choices)
    removed_on = serializers.DateField(label=_("减员日期"), required=False, allow_null=True)
    note = serializers.CharField(label=_("说明"), required=False, allow_blank=True, max_length=300)


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(label=_("字段"), choices=[("id_number", _("证件号码"))])


REVEALED = inline_serializer("Revealed", {"value": serializers.CharField(label=_("完整值"))})


class MemberFilter(ScopedFilterSet):
    household = filters.NumberFilter(label=_("户 ID"))
    status = filters.ChoiceFilter(label=_("状态"), choices=codes.RecordStatus.choices)
    labour_skill = filters.ChoiceFilter(label=_("劳动技能"), choices=codes.LabourSkill.choices)
    q = filters.CharFilter(label=_("姓名、证件号码或户编号"), method="filter_q", max_length=30)

    def filter_q(self, queryset, name, value):
        return queryset & selectors.member_list(self.request.user, q=value, status="")


@extend_schema_view(
    list=extend_schema(summary="成员列表", description="用户可见的成员（证件号码已脱敏），可按区域、户、状态、劳动技能、姓名或证件号码筛选。",
                       tags=["户籍"]),
    retrieve=extend_schema(summary="成员详情", tags=["户籍"]),
)
class MemberViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = Member.objects.none()
    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    ordering_fields = ["id", "name", "birth_date"]
    capabilities = {"read": Cap.VIEW_REGISTRY, "create": Cap.RESTRUCTURE, "partial_update": Cap.EDIT_REGISTRY,
                    "remove": Cap.RESTRUCTURE, "reveal": Cap.REVEAL_PERSONAL}

    @staticmethod
    def selector(user):
        return Member.objects.visible_to(user).select_related("household").order_by("division_code", "household_id",
                                                                                       "id")

    @extend_schema(summary="增加成员（增人）", description="调用“增加成员”业务动作：校验证件号码、一人一户和家庭结构，记入审计日志。",
                   tags=["户籍"], request=MemberCreateSerializer, responses={201: MemberSerializer})
    def create(self, request):
        data = self.input(MemberCreateSerializer)
        household = find(selectors.visible_households(request.user), data.pop("household"))
        member = actions.add_member(actor=request.user, household=household, join_reason=data.pop("join_reason"),
                                    joined_on=data.pop("joined_on", None), reason=data.pop("reason", ""), fields=data)
        return Response(self.read(MemberSerializer, member), status=status.HTTP_201_CREATED)

    @extend_schema(summary="修改成员信息", description="只改给出的字段；变更户主须用户主变更程序。", tags=["户籍"],
                   request=MemberUpdateSerializer, responses=MemberSerializer)
    def partial_update(self, request, pk=None):
        member = self.get_object()
        data = self.input(MemberUpdateSerializer, partial=True)
        reason = data.pop("reason", "")
        member = actions.update_member(actor=request.user, member=member, changes=data, reason=reason)
        return Response(self.read(MemberSerializer, member))

    @extend_schema(summary="减少成员（减人）", description="成员离开本户（死亡、婚出、迁出等），记录保留。", tags=["户籍"],
                   request=MemberRemoveSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        member = self.get_object()
        data = self.input(MemberRemoveSerializer)
        member = actions.remove_member(actor=request.user, member=member, reason_code=data["reason_code"],
                                       removed_on=data.get("removed_on"), note=data.get("note", ""))
        return Response(self.read(MemberSerializer, member))

    @extend_schema(summary="查看完整证件号码", description="返回未脱敏的值，并记入审计日志（谁在何时查看了谁）。", tags=["户籍"],
                   request=RevealSerializer, responses=REVEALED)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        member = self.get_object()
        data = self.input(RevealSerializer)
        return Response({"value": actions.reveal_personal(actor=request.user, obj=member, field=data["field"])})


# --- households ------------------------------------------------------------------------------

PERSONAL = {"phone": masking.mask_phone, "bank_account": masking.mask_bank_account,
            "helper_phone": masking.mask_phone}


class HouseholdSerializer(ReadOnlyModelSerializer):
    """A household as the list shows it (phone and bank account masked)."""

    division_code = serializers.CharField(source="division_id", label=_("区划代码"))

    class Meta:
        model = Household
        fields = ["id", "household_code", "division_code", "county_code", "size", "status", *actions.HOUSEHOLD_FIELDS,
                  "helper_user", "closed_on", "close_reason", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for field, mask in PERSONAL.items():
            data[field] = mask(getattr(instance, field))
        return data


class HouseholdDetailSerializer(HouseholdSerializer):
    members = serializers.SerializerMethodField(label=_("成员"))

    class Meta(HouseholdSerializer.Meta):
        fields = [*HouseholdSerializer.Meta.fields, "members"]

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, obj) -> list[dict]:
        return MemberSerializer(selectors.household_members(obj), many=True).data


class HouseholdFieldsSerializer(serializers.ModelSerializer):
    class Meta:
        model = Household
        fields = actions.HOUSEHOLD_FIELDS
        extra_kwargs = {f: {"required": False} for f in actions.HOUSEHOLD_FIELDS}


class HouseholdCreateSerializer(HouseholdFieldsSerializer):
    division_code = serializers.CharField(label=_("村级区划代码"), min_length=12, max_length=12, validators=[area_validator])
    household_code = serializers.CharField(label=_("户编号（空则自动编号）"), required=False, allow_blank=True, max_length=30)
    head = MemberFieldsSerializer(label=_("户主"))
    reason = serializers.CharField(label=_("说明"), required=False, allow_blank=True, max_length=300)

    class Meta(HouseholdFieldsSerializer.Meta):
        fields = ["division_code", "household_code", "head", "reason", *actions.HOUSEHOLD_FIELDS]


class HouseholdUpdateSerializer(HouseholdFieldsSerializer):
    reason = serializers.CharField(label=_("修改原因"), required=False, allow_blank=True, max_length=300)

    class Meta(HouseholdFieldsSerializer.Meta):
        fields = [*actions.HOUSEHOLD_FIELDS, "reason"]


class AssignHelperSerializer(serializers.Serializer):
    helper = serializers.IntegerField(label=_("帮扶责任人用户 ID（空为取消）"), allow_null=True, min_value=1)
    reason = serializers.CharField(label=_("说明"), required=False, allow_blank=True, max_length=300)


class HouseholdRevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(label=_("字段"), choices=[("phone", _("联系电话")), ("bank_account", _("银行账号")),
                                                            ("helper_phone", _("帮扶责任人电话"))])


class HouseholdFilter(ScopedFilterSet):
    """The household list's filters, applied by :func:`fupin.registry.selectors.household_list`."""

    household_type = filters.ChoiceFilter(label=_("户类型"), choices=codes.HouseholdType.choices, method="noop")
    attribute = filters.ChoiceFilter(label=_("贫困户属性"), choices=codes.PovertyAttribute.choices, method="noop")
    cause = filters.ChoiceFilter(label=_("致贫原因"), choices=codes.PovertyCause.choices, method="noop")
    status = filters.ChoiceFilter(label=_("状态（默认在册）"), choices=codes.RecordStatus.choices, method="noop")
    q = filters.CharFilter(label=_("户主姓名、证件号码或户编号"), max_length=30, method="noop")

    def noop(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return selectors.household_list(
            self.request.user, area=data.get("area") or "", q=data.get("q") or "",
            household_type=data.get("household_type") or "", attribute=data.get("attribute") or "",
            cause=data.get("cause") or "", status=data.get("status") or codes.RecordStatus.ACTIVE)


@extend_schema_view(
    list=extend_schema(summary="户列表", description="用户可见的户（电话、银行账号已脱敏）：按区域、户类型、贫困户属性、致贫原因、状态筛选，"
                                                  "按户主姓名、证件号码或户编号搜索。帮扶责任人只看到自己的帮扶户。", tags=["户籍"]),
    retrieve=extend_schema(summary="户详情", description="一户及其全部成员（含已减员的）。", tags=["户籍"]),
)
class HouseholdViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = Household.objects.none()
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter
    ordering_fields = ["household_code", "division_id", "size", "updated_at"]
    capabilities = {"read": Cap.VIEW_REGISTRY, "create": Cap.RESTRUCTURE, "partial_update": Cap.EDIT_REGISTRY,
                    "assign_helper": Cap.RESTRUCTURE, "reveal": Cap.REVEAL_PERSONAL}

    @staticmethod
    def selector(user):
        return selectors.visible_households(user).order_by("division_id", "household_code")

    def get_serializer_class(self):
        return HouseholdDetailSerializer if self.action == "retrieve" else HouseholdSerializer

    @extend_schema(summary="建档（新增户）", description="调用“建档”业务动作：在一个村新建一户并登记户主，记入审计日志。",
                   tags=["户籍"], request=HouseholdCreateSerializer, responses={201: HouseholdDetailSerializer})
    def create(self, request):
        data = self.input(HouseholdCreateSerializer)
        household = actions.create_household(
            actor=request.user, division_code=data.pop("division_code"), head=data.pop("head"),
            household_code=data.pop("household_code", ""), reason=data.pop("reason", ""), fields=data)
        return Response(self.read(HouseholdDetailSerializer, household), status=status.HTTP_201_CREATED)

    @extend_schema(summary="修改户信息", description="只改给出的字段，记入审计日志（修改前后）。", tags=["户籍"],
                   request=HouseholdUpdateSerializer, responses=HouseholdDetailSerializer)
    def partial_update(self, request, pk=None):
        household = self.get_object()
        data = self.input(HouseholdUpdateSerializer, partial=True)
        reason = data.pop("reason", "")
        household = actions.update_household(actor=request.user, household=household, changes=data, reason=reason)
        return Response(self.read(HouseholdDetailSerializer, household))

    @extend_schema(summary="指定帮扶责任人", description="把户关联到一个帮扶责任人账号（须在该户所在区域有授权）；helper 为空则取消。",
                   tags=["户籍"], request=AssignHelperSerializer, responses=HouseholdDetailSerializer)
    @action(detail=True, methods=["post"], url_path="assign-helper")
    def assign_helper(self, request, pk=None):
        household = self.get_object()
        data = self.input(AssignHelperSerializer)
        helper = None
        if data["helper"] is not None:
            code = household.division_id
            helper = (User.objects.filter(role=Role.HELPER, is_active=True)
                      .filter(Q(grants__prefix=code) | Q(grants__prefix=code[:9]) | Q(grants__prefix=code[:6]))
                      .distinct().filter(pk=data["helper"]).first())
            if helper is None:
                raise ValidationError({"helper": _("该帮扶责任人不存在，或在该户所在区域没有授权。")})
        household = actions.assign_helper(actor=request.user, household=household, helper=helper,
                                          reason=data.get("reason", ""))
        return Response(self.read(HouseholdDetailSerializer, household))

    @extend_schema(summary="查看完整电话或银行账号", description="返回未脱敏的值，并记入审计日志。", tags=["户籍"],
                   request=HouseholdRevealSerializer, responses=REVEALED)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        household = self.get_object()
        data = self.input(HouseholdRevealSerializer)
        return Response({"value": actions.reveal_personal(actor=request.user, obj=household, field=data["field"])})
