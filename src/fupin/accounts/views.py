"""Login, logout, own password, and user management for county administrators."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.accounts import actions
from fupin.accounts.forms import LoginForm, PasswordChangeForm, ResetPasswordForm, UserForm
from fupin.accounts.models import AreaGrant, User
from fupin.accounts.roles import Cap
from fupin.core.scope import prefix_q
from fupin.core.views import paginate, require


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_own_password(user=request.user, old_password=form.cleaned_data["old_password"],
                                        new_password=form.cleaned_data["new_password"])
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            return redirect("web:home")
    return render(request, "accounts/password_change.html", {"form": form})


def _managed_users(actor):
    """Users whose grants all lie inside the actor's area."""
    users = User.objects.prefetch_related("grants").order_by("username")
    if actor.is_superuser:
        return users
    inside = Q(pk__in=[])
    for prefix in actor.area_prefixes:
        inside |= prefix_q("prefix", prefix)
    with_inside = AreaGrant.objects.filter(inside).values("user_id")
    with_outside = AreaGrant.objects.exclude(inside).values("user_id")
    return users.filter(pk__in=with_inside).exclude(pk__in=with_outside)


@require(Cap.MANAGE_USERS)
def user_list(request):
    page, query = paginate(request, _managed_users(request.user), per_page=50)
    return render(request, "accounts/user_list.html", {"page_obj": page, "query": query, "nav_active": "users"})


@require(Cap.MANAGE_USERS)
def user_new(request):
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.create_user(
                actor=request.user, username=data["username"], password=data["password"], role=data["role"],
                prefixes=form.prefix_list(), full_name=data["full_name"], phone=data["phone"],
                organisation=data["organisation"], department=data["department"],
            )
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("已创建用户 %(u)s。") % {"u": user.username})
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": _("新建用户"), "nav_active": "users"})


def _managed_user(request, pk):
    return get_object_or_404(_managed_users(request.user), pk=pk)


@require(Cap.MANAGE_USERS)
def user_edit(request, pk):
    user = _managed_user(request, pk)
    initial = {"username": user.username, "full_name": user.full_name, "role": user.role,
               "prefixes": ", ".join(user.area_prefixes), "organisation": user.organisation,
               "department": user.department, "phone": user.phone, "is_active": user.is_active}
    form = UserForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {k: data[k] for k in ("full_name", "role", "organisation", "department", "phone", "is_active")}
        try:
            actions.update_user(actor=request.user, user=user, changes=changes, prefixes=form.prefix_list())
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("已保存用户 %(u)s。") % {"u": user.username})
            return redirect("accounts:user_list")
    reset = ResetPasswordForm()
    return render(request, "accounts/user_form.html", {"form": form, "reset": reset, "managed": user,
                                                       "title": _("修改用户 %(u)s") % {"u": user.username},
                                                       "nav_active": "users"})


@require_POST
@require(Cap.MANAGE_USERS)
def user_unlock(request, pk):
    user = _managed_user(request, pk)
    actions.unlock_user(actor=request.user, user=user)
    messages.success(request, _("已解锁 %(u)s。") % {"u": user.username})
    return redirect("accounts:user_list")


@require_POST
@require(Cap.MANAGE_USERS)
def user_reset_password(request, pk):
    user = _managed_user(request, pk)
    form = ResetPasswordForm(request.POST)
    if form.is_valid():
        try:
            actions.reset_password(actor=request.user, user=user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已重置 %(u)s 的密码。") % {"u": user.username})
    return redirect("accounts:user_edit", pk=user.pk)
