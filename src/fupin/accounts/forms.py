"""Login, password and user-management forms."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from fupin.accounts.roles import Department, Role
from fupin.core.forms import StyledForm, style_widgets


class LoginForm(auth_forms.AuthenticationForm):
    # One answer for every failure (unknown user, wrong password, locked account, throttled address):
    # the page does not tell whether a username exists or is locked.
    FAILED = _("用户名或密码不正确，或登录失败次数过多已被暂时限制。请稍后再试，或联系管理员。")
    error_messages = {**auth_forms.AuthenticationForm.error_messages, "invalid_login": FAILED, "inactive": FAILED}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def clean(self):
        from fupin.accounts import actions
        from fupin.core import security

        ip = security.client_ip(self.request) if self.request is not None else ""
        if ip and actions.address_throttled(ip):
            security.log("login_throttled", self.request, username=self.cleaned_data.get("username", ""))
            raise forms.ValidationError(self.FAILED, code="invalid_login")
        try:
            return super().clean()
        except forms.ValidationError:
            raise forms.ValidationError(self.FAILED, code="invalid_login") from None


class PasswordChangeForm(StyledForm):
    old_password = forms.CharField(label=_("原密码"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(label=_("再次输入新密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return data


class UserForm(StyledForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    prefixes = forms.CharField(label=_("管辖区域代码"), help_text=_("县 6 位、乡镇 9 位、村 12 位；多个用逗号分隔"))
    organisation = forms.CharField(label=_("单位"), max_length=100, required=False)
    department = forms.ChoiceField(label=_("部门"), choices=[("", "—"), *Department.choices], required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, required=False,
                               help_text=_("用户首次登录须修改密码"))
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["username"].disabled = True
            del self.fields["password"]
        else:
            self.fields["password"].required = True
            del self.fields["is_active"]

    def prefix_list(self) -> list[str]:
        raw = self.cleaned_data.get("prefixes", "")
        return [p.strip() for p in raw.replace("，", ",").replace(" ", ",").split(",") if p.strip()]


class ResetPasswordForm(StyledForm):
    password = forms.CharField(label=_("临时密码"), widget=forms.PasswordInput, help_text=_("用户下次登录须修改密码"))
