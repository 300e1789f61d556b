"""Pages of the registers. Each view reads through selectors (scoped) and writes through one action."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.accounts.models import User
from fupin.accounts.roles import Cap, Role
from fupin.core import clock
from fupin.core.forms import route_errors
from fupin.core.scope import home_county
from fupin.core.views import form_action, paginate, require
from fupin.divisions.models import Division, Level
from fupin.registry import actions, card, forms, history, selectors
from fupin.registry.models import Household, Member, WorkTeamMember


def _bind(request, form_class, **kwargs):
    return form_class(request.POST or None, **kwargs)


# --- lists ------------------------------------------------------------------------------------

def _filters(request, form_class):
    """The filter form of a list, with the village choices under the current area."""
    area = request.GET.get("area", "")
    division = selectors.visible_division(request.user, area) if area else None
    form = form_class(request.GET or None)
    if division is None or division.level < Level.VILLAGE:
        form.add_area_choices(selectors.area_tree(request.user, area))
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    if data.get("village"):
        area = data["village"]
    return form, data, area, division


@require(Cap.VIEW_REGISTRY)
def household_list(request):
    form, data, area, division = _filters(request, forms.HouseholdFilterForm)
    status = data.get("status") or "active"
    qs = selectors.household_list(
        request.user, area=area, q=data.get("q", ""), household_type=data.get("household_type", ""),
        attribute=data.get("attribute", ""), cause=data.get("cause", ""), status="" if status == "all" else status,
    )
    page, query = paginate(request, qs)
    if selectors.classify_query(data.get("q", "")).kind == "code" and page.number == 1 \
            and len(page.object_list) == 1:
        return redirect(page.object_list[0])  # a 户编号 names one household: open its card
    page.object_list = selectors.attach_heads(page.object_list)
    return render(request, "registry/household_list.html", {
        "form": form, "page_obj": page, "query": query, "division": division,
        "crumbs": selectors.breadcrumbs(division, request.user) if division else [], "nav_active": "households",
        "can_create": request.user.can(Cap.RESTRUCTURE) and division is not None and division.level == Level.VILLAGE,
    })


@require(Cap.VIEW_REGISTRY)
def member_list(request):
    form, data, area, division = _filters(request, forms.MemberFilterForm)
    qs = selectors.member_list(request.user, area=area, q=data.get("q", ""),
                               labour_skill=data.get("labour_skill", ""), schooling=data.get("schooling", ""),
                               health=data.get("health", ""))
    page, query = paginate(request, qs)
    return render(request, "registry/member_list.html", {
        "form": form, "page_obj": page, "query": query, "division": division,
        "crumbs": selectors.breadcrumbs(division, request.user) if division else [], "nav_active": "members",
        "today": clock.today(),
    })


# --- the household card -----------------------------------------------------------------------

@require(Cap.VIEW_REGISTRY)
def household_detail(request, pk):
    household = selectors.get_household(request.user, pk)
    user = request.user
    context = {
        "household": household,
        "members": selectors.household_members(household),
        "incomes": selectors.household_incomes(household),
        "groups": forms.HOUSEHOLD_GROUPS,
        "crumbs": [*selectors.breadcrumbs(household.division, request.user), household.division],
        "can_edit": user.can(Cap.EDIT_REGISTRY) and household.is_active,
        "can_restructure": user.can(Cap.RESTRUCTURE) and household.is_active,
        "can_restore": user.can(Cap.RESTRUCTURE),  # undo a removal or a close of this year
        "can_reveal": user.can(Cap.REVEAL_PERSONAL),
        "can_history": user.can(Cap.VIEW_HISTORY),
        "nav_active": "households",
        "today": clock.today(),
        "this_year": clock.today().year,
        "card_sections": card.sections_for(user, household),
    }
    days = [household.closed_on, *(m.removed_on for m in context["members"])]
    context["undo_years"] = sorted({d.year for d in days if actions.undoable(d, household.county_code)})
    if context["can_history"]:
        events = list(history.events(household, with_access=user.can(Cap.VIEW_AUDIT_LOG))[:200])
        context["events"] = [(e, history.describe_changes(e)) for e in events]
        moment = _as_of(request.GET.get("as_of", ""))
        if moment:
            context["as_of"] = timezone.localtime(moment)
            context["past"] = history.as_of(household, moment)
            actions.record_history_view(actor=user, household=household, at=moment)
            context["member_model"] = Member
            context["household_model"] = Household
    return render(request, "registry/household_detail.html", context)


def _as_of(value: str) -> dt.datetime | None:
    """'2024-05-01' means the end of that day; '2024-05-01T10:30' or with seconds means that moment."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        if moment := parse_datetime(value):
            return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
        if day := parse_date(value):
            return timezone.make_aware(dt.datetime.combine(day, dt.time.max))
    except (ValueError, OverflowError):
        pass
    raise BadRequest(_("时间格式不正确：请写 2024-05-01 或 2024-05-01T10:30。"))


