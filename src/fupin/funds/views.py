"""Pages of the funds app: the year's overview with the policy checks, fund sources, the project
library, allocations, disbursements and reversals, ledgers per level (with the xlsx download), the
household ledger and the thresholds of the fund rules."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.accounts.roles import Cap
from fupin.core import clock
from fupin.core.scope import home_county, root_code, scope_for
from fupin.core.views import form_action, paginate, require
from fupin.divisions.models import Division
from fupin.funds import actions, forms, selectors, workbook
from fupin.funds.models import FundRule, ProjectStatus, RecordStatus
from fupin.registry import selectors as registry_selectors
from fupin.registry.models import Household

NAV = "funds"


def _year(request) -> int:
    """The year asked for, else the latest year the user's area has funds or projects for, else this year."""
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    if year:
        return year
    known = selectors.years(request.user)
    return known[0] if known else clock.today().year


def _household(user, code: str, county_code: str, field: str = "household_code") -> Household | None:
    code = (code or "").strip()
    if not code:
        return None
    household = registry_selectors.visible_households(user).filter(county_code=county_code,
                                                                   household_code=code).first()
    if household is None:
        raise ValidationError({field: _("户编号不存在或不在您的管辖范围内：%(c)s") % {"c": code}})
    return household


def _perform(request, form, perform, *, success: str, redirect_to, template: str, context: dict):
    """form_action, with a refusal of the action (PermissionDenied) shown on the form as well."""
    def guarded(form):
        try:
            perform(form)
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from exc

    return form_action(request, form, guarded, success=success, redirect_to=redirect_to, template=template,
                       context={"nav_active": NAV, **context})


# --- overview ------------------------------------------------------------------------------------

@require(Cap.VIEW_FUNDS)
def index(request):
    year = _year(request)
    user = request.user
    rows = list(selectors.source_rows(user, year).filter(status=RecordStatus.ACTIVE))
    county = selectors.check_county(user)
    checks = selectors.policy_checks(user, county, year)[0] if county else []
    area = root_code(user) or home_county(user)
    counts = dict(selectors.projects(user).filter(year=year).values_list("status").annotate(n=Count("pk")))
    return render(request, "funds/index.html", {
        "year": year, "years": sorted(set(selectors.years(user)) | {year, clock.today().year}, reverse=True),
        "rows": rows, "checks": checks, "area": area, "county": county, "nav_active": NAV,
        "total": {k: sum((getattr(r, k) for r in rows), actions.ZERO) for k in ("amount", "allocated", "disbursed")},
        "counts": [(s, s.label, counts.get(s, 0)) for s in ProjectStatus],
        "can_manage": user.can(Cap.MANAGE_FUNDS), "can_propose": user.can(Cap.PROPOSE_PROJECT) or user.can(
            Cap.MANAGE_FUNDS),
    })


# --- sources -------------------------------------------------------------------------------------

@require(Cap.VIEW_FUNDS)
def source_list(request):
    year = _year(request)
    return render(request, "funds/source_list.html", {
        "year": year, "years": sorted(set(selectors.years(request.user)) | {year}, reverse=True),
        "rows": selectors.source_rows(request.user, year), "nav_active": NAV})


@require(Cap.VIEW_FUNDS)
def source_detail(request, pk):
    source = selectors.get_source(request.user, pk)
    row = selectors.source_rows(request.user, source.year).get(pk=pk)
    allocations = source.allocations.select_related("project", "household").order_by("pk")
    page, query = paginate(request, allocations)
    page.object_list = registry_selectors.attach_labels(page.object_list)
    return render(request, "funds/source_detail.html", {
        "source": source, "row": row, "page_obj": page, "query": query, "nav_active": NAV,
        "cancel_form": forms.ReasonForm(), "can_manage": request.user.can(Cap.MANAGE_FUNDS)})


@require(Cap.MANAGE_FUNDS)
def source_new(request):
    county = home_county(request.user)
    form = forms.SourceForm(request.POST or None, initial={"year": _year(request), "received_on": clock.today()})

    def perform(form):
        form.source = actions.create_source(actor=request.user, county_code=county, fields=form.changes())

    return _source_save(request, form, perform, _("登记资金来源"))


def _source_save(request, form, perform, title):
    if request.method == "POST" and form.is_valid():
        try:
            perform(form)
        except (ValidationError, PermissionDenied) as exc:
            form.add_action_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("已保存资金来源：%(n)s") % {"n": form.source.name})
            return redirect(form.source)
    return render(request, "funds/form_page.html", {"form": form, "title": title, "nav_active": NAV,
                                                    "back": reverse("funds:sources")})


