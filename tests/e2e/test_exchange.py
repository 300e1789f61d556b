"""A township cadre uploads a household workbook with a mistake, reads the errors, fixes the file and
imports it; the county loads a civil-affairs list and a cadre checks a discrepancy it found."""

import pytest

from fupin.accounts.roles import Role
from fupin.registry.models import Household
from tests import factories
from tests.e2e.menu import open_menu
from tests.exchange import support
from tests.factories import HUFANG, JIANYUAN, make_household, make_user, person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(settings, lichuan):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return {"township": make_user(Role.TOWNSHIP_CADRE, HUFANG, "hufang", full_name="李芳"),
            "county": make_user(Role.COUNTY_ADMIN, "361022", "county", full_name="黄建国")}


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("[data-testid=login]")




def test_a_file_with_a_mistake_is_explained_then_imported_once_fixed(page, live_server, people, tmp_path,
                                                                     artifacts):
    rows = support.workbook_rows(3, members=3)
    rows[4]["性别"] = "男"  # the spouse of the second household: her ID says woman
    bad = tmp_path / "湖坊乡.xlsx"
    bad.write_bytes(support.to_xlsx(rows, title="黎川县湖坊乡建档立卡人口明细表"))
    login(page, live_server, "hufang")
    open_menu(page, "数据交换", "导入导出")
    with page.expect_download() as download:
        page.click("[data-testid=blank-template]")
    assert download.value.suggested_filename.endswith(".xlsx")
    page.set_input_files("#id_file", str(bad))
    page.click("[data-testid=import-submit]")
    page.wait_for_url("**/exchange/import/*/")
    result = page.locator("[data-testid=result]").inner_text()
    assert "文件有 1 处错误，没有导入任何数据" in result
    problems = page.locator("[data-testid=problems]").inner_text()
    assert "7\t性别\t男\t性别与证件号码不符" in problems  # title row 1, header row 2: the 5th person is row 7
    assert Household.objects.count() == 0
    with page.expect_download() as download:
        page.click("[data-testid=error-workbook]")
    assert download.value.suggested_filename.startswith("错误报告")
    page.screenshot(path=str(artifacts / "import-errors.png"), full_page=True)

    rows[4]["性别"] = "女"
    good = tmp_path / "湖坊乡-改.xlsx"
    good.write_bytes(support.to_xlsx(rows, title="黎川县湖坊乡建档立卡人口明细表"))
    page.goto(f"{live_server.url}/exchange/")
    page.set_input_files("#id_file", str(good))
    page.click("[data-testid=import-submit]")
    page.wait_for_url("**/exchange/import/*/")
    assert "已导入 3 户 9 人。" in page.locator("[data-testid=result]").inner_text()
    assert Household.objects.filter(division_id=JIANYUAN).count() == 3
    page.screenshot(path=str(artifacts / "import-done.png"), full_page=True)


def test_a_civil_affairs_list_becomes_a_discrepancy_that_a_cadre_checks(page, live_server, people, tmp_path,
                                                                          artifacts):
    home = make_household(JIANYUAN, household_type="exited", head=person("head", dibao=False))
    head = home.members.get()
    listing = tmp_path / "民政低保名单.csv"
    listing.write_bytes(support.department_csv(["身份证号码", "姓名", "救助类型", "金额"],
                                               [[head.id_number, head.name, "低保", "600"]]))
    login(page, live_server, "county")
    open_menu(page, "数据交换", "部门数据比对")
    page.select_option("#id_source", "civil_affairs")
    page.set_input_files("#id_file", str(listing))
    page.click("[data-testid=match-submit]")
    page.wait_for_url("**/exchange/matching/*/")
    result = page.locator("[data-testid=result]").inner_text()
    assert "匹配在册成员" in result
    findings = page.locator("[data-testid=findings]").inner_text()
    assert "民政低保名单有此人，系统未登记享受低保" in findings
    assert "民政低保名单有此人，家庭为脱贫户" in findings
    page.screenshot(path=str(artifacts / "matching-run.png"), full_page=True)
    page.locator("[data-testid=resolve]").first.click()
    page.check("input[name=status][value=fixed]")
    page.fill("#id_note", "已在户卡中登记享受低保")
    page.click("[data-testid=submit]")
    page.wait_for_url("**/exchange/matching/*/")
    assert "已记录核实结果" in page.content()
