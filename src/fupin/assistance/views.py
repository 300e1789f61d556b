"""Pages of the assistance app: coverage of the 八个一, plans and measures, county leaders, the
helper's worklist and the visit log. Thin: they parse, call a selector or an action, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.accounts.roles import Cap
from fupin.assistance import actions, forms, selectors
from fupin.assistance.models import CountyLeader, MeasureStatus, PlanLevel
from fupin.core import clock
from fupin.core.scope import home_county, scope_for
from fupin.core.views import form_action, next_url, paginate, require
from fupin.divisions.models import Division, Level
from fupin.registry import selectors as registry_selectors


def _year(request, user) -> int:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    return year if 2014 <= year <= 2100 else selectors.default_year(user)


def _area(request) -> str:
    area = (request.GET.get("area") or "").strip()
    if area and (not area.isdigit() or len(area) not in (2, 4, 6, 9, 12)):
        raise Http404
    return area or selectors.default_area(request.user)


# --- coverage ---------------------------------------------------------------------------------

@require(Cap.VIEW_ASSISTANCE)
def coverage(request):
    user = request.user
    area = _area(request)
    if len(area) < 6:  # the page is a county's and below: a prefecture's or province's first county
        area = home_county(user) or Division.objects.visible_to(user).filter(
            level=Level.COUNTY, code__startswith=area).order_by("code").values_list("code", flat=True).first() or ""
    if not area:
        raise Http404
    year = _year(request, user)
    form = forms.CoverageFilterForm(request.GET or None, initial={"year": year})
    missing = request.GET.get("missing", "")
    data = selectors.coverage(user, area, year)
    division = data["division"]
    context = {"data": data, "year": year, "area": area, "form": form, "missing": missing,
               "crumbs": registry_selectors.breadcrumbs(division, request.user), "nav_active": "coverage",
               "can_manage": user.can(Cap.MANAGE_ASSISTANCE), "can_edit_village": user.can(Cap.EDIT_VILLAGE),
               "can_assign_helper": user.can(Cap.RESTRUCTURE),
               "is_county": division.level <= Level.COUNTY, "is_township": division.level == Level.TOWNSHIP,
               "is_village": division.level == Level.VILLAGE}
    if division.level == Level.VILLAGE:
        page, query = paginate(request, selectors.missing_households(user, area, year, missing))
        registry_selectors.attach_heads(page.object_list)
        context.update(page_obj=page, query=query)
    return render(request, "assistance/coverage.html", context)


@require(Cap.VIEW_ASSISTANCE)
def gaps(request):
    """两不愁三保障 and water gaps of the year's run in an area, and which have no matching measure:
    a gap of a household above the line is a gap to close, with a measure of its kind."""
    user = request.user
    area = _area(request)
    if len(area) < 6 or not scope_for(user).contains_code(area):  # a run's gaps: a county's and below
        raise Http404
    year = _year(request, user)
    gap = request.GET.get("gap", "")
    only_uncovered = request.GET.get("uncovered") == "1"
    counts = selectors.gap_counts(user, area, year)
    run, qs = selectors.guarantee_gaps(user, area, year, gap)
    if only_uncovered:
        qs = qs.filter(uncovered=True)
    page, query = paginate(request, qs.select_related("household").annotate(
        head=registry_selectors.head_name("household_id"), village=registry_selectors.division_name())
        .order_by("division_code", "household_id"))
    return render(request, "assistance/gaps.html", {
        "counts": counts, "run": run, "year": year, "area": area, "gap": gap, "only_uncovered": only_uncovered,
        "division": Division.objects.filter(code=area).first(), "page_obj": page, "query": query,
        "nav_active": "coverage"})


# --- county leaders ---------------------------------------------------------------------------

@require(Cap.VIEW_ASSISTANCE)
def leader_list(request):
    area = _area(request)
    page, query = paginate(request, selectors.leaders(request.user, area if len(area) >= 6 else ""))
    names = Division.objects.names({leader.division_code for leader in page.object_list})
    for leader in page.object_list:
        leader.township_name = names.get(leader.division_code, leader.division_code)
    return render(request, "assistance/leader_list.html", {
        "page_obj": page, "query": query, "nav_active": "coverage", "can_manage": request.user.can(
            Cap.MANAGE_ASSISTANCE)})


@require(Cap.MANAGE_ASSISTANCE)
def leader_new(request):
    code = request.GET.get("township", "")
    township = get_object_or_404(Division.objects.visible_to(request.user), code=code, level=Level.TOWNSHIP)
    form = forms.LeaderForm(request.POST or None, initial={"started_on": clock.today()})
    return form_action(
        request, form,
        lambda f: actions.assign_leader(actor=request.user, division_code=township.code, fields=f.changes()),
        success=_("已指定挂点县领导。"), redirect_to=f"{reverse('assistance:coverage')}?area={township.code[:6]}",
        template="assistance/form_page.html",
        context={"title": _("指定挂点县领导：%(t)s") % {"t": township.name}, "nav_active": "coverage",
                 "back": reverse("assistance:leaders")})


@require(Cap.MANAGE_ASSISTANCE)
def leader_end(request, pk):
    leader = get_object_or_404(CountyLeader.objects.visible_to(request.user), pk=pk)
    form = forms.EndLeaderForm(request.POST or None, initial={"ended_on": clock.today()})
    return form_action(
        request, form,
        lambda f: actions.end_leader(actor=request.user, leader=leader, ended_on=f.cleaned_data["ended_on"],
                                     reason=f.cleaned_data["reason"]),
        success=_("已登记结束挂点。"), redirect_to=reverse("assistance:leaders"),
        template="assistance/form_page.html",
        context={"title": _("结束挂点：%(n)s") % {"n": leader.name}, "nav_active": "coverage",
                 "back": reverse("assistance:leaders")})


# --- plans ------------------------------------------------------------------------------------

def _area_choices(user) -> list[tuple[str, str]]:
    """Counties, townships and villages the user may see, as choices (a county has ~150)."""
    rows = Division.objects.visible_to(user).filter(level__gte=Level.COUNTY).order_by("code").values_list(
        "code", "name", "level")
    indent = {Level.COUNTY: "", Level.TOWNSHIP: "　", Level.VILLAGE: "　　"}
    return [(code, f"{indent.get(level, '')}{name}") for code, name, level in rows[:2000]]


@require(Cap.VIEW_ASSISTANCE)
def plans(request):
    user = request.user
    year = _year(request, user)
    form = forms.PlanFilterForm(request.GET or None, initial={"year": year}, areas=_area_choices(user))
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.plans(user, year=data.get("year") or year, level=data.get("level", ""),
                         area=data.get("area", ""), status=data.get("status", ""))
    page, query = paginate(request, qs)
    page.object_list = selectors.attach_measure_counts(page.object_list)
    names = Division.objects.names({p.division_code for p in page.object_list})
    for plan in page.object_list:
        plan.area_name = names.get(plan.division_code, plan.division_code)
    registry_selectors.attach_heads([p.household for p in page.object_list if p.household_id])  # 户主 names
    return render(request, "assistance/plan_list.html", {
        "form": form, "page_obj": page, "query": query, "year": data.get("year") or year, "nav_active": "plans",
        "can_manage": user.can(Cap.MANAGE_ASSISTANCE)})


@require(Cap.MANAGE_ASSISTANCE)
def plan_new(request):
    user = request.user
    areas = [(c, n) for c, n in _area_choices(user) if scope_for(user).contains_code(c)]
    initial = {"year": _year(request, user), "level": request.GET.get("level", PlanLevel.VILLAGE),
               "division_code": request.GET.get("area", "")}
    where = forms.NewPlanForm(request.POST or None, initial=initial, areas=areas, prefix="where")
    form = forms.PlanForm(request.POST or None)
    if request.method == "POST" and where.is_valid() and form.is_valid():
        try:
            plan = actions.create_plan(actor=user, level=where.cleaned_data["level"], year=where.cleaned_data["year"],
                                       division_code=where.cleaned_data["division_code"], fields=form.changes())
        except ValidationError as exc:
            from fupin.core.forms import route_errors

            route_errors(exc, where, form)
        else:
            messages.success(request, _("已创建计划。"))
            return redirect(plan)
    return render(request, "assistance/plan_new.html", {"where": where, "form": form, "nav_active": "plans",
                                                        "title": _("制定帮扶计划")})


@require(Cap.VIEW_ASSISTANCE)
def plan_detail(request, pk):
    user = request.user
    plan = selectors.get_plan(user, pk)
    measures = list(plan.measures.order_by("id"))
    live = [m for m in measures if m.is_live]
    division = Division.objects.filter(code=plan.division_code).first()
    try:
        actions.authorize_plan(user, plan)
        can_edit = True
    except PermissionDenied:
        can_edit = False
    return render(request, "assistance/plan_detail.html", {
        "plan": plan, "measures": measures, "division": division,
        "total_cost": sum((m.cost for m in live), start=0),
        "expected_income": sum((m.expected_income or 0 for m in live if m.income_project), start=0),
        "can_edit": can_edit, "can_approve": actions.can_approve(user, plan) and not plan.is_approved,
        "approve_form": forms.ApproveForm(), "nav_active": "plans",
        "crumbs": registry_selectors.breadcrumbs(division, request.user) if division else [],
    })


def _editable_plan(user, pk):
    """The plan, if the user may change it (else 403 before a form is shown)."""
    plan = selectors.get_plan(user, pk)
    actions.authorize_plan(user, plan)
    return plan


@require(Cap.VIEW_ASSISTANCE)
def plan_edit(request, pk):
    plan = _editable_plan(request.user, pk)
    form = forms.PlanForm(request.POST or None, instance=plan, level=plan.level)
    return form_action(
        request, form, lambda f: actions.update_plan(actor=request.user, plan=plan, changes=f.changes()),
        success=_("已保存计划。"), redirect_to=plan.get_absolute_url(), template="assistance/form_page.html",
        context={"title": _("修改计划：%(t)s") % {"t": plan.title}, "back": plan.get_absolute_url(),
                 "nav_active": "plans",
                 "warning": _("该计划已审定，修改后须重新审定。") if plan.is_approved else ""})


@require_POST
@require(Cap.MANAGE_ASSISTANCE)
def plan_approve(request, pk):
    plan = selectors.get_plan(request.user, pk)
    form = forms.ApproveForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        actions.approve_plan(actor=request.user, plan=plan, note=note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已审定。"))
    return redirect(plan)


@require(Cap.VIEW_ASSISTANCE)
def household_plan(request, pk):
    """The household's plan for the year; made on the spot (with a standard title) if missing."""
    user = request.user
    household = registry_selectors.get_household(user, pk)
    year = _year(request, user)
    plan = selectors.household_plan(household, year)
    if plan is not None:
        return redirect(plan)
    actions.authorize_household(user, household)
    heads = registry_selectors.attach_heads([household])
    title = _("%(h)s户 %(y)s 年度帮扶计划") % {"h": heads[0].head_name or household.household_code, "y": year}
    form = forms.PlanForm(request.POST or None, level=PlanLevel.HOUSEHOLD, initial={"title": title})
    if request.method == "POST" and form.is_valid():
        try:
            plan = actions.create_plan(actor=user, level=PlanLevel.HOUSEHOLD, year=year, household=household,
                                       fields=form.changes())
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("已创建本户帮扶计划，请添加帮扶措施。"))
            return redirect(plan)
    return render(request, "assistance/form_page.html", {
        "form": form, "title": _("制定户帮扶计划：%(c)s（%(y)s 年度）") % {"c": household.household_code, "y": year},
        "back": household.get_absolute_url(), "nav_active": "plans"})


