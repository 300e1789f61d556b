import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from fupin.accounts import actions
from fupin.accounts.models import User
from fupin.accounts.roles import Role
from fupin.accounts.validators import character_classes
from fupin.core.models import AuditEvent
from fupin.core.scope import scope_for
from tests.conftest import login
from tests.factories import HUFANG, JIANYUAN, PASSWORD, TANXI

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def post_login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_login_and_logout_are_recorded(client, users):
    response = post_login(client, "township", PASSWORD)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(verb="auth.login", actor=users["township"]).exists()
    client.post(reverse("accounts:logout"))
    assert AuditEvent.objects.filter(verb="auth.logout", actor=users["township"]).exists()


def test_the_account_locks_after_repeated_failures_even_for_the_right_password(client, users):
    for _ in range(settings.FUPIN_LOGIN_MAX_FAILURES):
        response = post_login(client, "township", "wrong-password")
        assert response.status_code == 200
    user = User.objects.get(username="township")
    assert user.is_locked
    response = post_login(client, "township", PASSWORD)
    assert response.status_code == 200
    locked_page = response.content.decode()
    assert "暂时限制" in locked_page
    assert AuditEvent.objects.filter(verb="auth.locked", actor=user).count() == 1
    # An administrator unlocks; the right password works again.
    actions.unlock_user(actor=users["county"], user=user)
    assert post_login(client, "township", PASSWORD).status_code == 302


def test_the_lock_expires(client, users):
    user = users["township"]
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() - timezone.timedelta(seconds=1))
    assert post_login(client, "township", PASSWORD).status_code == 302


def test_a_success_resets_the_failure_count(client, users):
    for _ in range(settings.FUPIN_LOGIN_MAX_FAILURES - 1):
        post_login(client, "township", "wrong")
    assert post_login(client, "township", PASSWORD).status_code == 302
    assert User.objects.get(username="township").failed_logins == 0


def test_unknown_usernames_fail_without_revealing_anything(client, users):
    response = post_login(client, "nobody", "x")
    assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()


def test_sessions_time_out_when_idle():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_password_rules(users):
    for weak in ["short1!", "alllowercaseletters", "1234567890123", "Password123"]:
        with pytest.raises(ValidationError):
            actions.create_user(actor=users["county"], username=f"u{len(weak)}", password=weak,
                                role=Role.VILLAGE_CADRE, prefixes=[JIANYUAN])
    actions.create_user(actor=users["county"], username="ok", password="Jianyuan#2024", role=Role.VILLAGE_CADRE,
                        prefixes=[JIANYUAN])


@given(st.text(alphabet="aZ9#", max_size=12))
def test_character_classes_are_counted(password):
    expected = sum(c in password for c in "aZ9#")
    assert character_classes(password) == expected


def test_new_users_must_change_their_password_first(client, users):
    user = actions.create_user(actor=users["county"], username="newbie", password="Temp#Pass2024",
                               role=Role.VILLAGE_CADRE, prefixes=[JIANYUAN], full_name="新人")
    login(client, user)
    assert client.get(reverse("registry:household_list"))["Location"] == reverse("accounts:password_change")
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "Temp#Pass2024", "new_password": "Better#Pass2024", "new_password2": "Better#Pass2024"})
    assert response.status_code == 302
    assert client.get(reverse("registry:household_list")).status_code == 200


def test_grants_must_fit_the_role_and_the_managers_area(users):
    with pytest.raises(ValidationError):  # a township cadre is granted a township, not a village
        actions.create_user(actor=users["county"], username="x1", password=PASSWORD, role=Role.TOWNSHIP_CADRE,
                            prefixes=[JIANYUAN])
    with pytest.raises(ValidationError):
        actions.create_user(actor=users["county"], username="x2", password=PASSWORD, role=Role.TOWNSHIP_CADRE,
                            prefixes=["361022999"])
    with pytest.raises(PermissionDenied):  # only administrators manage users
        actions.create_user(actor=users["township"], username="x3", password=PASSWORD, role=Role.VILLAGE_CADRE,
                            prefixes=[JIANYUAN])
    user = actions.create_user(actor=users["county"], username="x4", password=PASSWORD,
                               role=Role.TOWNSHIP_CADRE, prefixes=[TANXI])
    assert scope_for(user).prefixes == (TANXI,)
    actions.update_user(actor=users["county"], user=user, changes={}, prefixes=[HUFANG])
    assert scope_for(User.objects.get(pk=user.pk)).prefixes == (HUFANG,)
    assert AuditEvent.objects.filter(verb="user.update", object_id=str(user.pk)).exists()


