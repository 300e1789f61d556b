"""Pages of the procedures: tasks, case lists with bulk actions, the case page, democratic reviews,
public notices (printable page and PDF), objections, risk clues and the working year."""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.accounts.roles import Cap, Role
from fupin.core import clock
from fupin.core.forms import errors_text
from fupin.core.scope import scope_for
from fupin.core.views import next_url, paginate, require
from fupin.divisions.codes import child_width
from fupin.divisions.models import Division, Level
from fupin.registry import codes
from fupin.registry import selectors as registry_selectors
from fupin.workflows import actions, forms, pdf, procedures, selectors
from fupin.workflows.models import (
    CaseStatus,
    ClueStatus,
    DemocraticReview,
    Document,
    NoticeStatus,
    Objection,
    Outcome,
    RiskClue,
    WorkYear,
)


def _messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@require(Cap.VIEW_REGISTRY)
def tasks(request):
    user = request.user
    items = selectors.my_tasks(user)
    prefixes = scope_for(user).prefixes
    area = prefixes[0] if len(prefixes) == 1 else ""
    overview = None
    if user.role in (Role.COUNTY_ADMIN, Role.TOWNSHIP_CADRE, Role.AUDITOR, Role.SUPERVISOR) and area and len(area) <= 9:
        overview = selectors.overdue_counts(user, area, child_width(area))
    return render(request, "workflows/tasks.html", {"tasks": items, "overview": overview, "today": clock.today(),
                                                    "nav_active": "tasks"})


@require(Cap.VIEW_REGISTRY)
def case_list(request):
    form = forms.CaseFilterForm(request.GET or None, initial={"status": "open"})
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {"status": "open"}
    area = request.GET.get("area", "")
    qs = selectors.cases(request.user, area)
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("step"):
        qs = qs.filter(step=data["step"])
    if data.get("overdue"):
        today = clock.today()
        qs = qs.filter(status=CaseStatus.OPEN).filter(Q(step_due__lt=today) | Q(due__lt=today))
    from fupin.registry.selectors import division_name, head_name

    page, query = paginate(request, qs.annotate(head=head_name("household_id"), village=division_name())
                           .order_by("step_due", "pk"))
    # Bulk actions work on one village, one procedure and one step at a time.
    bulk = None
    if area and len(area) == 12 and data.get("kind") and data.get("step"):
        step = procedures.procedure(data["kind"]).step(data["step"])
        if request.user.role in step.roles:
            bulk = step
    return render(request, "workflows/case_list.html", {
        "form": form, "page_obj": page, "query": query, "area": area, "bulk": bulk, "today": clock.today(),
        "nav_active": "cases", "kinds": procedures.PROCEDURES.values(),
    })


@require_POST
@require(Cap.VIEW_REGISTRY)
def case_bulk(request):
    """Pass (or post a notice for) every selected case of one village at one step."""
    ids = [int(i) for i in request.POST.getlist("case") if i.isdigit()]
    chosen = list(selectors.cases(request.user).filter(pk__in=ids, status=CaseStatus.OPEN))
    if not chosen:
        messages.error(request, _("请选择要办理的户。"))
        return redirect(next_url(request, "workflows:case_list"))
    step = chosen[0].current_step
    if step.notice:
        return redirect(reverse("workflows:notice_new") + "?" + "&".join(f"case={c.pk}" for c in chosen))
    done = 0
    for case in chosen:
        try:
            actions.act(actor=request.user, case=case, outcome=Outcome.PASS, note=request.POST.get("note", ""),
                        expected_step=request.POST.get("step") or None)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, f"{case.subject_label}：{' '.join(getattr(exc, 'messages', [str(exc)]))}")
    if done:
        messages.success(request, _("已批量办理 %(n)d 户。") % {"n": done})
    return redirect(next_url(request, "workflows:case_list"))