def _page(title, back=None, **extra) -> dict:
    return {"title": title, "back": back, "nav_active": "households", **extra}


@require(Cap.EDIT_REGISTRY)
def household_edit(request, pk):
    household = selectors.get_household(request.user, pk)
    return form_action(
        request, _bind(request, forms.HouseholdForm, instance=household),
        lambda form: actions.update_household(actor=request.user, household=household, changes=form.changes(),
                                              reason=request.POST.get("reason", "")),
        success=_("已保存户信息。"), redirect_to=household.get_absolute_url(), template="registry/form_page.html",
        context=_page(_("修改户信息：%(code)s") % {"code": selectors.household_caption(household)}, household, with_reason=True))


@require(Cap.RESTRUCTURE)
def household_new(request):
    division = selectors.visible_division(request.user, request.GET.get("village", ""))
    if division.level != Level.VILLAGE:
        raise PermissionDenied(_("请先进入一个村，再新建农户。"))
    form = _bind(request, forms.NewHouseholdForm, county_code=division.county_code)
    head = forms.MemberForm(request.POST or None, prefix="head")
    head.fields.pop("relation")
    if request.method == "POST" and form.is_valid() and head.is_valid():
        fields = form.changes()
        code = fields.pop("household_code", "")
        try:
            household = actions.create_household(actor=request.user, division_code=division.code, fields=fields,
                                                 head=head.changes(), household_code=code)
        except ValidationError as exc:
            route_errors(exc, head, form)
        else:
            messages.success(request, _("已建档：户编号 %(code)s") % {"code": household.household_code})
            return redirect(household)
    return render(request, "registry/household_new.html", {
        "form": form, "head": head, "division": division, "nav_active": "households",
        "crumbs": [*selectors.breadcrumbs(division, request.user), division],
    })


@require(Cap.EDIT_REGISTRY)
def income_edit(request, pk, year):
    household = selectors.get_household(request.user, pk)
    return form_action(
        request, _bind(request, forms.IncomeForm, instance=household.incomes.filter(year=year).first()),
        lambda form: actions.set_income(actor=request.user, household=household, year=year, values=form.changes(),
                                        reason=request.POST.get("reason", "")),
        success=_("已保存 %(y)s 年度收入。") % {"y": year}, redirect_to=household.get_absolute_url(),
        template="registry/form_page.html",
        context=_page(_("%(y)s 年度收入：%(code)s") % {"y": year, "code": selectors.household_caption(household)}, household,
                      with_reason=True))


@require(Cap.RESTRUCTURE)
def member_add(request, pk):
    household = selectors.get_household(request.user, pk)
    return form_action(
        request, _bind(request, forms.NewMemberForm),
        lambda form: actions.add_member(actor=request.user, household=household, fields=form.changes(),
                                        join_reason=form.cleaned_data["join_reason"],
                                        joined_on=form.cleaned_data["joined_on"]),
        success=_("已增加成员。"), redirect_to=household.get_absolute_url(), template="registry/form_page.html",
        context=_page(_("增加成员：%(code)s") % {"code": selectors.household_caption(household)}, household))


@require(Cap.EDIT_REGISTRY)
def member_edit(request, pk):
    member = selectors.get_member(request.user, pk)
    return form_action(
        request, _bind(request, forms.MemberForm, instance=member, editing=True),
        lambda form: actions.update_member(actor=request.user, member=member, changes=form.changes(),
                                           reason=request.POST.get("reason", "")),
        success=_("已保存 %(name)s 的信息。") % {"name": member.name}, redirect_to=member.household.get_absolute_url(),
        template="registry/form_page.html",
        context=_page(_("修改成员：%(name)s") % {"name": member.name}, member.household, with_reason=True))


@require(Cap.RESTRUCTURE)
def member_remove(request, pk):
    member = selectors.get_member(request.user, pk)
    return form_action(
        request, _bind(request, forms.RemoveMemberForm),
        lambda form: actions.remove_member(actor=request.user, member=member,
                                           reason_code=form.cleaned_data["reason_code"],
                                           removed_on=form.cleaned_data["removed_on"], note=form.cleaned_data["note"]),
        success=_("已减员：%(name)s") % {"name": member.name}, redirect_to=member.household.get_absolute_url(),
        template="registry/form_page.html",
        context=_page(_("减员：%(name)s") % {"name": member.name}, member.household, danger=True,
                      confirm=_("确认将 %(name)s 从该户减员（{reason_code}）？") % {"name": member.name}))


