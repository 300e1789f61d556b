"""Signing in the way a user does, shared by the browser tests."""

from playwright.sync_api import expect

from tests import factories


def login(page, live_server, username: str, password: str = factories.PASSWORD) -> None:
    """Sign ``username`` in on ``page`` and wait until the login form is gone."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("[data-testid=login]")
    expect(page.locator("[data-testid=login]")).to_have_count(0)
