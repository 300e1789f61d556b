"""Pages of the welfare app: the overview, the eligibility and record lists, the record forms, the
standards, housing (renovations, sites, relocations) and charity (needs, offers, matches).

Views are thin: the selectors read, the actions write; a department user sees the record buttons
only in their own domain (``domains.may_manage``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.accounts.roles import Cap
from fupin.core import clock
from fupin.core.masking import mask_phone
from fupin.core.scope import root_code, scope_for
from fupin.core.views import form_action, paginate, require
from fupin.divisions.models import Division
from fupin.registry import selectors as registry_selectors
from fupin.registry.models import Member
from fupin.welfare import actions, forms, rules, selectors
from fupin.welfare.domains import Domain, managed_domains, may_manage
from fupin.welfare.models import (
    CharityMatch,
    DisabilitySubsidy,
    NeedStatus,
    OfferStatus,
    RelocationStatus,
    RenovationStatus,
    SubsidyKind,
    WelfareStandard,
)


@dataclass
class Cell:
    text: object
    url: str = ""
    testid: str = ""
    household_code: str = ""  # a household: ``text`` is its 户主 (see _household_cell)


def _household_cell(household, head: str = "") -> Cell:
    """A household's cell: the 户主 name linked, with the 户编号 underneath (the household_label tag)."""
    return Cell(head, household.get_absolute_url(), household_code=household.household_code)


def _deny(request, domain: str) -> None:
    if not may_manage(request.user, domain):
        raise PermissionDenied(_("您的角色或部门无权登记此项。"))


def _default_year(user) -> int:
    year = WelfareStandard.objects.visible_to(user).aggregate(y=Max("year"))["y"]
    return year or clock.today().year


def _filters(request, with_year=True):
    form = forms.FilterForm(request.GET or None, user=request.user, with_year=with_year)
    area, year = "", None
    if form.is_bound and form.is_valid():
        area, year = form.cleaned_data["area"] or "", form.cleaned_data.get("year")
    year = year or _default_year(request.user)
    if not form.is_bound:
        form = forms.FilterForm(initial={"year": year}, user=request.user, with_year=with_year)
    return form, area, year


def _table(request, *, title, columns, rows, page, query, testid, filters=None, buttons=(), nav="welfare",
           note="", tabs=()):
    rows = [[c if isinstance(c, Cell) else Cell("" if c is None else c) for c in row] for row in rows]
    return render(request, "welfare/table.html", {
        "title": title, "columns": columns, "rows": rows, "page_obj": page, "query": query, "testid": testid,
        "filters": filters, "buttons": buttons, "nav_active": nav, "note": note, "tabs": tabs})


def _member_rows(request, page, year, *, extra=None, action=None):
    """Rows of a member list page: name, sex, age, village, household (linked), extra cells, action."""
    ref = rules.reference_date(year)
    names = Division.objects.names(m.division_code for m in page)
    heads = registry_selectors.head_names(m.household_id for m in page)
    rows = []
    for m in page:
        row = [Cell(m.name), m.get_sex_display(), rules.age_on(m.birth_date, ref), names.get(m.division_code, ""),
               _household_cell(m.household, heads.get(m.household_id, ""))]
        row += extra(m) if extra else []
        if action:
            row.append(action(m))
        rows.append(row)
    return rows


MEMBER_COLUMNS = [_("姓名"), _("性别"), _("年龄"), _("村"), _("户")]


# --- overview ---------------------------------------------------------------------------------

@require(Cap.VIEW_PROGRAMMES)
def index(request):
    filters, area, year = _filters(request)
    user = request.user
    q = urlencode({"area": area, "year": year})
    code = area or root_code(user)  # a county user's county: its figures kept per county (core.kept)
    by_area = selectors.guarantee_by_area(user, code, year)
    education = selectors.education_coverage(user, code, year)
    return render(request, "welfare/index.html", {
        "filters": filters, "area": area, "year": year, "q": q,
        "g": selectors.guarantee_overview(user, code, year, by_area=by_area if code else None,
                                          education=education),
        "by_area": by_area, "education": education,
        "housing": selectors.housing_totals(user, code),
        "charity": selectors.charity_overview(user, area),
        "standard": selectors.standard_for(area or next(iter(user.area_prefixes), ""), year),
        # above the counties each county has its own standard: the counties still without one
        "counties_without_standard": selectors.counties_without_standard(user, code, year) if 0 < len(code) < 6
        else None,
        "domains": managed_domains(user), "nav_active": "welfare",
    })


# --- standards --------------------------------------------------------------------------------

@require(Cap.VIEW_PROGRAMMES)
def standard_list(request):
    page, query = paginate(request, selectors.standards(request.user))
    return render(request, "welfare/standards.html", {
        "page_obj": page, "query": query, "can_edit": request.user.can(Cap.MANAGE_RULES), "nav_active": "welfare"})


