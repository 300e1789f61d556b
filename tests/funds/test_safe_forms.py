"""The funds' destructive actions ask first, naming what will happen; a refused one says why on its form."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from fupin.core.models import AuditEvent
from fupin.funds import actions
from fupin.funds.models import Disbursement, DisbursementMode, ProjectStatus
from tests.conftest import login
from tests.funds.support import household, project, source

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(users):
    fin = users["finance"]
    h = household()
    p = project(fin, households=[h], name="枧源白茶基地")
    a = actions.allocate(actor=fin, source=source(fin, amount="1000000"), project=p, amount="5000", household=h)
    d = actions.disburse(actor=fin, allocation=a, amount="1200.50", mode=DisbursementMode.REWARD, voucher_no="V-1")
    return {"household": h, "project": p, "disbursement": d}


def test_cancelling_a_project_asks_naming_it(client, users, books):
    page = login(client, users["finance"]).get(books["project"].get_absolute_url()).content.decode()
    form = re.search(r'<form[^>]*action="[^"]*/step/cancel/"[^>]*>', page).group(0)
    assert 'data-confirm="确认撤销项目“枧源白茶基地”？"' in form
    approve = re.search(r'<form[^>]*action="[^"]*/step/start/"[^>]*>', page).group(0)
    assert "data-confirm" not in approve  # moving on is not destructive


def test_a_cancel_without_reason_comes_back_with_the_error_and_writes_nothing(client, users, books):
    login(client, users["finance"])
    events = AuditEvent.objects.count()
    url = reverse("funds:project_transition", args=[books["project"].pk, "cancel"])
    response = client.post(url, {"note": "   "})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写撤销项目的原因。" in page
    books["project"].refresh_from_db()
    assert books["project"].status == ProjectStatus.APPROVED and AuditEvent.objects.count() == events


def test_a_reject_without_reason_says_so_beside_the_button_then_rejects(client, users):
    fin = users["finance"]
    p = project(fin, approve=False, name="待审项目")
    login(client, fin)
    page = client.get(p.get_absolute_url()).content.decode()
    assert 'data-confirm="确认驳回“待审项目”？"' in page
    response = client.post(reverse("funds:project_transition", args=[p.pk, "reject"]), {"note": ""})
    page = response.content.decode()
    assert response.status_code == 200
    errors = re.search(r'data-testid="transition-errors">(.*?)</div></div>', page, re.S).group(1)
    assert "请填写驳回的原因。" in errors and "transition-reject" in page[page.index(errors):][:2000]
    response = client.post(reverse("funds:project_transition", args=[p.pk, "reject"]), {"note": "选址不符合规划"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == ProjectStatus.REJECTED


def test_reversing_a_payment_asks_naming_the_amount_and_household(client, users, books):
    login(client, users["finance"])
    d = books["disbursement"]
    page = client.get(reverse("funds:disbursement_reverse", args=[d.pk])).content.decode()
    assert (f'data-confirm="确认冲销支付 #{d.pk}（1,200.50 元，{books["household"].household_code}）？'
            f'将记一笔等额负数支付，冲销后不能撤销。"') in page
    response = client.post(reverse("funds:disbursement_reverse", args=[d.pk]), {"reason": "", "paid_on": ""})
    assert response.status_code == 200 and Disbursement.objects.count() == 1
    assert Decimal(Disbursement.objects.get().amount) == Decimal("1200.50")
