"""Pages of the industry and employment programmes (thin: selectors read, actions write)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.accounts.roles import Cap
from fupin.core import clock, masking
from fupin.core.actions import SYSTEM
from fupin.core.forms import errors_text
from fupin.core.scope import home_county, root_code, scope_for
from fupin.core.views import form_action, next_url, paginate, require
from fupin.programmes import actions, domains, forms, selectors
from fupin.programmes.models import Employment, Industry, PublicWelfareJob, TrainingSubsidy
from fupin.registry import selectors as registry_selectors

FORM_PAGE = "programmes/form_page.html"


def manage(domain: str):
    """The programme capability and the department's domain (domains.py), else 403."""

    def decorator(view):
        @require(Cap.MANAGE_PROGRAMMES)
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not domains.may_manage(request.user, domain):
                raise PermissionDenied(_("您的部门无权办理此项业务。"))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _filters(request):
    year = selectors.default_year(request.user)
    data = request.GET.copy() if request.GET else None
    if data is not None and not data.get("year"):
        data["year"] = str(year)
    form = forms.AreaYearForm(data, areas=selectors.area_choices(request.user), initial={"year": year})
    area, chosen = form.values()
    return form, area, chosen if form.is_bound else year


def _context(request, **extra) -> dict:
    user = request.user
    county = home_county(user)
    return {"nav_active": "programmes", "can_industry": domains.may_manage(user, domains.INDUSTRY),
            "can_employment": domains.may_manage(user, domains.EMPLOYMENT),
            "county_wide": bool(county) and scope_for(user).contains_code(county), **extra}


def _ensure_industries(user) -> None:
    """The plan's six industries exist for the user's county from the first visit on (defaults of
    the county plan, created by the system, not a decision of the visitor)."""
    county = home_county(user)
    if county and not Industry.objects.filter(county_code=county).exists():
        actions.seed_industries(actor=SYSTEM, county_code=county)


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_page(request, form, perform, *, success, redirect_to, title, back, intro=None):
    return form_action(request, form, perform, success=success, redirect_to=redirect_to, template=FORM_PAGE,
                       context=_context(request, title=title, back=back, intro=intro))


def _member(request, form, field: str = "id_number"):
    member = selectors.member_by_id_number(request.user, form.cleaned_data.get(field) or "")
    if member is None:
        raise ValidationError({field: _("在您的管辖范围内没有找到在册的该证件号码的成员。")})
    return member


# --- overview ---------------------------------------------------------------------------------

@require(Cap.VIEW_PROGRAMMES)
def index(request):
    form, area, year = _filters(request)
    user = request.user
    _ensure_industries(user)
    rows_area = area or root_code(user)
    return render(request, "programmes/index.html", _context(
        request, form=form, area=area, year=year, figures=selectors.overview(user, area=area, year=year),
        industries=selectors.industry_summary(user, area=area, year=year),
        rows=selectors.area_rows(user, area=rows_area, year=year) if rows_area else []))


# --- industries -------------------------------------------------------------------------------

@require(Cap.VIEW_PROGRAMMES)
def industry_list(request):
    form, area, year = _filters(request)
    _ensure_industries(request.user)
    return render(request, "programmes/industry_list.html", _context(
        request, form=form, area=area, year=year,
        industries=selectors.industry_summary(request.user, area=area, year=year)))


@manage(domains.INDUSTRY)
def industry_new(request):
    county = home_county(request.user)
    form = forms.IndustryForm(request.POST or None)

    def perform(form):
        actions.add_industry(actor=request.user, county_code=county, **form.cleaned_data)

    return _form_page(request, form, perform, success=_("已添加产业。"), redirect_to="programmes:industry_list",
                      title=_("添加产业"), back=reverse("programmes:industry_list"))


@require_POST
@manage(domains.INDUSTRY)
def industry_toggle(request, pk):
    industry = selectors.get_industry(request.user, pk)
    actions.set_industry_active(actor=request.user, industry=industry, active=not industry.active)
    messages.success(request, _("已启用。") if industry.active else _("已停用。"))
    return redirect("programmes:industry_list")


@require(Cap.VIEW_PROGRAMMES)
def industry_detail(request, pk):
    industry = selectors.get_industry(request.user, pk)
    form, area, year = _filters(request)
    qs = selectors.industry_households(request.user, industry, area=area, year=year)
    page, query = paginate(request, qs)
    return render(request, "programmes/industry_detail.html", _context(
        request, industry=industry, form=form, area=area, year=year, page_obj=page, query=query,
        cooperatives=selectors.cooperatives(request.user, area=area, industry=industry.pk, year=year)[:50]))