@require(Cap.RESTRUCTURE)
def member_restore(request, pk):
    member = selectors.get_member(request.user, pk)
    return form_action(
        request, _bind(request, forms.RestoreForm),
        lambda form: actions.restore_member(actor=request.user, member=member, reason=form.cleaned_data["reason"]),
        success=_("已恢复成员：%(name)s") % {"name": member.name}, redirect_to=member.household.get_absolute_url(),
        template="registry/form_page.html",
        context=_page(_("恢复成员：%(name)s") % {"name": member.name}, member.household, submit=_("恢复"),
                      intro=_("撤销 %(d)s 的减员（%(why)s），%(name)s 重新在册；减员记录保留在历史中。") % {
                          "d": member.removed_on or "—", "why": member.get_removal_reason_display() or "—",
                          "name": member.name},
                      confirm=_("确认恢复 %(name)s 为本户成员？") % {"name": member.name}))


@require(Cap.RESTRUCTURE)
def change_head(request, pk):
    household = selectors.get_household(request.user, pk)
    members = list(household.members.active().order_by("birth_date"))

    def perform(form):
        new_head = next(m for m in members if str(m.pk) == form.cleaned_data["new_head"])
        actions.change_head(actor=request.user, household=household, new_head=new_head, relations=form.relations(),
                            reason=form.cleaned_data["reason"])

    return form_action(
        request, _bind(request, forms.ChangeHeadForm, members=members), perform,
        success=_("已变更户主。"), redirect_to=household.get_absolute_url(), template="registry/form_page.html",
        context=_page(_("变更户主：%(code)s") % {"code": selectors.household_caption(household)}, household))


@require(Cap.RESTRUCTURE)
def household_move(request, pk):
    household = selectors.get_household(request.user, pk)
    villages = Division.objects.visible_to(request.user).filter(level=Level.VILLAGE,
                                                               county_code=household.county_code)
    return form_action(
        request, _bind(request, forms.MoveHouseholdForm, villages=villages),
        lambda form: actions.move_household(actor=request.user, household=household,
                                            division_code=form.cleaned_data["division_code"],
                                            group_name=form.cleaned_data["group_name"],
                                            reason=form.cleaned_data["reason"]),
        success=_("已迁移。"), redirect_to=household.get_absolute_url(), template="registry/form_page.html",
        context=_page(_("迁移：%(code)s") % {"code": selectors.household_caption(household)}, household))


@require(Cap.RESTRUCTURE)
def household_close(request, pk):
    household = selectors.get_household(request.user, pk)
    return form_action(
        request, _bind(request, forms.CloseHouseholdForm),
        lambda form: actions.close_household(actor=request.user, household=household,
                                             reason_code=form.cleaned_data["reason_code"],
                                             closed_on=form.cleaned_data["closed_on"], note=form.cleaned_data["note"]),
        success=_("已销户，档案保留可查。"), redirect_to=household.get_absolute_url(),
        template="registry/form_page.html",
        context=_page(_("销户：%(code)s") % {"code": selectors.household_caption(household)}, household, danger=True,
                      confirm=_("确认注销户 %(code)s（{reason_code}）？全户成员将随户注销。") % {
                          "code": selectors.household_caption(household)}))


@require(Cap.RESTRUCTURE)
def household_reopen(request, pk):
    household = selectors.get_household(request.user, pk)
    return form_action(
        request, _bind(request, forms.RestoreForm),
        lambda form: actions.reopen_household(actor=request.user, household=household,
                                              reason=form.cleaned_data["reason"]),
        success=_("已恢复该户。"), redirect_to=household.get_absolute_url(), template="registry/form_page.html",
        context=_page(_("恢复该户：%(code)s") % {"code": selectors.household_caption(household)}, household, submit=_("恢复"),
                      intro=_("撤销 %(d)s 的销户（%(why)s），该户及随户注销的成员重新在册；销户记录保留在历史中。") % {
                          "d": household.closed_on or "—", "why": household.get_close_reason_display() or "—"},
                      confirm=_("确认恢复户 %(code)s？") % {"code": selectors.household_caption(household)}))


@require(Cap.RESTRUCTURE)
def assign_helper(request, pk):
    household = selectors.get_household(request.user, pk)
    helpers = User.objects.filter(role=Role.HELPER, is_active=True).filter(
        Q(grants__prefix=household.division_id) | Q(grants__prefix=household.division_id[:9])
        | Q(grants__prefix=household.county_code)).distinct().order_by("full_name")
    if request.method == "POST":
        helper = helpers.filter(pk=request.POST.get("helper") or 0).first()
        actions.assign_helper(actor=request.user, household=household, helper=helper)
        messages.success(request, _("已更新帮扶责任人。"))
        return redirect("registry:household_detail", pk=household.pk)
    return render(request, "registry/assign_helper.html", {"household": household, "helpers": helpers,
                                                           "nav_active": "households"})


