"""The next-contact picker's parsing, as table tests at fixed clocks across zones and
daylight-saving days (US: 2026-11-01 back, 2027-03-14 forward; UK: 2026-10-25,
2027-03-28; Sydney: 2026-10-04 forward, 2027-04-04 back) — plus first-contact days."""

from __future__ import annotations

from datetime import date

import pendulum
import pytest

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.when import parse_day, parse_when, quick

NY, LA, LON, SYD = "America/New_York", "America/Los_Angeles", "Europe/London", "Australia/Sydney"


def at(zone: str, *parts: int) -> pendulum.DateTime:
    """A clock reading on `zone`'s wall, as the UTC instant the desk passes in."""
    return pendulum.datetime(*parts, tz=zone).in_timezone("UTC")


def wall(instant: pendulum.DateTime, zone: str) -> str:
    local = instant.in_timezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {local.utcoffset().total_seconds() / 3600:+.0f}"


# (now on the lead's wall clock, zone, text, expected wall clock and UTC offset)
TABLE = [
    # an ordinary Monday afternoon in four zones
    ((2026, 11, 23, 14, 0), NY, "thu 3pm", "2026-11-26 15:00 -5"),
    ((2026, 11, 23, 11, 0), LA, "thu 3pm", "2026-11-26 15:00 -8"),
    ((2026, 11, 23, 19, 0), LON, "thu 3pm", "2026-11-26 15:00 +0"),
    ((2026, 11, 24, 6, 0), SYD, "thu 3pm", "2026-11-26 15:00 +11"),
    ((2026, 11, 23, 14, 0), NY, "in 2 weeks", "2026-12-07 09:00 -5"),
    ((2026, 11, 23, 11, 0), LA, "dec 3 10:30", "2026-12-03 10:30 -8"),
    ((2026, 11, 24, 6, 0), SYD, "dec 3 10:30", "2026-12-03 10:30 +11"),
    ((2026, 11, 23, 14, 0), NY, "tomorrow morning", "2026-11-24 09:00 -5"),
    ((2026, 11, 23, 19, 0), LON, "tomorrow afternoon", "2026-11-24 14:00 +0"),
    ((2026, 11, 23, 11, 0), LA, "thu evening", "2026-11-26 18:00 -8"),
    ((2026, 11, 23, 11, 0), LA, "this afternoon", "2026-11-23 14:00 -8"),
    ((2026, 11, 23, 14, 0), NY, "tonight", "2026-11-23 18:00 -5"),
    ((2026, 11, 23, 14, 0), NY, "morning", "2026-11-24 09:00 -5"),  # today's has passed
    ((2026, 11, 24, 6, 0), SYD, "morning", "2026-11-24 09:00 +11"),  # theirs is ahead
    ((2026, 11, 23, 14, 0), NY, "next week", "2026-11-30 09:00 -5"),
    ((2026, 11, 23, 19, 0), LON, "in a week", "2026-11-30 09:00 +0"),
    ((2026, 11, 23, 14, 0), NY, "in an hour", "2026-11-23 15:00 -5"),
    # Feb 29 waits for the next leap year
    ((2026, 11, 23, 14, 0), NY, "feb 29", "2028-02-29 09:00 -5"),
    ((2028, 2, 1, 10, 0), NY, "feb 29 4pm", "2028-02-29 16:00 -5"),
    ((2028, 3, 1, 10, 0), SYD, "29 feb", "2032-02-29 09:00 +11"),
    # US clocks go back on 2026-11-01 (02:00 EDT → 01:00 EST)
    ((2026, 10, 31, 12, 0), NY, "tomorrow 9", "2026-11-01 09:00 -5"),
    ((2026, 10, 31, 12, 0), LA, "tomorrow morning", "2026-11-01 09:00 -8"),
    ((2026, 10, 31, 12, 0), NY, "tomorrow 1:30", "2026-11-01 01:30 -5"),  # the later 01:30
    ((2026, 11, 1, 0, 30), NY, "in 2 hours", "2026-11-01 01:30 -5"),  # 2 real hours
    ((2026, 10, 31, 12, 0), NY, "in 2 days", "2026-11-02 09:00 -5"),
    ((2026, 11, 1, 0, 30), NY, "today 3pm", "2026-11-01 15:00 -5"),
    # US clocks go forward on 2027-03-14 (02:00 EST → 03:00 EDT)
    ((2027, 3, 13, 12, 0), NY, "tomorrow 9", "2027-03-14 09:00 -4"),
    ((2027, 3, 13, 12, 0), LA, "sun 10am", "2027-03-14 10:00 -7"),
    ((2027, 3, 14, 1, 30), NY, "in 1 hour", "2027-03-14 03:30 -4"),
    ((2027, 3, 13, 12, 0), NY, "2027-03-14 03:00", "2027-03-14 03:00 -4"),
    # UK and Sydney changes
    ((2026, 10, 24, 12, 0), LON, "tomorrow 9", "2026-10-25 09:00 +0"),
    ((2027, 3, 27, 12, 0), LON, "tomorrow 9", "2027-03-28 09:00 +1"),
    ((2026, 10, 3, 12, 0), SYD, "tomorrow 9", "2026-10-04 09:00 +11"),
    ((2027, 4, 3, 12, 0), SYD, "tomorrow 9", "2027-04-04 09:00 +10"),
]