@manage(domains.INDUSTRY)
def participation_new(request):
    household = registry_selectors.get_household(request.user, int(request.GET.get("household") or 0))
    industries = selectors.industries(request.user).filter(county_code=household.county_code, active=True)
    form = forms.ParticipationForm(request.POST or None, industries=industries,
                                   initial={"industry": request.GET.get("industry")})

    def perform(form):
        actions.add_participation(actor=request.user, household=household, **form.cleaned_data)

    return _form_page(request, form, perform, success=_("已登记产业。"), redirect_to=household.get_absolute_url(),
                      title=_("登记产业：%(code)s") % {"code": registry_selectors.household_caption(household)},
                      back=household.get_absolute_url())


@manage(domains.INDUSTRY)
def participation_end(request, pk):
    from fupin.programmes.models import IndustryParticipation

    participation = get_object_or_404(IndustryParticipation.objects.visible_to(request.user)
                                      .select_related("household", "industry"), pk=pk)
    form = forms.EndForm(request.POST or None)

    def perform(form):
        actions.end_participation(actor=request.user, participation=participation, **form.cleaned_data)

    return _form_page(request, form, perform, success=_("已结束。"), redirect_to=participation.household.get_absolute_url(),
                      title=_("结束产业：%(code)s %(name)s") % {"code": registry_selectors.household_caption(participation.household),
                                                            "name": participation.industry.name},
                      back=participation.household.get_absolute_url())


# --- cooperatives -----------------------------------------------------------------------------

@require(Cap.VIEW_PROGRAMMES)
def cooperative_list(request):
    form, area, year = _filters(request)
    page, query = paginate(request, selectors.cooperatives(request.user, area=area, year=year)
                           .prefetch_related("industries"))
    return render(request, "programmes/cooperative_list.html", _context(
        request, form=form, area=area, year=year, page_obj=page, query=query))


@manage(domains.INDUSTRY)
def cooperative_new(request):
    form = forms.CooperativeForm(request.POST or None, areas=selectors.area_choices(request.user),
                                 industries=selectors.industries(request.user).active())

    def perform(form):
        form.cooperative = actions.create_cooperative(actor=request.user, **form.cleaned_data)

    response = _form_page(request, form, perform, success=_("已登记合作社。"), redirect_to="programmes:cooperative_list",
                          title=_("登记合作社"), back=reverse("programmes:cooperative_list"))
    if getattr(form, "cooperative", None) is not None:
        return redirect("programmes:cooperative_detail", form.cooperative.pk)
    return response


@require(Cap.VIEW_PROGRAMMES)
def cooperative_detail(request, pk):
    cooperative = selectors.get_cooperative(request.user, pk)
    can_write = domains.may_write(request.user, domains.INDUSTRY, cooperative.division_code)
    history = request.GET.get("history") == "1"
    page, query = paginate(request, selectors.cooperative_members(request.user, cooperative, include_left=history))
    return render(request, "programmes/cooperative_detail.html", _context(
        request, cooperative=cooperative, page_obj=page, query=query, history=history,
        place=selectors.area_name(cooperative.division_code), can_write=can_write,
        dividends=cooperative.dividends.order_by("-year")))


@manage(domains.INDUSTRY)
def member_join(request, pk):
    cooperative = selectors.get_cooperative(request.user, pk)
    domains.authorize(request.user, domains.INDUSTRY, cooperative.division_code)
    form = forms.JoinForm(request.POST or None, initial={"household_code": request.GET.get("household_code", "")})

    def perform(form):
        d = dict(form.cleaned_data)
        household = registry_selectors.visible_households(request.user).filter(
            household_code=d.pop("household_code").strip()).first()
        if household is None:
            raise ValidationError({"household_code": _("在您的管辖范围内没有这个户编号。")})
        actions.join_cooperative(actor=request.user, cooperative=cooperative, household=household, **d)

    return _form_page(request, form, perform, success=_("已入股。"),
                      redirect_to=reverse("programmes:cooperative_detail", args=[pk]),
                      title=_("吸收成员入股：%(name)s") % {"name": cooperative.name},
                      back=reverse("programmes:cooperative_detail", args=[pk]))


