"""The register beside the run: what the run would add and take out, with reasons and links to start
the procedure; the rule-set page marks local rules."""

import pytest

from fupin.targeting import selectors
from tests.conftest import login
from tests.factories import HUFANG_VILLAGE, TANXI_VILLAGE, make_household
from tests.targeting.support import identify, income

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_year(rules):
    homes = {
        "missed": make_household(household_type="ordinary", poverty_attribute="", main_cause=""),
        "relapsed": make_household(household_type="exited"),
        "still_poor": make_household(),
        "stable": make_household(),
        "one_year": make_household(),
        "stable_with_gap": make_household(house_grade="D"),
        "elsewhere": make_household(TANXI_VILLAGE, household_type="ordinary", poverty_attribute="", main_cause=""),
    }
    for key, now, before in (("missed", 3999, 3500), ("relapsed", 3000, 9000), ("still_poor", 3000, 2800),
                             ("stable", 4001, 4001), ("one_year", 6000, 3999), ("stable_with_gap", 8000, 8000),
                             ("elsewhere", 2000, 2000)):
        income(homes[key], now)
        income(homes[key], before, year=2022)
    run = identify(rules)
    return run, homes


def ids(qs) -> set:
    return set(qs.values_list("household_id", flat=True))


def test_the_run_would_add_the_poor_not_registered_and_take_out_the_stably_above(users, county_year):
    run, homes = county_year
    found = selectors.register_differences(users["county"], run)
    assert ids(found["lists"]["add"]) == {homes["missed"].pk, homes["relapsed"].pk, homes["elsewhere"].pk}
    assert ids(found["lists"]["remove"]) == {homes["stable"].pk, homes["stable_with_gap"].pk}
    assert ids(found["lists"]["not_stable"]) == {homes["one_year"].pk}
    assert found["registered_poor"] == 4 and found["run_poor"] == 4
    # a township sees its own households only
    township = selectors.register_differences(users["township"], run)
    assert ids(township["lists"]["add"]) == {homes["missed"].pk, homes["relapsed"].pk}


def test_the_page_links_each_household_to_the_right_procedure(client, users, county_year):
    run, homes = county_year
    login(client, users["county"])  # sees the lists; the village starts the procedures
    page = client.get(f"/targeting/runs/{run.pk}/register/").content.decode()
    assert "kind=identify" not in page and "由村两委发起程序" in page
    login(client, users["village"])
    page = client.get(f"/targeting/runs/{run.pk}/register/").content.decode()
    assert f"?household={homes['missed'].pk}&kind=identify" in page
    assert f"?household={homes['relapsed'].pk}&kind=reentry" in page  # ex-poor: 返贫识别
    assert "低于收入线" in page  # the reason is the run's explanation
    removal = client.get(f"/targeting/runs/{run.pk}/register/?list=remove").content.decode()
    assert f"?household={homes['stable'].pk}&kind=exit" in removal
    assert f"?household={homes['stable_with_gap'].pk}&kind=exit" not in removal and "先解决保障缺口" in removal
    login(client, users["county"])
    detail = client.get(f"/targeting/runs/{run.pk}/").content.decode()
    assert 'data-testid="register-summary"' in detail and "建议纳入 3 户，建议退出 2 户" in detail


def test_an_open_case_is_shown_instead_of_a_second_start(client, users, county_year):
    from fupin.workflows import actions as workflows

    run, homes = county_year
    workflows.start_case(actor=users["village"], household=homes["missed"], kind="identify", note="本人申请")
    login(client, users["village"])
    page = client.get(f"/targeting/runs/{run.pk}/register/").content.decode()
    assert f"?household={homes['missed'].pk}&kind=identify" not in page and "程序办理中" in page


def test_a_bad_area_or_list_falls_back_and_a_dry_run_is_not_compared(client, users, county_year, rules):
    run, _homes = county_year
    login(client, users["township"])
    assert client.get(f"/targeting/runs/{run.pk}/register/?area=9999&list=x").status_code == 200
    assert client.get(f"/targeting/runs/{run.pk}/register/?area={HUFANG_VILLAGE}").status_code == 200
    login(client, users["county"])
    dry = identify(rules, dry_run=True)
    assert 'data-testid="register-summary"' not in client.get(f"/targeting/runs/{dry.pk}/").content.decode()


def test_the_rule_set_page_marks_the_local_rules_and_says_income_decides(client, users, rules):
    login(client, users["county"])
    page = client.get(f"/targeting/rules/{rules.pk}/").content.decode()
    assert page.count(">地方规则</span>") >= 8
    assert "不单独构成贫困户" in page and "不设（只按收入线识别）" in page
    form = client.get(f"/targeting/rules/{rules.pk}/edit/")
    assert form.status_code in (200, 302)  # locked rule sets send the user back
