import datetime as dt
import time

import pytest
from django.utils import timezone

from fupin.core.actions import SYSTEM
from fupin.registry import actions, history
from tests.factories import HUFANG_VILLAGE, make_household, person

pytestmark = pytest.mark.django_db


def tick():
    time.sleep(0.002)
    moment = timezone.now()
    time.sleep(0.002)
    return moment


def test_the_household_as_it_was_at_each_moment(users):
    actor = users["village"]
    before_creation = tick()
    household = make_household(actor=actor, group_name="第1村民小组",
                               members=[person("son", birth=dt.date(2001, 1, 1), labour_skill="ordinary")])
    created = tick()
    son = household.members.get(relation="son")
    actions.update_member(actor=actor, member=son, changes={"labour_skill": "skilled"})
    actions.update_household(actor=actor, household=household, changes={"group_name": "第2村民小组"})
    edited = tick()
    actions.add_member(actor=actor, household=household, fields=person("daughter_in_law", sex="2"))
    actions.move_household(actor=users["township"], household=household, division_code=HUFANG_VILLAGE,
                           reason="搬迁")
    moved = tick()
    # The household now lies outside the village cadre's area: the township acts.
    actions.remove_member(actor=users["township"], member=son, reason_code="moved_out")

    assert not history.as_of(household, before_creation).existed

    at_creation = history.as_of(household, created)
    assert at_creation.existed
    assert at_creation.household["group_name"] == "第1村民小组"
    assert [m["relation"] for m in at_creation.members] == ["head", "son"]
    assert at_creation.members[1]["labour_skill"] == "ordinary"

    after_edit = history.as_of(household, edited)
    assert after_edit.household["group_name"] == "第2村民小组"
    assert after_edit.members[1]["labour_skill"] == "skilled"
    assert len(after_edit.members) == 2

    after_move = history.as_of(household, moved)
    assert after_move.household["division"] == HUFANG_VILLAGE
    assert {m["relation"] for m in after_move.members} == {"head", "son", "daughter_in_law"}
    assert all(m["status"] == "active" for m in after_move.members)

    now = history.as_of(household, tick())
    son_now = next(m for m in now.members if m["relation"] == "son")
    assert son_now["status"] == "removed"


def test_incomes_as_they_were(users):
    household = make_household()
    actions.set_income(actor=SYSTEM, household=household, year=2023, values={"wage_income": 1000})
    first = tick()
    actions.set_income(actor=SYSTEM, household=household, year=2023, values={"wage_income": 2000})
    assert history.as_of(household, first).incomes[0]["wage_income"] == "1000"
    assert history.as_of(household, tick()).incomes[0]["wage_income"] == "2000"


def test_bulk_loaded_households_exist_from_their_creation_time(users):
    household = make_household()
    assert history.as_of(household, household.created_at + dt.timedelta(seconds=1)).existed
    assert not history.as_of(household, household.created_at - dt.timedelta(days=1)).existed


def test_history_lists_changes_with_labels_and_masks_personal_numbers(users):
    household = make_household(members=[person("son", birth=dt.date(2001, 1, 1))])
    son = household.members.get(relation="son")
    actions.update_member(actor=users["village"], member=son, changes={"labour_skill": "skilled"})
    actions.update_household(actor=users["village"], household=household, changes={"phone": "13812345678"})
    events = [e for e in history.events(household) if e.verb.endswith(".update")]
    rows = {label: (old, new) for e in events for label, old, new in history.describe_changes(e)}
    assert rows["劳动技能"] == ("普通劳动力", "技能劳动力")
    assert rows["联系电话"][1] == "138****5678"
