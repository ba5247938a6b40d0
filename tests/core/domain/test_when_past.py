"""`log --at`: the picker's free text read as a moment that already happened."""

from __future__ import annotations

import pendulum
import pytest

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.when import parse_past

ZONE = "America/New_York"
NOW = pendulum.datetime(2026, 11, 23, 16, 0, tz=ZONE)  # Monday 16:00 there


def local(text: str, now=NOW) -> str:
    return parse_past(text, now, ZONE).in_timezone(ZONE).format("ddd YYYY-MM-DD HH:mm")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3pm", "Mon 2026-11-23 15:00"),  # today's: already past
        ("5pm", "Sun 2026-11-22 17:00"),  # still to come today: yesterday's
        ("thu 3pm", "Thu 2026-11-19 15:00"),  # last Thursday
        ("mon 9", "Mon 2026-11-23 09:00"),  # today is Monday, 09:00 is past
        ("mon 5pm", "Mon 2026-11-16 17:00"),  # today's is still to come
        ("yesterday 14:00", "Sun 2026-11-22 14:00"),
        ("today 10:30", "Mon 2026-11-23 10:30"),
        ("2 hours ago", "Mon 2026-11-23 14:00"),
        ("2026-11-20 10:30", "Fri 2026-11-20 10:30"),
        ("2026-11-23T15:00:00+00:00", "Mon 2026-11-23 10:00"),  # ISO with an offset
    ],
)
def test_free_text_reads_backwards_in_the_leads_zone(text, expected):
    assert local(text) == expected


@pytest.mark.parametrize("text", ["in 2 weeks", "tomorrow 9", "today 17:00", "2026-12-01 10:30"])
def test_a_time_in_the_future_is_refused(text):
    with pytest.raises(InvalidInput, match="in the future"):
        parse_past(text, NOW, ZONE)


def test_a_weekday_steps_back_across_the_dst_change_on_the_wall_clock():
    monday = pendulum.datetime(2026, 11, 2, 12, 0, tz=ZONE)  # the day after the clocks went back
    assert local("fri 10am", monday) == "Fri 2026-10-30 10:00"  # 14:00 UTC, not 15:00


def test_nonsense_is_one_clear_error():
    with pytest.raises(InvalidInput, match="cannot read"):
        parse_past("whenever", NOW, ZONE)
