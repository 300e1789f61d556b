"""Pages of the plan's targets and the yearly report (thin: targets/reports read, actions write)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from fupin.accounts.roles import Cap
from fupin.core.scope import home_county
from fupin.core.views import form_action, paginate, require
from fupin.divisions.choices import area_choices
from fupin.divisions.codes import child_label
from fupin.insights import actions, forms, indicators, reports
from fupin.insights import targets as tg
from fupin.insights.models import Target, TargetKey


def _filters(request, form_class=forms.AreaYearForm):
    """The area (a visible county, township or village; the user's own by default) and the year."""
    user = request.user
    areas = area_choices(user, current=request.GET.get("area", ""))
    form = form_class(request.GET or None, areas=areas)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    division = indicators.resolve_area(user, data.get("area") or "")
    year = data.get("year") or indicators.default_year(user, division.code)
    shown = form_class({**request.GET.dict(), "area": division.code, "year": year}, areas=areas)
    shown.is_valid()
    return shown, division, year, data


def _grid(children, table) -> list[dict]:
    """Child areas as rows, one cell per target (the breakdown transposed for the page)."""
    return [{"division": child, "cells": [dict(t["cells"][i], definition=t["definition"]) for t in table]}
            for i, child in enumerate(children)]


def _context(request, **extra) -> dict:
    return {"nav_active": "targets", "can_manage": request.user.can(Cap.MANAGE_TARGETS), **extra}


@require(Cap.VIEW_INSIGHTS)
def targets(request):
    form, division, year, _data = _filters(request)
    ctx = tg.Context(request.user, division.code, year)  # each figure computed once for both
    assessments = tg.assess_all(request.user, division.code, year, context=ctx)
    children, table = tg.breakdown(request.user, division.code, year, context=ctx)
    return render(request, "insights/targets.html", _context(
        request, form=form, division=division, area=division.code, year=year, assessments=assessments,
        table=table, grid=_grid(children, table), child_level=child_label(division.code),
        # above the counties each county is assessed against its own targets: how many meet each
        children_met={t["definition"].key: t for t in table} if len(division.code) < 6 else {},
        met=sum(1 for a in assessments if a.met), assessed=sum(1 for a in assessments if a.met is not None)))


@require(Cap.VIEW_INSIGHTS)
def target_detail(request, key: str):
    if key not in tg.DEFINITIONS:
        raise Http404
    form, division, year, _data = _filters(request)
    ctx = tg.Context(request.user, division.code, year)
    assessment = tg.assess(ctx, key)
    rows = tg.gap_list(request.user, division.code, year, key, assessment)
    page_obj, query = paginate(request, rows) if rows is not None else (None, "")
    children, table = tg.breakdown(request.user, division.code, year, keys=[key], context=ctx)
    return render(request, "insights/target_detail.html", _context(
        request, form=form, division=division, area=division.code, year=year, a=assessment,
        definition=assessment.definition, page_obj=page_obj, query=query, grid=_grid(children, table),
        child_level=child_label(division.code)))


@require(Cap.MANAGE_TARGETS)
def target_settings(request):
    user = request.user
    county = home_county(user)
    if not county:
        raise Http404
    year = indicators.default_year(user, county)
    try:
        year = int(request.GET.get("year") or year)
    except ValueError:
        pass
    areas = [(c, n) for c, n in area_choices(user) if c.startswith(county)]
    initial = {"region_code": request.GET.get("region") or county, "year": year,
               "key": request.GET.get("key") or TargetKey.MILD_INCOME, "enabled": True}
    form = forms.TargetForm(request.POST or None, areas=areas, initial=initial)

    def perform(form):
        data = form.cleaned_data
        actions.set_target(actor=user, region_code=data["region_code"], year=data["year"], key=data["key"],
                           threshold=data["threshold"], enabled=data["enabled"], note=data["note"])

    ctx = tg.Context(user, county, year)
    effective = [{"definition": d, "resolved": ctx.resolve(d.key, county)} for d in tg.DEFINITIONS.values()]
    rows = (Target.objects.visible_to(user).filter(county_code=county).select_related("updated_by")
            .order_by("region_code", "key", "-year"))
    return form_action(request, form, perform, success=_("已保存考核目标。"),
                       redirect_to=f"{reverse('insights:target_settings')}?year={year}",
                       template="insights/targets_settings.html",
                       context=_context(request, year=year, county=county, effective=effective, rows=rows))


@require(Cap.VIEW_INSIGHTS)
def report(request):
    form, division, year, data = _filters(request, forms.ReportForm)
    public = bool(data.get("public"))
    built = reports.build(request.user, division.code, year, public=public)
    if request.GET.get("format") == "xlsx":
        content = reports.workbook(built)
        actions.record_report_download(actor=request.user, area=division.code, year=year, public=public,
                                       file_format="xlsx")
        response = HttpResponse(content,
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        suffix = "-public" if public else ""
        response["Content-Disposition"] = f'attachment; filename="report-{division.code}-{year}{suffix}.xlsx"'
        return response
    return render(request, "insights/report.html", _context(
        request, form=form, division=division, area=division.code, year=year, report=built, public=public,
        nav_active="report"))
