"""No destructive defaults, a question before a removal, and a way back: a member removed or a
household closed by mistake is restored by a recorded action within the same year."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fupin.core.models import AuditEvent
from fupin.registry import actions
from fupin.registry.models import Household, Member
from tests.conftest import login
from tests.factories import make_household, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(users):
    """黄建国's household: him, his wife and their daughter of three."""
    return make_household(head=person("head", name="黄建国"), members=[
        person("spouse", sex="2", name="李秀英", birth=dt.date(1977, 3, 3)),
        person("daughter", sex="2", name="黄小朵", birth=dt.date(2020, 6, 1), schooling="preschool_age")])


def daughter(household: Household) -> Member:
    return household.members.get(name="黄小朵")


def events(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("pk"))


# --- the forms start empty and ask before they are sent -----------------------------------------

def test_the_removal_form_starts_empty_and_asks_naming_the_person(client, users, home):
    login(client, users["village"])
    page = client.get(reverse("registry:member_remove", args=[daughter(home).pk])).content.decode()
    select = re.search(r'<select name="reason_code"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option value="([^"]*)"[^>]*selected', select) == [""]  # 请选择, not 死亡
    assert re.search(r'<input type="date" name="removed_on"[^>]*>', page).group(0).count("value=") == 0
    assert 'data-confirm="确认将 黄小朵 从该户减员（{reason_code}）？"' in page