@require(Cap.VIEW_REGISTRY)
def case_new(request):
    household = registry_selectors.get_household(request.user, int(request.GET.get("household", 0)))
    if household.is_active and not actions.may_start(request.user, household):
        raise PermissionDenied(_("您不能为该户发起程序。"))
    form = forms.StartCaseForm(request.POST or None, initial={"kind": request.GET.get("kind", "identify")},
                               county_code=household.county_code)

    def perform(form):
        d = form.cleaned_data
        data = {}
        if d["kind"] == procedures.Kind.REENTRY:
            data["target"] = d.get("target")
        if d["kind"] == procedures.Kind.MONITOR:
            data["monitoring_type"] = d.get("monitoring_type")
            data["risk_types"] = d.get("risk_types") or []
        form.case = actions.start_case(actor=request.user, household=household, kind=d["kind"], note=d["note"],
                                       options={"cross_check": d.get("cross_check"), "pre_exit": d.get("pre_exit")},
                                       data=data)

    if request.method == "POST" and form.is_valid():
        try:
            perform(form)
        except (ValidationError, PermissionDenied) as exc:
            form.add_action_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("已发起：%(c)s") % {"c": form.case})
            return redirect(form.case)
    risk = household.household_type == codes.HouseholdType.MONITORED
    return render(request, "workflows/case_new.html", {
        "form": form, "household": household, "nav_active": "cases",
        "blockers": actions.exit_blockers(household) if household.household_type == codes.HouseholdType.POOR else [],
        "risk_blockers": actions.risk_clear_blockers(household) if risk else []})


@require(Cap.VIEW_REGISTRY)
def case_detail(request, pk):
    return _case_page(request, selectors.get_case(request.user, pk))


def _case_page(request, case, form=None):
    """The case's page; after a refused step, with the step form as typed and the errors in it."""
    step = case.current_step if case.is_open else None
    reviews = DemocraticReview.objects.filter(division_code=case.division_code).order_by("-held_on")[:20]
    can_act = step is not None and (request.user.role in step.roles or request.user.is_superuser) and \
        request.user.can(Cap.VIEW_REGISTRY)
    roles = {r for s in case.procedure.steps for r in s.roles}
    can_upload = case.is_open and (request.user.role in roles or request.user.is_superuser)
    return render(request, "workflows/case_detail.html", {
        "case": case, "step": step, "steps": case.procedure.active_steps(case.options),
        "history": case.steps.select_related("actor").order_by("acted_at", "pk"),
        "documents": case.documents.order_by("uploaded_at"), "objections": case.objections.order_by("raised_on"),
        "notices": case.notices.order_by("posted_on"), "form": form or forms.StepForm(reviews=reviews),
        "document_form": forms.DocumentForm(), "can_act": can_act, "can_upload": can_upload, "today": clock.today(),
        "step_roles": "、".join(str(dict(procedures.Role.choices)[r]) for r in step.roles) if step else "",
        "village_name": registry_selectors.village_labels([case.division_code]).get(case.division_code, "")
        if case.household_id else "",
        "head": case.household.members.filter(relation="head", status="active").values_list("name", flat=True).first()
        if case.household_id else "",
        "posted": case.notices.filter(step=case.step, status=NoticeStatus.POSTED).first() if step else None,
        "conditions": _conditions(case) if step else None,
        "scale_warnings": actions.scale_warnings(case) if step and step.key == "county_approval" else [],
        "national_batch": _national_batch(case, step),
        "monitoring": _monitoring(case),
        "nav_active": "cases",
    })


def _monitoring(case) -> dict | None:
    """What a monitoring case says it will record: the monitoring type and the risk types."""
    if case.kind != procedures.Kind.MONITOR:
        return None
    from fupin.core.display import display_value
    from fupin.registry.models import Household

    return {"type": display_value(Household, "monitoring_type", case.data.get("monitoring_type")),
            "risks": display_value(Household, "risk_types", case.data.get("risk_types"))}


def _national_batch(case, step):
    if step is None or "export_batch" not in step.needs:
        return None
    from fupin.exchange.selectors import batch_of_case

    return batch_of_case(case) or False


def _conditions(case) -> dict | None:
    """The rule-set conditions an open exit or risk-elimination case is checked against at its final
    step, as they stand now (so nobody walks a case to the end to learn it will be refused)."""
    if case.kind == procedures.Kind.EXIT:
        return {"title": _("退出条件"), "blockers": actions.exit_blockers(case.household)}
    if case.kind == procedures.Kind.RISK_CLEAR:
        return {"title": _("风险消除条件"), "blockers": actions.risk_clear_blockers(case.household)}
    if case.kind == procedures.Kind.VILLAGE_EXIT:
        from fupin.targeting.selectors import village_exit_failures

        return {"title": _("贫困村退出条件"), "blockers": village_exit_failures(case.division_code, case.year)}
    return None


