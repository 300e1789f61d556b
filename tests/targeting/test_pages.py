"""Targeting pages, the commands and the CSV export."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from fupin.core.actions import SYSTEM
from fupin.targeting.models import IdentificationRun, RuleSet
from tests.conftest import login
from tests.factories import JIANYUAN, TANXI_VILLAGE, make_household, person
from tests.targeting.support import identify, income

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(rules, users):
    homes = {
        "poor": make_household(JIANYUAN, members=[person("spouse", sex="2")]),
        "rich": make_household(JIANYUAN),
        "tanxi": make_household(TANXI_VILLAGE),
    }
    income(homes["poor"], 5000)
    income(homes["rich"], 50000)
    income(homes["tanxi"], 1000)
    return homes


def test_the_county_admin_edits_a_copy_dry_runs_it_and_sees_the_difference(client, users, county, rules,
                                                                           django_capture_on_commit_callbacks,
                                                                           settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    official = identify(rules)
    login(client, users["county"])
    assert client.get(reverse("targeting:index")).status_code == 200
    page = client.get(reverse("targeting:rule_set_detail", args=[rules.pk])).content.decode()
    assert "用于正式识别，不再修改" in page  # locked: no edit button
    response = client.post(reverse("targeting:rule_set_copy", args=[rules.pk]))
    draft = RuleSet.objects.get(region_code="361022", year=2023, version=2)
    assert response["Location"] == reverse("targeting:rule_set_edit", args=[draft.pk])
    form = client.get(response["Location"]).content.decode()
    assert 'name="w_health_illness"' in form
    data = {f: getattr(draft, f) for f in ("name", "identification_standard", "income_line", "food_min_income",
                                            "school_age_from", "school_age_to", "age_reference",
                                            "unsafe_house_grades", "oop_ratio_exited", "oop_ratio_others",
                                            "income_drop_ratio", "village_incidence_multiple",
                                            "village_income_ratio", "mpi_k", "monitoring_threshold",
                                            "province_rural_income", "school_year_cutoff", "exit_margin",
                                            "risk_clear_years", "risk_clear_min_months", "village_exit_incidence",
                                            "village_exit_collective_income", "county_exit_incidence")}
    data = {k: v for k, v in data.items() if v is not None}
    data.update({f"w_{k}": v for k, v in draft.mpi_weights.items()})
    data.update({"income_line": "2400", "require_basic_insurance": "on", "water_test": "on",
                 "exit_prior_year": "on", "renovation_counts": "on", "relocation_counts": "on"})
    bad = client.post(reverse("targeting:rule_set_edit", args=[draft.pk]), {**data, "w_income": "x"})
    assert bad.status_code == 200 and "请填写分数或小数" in bad.content.decode()
    assert client.post(reverse("targeting:rule_set_edit", args=[draft.pk]), data).status_code == 302
    draft.refresh_from_db()
    assert draft.income_line == Decimal(2400)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("targeting:run_start"), {"rule_set": draft.pk, "dry_run": "1"})
    dry = IdentificationRun.objects.exclude(pk=official.pk).get()
    assert response["Location"] == reverse("targeting:run_detail", args=[dry.pk])
    dry.refresh_from_db()
    assert dry.status == "done" and dry.dry_run
    page = client.get(response["Location"]).content.decode()
    assert "这次识别新增贫困户 0 户，减少 1 户" in page
    compare = client.get(reverse("targeting:run_compare", args=[dry.pk, official.pk])).content.decode()
    assert county["poor"].household_code in compare


def test_a_draft_cannot_run_for_real(client, users, rules, county):
    from fupin.targeting import actions

    draft = actions.copy_rule_set(actor=SYSTEM, source=rules)
    login(client, users["county"])
    response = client.post(reverse("targeting:run_start"), {"rule_set": draft.pk, "dry_run": "0"}, follow=True)
    assert "正式识别只能使用已发布的规则集" in response.content.decode()
    assert not IdentificationRun.objects.exists()


def test_other_roles_read_but_cannot_run_or_edit(client, users, rules, county):
    run = identify(rules)
    for role in ("township", "auditor"):
        login(client, users[role])
        assert client.get(reverse("targeting:run_detail", args=[run.pk])).status_code == 200
        assert client.post(reverse("targeting:run_start"), {"rule_set": rules.pk}).status_code == 403
        assert client.get(reverse("targeting:rule_set_edit", args=[rules.pk])).status_code == 403
    login(client, users["dept"])
    assert client.get(reverse("targeting:index")).status_code == 403


def test_results_and_exports_respect_the_area(client, users, rules, county):
    run = identify(rules)
    login(client, users["township"])  # 湖坊乡: not 潭溪乡
    page = client.get(reverse("targeting:run_results", args=[run.pk])).content.decode()
    assert county["poor"].household_code in page and county["tanxi"].household_code not in page
    body = b"".join(client.get(reverse("exchange:identification_export", args=[run.pk])).streaming_content)
    text = body.decode("utf-8-sig")
    assert county["tanxi"].household_code not in text and county["poor"].household_code in text
    for url in ("run_mpi", "run_villages", "run_detail"):
        assert client.get(reverse(f"targeting:{url}", args=[run.pk])).status_code == 200


def test_the_household_card_shows_the_result_and_why(client, users, rules, county):
    identify(rules)
    login(client, users["village"])
    page = client.get(reverse("registry:household_detail", args=[county["poor"].pk])).content.decode()
    assert "人均纯收入 2,500 元 低于收入线 4,000 元" in page


def test_identify_and_export_commands(rules, county, tmp_path, capsys):
    call_command("identify", "--year", "2023", "--dry-run")
    out = capsys.readouterr().out
    assert "3 户，" in out and "贫困户 2 户" in out
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="没有完成的正式识别"):
        call_command("export", "identification", "--year", "2023", "--output", str(tmp_path / "x.csv"))
    call_command("identify", "--year", "2023", "--rules", str(rules.version))
    target = tmp_path / "identification.csv"
    call_command("export", "identification", "--year", "2023", "--output", str(target))
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    header = rows[0]
    assert header[:17] == ["户编号", "行政区划代码", "年度", "家庭人口数", "人均纯收入", "收入线", "低于收入线", "吃穿",
                           "义务教育", "基本医疗", "住房安全", "饮水安全", "识别结论", "贫困程度", "多维贫困得分",
                           "多维贫困", "监测对象类型"]
    by_code = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    poor = by_code[county["poor"].household_code]
    assert poor["人均纯收入"] == "2500.00" and poor["低于收入线"] == "是" and poor["吃穿"] == "达标"
    assert poor["识别结论"] == "贫困户" and poor["贫困程度"] == "轻度贫困"
    assert poor["多维贫困"] in ("是", "否") and 0 <= float(poor["多维贫困得分"]) <= 1
    rich = by_code[county["rich"].household_code]
    assert rich["低于收入线"] == "否" and rich["识别结论"] == "非贫困户" and rich["贫困程度"] == ""
    assert rich["说明"].startswith("人均纯收入 50,000 元 不低于收入线 4,000 元")