@require(Cap.MANAGE_RULES)
def standard_edit(request, pk=None):
    standard = get_object_or_404(selectors.standards(request.user), pk=pk) if pk else None
    initial = {"region_code": next(iter(request.user.area_prefixes), ""), "year": clock.today().year}
    form = forms.StandardForm(request.POST or None, instance=standard, initial=None if standard else initial,
                              lock_key=standard is not None)

    def perform(form):
        d = form.cleaned_data
        region = standard.region_code if standard else d["region_code"]
        year = standard.year if standard else d["year"]
        try:
            actions.save_standard(actor=request.user, region_code=region or "", year=year, values=d)
        except PermissionDenied as exc:
            raise ValidationError({"region_code": str(exc)}) from exc

    return form_action(request, form, perform, success=_("已保存保障标准。"), redirect_to="welfare:standards",
                       template="welfare/form.html",
                       context={"title": _("修改保障标准") if standard else _("新增保障标准"),
                                "back": reverse("welfare:standards"), "nav_active": "welfare",
                                "note": _("示例数据中的标准仅为演示，请按本地正式文件填写。")})


# --- guarantees: eligible and not covered -----------------------------------------------------

def _eligible_list(request, *, qs, title, testid, extra_columns=(), extra=None, action=None, note=""):
    filters, area, year = _filters(request)
    qs = qs(request.user, area, year).select_related("household").order_by("division_code", "household_id", "pk")
    page, query = paginate(request, qs)
    rows = _member_rows(request, page, year, extra=extra, action=action and (lambda m: action(m, year)))
    columns = [*MEMBER_COLUMNS, *extra_columns] + ([_("操作")] if action else [])
    return _table(request, title=f"{title}（{year}）", columns=columns, rows=rows, page=page, query=query,
                  testid=testid, filters=filters, note=note)


@require(Cap.VIEW_PROGRAMMES)
def dibao_list(request):
    return _eligible_list(
        request, qs=selectors.dibao_uncovered, title=_("符合低保条件未纳入"), testid="dibao-uncovered",
        note=_("家庭最近一年人均纯收入低于该年度当地低保标准、本人未享受低保或特困供养的在册成员。"))


@require(Cap.VIEW_PROGRAMMES)
def tekun_list(request):
    return _eligible_list(
        request, qs=selectors.tekun_uncovered, title=_("符合特困条件未纳入"), testid="tekun-uncovered",
        extra_columns=[_("残疾")],
        extra=lambda m: [f"{m.get_disability_category_display()}{m.get_disability_grade_display()}"
                         if m.disabled else ""],
        note=_("无劳动能力（60 周岁以上、未满 16 周岁、智力或精神残疾一二级、肢体残疾一级），家中无 18-59 周岁且"
               "无大病、无一二级残疾的成员，家庭人均纯收入低于特困供养标准（或无收入记录），且未享受特困供养。"))


def _record_link(request, domain, url_name, label, testid=""):
    def link(member, year):
        if not may_manage(request.user, domain):
            return ""
        return Cell(label, reverse(url_name) + "?" + urlencode({"member": member.pk, "year": year}), testid)
    return link


@require(Cap.VIEW_PROGRAMMES)
def premium_missing(request):
    return _eligible_list(
        request, qs=selectors.premium_missing, title=_("低保特困人员未补助参保缴费"), testid="premium-missing",
        extra_columns=[_("身份")], extra=lambda m: [_("特困") if m.tekun else _("低保")],
        action=_record_link(request, Domain.PREMIUM, "welfare:premium_new", _("登记补助")))


@require(Cap.VIEW_PROGRAMMES)
def education_missing(request):
    return _eligible_list(
        request, qs=selectors.education_missing, title=_("在校学生未获教育资助"), testid="education-missing",
        extra_columns=[_("在校情况")], extra=lambda m: [m.get_schooling_display()],
        action=_record_link(request, Domain.EDUCATION, "welfare:education_new", _("登记资助")))


@require(Cap.VIEW_PROGRAMMES)
def disability_missing(request):
    kind = request.GET.get("kind") or SubsidyKind.LIVING
    if kind not in SubsidyKind.values:
        kind = SubsidyKind.LIVING
    filters, area, year = _filters(request)
    qs = (selectors.disability_missing(request.user, area, year, kind).select_related("household")
          .order_by("division_code", "household_id", "pk"))
    page, query = paginate(request, qs)

    def action(m):
        if not may_manage(request.user, Domain.DISABILITY):
            return ""
        return Cell(_("登记补贴"), reverse("welfare:disability_new") + "?" + urlencode(
            {"member": m.pk, "year": year, "kind": kind}))

    rows = _member_rows(request, page, year, action=action, extra=lambda m: [
        f"{m.get_disability_category_display()}{m.get_disability_grade_display()}"])
    tabs = [(str(label), "?" + urlencode({"kind": value, "year": year, "area": area}), value == kind)
            for value, label in SubsidyKind.choices]
    return _table(request, title=_("%(k)s：符合条件未发放（%(y)d）") % {"k": SubsidyKind(kind).label, "y": year},
                  columns=[*MEMBER_COLUMNS, _("残疾类别等级"), _("操作")], rows=rows, page=page, query=query,
                  testid="disability-missing", filters=filters, tabs=tabs)


