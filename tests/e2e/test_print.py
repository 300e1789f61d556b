"""Printouts: the household card and the yearly report print whole on landscape A4 pages (the
report's widest table fits the page width; the menu and the buttons are not printed)."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from fupin.accounts.roles import Role
from tests import factories
from tests.factories import COUNTY, TANXI_VILLAGE, make_household, make_user, person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# the content box of a landscape A4 page (297 mm less 2 x 10 mm margins) in CSS pixels
LANDSCAPE_WIDTH = round((297 - 20) / 25.4 * 96)


@pytest.fixture
def county(settings, lichuan):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_user(Role.COUNTY_ADMIN, COUNTY, "county", full_name="黄建国")
    make_household(TANXI_VILLAGE, household_type="ordinary", poverty_attribute="", main_cause="")
    return make_household(members=[
        person("spouse", sex="2", name="李秀英", serious_illness=True),
        *[person("son", name=f"黄{n}", birth=dt.date(2000 + i, 3, 1)) for i, n in enumerate("一二三四五六")],
    ])


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("[data-testid=login]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def print_to_pdf(page, path):
    page.emulate_media(media="print")
    page.set_viewport_size({"width": LANDSCAPE_WIDTH, "height": 700})
    content = page.pdf(path=str(path), format="A4", prefer_css_page_size=True)
    return PdfReader(io.BytesIO(content))


def overflowing(page, selector):
    """Boxes under ``selector`` whose content is wider than they are (cut off on paper)."""
    return page.evaluate("""(selector) => [...document.querySelectorAll(selector)]
        .filter(el => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
        .map(el => `${el.dataset.testid || el.className}: ${el.scrollWidth} > ${el.clientWidth}`)""", selector)


def assert_landscape(reader):
    for number, pdf_page in enumerate(reader.pages, start=1):
        box = pdf_page.mediabox
        assert float(box.width) > float(box.height), f"page {number} is portrait: {box}"


def test_household_card_prints_whole_on_landscape_pages(page, live_server, county, artifacts):
    login(page, live_server, "county")
    page.goto(f"{live_server.url}{county.get_absolute_url()}")
    reader = print_to_pdf(page, artifacts / "print-household-card.pdf")
    assert not page.locator("header.navbar").is_visible()
    assert not page.get_by_role("button", name="打印").is_visible()
    assert page.locator("[data-testid=members] thead").evaluate("el => getComputedStyle(el).display") \
        == "table-header-group"
    assert overflowing(page, ".table-responsive, [data-testid=members]") == []
    assert_landscape(reader)
    text = "".join(p.extract_text() for p in reader.pages)
    assert county.household_code in text
    for name in ("李秀英", "黄六", "医保/大病/低保/特困/养老"):  # the last member and the last column are there
        assert name in text


def test_yearly_report_fits_landscape_pages(page, live_server, county, artifacts):
    login(page, live_server, "county")
    page.goto(f"{live_server.url}/insights/report/?area={COUNTY}&year=2023")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": LANDSCAPE_WIDTH, "height": 700})
    areas = page.locator("[data-testid=areas]")
    assert areas.locator("thead th").count() > 10  # the wide table: a column per indicator
    assert overflowing(page, ".report .table-responsive, .report table") == []
    table_width = areas.evaluate("el => el.getBoundingClientRect().right")
    assert table_width <= LANDSCAPE_WIDTH
    reader = print_to_pdf(page, artifacts / "print-yearly-report.pdf")
    assert_landscape(reader)
    assert len(reader.pages) <= 4
    text = "".join(p.extract_text() for p in reader.pages)
    assert "年度巩固脱贫成果报告" in text and "目标考核" in text
    last_column = areas.locator("thead th").last.inner_text().strip()
    assert last_column.replace("\n", "") in text.replace("\n", "")