@pytest.mark.parametrize(("now", "zone", "text", "expected"), TABLE, ids=lambda v: str(v))
def test_free_text_at_fixed_clocks_across_zones(now, zone, text, expected):
    assert wall(parse_when(text, at(zone, *now), zone), zone) == expected


# quick keys: (now on the lead's wall clock, zone, key, expected)
QUICK = [
    ((2026, 11, 23, 14, 0), NY, "1", "2026-11-24 09:00 -5"),
    ((2026, 11, 23, 11, 0), LA, "9", "2026-12-02 09:00 -8"),
    ((2026, 11, 23, 19, 0), LON, "t", "2026-11-24 09:00 +0"),
    ((2026, 11, 24, 6, 0), SYD, "w", "2026-11-30 09:00 +11"),
    ((2026, 10, 31, 12, 0), NY, "t", "2026-11-01 09:00 -5"),
    ((2026, 10, 31, 12, 0), NY, "w", "2026-11-02 09:00 -5"),
    ((2027, 3, 13, 12, 0), NY, "1", "2027-03-14 09:00 -4"),
    ((2027, 3, 13, 12, 0), LA, "2", "2027-03-15 09:00 -7"),
    ((2027, 4, 3, 12, 0), SYD, "t", "2027-04-04 09:00 +10"),
]


@pytest.mark.parametrize(("now", "zone", "key", "expected"), QUICK, ids=lambda v: str(v))
def test_quick_keys_at_fixed_clocks_across_zones(now, zone, key, expected):
    assert wall(quick(key, at(zone, *now), zone), zone) == expected


@pytest.mark.parametrize(
    ("now", "zone", "text", "why"),
    [
        ((2027, 3, 13, 12, 0), NY, "tomorrow 2:30", "does not exist in America/New_York"),
        ((2027, 3, 27, 12, 0), LON, "tomorrow 1:30", "the clocks skip it"),
        ((2026, 10, 3, 12, 0), SYD, "tomorrow 2:15", "does not exist in Australia/Sydney"),
        ((2026, 11, 23, 14, 0), NY, "feb 30", r"no day 30 in month 2 \(February\)"),
        ((2026, 11, 23, 14, 0), NY, "tomorrow noonish", "cannot read"),
        ((2026, 11, 23, 14, 0), NY, "thu 25:00", "not a time of day"),
    ],
)
def test_invalid_text_says_why(now, zone, text, why):
    with pytest.raises(InvalidInput, match=why):
        parse_when(text, at(zone, *now), zone)


# --- first-contact days (the add/edit form) ------------------------------------

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("today", date(2026, 11, 23)),
        ("Yesterday", date(2026, 11, 22)),
        ("3 days ago", date(2026, 11, 20)),
        ("a week ago", date(2026, 11, 16)),
        ("2 weeks ago", date(2026, 11, 9)),
        ("2026-11-20", date(2026, 11, 20)),
        ("nov 20", date(2026, 11, 20)),
        ("20 November", date(2026, 11, 20)),
        ("dec 25", date(2025, 12, 25)),  # the latest Dec 25 up to today
        ("feb 29", date(2024, 2, 29)),
        ("nov 20 2025", date(2025, 11, 20)),
    ],
)
def test_first_contact_days(text, expected):
    assert parse_day(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("2027-01-01", "is in the future"),
        ("tomorrow", "is not a date"),
        ("2026-02-30", "no day 30 in February 2026"),
        ("feb 30", "no day 30 in February"),
        ("nov 20 20xx", "is not a date"),
        ("99999 weeks ago", "is not a date"),
    ],
)
def test_first_contact_days_refused_with_a_reason(text, why):
    with pytest.raises(InvalidInput, match=why):
        parse_day(text, TODAY)
