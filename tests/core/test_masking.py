from hypothesis import given
from hypothesis import strategies as st

from fupin.core.masking import mask_bank_account, mask_id_number, mask_phone


def test_id_number_keeps_address_and_last_four():
    assert mask_id_number("36102219800101123X") == "361022********123X"


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
        assert masked[-4:] == value[-4:]