# --- measures ---------------------------------------------------------------------------------

@require(Cap.VIEW_ASSISTANCE)
def measure_add(request, pk):
    plan = _editable_plan(request.user, pk)
    form = forms.MeasureForm(request.POST or None, household_level=plan.level == PlanLevel.HOUSEHOLD,
                             initial={"income_project": request.GET.get("income") == "1"})
    return form_action(
        request, form, lambda f: actions.add_measure(actor=request.user, plan=plan, fields=f.changes()),
        success=_("已添加帮扶措施。"), redirect_to=plan.get_absolute_url(), template="assistance/form_page.html",
        context={"title": _("添加帮扶措施：%(t)s") % {"t": plan.title}, "back": plan.get_absolute_url(),
                 "nav_active": "plans"})


@require(Cap.VIEW_ASSISTANCE)
def measure_edit(request, pk):
    measure = selectors.get_measure(request.user, pk)
    plan = _editable_plan(request.user, measure.plan_id)
    form = forms.MeasureForm(request.POST or None, instance=measure, household_level=plan.level == PlanLevel.HOUSEHOLD)
    return form_action(
        request, form, lambda f: actions.update_measure(actor=request.user, measure=measure, changes=f.changes()),
        success=_("已保存帮扶措施。"), redirect_to=plan.get_absolute_url(), template="assistance/form_page.html",
        context={"title": _("修改帮扶措施：%(d)s") % {"d": measure.description}, "back": plan.get_absolute_url(),
                 "nav_active": "plans"})