@require_POST
@require(Cap.VIEW_REGISTRY)
def village_case_new(request):
    """Start a village's exit procedure (the village committee's application), from the exit page."""
    village = request.POST.get("village", "")
    try:
        case = actions.start_village_case(actor=request.user, village_code=village, note=request.POST.get("note", ""),
                                          year=int(request.POST.get("year") or 0) or None)
    except (ValidationError, PermissionDenied) as exc:
        _messages(request, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        return redirect("targeting:village_exit")
    messages.success(request, _("已发起：%(c)s") % {"c": case})
    return redirect(case)


@require_POST
@require(Cap.VIEW_REGISTRY)
def case_act(request, pk):
    case = selectors.get_case(request.user, pk)
    reviews = DemocraticReview.objects.filter(division_code=case.division_code)
    form = forms.StepForm(request.POST, reviews=reviews.order_by("-held_on")[:20])
    if not form.is_valid():
        return _case_page(request, case, form)
    outcome = request.POST.get("outcome") or Outcome.PASS
    try:
        actions.act(actor=request.user, case=case, outcome=outcome, note=form.cleaned_data["note"],
                    data=form.step_data(case.current_step), expected_step=request.POST.get("step") or None)
    except (ValidationError, PermissionDenied) as exc:
        form.add_action_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        case.refresh_from_db()
        if not case.is_open or case.step != request.POST.get("step", case.step):  # moved on: show it as it is
            _messages(request, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            return redirect(case)
        return _case_page(request, case, form)
    messages.success(request, _("已办理：%(o)s") % {"o": Outcome(outcome).label})
    return redirect(case)


@require_POST
@require(Cap.VIEW_REGISTRY)
def document_add(request, pk):
    case = selectors.get_case(request.user, pk)
    form = forms.DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            actions.add_document(actor=request.user, case=case, kind=form.cleaned_data["kind"], name=upload.name,
                                 content=upload.read())
        except ValidationError as exc:
            _messages(request, exc)
        else:
            messages.success(request, _("已上传材料。"))
    else:
        messages.error(request, errors_text(form))
    return redirect(case)


@require(Cap.VIEW_REGISTRY)
def document_download(request, pk):
    document = get_object_or_404(Document.objects.visible_to(request.user), pk=pk)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name,
                        content_type=document.content_type)


@require(Cap.VIEW_REGISTRY)
def review_new(request):
    """Record a democratic review meeting of a village and the votes on each case before it."""
    division = registry_selectors.visible_division(request.user, request.GET.get("village", ""))
    if division.level != Level.VILLAGE:
        raise PermissionDenied(_("请选择一个村。"))
    waiting = [c for c in selectors.cases(request.user, division.code).filter(status=CaseStatus.OPEN)
               if "minutes" in c.current_step.needs]
    registry_selectors.attach_labels(waiting)
    form = forms.ReviewForm(request.POST or None)
    for case in waiting:  # the votes as typed, shown again if the page comes back with an error
        case.typed = {k: request.POST.get(f"{k}_{case.pk}", "").strip() for k in ("for", "against", "abstain")}
    if request.method == "POST" and form.is_valid():
        _check_votes(form, waiting)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            review = actions.record_review(actor=request.user, division_code=division.code, held_on=d["held_on"],
                                           place=d["place"], chair=d["chair"], expected=d["expected"],
                                           present=d["present"], minutes=d["minutes"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_action_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            passed = 0
            for case in waiting:
                votes = case.typed
                if not any(votes.values()):
                    continue
                try:
                    data = {"review": review.pk, **{f"votes_{k}": int(v or 0) for k, v in votes.items()}}
                    outcome = Outcome.PASS if data["votes_for"] * 2 > review.present else Outcome.REJECT
                    actions.act(actor=request.user, case=case, outcome=outcome, data=data,
                                note=_("民主评议：同意 %(f)s 票，反对 %(a)s 票，弃权 %(b)s 票") % {
                                    "f": data["votes_for"], "a": data["votes_against"], "b": data["votes_abstain"]})
                    passed += 1
                except (ValueError, ValidationError, PermissionDenied) as exc:
                    messages.error(request, f"{case.subject_label}：{exc}")
            messages.success(request, _("已记录评议会议，%(n)d 户完成评议。") % {"n": passed})
            return redirect(reverse("workflows:case_list") + f"?area={division.code}")
    return render(request, "workflows/review_new.html", {"form": form, "division": division, "waiting": waiting,
                                                         "nav_active": "cases"})


def _check_votes(form, waiting) -> None:
    """Every household's votes are whole numbers, not more in all than the members present; else the
    meeting is not recorded and the page says which household is wrong."""
    present = form.cleaned_data["present"]
    for case in waiting:
        typed = case.typed
        if not any(typed.values()):
            continue
        if not all(v.isdigit() for v in typed.values() if v):
            form.add_error(None, _("%(h)s：票数须为不小于 0 的整数。") % {"h": case.subject_label})
        elif sum(int(v or 0) for v in typed.values()) > present:
            form.add_error(None, _("%(h)s：表决票数之和（%(v)d）不能超过实到人数（%(p)d）。") % {
                "h": case.subject_label, "v": sum(int(v or 0) for v in typed.values()), "p": present})


# --- notices ----------------------------------------------------------------------------------

@require(Cap.VIEW_REGISTRY)
def notice_list(request):
    page, query = paginate(request, selectors.notices(request.user, request.GET.get("area", "")))
    return render(request, "workflows/notice_list.html", {"page_obj": page, "query": query, "today": clock.today(),
                                                          "nav_active": "notices"})


@require(Cap.VIEW_REGISTRY)
def notice_new(request):
    ids = [int(i) for i in request.GET.getlist("case") + request.POST.getlist("case") if str(i).isdigit()]
    chosen = list(selectors.cases(request.user).filter(pk__in=ids, status=CaseStatus.OPEN))
    if not chosen:
        messages.error(request, _("请先在案件列表中选择处于公示环节的户。"))
        return redirect("workflows:case_list")
    step = chosen[0].current_step
    form = forms.NoticeForm(request.POST or None, initial={"period_days": step.default_days})

    def perform(form):
        d = form.cleaned_data
        form.notice = actions.post_notice(actor=request.user, cases=chosen, period_days=d["period_days"],
                                          posted_on=d["posted_on"], contact=d["contact"])

    if request.method == "POST" and form.is_valid():
        try:
            perform(form)
        except (ValidationError, PermissionDenied) as exc:
            form.add_action_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("已张贴公示。"))
            return redirect(form.notice)
    return render(request, "workflows/notice_new.html", {"form": form, "cases": chosen, "step": step,
                                                         "nav_active": "notices"})


def _notice_context(request, pk):
    notice = get_object_or_404(selectors.notices(request.user), pk=pk)
    return notice, {"notice": notice, "lines": selectors.notice_lines(notice),
                    "village": Division.objects.filter(code=notice.division_code).first(),
                    "last_day": notice.ends_on - dt.timedelta(days=1)}


@require(Cap.VIEW_REGISTRY)
def notice_detail(request, pk):
    notice = get_object_or_404(selectors.notices(request.user), pk=pk)
    return _notice_page(request, notice)


def _objection_form(notice, data=None):
    form = forms.ObjectionForm(data)
    form.fields["case"].widget.choices = [(c.pk, c.subject_label) for c in notice.cases.select_related("household")]
    return form


def _notice_page(request, notice, *, objection_form=None, resolve_form=None, resolving=None):
    """The notice's page; after a refused objection (or resolution), the form as typed with its errors."""
    notice, context = _notice_context(request, notice.pk)
    objections = list(notice.objections.select_related("case__household").order_by("raised_on"))
    for objection in objections:
        objection.resolve_form = resolve_form if objection.pk == resolving and resolve_form is not None else \
            forms.ResolveForm(auto_id=f"id_%s_{objection.pk}")
    context.update({
        "objections": objections, "objection_form": objection_form or _objection_form(notice),
        "today": clock.today(), "can_close": notice.status == NoticeStatus.POSTED and clock.today() >= notice.ends_on,
        "nav_active": "notices",
    })
    return render(request, "workflows/notice_detail.html", context)


@require(Cap.VIEW_REGISTRY)
def notice_pdf(request, pk):
    notice, context = _notice_context(request, pk)
    village = context["village"]
    kind = _("公告") if notice.kind == "announcement" else _("公示")
    intro = _("根据有关程序，经%(v)s研究，现将以下农户情况予以%(k)s。%(k)s期自 %(a)s 至 %(b)s（共 %(n)d 天）。"
              "如有异议，请在%(k)s期内向村委会反映。") % {
        "v": village.name if village else "", "k": kind, "a": notice.posted_on.isoformat(),
        "b": context["last_day"].isoformat(), "n": notice.period_days}
    rows = [[str(i), line.head_name, line.group_name, str(line.size), line.decision, line.reason]
            for i, line in enumerate(context["lines"], start=1)]
    footer = [_("受理异议电话：%(c)s") % {"c": notice.contact} if notice.contact else "",
              f"{village.name if village else ''}  {notice.posted_on.isoformat()}"]
    try:
        content = pdf.render(title=notice.title, intro=intro,
                             header=[_("序号"), _("户主姓名"), _("村民小组"), _("家庭人口"), _("拟办事项"), _("理由")],
                             rows=rows, footer=[f for f in footer if f])
    except pdf.FontMissing as exc:  # the server lacks the font: say so, and offer the printable page
        logging.getLogger(__name__).error("notice PDF: %s", exc)
        messages.error(request, _("无法生成 PDF：服务器缺少中文字体，请联系系统管理员。可先用本页的“打印”。"))
        return redirect("workflows:notice_detail", pk=notice.pk)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.pdf"'
    return response


@require_POST
@require(Cap.VIEW_REGISTRY)
def notice_close(request, pk):
    notice = get_object_or_404(selectors.notices(request.user), pk=pk)
    try:
        actions.close_notice(actor=request.user, notice=notice)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("公示已结束，相关户进入下一环节。"))
    return redirect(notice)


@require_POST
@require(Cap.VIEW_REGISTRY)
def objection_add(request, pk):
    notice = get_object_or_404(selectors.notices(request.user), pk=pk)
    form = _objection_form(notice, request.POST)
    if form.is_valid():
        case = notice.cases.filter(pk=form.cleaned_data["case"]).first()
        try:
            if case is None:
                raise ValidationError({"case": _("请选择本次公示中的户。")})
            actions.record_objection(actor=request.user, notice=notice, case=case,
                                     raised_by=form.cleaned_data["raised_by"], content=form.cleaned_data["content"],
                                     raised_on=form.cleaned_data["raised_on"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_action_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("已登记异议，须在公示结束前处理。"))
            return redirect(notice)
    if not (notice.status == NoticeStatus.POSTED and clock.today() < notice.ends_on):
        for error in form.non_field_errors():  # the form is no longer shown: say why
            messages.error(request, error)
    return _notice_page(request, notice, objection_form=form)


@require_POST
@require(Cap.VIEW_REGISTRY)
def objection_resolve(request, pk):
    objection = get_object_or_404(Objection.objects.visible_to(request.user), pk=pk)
    form = forms.ResolveForm(request.POST, auto_id=f"id_%s_{objection.pk}")
    if form.is_valid():
        d = form.cleaned_data
        try:
            actions.resolve_objection(actor=request.user, objection=objection, upheld=d["upheld"],
                                      resolution=d["resolution"], consequence=d.get("consequence") or Outcome.RETURN)
        except (ValidationError, PermissionDenied) as exc:
            form.add_action_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            objection.refresh_from_db()
            if objection.resolved:  # handled meanwhile: the form is gone, say why
                for error in form.non_field_errors():
                    messages.error(request, error)
        else:
            messages.success(request, _("已处理异议。"))
            return redirect(objection.notice)
    return _notice_page(request, objection.notice, resolve_form=form, resolving=objection.pk)


# --- risk clues -------------------------------------------------------------------------------

@require(Cap.VIEW_REGISTRY)
def clue_list(request):
    qs = selectors.clues(request.user, request.GET.get("area", ""))
    status = request.GET.get("status", "open")
    if status:
        qs = qs.filter(status=status)
    page, query = paginate(request, qs.order_by("due_on", "pk"))
    return render(request, "workflows/clue_list.html", {"page_obj": page, "query": query, "status": status,
                                                        "today": clock.today(), "nav_active": "clues"})


@require(Cap.VIEW_REGISTRY)
def clue_new(request):
    household = registry_selectors.get_household(request.user, int(request.GET.get("household", 0)))
    if not actions.may_register_clue(request.user, household):
        raise PermissionDenied(_("您不能为该户登记风险线索。"))

    def perform(form):
        d = form.cleaned_data
        form.clue = actions.create_clue(actor=request.user, household=household, source=d["source"], risk=d["risk"],
                                        detail=d["detail"], found_on=d["found_on"])

    form = forms.ClueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            perform(form)
        except (ValidationError, PermissionDenied) as exc:
            form.add_action_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("已登记风险线索。"))
            return redirect("workflows:clue_detail", pk=form.clue.pk)
    return render(request, "workflows/form_page.html", {
        "form": form, "title": _("登记风险线索：%(c)s") % {"c": registry_selectors.household_caption(household)},
        "back": household.get_absolute_url(), "nav_active": "clues"})


def _clue_page(request, clue, *, dismiss_form=None, convert_form=None):
    """The clue's page; after a refused POST, with the form as typed and its errors beside the fields."""
    if clue.status != ClueStatus.OPEN:  # the forms are not shown: say why the POST was refused
        for form in (dismiss_form, convert_form):
            for error in form.non_field_errors() if form is not None else ():
                messages.error(request, error)
    if convert_form is None:
        convert_form = forms.ConvertClueForm(county_code=clue.county_code, initial={
            "risk_types": actions.guess_risk_types(clue), "monitoring_type": actions.implied_monitoring_type(clue)})
    if clue.household_id is not None:
        registry_selectors.attach_heads([clue.household])  # 户主 and village names
    return render(request, "workflows/clue_detail.html", {
        "clue": clue, "dismiss_form": dismiss_form or forms.DismissClueForm(), "convert_form": convert_form,
        "can_convert": clue.household_id is not None and actions.may_start(request.user, clue.household,
                                                                           procedures.Kind.MONITOR),
        "can_dismiss": actions.may_dismiss_clue(request.user, clue),
        "today": clock.today(), "nav_active": "clues"})


@require(Cap.VIEW_REGISTRY)
def clue_detail(request, pk):
    clue = get_object_or_404(RiskClue.objects.visible_to(request.user).select_related("household"), pk=pk)
    return _clue_page(request, clue)


@require_POST
@require(Cap.VIEW_REGISTRY)
def clue_handle(request, pk):
    clue = get_object_or_404(RiskClue.objects.visible_to(request.user).select_related("household"), pk=pk)
    if request.POST.get("action") == "dismiss":
        form = forms.DismissClueForm(request.POST)
        if form.is_valid():
            try:
                actions.dismiss_clue(actor=request.user, clue=clue, reason=form.cleaned_data["reason"])
            except (ValidationError, PermissionDenied) as exc:
                form.add_action_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            else:
                messages.success(request, _("已排除该线索。"))
                return redirect("workflows:clue_detail", pk=clue.pk)
        return _clue_page(request, clue, dismiss_form=form)
    form = forms.ConvertClueForm(request.POST, county_code=clue.county_code)
    if form.is_valid():
        try:
            case = actions.convert_clue(actor=request.user, clue=clue, monitoring_type=form.cleaned_data["monitoring_type"],
                                        note=form.cleaned_data["note"], risk_types=form.cleaned_data["risk_types"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_action_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("已纳入监测识别程序。"))
            return redirect(case)
    return _clue_page(request, clue, convert_form=form)


# --- the working year -------------------------------------------------------------------------

@require(Cap.VIEW_REGISTRY)
def years(request):
    from fupin.targeting.models import IdentificationRun, RunStatus

    county = next((p[:6] for p in scope_for(request.user).prefixes if len(p) >= 6), "")
    work_years = list(selectors.work_years(request.user))
    for work_year in work_years:
        work_year.counts = selectors.year_counts(work_year.county_code, work_year.year)
        work_year.runs = IdentificationRun.objects.filter(county_code=work_year.county_code, year=work_year.year,
                                                          dry_run=False, status=RunStatus.DONE).order_by("-pk")[:5]
    return render(request, "workflows/years.html", {
        "years": work_years, "county": county, "can_manage": request.user.role == Role.COUNTY_ADMIN,
        "this_year": clock.today().year, "nav_active": "years"})


@require_POST
@require(Cap.MANAGE_RULES)
def year_action(request):
    from fupin.targeting.models import IdentificationRun

    county = next((p[:6] for p in scope_for(request.user).prefixes if len(p) >= 6), "")
    what = request.POST.get("action")
    try:
        if what == "open":
            actions.open_year(actor=request.user, county_code=county, year=int(request.POST["year"]))
            messages.success(request, _("已开启年度动态调整。"))
        else:
            work_year = get_object_or_404(WorkYear, pk=request.POST.get("year_id"), county_code=county)
            if what == "run":
                run = get_object_or_404(IdentificationRun, pk=request.POST.get("run"), county_code=county)
                actions.attach_run(actor=request.user, work_year=work_year, run=run)
                messages.success(request, _("已确定年度识别运行。"))
            elif what == "exits":
                n = actions.generate_exit_candidates(actor=request.user, work_year=work_year)
                messages.success(request, _("已生成退出候选 %(n)d 户，请各村组织评议。") % {"n": n})
            elif what == "clues":
                n = actions.generate_clues(actor=request.user, work_year=work_year)
                messages.success(request, _("已生成风险线索 %(n)d 条。") % {"n": n})
            elif what == "close":
                actions.close_year(actor=request.user, work_year=work_year)
                messages.success(request, _("年度已关账，快照已冻结。"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("workflows:years")

