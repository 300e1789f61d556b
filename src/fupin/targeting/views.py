"""Pages of 精准识别: rule sets, runs with their progress, results, MPI, villages and comparisons."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.accounts.roles import Cap
from fupin.core.scope import home_county, root_code, scope_for
from fupin.core.views import form_action, paginate, require
from fupin.divisions.models import Division, Level
from fupin.insights.indicators import default_year
from fupin.targeting import actions, forms, indicators, selectors
from fupin.targeting.models import IdentificationRun, RuleSet, RunStatus
from fupin.targeting.params import LOCAL_RULES


@require(Cap.VIEW_TARGETING)
def index(request):
    rule_sets = RuleSet.objects.visible_to(request.user).order_by("-year", "-region_code", "-version")
    runs = selectors.visible_runs(request.user)[:30]
    county = home_county(request.user)
    form = None
    if request.user.can(Cap.MANAGE_RULES) and county:
        form = forms.StartRunForm(rule_sets=RuleSet.objects.visible_to(request.user))
    return render(request, "targeting/index.html", {
        "rule_sets": rule_sets, "runs": runs, "form": form, "county": county, "nav_active": "targeting",
    })


@require(Cap.VIEW_TARGETING)
def rule_set_detail(request, pk):
    rule_set = get_object_or_404(RuleSet.objects.visible_to(request.user), pk=pk)
    county = home_county(request.user)
    can_manage = request.user.can(Cap.MANAGE_RULES)
    return render(request, "targeting/rule_set_detail.html", {
        "rule_set": rule_set, "groups": forms.GROUPS, "weights": rule_set.weights,
        "indicators": indicators.INDICATORS, "local_rules": LOCAL_RULES,
        "gap_tests": "、".join(str(label) for key, label in forms.GAP_CHOICES
                               if key in (rule_set.gap_tests or "").split(",")),
        "exit_items": "、".join(str(label) for key, label in forms.EXIT_ITEM_CHOICES
                                if key in (rule_set.village_exit_items or "").split(",")),
        "can_edit": can_manage and not rule_set.is_locked and rule_set.region_code and
        scope_for(request.user).contains_code(rule_set.region_code),
        "can_copy": can_manage and bool(county), "county": county,
        "can_run": can_manage and bool(county), "runs": rule_set.runs.order_by("-created_at")[:10],
        "nav_active": "targeting",
    })


@require(Cap.MANAGE_RULES)
def rule_set_edit(request, pk):
    rule_set = get_object_or_404(RuleSet.objects.visible_to(request.user), pk=pk)
    return form_action(
        request, forms.RuleSetForm(request.POST or None, instance=rule_set),
        lambda form: actions.update_rule_set(actor=request.user, rule_set=rule_set, changes=form.changes()),
        success=_("已保存识别规则。"), redirect_to=reverse("targeting:rule_set_detail", args=[rule_set.pk]),
        template="targeting/rule_set_form.html", context={"rule_set": rule_set, "nav_active": "targeting"})


@require_POST
@require(Cap.MANAGE_RULES)
def rule_set_copy(request, pk):
    source = get_object_or_404(RuleSet.objects.visible_to(request.user), pk=pk)
    year = int(request.POST.get("year") or source.year)
    copy = actions.copy_rule_set(actor=request.user, source=source, region_code=home_county(request.user), year=year)
    messages.success(request, _("已复制为 %(r)s（草稿），修改后可试算或发布。") % {"r": copy})
    return redirect("targeting:rule_set_edit", pk=copy.pk)


@require_POST
@require(Cap.MANAGE_RULES)
def rule_set_publish(request, pk):
    rule_set = get_object_or_404(RuleSet.objects.visible_to(request.user), pk=pk)
    try:
        actions.publish_rule_set(actor=request.user, rule_set=rule_set)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已发布 %(r)s。") % {"r": rule_set})
    return redirect("targeting:rule_set_detail", pk=rule_set.pk)


@require_POST
@require(Cap.MANAGE_RULES)
def run_start(request):
    rule_set = get_object_or_404(RuleSet.objects.visible_to(request.user), pk=request.POST.get("rule_set"))
    dry_run = request.POST.get("dry_run") in ("1", "on", "true")
    area = request.POST.get("area") or home_county(request.user)
    try:
        run = actions.start_run(actor=request.user, area_code=area, year=rule_set.year, rule_set=rule_set,
                                dry_run=dry_run)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("targeting:rule_set_detail", pk=rule_set.pk)
    return redirect("targeting:run_detail", pk=run.pk)


def _baseline(run: IdentificationRun) -> IdentificationRun | None:
    """What a run is compared with by default: the latest official run of its year and area."""
    return (IdentificationRun.objects.filter(county_code=run.county_code, area_code=run.area_code, year=run.year,
                                             dry_run=False, status=RunStatus.DONE)
            .exclude(pk=run.pk).order_by("-finished_at", "-pk").first())


@require(Cap.VIEW_TARGETING)
def run_detail(request, pk):
    run = selectors.get_run(request.user, pk)
    context = {"run": run, "nav_active": "targeting", "job": run.job, "summary": run.summary}
    if run.status == RunStatus.DONE:
        if not scope_for(request.user).contains_code(run.area_code):  # a township's share of the county's run
            context["summary"] = selectors.summarize(run, request.user)
            context["scoped"] = True
        baseline = _baseline(run)
        context["baseline"] = baseline
        if baseline is not None:
            context["diff"] = selectors.compare(baseline, run, user=request.user)
        context["others"] = selectors.visible_runs(request.user).filter(
            county_code=run.county_code, status=RunStatus.DONE).exclude(pk=run.pk)[:20]
        if not run.dry_run:
            context["register"] = selectors.register_differences(request.user, run)
        if selectors.scale_of(run.area_code, run.year) is not None:  # 规模: the run against it
            overview = selectors.scale_overview(request.user, run.area_code, run.year)
            found = context["summary"]
            people = found.get("poor_people", 0)
            scale = overview["own"]["scale"]
            context["scale"] = {"scale": scale, "people": people, "over": people > scale.poor_people,
                                "children": [c for c in overview["children"] if c["run_over"]]}
    return render(request, "targeting/run_detail.html", context)


@require(Cap.VIEW_TARGETING)
def run_progress(request, pk):
    """The progress bar, polled by htmx; once the run is over the page reloads itself."""
    run = selectors.get_run(request.user, pk)
    if run.status in (RunStatus.DONE, RunStatus.FAILED):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "targeting/_progress.html", {"run": run, "job": run.job})


@require(Cap.VIEW_TARGETING)
def run_results(request, pk):
    run = selectors.get_run(request.user, pk)
    form = forms.ResultFilterForm(request.GET or None)
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    qs = selectors.results(request.user, run, request.GET.get("area", ""))
    if data.get("conclusion"):
        qs = qs.filter(conclusion=data["conclusion"])
    if data.get("monitoring") == "any":
        qs = qs.exclude(monitoring="")
    elif data.get("monitoring"):
        qs = qs.filter(monitoring=data["monitoring"])
    if data.get("degree"):
        qs = qs.filter(degree=data["degree"], conclusion="poor")
    if data.get("failing"):
        qs = qs.filter(**{data["failing"]: False})
    if data.get("mpi_poor"):
        qs = qs.filter(mpi_poor=True)
    ids = request.GET.get("change")
    if ids and run.status == RunStatus.DONE:
        other = selectors.get_run(request.user, int(request.GET.get("base")))
        qs = selectors.compare(other, run, user=request.user)["changes"].get(ids, qs.none())
    page, query = paginate(request, qs.select_related("household").order_by("division_code", "household_id"))
    return render(request, "targeting/run_results.html", {"run": run, "form": form, "page_obj": page,
                                                          "query": query, "nav_active": "targeting"})


@require(Cap.VIEW_TARGETING)
def run_register(request, pk):
    """The run beside the register: households the run would add and take out, with the reason and
    a link to start the procedure (the run proposes; the procedures decide)."""
    run = selectors.get_run(request.user, pk)
    if run.status != RunStatus.DONE:
        return redirect("targeting:run_detail", pk=run.pk)
    which = request.GET.get("list", "add")
    if which not in selectors.REGISTER_LISTS:
        which = "add"
    area = request.GET.get("area", "")
    if area and not (area.isdigit() and scope_for(request.user).contains_code(area)):
        area = ""
    found = selectors.register_differences(request.user, run, area)
    page, query = paginate(request, found["lists"][which].select_related("household")
                           .order_by("division_code", "household_id"))
    from fupin.workflows import procedures

    # who starts the procedures (the first step of identification, relapse and exit: the village)
    starters = {r for kind in ("identify", "reentry", "exit") for r in procedures.procedure(kind).active_steps({})[0].roles}
    return render(request, "targeting/run_register.html", {
        "run": run, "found": found, "which": which, "page_obj": page, "query": query, "area": area,
        "can_start": request.user.role in starters or request.user.is_superuser, "nav_active": "targeting"})


@require(Cap.VIEW_TARGETING)
def run_mpi(request, pk):
    run = selectors.get_run(request.user, pk)
    area = request.GET.get("area") or _default_area(request.user, run)
    division = get_object_or_404(Division.objects.visible_to(request.user), code=area)
    by = {Level.PROVINCE: 4, Level.CITY: 6, Level.COUNTY: 9, Level.TOWNSHIP: 12}.get(division.level, 12)
    persons = request.GET.get("unit") == "persons"
    table = selectors.mpi_table(run, request.user, area, by, persons=persons)
    return render(request, "targeting/run_mpi.html", {
        "run": run, "division": division, "table": table, "persons": persons, "params": run.params,
        "drill": by < 12, "nav_active": "targeting",
    })


def _default_area(user, run: IdentificationRun) -> str:
    """The run's area, or the part of it the user may see."""
    scope = scope_for(user)
    if scope.contains_code(run.area_code):
        return run.area_code
    inside = scope.narrowed(run.area_code).prefixes
    return inside[0] if inside else run.area_code


