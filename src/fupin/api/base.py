"""Pieces every API view uses: a read-only model serializer base, the area filter, and the
mixins that turn a viewset's ``get_queryset`` into the apps' selectors."""

from django.core.validators import RegexValidator
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, viewsets

area_validator = RegexValidator(r"^\d{0,12}$", _("区划代码为 12 位以内的数字。"))
AREA_PARAMETER = OpenApiParameter("area", str, description="区划代码前缀（县 6 位、乡镇 9 位、村 12 位）：只列该区域内的记录",
                                  pattern=r"^\d{0,12}$")


class AreaFilter(filters.CharFilter):
    """``?area=<division code>``: narrows the user's scope to one area (never widens it)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("区划代码前缀"))
        kwargs.setdefault("validators", [area_validator])
        kwargs.setdefault("max_length", 12)
        super().__init__(method="filter_area", **kwargs)


class ScopedFilterSet(filters.FilterSet):
    area = AreaFilter()

    def filter_area(self, queryset, name, value):
        return queryset.visible_to(self.request.user, value) if value else queryset


class ReadOnlyModelSerializer(serializers.ModelSerializer):
    """Every field read-only: what a list or detail shows."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("理由"), max_length=300)


class ScopedViewSet(viewsets.GenericViewSet):
    """A viewset whose rows come from a selector taking the user (``selector``)."""

    selector = None
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return type(self).selector(self.request.user)

    def read(self, serializer_class, instance, **kwargs):
        return serializer_class(instance, context=self.get_serializer_context(), **kwargs).data

    def input(self, serializer_class, **kwargs):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def find(queryset, pk):
    """A referenced record the user may see, else 404 (out of scope looks like missing)."""
    return get_object_or_404(queryset, pk=pk)
