import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from fupin.core.actions import SYSTEM
from fupin.core.models import AuditEvent
from fupin.registry import actions
from fupin.registry.models import Household, Member
from tests.factories import HUFANG_VILLAGE, JIANYUAN, TANXI_VILLAGE, id_for, make_household, person

pytestmark = pytest.mark.django_db


def test_creating_a_household_registers_the_head_and_records_events(users):
    actor = users["village"]
    household = make_household(actor=actor, group_name="第3村民小组")
    assert household.county_code == "361022"
    assert household.household_code.startswith(JIANYUAN)
    assert household.size == 1
    head = household.members.get()
    assert head.relation == "head" and head.division_code == JIANYUAN
    verbs = list(AuditEvent.objects.filter(household_id=household.pk).values_list("verb", flat=True))
    assert verbs == ["household.create", "member.add"]
    event = AuditEvent.objects.get(household_id=household.pk, verb="household.create")
    assert event.actor == actor and event.before is None and event.after["group_name"] == "第3村民小组"


def test_sex_and_birth_date_come_from_the_id(users):
    household = make_household(head=person("head", sex="2", birth=dt.date(1970, 8, 1)))
    head = household.members.get()
    assert head.sex == "2" and head.birth_date >= dt.date(1970, 8, 1)


def test_a_person_can_only_belong_to_one_household(users):
    first = make_household()
    taken = first.members.get().id_number
    with pytest.raises(ValidationError) as err:
        make_household(village=HUFANG_VILLAGE, head=person("head", id_number=taken))
    assert "id_number" in err.value.message_dict
    assert first.household_code in err.value.message_dict["id_number"][0]
    assert Household.objects.count() == 1


def test_the_database_also_refuses_a_second_active_record_of_one_id(users):
    household = make_household()
    head = household.members.get()
    clone = Member(household=household, county_code=head.county_code, division_code=head.division_code,
                   name="重复", sex=head.sex, birth_date=head.birth_date, id_number=head.id_number, relation="son")
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_member_changes_are_checked_and_recorded_with_before_and_after(users):
    household = make_household(members=[person("spouse", sex="2")])
    wife = household.members.get(relation="spouse")
    actions.update_member(actor=users["village"], member=wife, changes={"labour_skill": "skilled"},
                          reason="参加培训取得证书")
    event = AuditEvent.objects.filter(verb="member.update").get()
    assert event.before == {"labour_skill": "ordinary"} and event.after == {"labour_skill": "skilled"}
    assert event.reason == "参加培训取得证书"
    with pytest.raises(ValidationError) as err:
        actions.update_member(actor=users["village"], member=wife, changes={"education": "", "schooling": ""})
    assert "education" in err.value.message_dict
    wife.refresh_from_db()
    assert wife.education == "junior"


def test_a_corrected_id_brings_its_own_sex_and_birth_date(users):
    household = make_household(members=[person("son", sex="1", birth=dt.date(2000, 1, 1))])
    son = household.members.get(relation="son")
    new_id = id_for(dt.date(2001, 2, 3), "1")
    actions.update_member(actor=users["village"], member=son, changes={"id_number": new_id.lower()})
    son.refresh_from_db()
    assert son.id_number == new_id and son.birth_date.year == 2001


def test_a_second_spouse_or_head_is_refused(users):
    household = make_household(members=[person("spouse", sex="2")])
    with pytest.raises(ValidationError):
        actions.add_member(actor=users["village"], household=household, fields=person("spouse", sex="2"))
    with pytest.raises(ValidationError):
        actions.add_member(actor=users["village"], household=household, fields=person("head"))
    assert household.members.count() == 2


def test_removing_a_member_keeps_the_record_and_frees_the_id(users):
    household = make_household(members=[person("daughter", sex="2", birth=dt.date(1998, 1, 1))])
    daughter = household.members.get(relation="daughter")
    actions.remove_member(actor=users["village"], member=daughter, reason_code="married_out",
                          removed_on=dt.date(2024, 5, 1), note="嫁到潭溪乡")
    daughter.refresh_from_db()
    household.refresh_from_db()
    assert daughter.status == "removed" and daughter.removal_reason == "married_out"
    assert household.size == 1
    # She can now be registered in her husband's household.
    other = make_household(village=TANXI_VILLAGE)
    actions.add_member(actor=SYSTEM, household=other, fields={**person("spouse", sex="2"), "id_number": daughter.id_number},
                       join_reason="married_in")
    assert Member.objects.filter(id_number=daughter.id_number).count() == 2


def test_the_head_cannot_be_removed_directly(users):
    household = make_household()
    with pytest.raises(ValidationError):
        actions.remove_member(actor=users["village"], member=household.members.get(), reason_code="death")