# --- guarantees: records ----------------------------------------------------------------------

def _record_list(request, *, qs, title, testid, columns, cells):
    filters, area, year = _filters(request)
    page, query = paginate(request, qs(request.user, area, year).order_by("-pk"))
    names = Division.objects.names(r.division_code for r in page)
    heads = registry_selectors.head_names(r.household_id for r in page)
    rows = [[Cell(r.member.name), names.get(r.division_code, ""),
             _household_cell(r.household, heads.get(r.household_id, "")), *cells(r)] for r in page]
    return _table(request, title=f"{title}（{year}）", columns=[_("姓名"), _("村"), _("户"), *columns], rows=rows,
                  page=page, query=query, testid=testid, filters=filters)


@require(Cap.VIEW_PROGRAMMES)
def premium_list(request):
    return _record_list(request, qs=selectors.premium_subsidies, title=_("参保缴费补助"), testid="premiums",
                        columns=[_("年度"), _("金额（元）"), _("补助日期")],
                        cells=lambda r: [r.year, r.amount, r.paid_on])


@require(Cap.VIEW_PROGRAMMES)
def medical_list(request):
    return _record_list(request, qs=selectors.medical_aids, title=_("医疗救助"), testid="medical-aids",
                        columns=[_("日期"), _("总费用"), _("基本医保"), _("大病保险"), _("医疗救助"), _("个人自付")],
                        cells=lambda r: [r.treated_on, r.total_cost, r.basic_paid, r.critical_paid, r.aid_amount,
                                         r.out_of_pocket])


@require(Cap.VIEW_PROGRAMMES)
def education_list(request):
    return _record_list(request, qs=selectors.education_aids, title=_("教育资助"), testid="education-aids",
                        columns=[_("阶段"), _("学期"), _("金额（元）"), _("发放日期")],
                        cells=lambda r: [r.get_stage_display(), r.get_semester_display(), r.amount, r.paid_on])


@require(Cap.VIEW_PROGRAMMES)
def disability_list(request):
    can = may_manage(request.user, Domain.DISABILITY)

    def cells(r):
        pay = Cell(_("登记发放"), reverse("welfare:disability_pay", args=[r.pk])) if can and not r.paid else ""
        return [r.get_kind_display(), r.months, r.monthly_amount, r.total,
                r.paid_on if r.paid else _("未发放"), pay]

    return _record_list(request, qs=selectors.disability_subsidies, title=_("残疾人两项补贴"), testid="disability",
                        columns=[_("类别"), _("月数"), _("月标准"), _("合计"), _("发放"), _("操作")], cells=cells)


def _member_form(request, *, domain, form_class, title, perform, success, redirect_to, initial=None):
    """A record form for one member: ?member= (preselected) or ?household= (choose among its members)."""
    _deny(request, domain)
    source = request.GET if request.method == "GET" else request.POST
    member_id = request.GET.get("member") or source.get("member")
    if member_id and str(member_id).isdigit():
        member = get_object_or_404(Member.objects.visible_to(request.user).select_related("household"),
                                   pk=int(member_id))
        household = member.household
    else:
        household = registry_selectors.get_household(request.user, int(request.GET.get("household") or 0))
        member = None
    members = list(household.members.filter(status="active").order_by("pk"))
    initial = {"year": request.GET.get("year") or clock.today().year, **(initial or {}),
               **({"member": member.pk} if member else {})}
    form = form_class(request.POST or None, members=members, initial=initial)

    def run(form):
        chosen = next(m for m in members if m.pk == form.cleaned_data["member"])
        try:
            perform(form.cleaned_data, chosen)
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from exc

    return form_action(request, form, run, success=success, redirect_to=redirect_to, template="welfare/form.html",
                       context={"title": title, "household": household, "back": household.get_absolute_url(),
                                "nav_active": "welfare"})


@require(Cap.VIEW_PROGRAMMES)
def premium_new(request):
    def perform(d, member):
        actions.record_premium_subsidy(actor=request.user, member=member, year=d["year"], paid_on=d["paid_on"],
                                       amount=d["amount"])
    return _member_form(request, domain=Domain.PREMIUM, form_class=forms.PremiumForm, title=_("登记参保缴费补助"),
                        perform=perform, success=_("已登记参保缴费补助。"), redirect_to="welfare:premium_missing")


