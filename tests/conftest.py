import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def lichuan(db):
    factories.load_lichuan()


@pytest.fixture
def users(lichuan):
    """One user per role, on the real Lichuan areas (like the demo accounts)."""
    from fupin.accounts.roles import Role

    return {
        "county": factories.make_user(Role.COUNTY_ADMIN, factories.COUNTY, "county"),
        "township": factories.make_user(Role.TOWNSHIP_CADRE, factories.HUFANG, "township"),
        "other_township": factories.make_user(Role.TOWNSHIP_CADRE, factories.TANXI, "tanxi"),
        "village": factories.make_user(Role.VILLAGE_CADRE, factories.JIANYUAN, "village"),
        "helper": factories.make_user(Role.HELPER, factories.JIANYUAN, "helper"),
        "dept": factories.make_user(Role.DEPARTMENT, factories.COUNTY, "dept", department="civil_affairs"),
        "auditor": factories.make_user(Role.AUDITOR, factories.COUNTY, "auditor"),
    }


def login(client, user):
    client.force_login(user)
    return client
