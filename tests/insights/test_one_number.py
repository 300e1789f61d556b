"""One number per figure: every figure that more than one page shows is read from each page (the
``data-figure`` marks of ``core.templatetags.fupin.fig``) and must be the same everywhere.

The data is a small demo county (every app's demo data), so each figure has something to count."""

from collections import defaultdict
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

from fupin.accounts.models import User
from fupin.targeting.selectors import latest_official_run

pytestmark = [pytest.mark.django_db(transaction=True)]

COUNTY, YEAR = "361022", 2023
HUFANG = "361022201"

# Figures that must appear on at least two pages (so the test cannot pass by finding nothing).
SHARED = {
    "registered_poor_households", "registered_poor_people", "run_poor_households", "incidence", "trained",
    "trained_employed_rate", "zero_employment", "welfare_jobs", "plan_unrenovated", "plan_relocation_waiting",
    "cd_houses", "cd_renovated", "relocation_willing", "relocation_done", "reward_share", "reward_counted",
    "reward_excluded", "central_industry_fund", "mild_income_share", "moderate_income_share",
    "industry_skill_gap", "trained_target", "trained_employed_rate_target",
}


class Figures(HTMLParser):
    """(key, exact value, text shown) of every element marked ``data-figure``."""

    def __init__(self):
        super().__init__()
        self.found: list[list] = []
        self.open: list[list | None] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-figure" in attrs:
            entry = [attrs["data-figure"], attrs.get("data-value", ""), ""]
            self.found.append(entry)
            self.open.append(entry)
        else:
            self.open.append(None)

    def handle_endtag(self, tag):
        if self.open:
            self.open.pop()

    def handle_data(self, data):
        for entry in self.open:
            if entry is not None:
                entry[2] += data


def shown_agrees(exact: str, text: str) -> bool:
    """The text shown is the exact value at the precision shown (thousands separators, units dropped)."""
    text = text.strip().replace(",", "").rstrip("%").strip()
    if exact == "":
        return text in ("—", "")
    try:
        value, shown = Decimal(exact), Decimal(text)
    except InvalidOperation:
        return False
    places = -shown.as_tuple().exponent if shown.as_tuple().exponent < 0 else 0
    return value.quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP") == shown


@pytest.fixture
def demo_county(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", "--households", "1500", "--seed", "11", "--no-serve")


def pages(run, area: str) -> list[str]:
    q = f"area={area}&year={YEAR}"
    county = [f"/funds/checks/?year={YEAR}"] if area == COUNTY else []  # the fund checks are county-wide
    return [
        f"/insights/?{q}", *[f"/insights/?{q}&part={p}" for p in ("income", "results", "coverage", "training",
                                                                   "housing", "funds")],
        f"/insights/targets/?{q}", f"/insights/report/?{q}", *county,
        f"/welfare/?{q}", f"/programmes/?{q}", f"/targeting/runs/{run.pk}/register/?area={area}",
        f"/areas/{area}/",
    ]


def figures_on_pages(client, urls) -> dict[str, dict[str, set]]:
    """key -> exact value -> the pages showing it."""
    seen: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        parser = Figures()
        parser.feed(response.content.decode())
        for key, exact, text in parser.found:
            assert shown_agrees(exact, text), (url, key, exact, text)
            seen[key][exact].add(url.split("?")[0] + ("?part=" + url.split("part=")[1] if "part=" in url else ""))
    return seen


def test_every_figure_shown_on_more_than_one_page_is_the_same_everywhere(demo_county, client):
    client.force_login(User.objects.get(username="county"))
    run = latest_official_run(COUNTY, YEAR)
    seen = figures_on_pages(client, pages(run, COUNTY))
    on_several = {key for key, values in seen.items() if len(set().union(*values.values())) > 1}
    assert SHARED <= on_several, f"figures shown on one page only: {sorted(SHARED - on_several)}"
    differing = {key: {v: sorted(p) for v, p in values.items()} for key, values in seen.items() if len(values) > 1}
    assert not differing, differing
    # and the figures are not trivially empty: the demo county has something behind each
    for key in ("registered_poor_households", "run_poor_households", "trained", "reward_share", "cd_houses"):
        assert all(v not in ("", "0") for v in seen[key]), key


def test_a_townships_figures_agree_too(demo_county, client):
    """The same over one township (the county user looking at it): targets set for the township, its
    share of the register and of the run."""
    client.force_login(User.objects.get(username="county"))
    run = latest_official_run(COUNTY, YEAR)
    seen = figures_on_pages(client, pages(run, HUFANG))
    differing = {key: {v: sorted(p) for v, p in values.items()} for key, values in seen.items() if len(values) > 1}
    assert not differing, differing
    on_several = {key for key, values in seen.items() if len(set().union(*values.values())) > 1}
    assert {"registered_poor_households", "run_poor_households", "trained", "trained_target",
            "zero_employment", "plan_unrenovated"} <= on_several