@require(Cap.VIEW_PROGRAMMES)
def medical_new(request):
    def perform(d, member):
        actions.record_medical_aid(actor=request.user, member=member, treated_on=d["treated_on"],
                                   hospital=d["hospital"], total_cost=d["total_cost"], basic_paid=d["basic_paid"],
                                   critical_paid=d["critical_paid"], aid_amount=d["aid_amount"])
    return _member_form(request, domain=Domain.MEDICAL_AID, form_class=forms.MedicalAidForm,
                        title=_("登记医疗救助"), perform=perform, success=_("已登记医疗救助。"),
                        redirect_to="welfare:medical")


@require(Cap.VIEW_PROGRAMMES)
def education_new(request):
    def perform(d, member):
        actions.record_education_aid(actor=request.user, member=member, year=d["year"], semester=d["semester"],
                                     amount=d["amount"], paid_on=d["paid_on"])
    return _member_form(request, domain=Domain.EDUCATION, form_class=forms.EducationAidForm, title=_("登记教育资助"),
                        perform=perform, success=_("已登记教育资助。"), redirect_to="welfare:education_missing")


@require(Cap.VIEW_PROGRAMMES)
def disability_new(request):
    def perform(d, member):
        actions.grant_disability_subsidy(actor=request.user, member=member, kind=d["kind"], year=d["year"],
                                         months=d["months"], monthly_amount=d["monthly_amount"],
                                         paid_on=d["paid_on"])
    return _member_form(request, domain=Domain.DISABILITY, form_class=forms.DisabilityForm,
                        title=_("登记残疾人补贴"), perform=perform, success=_("已登记残疾人补贴。"),
                        redirect_to="welfare:disability", initial={"kind": request.GET.get("kind", "")})


@require(Cap.VIEW_PROGRAMMES)
def disability_pay(request, pk):
    _deny(request, Domain.DISABILITY)
    subsidy = get_object_or_404(DisabilitySubsidy.objects.visible_to(request.user).select_related("member"), pk=pk)
    form = forms.PayForm(request.POST or None)
    return form_action(request, form, lambda f: actions.pay_disability_subsidy(
        actor=request.user, subsidy=subsidy, paid_on=f.cleaned_data["paid_on"]),
        success=_("已登记发放。"), redirect_to="welfare:disability", template="welfare/form.html",
        context={"title": _("发放：%(s)s") % {"s": subsidy}, "back": reverse("welfare:disability"),
                 "nav_active": "welfare"})


# --- housing ----------------------------------------------------------------------------------

def _household_rows(page, cells):
    names = Division.objects.names(h.division_id for h in page)
    heads = {h.pk: h.head_name for h in registry_selectors.attach_heads(page)}
    return [[Cell(h.household_code, h.get_absolute_url()), heads.get(h.pk, ""), names.get(h.division_id, ""),
             *cells(h)] for h in page]


def _plan_tabs(request, name: str, plan: bool) -> list:
    """All households, or the plan's 建档立卡 population (the target's figure)."""
    area = request.GET.get("area", "")
    base = reverse(name) + (f"?area={area}" if area else "")
    sep = "&" if area else "?"
    return [(_("全部农户"), base, not plan), (_("建档立卡户（规划目标口径）"), f"{base}{sep}plan=1", plan)]


@require(Cap.VIEW_PROGRAMMES)
def housing(request):
    filters, area, _year = _filters(request, with_year=False)
    plan = request.GET.get("plan") == "1"
    page, query = paginate(request, selectors.unrenovated(request.user, area, plan=plan)
                           .order_by("division_id", "household_code"))
    can = may_manage(request.user, Domain.HOUSING)

    def cells(h):
        act = ""
        if can and not h.under_way:
            act = Cell(_("登记改造"), reverse("welfare:renovation_new") + f"?household={h.pk}")
        return [h.get_house_grade_display(), h.get_household_type_display(),
                _("改造中") if h.under_way else _("未开始"), act]

    note = (_("规划目标口径：建档立卡户（贫困户、脱贫户）中住 C/D 级危房、未改造且未搬迁的户（目标：全部完成改造）。")
            if plan else _("全部在册农户中住 C/D 级危房且未改造的户（含一般农户、监测户和已搬迁户）。"))
    return _table(request, title=_("C/D 级危房未改造户"), columns=[_("户编号"), _("户主"), _("村"), _("危房等级"),
                                                               _("户类型"), _("改造进度"), _("操作")],
                  rows=_household_rows(page, cells), page=page, query=query, testid="unrenovated", filters=filters,
                  buttons=[(_("改造项目"), reverse("welfare:renovations"), "renovations")], note=note,
                  tabs=_plan_tabs(request, "welfare:housing", plan))


