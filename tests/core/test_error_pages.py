"""403, 404 and 500 in Chinese: the first two inside the app's layout (header, menu, the user), with a way
back; the 500 page on its own, so that it shows even when the database or the templates' context fail.
And the icon every page asks for (/favicon.ico)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.conftest import login


@pytest.mark.django_db
def test_a_404_for_a_logged_in_user_is_chinese_with_the_header_and_a_way_back(client, users):
    login(client, users["county"])
    response = client.get("/households/999999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'data-testid="error-404"' in html and "没有找到" in html and '<html lang="zh-hans"' in html
    assert 'class="navbar' in html and 'data-testid="current-user"' in html  # the app's header, the user
    assert "data-back" in html and "返回上一页" in html and f'href="{reverse("web:home")}"' in html
    assert "Not Found" not in html


@pytest.mark.django_db
def test_a_403_says_why_inside_the_layout(client, users):
    login(client, users["dept"])
    response = client.get(reverse("assistance:worklist"))
    html = response.content.decode()
    assert response.status_code == 403
    assert 'data-testid="error-403"' in html and 'data-testid="current-user"' in html and "返回上一页" in html
    assert "Forbidden" not in html


def test_the_500_page_needs_no_database_or_context():
    """No django_db mark: a query would fail the test."""
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "系统出错" in html and 'href="/"' in html and "Server Error" not in html


@pytest.mark.django_db
def test_the_favicon_is_there_for_every_page(client, users):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200 and response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an .ico
    login(client, users["county"])
    assert 'rel="icon" href="/static/fupin/favicon.ico"' in client.get(reverse("web:home"), follow=True).content.decode()
