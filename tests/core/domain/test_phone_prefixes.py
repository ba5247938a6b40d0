"""A ten-digit +1 number judged by its area code and exchange gives exactly what
phonenumbers gives it on its own — region, validity, zones — for every prefix
phonenumbers' data knows; and the area codes whose patterns look further are
judged one number at a time (the test shows they would go wrong otherwise)."""

from __future__ import annotations

import re

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import timezone as pn_timezone

from leaddesk.core.domain import phones
from leaddesk.core.domain.prefixes import decided_by, shapes

AREAS = [f"{n:03d}" for n in range(200, 1000)]


@pytest.mark.parametrize(
    ("pattern", "digits", "start", "decided"),
    [
        (r"2\d{9}", 1, "", True),
        (r"21[2-9]\d{7}", 3, "", True),
        (r"21[2-9]\d{7}", 2, "", False),  # the third digit matters
        (r"(?:212|3(?:0[1-5]|12))[2-9]\d{6}", 4, "", True),
        (r"(?:212|3(?:0[1-5]|12))[2-9]\d{6}", 3, "", False),
        (r"246(?:2[0-7]|3[0-4])\d[0-4]\d{3}|[3-9]\d{9}", 6, "246", False),  # Barbados-like
        (r"246(?:2[0-7]|3[0-4])\d[0-4]\d{3}|[3-9]\d{9}", 6, "312", True),  # other areas are not
        (r"\d{7,10}", 6, "", True),
        (r"\w{10}", 6, "", False),  # not spelt out: "no"
        (r"[^5]\d{9}", 6, "", False),
        (r"\d+", 6, "", False),  # unbounded
    ],
)
def test_which_digits_decide_a_whole_match(pattern, digits, start, decided):
    assert decided_by(pattern, 10, digits, start=start) is decided


def test_a_prefix_match_is_decided_by_its_longest_alternative():
    assert decided_by("268|664", 10, 3, whole=False)
    assert not decided_by("268|6641", 10, 3, whole=False)
    assert decided_by("268|6641", 10, 3, start="268", whole=False)  # 6641… cannot begin 268


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(
        ["2\\d{9}", "(?:21[2-9]|3(?:0[1-5]|1[02]))[2-9]\\d{6}", "\\d{3}(?:55|6)\\d{3,5}"]
    ),
    st.from_regex(r"[0-9]{7,10}", fullmatch=True),
)
def test_the_shapes_match_what_the_pattern_matches(pattern, digits):
    found = shapes(pattern)
    assert found is not None
    spelt = any(
        len(shape) == len(digits)
        and all(d in accepted for d, accepted in zip(digits, shape, strict=True))
        for shape in found
    )
    assert spelt is (re.fullmatch(pattern, digits) is not None)


def truth(nsn: str) -> tuple[tuple[str, ...], bool, str]:
    """phonenumbers' own judgement of +1 `nsn`: zones (as phones keeps them), validity,
    region."""
    number = phonenumbers.parse(f"+1{nsn}", None)
    zones = tuple(z for z in pn_timezone.time_zones_for_number(number) if z != phones.UNKNOWN_ZONE)
    if len(zones) > phones.MAX_SPREAD_ZONES:
        zones = ()
    region = phonenumbers.region_code_for_number(number) or ""
    return zones, phonenumbers.is_valid_number(number), region


def known_prefixes() -> list[str]:
    """Six-digit starts of +1 numbers that phonenumbers' data tells apart: every zone
    prefix, and for every area code the exchanges its patterns name."""
    found = {p[1:7] for p in pn_timezone.TIMEZONE_DATA if p.startswith("1") and len(p) == 7}
    for area in AREAS:
        found.update(f"{area}{exchange}" for exchange in ("200", "555", "911", "100", "099"))
    for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1]:
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(code)
        for name in ("fixed_line", "mobile", "toll_free", "premium_rate", "personal_number"):
            desc = getattr(metadata, name)
            for shape in shapes(desc.national_number_pattern) or () if desc else ():
                if len(shape) == 10:
                    found.add("".join(min(accepted) for accepted in shape[:6]))
                    found.add("".join(max(accepted) for accepted in shape[:6]))
    return sorted(found)


@pytest.fixture
def bulk(monkeypatch):
    """The prefixes serving at once, from an empty memory of numbers."""
    monkeypatch.setattr(phones, "_judged", phones.BULK)
    monkeypatch.setattr(phones, "_BY_PREFIX", {})
    phones._ZONES.clear()
    yield
    phones._ZONES.clear()


def test_every_known_prefix_is_judged_as_phonenumbers_judges_each_number(bulk):
    prefixes = known_prefixes()
    assert len(prefixes) > 5000
    checked = 0
    for start in prefixes:
        first, second = f"{start}0000", f"{start}7391"
        phones.parse_phone(f"+1{first}")  # judged, and kept for its prefix when six decide
        got = phones.parse_phone(f"+1{second}")  # from the prefix when six decide
        assert (got.zones, got.valid, got.region) == truth(second), start
        checked += phones._six_decide(start[:3])
    assert checked > 0.9 * len(prefixes)


def test_the_areas_whose_seventh_digit_counts_are_judged_number_by_number(bulk):
    undecided = [area for area in AREAS if not phones._six_decide(area)]
    assert undecided == ["246", "876"]  # Barbados, Jamaica (phonenumbers 9.0.43)
    # and with their prefixes serving, some number there would be judged wrongly
    wrong = [
        f"{area}{exchange}"
        for area in undecided
        for exchange in range(200, 1000)
        if truth(f"{area}{exchange}0000") != truth(f"{area}{exchange}9999")
        or truth(f"{area}{exchange}0000") != truth(f"{area}{exchange}5999")
    ]
    assert wrong


def test_a_few_numbers_are_judged_alone(monkeypatch):
    """Before a list's worth of numbers, no prefix is kept (an added lead pays nothing)."""
    monkeypatch.setattr(phones, "_judged", 0)
    monkeypatch.setattr(phones, "_BY_PREFIX", {})
    phones._ZONES.clear()
    phones.parse_phone("(212) 555-0142")
    assert phones._BY_PREFIX == {} and phones._judged == 1
    monkeypatch.setattr(phones, "_judged", phones.BULK)
    phones.parse_phone("(212) 555-0143")
    assert list(phones._BY_PREFIX) == ["+1212555"]