@require(Cap.VIEW_TARGETING)
def run_villages(request, pk):
    run = selectors.get_run(request.user, pk)
    villages = selectors.village_results(request.user, run)
    if request.GET.get("suggested") == "1":
        villages = villages.filter(Q(suggest_poor_village=True) | Q(high_incidence=True))
    names = dict(Division.objects.filter(code__in=villages.values("division_code")).values_list("code", "name"))
    page, query = paginate(request, villages, per_page=50)
    for v in page.object_list:
        v.name = names.get(v.division_code, v.division_code)
    return render(request, "targeting/run_villages.html", {"run": run, "page_obj": page, "query": query,
                                                           "nav_active": "targeting"})


@require(Cap.VIEW_TARGETING)
def run_compare(request, pk, other):
    run = selectors.get_run(request.user, pk)
    base = selectors.get_run(request.user, other)
    diff = selectors.compare(base, run, user=request.user)
    samples = {name: list(qs.select_related("household").order_by("division_code")[:50])
               for name, qs in diff["changes"].items()}
    return render(request, "targeting/run_compare.html", {"run": run, "base": base, "diff": diff,
                                                          "samples": samples, "nav_active": "targeting"})


@require(Cap.VIEW_TARGETING)
def _year_param(request, *, default: int) -> int:
    """``?year=`` as a year (400 when it is not one), else ``default``."""
    from django.core.exceptions import BadRequest

    value = request.GET.get("year") or ""
    if not value:
        return default
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise BadRequest(_("年度应为 2000 至 2100 之间的四位数。"))
    return int(value)