@require(Cap.MANAGE_FUNDS)
def source_edit(request, pk):
    source = selectors.get_source(request.user, pk)
    form = forms.SourceForm(request.POST or None, instance=source)

    def perform(form):
        form.source = actions.update_source(actor=request.user, source=source, changes=form.changes())

    return _source_save(request, form, perform, _("修改资金来源：%(n)s") % {"n": source.name})


@require_POST
@require(Cap.MANAGE_FUNDS)
def source_cancel(request, pk):
    source = selectors.get_source(request.user, pk)
    try:
        actions.cancel_source(actor=request.user, source=source, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("已撤销资金来源。"))
    return redirect(source)


# --- projects ------------------------------------------------------------------------------------

@require(Cap.VIEW_FUNDS)
def project_list(request):
    form = forms.ProjectFilterForm(request.GET or None, user=request.user, years=selectors.years(request.user))
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.project_list(request.user, area=data.get("area") or "", year=data.get("year"),
                                type=data.get("type") or "", status=data.get("status") or "", q=data.get("q") or "")
    page, query = paginate(request, qs)
    return render(request, "funds/project_list.html", {
        "form": form, "page_obj": page, "query": query, "nav_active": NAV, "badges": selectors.STATUS_BADGE,
        "names": Division.objects.names(p.division_code for p in page),
        "can_propose": request.user.can(Cap.PROPOSE_PROJECT) or request.user.can(Cap.MANAGE_FUNDS)})


def _require_propose(user) -> None:
    if not (user.can(Cap.PROPOSE_PROJECT) or user.can(Cap.MANAGE_FUNDS)):
        raise PermissionDenied(_("您的角色无权执行此操作。"))


@require(Cap.VIEW_FUNDS)
def project_new(request):
    _require_propose(request.user)
    form = forms.ProjectForm(request.POST or None, user=request.user,
                             initial={"year": _year(request), "division_code": request.GET.get("area", "")})

    def perform(form):
        d = form.changes()
        form.project = actions.declare_project(actor=request.user, division_code=d.pop("division_code"),
                                               year=d.pop("year"), fields=d)

    if request.method == "POST" and form.is_valid():
        try:
            perform(form)
        except (ValidationError, PermissionDenied) as exc:
            form.add_action_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("已申报项目：%(p)s") % {"p": form.project})
            return redirect(form.project)
    return render(request, "funds/form_page.html", {"form": form, "title": _("申报项目"), "nav_active": NAV,
                                                    "back": reverse("funds:projects")})


@require(Cap.VIEW_FUNDS)
def project_detail(request, pk):
    return _project_page(request, selectors.get_project(request.user, pk))


def _project_page(request, project, *, failed: dict | None = None):
    """The project's page; after a refused transition, its reason as typed with the errors (``failed``:
    key, note, errors)."""
    user = request.user
    can_manage = user.can(Cap.MANAGE_FUNDS) and scope_for(user).contains_code(project.division_code)
    beneficiaries = project.beneficiaries.select_related("household").order_by("household__household_code")
    page, query = paginate(request, beneficiaries)
    page.object_list = registry_selectors.attach_labels(page.object_list)
    return render(request, "funds/project_detail.html", {
        "project": project, "money": selectors.project_money(project), "page_obj": page, "query": query,
        "allocations": registry_selectors.attach_labels(selectors.project_allocations(project)),
        "disbursements": registry_selectors.attach_labels(
            project.disbursements.select_related("household", "reverses", "reversed_by").order_by("-paid_on", "-pk")[:200]),
        "disbursement_count": project.disbursements.count(),
        "area_name": Division.objects.names([project.division_code]).get(project.division_code, ""),
        "steps": project.steps.order_by("acted_at", "pk"),
        "transitions": actions.allowed_transitions(user, project), "transition_form": forms.TransitionForm(),
        "can_edit": actions.can_edit_project(user, project),
        "can_add_beneficiaries": actions.can_edit_project(user, project) and project.status not in (
            ProjectStatus.REJECTED,) and (can_manage or project.status == ProjectStatus.DECLARED),
        "can_manage": can_manage, "fundable": project.is_fundable, "badges": selectors.STATUS_BADGE,
        "beneficiary_form": forms.BeneficiaryForm(), "failed": failed or {}, "nav_active": NAV})


