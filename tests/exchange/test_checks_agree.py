"""The workbook's vectorised checks (polars, ``exchange.validate``) and the registry's checks on one
person (``registry.rules.check_member``, which every form and action runs) agree: for any person a
workbook may carry, a row is refused by the import exactly when the registry would refuse the same
person typed into a form, and on the same columns."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from fupin.exchange import template
from fupin.registry import codes, idnumber, rules
from tests import factories
from tests.exchange.test_validate import PROPERTY, check, each_alone

BORN = dt.date(1968, 8, 8)
HEADER = {c.field: c.header for c in template.COLUMNS}
HEADER["disabled"] = "健康状况"
MEMBER_FIELDS = {"sex", "birth_date", "education", "schooling", "disabled", "disability_category",
                 "disability_grade", "work_months", "work_status"}


def label(code_list, value: str) -> str:
    return str(dict(code_list.choices)[value]) if value else ""


people = st.fixed_dictionaries({
    "female": st.booleans(),  # the ID's 17th digit
    "sex": st.sampled_from(["", "1", "2"]),
    "birth": st.sampled_from([None, BORN, dt.date(1970, 1, 2)]),
    "education": st.sampled_from(["", *codes.Education.values]),
    "schooling": st.sampled_from(["", *codes.Schooling.values]),
    "disabled": st.booleans(),
    "disability_category": st.sampled_from(["", *codes.DisabilityCategory.values]),
    "disability_grade": st.sampled_from(["", *codes.DisabilityGrade.values]),
    "work_status": st.sampled_from(["", *codes.WorkStatus.values]),
    "work_months": st.sampled_from([None, 0, 1, 6, 12]),
})


def registry_fields(p: dict) -> set[str]:
    number = idnumber.make(factories.COUNTY, BORN, 2 if p["female"] else 1)
    data = {k: p[k] for k in ("sex", "education", "schooling", "disabled", "disability_category",
                              "disability_grade", "work_status", "work_months")}
    data.update(birth_date=p["birth"], _parsed_id=idnumber.parse(number))
    return {field for field, _message in rules.check_member(data)}


def workbook_columns(p: dict) -> set[str]:
    number = idnumber.make(factories.COUNTY, BORN, 2 if p["female"] else 1)
    row = {"证件号码": number, "性别": label(codes.Sex, p["sex"]),
           "出生日期": p["birth"].isoformat() if p["birth"] else "",
           "文化程度": label(codes.Education, p["education"]), "在校生状况": label(codes.Schooling, p["schooling"]),
           "健康状况": "残疾" if p["disabled"] else "健康",
           "残疾类别": label(codes.DisabilityCategory, p["disability_category"]),
           "残疾等级": label(codes.DisabilityGrade, p["disability_grade"]),
           "务工状况": label(codes.WorkStatus, p["work_status"]),
           "务工时间": "" if p["work_months"] is None else str(p["work_months"])}
    found = check(each_alone([row]))  # a household of one: its head, no spouse rule applies
    member_headers = {HEADER[f] for f in MEMBER_FIELDS}
    return {column for _row, column, _value, _message in found.problems.rows() if column in member_headers}


@PROPERTY
@given(person=people)
def test_the_import_refuses_a_person_exactly_where_the_registry_would(person):
    expected = {HEADER[f] for f in registry_fields(person)}
    assert workbook_columns(person) == expected, person


def test_the_property_sees_both_outcomes():
    """Not vacuous: a clean person passes both, a contradicting one fails both on the same column."""
    clean = {"female": False, "sex": "1", "birth": BORN, "education": "junior", "schooling": "",
             "disabled": False, "disability_category": "", "disability_grade": "", "work_status": "",
             "work_months": None}
    assert registry_fields(clean) == set() and workbook_columns(clean) == set()
    wrong_sex = {**clean, "sex": "2"}
    assert registry_fields(wrong_sex) == {"sex"}
    assert workbook_columns(wrong_sex) == {"性别"}
