import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin.assistance import rules
from fupin.assistance.models import DEVELOPMENT_CATEGORIES, Category
from fupin.core.actions import SYSTEM
from fupin.registry.models import Household
from tests.assistance.support import png
from tests.factories import make_household

TODAY = dt.date(2023, 6, 1)


def problems(**data):
    base = {"category": Category.INDUSTRY, "description": "养殖"}
    base.update(data)
    return dict(rules.check_measure(base, household_level=True, today=TODAY))


@pytest.mark.django_db
def test_needs_help_is_poor_monitored_and_exited_still_enjoying_policy(lichuan):
    poor = make_household(household_type="poor")
    monitored = make_household(household_type="monitored")
    enjoying = make_household(household_type="exited", enjoys_policy=True)
    ended = make_household(household_type="exited", enjoys_policy=False)
    ordinary = make_household(household_type="ordinary")
    helped = set(Household.objects.filter(rules.needs_help_q()).values_list("pk", flat=True))
    assert helped == {poor.pk, monitored.pk, enjoying.pk}
    assert ended.pk not in helped and ordinary.pk not in helped


@pytest.mark.django_db
def test_closed_households_need_nothing(lichuan):
    from fupin.registry import actions as registry_actions

    household = make_household(household_type="poor")
    registry_actions.close_household(actor=SYSTEM, household=household, reason_code="all_deceased",
                                     closed_on=dt.date(2023, 1, 1))
    assert not Household.objects.filter(rules.needs_help_q()).exists()


@pytest.mark.django_db
def test_a_named_helper_counts_as_a_helper(lichuan):
    named = make_household(helper_name="吴文华")
    nobody = make_household(helper_name="")
    with_helper = set(Household.objects.filter(rules.has_helper_q()).values_list("pk", flat=True))
    assert named.pk in with_helper and nobody.pk not in with_helper


@pytest.mark.parametrize("category", sorted(DEVELOPMENT_CATEGORIES))
def test_income_projects_of_development_categories_are_valid(category):
    assert problems(category=category, income_project=True, expected_income=Decimal("3000")) == {}


@pytest.mark.parametrize("category", sorted(set(Category.values) - DEVELOPMENT_CATEGORIES))
def test_an_income_project_must_be_development_type(category):
    assert "income_project" in problems(category=category, income_project=True, expected_income=Decimal("3000"))


def test_an_income_project_needs_its_expected_income():
    assert "expected_income" in problems(income_project=True)
    assert "expected_income" in problems(income_project=True, expected_income=Decimal("0"))
    assert "expected_income" in problems(expected_income=Decimal("100"))  # only income projects carry it


def test_only_household_measures_are_income_projects():
    found = dict(rules.check_measure({"category": Category.INDUSTRY, "description": "x", "income_project": True,
                                      "expected_income": Decimal(1)}, household_level=False, today=TODAY))
    assert "income_project" in found


def test_measure_fields():
    assert "category" in problems(category="bogus")
    assert "description" in problems(description="  ")
    assert "cost" in problems(cost=Decimal("-1"))
    assert "cost" in problems(cost=Decimal("1.005"))
    assert "done_on" in problems(status="done")
    assert "done_on" in problems(status="done", done_on=TODAY + dt.timedelta(days=1))
    assert "done_on" in problems(status="planned", done_on=TODAY)
    assert problems(status="done", done_on=TODAY) == {}


def test_images_are_recognised_by_content():
    assert rules.image_kind(png()) == "png"
    assert rules.image_kind(b"\xff\xd8\xff\xe0" + b"0" * 20) == "jpeg"
    assert rules.image_kind(b"RIFF\x10\x00\x00\x00WEBPVP8 ") == "webp"
    assert rules.image_kind(b"%PDF-1.4") is None
    assert rules.image_kind(b"GIF89a") is None


@given(st.binary(max_size=64).filter(lambda b: not (b.startswith(b"\xff\xd8\xff") or b.startswith(b"\x89PNG")
                                                    or (b[:4] == b"RIFF" and b[8:12] == b"WEBP"))))
def test_nothing_else_is_an_image(content):
    assert rules.image_kind(content) is None
    kind, message = rules.check_photo("x.jpg", content, max_mb=1)
    assert kind is None and message


def test_photo_size_limit():
    big = png() + b"\x00" * (1024 * 1024)
    kind, message = rules.check_photo("big.png", big, max_mb=1)
    assert kind is None and "1 MB" in message
    assert rules.check_photo("ok.png", png(), max_mb=1) == ("png", "")
