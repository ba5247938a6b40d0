"""Phone numbers: E.164, the zones a number may be in, and a lead's zone."""

from __future__ import annotations

import pytest

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.phone_text import pretty
from leaddesk.core.domain.phones import parse_phone, resolve_zone


@pytest.mark.parametrize(
    ("raw", "e164", "region", "zones"),
    [
        ("(212) 555-0142", "+12125550142", "US", ("America/New_York",)),
        ("212.555.0142", "+12125550142", "US", ("America/New_York",)),
        ("+1 415 555 0142", "+14155550142", "US", ("America/Los_Angeles",)),
        ("+44 20 7946 0958", "+442079460958", "GB", ("Europe/London",)),
        ("+61 2 9999 9999", "+61299999999", "AU", ("Australia/Sydney",)),
        ("+1 808 555 0100", "+18085550100", "US", ("Pacific/Honolulu",)),
        # toll-free spans the continent: no usable zone
        ("+1 800 555 1212", "+18005551212", "US", ()),
    ],
)
def test_parse_phone(raw, e164, region, zones):
    parsed = parse_phone(raw)
    assert (parsed.raw, parsed.e164, parsed.region, parsed.zones) == (raw, e164, region, zones)


def test_default_region_reads_national_numbers():
    assert parse_phone("020 7946 0958", "GB").e164 == "+442079460958"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("12", "wrong number of digits"),
        ("call me maybe", "cannot be read"),
        ("1" * 65, "too long"),
    ],
)
def test_bad_phones(raw, message):
    with pytest.raises(InvalidInput, match=message):
        parse_phone(raw)


def test_resolve_zone_order_manual_then_phone_then_rep():
    assert resolve_zone("Europe/Paris", ["+12125550142"]).source == "manual"
    by_phone = resolve_zone(None, ["+18005551212", "+12125550142"])  # skips toll-free
    assert (by_phone.timezone, by_phone.source, by_phone.call_zones) == (
        "America/New_York",
        "phone",
        ("America/New_York",),
    )
    assert resolve_zone(None, []) == resolve_zone(None, ["+18005551212"])
    assert resolve_zone(None, []).source == "rep"


def test_pretty():
    assert pretty("+12125550142") == "+1 212-555-0142"
    assert pretty("") == ""
    assert pretty("not a number") == "not a number"
