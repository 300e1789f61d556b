"""Saving an existing row updates it by its county and id and never rewrites county_code (the
distribution column on Citus, where a row stays on its county's shard)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import JIANYUAN, make_household

pytestmark = pytest.mark.django_db


def test_a_save_names_the_county_and_leaves_it_alone(users):
    household = make_household(JIANYUAN)
    household.group_name = "第5村民小组"
    with CaptureQueriesContext(connection) as queries:
        household.save()
    (update,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    where = update.split(" WHERE ", 1)[1]
    assert '"county_code"' in where and '"id"' in where
    assert '"county_code" =' not in update.split(" WHERE ", 1)[0]  # not in the SET list
    household.refresh_from_db()
    assert household.group_name == "第5村民小组"


def test_a_changed_county_is_not_written(users):
    """No code moves a row to another county; if some did, the save would not find the row (and
    Django would then try to insert it, which the primary key refuses) rather than move it."""
    from django.db import IntegrityError

    household = make_household(JIANYUAN)
    household.county_code = "360101"
    with pytest.raises(IntegrityError):
        household.save()
