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

from leaddesk.core.domain import phone_text, phones
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
    assert phone_text.is_valid_e164(e164) == phonenumbers.is_valid_number(stored)
    theirs = tuple(z for z in pn_timezone.time_zones_for_number(number) if z != UNKNOWN_ZONE)
    assert _compute_zones(number, kind) == (theirs if len(theirs) <= MAX_SPREAD_ZONES else ())


def _every_region_metadata():
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        yield region, phonenumbers.PhoneMetadata.metadata_for_region(region)
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        yield str(code), phonenumbers.PhoneMetadata.metadata_for_nongeo_region(code)


def test_number_type_agrees_with_phonenumbers_for_every_region_and_type():
    """Each region's example numbers of every type, and each one a digit off, a digit
    short and a digit long: the compiled patterns type them as phonenumbers does."""
    from phonenumbers.phonenumberutil import _number_type_helper

    checked = 0
    for _, metadata in _every_region_metadata():
        for kind in phonenumbers.PhoneNumberType.values():
            desc = phonenumbers.phonenumberutil._number_desc_by_type(metadata, kind)
            nsn = desc.example_number if desc is not None else None
            if not nsn:
                continue
            for variant in {nsn, nsn[:-1], nsn + "0", nsn[:-1] + str((int(nsn[-1]) + 5) % 10),
                            str((int(nsn[0]) + 1) % 10) + nsn[1:]}:  # fmt: skip
                assert phones._number_type(variant, metadata) == _number_type_helper(
                    variant, metadata
                ), (metadata.id, kind, variant)
                checked += 1
    assert checked > 2000  # every region was there to check


@settings(max_examples=500, deadline=None)
@given(
    region=st.sampled_from(["US", "CA", "JM", "PR", "GB", "DE", "AU", "IN", "FR", "800"]),
    digits=st.from_regex(r"[0-9]{4,13}", fullmatch=True),
)
def test_number_type_agrees_on_any_digits(region, digits):
    from phonenumbers.phonenumberutil import _number_type_helper

    metadata = (
        phonenumbers.PhoneMetadata.metadata_for_nongeo_region(int(region))
        if region.isdigit()
        else phonenumbers.PhoneMetadata.metadata_for_region(region)
    )
    assert phones._number_type(digits, metadata) == _number_type_helper(digits, metadata)


@settings(max_examples=400, deadline=None)
@given(text=st.from_regex(phones._NANP_SHAPE, fullmatch=True), region=st.sampled_from(REGIONS))
def test_a_plain_north_american_number_is_possible_and_its_e164_is_plus_one_and_ten_digits(
    text, region
):
    """The shortcut writes E.164 itself and skips `is_possible_number`: phonenumbers
    agrees for every shape it takes."""
    number = _plain_nanp(text, region)
    if number is None:
        return
    assert phonenumbers.is_possible_number(number)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    assert parse_phone(text, region).e164 == e164 == f"+1{number.national_number}"


@pytest.mark.parametrize("area", ["212", "718", "312", "213", "415", "305", "512", "617", "800"])
def test_the_bench_spreadsheet_formats_agree_with_phonenumbers(area):
    """The four formats bench/imports.py writes ("(212) 200-0001", "212-200-0001",
    "+1 212 200 0001", "2122000001") and a few more shapes, over many exchanges: as
    phonenumbers reads them, whichever path parse_phone takes."""
    for n in range(0, 8_000_000, 97_003):
        digits = f"{area}{200 + (n // 10_000) % 800}{n % 10_000:04d}"
        a, b, c = digits[:3], digits[3:6], digits[6:]
        shapes = (f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"+1 {a} {b} {c}", digits,
                  f"1-{a}-{b}-{c}", f"{a}.{b}.{c}", f"+1{digits}", f" {a} {b} {c} ")  # fmt: skip
        for text in shapes:
            phones._ZONES.clear()
            got = parse_phone(text, "US")
            number = phonenumbers.parse(text, "US")
            pe164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            assert got.e164 == pe164, text
            assert got.region == phonenumbers.region_code_for_number(number), text
            assert got.valid == phonenumbers.is_valid_number(number), text
            kind = phonenumbers.number_type(number)
            assert _region_and_kind(number) == (got.region, kind)
            theirs = pn_timezone.time_zones_for_number(number)
            theirs = tuple(z for z in theirs if z != UNKNOWN_ZONE)
            assert got.zones == (theirs if len(theirs) <= MAX_SPREAD_ZONES else ()), text
