"""The programmes demo on a small generated county: plausible, exact dividends, deliberate gaps."""

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from fupin.accounts.models import User
from fupin.programmes import selectors
from fupin.programmes.models import (
    Cooperative,
    Dividend,
    Employment,
    Industry,
    IndustryParticipation,
    PublicWelfareJob,
    Trainee,
    TrainingSubsidy,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", "--households", "3000", "--seed", "7", "--no-serve")


def test_demo_programmes(demo):
    assert set(Industry.objects.values_list("name", flat=True)) >= {"烤烟", "食用菌", "香榧", "白茶", "毛竹", "水产养殖"}
    by_industry = dict(IndustryParticipation.objects.filter(year=2023).values_list("industry__name")
                       .annotate(n=Count("pk")))
    assert max(by_industry, key=by_industry.get) == "白茶"
    assert 5 <= Cooperative.objects.count() <= 21
    assert Dividend.objects.filter(year=2022).exists() and Dividend.objects.filter(year=2023).exists()
    for d in Dividend.objects.annotate(paid=Sum("payments__amount")):
        assert d.paid == d.total  # exact to the fen
    trained = Trainee.objects.filter(status="completed").count()
    assert trained > 0
    employed = Employment.objects.filter(trainee__isnull=False).count()
    assert 0.85 <= employed / trained <= 0.97
    assert TrainingSubsidy.objects.filter(status="pending").exists() and TrainingSubsidy.objects.filter(
        status="paid").exists()
    assert PublicWelfareJob.objects.exists()
    agri = User.objects.get(username="agri")
    figures = selectors.overview(agri, year=2023)
    assert figures["zero_employment"] > 0 and figures["employment_rate"] >= 85
    tea = Industry.objects.get(name="白茶")
    rows = list(selectors.industry_households(agri, tea, year=2023)[:200])
    assert any(r.shares > 0 and r.dividends > 0 for r in rows)
