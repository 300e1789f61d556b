"""The funds pages: they render for those allowed, refuse others, and write through the actions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from fupin.core.models import AuditEvent
from fupin.funds import actions
from fupin.funds.models import Allocation, Disbursement, DisbursementMode, FundSource, Project, ProjectStatus
from tests.conftest import login
from tests.factories import COUNTY, HUFANG, JIANYUAN, TANXI
from tests.funds.support import household, project, source

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def books(users):
    fin = users["finance"]
    h = household()
    s = source(fin, amount="10000000", name="中央产业资金")
    p = project(fin, households=[h], name="枧源白茶基地")
    a = actions.allocate(actor=fin, source=s, project=p, amount="5000", household=h)
    d = actions.disburse(actor=fin, allocation=a, amount="1200.50", mode=DisbursementMode.REWARD, voucher_no="V-1")
    return {"household": h, "source": s, "project": p, "allocation": a, "disbursement": d}


PAGES = ["funds:index", "funds:sources", "funds:projects", "funds:checks", "funds:ledger"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("who", ["county", "finance", "auditor", "township", "village"])
def test_pages_render_for_readers(client, users, books, name, who):
    response = login(client, users[who]).get(reverse(name) + "?year=2023")
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["helper", "dept", "agri"])
def test_users_without_view_funds_get_403(client, users, who):
    assert login(client, users[who]).get(reverse("funds:index")).status_code == 403


def test_index_shows_sources_and_checks(client, users, books):
    html = login(client, users["finance"]).get(reverse("funds:index") + "?year=2023").content.decode()
    assert "中央产业资金" in html and "10,000,000.00" in html and "1,200.50" in html
    assert 'data-testid="index-check-reward_share"' in html


def test_index_opens_on_the_latest_year_with_funds(client, users, books):
    """Without ?year the pages show the latest year the area has funds for (the books are 2023),
    not an empty current year."""
    html = login(client, users["finance"]).get(reverse("funds:index")).content.decode()
    assert books["source"].year == 2023 and "中央产业资金" in html and "1,200.50" in html


def test_project_detail_shows_money_steps_and_buttons(client, users, books):
    p = books["project"]
    html = login(client, users["finance"]).get(p.get_absolute_url()).content.decode()
    assert "5,000.00" in html and "1,200.50" in html and books["household"].household_code in html
    assert 'data-testid="transition-start"' in html and 'data-testid="allocate"' in html
    html = login(client, users["auditor"]).get(p.get_absolute_url()).content.decode()
    assert 'data-testid="transition-start"' not in html and 'data-testid="allocate"' not in html


def test_other_township_cannot_see_project(client, users, books):
    assert login(client, users["other_township"]).get(books["project"].get_absolute_url()).status_code == 404


def test_declare_project_form_reshows_errors_and_saves(client, users):
    c = login(client, users["village"])
    url = reverse("funds:project_new")
    assert c.get(url).status_code == 200
    response = c.post(url, {"division_code": JIANYUAN, "year": 2023, "name": "", "type": "industry",
                            "budget": "10.001", "lead_unit": "村委会"})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not Project.objects.exists()
    response = c.post(url, {"division_code": JIANYUAN, "year": 2023, "name": "光伏电站", "type": "infrastructure",
                            "budget": "300000", "lead_unit": "村委会"})
    project_ = Project.objects.get()
    assert response.status_code == 302 and project_.status == ProjectStatus.DECLARED
    assert project_.created_by == users["village"]


def test_village_cadre_cannot_pick_another_village(client, users):
    response = login(client, users["village"]).post(reverse("funds:project_new"), {
        "division_code": "361022200202", "year": 2023, "name": "x", "type": "industry", "budget": "1",
        "lead_unit": "x"})
    assert response.status_code == 200 and not Project.objects.exists()


def test_transition_button_posts(client, users):
    p = project(users["village"], approve=False)
    c = login(client, users["finance"])
    c.post(reverse("funds:project_transition", args=[p.pk, "approve"]), {"note": "同意"})
    p.refresh_from_db()
    assert p.status == ProjectStatus.APPROVED
    response = c.post(reverse("funds:project_transition", args=[p.pk, "complete"]), follow=True)
    assert "不能" in response.content.decode()


def test_village_cadre_cannot_approve(client, users):
    p = project(users["village"], approve=False)
    response = login(client, users["village"]).post(reverse("funds:project_transition", args=[p.pk, "approve"]))
    assert response.status_code == 403


def test_source_forms(client, users):
    c = login(client, users["finance"])
    response = c.post(reverse("funds:source_new"), {"year": 2023, "kind": "department", "name": "水利资金",
                                                    "amount": "300000"})
    assert response.status_code == 200 and "部门资金须注明部门" in response.content.decode()
    response = c.post(reverse("funds:source_new"), {"year": 2023, "kind": "department", "department": "water",
                                                    "name": "水利资金", "amount": "300000",
                                                    "received_on": "2023-03-01"})
    s = FundSource.objects.get()
    assert response.status_code == 302 and s.amount == D("300000.00")
    assert c.get(s.get_absolute_url()).status_code == 200
    response = c.post(reverse("funds:source_edit", args=[s.pk]), {
        "year": 2023, "kind": "department", "department": "water", "name": "水利资金", "amount": "350000.5"})
    s.refresh_from_db()
    assert response.status_code == 302 and s.amount == D("350000.50")
    assert login(client, users["township"]).get(reverse("funds:source_new")).status_code == 403


def test_allocate_and_disburse_pages(client, users, books):
    c = login(client, users["finance"])
    p, s, h = books["project"], books["source"], books["household"]
    url = reverse("funds:allocation_new", args=[p.pk])
    assert c.get(url).status_code == 200
    response = c.post(url, {"source": s.pk, "amount": "600000", "allocated_on": "2023-04-01"})
    assert "超出项目预算" in response.content.decode()
    response = c.post(url, {"source": s.pk, "amount": "1000", "household_code": h.household_code,
                            "allocated_on": "2023-04-01"})
    assert response.status_code == 302
    a = Allocation.objects.latest("pk")
    url = reverse("funds:disbursement_new", args=[a.pk])
    form = c.get(url)
    assert form.status_code == 200
    # the allocation's household by its 户主 and village, not the 户编号 alone
    target = form.content.decode().split('data-testid="allocation-target">')[1].split("</div></div>")[0]
    head = h.members.get(relation="head").name
    assert f'<a href="/households/{h.pk}/">{head}</a>' in target and h.household_code in target
    assert h.division.name in target
    response = c.post(url, {"amount": "1000.01", "mode": "reward", "paid_on": "2023-05-01", "voucher_no": "V-2"})
    assert response.status_code == 200 and "最多还能支付 1,000.00 元" in response.content.decode()
    response = c.post(url, {"amount": "1000", "mode": "reward", "paid_on": "2023-05-01", "voucher_no": "V-2"})
    assert response.status_code == 302
    assert Disbursement.objects.filter(allocation=a).count() == 1
    assert login(client, users["auditor"]).get(url).status_code == 403


def test_reverse_page(client, users, books):
    d = books["disbursement"]
    c = login(client, users["finance"])
    url = reverse("funds:disbursement_reverse", args=[d.pk])
    assert c.post(url, {"reason": "", "paid_on": "2023-06-01"}).status_code == 200
    assert c.post(url, {"reason": "录错户", "paid_on": "2023-06-01"}).status_code == 302
    assert Disbursement.objects.filter(reverses=d, amount=D("-1200.50")).exists()


def test_beneficiary_page(client, users):
    h = household()
    p = project(users["village"], approve=False)
    c = login(client, users["village"])
    url = reverse("funds:beneficiary_add", args=[p.pk])
    response = c.post(url, {"household_codes": "NOPE", "planned_amount": "0"})
    assert response.status_code == 200 and "NOPE" in response.content.decode()
    response = c.post(url, {"household_codes": f"{h.household_code}", "planned_amount": "2000"})
    assert response.status_code == 302 and p.beneficiaries.get().planned_amount == D("2000.00")


def test_ledger_drill_down_pages(client, users, books):
    c = login(client, users["finance"])
    html = c.get(reverse("funds:ledger") + "?year=2023").content.decode()
    assert "湖坊乡" in html and "5,000.00" in html and "1,200.50" in html
    html = c.get(reverse("funds:ledger") + f"?area={HUFANG}&year=2023").content.decode()
    assert "枧源村" in html and "5,000.00" in html
    html = c.get(reverse("funds:ledger") + f"?area={JIANYUAN}&year=2023").content.decode()
    assert books["household"].household_code in html and 'data-testid="ledger-households"' in html
    html = c.get(reverse("funds:household_ledger", args=[books["household"].pk])).content.decode()
    assert "1,200.50" in html and "以奖代补" in html
    assert login(client, users["township"]).get(reverse("funds:ledger") + f"?area={TANXI}").status_code == 404


def test_ledger_xlsx_download_is_audited(client, users, books):
    response = login(client, users["auditor"]).get(reverse("funds:ledger_xlsx") + f"?area={COUNTY}&year=2023")
    assert response.status_code == 200
    import io
    import zipfile

    import fastexcel

    sheet = fastexcel.read_excel(response.content).load_sheet(0, header_row=None).to_polars()
    values = [v for column in sheet.iter_columns() for v in column.to_list() if v is not None]
    assert any("黎川县 2023 年扶贫项目资金台账" in str(v) for v in values)
    assert "合计" in values
    xml = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<v>5000</v>" in xml and "<v>1200.5</v>" in xml  # numbers, not text
    styles = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/styles.xml").decode()
    assert "#,##0.00&quot; 元&quot;" in styles or '#,##0.00" 元"' in styles
    event = AuditEvent.objects.get(verb="funds.ledger.export")
    assert event.actor == users["auditor"] and event.division_code == COUNTY


def test_checks_page_and_rule_form(client, users, books):
    c = login(client, users["finance"])
    html = c.get(reverse("funds:checks") + "?year=2023").content.decode()
    assert "默认值" in html and 'data-testid="check-fail"' in html
    response = c.post(reverse("funds:rule_new"), {"year": 2023, "reward_share": "0.25",
                                                  "poor_village_amount": "200000",
                                                  "village_infrastructure_min": "1500000", "document": "文件"})
    assert response.status_code == 302
    html = c.get(reverse("funds:checks") + "?year=2023").content.decode()
    assert "361022 2023 年起执行的标准（文件）" in html
    html = login(client, users["township"]).get(reverse("funds:checks")).content.decode()
    assert "仅县级用户可见" in html


def test_household_card_section(client, users, books):
    html = login(client, users["county"]).get(books["household"].get_absolute_url()).content.decode()
    assert 'data-testid="funds-section"' in html and "1,200.50" in html
    html = login(client, users["helper"]).get(books["household"].get_absolute_url()).content.decode()
    assert 'data-testid="funds-section"' not in html


def test_project_list_filters(client, users, books):
    project(users["village"], approve=False, name="另一个项目", type="infrastructure")
    c = login(client, users["county"])
    html = c.get(reverse("funds:projects") + "?type=infrastructure").content.decode()
    assert "另一个项目" in html and "枧源白茶基地" not in html
    html = c.get(reverse("funds:projects") + "?status=approved&year=2023").content.decode()
    assert "枧源白茶基地" in html and "另一个项目" not in html


def test_index_offers_only_what_the_user_may_do(client, users, books):
    html = login(client, users["township"]).get(reverse("funds:index") + "?year=2023").content.decode()
    assert 'data-testid="index-source-new"' not in html and "申报项目" in html
    assert 'data-testid="index-check-reward_share"' not in html  # the checks are county-wide
    html = login(client, users["auditor"]).get(reverse("funds:index") + "?year=2023").content.decode()
    assert 'data-testid="index-source-new"' not in html and "申报项目" not in html
    assert 'data-testid="index-check-reward_share"' in html
    html = login(client, users["county"]).get(books["project"].get_absolute_url()).content.decode()
    assert "枧源村" in html  # the area by name
