"""Free-text and quick-key times, read in the lead's zone at a fixed `now`."""

from __future__ import annotations

import pendulum
import pytest
from core_helpers import local
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.when import parse_instant, parse_when, quick

# Monday 2026-11-23 19:00 UTC: 14:00 New York, 11:00 Los Angeles, 19:00 London,
# and already Tuesday 06:00 in Sydney.
NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")
ZONES = ["America/New_York", "America/Los_Angeles", "Europe/London", "Australia/Sydney"]


def wall(at: pendulum.DateTime, zone: str) -> tuple[int, int, int, int, int]:
    local_at = at.in_timezone(zone)
    return (local_at.year, local_at.month, local_at.day, local_at.hour, local_at.minute)


# (text, zone, expected local wall clock)
TABLE = [
    # weekdays: the next one strictly after today
    ("thu 3pm", "America/New_York", (2026, 11, 26, 15, 0)),
    ("Thursday 15:00", "America/New_York", (2026, 11, 26, 15, 0)),
    ("mon 9", "America/New_York", (2026, 11, 30, 9, 0)),  # today is Monday: next week's
    ("next thu 10am", "Europe/London", (2026, 11, 26, 10, 0)),
    ("thu 3pm", "Australia/Sydney", (2026, 11, 26, 15, 0)),  # Tuesday there
    ("tue 9", "Australia/Sydney", (2026, 12, 1, 9, 0)),
    # relative
    ("in 2 weeks", "America/New_York", (2026, 12, 7, 9, 0)),
    ("in 3 days", "America/Los_Angeles", (2026, 11, 26, 9, 0)),
    ("in 90 min", "America/New_York", (2026, 11, 23, 15, 30)),
    ("+2h", "Europe/London", (2026, 11, 23, 21, 0)),
    ("in 1 month", "America/New_York", (2026, 12, 23, 9, 0)),
    # tomorrow / today
    ("tomorrow 9", "America/New_York", (2026, 11, 24, 9, 0)),
    ("tomorrow at 3 pm", "America/Los_Angeles", (2026, 11, 24, 15, 0)),
    ("tomorrow", "Europe/London", (2026, 11, 24, 9, 0)),
    ("tomorrow 9", "Australia/Sydney", (2026, 11, 25, 9, 0)),  # their tomorrow
    ("today 8pm", "America/New_York", (2026, 11, 23, 20, 0)),
    # a bare time: today if still ahead, else tomorrow
    ("3pm", "America/New_York", (2026, 11, 23, 15, 0)),
    ("3pm", "Europe/London", (2026, 11, 24, 15, 0)),
    ("noon", "America/Los_Angeles", (2026, 11, 23, 12, 0)),
    ("noon", "America/New_York", (2026, 11, 24, 12, 0)),
    # month and day: this year, or next year once passed
    ("dec 3 10:30", "America/New_York", (2026, 12, 3, 10, 30)),
    ("3 dec", "Europe/London", (2026, 12, 3, 9, 0)),
    ("December 3, 10:30", "America/New_York", (2026, 12, 3, 10, 30)),
    ("jan 5", "America/New_York", (2027, 1, 5, 9, 0)),
    ("nov 23 16:00", "America/New_York", (2026, 11, 23, 16, 0)),
    # ISO, local to the lead
    ("2026-12-01 10:30", "America/New_York", (2026, 12, 1, 10, 30)),
    ("2026-12-01 10:30", "Australia/Sydney", (2026, 12, 1, 10, 30)),
    ("2026-12-01T10:30", "America/Los_Angeles", (2026, 12, 1, 10, 30)),
    ("2026-12-01", "America/New_York", (2026, 12, 1, 9, 0)),
    # ISO with an offset is an exact instant, shown in the lead's zone
    ("2026-12-01T10:30:00+01:00", "America/New_York", (2026, 12, 1, 4, 30)),
    ("2026-12-01T10:30:00Z", "Europe/London", (2026, 12, 1, 10, 30)),
    ("2026-12-01T10:30:00-08:00", "Australia/Sydney", (2026, 12, 2, 5, 30)),
]


@pytest.mark.parametrize(("text", "zone", "expected"), TABLE, ids=lambda v: str(v))
def test_parse_when(text, zone, expected):
    got = parse_when(text, NOW, zone)
    assert got.timezone_name == "UTC"
    assert wall(got, zone) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("1", (2026, 11, 24, 9, 0)),
        ("3", (2026, 11, 26, 9, 0)),
        ("9", (2026, 12, 2, 9, 0)),
        ("t", (2026, 11, 24, 9, 0)),
        ("w", (2026, 11, 30, 9, 0)),  # next Monday morning
    ],
)
@pytest.mark.parametrize("zone", ["America/New_York", "America/Los_Angeles", "Europe/London"])
def test_quick_keys(key, expected, zone):
    assert wall(quick(key, NOW, zone), zone) == expected


def test_quick_keys_in_sydney_count_from_their_own_date():
    zone = "Australia/Sydney"  # Tuesday 06:00 there
    assert wall(quick("1", NOW, zone), zone) == (2026, 11, 25, 9, 0)
    assert wall(quick("w", NOW, zone), zone) == (2026, 11, 30, 9, 0)


@pytest.mark.parametrize("key", ["0", "x", "", "T"])
def test_other_keys_are_not_quick_choices(key):
    assert quick(key, NOW, "America/New_York") is None