def scale(request):
    """规模控制: an area's scale beside the register and the year's run, its child areas, and (for the
    county administrator) the form that sets the county's scale and splits it."""
    user = request.user
    county = home_county(user)
    root = root_code(user)
    # a township's (or village's) own township; a prefecture's or province's office its own area
    own = root[:9] if len(root) >= 9 else (county or (root if len(root) in (2, 4) else ""))
    area = request.GET.get("area") or own or ""
    if not area.isdigit() or len(area) not in (2, 4, 6, 9) or not scope_for(user).contains_code(area):
        area = own
    if not area:
        raise Http404
    year = _year_param(request, default=default_year(user, county or area))
    division = get_object_or_404(Division, code=area)
    overview = selectors.scale_overview(user, area, year)
    can_manage = user.can(Cap.MANAGE_RULES)
    form = None
    if can_manage:
        scales = {r["division"].code: r["scale"] for r in overview["children"]}
        scales["own"] = overview["own"]["scale"]
        form = forms.ScaleForm(request.POST or None, own=division.level == Level.COUNTY,
                               children=[r["division"] for r in overview["children"]],
                               village_children=division.level == Level.TOWNSHIP, scales=scales)
        if request.method == "POST" and form.is_valid():
            try:
                actions.save_scales(actor=user, area_code=area, year=year, own=form.own_values(),
                                    children=form.child_values(), note=form.cleaned_data["note"])
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(request, _("已保存 %(y)s 年识别规模。") % {"y": year})
                return redirect(f"{reverse('targeting:scale')}?area={area}&year={year}")
    return render(request, "targeting/scale.html", {
        "overview": overview, "division": division, "year": year, "area": area, "form": form,
        "crumbs": [d for d in Division.objects.filter(code__in=[area[:6], area[:9]]).order_by("code")
                   if scope_for(user).contains_code(d.code) and d.code != area],
        "nav_active": "scale"})


@require(Cap.VIEW_TARGETING)
def village_exit(request):
    """贫困村退出: each poor village's exit test for a year (values and results), the county's incidence
    against its exit threshold, and the village exit procedures under way."""
    from fupin.workflows.models import Case as WorkCase
    from fupin.workflows.procedures import VILLAGE, Kind

    user = request.user
    # the county's test (its own threshold); a prefecture's or province's office chooses among its counties
    counties = list(Division.objects.visible_to(user).filter(level=Level.COUNTY).order_by("code")
                    .values_list("code", "name")) if not home_county(user) else []
    asked = request.GET.get("county", "")
    county = asked if asked in dict(counties) else (home_county(user) or (counties[0][0] if counties else ""))
    if not county:
        raise Http404
    year = _year_param(request, default=default_year(user, county))
    found = selectors.village_exit_tests(user, county, year)
    if not scope_for(user).contains_code(county):
        found["county"] = None  # a township or village sees its villages, not a county figure of its part
    cases = {c.division_code: c for c in WorkCase.objects.visible_to(user).filter(kind=Kind.VILLAGE_EXIT).filter(
        Q(year=year) | Q(status="open")).exclude(status="rejected").order_by("started_at")}
    for row in found["rows"]:
        row["case"] = cases.get(row["division"].code)
    return render(request, "targeting/village_exit.html", {
        "found": found, "year": year, "county": Division.objects.get(code=county),
        "labels": selectors.EXIT_TEST_LABELS, "can_start": user.role in VILLAGE or user.is_superuser,
        "counties": counties, "nav_active": "village_exit"})