@manage(domains.INDUSTRY)
def member_shares(request, pk):
    membership = selectors.get_membership(request.user, pk)
    domains.authorize(request.user, domains.INDUSTRY, membership.cooperative.division_code)
    form = forms.SharesForm(request.POST or None, initial={"shares": membership.shares,
                                                           "share_type": membership.share_type})
    back = reverse("programmes:cooperative_detail", args=[membership.cooperative_id])

    def perform(form):
        actions.change_shares(actor=request.user, membership=membership, **form.cleaned_data)

    return _form_page(request, form, perform, success=_("已变更股份。"), redirect_to=back, back=back,
                      title=_("变更股份：%(code)s") % {"code": registry_selectors.household_caption(membership.household)})


@manage(domains.INDUSTRY)
def member_leave(request, pk):
    membership = selectors.get_membership(request.user, pk)
    domains.authorize(request.user, domains.INDUSTRY, membership.cooperative.division_code)
    form = forms.LeaveForm(request.POST or None)
    back = reverse("programmes:cooperative_detail", args=[membership.cooperative_id])

    def perform(form):
        actions.leave_cooperative(actor=request.user, membership=membership, **form.cleaned_data)

    return _form_page(request, form, perform, success=_("已退股。"), redirect_to=back, back=back,
                      title=_("退股：%(code)s") % {"code": registry_selectors.household_caption(membership.household)})


@manage(domains.INDUSTRY)
def dividend_new(request, pk):
    cooperative = selectors.get_cooperative(request.user, pk)
    domains.authorize(request.user, domains.INDUSTRY, cooperative.division_code)
    form = forms.DividendForm(request.POST or None, initial={"year": clock.today().year - 1})

    def perform(form):
        form.dividend = actions.declare_dividend(actor=request.user, cooperative=cooperative, **form.cleaned_data)

    back = reverse("programmes:cooperative_detail", args=[pk])
    response = _form_page(request, form, perform, success=_("已宣布分红并按股份计算到户。"), redirect_to=back, back=back,
                          title=_("宣布分红：%(name)s") % {"name": cooperative.name},
                          intro=_("按宣布日期当天各户持有的股份分配，精确到分，各户分红之和等于分红总额。"))
    if getattr(form, "dividend", None) is not None:
        return redirect("programmes:dividend_detail", form.dividend.pk)
    return response


@require(Cap.VIEW_PROGRAMMES)
def dividend_detail(request, pk):
    dividend = selectors.get_dividend(request.user, pk)
    payments = selectors.dividend_payments(request.user, dividend)
    page, query = paginate(request, payments)
    from django.db.models import Count, Sum

    sums = dividend.payments.aggregate(paid=Sum("amount"), households=Count("pk"))
    return render(request, "programmes/dividend_detail.html", _context(
        request, dividend=dividend, page_obj=page, query=query, sums=sums))


# --- training ---------------------------------------------------------------------------------

@require(Cap.VIEW_PROGRAMMES)
def course_list(request):
    form, area, year = _filters(request)
    page, query = paginate(request, selectors.courses(request.user, area=area, year=year))
    return render(request, "programmes/course_list.html", _context(
        request, form=form, area=area, year=year, page_obj=page, query=query))


@manage(domains.EMPLOYMENT)
def course_new(request):
    county = home_county(request.user)
    areas = ([(county, _("全县"))] if county and request.user.get_area_scope().contains_code(county) else []) + \
        selectors.area_choices(request.user)
    initial = {"organiser": request.user.department} if request.user.department else {}
    form = forms.CourseForm(request.POST or None, areas=areas, initial=initial)

    def perform(form):
        form.course = actions.create_course(actor=request.user, **form.cleaned_data)

    response = _form_page(request, form, perform, success=_("已登记培训班。"), redirect_to="programmes:course_list",
                          title=_("登记培训班"), back=reverse("programmes:course_list"))
    if getattr(form, "course", None) is not None:
        return redirect("programmes:course_detail", form.course.pk)
    return response


@require(Cap.VIEW_PROGRAMMES)
def course_detail(request, pk):
    course = selectors.get_course(request.user, pk)
    can_write = domains.may_write(request.user, domains.EMPLOYMENT, course.division_code)
    page, query = paginate(request, selectors.course_trainees(request.user, course))
    registry_selectors.attach_heads([t.household for t in page.object_list])  # 户主 and village names
    return render(request, "programmes/course_detail.html", _context(
        request, course=course, page_obj=page, query=query, today=clock.today(),
        can_write=can_write))