def test_removing_without_reason_or_date_says_so_in_chinese_and_writes_nothing(client, users, home):
    login(client, users["village"])
    response = client.post(reverse("registry:member_remove", args=[daughter(home).pk]),
                           {"reason_code": "", "removed_on": "", "note": "误点"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请选择减员原因。" in page and "请填写减员日期。" in page
    assert "误点" in page  # the note as typed
    assert daughter(home).is_active and not events("member.remove")


def test_the_close_form_starts_without_a_reason_and_asks(client, users, home):
    login(client, users["village"])
    page = client.get(reverse("registry:household_close", args=[home.pk])).content.decode()
    select = re.search(r'<select name="reason_code"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option value="([^"]*)"[^>]*selected', select) == [""]
    assert f'data-confirm="确认注销户 黄建国 · 枧源村委会 · {home.household_code}（{{reason_code}}）？全户成员将随户注销。"' in page


# --- restoring a member -------------------------------------------------------------------------

def test_a_member_removed_by_mistake_is_restored_with_an_event(users, home, clock):
    child = daughter(home)
    actions.remove_member(actor=users["village"], member=child, reason_code="death", removed_on=clock.today())
    home.refresh_from_db()
    assert home.size == 2

    actions.restore_member(actor=users["village"], member=child, reason="误点减员，核实本人健在")
    child.refresh_from_db()
    home.refresh_from_db()
    assert child.is_active and child.removal_reason == "" and child.removed_on is None
    assert home.size == 3
    (event,) = events("member.restore")
    assert event.reason == "误点减员，核实本人健在" and event.household_id == home.pk
    assert event.summary == "恢复成员 黄小朵（撤销减员：死亡）"
    assert event.before["status"] == "removed" and event.after["status"] == "active"
    assert events("member.remove")  # the removal stays in the history


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_restore_needs_a_reason(users, home, reason):
    child = daughter(home)
    actions.remove_member(actor=users["village"], member=child, reason_code="death")
    with pytest.raises(ValidationError, match="请填写恢复原因"):
        actions.restore_member(actor=users["village"], member=child, reason=reason)
    child.refresh_from_db()
    assert not child.is_active and not events("member.restore")


def test_a_removal_of_a_year_that_ended_stays(users, home, clock):
    child = daughter(home)
    actions.remove_member(actor=users["village"], member=child, reason_code="moved_out", removed_on=clock.today())
    clock.advance((dt.date(clock.today().year, 12, 31) - clock.today()).days + 1)  # the first day of next year
    with pytest.raises(ValidationError, match=rf"该次减员发生在 {clock.today().year - 1} 年，该年度已结束，不能恢复"):
        actions.restore_member(actor=users["village"], member=child, reason="误点")
    child.refresh_from_db()
    home.refresh_from_db()
    assert not child.is_active and home.size == 2 and not events("member.restore")


def test_a_person_moved_into_another_household_since_is_not_restored(users, home):
    child = daughter(home)
    actions.remove_member(actor=users["village"], member=child, reason_code="moved_out")
    other = make_household(head=person("head", name="黄建军", birth=dt.date(1980, 1, 1)))
    fields = {f: getattr(child, f) for f in actions.MEMBER_FIELDS} | {"relation": "other"}
    actions.add_member(actor=users["village"], household=other, fields=fields, join_reason="moved_in")
    with pytest.raises(ValidationError, match=f"黄小朵 此后已转入户 {other.household_code}，不能恢复到本户"):
        actions.restore_member(actor=users["village"], member=child, reason="误点")
    child.refresh_from_db()
    assert not child.is_active and not events("member.restore")


def test_restoring_is_refused_to_those_outside_and_for_active_members(users, home):
    child = daughter(home)
    with pytest.raises(ValidationError, match="黄小朵 在册，无需恢复"):
        actions.restore_member(actor=users["village"], member=child, reason="误点")
    actions.remove_member(actor=users["village"], member=child, reason_code="death")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.restore_member(actor=users["other_township"], member=child, reason="误点")
    assert not events("member.restore")


# --- reopening a household ----------------------------------------------------------------------

def test_a_closed_household_is_reopened_with_the_members_closed_with_it(users, home):
    child = daughter(home)
    actions.remove_member(actor=users["village"], member=child, reason_code="married_out")
    actions.close_household(actor=users["village"], household=home, reason_code="moved_away", note="整户迁出")
    actions.reopen_household(actor=users["village"], household=home, reason="迁出未落实")
    home.refresh_from_db()
    child.refresh_from_db()
    assert home.is_active and home.close_reason == "" and home.closed_on is None and home.size == 2
    assert set(home.members.active().values_list("name", flat=True)) == {"黄建国", "李秀英"}
    assert not child.is_active  # removed on its own before the close: stays removed
    (event,) = events("household.reopen")
    assert event.reason == "迁出未落实" and event.before["status"] == "removed"
    assert len(events("member.restore")) == 2


def test_reopening_is_refused_after_the_year_and_for_a_merged_household(users, home, clock):
    actions.close_household(actor=users["village"], household=home, reason_code="moved_away", note="整户迁出",
                            closed_on=clock.today())
    clock.advance((dt.date(clock.today().year, 12, 31) - clock.today()).days + 1)
    with pytest.raises(ValidationError, match=rf"该次销户发生在 {clock.today().year - 1} 年，该年度已结束，不能恢复"):
        actions.reopen_household(actor=users["village"], household=home, reason="迁出未落实")
    home.refresh_from_db()
    assert not home.is_active and not events("household.reopen") and not events("member.restore")

    source = make_household(head=person("head", name="吴国庆", birth=dt.date(1960, 1, 1)))
    target = make_household(head=person("head", name="吴建华", birth=dt.date(1985, 2, 2)))
    actions.merge_households(actor=users["village"], source=source, target=target,
                             relations={source.members.get().pk: "father"})
    with pytest.raises(ValidationError, match="合户并入其他户"):
        actions.reopen_household(actor=users["village"], household=source, reason="误合")
    assert not events("household.reopen")


# --- the card's buttons and the restore page ----------------------------------------------------

def test_the_card_offers_the_restore_and_the_page_restores(client, users, home):
    child = daughter(home)
    actions.remove_member(actor=users["village"], member=child, reason_code="death")
    login(client, users["village"])
    card = client.get(home.get_absolute_url()).content.decode()
    assert f'data-testid="restore-member-{child.pk}"' in card
    url = reverse("registry:member_restore", args=[child.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "请填写恢复原因。" in response.content.decode()
    assert not Member.objects.get(pk=child.pk).is_active
    response = client.post(url, {"reason": "误点减员"})
    assert response.status_code == 302 and Member.objects.get(pk=child.pk).is_active

    login(client, users["auditor"])  # reads everything, changes nothing: no button
    child.refresh_from_db()
    actions.remove_member(actor=users["village"], member=child, reason_code="death")
    assert f'data-testid="restore-member-{child.pk}"' not in client.get(home.get_absolute_url()).content.decode()


def test_the_card_of_a_closed_household_offers_to_reopen_it(client, users, home):
    actions.close_household(actor=users["village"], household=home, reason_code="moved_away", note="整户迁出")
    login(client, users["village"])
    assert 'data-testid="reopen-household"' in client.get(home.get_absolute_url()).content.decode()
    response = client.post(reverse("registry:household_reopen", args=[home.pk]), {"reason": "迁出未落实"})
    assert response.status_code == 302
    home.refresh_from_db()
    assert home.is_active and home.size == 3


def test_the_year_ends_at_its_close_not_on_the_calendar(client, users, home, clock):
    """The county's working year, not the calendar, bounds the way back: in January a removal of last
    December is still undone while that year is open (the card offers it), and no longer once the
    county closed the year (关账)."""
    from fupin.workflows.models import WorkYear, YearStatus

    year = clock.today().year
    work_year = WorkYear.objects.create(county_code=home.county_code, year=year)
    child = daughter(home)
    actions.remove_member(actor=users["village"], member=child, reason_code="moved_out", removed_on=clock.today())
    clock.advance((dt.date(year, 12, 31) - clock.today()).days + 1)  # 1 January of the next year
    assert actions.undoable(child.removed_on, home.county_code)
    login(client, users["village"])
    restore = reverse("registry:member_restore", args=[child.pk])
    assert restore in client.get(home.get_absolute_url()).content.decode()

    WorkYear.objects.filter(pk=work_year.pk).update(status=YearStatus.CLOSED)
    assert restore not in client.get(home.get_absolute_url()).content.decode()
    with pytest.raises(ValidationError, match=rf"该次减员发生在 {year} 年，该年度已结束"):
        actions.restore_member(actor=users["village"], member=child, reason="误点")
    assert not events("member.restore")

    WorkYear.objects.filter(pk=work_year.pk).update(status=YearStatus.OPEN)
    actions.restore_member(actor=users["village"], member=child, reason="核实未迁出")
    child.refresh_from_db()
    assert child.is_active
