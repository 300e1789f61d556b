import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fupin.registry import idnumber
from fupin.registry.idnumber import IdNumberError, check_char, parse

KNOWN_VALID = ["11010519491231002X", "440524188001010014"]

births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2023, 12, 31))
addresses = st.sampled_from(["361022", "110105", "440524", "362522", "350781"])
sequences = st.integers(min_value=0, max_value=999)


@pytest.mark.parametrize("number", KNOWN_VALID)
def test_known_vectors_pass(number):
    assert parse(number).number == number


def test_known_vector_fields():
    parsed = parse("11010519491231002X")
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.sex == "2"  # 17th digit 2 is even
    assert parsed.address_code == "110105"
    assert parse("440524188001010014").sex == "1"


def test_lower_case_x_spaces_and_full_width_digits_are_normalised():
    assert parse(" 11010519491231002x ").number == "11010519491231002X"
    assert parse("１１０１０５１９４９１２３１００２Ｘ").number == "11010519491231002X"


def test_wrong_check_character_is_refused_with_the_expected_one():
    with pytest.raises(IdNumberError) as err:
        parse("110105194912310021")
    assert err.value.code == "checksum" and "X" in err.value.message


def test_impossible_birth_date_is_refused():
    first17 = "36102219800230123"  # 30 February
    with pytest.raises(IdNumberError) as err:
        parse(first17 + check_char(first17))
    assert err.value.code == "birth_date"


def test_future_birth_date_is_refused():
    first17 = "36102221000101123"
    with pytest.raises(IdNumberError):
        parse(first17 + check_char(first17))


def test_unknown_province_is_refused():
    first17 = "99102219800101123"
    with pytest.raises(IdNumberError) as err:
        parse(first17 + check_char(first17))
    assert err.value.code == "address"


def test_legacy_15_digit_id_is_converted():
    parsed = parse("110105491231002")
    assert parsed.number == "11010519491231002X"
    assert parsed.source == "15"


def test_disability_card_gives_category_and_grade():
    parsed = parse("11010519491231002X42")
    assert parsed.number == "11010519491231002X"
    assert (parsed.disability_category, parsed.disability_grade) == ("4", "2")
    assert parsed.disability_card == "11010519491231002X42"
    with pytest.raises(IdNumberError) as err:
        parse("11010519491231002X82")
    assert err.value.code == "disability_category"
    with pytest.raises(IdNumberError) as err:
        parse("11010519491231002X45")
    assert err.value.code == "disability_grade"


def test_ids_that_excel_turned_into_numbers_are_errors_not_fixes():
    with pytest.raises(IdNumberError) as err:
        parse("3.61022E+17")
    assert err.value.code == "excel_number"
    with pytest.raises(IdNumberError) as err:
        parse(3.61022198001011e17)
    assert err.value.code == "excel_number"
    with pytest.raises(IdNumberError) as err:
        parse("361022198001011000")  # 18 digits whose last three Excel zeroed
    assert err.value.code == "excel_number"


@pytest.mark.parametrize("raw", ["", "123", "36102219800101123", "3610221980010112345"])
def test_wrong_lengths_are_refused(raw):
    with pytest.raises(IdNumberError):
        parse(raw)


@given(address=addresses, birth=births, seq=sequences)
def test_made_ids_parse_back_to_what_they_encode(address, birth, seq):
    number = idnumber.make(address, birth, seq)
    parsed = parse(number)
    assert parsed.number == number
    assert parsed.birth_date == birth
    assert parsed.sex == ("1" if seq % 2 else "2")


@given(address=addresses, birth=births, seq=sequences, position=st.integers(0, 16), digit=st.integers(0, 9))
def test_changing_any_single_digit_breaks_the_checksum(address, birth, seq, position, digit):
    number = idnumber.make(address, birth, seq)
    assume(number[position] != str(digit))
    changed = number[:position] + str(digit) + number[position + 1:]
    # The checksum detects every single-digit error (weights are non-zero mod 11).
    with pytest.raises(IdNumberError):
        parse(changed)
        # a change may also produce an impossible date or province; still an error


@given(address=addresses, birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)),
       seq=sequences)
def test_15_digit_ids_convert_to_the_18_digit_form(address, birth, seq):
    legacy = f"{address}{birth:%y%m%d}{seq:03d}"
    assert parse(legacy).number == idnumber.make(address, birth, seq)


@given(st.text(max_size=25))
def test_parse_never_crashes_on_arbitrary_text(text):
    try:
        parsed = parse(text)
    except IdNumberError as exc:
        assert exc.message
    else:
        assert len(parsed.number) == 18 and parsed.number[17] == check_char(parsed.number[:17])


@given(address=addresses, birth=births, seq=sequences)
def test_an_id_that_went_through_a_float_is_reported_as_excel_damage(address, birth, seq):
    number = idnumber.make(address, birth, seq)
    if number.endswith("X"):
        return
    damaged = str(int(float(number)))
    if damaged == number or damaged[17] == check_char(damaged[:17]):
        return  # survived, or the damage left a valid checksum (1 in 11): nothing can tell
    with pytest.raises(IdNumberError) as err:
        parse(damaged)
    assert err.value.code in ("excel_number", "birth_date")