@require(Cap.VIEW_ASSISTANCE)
def measure_status(request, pk):
    measure = selectors.get_measure(request.user, pk)
    _editable_plan(request.user, measure.plan_id)
    initial = {"status": request.GET.get("status") or MeasureStatus.DONE, "done_on": clock.today()}
    form = forms.MeasureStatusForm(request.POST or None, initial=initial)
    return form_action(
        request, form,
        lambda f: actions.set_measure_status(actor=request.user, measure=measure, status=f.cleaned_data["status"],
                                             done_on=f.cleaned_data["done_on"], reason=f.cleaned_data["reason"]),
        success=_("已更新措施状态。"), redirect_to=measure.plan.get_absolute_url(), template="assistance/form_page.html",
        context={"title": _("措施进展：%(d)s") % {"d": measure.description}, "back": measure.plan.get_absolute_url(),
                 "nav_active": "plans"})


# --- worklist and visits ----------------------------------------------------------------------

@require(Cap.RECORD_VISIT)
def worklist(request):
    user = request.user
    year = _year(request, user)
    area = request.GET.get("area", "")
    overdue_only = request.GET.get("overdue") == "1"
    qs = selectors.worklist(user, area=area, year=year, overdue_only=overdue_only, q=request.GET.get("q", ""))
    page, query = paginate(request, qs)
    registry_selectors.attach_heads(page.object_list)
    selectors.mark_overdue(page.object_list)
    return render(request, "assistance/worklist.html", {
        "page_obj": page, "query": query, "year": year, "overdue_only": overdue_only, "q": request.GET.get("q", ""),
        "days": selectors.overdue_days(), "nav_active": "worklist", "today": clock.today(),
        "left_out": selectors.worklist_left_out(user)})


