"""No surface shown without a reveal lets a full ID number be read or rebuilt: the card (live and as
it was), the lists, the masked exports (xlsx and CSV), the household card workbook, the API, a public
notice, the audit log, an import's error report and a matching report. Each is fetched as each role
that can reach it; no registered number may appear in full, and every masked number must hide the
birth date and the sequence (the rest is tests/core/test_masking.py: such a mask cannot be rebuilt)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import fastexcel
import pytest

from fupin.exchange import actions as exchange
from fupin.registry.models import Member
from fupin.workflows import actions as workflows
from tests.conftest import login
from tests.exchange.support import department_csv, household_rows, to_xlsx
from tests.factories import COUNTY, JIANYUAN, make_household, person
from tests.workflows.support import review, votes

pytestmark = pytest.mark.django_db
MASKED = re.compile(r"\d{6}\*{11}[\dX]")
ANY_MASK = re.compile(r"(?<!\d)\d{6}\*+[\dXx]{1,4}(?![\dXx])")  # an address code, stars, an ending


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def text_of(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if data[:4] == b"PK\x03\x04":
        reader = fastexcel.read_excel(data)
        return "\n".join(str(reader.load_sheet(name, header_row=None, dtypes="string").to_polars().rows())
                         for name in reader.sheet_names)
    return data.decode("utf-8-sig", errors="replace")


def check(surface: str, content: str, numbers: set[str]) -> int:
    """No full number; every masked ID-looking value hides 11 characters. Returns masked ones seen."""
    leaked = [n for n in numbers if n in content]
    assert not leaked, f"{surface}: full ID numbers shown: {leaked[:3]}"
    for found in ANY_MASK.findall(content):
        if len(found) >= 15:  # an ID number's mask (phones keep 3 digits in front, accounts 4)
            assert MASKED.fullmatch(found), f"{surface}: weak mask {found}"
    return len(MASKED.findall(content))


@pytest.fixture
def world(users, clock, rules):
    home = make_household(members=[person("spouse", sex="2", birth=dt.date(1978, 2, 3)),
                                   person("son", birth=dt.date(2010, 9, 1), schooling="grade_7_9")],
                          phone="13812345678", bank_account="6217001234567890123")
    applicant = make_household(household_type="ordinary", poverty_attribute="", main_cause="",
                               head=person("head", name="揭国平"))
    village = users["village"]
    case = workflows.start_case(actor=village, household=applicant, kind="identify", note="本人申请")
    workflows.act(actor=village, case=case, outcome="pass", note="评议", data=votes(review(village, JIANYUAN)))
    workflows.act(actor=village, case=case, outcome="pass", note="入户核实")
    notice = workflows.post_notice(actor=village, cases=[case], period_days=7)
    numbers = set(Member.objects.values_list("id_number", flat=True)) | {"13812345678", "6217001234567890123"}
    return {"home": home, "notice": notice, "numbers": numbers}  # ID numbers, a phone, a bank account


SURFACES = [
    "/households/{home}/", "/households/{home}/?as_of={today}", "/households/{home}/edit/", "/households/",
    "/members/",
    "/exchange/export/households/?area=361022201&file_format=xlsx",
    "/exchange/export/households/?area=361022201&file_format=csv",
    "/exchange/export/card/{home}/", "/api/v1/members/", "/api/v1/households/{home}/",
    "/workflows/notices/{notice}/", "/audit/",
]


@pytest.mark.parametrize("role", ["county", "township", "village", "helper", "dept", "auditor"])
def test_no_surface_shows_or_lets_rebuild_a_full_id_number(client, users, world, role):
    from fupin.core import clock

    login(client, users[role])
    seen = 0
    for pattern in SURFACES:
        url = pattern.format(home=world["home"].pk, notice=world["notice"].pk, today=clock.today().isoformat())
        response = client.get(url)
        if response.status_code != 200:
            continue  # not for this role
        seen += check(f"{role} {url}", text_of(response), world["numbers"])
    if role in ("county", "township", "village"):
        assert seen > 0  # the masked numbers were there to check


def test_reports_of_imports_and_matching_are_masked(users, world):
    county = users["county"]
    rows = household_rows(members=2)
    bad_id = rows[1]["证件号码"][:-1] + ("0" if rows[1]["证件号码"][-1] != "0" else "1")
    rows[1]["证件号码"] = bad_id
    batch = exchange.create_import(actor=county, name="户表.xlsx", data=to_xlsx(rows), enqueue=False)
    exchange.execute_import(batch)
    batch.refresh_from_db()
    report = text_of(type("R", (), {"streaming": False, "content": batch.report.read()})())
    assert bad_id not in report and bad_id[:6] + "*" * 11 + bad_id[-1] in report
    home = world["home"]
    stranger = "110101199003070011"
    data = department_csv(["证件号码", "姓名", "救助类型"],
                          [[home.members.get(relation="head").id_number, "黄建国", "低保"],
                           [stranger, "=HYPERLINK(\"http://x\")", "低保"], ["=1+1", "张三", "低保"]])
    run = exchange.create_match(actor=county, source="civil_affairs", name="名单.csv", data=data,
                                area_code=COUNTY, enqueue=False)
    run = exchange.execute_match(run)
    text = run.report.read().decode("utf-8-sig")
    assert stranger not in text and "110101***********1" in text
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]  # no cell a spreadsheet would run