@manage(domains.EMPLOYMENT)
def enroll(request, pk):
    course = selectors.get_course(request.user, pk)
    domains.authorize(request.user, domains.EMPLOYMENT, course.division_code)
    household = None
    if request.GET.get("household"):
        household = registry_selectors.get_household(request.user, int(request.GET["household"]))
    elif request.GET.get("household_code"):
        household = registry_selectors.visible_households(request.user).filter(
            household_code=request.GET["household_code"].strip()).first()
        if household is None:
            messages.error(request, _("在您的管辖范围内没有这个户编号。"))
    members = list(household.members.active().order_by("pk")) if household else []
    form = forms.EnrollForm(request.POST or None, members=members)
    back = reverse("programmes:course_detail", args=[pk])

    def perform(form):
        chosen = form.cleaned_data.get("member")
        if chosen:
            member = next(m for m in members if str(m.pk) == chosen)
        elif form.cleaned_data.get("id_number"):
            member = _member(request, form)
        else:
            raise ValidationError({"id_number": _("请填写证件号码或选择成员。")})
        actions.enroll(actor=request.user, course=course, member=member, enrolled_on=form.cleaned_data["enrolled_on"])

    return form_action(request, form, perform, success=_("已报名。"), redirect_to=back, template=FORM_PAGE,
                       context=_context(request, back=back, title=_("报名：%(name)s") % {"name": course.name},
                                        lookup=True, household=household,
                                        intro=_("填写证件号码报名，或先输入户编号，再从该户成员中选择。")))


