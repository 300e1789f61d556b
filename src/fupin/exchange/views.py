"""Pages of 数据交换: import with progress and error workbook, exports (logged), the blank template,
department data matching (runs, findings, rules)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.accounts.roles import Cap
from fupin.core import audit, csvout
from fupin.core.actions import atomic
from fupin.core.scope import home_county
from fupin.core.views import XLSX, next_url, paginate, require
from fupin.core.views import attachment as _attachment
from fupin.divisions.models import Division, Level
from fupin.exchange import actions, forms, identification, matching, selectors, workbooks
from fupin.exchange.models import FindingStatus, ImportStatus, MatchStatus, Outcome, Source
from fupin.registry import selectors as registry_selectors
from fupin.targeting import selectors as targeting_selectors


def _areas(user) -> list[tuple[str, str]]:
    """The user's areas and, under a county, its townships: what an export or a matching covers."""
    choices = []
    for root in registry_selectors.root_areas(user):
        choices.append((root.code, f"{root.name}（{root.code}）"))
        if root.level == Level.COUNTY:
            for town in Division.objects.filter(parent_code=root.code).order_by("code"):
                choices.append((town.code, f"　{town.name}（{town.code}）"))
    return choices


# --- imports and exports ----------------------------------------------------------------------

@require(Cap.EXPORT_REGISTRY)
def index(request):
    user = request.user
    context = {
        "nav_active": "exchange",
        "export_form": forms.ExportForm(areas=_areas(user), allow_full=user.can(Cap.EXPORT_FULL)),
        "areas": _areas(user),
    }
    if user.can(Cap.IMPORT_REGISTRY):
        context["import_form"] = forms.ImportForm()
        context["batches"] = selectors.import_batches(user)[:15]
    if user.can(Cap.MANAGE_RULES) and home_county(user):
        context["retention_days"] = actions.retention_days(home_county(user))
    return render(request, "exchange/index.html", context)


@require_POST
@require(Cap.MANAGE_RULES)
def retention(request):
    try:
        actions.set_retention_days(actor=request.user, county_code=home_county(request.user),
                                   days=int(request.POST.get("days") or 0))
    except (ValueError, ValidationError) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [_("请填写天数。")])))
    else:
        messages.success(request, _("已保存上传文件的保留期限。"))
    return redirect("exchange:index")


@require(Cap.IMPORT_REGISTRY)
@require_POST
def import_upload(request):
    form = forms.ImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = actions.create_import(actor=request.user, name=upload.name, data=upload.read(),
                                          dry_run=form.cleaned_data["dry_run"], partial=form.cleaned_data["partial"],
                                          sync_members=form.cleaned_data["sync_members"])
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            return redirect("exchange:import_detail", batch.pk)
    return render(request, "exchange/index.html", {
        "nav_active": "exchange", "import_form": form, "batches": selectors.import_batches(request.user)[:15],
        "export_form": forms.ExportForm(areas=_areas(request.user), allow_full=request.user.can(Cap.EXPORT_FULL)),
        "areas": _areas(request.user)}, status=400)


@require(Cap.IMPORT_REGISTRY)
def import_detail(request, pk):
    batch = selectors.get_import(request.user, pk)
    context = {"batch": batch, "job": batch.job, "nav_active": "exchange", "c": batch.counts}
    if batch.status != ImportStatus.RUNNING and batch.problem_count:
        problems = actions.problems_frame(batch)
        context["problems"] = list(problems.head(500).iter_rows())
        context["problems_more"] = max(0, problems.height - 500)
    return render(request, "exchange/import_detail.html", context)


@require(Cap.IMPORT_REGISTRY)
def import_progress(request, pk):
    batch = selectors.get_import(request.user, pk)
    return _progress(request, batch, batch.status == ImportStatus.RUNNING)


def _progress(request, record, running: bool):
    """The progress bar, polled by htmx; once the work is over the page reloads itself."""
    if not running or (record.job and record.job.status == "failed"):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "exchange/_progress.html", {"job": record.job, "url": request.path})


@require(Cap.IMPORT_REGISTRY)
def import_report(request, pk):
    batch = selectors.get_import(request.user, pk)
    if not batch.report:
        return redirect("exchange:import_detail", pk)
    return FileResponse(batch.report.open("rb"), as_attachment=True,
                        filename=f"错误报告-{batch.file_name.rsplit('.', 1)[0]}.xlsx", content_type=XLSX)


@require(Cap.IMPORT_REGISTRY)
def blank_template(request):
    out = io.BytesIO()
    workbooks.blank_template(out)
    return _attachment(out.getvalue(), "户籍成员明细表-模板.xlsx")