@require(Cap.RECORD_VISIT)
def visit_new(request, pk):
    household = registry_selectors.get_household(request.user, pk)
    form = forms.VisitForm(request.POST or None, request.FILES or None, initial={"visited_on": clock.today()})

    def perform(f):
        photos = [(upload.name, upload.read()) for upload in f.cleaned_data["photos"]]
        actions.record_visit(actor=request.user, household=household, visited_on=f.cleaned_data["visited_on"],
                             notes=f.cleaned_data["notes"], findings=f.cleaned_data["findings"],
                             actions_taken=f.cleaned_data["actions_taken"], photos=photos)

    heads = registry_selectors.attach_heads([household])
    return form_action(
        request, form, perform, success=_("已登记走访。"),
        redirect_to=next_url(request, "assistance:worklist"),
        template="assistance/visit_new.html",
        context={"household": household, "head_name": heads[0].head_name, "nav_active": "worklist"})


@require(Cap.VIEW_ASSISTANCE)
def visit_list(request):
    user = request.user
    household = None
    if request.GET.get("household"):
        household = registry_selectors.get_household(user, int(request.GET["household"]))
    page, query = paginate(request, selectors.visits(user, area=request.GET.get("area", ""), household=household))
    registry_selectors.attach_heads([v.household for v in page.object_list])  # 户主 and village names
    return render(request, "assistance/visit_list.html", {"page_obj": page, "query": query, "household": household,
                                                          "nav_active": "worklist"})


@require(Cap.VIEW_ASSISTANCE)
def photo(request, pk):
    photo = selectors.get_photo(request.user, pk)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