@require_POST
@manage(domains.EMPLOYMENT)
def trainee_complete(request, pk):
    trainee = selectors.get_trainee(request.user, pk)
    form = forms.CompleteForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(errors_text(form))
        if request.POST.get("action") == "drop":
            actions.drop_trainee(actor=request.user, trainee=trainee)
        else:
            actions.complete_training(actor=request.user, trainee=trainee, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已办理：%(name)s") % {"name": trainee.member.name})
    return redirect("programmes:course_detail", trainee.course_id)


@manage(domains.EMPLOYMENT)
def certificate_new(request, pk):
    trainee = selectors.get_trainee(request.user, pk)
    domains.authorize(request.user, domains.EMPLOYMENT, trainee.course.division_code)
    form = forms.CertificateForm(request.POST or None)
    back = reverse("programmes:course_detail", args=[trainee.course_id])

    def perform(form):
        actions.issue_certificate(actor=request.user, trainee=trainee, **form.cleaned_data)

    return _form_page(request, form, perform, success=_("已登记证书。"), redirect_to=back, back=back,
                      title=_("登记证书：%(name)s") % {"name": trainee.member.name})


@require(Cap.VIEW_PROGRAMMES)
def subsidy_list(request):
    form, area, year = _filters(request)
    status_form = forms.SubsidyFilterForm(request.GET or None)
    status = status_form.cleaned_data.get("status", "") if status_form.is_valid() else ""
    page, query = paginate(request, selectors.subsidies(request.user, area=area, year=year, status=status))
    waiting = selectors.certificates(request.user, area=area, year=year, subsidy="none")[:50]
    return render(request, "programmes/subsidy_list.html", _context(
        request, form=form, status_form=status_form, area=area, year=year, page_obj=page, query=query,
        waiting=waiting, standards=selectors.subsidy_standards(request.user).order_by("-year", "kind"),
        today=clock.today()))


@require_POST
@manage(domains.EMPLOYMENT)
def subsidy_grant(request, pk):
    from fupin.programmes.models import Certificate

    certificate = get_object_or_404(Certificate.objects.visible_to(request.user).select_related("trainee__course"),
                                    pk=pk)
    try:
        actions.grant_subsidy(actor=request.user, certificate=certificate)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已核定补助：%(n)s") % {"n": certificate.number})
    return redirect(next_url(request, "programmes:subsidy_list"))


@require_POST
@manage(domains.EMPLOYMENT)
def subsidy_paid(request, pk):
    subsidy = get_object_or_404(TrainingSubsidy.objects.visible_to(request.user).select_related("member"), pk=pk)
    form = forms.PaidForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(errors_text(form))
        actions.mark_subsidy_paid(actor=request.user, subsidy=subsidy, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已标记发放。"))
    return redirect(next_url(request, "programmes:subsidy_list"))


@manage(domains.EMPLOYMENT)
def standard_set(request):
    county = home_county(request.user)
    form = forms.StandardForm(request.POST or None)

    def perform(form):
        actions.set_subsidy_standard(actor=request.user, county_code=county, **form.cleaned_data)

    return _form_page(request, form, perform, success=_("已设定补助标准。"), redirect_to="programmes:subsidy_list",
                      title=_("设定培训补助标准"), back=reverse("programmes:subsidy_list"),
                      intro=_("凭证直接补助：按发证年度和证书类型的标准，每证补助一次。"))


# --- employment and public-welfare jobs -------------------------------------------------------

@require(Cap.VIEW_PROGRAMMES)
def employment_list(request):
    form, area, _year = _filters(request)
    current = request.GET.get("current") == "1"
    after = request.GET.get("after_training") == "1"
    page, query = paginate(request, selectors.employments(request.user, area=area, current=current,
                                                          after_training=after))
    registry_selectors.attach_heads([e.household for e in page.object_list])  # 户主 and village names
    return render(request, "programmes/employment_list.html", _context(
        request, form=form, area=area, page_obj=page, query=query, current=current, after=after,
        end_form=forms.EndDateForm()))


@manage(domains.EMPLOYMENT)
def employment_new(request):
    trainee = None
    if request.GET.get("trainee"):
        trainee = selectors.get_trainee(request.user, int(request.GET["trainee"]))
    form = forms.EmploymentForm(request.POST or None)
    if trainee:  # the trainee's number is not sent to the browser: blank means the trainee
        form.fields["id_number"].required = False
        form.fields["id_number"].widget.attrs["placeholder"] = masking.mask_id_number(trainee.member.id_number)
        form.fields["id_number"].help_text = _("留空即为该学员")

    def perform(form):
        d = dict(form.cleaned_data)
        d.pop("trainee", None)
        member = trainee.member if trainee and not d.get("id_number") else _member(request, form)
        d.pop("id_number")
        actions.record_employment(actor=request.user, member=member,
                                  trainee=trainee if trainee and trainee.member_id == member.pk else None, **d)

    return _form_page(request, form, perform, success=_("已登记就业。"), redirect_to="programmes:employment_list",
                      title=_("登记就业") + (f"：{trainee.member.name}（{trainee.course.name}）" if trainee else ""),
                      back=reverse("programmes:employment_list"))


@require_POST
@manage(domains.EMPLOYMENT)
def employment_end(request, pk):
    employment = get_object_or_404(Employment.objects.visible_to(request.user), pk=pk)
    form = forms.EndDateForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(errors_text(form))
        actions.end_employment(actor=request.user, employment=employment, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已登记离职。"))
    return redirect(next_url(request, "programmes:employment_list"))


@require(Cap.VIEW_PROGRAMMES)
def job_list(request):
    form, area, _year = _filters(request)
    current = request.GET.get("all") != "1"
    page, query = paginate(request, selectors.welfare_jobs(request.user, area=area, current=current))
    registry_selectors.attach_heads([j.household for j in page.object_list])  # 户主 and village names
    return render(request, "programmes/job_list.html", _context(
        request, form=form, area=area, page_obj=page, query=query, current=current))


@manage(domains.EMPLOYMENT)
def job_new(request):
    form = forms.WelfareJobForm(request.POST or None, areas=selectors.area_choices(request.user),
                                initial={"division_code": request.GET.get("division", "")})

    def perform(form):
        d = dict(form.cleaned_data)
        member = _member(request, form)
        d.pop("id_number")
        actions.add_welfare_job(actor=request.user, member=member, **d)

    return _form_page(request, form, perform, success=_("已安排上岗。"), redirect_to="programmes:job_list",
                      title=_("安排公益性岗位"), back=reverse("programmes:job_list"))


@manage(domains.EMPLOYMENT)
def job_end(request, pk):
    job = get_object_or_404(PublicWelfareJob.objects.visible_to(request.user).select_related("member"), pk=pk)
    form = forms.EndForm(request.POST or None)

    def perform(form):
        actions.end_welfare_job(actor=request.user, job=job, **form.cleaned_data)

    return _form_page(request, form, perform, success=_("已登记离岗。"), redirect_to="programmes:job_list",
                      title=_("离岗：%(post)s %(name)s") % {"post": job.post, "name": job.member.name},
                      back=reverse("programmes:job_list"))


@require(Cap.VIEW_PROGRAMMES)
def zero_employment(request):
    form, area, year = _filters(request)
    on = clock.reference_day(year)
    page, query = paginate(request, selectors.zero_employment_households(request.user, area=area, on=on))
    return render(request, "programmes/zero_employment.html", _context(
        request, form=form, area=area, year=year, page_obj=page, query=query, on=on,
        age=selectors.WORKING_AGE))