@require(Cap.EXPORT_REGISTRY)
def export_households(request):
    user = request.user
    form = forms.ExportForm(request.GET or None, areas=_areas(user), allow_full=user.can(Cap.EXPORT_FULL))
    if not form.is_valid():
        return render(request, "exchange/index.html", {
            "nav_active": "exchange", "export_form": form, "areas": _areas(user),
            "import_form": forms.ImportForm() if user.can(Cap.IMPORT_REGISTRY) else None,
            "batches": selectors.import_batches(user)[:15]}, status=400)
    data = form.cleaned_data
    full = bool(data.get("full"))
    area, fmt = data["area"], data["file_format"]
    table = workbooks.household_rows(selectors.households(user, area), year=data.get("year"), masked=not full)
    actions.record_export(actor=user, what="households", area_code=area, full=full, count=table.height,
                          file_format=fmt)
    out = io.BytesIO()
    workbooks.write_households(out, table, fmt)
    name = f"户籍成员明细表-{area}{'-完整' if full else ''}.{fmt}"
    return _attachment(out.getvalue(), name, XLSX if fmt == "xlsx" else "text/csv; charset=utf-8")


@require(Cap.EXPORT_REGISTRY)
def export_villages(request):
    area = request.GET.get("area", "")
    if area:
        registry_selectors.visible_division(request.user, area)  # 404 outside the user's area
    divisions = list(selectors.villages(request.user, area))
    actions.record_export(actor=request.user, what="villages", area_code=area, full=False, count=len(divisions),
                          file_format="xlsx")
    out = io.BytesIO()
    workbooks.village_registers(out, divisions)
    return _attachment(out.getvalue(), f"村册-{area or '全部'}.xlsx")


@require(Cap.EXPORT_REGISTRY)
def export_card(request, pk):
    household = registry_selectors.get_household(request.user, pk)
    full = request.GET.get("full") == "1"
    actions.record_export(actor=request.user, what="card", area_code=household.division_id, full=full, count=1,
                          file_format="xlsx")
    out = io.BytesIO()
    workbooks.household_card(out, household, masked=not full)
    return _attachment(out.getvalue(), f"户卡-{household.household_code}.xlsx")


@require(Cap.VIEW_TARGETING)
def identification_export(request, run_pk, fmt="csv"):
    """A run's results as xlsx (the page's default: 户编号 stay text) or as UTF-8 CSV."""
    run = targeting_selectors.get_run(request.user, run_pk)
    results = targeting_selectors.results(request.user, run)
    with atomic():
        audit.record(actor=request.user, verb="export.identification", object_type="targeting.identificationrun",
                     object_id=run.pk, county_code=run.county_code, division_code=run.area_code,
                     summary=f"导出识别结果 #{run.pk}（{run.year} 年）")
    if fmt == "xlsx":
        import tempfile

        handle = tempfile.TemporaryFile()
        identification.write_xlsx(handle, run, results)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=f"识别结果-{run.year}-{run.pk}.xlsx",
                            content_type=XLSX)

    def stream():
        yield "\ufeff"
        buffer = io.StringIO()
        writer = csvout.writer(buffer)
        writer.writerow(identification.HEADER)
        for row in identification.rows(run, results):
            writer.writerow(row)
            if buffer.tell() > 64_000:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="identification-{run.year}-{run.pk}.csv"'
    return response


# --- department matching ----------------------------------------------------------------------

def _sources(user) -> list[str]:
    return [v for v in Source.values if actions.may_match(user, v)]


@require(Cap.VIEW_MATCHES)
def matching_index(request):
    user = request.user
    runs = selectors.match_runs(user)
    page, query = paginate(request, runs, per_page=20)
    context = {"nav_active": "matching", "page": page, "query": query,
               "open_counts": selectors.open_finding_counts(user)}
    if user.can(Cap.MATCH_DATA) and _sources(user):
        context["form"] = forms.MatchForm(sources=_sources(user), areas=_areas(user),
                                          initial={"source": request.GET.get("source", "")})
        context["lists"] = [(v, label, matching.LISTS[v]) for v, label in Source.choices
                            if v in _sources(user)]
    return render(request, "exchange/matching_index.html", context)


@require(Cap.MATCH_DATA)
@require_POST
def match_upload(request):
    user = request.user
    form = forms.MatchForm(request.POST, request.FILES, sources=_sources(user), areas=_areas(user))
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = actions.create_match(actor=user, source=form.cleaned_data["source"], name=upload.name,
                                       data=upload.read(), area_code=form.cleaned_data["area"])
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            return redirect("exchange:match_detail", run.pk)
    page, query = paginate(request, selectors.match_runs(user), per_page=20)
    return render(request, "exchange/matching_index.html", {
        "nav_active": "matching", "page": page, "query": query, "form": form,
        "open_counts": selectors.open_finding_counts(user),
        "lists": [(v, label, matching.LISTS[v]) for v, label in Source.choices if v in _sources(user)]},
        status=400)


