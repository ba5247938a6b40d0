"""The read model of one lead, and the plain-text phrasing the desk and CLI share."""

from __future__ import annotations

import pendulum
import pytest

from leaddesk.core.domain.clock import FixedClock, ShiftedClock, SystemClock
from leaddesk.core.domain.errors import NotFound
from leaddesk.core.domain.text import (
    history_stamp,
    next_contact,
    span,
    span_words,
    when_local,
)
from leaddesk.core.reads.leads import lead_view
from leaddesk.core.writes.outcomes import log_outcome


def test_lead_view(make_lead, settings, now):
    lead_id = make_lead(
        "Dana Whitfield",
        phones=["+1 212 555 0142", "+1 212 555 0199"],
        email="dana@x.com",
        company="Whitfield Roofing",
        source="trade show",
    )
    log_outcome(lead_id, "wrong-number", now, settings, note="fax machine")
    log_outcome(lead_id, "callback", now.add(minutes=1), settings, next_at=now.add(days=1))
    view = lead_view(lead_id, now.add(minutes=2), settings)
    assert (view.name, view.company, view.email) == (
        "Dana Whitfield",
        "Whitfield Roofing",
        "dana@x.com",
    )
    assert [(p.e164, p.bad) for p in view.phones] == [
        ("+12125550142", True),
        ("+12125550199", False),
    ]
    assert view.phone == "+12125550199"  # the first good one
    assert (view.timezone, view.timezone_source) == ("America/New_York", "phone")
    assert view.local_now.hour == 14 and view.window_open and view.window_opens_at is None
    assert [t.outcome for t in view.touches] == ["callback", "wrong-number", "received"]
    assert view.touches[1].note == "fax machine"
    assert [(p.kind, p.at) for p in view.promises] == [("callback", now.add(days=1))]
    assert (view.tier, view.attempts, view.steps) == ("promise", 1, 10)


def test_lead_view_outside_the_window_says_when_it_opens(make_lead, settings, now):
    lead_id = make_lead()
    view = lead_view(lead_id, now.add(hours=8), settings)  # 22:00 New York
    assert not view.window_open
    assert view.window_opens_at == pendulum.datetime(2026, 11, 24, 8, tz="America/New_York")


def test_lead_view_unknown_id(store, settings, now):
    with pytest.raises(NotFound):
        lead_view(12345, now, settings)


def test_lead_view_can_limit_history(make_lead, settings, now):
    lead_id = make_lead()
    for i in range(5):  # 9 h apart: never a 4th call in 24 h (the cap refuses it)
        log_outcome(lead_id, "no-answer", now.add(hours=9 * i), settings, outside_hours=True)
    assert len(lead_view(lead_id, now, settings, touches=2).touches) == 2


@pytest.mark.parametrize(
    ("minutes", "short", "words"),
    [
        (-5, "0m", "0 min"),
        (12, "12m", "12 min"),
        (60, "1h 00m", "1 h"),
        (185, "3h 05m", "3 h 05 min"),
        (24 * 60, "1d", "1 day"),
        (4 * 24 * 60 + 3, "4d", "4 days"),
    ],
)
def test_spans(minutes, short, words):
    assert (span(minutes), span_words(minutes)) == (short, words)


NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")


@pytest.mark.parametrize(
    ("at", "text"),
    [
        (NOW.add(hours=1), "15:00"),
        (NOW.add(days=3), "Thu 14:00"),
        (NOW.add(days=6), "Sun 14:00"),  # the last day of this week
        # a bare weekday would read as upcoming: past days and next week show the date
        (NOW.subtract(days=2), "2026-11-21 14:00"),
        (NOW.subtract(hours=20), "2026-11-22 18:00"),
        (NOW.add(days=7), "2026-11-30 14:00"),
        (NOW.add(days=10), "2026-12-03 14:00"),
    ],
)
def test_when_local(at, text):
    assert when_local(at, "America/New_York", NOW) == text


@pytest.mark.parametrize(
    ("at", "text"),
    [
        (NOW.subtract(days=3), "11-20 14:00"),
        (NOW.subtract(days=299), "01-28 14:00"),
        # a year ago: "11-23 14:00" would read as today; the year shows instead
        (NOW.subtract(days=365), "2025-11-23 "),
    ],
)
def test_history_stamps_show_the_year_of_old_touches(at, text):
    assert history_stamp(at, "America/New_York", NOW) == text


def test_their_time_and_yours_name_the_day_when_the_days_differ():
    # 08:00 Tuesday in Sydney is 16:00 Monday in New York
    sydney_morning = pendulum.datetime(2026, 11, 24, 8, tz="Australia/Sydney")
    assert next_contact(sydney_morning, "call", "Australia/Sydney", "America/New_York", NOW) == (
        "next: call Tue 08:00 their time (Mon 16:00 yours)"
    )


def test_next_contact_phrasing():
    assert next_contact(None, "", "America/New_York", "America/Chicago", NOW) == (
        "no next contact (out of the queue)"
    )
    assert next_contact(NOW.add(hours=1), "call", "America/New_York", "America/Chicago", NOW) == (
        "next: call 15:00 their time (14:00 yours)"
    )
    assert next_contact(NOW, "email", "America/Chicago", "America/Chicago", NOW) == (
        "due since email 13:00"
    )


def test_clocks():
    fixed = FixedClock(pendulum.datetime(2026, 11, 23, 14, tz="America/New_York"))
    assert fixed.now() == NOW and fixed.now().timezone_name == "UTC"
    assert fixed.advance(minutes=5) == NOW.add(minutes=5) == fixed.now()
    fixed.set(NOW)
    assert fixed.now() == NOW
    shifted = ShiftedClock(NOW)
    assert NOW <= shifted.now() < NOW.add(minutes=1)
    assert SystemClock().now().timezone_name == "UTC"
