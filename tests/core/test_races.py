"""Two clicks at once (PostgreSQL, real concurrent transactions, one connection per thread).

- A case's step passed by two simultaneous clicks advances once: the action locks the case row and
  reads it again; the second click finds the step it was shown already done and is refused.
- Two simultaneous edits of one household that change different fields keep both changes: each edit
  applies its own fields on the locked, fresh row.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from fupin.core.models import AuditEvent
from fupin.registry import actions as registry
from fupin.registry.models import Household
from fupin.workflows import actions as workflows
from fupin.workflows.models import Case, CaseStep
from tests.concurrency import at_once
from tests.factories import JIANYUAN, make_household
from tests.workflows.support import review, votes

pytestmark = [pytest.mark.skipif(connection.vendor != "postgresql",
                                 reason="row locks and concurrent transactions: PostgreSQL"),
              pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("clicks", [2, 6])
def test_a_step_clicked_at_once_advances_once(users, clicks):
    village = users["village"]
    home = make_household(household_type="ordinary", poverty_attribute="", main_cause="")
    case = workflows.start_case(actor=village, household=home, kind="identify", note="申请")
    workflows.act(actor=village, case=case, outcome="pass", note="评议", data=votes(review(village, JIANYUAN)))
    case.refresh_from_db()
    shown = case.step  # both users see 入户核实
    results = at_once(clicks, lambda i: workflows.act(
        actor=village, case=Case.objects.get(pk=case.pk), outcome="pass", note=f"核实 {i}", expected_step=shown))
    passed = [r for r in results.values() if isinstance(r, Case)]
    refused = [r for r in results.values() if isinstance(r, ValidationError)]
    assert len(passed) == 1 and len(refused) == clicks - 1, results
    assert all("已由他人办理" in " ".join(r.messages) for r in refused)
    case.refresh_from_db()
    assert case.step != shown
    assert CaseStep.objects.filter(case=case, step=shown, outcome="pass").count() == 1


def test_two_edits_of_one_household_keep_both_changes(users):
    home = make_household(household_type="ordinary", poverty_attribute="", main_cause="", group_name="第1组")
    edits = [{"group_name": "第3组"}, {"phone": "13912345678"}, {"farmland_area": 3}, {"safe_water": False}]
    results = at_once(len(edits), lambda i: registry.update_household(
        actor=users["village"], household=Household.objects.get(pk=home.pk), changes=edits[i], reason=f"edit {i}"))
    assert not [r for r in results.values() if isinstance(r, Exception)], results
    home.refresh_from_db()
    assert (home.group_name, home.phone, home.farmland_area, home.safe_water) == ("第3组", "13912345678", 3, False)
    assert AuditEvent.objects.filter(verb="household.update", household_id=home.pk).count() == len(edits)
