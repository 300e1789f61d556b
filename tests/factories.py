"""Small factories for test data: divisions, users, people and households, built through actions."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from fupin.accounts import actions as account_actions
from fupin.accounts.models import User
from fupin.core.actions import SYSTEM
from fupin.divisions.loader import load_files
from fupin.registry import actions, idnumber

LICHUAN = Path(__file__).resolve().parents[1] / "src" / "fupin" / "divisions" / "data" / "361022"
PASSWORD = "Test-Passw0rd!"

# Real Lichuan codes used throughout the tests.
COUNTY = "361022"
HUFANG = "361022201"  # 湖坊乡
JIANYUAN = "361022201205"  # 湖坊乡 枧源村
HUFANG_VILLAGE = "361022201200"  # 湖坊乡 湖坊村
TANXI = "361022200"  # 潭溪乡
TANXI_VILLAGE = "361022200202"  # 潭溪乡 河溪村

_sequence = itertools.count(1)


def load_lichuan() -> None:
    load_files(sorted(LICHUAN.glob("*.csv")))


def make_user(role: str, prefix: str, username: str | None = None, **fields) -> User:
    return account_actions.create_user(
        actor=SYSTEM, username=username or f"{role}{next(_sequence)}", password=PASSWORD, role=role,
        prefixes=[prefix], full_name=fields.pop("full_name", "测试用户"), must_change_password=False, **fields,
    )


def id_for(birth: dt.date, sex: str = "1", address: str = COUNTY) -> str:
    """A valid ID number, unique within the test run, for someone born on (or just after) ``birth``."""
    n = next(_sequence)
    seq = (n % 500) * 2 + (1 if sex == "1" else 0)
    return idnumber.make(address, birth + dt.timedelta(days=n // 500), seq)


_exact = itertools.count(0)


def id_born_on(birth: dt.date, sex: str = "1") -> str:
    """A valid ID number for someone born exactly on ``birth`` (up to 500 per day and sex)."""
    seq = (next(_exact) % 500) * 2 + (1 if sex == "1" else 0)
    return idnumber.make(COUNTY, birth, seq)


def person(relation: str = "head", *, sex: str = "1", birth: dt.date = dt.date(1975, 5, 1), exact: bool = False,
           **fields) -> dict:
    """Member fields for an adult (or a child, if ``schooling`` is given) with a valid ID.
    With ``exact`` the ID carries exactly ``birth`` (otherwise a nearby date may be used)."""
    data = {
        "name": fields.pop("name", "黄建国" if sex == "1" else "李秀英"),
        "id_number": id_born_on(birth, sex) if exact else id_for(birth, sex),
        "relation": relation,
        "education": "" if fields.get("schooling") else "junior",
        "labour_skill": "ordinary",
        "medical_insurance": True,
        "critical_illness_insurance": True,
    }
    data.update(fields)
    return data


def make_household(village: str = JIANYUAN, *, actor=SYSTEM, members: list[dict] | None = None, **fields):
    """A household with a head (and any other ``members``), through the registry actions."""
    fields.setdefault("household_type", "poor")
    if fields["household_type"] in ("poor", "exited"):
        fields.setdefault("poverty_attribute", "general")
        fields.setdefault("main_cause", "01")
    if fields["household_type"] == "exited":
        fields.setdefault("exit_year", 2019)
    if fields["household_type"] == "monitored":
        fields.setdefault("monitoring_type", "marginal")
    head = fields.pop("head", None) or person("head")
    household = actions.create_household(actor=actor, division_code=village, fields=fields, head=head)
    for m in members or []:
        actions.add_member(actor=actor, household=household, fields=m)
    household.refresh_from_db()
    return household
