"""Masking of personal data. A masked ID number must not be rebuildable from what is shown beside it
(the birth date on the card, the sex): the mask hides the birth date and the sequence number."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from fupin.core.masking import mask_bank_account, mask_id_number, mask_phone
from fupin.registry import idnumber


def test_id_number_keeps_address_and_last_character():
    assert mask_id_number("36102219800101123X") == "361022***********X"
    assert mask_id_number("361022800101123") == "361022********3"  # old 15-digit number
    assert mask_id_number("12345") == "*****"


def test_phone_and_bank_account():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_bank_account("6231001234567890123") == "6231***********0123"
    assert mask_phone("") == ""


@given(st.text(alphabet="0123456789X", min_size=11, max_size=20))
def test_masked_values_keep_length_and_hide_the_middle(value):
    for mask in (mask_id_number, mask_phone, mask_bank_account):
        masked = mask(value)
        assert len(masked) == len(value)
        assert "*" in masked
        assert masked[-1] == value[-1]


def candidates(masked: str, birth: dt.date, sex: str) -> list[str]:
    """Every valid ID number that the mask, the birth date and the sex allow (what an attacker
    with the card in front of them would try)."""
    found = []
    for seq in range(1000):
        if (seq % 2 == 1) != (sex == "1"):
            continue
        first17 = f"{masked[:6]}{birth:%Y%m%d}{seq:03d}"
        number = first17 + idnumber.check_char(first17)
        if mask_id_number(number) == masked:
            found.append(number)
    return found


@given(st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2023, 12, 31)), st.integers(0, 999))
def test_a_masked_id_with_the_birth_date_and_sex_beside_it_cannot_be_rebuilt(birth, seq):
    number = idnumber.make("361022", birth, seq)
    sex = "1" if seq % 2 else "2"
    found = candidates(mask_id_number(number), birth, sex)
    assert number in found
    assert len(found) >= 20  # about 500 / 11: far from one
