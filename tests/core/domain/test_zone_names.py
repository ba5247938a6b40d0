"""The time-zone field takes what reps type, and says so when a name is ambiguous."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

import pytest

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.zone_names import ABBREVIATIONS, read_zone, zone_choices

# Region words and generic forms ("PT" for PST/PDT) are not in tzdata; the rest are.
NOT_TZDATA = {
    "pt", "mt", "ct", "et", "pacific", "mountain", "central", "eastern", "alaska", "hawaii",
    "atlantic", "newfoundland", "arizona",
}  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("PST", "America/Los_Angeles"),
        ("Eastern", "America/New_York"),
        ("  eastern ", "America/New_York"),
        ("EST", "America/New_York"),  # not tzdata's fixed "EST" (no summer time)
        ("Los Angeles", "America/Los_Angeles"),
        ("los_angeles", "America/Los_Angeles"),
        ("London", "Europe/London"),
        ("sao paulo", "America/Sao_Paulo"),
        ("America/Chicago", "America/Chicago"),
        ("europe/berlin", "Europe/Berlin"),
    ],
)
def test_what_reps_type_maps_to_an_iana_zone(typed, zone):
    assert read_zone(typed) == zone


def test_an_ambiguous_name_lists_the_choices():
    assert zone_choices("IST") == ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem")
    with pytest.raises(InvalidInput, match="could be Asia/Kolkata or Europe/Dublin or"):
        read_zone("ist")


def test_an_unknown_name_says_what_would_do():
    with pytest.raises(InvalidInput, match=r"not an IANA zone .*PST"):
        read_zone("Mars/Base")
    assert zone_choices("") == ()


@pytest.mark.parametrize("abbreviation", sorted(set(ABBREVIATIONS) - NOT_TZDATA))
def test_each_abbreviation_is_one_its_zones_use_in_tzdata(abbreviation):
    for zone in ABBREVIATIONS[abbreviation]:
        info = zoneinfo.ZoneInfo(zone)
        names = {datetime(2026, month, 15, tzinfo=info).tzname() for month in (1, 7)}
        assert abbreviation.upper() in names, (zone, names)
