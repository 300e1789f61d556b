import os
from decimal import Decimal

import pytest
from hypothesis import settings as hypothesis_settings

from fupin.core.actions import SYSTEM
from tests import factories

# No per-example deadline: the suite shares two cores with a database server, and a first example
# that waits for the CPU is not a failure of the property.
hypothesis_settings.register_profile("fupin", deadline=None)
hypothesis_settings.load_profile("fupin")


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _domain_clock_forgets():
    """The stored day of the domain clock (core.clock.stored_today) is read again in every test: a test
    that stored one (the demo) leaves nothing behind once its database is rolled back or flushed."""
    from fupin.core import clock as domain_clock

    domain_clock.reset()
    yield
    domain_clock.reset()


@pytest.fixture(autouse=True)
def _kept_figures_forget():
    """The kept figures (core.kept) are keyed by the county's last audit event id: a rolled-back test's
    ids are used again on SQLite, so no test sees another's kept rows."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock():
    """The domain clock, movable by days: clock.advance(7)."""
    import datetime as dt

    from fupin.core import clock as domain_clock

    class Clock:
        def __init__(self):
            self.days = 0

        def advance(self, days: int):
            self.days += days
            domain_clock.set_offset(dt.timedelta(days=self.days))

        def today(self):
            return domain_clock.today()

    yield Clock()
    domain_clock.reset()


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
        "finance": factories.make_user(Role.DEPARTMENT, factories.COUNTY, "finance", department="finance"),
        "agri": factories.make_user(Role.DEPARTMENT, factories.COUNTY, "agri", department="agriculture"),
    }


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def rules(lichuan):
    """A published 2023 rule set for Lichuan: line 4,000, monitoring 6,000, province income 20,000."""
    from fupin.targeting import actions
    from fupin.targeting.defaults import ensure_national
    from fupin.targeting.models import RuleSet

    ensure_national(RuleSet)
    national = RuleSet.objects.get(region_code="", year=2021)
    rule_set = actions.copy_rule_set(actor=SYSTEM, source=national, region_code="361022", year=2023)
    actions.update_rule_set(actor=SYSTEM, rule_set=rule_set, changes={
        "income_line": Decimal(4000), "monitoring_threshold": Decimal(6000), "food_min_income": Decimal(2300),
        "province_rural_income": Decimal(20000), "county_rural_income": Decimal(18000),
        "province_poverty_rate": Decimal(5)})
    return actions.publish_rule_set(actor=SYSTEM, rule_set=rule_set)


if os.environ.get("FUPIN_TEST_CITUS") == "1":
    @pytest.fixture(scope="session")
    def django_db_setup(django_db_blocker):
        """On the Citus cluster the tests run in the database DATABASE_URL names, prepared beforehand
        (``cluster.sh createdb``, ``fupin migrate``, ``fupin citus distribute``: see `make test-citus`):
        Citus's databases need the extension and the worker nodes, which a test database created by
        Django would not have. Each test still runs in its own transaction, rolled back after it."""
        from fupin.core import citus

        with django_db_blocker.unblock():
            assert citus.is_citus() and citus.status()["distributed"], "run fupin citus distribute first"
        yield
