"""Authentication (session with CSRF, tokens from the page or the command; locked and inactive users
refused), the OpenAPI document and the docs page (served locally), paging and filters."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from fupin.api.models import ApiToken
from fupin.core.models import AuditEvent
from fupin.registry.models import Household
from tests import factories
from tests.api import support
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users):
    return support.build(users)


def test_schema_is_valid_openapi_with_chinese_summaries(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    document = response.json()
    validate_schema(document)
    assert document["info"]["title"] == "扶贫信息系统接口"
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert operations and all(op.get("summary") for op in operations)
    assert document["paths"]["/api/v1/households/"]["get"]["summary"] == "户列表"
    assert {"session", "tokenAuth"} <= set(document["components"]["securitySchemes"])


def test_docs_page_renders_with_local_assets(client, users):
    page = client.get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html and 'data-testid="api-docs-bar"' in html and "/api/schema/" in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200


def test_token_page_creates_shows_once_and_revokes_with_audit(client, users):
    login(client, users["township"])
    page = client.get(reverse("api:tokens")).content.decode()
    assert "您还没有接口令牌" in page and 'data-testid="api-token-create"' in page
    response = client.post(reverse("api:token_create"))
    assert response.status_code == 200
    page = response.content.decode()
    key = re.search(r'data-testid="api-new-token">([^<]+)<', page).group(1)
    stored = ApiToken.objects.get(user=users["township"])
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest() and key not in str(vars(stored))
    assert key not in client.get(reverse("api:tokens")).content.decode()  # shown once, stored nowhere
    assert AuditEvent.objects.filter(verb="api.token.create", actor=users["township"]).count() == 1
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/households/").status_code == 200
    client.post(reverse("api:token_revoke"))
    assert not ApiToken.objects.filter(user=users["township"]).exists()
    assert AuditEvent.objects.filter(verb="api.token.revoke", actor=users["township"]).count() == 1
    assert api.get("/api/v1/households/").status_code == 401
    # GET does not create or revoke
    assert client.get(reverse("api:token_create")).status_code == 405


def test_management_command_creates_and_revokes(users):
    out = io.StringIO()
    call_command("api", "token", "county", stdout=out)
    key = out.getvalue().strip()
    assert ApiToken.objects.get(user=users["county"]).key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert AuditEvent.objects.filter(verb="api.token.create", object_id=str(users["county"].pk)).exists()
    out = io.StringIO()
    call_command("api", "token", "county", "--revoke", stdout=out)
    assert "已撤销" in out.getvalue() and not ApiToken.objects.filter(user=users["county"]).exists()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("api", "token", "nobody")


def test_locked_and_inactive_users_are_refused(users):
    client = support.client_for(users["village"], token=True)
    assert client.get("/api/v1/households/").status_code == 200
    users["village"].locked_until = timezone.now() + dt.timedelta(minutes=10)
    users["village"].save()
    assert client.get("/api/v1/households/").status_code == 401
    session = support.client_for(users["township"])
    users["township"].locked_until = timezone.now() + dt.timedelta(minutes=10)
    users["township"].save()
    assert session.get("/api/v1/households/").status_code in (401, 403)
    users["helper"].is_active = False
    users["helper"].save()
    from django.core.exceptions import ValidationError

    from fupin.api import actions

    with pytest.raises(ValidationError):
        actions.create_token(actor=users["helper"], user=users["helper"])


def test_session_writes_need_the_csrf_token(users, world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users["village"])
    url = f"/api/v1/households/{world.household.pk}/"
    assert browser.get(url).status_code == 200
    refused = browser.patch(url, '{"farmland_area": "2.00"}', content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    browser.get(reverse("api:tokens"))  # sets the csrftoken cookie
    token = browser.cookies["csrftoken"].value
    ok = browser.patch(url, '{"farmland_area": "2.00"}', content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 200
    # a token client needs no CSRF token
    api = support.client_for(users["village"], token=True)
    api.enforce_csrf_checks = True
    assert api.patch(url, {"farmland_area": "2.50"}, format="json").status_code == 200


def test_pagination_and_filters(users, world, settings):
    settings.FUPIN_PAGE_SIZE = 2
    settings.FUPIN_API_MAX_PAGE_SIZE = 3
    for i in range(3):
        factories.make_household(factories.JIANYUAN, household_type="monitored",
                                 head=factories.person("head", birth=dt.date(1960 + i, 1, 1)))
    client = support.client_for(users["county"])
    first = client.get("/api/v1/households/").json()
    total = Household.objects.filter(status="active").count()
    assert first["count"] == total and not first["count_capped"] and len(first["results"]) == 2 and first["next"]
    assert len(client.get("/api/v1/households/", {"page_size": 50}).json()["results"]) == 3
    monitored = client.get("/api/v1/households/", {"household_type": "monitored", "page_size": 3}).json()
    assert monitored["count"] == 3 and {h["household_type"] for h in monitored["results"]} == {"monitored"}
    assert client.get("/api/v1/households/", {"household_type": "nonsense"}).status_code == 400
    assert client.get("/api/v1/households/", {"area": factories.TANXI}).json()["count"] == 1
    assert client.get("/api/v1/households/", {"area": "abc"}).status_code == 400
    by_cause = client.get("/api/v1/households/", {"cause": "01"}).json()
    assert by_cause["count"] == Household.objects.filter(main_cause="01").count()
    prefix = factories.JIANYUAN + "00"
    by_code = client.get("/api/v1/households/", {"q": prefix, "page_size": 3}).json()
    assert by_code["count"] == Household.objects.filter(household_code__startswith=prefix).count() > 0
    assert all(h["household_code"].startswith(prefix) for h in by_code["results"])
    by_id = client.get("/api/v1/households/", {"q": world.member.id_number}).json()
    assert [h["id"] for h in by_id["results"]] == [world.household.pk]
    ordered = client.get("/api/v1/households/", {"ordering": "-household_code", "page_size": 3}).json()["results"]
    codes = [h["household_code"] for h in ordered]
    assert codes == sorted(codes, reverse=True)
    assert client.get("/api/v1/households/99999/").status_code == 404
    settings.FUPIN_LIST_COUNT_CAP = 2
    capped = client.get("/api/v1/households/").json()
    assert capped["count"] == 3 and capped["count_capped"] and len(capped["results"]) == 2
    settings.FUPIN_LIST_COUNT_CAP = 10000
    detail = client.get(f"/api/v1/households/{world.household.pk}/").json()
    assert len(detail["members"]) == 2 and all("*" in m["id_number"] for m in detail["members"])
    # a township's tree: roots and children
    township = support.client_for(users["township"])
    assert [d["code"] for d in township.get("/api/v1/divisions/roots/").json()] == [factories.HUFANG]
    children = township.get(f"/api/v1/divisions/{factories.HUFANG}/children/", {"page_size": 3}).json()
    assert children["count"] > 3 and all(c["parent_code"] == factories.HUFANG for c in children["results"])
    villages = township.get("/api/v1/villages/", {"page_size": 3}).json()
    assert all(v["code"].startswith(factories.HUFANG) for v in villages["results"])
    # helper sees only the assigned household
    helper = support.client_for(users["helper"]).get("/api/v1/households/").json()
    assert [h["id"] for h in helper["results"]] == [world.household.pk]


def test_identification_results(users, rules):
    world = support.build_full(users)
    client = support.client_for(users["township"])
    latest = client.get(f"/api/v1/households/{world.household.pk}/identification/")
    assert latest.status_code == 200 and latest.json()["run"] == world.run.pk
    results = client.get(f"/api/v1/identification-runs/{world.run.pk}/results/").json()
    assert world.household.pk in {r["household"] for r in results["results"]}
    assert client.get(f"/api/v1/households/{world.other_household.pk}/identification/").status_code == 404


def test_a_token_expires_and_a_password_change_ends_it(client, users):
    from django.utils import timezone

    from fupin.accounts import actions as accounts
    from fupin.api import actions

    user = users["township"]
    key = actions.create_token(actor=user, user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/households/").status_code == 200
    ApiToken.objects.filter(user=user).update(expires_at=timezone.now())
    refused = api.get("/api/v1/households/")
    assert refused.status_code == 401 and "过期" in refused.content.decode()
    key = actions.create_token(actor=user, user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/households/").status_code == 200
    accounts.reset_password(actor=users["county"], user=user, password="Another-Passw0rd!")
    assert api.get("/api/v1/households/").status_code == 401
    assert AuditEvent.objects.filter(verb="api.token.revoke", summary__contains="密码已修改").exists()
