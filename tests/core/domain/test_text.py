"""The one formatter for rates (`percent`)."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leaddesk.core.domain.text import history_stamp, percent, touch_subject, when_local


@pytest.mark.parametrize(
    ("part", "whole", "text"),
    [(12, 32, "38%"), (1, 3, "33%"), (2, 3, "67%"), (29, 200, "15%"), (0, 5, "0%"), (3, 0, "–")],
)
def test_percent_rounds_halves_up(part, whole, text):
    assert percent(part, whole) == text


@pytest.mark.parametrize(
    ("channel", "label", "text"),
    [
        ("call", "no answer", "the call with Naomi Fischer (no answer)"),
        ("email", "email sent", "the email to Naomi Fischer"),
        ("letter", "letter sent", "the letter to Naomi Fischer"),
        ("system", "closed as lost", "Naomi Fischer: closed as lost"),
    ],
)
def test_a_touch_is_named_as_a_rep_would(channel, label, text):
    assert touch_subject(channel, label, "Naomi Fischer") == text


# --- times spelled without pendulum's formatter (issue 15) ------------------------------


@given(
    st.datetimes(min_value=dt.datetime(100, 1, 1), max_value=dt.datetime(9998, 12, 31)),
    st.sampled_from(["UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]),
    st.integers(min_value=-10, max_value=10),
    st.booleans(),
)
def test_times_read_as_pendulum_formats_them(naive, zone, days, day):
    """when_local and history_stamp give pendulum's own "HH:mm", "ddd HH:mm",
    "YYYY-MM-DD HH:mm", "MM-DD HH:mm" and "YYYY-MM-DD", byte for byte."""
    at = pendulum.instance(naive, tz="UTC")
    now = at.add(days=days)
    local, today = at.in_timezone(zone), now.in_timezone(zone).date()
    offset = (local.date() - today).days
    if offset == 0 and not day:
        expected = local.format("HH:mm")
    elif 0 <= offset < 7 - today.weekday():
        expected = local.format("ddd HH:mm")
    else:
        expected = local.format("YYYY-MM-DD HH:mm")
    assert when_local(at, zone, now, day=day) == expected
    recent = now.timestamp() - at.timestamp() < 300 * 86400
    stamp = local.format("MM-DD HH:mm") if recent else local.format("YYYY-MM-DD").ljust(11)
    assert history_stamp(at, zone, now) == stamp