@require(Cap.VIEW_PROGRAMMES)
def renovation_list(request):
    filters, area, _year = _filters(request, with_year=False)
    status = request.GET.get("status", "")
    qs = selectors.renovations(request.user, area, status if status in RenovationStatus.values else "")
    page, query = paginate(request, qs.order_by("-year", "division_code", "pk"))
    names = Division.objects.names(r.division_code for r in page)
    heads = registry_selectors.head_names(r.household_id for r in page)
    rows = [[_household_cell(r.household, heads.get(r.household_id, "")), names.get(r.division_code, ""),
             r.year, r.grade, r.get_method_display(), r.subsidy, Cell(r.get_status_display(),
                                                                      reverse("welfare:renovation", args=[r.pk])),
             r.started_on or "", r.completed_on or "", r.accepted_on or ""] for r in page]
    tabs = [(str(_("全部")), "?", not status)] + [
        (str(label), "?" + urlencode({"status": value, "area": area}), value == status)
        for value, label in RenovationStatus.choices]
    return _table(request, title=_("危房改造"), columns=[_("户"), _("村"), _("年度"), _("原等级"), _("方式"),
                                                      _("补助（元）"), _("状态"), _("开工"), _("竣工"), _("验收")],
                  rows=rows, page=page, query=query, testid="renovations", filters=filters, tabs=tabs,
                  buttons=[(_("未改造危房户"), reverse("welfare:housing"), "unrenovated-link")])


@require(Cap.VIEW_PROGRAMMES)
def renovation_new(request):
    _deny(request, Domain.HOUSING)
    household = registry_selectors.get_household(request.user, int(request.GET.get("household") or 0))
    form = forms.RenovationForm(request.POST or None, initial={"year": clock.today().year})

    def perform(form):
        d = form.cleaned_data
        form.row = actions.plan_renovation(actor=request.user, household=household, year=d["year"],
                                           method=d["method"], subsidy=d["subsidy"], started_on=d["started_on"])

    return form_action(request, form, perform, success=_("已登记危房改造。"), redirect_to="welfare:renovations",
                       template="welfare/form.html",
                       context={"title": _("登记危房改造：%(c)s") % {"c": registry_selectors.household_caption(household)},
                                "household": household, "back": household.get_absolute_url(),
                                "nav_active": "welfare"})


NEXT_STEP = {RenovationStatus.PLANNED: ("start", _("登记开工")), RenovationStatus.STARTED: ("complete", _("登记竣工")),
             RenovationStatus.COMPLETED: ("accept", _("登记验收"))}


@require(Cap.VIEW_PROGRAMMES)
def renovation_detail(request, pk):
    renovation = get_object_or_404(selectors.renovations(request.user), pk=pk)
    can = may_manage(request.user, Domain.HOUSING)
    step = NEXT_STEP.get(renovation.status)
    form = forms.StepForm(request.POST or None, initial={"step": step[0] if step else "cancel"})
    if request.method == "POST":
        _deny(request, Domain.HOUSING)
        if form.is_valid():
            d = form.cleaned_data
            try:
                actions.advance_renovation(actor=request.user, renovation=renovation, step=d["step"], on=d["on"],
                                           reason=d["reason"])
            except ValidationError as exc:
                form.add_action_errors(exc)
                renovation.refresh_from_db()
            else:
                messages.success(request, _("已办理：%(s)s") % {"s": renovation.get_status_display()})
                return redirect("welfare:renovation", pk=renovation.pk)
    return render(request, "welfare/renovation.html", {
        "r": renovation, "form": form, "can": can, "step": step, "nav_active": "welfare",
        "open": renovation.status not in (RenovationStatus.ACCEPTED, RenovationStatus.CANCELLED)})


@require(Cap.VIEW_PROGRAMMES)
def relocation_waiting(request):
    filters, area, _year = _filters(request, with_year=False)
    plan = request.GET.get("plan") == "1"
    page, query = paginate(request, selectors.willing_not_relocated(request.user, area, plan=plan)
                           .order_by("division_id", "household_code"))
    can = may_manage(request.user, Domain.HOUSING)

    def cells(h):
        act = Cell(_("分配安置"), reverse("welfare:relocation_new") + f"?household={h.pk}") \
            if can and not h.allocated else ""
        return [h.get_household_type_display(), _("已分配，待入住") if h.allocated else _("未分配"), act]

    return _table(request, title=_("有搬迁意愿未搬迁户"), columns=[_("户编号"), _("户主"), _("村"), _("户类型"),
                                                             _("进度"), _("操作")],
                  rows=_household_rows(page, cells), page=page, query=query, testid="relocation-waiting",
                  filters=filters, buttons=[(_("安置点"), reverse("welfare:sites"), "sites"),
                                            (_("搬迁安置记录"), reverse("welfare:relocations"), "relocations")],
                  note=_("规划目标口径：有搬迁意愿、尚未搬迁的建档立卡户（贫困户、脱贫户）。") if plan else
                  _("全部在册农户中有搬迁意愿、尚未搬迁的户。"),
                  tabs=_plan_tabs(request, "welfare:relocation_waiting", plan))


