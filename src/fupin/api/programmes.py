"""Programmes and welfare, read-only: training courses, cooperatives, employment, public-welfare
jobs, house renovations and relocations, each from its app's selector (the area scope and the
cross-area rules, e.g. a township cooperative seen by the villages whose households hold shares)."""

from django.contrib.auth import get_user_model
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from fupin.accounts.roles import Cap
from fupin.api.base import ReadOnlyModelSerializer, ScopedFilterSet, ScopedViewSet
from fupin.core import masking
from fupin.programmes import selectors
from fupin.programmes.models import Cooperative, Course, Employment, PublicWelfareJob
from fupin.welfare import selectors as welfare_selectors
from fupin.welfare.models import HouseRenovation, Relocation, RelocationStatus, RenovationStatus

TAGS = ["产业、就业与保障"]
User = get_user_model()


def read_serializer(model, *, extra: dict | None = None, masked: dict | None = None):
    """A read-only serializer of every column except who keyed the record in."""
    names = [f.name for f in model._meta.concrete_fields
             if not (f.is_relation and f.related_model is User) and f.name != "county_code"]
    attrs = {"Meta": type("Meta", (), {"model": model, "fields": names + list(extra or {})}), **(extra or {})}
    if masked:
        def to_representation(self, instance, _base=ReadOnlyModelSerializer.to_representation):
            data = _base(self, instance)
            for field, mask in masked.items():
                data[field] = mask(getattr(instance, field))
            return data

        attrs["to_representation"] = to_representation
    return type(f"{model.__name__}Serializer", (ReadOnlyModelSerializer,), attrs)


def listing(model, selector, summary: str, description: str, *, filterset=None, serializer=None, ordering=()):
    """A read-only list and detail endpoint over ``selector(user)``."""
    attrs = {
        "queryset": model.objects.none(), "serializer_class": serializer or read_serializer(model),
        "capabilities": {"read": Cap.VIEW_PROGRAMMES}, "selector": staticmethod(selector),
        "filterset_class": filterset, "ordering_fields": list(ordering) or ["id"],
    }
    view = type(f"{model.__name__}ViewSet", (ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin), attrs)
    return extend_schema_view(list=extend_schema(summary=summary, description=description, tags=TAGS),
                              retrieve=extend_schema(summary=summary.replace("列表", "详情"), tags=TAGS))(view)


class YearFilter(ScopedFilterSet):
    year = filters.NumberFilter(min_value=2000, max_value=2100, method="filter_year")

    def filter_year(self, queryset, name, value):
        return queryset.filter(**{self.year_field: value})


class CourseFilter(YearFilter):
    year_field = "end_on__year"


class RenovationFilter(YearFilter):
    year_field = "year"
    status = filters.ChoiceFilter(choices=RenovationStatus.choices)


class RelocationFilter(ScopedFilterSet):
    status = filters.ChoiceFilter(choices=RelocationStatus.choices)


class EmploymentFilter(ScopedFilterSet):
    current = filters.BooleanFilter(field_name="ended_on", lookup_expr="isnull", label="仍在就业")


CourseViewSet = listing(
    Course, lambda user: selectors.courses(user), "培训班列表", "在用户区域举办的、以及有本区域学员的培训班，附报名、结业、取证人数。",
    filterset=CourseFilter, ordering=["start_on", "id"], serializer=read_serializer(Course, extra={
        "enrolled": serializers.IntegerField(label="报名人数"), "completed": serializers.IntegerField(label="结业人数"),
        "certified": serializers.IntegerField(label="取证人数")}))
CooperativeViewSet = listing(
    Cooperative, lambda user: selectors.cooperatives(user), "合作社列表", "用户区域内的、以及本区域农户入股的农民合作社（联系电话已脱敏）。",
    serializer=read_serializer(Cooperative, masked={"phone": masking.mask_phone}), ordering=["name", "id"])
EmploymentViewSet = listing(
    Employment, lambda user: selectors.employments(user), "就业登记列表", "用户区域内成员的务工就业登记。",
    filterset=EmploymentFilter, ordering=["started_on", "id"])
WelfareJobViewSet = listing(
    PublicWelfareJob, lambda user: selectors.welfare_jobs(user, current=False), "公益性岗位列表",
    "用户区域内的公益性岗位安置。", filterset=EmploymentFilter, ordering=["started_on", "id"])
RenovationViewSet = listing(
    HouseRenovation, lambda user: welfare_selectors.renovations(user).order_by("-year", "pk"), "危房改造列表",
    "用户区域内的危房改造（年度、等级、方式、补助、状态）。", filterset=RenovationFilter, ordering=["year", "id"])
RelocationViewSet = listing(
    Relocation, lambda user: welfare_selectors.relocations(user).order_by("pk"), "易地搬迁列表",
    "用户区域内的易地扶贫搬迁户及其安置点和状态。", filterset=RelocationFilter)
