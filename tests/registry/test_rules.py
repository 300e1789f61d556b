import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from fupin.registry import idnumber, rules

ADULT_ID = idnumber.parse(idnumber.make("361022", dt.date(1980, 3, 7), 123))  # male


def member(**fields):
    data = {"_parsed_id": ADULT_ID, "sex": "1", "birth_date": dt.date(1980, 3, 7), "education": "junior",
            "schooling": "", "disabled": False, "work_status": "", "work_months": None}
    data.update(fields)
    return data


def fields_of(problems):
    return {f for f, _m in problems}


def test_a_complete_adult_passes():
    assert rules.check_member(member()) == []


def test_sex_and_birth_date_must_agree_with_the_id():
    assert fields_of(rules.check_member(member(sex="2"))) == {"sex"}
    assert fields_of(rules.check_member(member(birth_date=dt.date(1980, 3, 8)))) == {"birth_date"}


def test_exactly_one_of_education_and_schooling():
    assert fields_of(rules.check_member(member(education="", schooling=""))) == {"education"}
    assert fields_of(rules.check_member(member(education="junior", schooling="senior"))) == {"schooling"}
    # 非在校生 counts as not in school, so the education level is what is needed
    assert rules.check_member(member(education="junior", schooling="not_in_school")) == []
    assert fields_of(rules.check_member(member(education="", schooling="not_in_school"))) == {"education"}
    assert rules.check_member(member(education="", schooling="primary")) == []


def test_disability_needs_category_and_grade_unless_the_card_gives_them():
    assert fields_of(rules.check_member(member(disabled=True))) == {"disability_category", "disability_grade"}
    assert rules.check_member(member(disabled=True, disability_category="4", disability_grade="2")) == []
    card = idnumber.parse(ADULT_ID.number + "42")
    assert rules.check_member(member(_parsed_id=card, disabled=True)) == []
    assert fields_of(rules.check_member(member(_parsed_id=card, disabled=True, disability_category="1"))) == {
        "disability_category"}
    assert fields_of(rules.check_member(member(disability_category="4"))) == {"disabled"}


def test_work_status_and_months_go_together():
    assert fields_of(rules.check_member(member(work_status="out_of_province"))) == {"work_months"}
    assert fields_of(rules.check_member(member(work_months=6))) == {"work_status"}
    assert rules.check_member(member(work_status="out_of_province", work_months=6)) == []
    assert rules.check_member(member(work_status="none")) == []


@given(st.integers(min_value=-5, max_value=30))
def test_work_months_must_be_between_0_and_12(months):
    problems = rules.check_member(member(work_status="in_county", work_months=months))
    assert ("work_months" in fields_of(problems)) == (not 1 <= months <= 12)


def test_household_needs_one_head_and_at_most_one_spouse_of_the_other_sex():
    head = {"relation": "head", "sex": "1"}
    wife = {"relation": "spouse", "sex": "2"}
    assert rules.check_composition([head, wife, {"relation": "son", "sex": "1"}]) == []
    assert rules.check_composition([wife])[0][1].startswith("每户须有且仅有一名户主")
    assert len(rules.check_composition([head, head])) == 1
    assert "配偶" in rules.check_composition([head, wife, wife])[0][1]
    assert "性别" in rules.check_composition([head, {"relation": "spouse", "sex": "1"}])[0][1]


@given(st.lists(st.sampled_from(["head", "spouse", "son", "daughter", "father"]), max_size=8))
def test_composition_check_agrees_with_counting(relations):
    people = [{"relation": r, "sex": "1" if r in ("head", "son", "father") else "2"} for r in relations]
    ok = relations.count("head") == 1 and relations.count("spouse") <= 1
    assert (rules.check_composition(people) == []) == ok


def test_household_field_rules():
    assert rules.check_household({"household_type": "poor", "poverty_attribute": "general"}) == []
    assert fields_of(rules.check_household({"household_type": "poor", "exit_year": 2019})) == {"exit_year"}
    assert fields_of(rules.check_household({"household_type": "exited"})) == {"exit_year"}
    assert fields_of(rules.check_household({"household_type": "ordinary", "monitoring_type": "marginal"})) == {
        "monitoring_type"}
    assert fields_of(rules.check_household({"household_type": "monitored"})) == {"monitoring_type"}
    assert fields_of(rules.check_household({"household_type": "ordinary", "poverty_attribute": "dibao"})) == {
        "poverty_attribute"}
    assert fields_of(rules.check_household({"household_type": "poor", "main_cause": "01",
                                            "other_cause_1": "01"})) == {"other_cause_1"}
    assert fields_of(rules.check_household({"household_type": "poor", "other_cause_1": "02"})) == {"main_cause"}
    assert fields_of(rules.check_household({"household_type": "exited", "identification_year": 2016,
                                            "exit_year": 2015})) == {"exit_year"}


@given(st.text(alphabet="0123456789-", min_size=0, max_size=14))
def test_phone_rule(phone):
    import re

    problems = rules.check_household({"household_type": "ordinary", "phone": phone})
    valid = not phone or re.match(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$", phone)
    assert (problems == []) == bool(valid)


def test_bank_account_rule():
    assert rules.check_household({"household_type": "ordinary", "bank_account": "6231001234567890123"}) == []
    assert fields_of(rules.check_household({"household_type": "ordinary", "bank_account": "12345"})) == {
        "bank_account"}