@require_POST
@require(Cap.REVEAL_PERSONAL)
def reveal(request, kind, pk, field):
    model = {"member": Member, "household": Household}.get(kind)
    if model is None:
        raise PermissionDenied
    obj = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    value = actions.reveal_personal(actor=request.user, obj=obj, field=field)
    return HttpResponse(format_html('<span class="masked" data-revealed="1">{}</span>', value or "—"))


# --- villages ---------------------------------------------------------------------------------

@require(Cap.VIEW_REGISTRY)
def village_list(request):
    villages = (Division.objects.visible_to(request.user, request.GET.get("area", ""))
                .filter(level=Level.VILLAGE).select_related("profile"))
    if request.GET.get("poor") == "1":
        villages = villages.filter(Q(profile__listed_13th_plan=True) | Q(profile__poverty_status="poor"))
    page, query = paginate(request, villages.order_by("code"), per_page=50)
    return render(request, "registry/village_list.html", {"page_obj": page, "query": query, "nav_active": "villages"})


@require(Cap.VIEW_REGISTRY)
def village_detail(request, code):
    division = selectors.visible_division(request.user, code)
    if division.level != Level.VILLAGE:
        return redirect("web:area", code=code)
    totals, _rows = selectors.area_counts(request.user, division)
    return render(request, "registry/village_detail.html", {
        "division": division, **selectors.village_register(division), "totals": totals,
        "crumbs": selectors.breadcrumbs(division, request.user), "can_edit": request.user.can(Cap.EDIT_VILLAGE),
        "nav_active": "villages",
    })


def _village_page(title, code) -> dict:
    return {"title": title, "back_url": code, "nav_active": "villages"}


@require(Cap.EDIT_VILLAGE)
def village_edit(request, code):
    division = selectors.visible_division(request.user, code)
    return form_action(
        request, _bind(request, forms.VillageProfileForm, instance=actions.village_profile(division)),
        lambda form: actions.update_village(actor=request.user, division=division, changes=form.changes(),
                                            reason=request.POST.get("reason", "")),
        success=_("已保存村册。"), redirect_to=reverse("registry:village_detail", args=[code]),
        template="registry/form_page.html",
        context={**_village_page(_("修改村册：%(v)s") % {"v": division.name}, code), "with_reason": True})


@require(Cap.EDIT_VILLAGE)
def workteam_add(request, code):
    division = selectors.visible_division(request.user, code)
    return form_action(
        request, _bind(request, forms.WorkTeamMemberForm),
        lambda form: actions.add_work_team_member(actor=request.user, division=division, fields=form.changes()),
        success=_("已登记驻村工作队员。"), redirect_to=reverse("registry:village_detail", args=[code]),
        template="registry/form_page.html",
        context=_village_page(_("登记驻村工作队员：%(v)s") % {"v": division.name}, code))


@require(Cap.EDIT_VILLAGE)
def workteam_end(request, pk):
    member = get_object_or_404(WorkTeamMember.objects.visible_to(request.user), pk=pk)
    return form_action(
        request, _bind(request, forms.EndWorkTeamForm),
        lambda form: actions.end_work_team_member(actor=request.user, member=member,
                                                  ended_on=form.cleaned_data["ended_on"]),
        success=_("已登记离任。"), redirect_to=reverse("registry:village_detail", args=[member.division_code]),
        template="registry/form_page.html",
        context=_village_page(_("驻村结束：%(n)s") % {"n": member.name}, member.division_code))


# --- the risk-type code list ------------------------------------------------------------------

@require(Cap.MANAGE_RULES)
def risk_types(request):
    county = home_county(request.user)
    form = forms.RiskTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_risk_type(actor=request.user, county_code=county, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_action_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("已新增风险类型。"))
            return redirect("registry:risk_types")
    return render(request, "registry/risk_types.html", {
        "types": selectors.risk_types(county, active=False), "form": form, "county": county,
        "nav_active": "risk_types"})


@require(Cap.MANAGE_RULES)
def risk_type_edit(request, pk):
    county = home_county(request.user)
    from fupin.registry.models import RiskType

    found = get_object_or_404(RiskType, pk=pk, region_code=county)
    form = forms.RiskTypeForm(request.POST or None, initial={
        "name": found.name, "national_code": found.national_code, "active": found.active})
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_risk_type(actor=request.user, county_code=county, risk_type=found, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_action_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("已保存风险类型。"))
            return redirect("registry:risk_types")
    return render(request, "registry/form_page.html", {
        "form": form, "title": _("修改风险类型：%(c)s") % {"c": found.code}, "nav_active": "risk_types"})
