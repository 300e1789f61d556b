"""The dashboard's figures over the API: one area (province, prefecture, county, township or village)
and year, with one row per child area, from the same selectors as the dashboard (``insights.indicators``),
so the API, the dashboard and the report give the same numbers. Users above the counties get their
prefecture's or province's figures rolled up over the counties below them."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from fupin.accounts.roles import Cap
from fupin.api.base import ScopedViewSet
from fupin.api.funds import plain
from fupin.divisions.codes import child_label
from fupin.insights import indicators

TAGS = ["统计监测"]
AREA = OpenApiParameter("area", str, description="省（2 位）、市（4 位）、县（6 位）、乡镇（9 位）或村（12 位）区划代码；"
                                              "默认用户所在区域", pattern=r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$")
YEAR = OpenApiParameter("year", int, description="年度（默认该区域最近有收入数据的年度）")
INDICATORS = inline_serializer("Indicators", {
    "area": serializers.CharField(), "name": serializers.CharField(), "year": serializers.IntegerField(),
    "child_level": serializers.CharField(), "population": serializers.DictField(),
    "run_poor": serializers.DictField(), "flows": serializers.DictField(), "income": serializers.DictField(),
    "results": serializers.DictField(), "children": serializers.ListField(child=serializers.DictField()),
})


class IndicatorQuery(serializers.Serializer):
    area = serializers.RegexField(r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$", required=False)
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)


def figures(data: dict) -> dict:
    """``indicators.overview`` (core, income, results) as JSON: counts as numbers, rates and money as
    strings with two decimals, each run by its id and county."""
    pop, flw, inc, res, run_poor = (data["population"], data["flows"], data["income"], data["results"],
                                    data["run_poor"])
    return {
        "area": data["area"], "name": data["division"].name, "year": data["year"],
        "child_level": str(child_label(data["area"])),
        "population": plain({"households": pop.households, "people": pop.people, "by_type": pop.by_type,
                             "incidence": pop.incidence, "monitored_share": pop.monitored_share,
                             "by_attribute": pop.by_attribute, "by_cause": pop.by_cause,
                             "by_monitoring": pop.by_monitoring}),
        "run_poor": plain({"households": run_poor["households"], "people": run_poor["people"],
                           "runs": [{"id": r.pk, "county_code": r.county_code, "year": r.year}
                                    for r in run_poor["runs"]],
                           "counties_without_run": run_poor["missing"]}),
        "flows": plain(flw.totals),
        "income": plain({"per_capita": inc.totals.get("per_capita"), "previous_per_capita": inc.previous.get("per_capita"),
                         "growth": inc.growth, "net": inc.totals.get("net"), "households": inc.totals.get("households"),
                         "people": inc.totals.get("people"), "shares": inc.totals.get("shares"),
                         "county_average": inc.county_average}),
        "results": plain({"assisted": res.assisted, "compliance": res.compliance, "by_degree": res.by_degree,
                          "runs": [{"id": r.pk, "county_code": r.county_code, "year": r.year} for r in res.runs]}),
        "children": plain(data["children"]),
    }


class IndicatorViewSet(ScopedViewSet):
    capabilities = {"read": Cap.VIEW_INSIGHTS}
    pagination_class = None
    filter_backends = []

    @extend_schema(summary="核心指标", description="一个区域一年的核心指标（户数人口、户类型、贫困发生率、本年识别、年度动态、"
                                               "收入、两不愁三保障达标率），并按下级区划（省下的市、市下的县、县下的乡镇、乡镇下的村）"
                                               "逐行列出；与数据看板和年度报告同一口径。", tags=TAGS,
                   parameters=[AREA, YEAR], responses=INDICATORS)
    def list(self, request):
        query = IndicatorQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        area = query.validated_data.get("area", "")
        data = indicators.overview(request.user, area, query.validated_data.get("year"),
                                   families=("core", "income", "results"))
        if area and data["area"] != area:
            raise Http404(_("该区域不在您的管辖范围内。"))
        return Response(figures(data))
