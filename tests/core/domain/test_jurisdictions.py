"""A number's places come from the region its parse found (no second parse)."""

from __future__ import annotations

import phonenumbers
import pytest

from leaddesk.core.domain.jurisdictions import _area_codes, phone_places
from leaddesk.core.domain.phones import parse_phone, region_of


def reference(e164: str) -> tuple[str, ...]:
    """phone_places as phonenumbers itself answers it: parse, region, area code."""
    number = phonenumbers.parse(e164, None)
    country = phonenumbers.region_code_for_number(number) or ""
    if not country or country == "001":
        return ()
    if number.country_code == 1:
        region = _area_codes().get(phonenumbers.national_significant_number(number)[:3], "")
        if region.startswith(country + "-"):
            return (country, region)
    return (country,)


NUMBERS = [
    "+13055550142",  # Miami: US, US-FL
    "+12125550142",  # fictional 555-01xx in New York
    "+14165550100",  # Toronto: CA
    "+18005550100",  # toll-free
    "+18095550100",  # Dominican Republic, NANP
    "+19075550000",  # Anchorage
    "+442079460000",  # London
    "+4930123456",  # Berlin
    "+12015550123",
    "+18885550100",
    "+16045550100",  # Vancouver
    "+19999999999",  # no area code
]


@pytest.mark.parametrize("e164", NUMBERS)
def test_places_match_phonenumbers_own_answer(e164):
    assert phone_places(e164) == reference(e164)
    # right after an import parsed it, and cold
    parse_phone(e164)
    assert phone_places(e164) == reference(e164)
    assert region_of(e164) == (
        phonenumbers.region_code_for_number(phonenumbers.parse(e164, None)) or ""
    )


def test_text_that_is_no_number_has_no_places():
    assert phone_places("not a number") == ()


@pytest.mark.parametrize(
    ("e164s", "country", "region"),
    [
        (["+13055550142", "+12125550142"], "", "NY"),
        (["+13055550142", ""], "US", "Florida"),
        (["+442079460958"], "GB", ""),
        ([], "CA", "Ontario"),
        (["+14165550142", "+13055550142"], "US", "Texas"),
        ([""], "", ""),
    ],
)
def test_place_codes_are_the_lead_places_codes_sorted(e164s, country, region):
    from leaddesk.core.domain.jurisdictions import lead_places, place_codes

    assert place_codes(e164s, country, region) == tuple(
        sorted(p.code for p in lead_places(e164s, country, region))
    )