@require(Cap.VIEW_FUNDS)
def project_edit(request, pk):
    project = selectors.get_project(request.user, pk)
    if not actions.can_edit_project(request.user, project):
        raise PermissionDenied(_("您不能修改该项目（项目状态或您的权限不允许）。"))
    form = forms.ProjectForm(request.POST or None, instance=project, user=request.user, editing=True)
    return _perform(request, form,
                    lambda f: actions.update_project(actor=request.user, project=project, changes=f.changes()),
                    success=_("已保存项目。"), redirect_to=project, template="funds/form_page.html",
                    context={"title": _("修改项目：%(p)s") % {"p": project}, "back": project.get_absolute_url()})


@require_POST
@require(Cap.VIEW_FUNDS)
def project_transition(request, pk, key):
    project = selectors.get_project(request.user, pk)
    form = forms.TransitionForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    try:
        actions.transition(actor=request.user, project=project, key=key, note=note)
    except ValidationError as exc:
        project.refresh_from_db()
        if key not in {t.key for t in actions.allowed_transitions(request.user, project)}:
            for m in exc.messages:  # the transition is no longer offered: say why on the page as it is now
                messages.error(request, m)
            return redirect(project)
        return _project_page(request, project, failed={"key": key, "note": note, "errors": exc.messages})
    messages.success(request, _("已办理：%(t)s") % {"t": actions.TRANSITIONS[key].label})
    return redirect(project)


@require(Cap.VIEW_FUNDS)
def beneficiary_add(request, pk):
    project = selectors.get_project(request.user, pk)
    _require_propose(request.user)
    form = forms.BeneficiaryForm(request.POST or None)

    def perform(form):
        rows = actions.add_beneficiaries(actor=request.user, project=project, household_codes=form.codes(),
                                         planned_amount=form.cleaned_data["planned_amount"])
        messages.info(request, _("增加受益户 %(n)d 户。") % {"n": len(rows)})

    return _perform(request, form, perform, success=_("已保存受益户。"), redirect_to=project,
                    template="funds/form_page.html",
                    context={"title": _("增加受益户：%(p)s") % {"p": project}, "back": project.get_absolute_url()})


# --- allocations and disbursements ---------------------------------------------------------------

@require(Cap.MANAGE_FUNDS)
def allocation_new(request, pk):
    project = selectors.get_project(request.user, pk)
    form = forms.AllocationForm(request.POST or None, user=request.user, project=project)

    def perform(form):
        d = form.cleaned_data
        household = _household(request.user, d["household_code"], project.county_code)
        actions.allocate(actor=request.user, source=d["source"], project=project, amount=d["amount"],
                         division_code=d["division_code"], household=household, purpose=d["purpose"],
                         allocated_on=d["allocated_on"])

    return _perform(request, form, perform, success=_("已分配资金。"), redirect_to=project,
                    template="funds/form_page.html",
                    context={"title": _("分配资金：%(p)s") % {"p": project}, "back": project.get_absolute_url(),
                             "money": selectors.project_money(project), "project": project})


@require_POST
@require(Cap.MANAGE_FUNDS)
def allocation_cancel(request, pk):
    allocation = selectors.get_allocation(request.user, pk)
    try:
        actions.cancel_allocation(actor=request.user, allocation=allocation, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("已撤销资金分配。"))
    return redirect(allocation.project)


@require(Cap.MANAGE_FUNDS)
def disbursement_new(request, pk):
    allocation = selectors.get_allocation(request.user, pk)
    initial = {"household_code": allocation.household.household_code if allocation.household else ""}
    form = forms.DisbursementForm(request.POST or None, initial=initial)

    def perform(form):
        d = form.cleaned_data
        household = _household(request.user, d["household_code"], allocation.county_code)
        actions.disburse(actor=request.user, allocation=allocation, amount=d["amount"], mode=d["mode"],
                         household=household, paid_on=d["paid_on"], voucher_no=d["voucher_no"])

    paid = actions.disbursed_of(allocation)
    registry_selectors.attach_labels([allocation])  # the village's and the 户主's names
    return _perform(request, form, perform, success=_("已登记支付。"), redirect_to=allocation.project,
                    template="funds/disbursement_form.html",
                    context={"title": _("支付：%(p)s") % {"p": allocation.project}, "allocation": allocation,
                             "paid": paid, "remaining": allocation.amount - paid,
                             "back": allocation.project.get_absolute_url()})