def test_user_management_pages(client, users):
    login(client, users["county"])
    assert client.get(reverse("accounts:user_list")).status_code == 200
    response = client.post(reverse("accounts:user_new"), {
        "username": "hufang2", "full_name": "饶明", "role": "township_cadre", "prefixes": HUFANG,
        "password": "Mountain#2024x"})
    assert response.status_code == 302
    created = User.objects.get(username="hufang2")
    assert created.must_change_password and created.area_prefixes == (HUFANG,)
    response = client.post(reverse("accounts:user_new"), {
        "username": "bad", "full_name": "x", "role": "township_cadre", "prefixes": JIANYUAN, "password": "Mountain#2024x"})
    assert response.status_code == 200 and "级别与角色" in response.content.decode()
    login(client, users["township"])
    assert client.get(reverse("accounts:user_list")).status_code == 403


def test_english_switch(client, users):
    login(client, users["county"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(reverse("registry:household_list")).content.decode()
    assert 'lang="en"' in page and "Households" in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "农户名单" in client.get(reverse("registry:household_list")).content.decode()


def test_failures_read_the_same_for_unknown_wrong_and_locked(client, users):
    """The page never tells whether a username exists or is locked."""
    from fupin.accounts.forms import LoginForm

    unknown = post_login(client, "nobody-at-all", "whatever-1").content.decode()
    wrong = post_login(client, "village", "wrong-password").content.decode()
    User.objects.filter(username="county").update(locked_until=timezone.now() + timezone.timedelta(minutes=5))
    locked = post_login(client, "county", PASSWORD).content.decode()
    message = str(LoginForm.FAILED)
    assert message in unknown and message in wrong and message in locked
    assert "锁定至" not in locked


def test_one_address_is_throttled_before_it_can_lock_a_village(client, users, settings):
    """Trying many accounts from one address: after FUPIN_LOGIN_IP_MAX_FAILURES the address is
    refused without counting against the accounts, so they stay usable from elsewhere."""
    settings.FUPIN_LOGIN_IP_MAX_FAILURES = 6
    names = ["village", "helper", "township", "auditor"]
    for i in range(12):
        post_login(client, names[i % len(names)], "wrong-password", REMOTE_ADDR="10.9.8.7")
    assert not any(User.objects.get(username=n).is_locked for n in names)  # 6 tries spread over 4 accounts
    assert sum(User.objects.get(username=n).failed_logins for n in names) == 6  # the rest never reached them
    # the right password from that address is refused too; from another address it works
    assert post_login(client, "village", PASSWORD, REMOTE_ADDR="10.9.8.7").status_code == 200
    assert post_login(client, "village", PASSWORD, REMOTE_ADDR="10.1.1.1").status_code == 302


def test_the_client_address_comes_from_a_trusted_proxy_only(client, users, settings):
    from django.test import RequestFactory

    from fupin.core.security import client_ip

    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="10.0.0.99")
    assert client_ip(spoofed) == "203.0.113.5"  # no trusted proxy: the header is ignored
    settings.FUPIN_TRUSTED_PROXIES = ["192.168.0.0/24"]
    proxied = factory.get("/", REMOTE_ADDR="192.168.0.2", HTTP_X_FORWARDED_FOR="10.0.0.99, 172.16.0.3, 192.168.0.9")
    assert client_ip(proxied) == "172.16.0.3"  # the right-most address that is not a trusted proxy