@require(Cap.VIEW_PROGRAMMES)
def site_list(request):
    sites = list(selectors.sites(request.user))
    names = Division.objects.names(s.division_code for s in sites)
    for s in sites:
        s.area_name = names.get(s.division_code, s.division_code)
    return render(request, "welfare/sites.html", {"sites": sites, "can": may_manage(request.user, Domain.HOUSING),
                                                  "nav_active": "welfare"})


@require(Cap.VIEW_PROGRAMMES)
def site_edit(request, pk=None):
    _deny(request, Domain.HOUSING)
    site = get_object_or_404(selectors.sites(request.user), pk=pk) if pk else None
    initial = {f: getattr(site, f) for f in ("name", "division_code", "site_type", "capacity", "status")} if site \
        else {}
    form = forms.SiteForm(request.POST or None, initial=initial, user=request.user)
    return form_action(request, form, lambda f: actions.save_site(actor=request.user, values=f.cleaned_data,
                                                                  site=site),
                       success=_("已保存安置点。"), redirect_to="welfare:sites", template="welfare/form.html",
                       context={"title": _("修改安置点") if site else _("新增安置点"), "back": reverse("welfare:sites"),
                                "nav_active": "welfare"})


@require(Cap.VIEW_PROGRAMMES)
def relocation_list(request):
    filters, area, _year = _filters(request, with_year=False)
    page, query = paginate(request, selectors.relocations(request.user, area).order_by("-allocated_on", "-pk"))
    names = Division.objects.names(r.division_code for r in page)
    heads = registry_selectors.head_names(r.household_id for r in page)
    rows = [[_household_cell(r.household, heads.get(r.household_id, "")), names.get(r.division_code, ""),
             r.site.name, r.year, r.allocated_on, r.moved_in_on or "",
             Cell(r.get_status_display(), reverse("welfare:relocation", args=[r.pk]))] for r in page]
    return _table(request, title=_("搬迁安置"), columns=[_("户"), _("村"), _("安置点"), _("年度"), _("分配日期"),
                                                      _("入住日期"), _("状态")],
                  rows=rows, page=page, query=query, testid="relocations", filters=filters,
                  buttons=[(_("有搬迁意愿未搬迁户"), reverse("welfare:relocation_waiting"), "waiting")])


@require(Cap.VIEW_PROGRAMMES)
def relocation_new(request):
    _deny(request, Domain.HOUSING)
    household = registry_selectors.get_household(request.user, int(request.GET.get("household") or 0))
    sites = [s for s in selectors.sites(request.user) if s.status != "closed"]
    form = forms.RelocationForm(request.POST or None, sites=sites, initial={"year": clock.today().year})

    def perform(form):
        d = form.cleaned_data
        site = next(s for s in sites if s.pk == d["site"])
        actions.allocate_relocation(actor=request.user, household=household, site=site, year=d["year"],
                                    allocated_on=d["allocated_on"], willing_confirmed=d["willing_confirmed"])

    return form_action(request, form, perform, success=_("已分配安置。"), redirect_to="welfare:relocations",
                       template="welfare/form.html",
                       context={"title": _("分配安置：%(c)s") % {"c": registry_selectors.household_caption(household)},
                                "household": household, "back": household.get_absolute_url(),
                                "nav_active": "welfare"})


@require(Cap.VIEW_PROGRAMMES)
def relocation_detail(request, pk):
    relocation = get_object_or_404(selectors.relocations(request.user), pk=pk)
    move_form, cancel_form = forms.MoveInForm(prefix="move"), forms.ReasonForm(prefix="cancel")
    if request.method == "POST":
        _deny(request, Domain.HOUSING)
        try:
            if request.POST.get("action") == "cancel":
                cancel_form = forms.ReasonForm(request.POST, prefix="cancel")
                if cancel_form.is_valid():
                    actions.cancel_relocation(actor=request.user, relocation=relocation,
                                              reason=cancel_form.cleaned_data["reason"])
                    messages.success(request, _("已取消安置。"))
                    return redirect("welfare:relocation", pk=pk)
            else:
                move_form = forms.MoveInForm(request.POST, prefix="move")
                if move_form.is_valid():
                    actions.move_in(actor=request.user, relocation=relocation,
                                    moved_in_on=move_form.cleaned_data["moved_in_on"])
                    messages.success(request, _("已登记入住，户卡已标记为已搬迁。"))
                    return redirect("welfare:relocation", pk=pk)
        except ValidationError as exc:
            (cancel_form if request.POST.get("action") == "cancel" else move_form).add_action_errors(exc)
            relocation.refresh_from_db()
    return render(request, "welfare/relocation.html", {
        "r": relocation, "move_form": move_form, "cancel_form": cancel_form, "nav_active": "welfare",
        "can": may_manage(request.user, Domain.HOUSING) and relocation.status == RelocationStatus.ALLOCATED})