@require(Cap.VIEW_MATCHES)
def match_detail(request, pk):
    run = selectors.get_match_run(request.user, pk)
    context = {"run": run, "job": run.job, "nav_active": "matching", "c": run.counts,
               "can_resolve": request.user.can(Cap.EDIT_REGISTRY)}
    if run.status == MatchStatus.DONE:
        rules = selectors.rules_of(run)
        form = forms.FindingFilterForm(request.GET or None, rules=rules)
        form.is_valid()
        data = form.cleaned_data if form.is_bound else {}
        findings = selectors.findings(request.user, run=run, outcome=data.get("outcome", ""),
                                      status=data.get("status", ""), rule=data.get("rule", ""))
        page, query = paginate(request, findings)
        page.object_list = registry_selectors.attach_labels(page.object_list)  # 户主 and village names
        by_rule = run.counts.get("findings", {})
        context.update(form=form, page=page, query=query,
                       rules=[(r, by_rule.get(str(r.pk), 0)) for r in rules])
    return render(request, "exchange/match_detail.html", context)


@require(Cap.VIEW_MATCHES)
def match_progress(request, pk):
    run = selectors.get_match_run(request.user, pk)
    return _progress(request, run, run.status == MatchStatus.RUNNING)


@require(Cap.MATCH_DATA)
def match_report(request, pk):
    run = selectors.get_match_run(request.user, pk)
    if not run.report:
        return redirect("exchange:match_detail", pk)
    return FileResponse(run.report.open("rb"), as_attachment=True, filename=f"比对未匹配与无效行-{run.pk}.csv",
                        content_type="text/csv; charset=utf-8")


@require(Cap.VIEW_MATCHES)
def findings(request):
    user = request.user
    rules = selectors.visible_rules(user)
    form = forms.FindingFilterForm(request.GET or None, rules=rules,
                                   initial={"status": FindingStatus.OPEN})
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {"status": FindingStatus.OPEN, "outcome": Outcome.DISCREPANCY}
    qs = selectors.findings(user, area=request.GET.get("area", ""), outcome=data.get("outcome", ""),
                            status=data.get("status", ""), rule=data.get("rule", ""))
    page, query = paginate(request, qs)
    page.object_list = registry_selectors.attach_labels(page.object_list)  # 户主 and village names
    return render(request, "exchange/findings.html", {
        "nav_active": "findings", "form": form, "page": page, "query": query,
        "can_resolve": user.can(Cap.EDIT_REGISTRY), "resolve_form": forms.ResolveForm()})


@require(Cap.EDIT_REGISTRY)
def finding_resolve(request, pk):
    finding = selectors.get_finding(request.user, pk)
    form = forms.ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.resolve_finding(actor=request.user, finding=finding, status=form.cleaned_data["status"],
                                    note=form.cleaned_data["note"])
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("已记录核实结果。"))
            return redirect(_safe_next(request) or "exchange:findings")
    return render(request, "exchange/finding_resolve.html", {"finding": finding, "form": form,
                                                             "next": _safe_next(request), "nav_active": "findings"})


def _safe_next(request) -> str:
    """Where to go back to: a path on this site only ('' when none)."""
    target = next_url(request, "/")
    return "" if target == "/" and not (request.POST.get("next") or request.GET.get("next")) else target


@require(Cap.VIEW_MATCHES)
def rules(request):
    user = request.user
    county = home_county(user)
    rows = matching.ensure_rules(county) if county else []
    can_edit = user.can(Cap.MATCH_DATA) and user.role != "department"
    return render(request, "exchange/rules.html", {
        "nav_active": "matching", "rules": [(r, rule_text(r)) for r in rows if r.kind in matching.KINDS],
        "can_edit": can_edit, "county": county})


# Which code list a rule's "grades" are of (a disability certificate's, a house's).
GRADE_CODES = {"severe_disability": "DisabilityGrade", "unsafe_house": "HouseGrade"}


