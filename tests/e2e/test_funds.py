"""The finance office allocates money to an approved project, pays a household, sees the ledger
move, and is refused an overdraft with a clear message."""

import pytest

from fupin.funds import actions
from fupin.funds.models import Disbursement
from tests.e2e.session import login
from tests.factories import JIANYUAN
from tests.funds.support import household, project, source

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]



def test_finance_allocates_disburses_and_cannot_overdraw(page, live_server, users, artifacts):
    fin = users["finance"]
    home = household(JIANYUAN)
    s = source(fin, amount="10000000", name="赣南等原中央苏区产业扶贫资金")
    p = project(users["village"], approve=False, households=[home], name="枧源村白茶以奖代补", budget="50000")
    actions.transition(actor=fin, project=p, key="approve", note="同意")

    login(page, live_server, "finance")
    page.goto(f"{live_server.url}/funds/?year=2023")
    assert "赣南等原中央苏区产业扶贫资金" in page.locator("[data-testid=sources]").inner_text()
    page.goto(f"{live_server.url}/funds/projects/?year=2023")
    page.get_by_role("link", name="枧源村白茶以奖代补").click()
    page.click("[data-testid=allocate]")
    page.select_option("#id_source", str(s.pk))
    page.fill("#id_amount", "3000")
    page.fill("#id_household_code", home.household_code)
    page.click("[data-testid=submit]")
    page.wait_for_url(f"**/funds/projects/{p.pk}/")
    assert "3,000.00" in page.locator("[data-testid=allocated]").inner_text()

    page.locator("[data-testid^=disburse-]").first.click()
    assert "3,000.00" in page.locator("[data-testid=remaining]").inner_text()
    page.fill("#id_amount", "1200.50")
    page.select_option("#id_mode", "reward")
    page.fill("#id_voucher_no", "LC2023-0001")
    page.click("[data-testid=submit]")
    page.wait_for_url(f"**/funds/projects/{p.pk}/")
    assert "1,200.50" in page.locator("[data-testid=disbursed]").inner_text()
    assert home.household_code in page.locator("[data-testid=disbursements]").inner_text()

    page.goto(f"{live_server.url}/funds/ledger/?year=2023")
    assert "3,000.00" in page.locator("[data-testid=total-allocated]").inner_text()
    assert "1,200.50" in page.locator("[data-testid=total-disbursed]").inner_text()
    page.get_by_role("link", name="湖坊乡").first.click()
    page.get_by_role("link", name="枧源村").first.click()
    assert home.household_code in page.locator("[data-testid=ledger-households]").inner_text()
    with page.expect_download() as download:
        page.click("[data-testid=ledger-xlsx]")
    assert download.value.suggested_filename == f"ledger-{JIANYUAN}-2023.xlsx"

    page.goto(f"{live_server.url}/funds/projects/{p.pk}/")
    page.locator("[data-testid^=disburse-]").first.click()
    page.fill("#id_amount", "1800")
    page.select_option("#id_mode", "reward")
    page.fill("#id_voucher_no", "LC2023-0002")
    page.click("[data-testid=submit]")
    error = page.locator(".alert-danger, .invalid-feedback").first.inner_text() + page.content()
    assert "超出分配额度" in error and "最多还能支付 1,799.50 元" in error
    assert Disbursement.objects.count() == 1
    page.screenshot(path=str(artifacts / "funds-overdraft.png"), full_page=True)