# --- charity ----------------------------------------------------------------------------------

@require(Cap.VIEW_PROGRAMMES)
def charity(request):
    """The needs (public: no ID numbers, phones or health details)."""
    filters, area, _year = _filters(request, with_year=False)
    status = request.GET.get("status", "")
    qs = selectors.needs(request.user, area, status if status in NeedStatus.values else "")
    page, query = paginate(request, qs.order_by("-posted_on", "-pk"))
    names = Division.objects.names(n.division_code for n in page)
    rows = [[Cell(n.title, reverse("welfare:need", args=[n.pk]), "need-link"), n.get_category_display(),
             names.get(n.division_code, ""), _("村级需求") if n.household_id is None else _("农户需求"),
             n.amount, n.matched_amount, n.get_status_display(), n.posted_on] for n in page]
    tabs = [(str(_("全部")), "?", not status)] + [
        (str(label), "?" + urlencode({"status": value, "area": area}), value == status)
        for value, label in NeedStatus.choices]
    can = may_manage(request.user, Domain.CHARITY)
    buttons = [(_("帮扶资源"), reverse("welfare:offers"), "offers")]
    if can:
        buttons.append((_("发布需求"), reverse("welfare:need_new"), "need-new"))
    summary = selectors.charity_overview(request.user, area)
    return _table(request, title=_("社会帮扶：需求"), columns=[_("需求"), _("类别"), _("村"), _("对象"), _("所需（元）"),
                                                           _("已对接（元）"), _("状态"), _("发布日期")],
                  rows=rows, page=page, query=query, testid="needs", filters=filters, buttons=buttons, nav="charity",
                  tabs=tabs, note=_("需求 %(n)d 项（未完成对接 %(o)d 项），所需 %(a)s 元，已对接 %(m)s 元，已兑现 %(f)s 元。") % {
                      "n": summary["needs"], "o": summary["open"], "a": summary["amount"], "m": summary["matched"],
                      "f": summary["fulfilled"]})


@require(Cap.VIEW_PROGRAMMES)
def need_new(request):
    _deny(request, Domain.CHARITY)
    household = None
    if request.GET.get("household"):
        household = registry_selectors.get_household(request.user, int(request.GET["household"]))
    form = forms.NeedForm(request.POST or None, user=request.user, household=household)

    def perform(form):
        d = form.cleaned_data
        try:
            form.need = actions.post_need(actor=request.user, division_code=d["division_code"], household=household,
                                          category=d["category"], title=d["title"], amount=d["amount"],
                                          posted_on=d["posted_on"], description=d["description"],
                                          in_kind=d["in_kind"])
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from exc

    if request.method == "POST" and form.is_valid():
        try:
            perform(form)
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("已发布帮扶需求。"))
            return redirect("welfare:need", pk=form.need.pk)
    title = _("发布帮扶需求") + (f"：{registry_selectors.household_caption(household)}" if household else "")
    return render(request, "welfare/form.html", {"form": form, "title": title, "household": household,
                                                 "back": reverse("welfare:charity"), "nav_active": "charity"})


@require(Cap.VIEW_PROGRAMMES)
def need_detail(request, pk):
    need = get_object_or_404(selectors.needs(request.user), pk=pk)
    can = may_manage(request.user, Domain.CHARITY)
    offers = [o for o in selectors.offers(request.user).filter(
        status__in=[OfferStatus.OPEN, OfferStatus.PARTLY], county_code=need.county_code).order_by("-offered_on")
        if need.division_code.startswith(o.division_code)]
    match_form = forms.MatchForm(prefix="match", offers=offers, initial={"amount": need.remaining})
    withdraw_form = forms.ReasonForm(prefix="withdraw")
    if request.method == "POST":
        _deny(request, Domain.CHARITY)
        what = request.POST.get("action")
        try:
            if what == "withdraw":
                withdraw_form = forms.ReasonForm(request.POST, prefix="withdraw")
                if withdraw_form.is_valid():
                    actions.withdraw_need(actor=request.user, need=need, reason=withdraw_form.cleaned_data["reason"])
                    messages.success(request, _("已撤回需求。"))
                    return redirect("welfare:need", pk=pk)
            else:
                match_form = forms.MatchForm(request.POST, prefix="match", offers=offers)
                if match_form.is_valid():
                    d = match_form.cleaned_data
                    offer = next(o for o in offers if o.pk == d["offer"])
                    actions.match(actor=request.user, need=need, offer=offer, amount=d["amount"],
                                  matched_on=d["matched_on"], note=d["note"])
                    messages.success(request, _("已对接。"))
                    return redirect("welfare:need", pk=pk)
        except ValidationError as exc:
            (withdraw_form if what == "withdraw" else match_form).add_action_errors(exc)
    matches = need.matches.select_related("offer").order_by("matched_on", "pk")
    return render(request, "welfare/need.html", {
        "need": need, "village": Division.objects.filter(code=need.division_code).first(), "matches": matches,
        "match_form": match_form, "withdraw_form": withdraw_form, "can": can, "offers": offers,
        "fulfil_form": forms.FulfilForm(prefix="fulfil"), "nav_active": "charity",
        "can_match": can and need.status in (NeedStatus.OPEN, NeedStatus.PARTLY) and offers,
        "can_withdraw": can and need.status == NeedStatus.OPEN})