@require(Cap.MANAGE_FUNDS)
def disbursement_reverse(request, pk):
    entry = selectors.get_disbursement(request.user, pk)
    form = forms.ReverseForm(request.POST or None)

    def perform(form):
        d = form.cleaned_data
        actions.reverse_disbursement(actor=request.user, disbursement=entry, reason=d["reason"], paid_on=d["paid_on"],
                                     voucher_no=d["voucher_no"])

    return _perform(request, form, perform, success=_("已冲销。"), redirect_to=entry.project,
                    template="funds/form_page.html",
                    context={"title": _("冲销支付 #%(n)s（%(a)s 元，凭证 %(v)s）") % {
                        "n": entry.pk, "a": actions.yuan(entry.amount), "v": entry.voucher_no},
                        "back": entry.project.get_absolute_url(), "danger": True,
                        "confirm": _("确认冲销支付 #%(n)s（%(a)s 元，%(h)s）？将记一笔等额负数支付，冲销后不能撤销。") % {
                            "n": entry.pk, "a": actions.yuan(entry.amount),
                            "h": entry.household.household_code if entry.household_id else _("到村")}})


# --- ledgers -------------------------------------------------------------------------------------

def _ledger_area(request) -> str:
    area = request.GET.get("area") or root_code(request.user) or home_county(request.user)
    if not area or len(area) not in (2, 4, 6, 9, 12) or not area.isdigit():
        raise Http404(_("请选择省、市、县、乡镇或村。"))
    if not scope_for(request.user).contains_code(area):
        raise Http404(_("该区域不在您的管辖范围内。"))
    return area


def _trail(user, area: str) -> list[Division]:
    """The area and the ones above it that the ledger can drill up to (county and township; the
    prefecture and province for the users who see them)."""
    scope = scope_for(user)
    wanted = [area[:n] for n in (2, 4, 6, 9, 12) if n <= len(area) and (n >= 6 or scope.contains_code(area[:n]))]
    found = {d.code: d for d in Division.objects.filter(code__in=wanted)}
    return [found[c] for c in wanted if c in found]


@require(Cap.VIEW_FUNDS)
def ledger(request):
    area, year = _ledger_area(request), _year(request)
    data = selectors.ledger(request.user, area, year)
    page = query = None
    if len(area) == 12:
        page, query = paginate(request, data.households)
        page.object_list = registry_selectors.attach_labels(page.object_list)
        data.allocations = registry_selectors.attach_labels(data.allocations)
    registry_selectors.attach_labels([r["project"] for r in data.projects])  # where each project is
    return render(request, "funds/ledger.html", {
        "ledger": data, "year": year, "years": sorted(set(selectors.years(request.user)) | {year}, reverse=True),
        "trail": _trail(request.user, area), "ledger_extra": {"area": area}, "page_obj": page, "query": query, "nav_active": NAV,
        "badges": selectors.STATUS_BADGE})


@require(Cap.VIEW_FUNDS)
def ledger_xlsx(request):
    area, year = _ledger_area(request), _year(request)
    data = selectors.ledger(request.user, area, year)
    content, rows = workbook.ledger_workbook(data)
    actions.record_ledger_export(actor=request.user, area_code=area, year=year, rows=rows)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="ledger-{area}-{year}.xlsx"'
    return response


@require(Cap.VIEW_FUNDS)
def household_ledger(request, pk):
    household = registry_selectors.get_household(request.user, pk)
    data = selectors.household_ledger(request.user, household)
    page, query = paginate(request, data["entries"])
    registry_selectors.attach_heads([household])
    return render(request, "funds/household_ledger.html", {**data, "page_obj": page, "query": query,
                                                           "nav_active": NAV})


# --- policy checks and their thresholds ----------------------------------------------------------

@require(Cap.VIEW_FUNDS)
def checks(request):
    year = _year(request)
    county = selectors.check_county(request.user)
    found, limits = selectors.policy_checks(request.user, county, year) if county else ([], None)
    return render(request, "funds/checks.html", {
        "year": year, "years": sorted(set(selectors.years(request.user)) | {year}, reverse=True), "checks": found,
        "limits": limits, "county": county, "nav_active": NAV,
        "rules": FundRule.objects.visible_to(request.user).order_by("-year", "region_code") if county else [],
        "can_manage": request.user.can(Cap.MANAGE_FUNDS)})


@require(Cap.MANAGE_FUNDS)
def rule_new(request):
    county = home_county(request.user)
    form = forms.FundRuleForm(request.POST or None, initial={"year": _year(request)})

    def perform(form):
        d = form.cleaned_data
        actions.set_fund_rule(actor=request.user, region_code=county, year=d["year"], reward_share=d["reward_share"],
                              poor_village_amount=d["poor_village_amount"],
                              village_infrastructure_min=d["village_infrastructure_min"], document=d["document"])

    return _perform(request, form, perform, success=_("已保存资金政策标准。"), redirect_to=reverse("funds:checks"),
                    template="funds/form_page.html",
                    context={"title": _("设置资金政策标准（%(c)s）") % {"c": county}, "back": reverse("funds:checks")})