def rule_text(rule) -> dict:
    """A matching rule in words: its explanation with the parameters' values in place of their names,
    each parameter with its label, and the household types by their names (no codes, no list syntax)."""
    from fupin.registry import codes

    kind = matching.KINDS[rule.kind]

    def shown(key, value):
        if isinstance(value, list | tuple):
            names = dict(getattr(codes, GRADE_CODES[rule.kind]).choices) if key == "grades" and \
                rule.kind in GRADE_CODES else {}
            return "、".join(str(names.get(str(v), v)) for v in value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f"{value:,}"
        return str(value)

    params = {**kind.params, **(rule.params or {})}
    help_text = str(kind.help)
    for key in sorted(params, key=len, reverse=True):
        help_text = help_text.replace(key, shown(key, params[key]))
    types = dict(codes.HouseholdType.choices)
    return {"help": help_text,
            "params": [(forms.PARAM_LABELS.get(k, k), shown(k, v)) for k, v in params.items()],
            "types": "、".join(str(types.get(t, t)) for t in rule.household_types or [])}


@require(Cap.MATCH_DATA)
def rule_edit(request, pk):
    rule = get_object_or_404(selectors.visible_rules(request.user), pk=pk)
    kind = matching.KINDS[rule.kind]
    form = forms.RuleForm(request.POST or None, rule=rule, kind=kind, initial=forms.RuleForm.initial_for(rule))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_rule(actor=request.user, rule=rule, enabled=form.cleaned_data["enabled"],
                                params=form.params(), household_types=form.cleaned_data["household_types"],
                                risk=form.cleaned_data.get("risk", ""))
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("比对规则已保存。"))
            return redirect("exchange:rules")
    return render(request, "exchange/rule_form.html", {"rule": rule, "kind": kind, "form": form,
                                                       "nav_active": "matching"})


# --- the national monitoring system -----------------------------------------------------------

@require(Cap.EXPORT_FULL)
def national(request):
    user = request.user
    county = home_county(user)
    from fupin.insights.indicators import default_year

    form = forms.NationalExportForm(request.POST or None, initial={"year": default_year(user, county or "")})
    if request.method == "POST" and form.is_valid():
        try:
            batch = actions.export_national(actor=user, county_code=county, year=form.cleaned_data["year"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_action_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("已导出报送表：%(n)d 户。") % {"n": batch.households})
            return redirect(batch)
    from fupin.exchange import national as national_module

    return render(request, "exchange/national.html", {
        "form": form, "batches": selectors.national_batches(user)[:30], "nav_active": "national",
        "columns": national_module.column_map(county) if county else [],
        "runs": selectors.match_runs(user).filter(source=Source.NATIONAL)[:10]})


@require(Cap.EXPORT_FULL)
def national_columns(request):
    from fupin.exchange import national as national_module

    user = request.user
    county = home_county(user)
    form = forms.NationalColumnsForm(request.POST or None, columns=national_module.column_map(county))
    if request.method == "POST" and request.POST.get("reset"):
        form = forms.NationalColumnsForm(None, columns=national_module.default_columns())
    elif request.method == "POST" and form.is_valid():
        try:
            actions.save_national_columns(actor=user, county_code=county, columns=form.columns())
        except (ValidationError, PermissionDenied) as exc:
            form.add_action_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("已保存列对照。"))
            return redirect("exchange:national")
    return render(request, "exchange/national_columns.html", {"form": form, "nav_active": "national"})


@require(Cap.EXPORT_FULL)
def national_detail(request, pk):
    batch = selectors.get_national(request.user, pk)
    waiting = request.GET.get("waiting") == "1"
    page, query = paginate(request, selectors.national_items(request.user, batch, waiting=waiting))
    return render(request, "exchange/national_detail.html", {
        "batch": batch, "page_obj": page, "query": query, "waiting": waiting, "nav_active": "national",
        "waiting_count": selectors.national_items(request.user, batch, waiting=True).count()})


@require(Cap.EXPORT_FULL)
def national_file(request, pk):
    batch = selectors.get_national(request.user, pk)
    actions.record_national_download(actor=request.user, batch=batch)
    return FileResponse(batch.file.open("rb"), as_attachment=True, filename=batch.file.name.rsplit("/", 1)[-1])


@require_POST
@require(Cap.EXPORT_FULL)
def national_confirm(request, pk):
    """The county has entered the batch in the national system: every monitoring case it carried that
    waits at 录入全国防返贫监测系统 passes that step, recording the batch."""
    from fupin.workflows import actions as workflows
    from fupin.workflows.models import Outcome

    batch = selectors.get_national(request.user, pk)
    done = 0
    for item in selectors.national_items(request.user, batch, waiting=True):
        try:
            workflows.act(actor=request.user, case=item.case, outcome=Outcome.PASS,
                          note=request.POST.get("note") or _("已录入全国防返贫监测系统（报送批次 #%(n)s）") % {"n": batch.pk},
                          data={"export_batch": batch.pk})
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, f"{item.household.household_code}：{' '.join(getattr(exc, 'messages', [str(exc)]))}")
    if done:
        messages.success(request, _("已确认录入 %(n)d 户，监测识别程序办结。") % {"n": done})
    return redirect(batch)
