"""The welfare demo on a small generated county: plausible, consistent, with deliberate gaps."""

import pytest
from django.db.models import F, Q, Sum

from fupin.demo import accounts, generator
from fupin.registry.models import Household, Member
from fupin.welfare import demo, selectors
from fupin.welfare.models import (
    CharityMatch,
    CharityNeed,
    CharityOffer,
    DisabilitySubsidy,
    EducationAid,
    HouseRenovation,
    MedicalAid,
    PremiumSubsidy,
    Relocation,
    RelocationSite,
    WelfareStandard,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(lichuan):
    users = accounts.ensure_accounts()
    generator.generate(generator.DemoConfig(households=1200, seed=5), helper_user_id=users["helper"].pk)
    line = demo.generate(county_code="361022", seed=5, users=users)
    return users, line


def test_demo_fills_every_table_with_gaps_left(county):
    users, line = county
    assert line.startswith("保障与社会帮扶：2023 年标准")
    standard = WelfareStandard.objects.get(region_code="361022", year=2023)
    assert "演示数据" in standard.notes
    safety_net = Member.objects.filter(Q(dibao=True) | Q(tekun=True), status="active").count()
    assert 0.8 * safety_net <= PremiumSubsidy.objects.count() < safety_net
    assert MedicalAid.objects.exists()
    assert not MedicalAid.objects.filter(
        total_cost__lt=F("basic_paid") + F("critical_paid") + F("aid_amount")).exists()
    assert EducationAid.objects.exists() and DisabilitySubsidy.objects.exists()
    county_user = users["county"]
    overview = selectors.guarantee_overview(county_user, "", 2023)
    assert overview["premium_missing"] > 0 and overview["education_missing"] > 0
    assert overview["living_missing"] + overview["care_missing"] > 0
    # education aid never above the stage's yearly amount
    for row in EducationAid.objects.values("member_id", "stage").annotate(total=Sum("amount")):
        assert row["total"] <= standard.education_amount(row["stage"])
    # renovations: the renovated houses have an accepted record; some C/D houses are left untouched
    renovated = Household.objects.filter(house_grade__in=["C", "D"], house_renovated=True).count()
    assert HouseRenovation.objects.filter(status="accepted").count() == renovated
    assert HouseRenovation.objects.filter(status__in=["started", "completed"]).exists()
    assert selectors.unrenovated(county_user).filter(under_way=False).exists()
    # relocation: two sites within capacity; moved-in households are the relocated ones
    assert RelocationSite.objects.count() == 2
    for site in selectors.sites(county_user):
        assert site.occupied <= site.capacity
    assert Relocation.objects.filter(status="moved_in").count() == Household.objects.filter(relocated=True).count()
    # charity: a dozen needs, matched within both remainders, some fulfilled and some open
    assert CharityNeed.objects.count() == 12 and CharityOffer.objects.count() == 6
    assert CharityMatch.objects.filter(status="fulfilled").exists()
    assert CharityNeed.objects.filter(status="open").exists()
    for need in CharityNeed.objects.all():
        assert need.matched_amount <= need.amount
    for offer in CharityOffer.objects.all():
        assert offer.matched_amount <= offer.amount


def test_demo_is_deterministic(county):
    first = list(PremiumSubsidy.objects.order_by("member_id").values_list("member_id", "paid_on")[:100])
    for table in demo.TABLES:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")
    users, _line = county
    demo.generate(county_code="361022", seed=5, users=users)
    assert list(PremiumSubsidy.objects.order_by("member_id").values_list("member_id", "paid_on")[:100]) == first
