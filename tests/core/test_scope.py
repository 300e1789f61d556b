from hypothesis import given
from hypothesis import strategies as st

from fupin.core.scope import AreaScope, code_in_prefixes, prefix_upper_bound

digits = st.text(alphabet="0123456789", min_size=1, max_size=12)


codes = st.text(alphabet="0123456789", min_size=12, max_size=12)


@given(prefix=digits, code=codes)
def test_a_code_is_in_the_range_of_a_prefix_exactly_when_it_starts_with_it(prefix, code):
    upper = prefix_upper_bound(prefix)
    in_range = code >= prefix and (upper is None or code < upper)
    assert in_range == code.startswith(prefix)


@given(prefix=digits, tail=st.text(alphabet="0123456789", max_size=12))
def test_codes_below_a_prefix_are_in_its_range(prefix, tail):
    code = (prefix + tail)[:12]
    if len(code) < len(prefix):
        return
    upper = prefix_upper_bound(prefix)
    assert code >= prefix and (upper is None or code < upper)


def test_upper_bound_carries_over_nines():
    assert prefix_upper_bound("361022201") == "361022202"
    assert prefix_upper_bound("361099") == "3611"
    assert prefix_upper_bound("999") is None


def test_scope_without_grants_sees_nothing_and_empty_prefix_sees_everything():
    assert AreaScope().is_empty
    assert AreaScope(prefixes=("",)).unrestricted
    assert not AreaScope(prefixes=("",), helper_user_id=3).unrestricted
    assert code_in_prefixes("361022201205", ("361022201",))
    assert not code_in_prefixes("361022200202", ("361022201",))


def test_narrowing_a_scope_to_an_area_gives_one_range_per_prefix():
    county = AreaScope(prefixes=("361022",))
    assert county.narrowed("361022201").prefixes == ("361022201",)
    assert county.narrowed("361023").prefixes == ()  # outside: nothing
    two = AreaScope(prefixes=("361022201205", "361022200202"), helper_user_id=5)
    assert two.narrowed("361022201").prefixes == ("361022201205",)
    assert two.narrowed("361022201").helper_user_id == 5
    assert two.narrowed("").prefixes == two.prefixes