def test_changing_the_head_rewrites_relations(users):
    household = make_household(members=[person("son", birth=dt.date(1995, 1, 1)),
                                        person("spouse", sex="2")])
    old_head = household.members.get(relation="head")
    son = household.members.get(relation="son")
    wife = household.members.get(relation="spouse")
    with pytest.raises(ValidationError):  # the old head needs a new relation
        actions.change_head(actor=users["village"], household=household, new_head=son, relations={})
    actions.change_head(actor=users["village"], household=household, new_head=son,
                        relations={old_head.pk: "father", wife.pk: "mother"}, reason="原户主年迈")
    assert sorted(household.members.values_list("relation", flat=True)) == ["father", "head", "mother"]
    son.refresh_from_db()
    assert son.relation == "head"
    assert AuditEvent.objects.filter(verb="household.change_head").count() == 3


def test_moving_a_household_moves_its_members(users):
    household = make_household(members=[person("spouse", sex="2")])
    actions.move_household(actor=users["township"], household=household, division_code=HUFANG_VILLAGE,
                           group_name="第1村民小组", reason="易地搬迁")
    household.refresh_from_db()
    assert household.division_id == HUFANG_VILLAGE
    assert set(household.members.values_list("division_code", flat=True)) == {HUFANG_VILLAGE}


def test_a_township_cadre_cannot_move_a_household_out_of_their_township(users):
    household = make_household()
    with pytest.raises(PermissionDenied):
        actions.move_household(actor=users["township"], household=household, division_code=TANXI_VILLAGE,
                               reason="x")


def test_closing_a_household_closes_members_and_keeps_everything(users):
    household = make_household(members=[person("spouse", sex="2")])
    actions.close_household(actor=users["village"], household=household, reason_code="all_deceased",
                            closed_on=dt.date(2024, 3, 1), note="户主及配偶均已去世")
    household.refresh_from_db()
    assert household.status == "removed" and household.size == 0
    assert set(household.members.values_list("status", "removal_reason")) == {("removed", "household_closed")}
    with pytest.raises(ValidationError):
        actions.update_household(actor=users["village"], household=household, changes={"group_name": "x"})


def test_incomes_are_set_per_year_and_net_income_is_derived(users):
    household = make_household()
    income = actions.set_income(actor=users["village"], household=household, year=2023, values={
        "wage_income": Decimal("3000"), "business_income": Decimal("2000"), "transfer_income": Decimal("500"),
        "production_costs": Decimal("800")})
    assert income.net_income == Decimal("4700")
    actions.set_income(actor=users["village"], household=household, year=2023, values={"wage_income": Decimal("3500")})
    event = AuditEvent.objects.filter(verb="household.income").order_by("id").last()
    assert event.before == {"wage_income": "3000"} and event.after["wage_income"] == "3500"
    with pytest.raises(ValidationError):
        actions.set_income(actor=users["village"], household=household, year=2023,
                           values={"wage_income": Decimal("-1")})


def test_roles_without_the_capability_are_refused_by_the_actions(users):
    household = make_household()
    for role in ("auditor", "dept"):
        with pytest.raises(PermissionDenied):
            actions.update_household(actor=users[role], household=household, changes={"group_name": "x"})
    with pytest.raises(PermissionDenied):  # helpers correct data but do not restructure households
        actions.add_member(actor=users["helper"], household=household, fields=person("son"))
    with pytest.raises(PermissionDenied):  # not their household
        actions.update_household(actor=users["helper"], household=household, changes={"group_name": "x"})
    with pytest.raises(PermissionDenied):  # another township
        actions.update_household(actor=users["other_township"], household=household, changes={"group_name": "x"})


def test_revealing_personal_data_is_logged(users):
    household = make_household(phone="13812345678")
    value = actions.reveal_personal(actor=users["village"], obj=household, field="phone")
    assert value == "13812345678"
    event = AuditEvent.objects.get(verb="personal.reveal")
    assert event.actor == users["village"] and "138****5678" in event.summary
    with pytest.raises(PermissionDenied):
        actions.reveal_personal(actor=users["helper"], obj=household, field="phone")
    with pytest.raises(PermissionDenied):
        actions.reveal_personal(actor=users["village"], obj=household, field="group_name")


def test_village_register_and_work_team(users):
    from fupin.divisions.models import Division

    village = Division.objects.get(code=JIANYUAN)
    actions.update_village(actor=users["village"], division=village, changes={
        "poverty_status": "poor", "listed_13th_plan": True, "industry_lagging": True,
        "collective_income": Decimal("0")})
    profile = village.profile
    assert profile.listed_13th_plan and profile.village_types == ["产业发展滞后"]
    with pytest.raises(ValidationError):
        actions.update_village(actor=users["village"], division=village, changes={"poverty_status": "exited"})
    secretary = actions.add_work_team_member(actor=users["village"], division=village, fields={
        "name": "揭晓东", "role": "first_secretary", "unit": "黎川县财政局", "started_on": dt.date(2023, 3, 1)})
    with pytest.raises(ValidationError):
        actions.add_work_team_member(actor=users["village"], division=village, fields={
            "name": "饶明", "role": "first_secretary", "started_on": dt.date(2023, 4, 1)})
    actions.end_work_team_member(actor=users["village"], member=secretary, ended_on=dt.date(2025, 3, 1))
    assert AuditEvent.objects.filter(verb__startswith="workteam.").count() == 2
    with pytest.raises(PermissionDenied):
        actions.update_village(actor=users["other_township"], division=village, changes={"broadband": True})
