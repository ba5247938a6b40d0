"""The phone shortcuts give exactly what phonenumbers gives.

`parse_phone` reads plain North American numbers without `phonenumbers.parse`
and types a number once for its region and zones; a 100k-row import spends
half as long on phones. These properties fail if a phonenumbers release ever
disagrees.
"""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from phonenumbers import timezone as pn_timezone

from leaddesk.core.domain import phones
from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.phones import (
    MAX_SPREAD_ZONES,
    UNKNOWN_ZONE,
    _compute_zones,
    _plain_nanp,
    _region_and_kind,
    parse_phone,
)

REGIONS = ["US", "CA", "JM", "PR", "GB", "DE", "AU", "IN", "FR", "MX", "BR", "JP", ""]


def slow(text: str, region: str):
    """parse_phone with the shortcut switched off."""
    original = phones._plain_nanp
    phones._plain_nanp = lambda *_: None
    try:
        return parse_phone(text, region)
    except InvalidInput as exc:
        return str(exc)
    finally:
        phones._plain_nanp = original


def fast(text: str, region: str):
    try:
        return parse_phone(text, region)
    except InvalidInput as exc:
        return str(exc)


@settings(max_examples=400, deadline=None)
@given(
    text=st.one_of(
        st.from_regex(phones._NANP_SHAPE, fullmatch=True),
        st.from_regex(r"\+?[0-9 ().\-]{7,16}", fullmatch=True),
    ),
    region=st.sampled_from(REGIONS),
)
def test_the_shortcut_agrees_with_phonenumbers(text, region):
    if phones._NANP_SHAPE.fullmatch(text.strip()):
        number = _plain_nanp(text.strip(), region)
        if number is not None:
            assert number == phonenumbers.parse(text.strip(), region or None)
    got = fast(text, region)
    assert got == slow(text, region)
    if not isinstance(got, str):
        assert got.valid == phonenumbers.is_valid_number(phonenumbers.parse(text, region or None))


@pytest.mark.parametrize(
    "text",
    ["(212) 555-0142", "1-212-555-0142", "+1 212 555 0142", "212.555.0142", "2125550142"],
)
def test_plain_shapes_take_the_shortcut(text):
    assert _plain_nanp(text, "US") is not None
    assert parse_phone(text, "US").e164 == "+12125550142"


@pytest.mark.parametrize(
    ("text", "region"),
    [("+442079460958", "US"), ("+4420794609", "US"), ("2125550142", "GB"), ("0125550142", "US")],
)
def test_other_shapes_go_to_phonenumbers(text, region):
    assert _plain_nanp(text, region) is None


@settings(max_examples=300, deadline=None)
@given(
    region=st.sampled_from([r for r in REGIONS if r]),
    kind=st.sampled_from(
        [
            phonenumbers.PhoneNumberType.FIXED_LINE,
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.TOLL_FREE,
        ]
    ),
    changes=st.lists(st.tuples(st.integers(0, 20), st.integers(0, 9)), max_size=4),
)
# "+49 00223456": a leading zero its E.164 form "+490223456" does not keep
@example(region="DE", kind=phonenumbers.PhoneNumberType.FIXED_LINE, changes=[(0, 0), (2, 2)])
def test_region_type_and_zones_agree_with_phonenumbers(region, kind, changes):
    example = phonenumbers.example_number_for_type(region, kind)
    if example is None:
        return
    digits = list(str(example.national_number))
    for position, digit in changes:
        digits[position % len(digits)] = str(digit)
    number = phonenumbers.parse(f"+{example.country_code}{''.join(digits)}", None)
    region, kind = _region_and_kind(number)
    assert region == (phonenumbers.region_code_for_number(number) or "")
    assert kind == phonenumbers.number_type(number)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    # what is stored is the E.164 form, which need not parse back to `number`
    # ("+49 00223456" keeps a leading zero "+490223456" loses): validity is the stored form's
    stored = phonenumbers.parse(e164, None)
    phones._ZONES.clear()  # parsing as typed first: what it remembers must be the stored form's
    try:
        typed = phones.parse_phone(f"+{number.country_code}{''.join(digits)}")
    except InvalidInput:
        typed = None
    if typed is not None:
        assert typed.valid == phonenumbers.is_valid_number(stored)
    assert phones.is_valid_e164(e164) == phonenumbers.is_valid_number(stored)
    theirs = tuple(z for z in pn_timezone.time_zones_for_number(number) if z != UNKNOWN_ZONE)
    assert _compute_zones(number, kind) == (theirs if len(theirs) <= MAX_SPREAD_ZONES else ())
