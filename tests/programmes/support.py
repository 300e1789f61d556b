"""Small factories for the programme tests (through the actions)."""

import datetime as dt
import itertools
from decimal import Decimal

from fupin.core.actions import SYSTEM
from fupin.programmes import actions
from fupin.programmes.models import Industry
from tests.factories import COUNTY, HUFANG

_n = itertools.count(1)


def industries() -> dict[str, Industry]:
    actions.seed_industries(actor=SYSTEM, county_code=COUNTY)
    return {i.name: i for i in Industry.objects.filter(county_code=COUNTY)}


def cooperative(division: str = HUFANG, *, industry_names=("白茶",), actor=SYSTEM, **fields):
    found = industries()
    n = next(_n)
    return actions.create_cooperative(
        actor=actor, division_code=division, name=fields.pop("name", f"黎川县白茶专业合作社{n}"),
        registration_code=fields.pop("registration_code", f"93361022MA{n:08d}"),
        industries=[found[name] for name in industry_names], leader=fields.pop("leader", "邓文华"),
        founded_on=fields.pop("founded_on", dt.date(2020, 3, 1)), **fields)


def join(coop, household, shares, *, on=dt.date(2021, 1, 1), share_type="land", actor=SYSTEM):
    return actions.join_cooperative(actor=actor, cooperative=coop, household=household, shares=Decimal(shares),
                                    share_type=share_type, joined_on=on)


def course(division: str = HUFANG, *, actor=SYSTEM, capacity=30, start=dt.date(2023, 5, 8), end=dt.date(2023, 5, 20),
           **fields):
    return actions.create_course(actor=actor, division_code=division, name=fields.pop("name", "白茶种植技术培训班"),
                                 programme=fields.pop("programme", "practical"),
                                 organiser=fields.pop("organiser", "human_resources"), place="湖坊乡农技站",
                                 start_on=start, end_on=end, hours=fields.pop("hours", 40), capacity=capacity)
