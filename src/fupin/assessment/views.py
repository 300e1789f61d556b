"""Pages of the exit assessment (三率一度): samples, drawing one, the four figures, the sampled
households and their surveys (on a phone). Thin: they parse, call a selector or an action, render."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.accounts.roles import Cap
from fupin.assessment import actions, forms, selectors, workbook
from fupin.assessment.models import Frame
from fupin.core import clock
from fupin.core.scope import home_county, scope_for
from fupin.core.views import attachment, paginate, require
from fupin.divisions.models import Division, Level


@require(Cap.VIEW_ASSESSMENT)
def index(request):
    user = request.user
    county = home_county(user)
    form = None
    if user.can(Cap.MANAGE_ASSESSMENT) and county:
        townships = Division.objects.filter(parent_code=county, level=Level.TOWNSHIP).served().order_by("code")
        form = forms.DrawForm(request.POST or None, townships=townships, initial={"year": clock.today().year})
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                sample = actions.draw_sample(actor=user, county_code=county, year=d["year"], sizes=form.sizes(),
                                             seed=d.get("seed"), name=d.get("name") or "")
            except (ValidationError, PermissionDenied) as exc:
                form.add_action_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            else:
                messages.success(request, _("已抽取样本 %(n)d 户。") % {"n": sample.items.count()})
                return redirect(sample)
    return render(request, "assessment/index.html", {
        "samples": selectors.samples(user)[:50], "form": form, "nav_active": "assessment"})


@require(Cap.VIEW_ASSESSMENT)
def sample(request, pk):
    user = request.user
    found = selectors.get_sample(user, pk)
    failed = selectors.failed_surveys(user, found)
    names = dict(Division.objects.filter(code__in=list(found.sizes or {})).values_list("code", "name"))
    return render(request, "assessment/sample.html", {
        "sample": found, "progress": selectors.progress(user, found), "figures": selectors.figures(user, found),
        "failed": failed[:200], "to_convert": failed.filter(clue__isnull=True).count(),
        "sizes": [(names.get(code, code), per.get("exited", 0), per.get("registered", 0), per.get("non_registered", 0))
                  for code, per in sorted((found.sizes or {}).items()) if scope_for(user).contains_code(code)],
        "can_manage": user.can(Cap.MANAGE_ASSESSMENT),
        "can_survey": user.can(Cap.SURVEY), "nav_active": "assessment"})


@require(Cap.VIEW_ASSESSMENT)
def sample_items(request, pk):
    user = request.user
    found = selectors.get_sample(user, pk)
    frame = request.GET.get("frame", "")
    pending = request.GET.get("pending") == "1"
    page, query = paginate(request, selectors.items(user, found, frame=frame, pending=pending))
    names = dict(Division.objects.filter(code__in={i.division_code for i in page}).values_list("code", "name"))
    return render(request, "assessment/items.html", {
        "sample": found, "page_obj": page, "query": query, "frame": frame, "pending": pending, "names": names,
        "frames": Frame.choices, "can_survey": user.can(Cap.SURVEY), "nav_active": "assessment"})


@require(Cap.SURVEY)
def survey(request, pk):
    user = request.user
    item = selectors.get_item(user, pk)
    existing = getattr(item, "survey", None) if hasattr(item, "survey") else None
    initial = {"surveyor": user.full_name or user.username, "surveyed_on": clock.today()}
    if existing is not None:
        initial = {f: getattr(existing, f) for f in actions.ANSWERS}
        for f in ("wrongly_exited", "missed", "approves"):
            initial[f] = "" if initial[f] is None else ("1" if initial[f] else "0")
    form = forms.SurveyForm(request.POST or None, frame=item.frame, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_survey(actor=user, item=item, values=form.values())
        except (ValidationError, PermissionDenied) as exc:
            form.add_action_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("已登记第 %(n)s 号样本的调查。") % {"n": item.order})
            following = selectors.items(user, item.sample, pending=True).exclude(pk=item.pk).first()
            return redirect("assessment:survey", pk=following.pk) if following else redirect(item.sample)
    return render(request, "assessment/survey.html", {
        "item": item, "form": form, "head": selectors.head_of(item), "existing": existing,
        "village": Division.objects.filter(code=item.division_code).values_list("name", flat=True).first(),
        "nav_active": "assessment"})


@require_POST
@require(Cap.MANAGE_ASSESSMENT)
def findings(request, pk):
    found = selectors.get_sample(request.user, pk)
    try:
        n = actions.findings_to_clues(actor=request.user, sample=found)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("已转为风险线索 %(n)d 条，请相关村核实后办理识别或返贫程序。") % {"n": n})
    return redirect(found)


@require_POST
@require(Cap.MANAGE_ASSESSMENT)
def close(request, pk):
    found = selectors.get_sample(request.user, pk)
    actions.close_sample(actor=request.user, sample=found)
    messages.success(request, _("已结束这次考核评估。"))
    return redirect(found)


@require(Cap.VIEW_ASSESSMENT)
def survey_workbook(request, pk):
    found = selectors.get_sample(request.user, pk)
    out = io.BytesIO()
    workbook.write(out, request.user, found)
    return attachment(out.getvalue(), f"入户调查表-{found.name}.xlsx")


@require(Cap.SURVEY)
def survey_upload(request, pk):
    user = request.user
    found = selectors.get_sample(user, pk)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    loaded = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            loaded = workbook.load(actor=user, sample=found, name=upload.name, data=upload.read())
        except (ValidationError, PermissionDenied) as exc:
            form.add_action_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            if not loaded.problems.height:
                messages.success(request, _("调查表已导入：登记或更正调查 %(n)d 户。") % {"n": loaded.upload.changed})
                return redirect(found)
    return render(request, "assessment/upload.html", {
        "sample": found, "form": form, "upload": loaded.upload if loaded else None,
        "problem_count": loaded.problems.height if loaded else 0,
        "problems": list(loaded.problems.head(200).iter_rows()) if loaded else [],
        "uploads": selectors.uploads(user, found)[:10], "nav_active": "assessment"})


@require(Cap.SURVEY)
def upload_report(request, pk):
    upload = selectors.get_upload(request.user, pk)
    if not upload.report:
        raise Http404
    return FileResponse(upload.report.open("rb"), as_attachment=True,
                        filename=f"错误报告-{upload.file_name.rsplit('.', 1)[0]}.xlsx")