@require_POST
@require(Cap.VIEW_PROGRAMMES)
def match_act(request, pk):
    _deny(request, Domain.CHARITY)
    charity_match = get_object_or_404(CharityMatch.objects.visible_to(request.user), pk=pk)
    try:
        if request.POST.get("action") == "cancel":
            form = forms.ReasonForm(request.POST, prefix="cancel")
            if not form.is_valid():
                raise ValidationError(_("请填写取消原因"))
            actions.cancel_match(actor=request.user, charity_match=charity_match, reason=form.cleaned_data["reason"])
            messages.success(request, _("已取消对接。"))
        else:
            form = forms.FulfilForm(request.POST, prefix="fulfil")
            if not form.is_valid():
                raise ValidationError(_("请填写兑现日期"))
            actions.fulfil(actor=request.user, charity_match=charity_match,
                           fulfilled_on=form.cleaned_data["fulfilled_on"], note=form.cleaned_data["note"])
            messages.success(request, _("已登记兑现。"))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("welfare:need", pk=charity_match.need_id)


PHONE_LIKE = re.compile(r"\d[\d-]{5,}\d")


def _mask_contact(text: str) -> str:
    """Phone numbers inside a contact are masked in lists (the contact person's name stays)."""
    return PHONE_LIKE.sub(lambda m: mask_phone(m.group()), text or "")


@require(Cap.VIEW_PROGRAMMES)
def offer_list(request):
    filters, area, _year = _filters(request, with_year=False)
    status = request.GET.get("status", "")
    qs = selectors.offers(request.user, area, status if status in OfferStatus.values else "")
    page, query = paginate(request, qs.order_by("-offered_on", "-pk"))
    names = Division.objects.names(o.division_code for o in page)
    can = may_manage(request.user, Domain.CHARITY)
    scope = scope_for(request.user)
    rows = [[o.donor, o.get_donor_type_display(), _mask_contact(o.contact),
             names.get(o.division_code, ""), o.get_category_display(), o.description[:40], o.amount,
             o.matched_amount, o.get_status_display(),
             Cell(_("撤回"), reverse("welfare:offer_withdraw", args=[o.pk]))
             if can and o.status == "open" and scope.contains_code(o.division_code) else ""]
            for o in page]
    buttons = [(_("帮扶需求"), reverse("welfare:charity"), "needs")]
    if can:
        buttons.append((_("登记资源"), reverse("welfare:offer_new"), "offer-new"))
    return _table(request, title=_("社会帮扶：资源"), columns=[_("单位或个人"), _("类型"), _("联系方式"), _("面向区域"),
                                                           _("类别"), _("内容"), _("金额（元）"), _("已对接（元）"),
                                                           _("状态"), _("操作")],
                  rows=rows, page=page, query=query, testid="offers", filters=filters, buttons=buttons, nav="charity")


@require(Cap.VIEW_PROGRAMMES)
def offer_new(request):
    _deny(request, Domain.CHARITY)
    form = forms.OfferForm(request.POST or None, user=request.user)

    def perform(form):
        d = form.cleaned_data
        try:
            actions.register_offer(actor=request.user, division_code=d["division_code"], donor=d["donor"],
                                   donor_type=d["donor_type"], contact=d["contact"], category=d["category"],
                                   description=d["description"], in_kind=d["in_kind"], amount=d["amount"],
                                   offered_on=d["offered_on"])
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from exc

    return form_action(request, form, perform, success=_("已登记帮扶资源。"), redirect_to="welfare:offers",
                       template="welfare/form.html",
                       context={"title": _("登记帮扶资源"), "back": reverse("welfare:offers"), "nav_active": "charity"})


@require(Cap.VIEW_PROGRAMMES)
def offer_withdraw(request, pk):
    _deny(request, Domain.CHARITY)
    offer = get_object_or_404(selectors.offers(request.user), pk=pk)
    form = forms.ReasonForm(request.POST or None)
    return form_action(request, form, lambda f: actions.withdraw_offer(actor=request.user, offer=offer,
                                                                       reason=f.cleaned_data["reason"]),
                       success=_("已撤回资源。"), redirect_to="welfare:offers", template="welfare/form.html",
                       context={"title": _("撤回帮扶资源：%(d)s") % {"d": offer.donor},
                                "back": reverse("welfare:offers"), "nav_active": "charity"})