def test_quick_uses_the_morning_hour_setting():
    assert wall(quick("t", NOW, "America/New_York", morning_hour=10), "America/New_York") == (
        2026,
        11,
        24,
        10,
        0,
    )


@pytest.mark.parametrize(
    ("now", "expected_utc_hour"),
    [
        (local("America/New_York", 2026, 10, 31, 12, 0), 14),  # tomorrow is EST (-5)
        (local("America/New_York", 2027, 3, 13, 12, 0), 13),  # tomorrow is EDT (-4)
    ],
)
def test_tomorrow_nine_stays_nine_local_across_dst(now, expected_utc_hour):
    for got in (
        parse_when("tomorrow 9:00", now.in_timezone("UTC"), "America/New_York"),
        quick("t", now.in_timezone("UTC"), "America/New_York"),
    ):
        assert wall(got, "America/New_York")[3:] == (9, 0)
        assert got.hour == expected_utc_hour


def test_in_one_day_across_dst_keeps_the_wall_clock():
    now = local("America/New_York", 2026, 10, 31, 12, 0).in_timezone("UTC")
    got = parse_when("in 2 days", now, "America/New_York")
    assert wall(got, "America/New_York") == (2026, 11, 2, 9, 0)


@pytest.mark.parametrize(
    ("text", "zone", "message"),
    [
        ("feb 30", "America/New_York", "no day 30 in month 2"),
        ("30 feb", "America/New_York", "no day 30"),
        ("25:00", "America/New_York", "not a time of day"),
        ("10:75", "America/New_York", "not a time of day"),
        ("blah", "America/New_York", "try 'tomorrow 9'"),
        ("13pm", "America/New_York", "cannot read '13pm'"),
        ("", "America/New_York", "no time given"),
        ("   ", "America/New_York", "no time given"),
        ("mon tue", "America/New_York", "cannot read"),
        ("2026-02-30 10:00", "America/New_York", "not a real date"),
        ("2026-12-01 24:00", "America/New_York", "not a time of day"),
        ("2026-12-01T25:00+01:00", "America/New_York", "not a real date/time"),
        # the clocks skip 02:00-03:00 in New York on 2027-03-14
        ("2027-03-14 02:30", "America/New_York", "does not exist in America/New_York"),
        ("2027-03-14 02:30", "America/Los_Angeles", "clocks skip it"),
        # absurdly far away: one line, not an overflow traceback
        ("in 99999999999 weeks", "America/New_York", "cannot"),
        ("in 999999 months", "America/New_York", "cannot"),
        ("9999-12-31 23:59", "America/New_York", "cannot"),
    ],
)
def test_bad_input_raises_invalid_input_with_a_helpful_message(text, zone, message):
    with pytest.raises(InvalidInput, match=message):
        parse_when(text, NOW, zone)


def test_dst_skipped_time_is_fine_where_the_clocks_do_not_skip():
    got = parse_when("2027-03-14 02:30", NOW, "Europe/London")
    assert wall(got, "Europe/London") == (2027, 3, 14, 2, 30)


@given(st.text(max_size=40))
@hsettings(max_examples=300, deadline=None)
def test_any_text_either_parses_or_raises_invalid_input(text):
    for zone in ("America/New_York", "Australia/Sydney"):
        try:
            got = parse_when(text, NOW, zone)
        except InvalidInput as exc:
            assert str(exc)
        else:
            assert got.timezone_name == "UTC"


RELATIVE = r"\A(in |\+)?[0-9]{1,12} ?(min|h|d|w|weeks|months|mo)\Z"
ISO_LOCAL = r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{1,2}:[0-9]{2})?\Z"


@given(st.one_of(st.from_regex(RELATIVE), st.from_regex(ISO_LOCAL)))
@hsettings(max_examples=200, deadline=None)
def test_plausible_shapes_never_crash(text):
    """Huge numbers and far years give InvalidInput, never OverflowError/ValueError."""
    try:
        got = parse_when(text, NOW, "America/New_York")
    except InvalidInput as exc:
        assert str(exc)
    else:
        assert got.timezone_name == "UTC"


# --- parse_instant (--now, --received) ---------------------------------------


@pytest.mark.parametrize(
    ("text", "zone", "expected_utc"),
    [
        ("2026-11-23T14:00:00-05:00", "America/Chicago", (2026, 11, 23, 19, 0)),
        ("2026-11-23T19:00:00Z", "America/Chicago", (2026, 11, 23, 19, 0)),
        ("2026-11-23T14:00", "America/Chicago", (2026, 11, 23, 20, 0)),  # naive = the zone
        ("2026-11-23 14:00", "Europe/London", (2026, 11, 23, 14, 0)),
        ("2026-11-23", "America/Chicago", (2026, 11, 23, 6, 0)),  # midnight in the zone
    ],
)
def test_parse_instant(text, zone, expected_utc):
    got = parse_instant(text, zone)
    assert got.timezone_name == "UTC"
    assert (got.year, got.month, got.day, got.hour, got.minute) == expected_utc


@pytest.mark.parametrize("text", ["garbage", "", "2026-13-01", "P1D", "1e100"])
def test_parse_instant_rejects_non_instants(text):
    with pytest.raises(InvalidInput):
        parse_instant(text)


def test_parse_instant_refuses_a_time_without_a_date():
    """A bare "14:00" would silently mean "today by the wall clock": not injected time."""
    with pytest.raises(InvalidInput, match="date"):
        parse_instant("14:00", "America/Chicago")
