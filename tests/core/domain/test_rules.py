"""Scheduling rules: calling windows, DST, every outcome's effect, and invariants.

All pure: a LeadState, an outcome, an explicit `now` and Settings in, a Decision out.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time

import pendulum
import pytest
from core_helpers import ALASKA, LA, NY, NY_LA, fresh, local
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from leaddesk.core.domain.errors import InvalidInput, NeedsConfirmation
from leaddesk.core.domain.lead_state import (
    LIST_OUTCOMES,
    OUTCOMES,
    LeadState,
    new_lead_state,
    priority_for,
)
from leaddesk.core.domain.phones import parse_phone
from leaddesk.core.domain.record import replace
from leaddesk.core.domain.rules import plan_outcome, waiting_heat
from leaddesk.core.domain.settings import WEEKDAYS, Cadence, CadenceStep, Rules, Settings
from leaddesk.core.domain.tiers import TIER_CADENCE, TIER_NEW, TIER_NURTURE, TIER_PROMISE
from leaddesk.core.domain.windows import add_business_days, next_open, window_open

SETTINGS = Settings(rep_name="tester", rep_timezone="America/Chicago")
OPEN_DAY = ((time(8, 0), time(21, 0)),)
SUNDAYS_TOO = Settings(
    rep_name="tester",
    rep_timezone="America/Chicago",
    calling_hours={d: OPEN_DAY for d in WEEKDAYS},
)
# Monday 2026-11-23 14:00 in New York (19:00 UTC).
MON_2PM = local("America/New_York", 2026, 11, 23, 14, 0)


def ny(*parts: int):
    return local("America/New_York", *parts)


# --- calling windows ---------------------------------------------------------

WINDOW_ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "Europe/London",
    "Australia/Sydney",
]
# (local wall clock, open?) — the same wall clock in every zone.
WINDOW_EDGES = [
    ((2026, 11, 23, 7, 59, 59), False),  # Monday, a second before the window
    ((2026, 11, 23, 8, 0, 0), True),  # 08:00 is inclusive
    ((2026, 11, 23, 13, 30, 0), True),
    ((2026, 11, 23, 20, 59, 59), True),
    ((2026, 11, 23, 21, 0, 0), False),  # 21:00 is exclusive
    ((2026, 11, 28, 8, 0, 0), True),  # Saturday is open
    ((2026, 11, 28, 21, 0, 0), False),
    ((2026, 11, 29, 8, 0, 0), False),  # Sunday is closed all day
    ((2026, 11, 29, 12, 0, 0), False),
    ((2026, 11, 29, 20, 59, 0), False),
    ((2026, 7, 6, 8, 0, 0), True),  # northern summer time / Sydney winter time
    ((2026, 7, 6, 7, 59, 0), False),
    ((2026, 7, 6, 21, 0, 0), False),
]


@pytest.mark.parametrize("zone", WINDOW_ZONES)
@pytest.mark.parametrize(("wall", "is_open"), WINDOW_EDGES, ids=lambda v: str(v))
def test_window_edges_in_every_zone(zone, wall, is_open):
    at = local(zone, *wall)
    assert window_open(at, (zone,), SETTINGS) is is_open
    # the same instant seen from UTC gives the same answer
    assert window_open(at.in_timezone("UTC"), (zone,), SETTINGS) is is_open


def test_unknown_zone_uses_the_reps_zone():
    # 07:30 Chicago = 08:30 New York: closed for the rep, open in New York.
    at = local("America/Chicago", 2026, 11, 23, 7, 30)
    assert window_open(at, (), SETTINGS) is False
    assert window_open(at, NY, SETTINGS) is True
    assert next_open(at, (), SETTINGS) == local("America/Chicago", 2026, 11, 23, 8, 0)


@pytest.mark.parametrize(
    ("start", "zones", "expected", "settings"),
    [
        # Inside the window: unchanged.
        (ny(2026, 11, 23, 14, 0), NY, ny(2026, 11, 23, 14, 0), SETTINGS),
        # Evening: next morning 08:00.
        (ny(2026, 11, 23, 21, 0), NY, ny(2026, 11, 24, 8, 0), SETTINGS),
        (ny(2026, 11, 24, 2, 0), NY, ny(2026, 11, 24, 8, 0), SETTINGS),
        # Saturday night skips the closed Sunday.
        (ny(2026, 11, 28, 21, 0), NY, ny(2026, 11, 30, 8, 0), SETTINGS),
        # Over the autumn change (Sun 2026-11-01): 08:00 EST on Monday.
        (ny(2026, 10, 31, 21, 0), NY, ny(2026, 11, 2, 8, 0), SETTINGS),
        # Over the spring change (Sun 2027-03-14): 08:00 EDT on Monday.
        (ny(2027, 3, 13, 21, 0), NY, ny(2027, 3, 15, 8, 0), SETTINGS),
        # With Sundays open, the change day itself opens at 08:00 local.
        (ny(2026, 10, 31, 21, 0), NY, ny(2026, 11, 1, 8, 0), SUNDAYS_TOO),
        (ny(2027, 3, 13, 21, 0), NY, ny(2027, 3, 14, 8, 0), SUNDAYS_TOO),
        (ny(2026, 11, 1, 1, 30), NY, ny(2026, 11, 1, 8, 0), SUNDAYS_TOO),
        (
            local("Europe/London", 2026, 10, 24, 21, 0),
            ("Europe/London",),
            local("Europe/London", 2026, 10, 25, 8, 0),
            SUNDAYS_TOO,
        ),
        (
            local("Australia/Sydney", 2026, 10, 3, 21, 0),  # AEST -> AEDT overnight
            ("Australia/Sydney",),
            local("Australia/Sydney", 2026, 10, 4, 8, 0),
            SUNDAYS_TOO,
        ),
        # Two zones: New York and Los Angeles overlap 11:00-21:00 New York time.
        (ny(2026, 11, 23, 9, 0), NY_LA, ny(2026, 11, 23, 11, 0), SETTINGS),
        (ny(2026, 11, 23, 10, 59), NY_LA, ny(2026, 11, 23, 11, 0), SETTINGS),
        (ny(2026, 11, 23, 11, 0), NY_LA, ny(2026, 11, 23, 11, 0), SETTINGS),
        (ny(2026, 11, 23, 20, 59), NY_LA, ny(2026, 11, 23, 20, 59), SETTINGS),
        (ny(2026, 11, 23, 21, 0), NY_LA, ny(2026, 11, 24, 11, 0), SETTINGS),
        (ny(2026, 11, 28, 21, 0), NY_LA, ny(2026, 11, 30, 11, 0), SETTINGS),
        # Alaska numbers may be in Adak (one hour behind Anchorage): 09:00 Anchorage.
        (
            local("America/Anchorage", 2026, 11, 23, 8, 30),
            ALASKA,
            local("America/Anchorage", 2026, 11, 23, 9, 0),
            SETTINGS,
        ),
        (
            local("America/Anchorage", 2026, 11, 23, 20, 30),
            ALASKA,
            local("America/Anchorage", 2026, 11, 23, 20, 30),
            SETTINGS,
        ),
        (
            local("America/Anchorage", 2026, 11, 23, 21, 0),
            ALASKA,
            local("America/Anchorage", 2026, 11, 24, 9, 0),
            SETTINGS,
        ),
    ],
)
def test_next_open(start, zones, expected, settings):
    got = next_open(start.in_timezone("UTC"), zones, settings)
    assert got == expected, f"{got.in_timezone(zones[0])} != {expected}"
    assert window_open(got, zones, settings)


def test_ny_and_la_window_is_the_intersection():
    for hour in range(0, 24):
        at = ny(2026, 11, 23, hour, 0)
        assert window_open(at, NY_LA, SETTINGS) is (11 <= hour < 21), hour


def test_alaska_number_zones_come_from_the_phone():
    assert set(parse_phone("+1 907 555 0100").zones) == set(ALASKA)


def test_windows_with_a_lunch_break():
    split = ((time(8, 0), time(12, 0)), (time(13, 0), time(21, 0)))
    s = replace(SETTINGS, calling_hours={d: split for d in WEEKDAYS})
    assert window_open(ny(2026, 11, 23, 12, 30), NY, s) is False
    assert next_open(ny(2026, 11, 23, 12, 30), NY, s) == ny(2026, 11, 23, 13, 0)
    assert next_open(ny(2026, 11, 23, 11, 59), NY, s) == ny(2026, 11, 23, 11, 59)


@given(
    at=st.datetimes(
        min_value=datetime(2026, 1, 1),
        max_value=datetime(2028, 12, 31),
        timezones=st.just(UTC),
    ),
    zones=st.sampled_from(
        [NY, LA, NY_LA, ALASKA, ("Europe/London",), ("Australia/Sydney",), ("Pacific/Honolulu",)]
    ),
)
@hsettings(max_examples=150, deadline=None)
def test_next_open_is_the_first_open_instant(at, zones):
    start = pendulum.instance(at).in_timezone("UTC")
    got = next_open(start, zones, SETTINGS)
    assert got >= start
    assert window_open(got, zones, SETTINGS)
    if got > start:
        # nothing earlier was open: windows start on whole minutes, so scan by minute
        # near the answer and by 15 minutes before that
        assert not window_open(got.subtract(seconds=1), zones, SETTINGS)
        probe = start
        while probe < got.subtract(minutes=15):
            assert not window_open(probe, zones, SETTINGS), probe
            probe = probe.add(minutes=15)


# --- outcomes ----------------------------------------------------------------


def plan(state: LeadState, name: str, now=MON_2PM, settings=SETTINGS, next_at=None):
    return plan_outcome(state, name, now.in_timezone("UTC"), settings, next_at=next_at)


def first_touch(name: str = "no-answer", now=MON_2PM, **state):
    return plan(fresh(now.subtract(minutes=10), **state), name, now)


@pytest.mark.parametrize("name", ["no-answer", "voicemail", "gatekeeper"])
def test_attempt_outcomes_count_and_take_the_next_cadence_step(name):
    d = first_touch(name)
    s = d.state
    assert d.counted and d.channel == "call"
    assert (s.attempts, s.status, s.cadence_step) == (1, "working", 1)
    assert s.cadence_started_at == MON_2PM
    assert s.last_touch_at == MON_2PM
    assert (s.next_due_at, s.next_channel) == (MON_2PM.add(hours=1), "call")  # step 2 is +1 h
    assert s.priority == TIER_CADENCE


def test_cadence_offsets_count_from_the_first_attempt_not_from_now():
    s1 = first_touch().state
    late = MON_2PM.add(hours=5)  # step 2 (+1 h) was done four hours late
    s2 = plan(s1, "voicemail", late).state
    assert s2.cadence_step == 2
    # +1 d from the first attempt, in the afternoon (the third call: call_dayparts[2])
    assert s2.next_due_at == ny(2026, 11, 24, 15, 0)


def test_min_gap_between_calls():
    s1 = first_touch().state
    # step 3 is due at +1 d 15:00; an attempt logged 10 minutes before that pushes it out
    almost = ny(2026, 11, 24, 14, 50)
    s2 = plan(replace(s1, cadence_step=1), "no-answer", almost).state
    assert s2.cadence_step == 2
    assert s2.next_due_at == almost.add(minutes=30)


def test_min_gap_with_a_tight_custom_cadence():
    tight = Cadence("tight", (CadenceStep(0, "call"), CadenceStep(5, "call")))
    s = replace(SETTINGS, cadences={"new-lead": tight})
    d = plan(fresh(MON_2PM), "no-answer", settings=s)
    assert d.state.next_due_at == MON_2PM.add(minutes=30)


def test_busy_retries_in_30_minutes_without_advancing_the_cadence():
    d = first_touch("busy")
    s = d.state
    assert d.counted and s.attempts == 1 and s.status == "working"
    assert s.cadence_step == 0
    assert (s.next_due_at, s.next_channel) == (MON_2PM.add(minutes=30), "call")


def test_busy_late_in_the_evening_retries_next_morning():
    evening = ny(2026, 11, 23, 20, 45)
    s = first_touch("busy", now=evening).state
    assert s.next_due_at == ny(2026, 11, 24, 8, 0)


@pytest.mark.parametrize(
    ("logged", "expected"),
    [
        (ny(2026, 11, 23, 14, 0), ny(2026, 11, 25, 14, 0)),  # Mon -> Wed
        (ny(2026, 11, 26, 10, 0), ny(2026, 11, 30, 10, 0)),  # Thu -> Mon
        # Fri -> Tue 20:55 is in the window's last 15 minutes: Wednesday's opening
        (ny(2026, 11, 27, 20, 55), ny(2026, 12, 2, 8, 0)),
        (ny(2026, 11, 28, 11, 0), ny(2026, 12, 1, 11, 0)),  # Sat -> Tue
        (ny(2026, 10, 30, 10, 0), ny(2026, 11, 3, 10, 0)),  # over the DST change: 10:00 local
    ],
)
def test_connected_makes_the_lead_engaged_with_a_follow_up_in_two_business_days(logged, expected):
    d = first_touch("connected", now=logged)
    s = d.state
    assert d.counted and s.attempts == 1
    assert s.status == "engaged"
    assert (s.next_due_at, s.next_channel) == (expected, "call")
    assert s.priority == TIER_CADENCE


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (ny(2026, 11, 27, 9, 0), 1, ny(2026, 11, 30, 9, 0)),  # Fri + 1 = Mon
        (ny(2026, 11, 29, 9, 0), 1, ny(2026, 11, 30, 9, 0)),  # Sun + 1 = Mon
        (ny(2026, 11, 23, 9, 0), 5, ny(2026, 11, 30, 9, 0)),  # a working week
        (ny(2026, 11, 23, 9, 0), 0, ny(2026, 11, 23, 9, 0)),
    ],
)
def test_add_business_days(start, days, expected):
    assert add_business_days(start, days, "America/New_York") == expected


def test_callback_sets_a_promise_at_the_given_time():
    at = ny(2026, 11, 25, 15, 0)
    d = first_touch_with_time("callback", at)
    s = d.state
    assert d.promise == ("callback", at)
    assert d.counted and s.attempts == 1 and s.status == "engaged"
    assert (s.next_due_at, s.next_channel, s.priority) == (at, "call", TIER_PROMISE)


def test_callback_outside_the_window_keeps_the_time_they_asked_for():
    # allowed, with a warning (hours.promise_warning; tests/core/writes/test_outcomes.py)
    d = first_touch_with_time("callback", ny(2026, 11, 25, 22, 30))
    assert d.promise == ("callback", ny(2026, 11, 25, 22, 30))
    assert d.state.next_due_at == ny(2026, 11, 25, 22, 30)


def test_appointment_keeps_the_exact_meeting_time():
    at = ny(2026, 11, 29, 10, 0)  # a Sunday meeting is the rep's business
    d = first_touch_with_time("appointment", at)
    assert d.promise == ("appointment", at)
    assert (d.state.status, d.state.next_due_at, d.state.priority) == (
        "appointment",
        at,
        TIER_PROMISE,
    )


def first_touch_with_time(name, at):
    return plan(fresh(MON_2PM.subtract(minutes=10)), name, next_at=at.in_timezone("UTC"))


@pytest.mark.parametrize("name", ["callback", "appointment"])
def test_promises_need_a_time(name):
    with pytest.raises(InvalidInput, match="--next"):
        first_touch(name)


def test_not_interested_counts_a_no_and_nurtures_in_90_days():
    d = first_touch("not-interested")
    s = d.state
    assert not d.counted and s.attempts == 0
    assert (s.no_count, s.status) == (1, "nurture")
    # +90 d is Sunday 2027-02-21: the call moves to Monday 08:00
    assert (s.next_due_at, s.next_channel) == (ny(2027, 2, 22, 8, 0), "call")
    assert s.priority == TIER_NURTURE
    again = plan(s, "not-interested", s.next_due_at).state
    assert again.no_count == 2


def test_dnc_continues_the_cadence_by_email():
    d = first_touch("dnc", has_email=True)
    s = d.state
    assert s.do_not_call and s.dnc_at == MON_2PM
    assert not d.counted
    # the next step (+1 h call) cannot be a call: it becomes the email the lead can receive
    assert (s.next_channel, s.cadence_step) == ("email", 1)
    assert s.next_due_at == MON_2PM.add(hours=1)


def test_dnc_continues_by_letter_when_only_an_address_is_known():
    s = first_touch("dnc", has_address=True).state
    assert (s.next_channel, s.cadence_step) == ("letter", 1)
    assert s.next_due_at == MON_2PM.add(hours=1)


def test_dnc_without_any_mail_channel_drops_out_of_the_queue():
    s = first_touch("dnc").state
    assert s.do_not_call
    assert s.next_due_at is None and s.next_channel == ""
    assert s.priority is None


def test_dnc_on_a_new_lead_is_no_longer_a_new_lead():
    """Someone said "do not call": the lead was reached, it is not speed-to-lead."""
    s = first_touch("dnc", has_email=True).state
    assert s.priority != TIER_NEW
    assert s.status != "new"


def test_dnc_on_a_nurtured_lead_nurtures_by_email():
    nurtured = replace(
        fresh(MON_2PM.subtract(days=100)), status="nurture", attempts=10, has_email=True
    )
    s = plan(nurtured, "dnc").state
    assert (s.next_channel, s.next_due_at) == ("email", MON_2PM.add(days=30))


def test_dnc_keeps_an_email_step_already_scheduled():
    on_email = replace(
        fresh(MON_2PM.subtract(days=2)),
        status="working",
        attempts=3,
        cadence_step=3,
        next_channel="email",
        next_due_at=MON_2PM.add(hours=2),
        has_email=True,
    )
    s = plan(on_email, "dnc").state
    assert (s.next_channel, s.next_due_at, s.cadence_step) == ("email", MON_2PM.add(hours=2), 3)


def test_wrong_number_tries_the_spare_phone_now():
    d = first_touch("wrong-number", spare_phones=1)
    assert d.phone_bad
    s = d.state
    assert s.has_phone and (s.next_due_at, s.next_channel) == (MON_2PM, "call")


def test_wrong_number_without_a_spare_goes_to_email():
    d = first_touch("wrong-number", has_email=True)
    s = d.state
    assert d.phone_bad and not s.has_phone
    assert (s.next_due_at, s.next_channel) == (MON_2PM, "email")


def test_wrong_number_without_a_spare_goes_to_letter_when_no_email():
    s = first_touch("wrong-number", has_address=True).state
    assert s.next_channel == "letter"


@pytest.mark.parametrize("status", ["engaged", "appointment"])
def test_mail_due_on_a_lead_that_talked_is_rescheduled_when_sent(status):
    engaged = replace(
        fresh(MON_2PM.subtract(days=5)),
        status=status,
        attempts=2,
        do_not_call=True,
        has_email=True,
        next_channel="email",
        next_due_at=MON_2PM.subtract(hours=1),
        priority=TIER_CADENCE,
    )
    s = plan(engaged, "email").state
    assert s.next_channel == "email"
    assert s.next_due_at > MON_2PM.add(days=20)


def test_wrong_number_on_a_new_lead_leaves_the_new_tier():
    s = first_touch("wrong-number", spare_phones=1).state
    assert s.status == "working" and s.priority == TIER_CADENCE


def test_wrong_number_with_nothing_left_is_bad():
    d = first_touch("wrong-number")
    s = d.state
    assert s.status == "bad" and s.next_due_at is None and s.priority is None


def test_won_books_a_customer_check_in_in_30_days():
    s = first_touch("won").state
    assert s.status == "won"
    assert (s.next_due_at, s.next_channel, s.priority) == (
        MON_2PM.add(days=30),
        "call",
        TIER_NURTURE,
    )


@pytest.mark.parametrize("name", ["email", "letter"])
def test_mail_sent_off_step_changes_nothing_but_the_last_touch(name):
    before = fresh(MON_2PM.subtract(minutes=10), has_email=True, has_address=True)
    d = plan(before, name)
    assert not d.counted and d.channel == name
    assert d.state == replace(before, last_touch_at=MON_2PM)


def test_a_letter_on_an_email_step_does_not_advance_it():
    on_email = replace(
        fresh(MON_2PM.subtract(days=2)),
        status="working",
        attempts=3,
        cadence_step=3,
        next_channel="email",
        next_due_at=MON_2PM,
        has_email=True,
        has_address=True,
    )
    assert plan(on_email, "letter").state.cadence_step == 3
    assert plan(on_email, "email").state.cadence_step == 4


def test_a_promise_given_in_the_past_is_kept_as_given():
    """The one exception to "never due before now": the rep promised a time that has
    passed (typed late). It is kept, so it is due at once and tops the queue."""
    past = MON_2PM.subtract(hours=2)
    d = first_touch_with_time("callback", past)
    assert d.promise == ("callback", past)
    assert (d.state.next_due_at, d.state.priority) == (past, TIER_PROMISE)


def test_lost_and_bad_leads_are_in_no_queue():
    for status in ("lost", "bad"):
        assert priority_for(replace(fresh(MON_2PM), status=status)) is None


def full_cadence_lead():
    return fresh(MON_2PM.subtract(minutes=10), has_email=True, has_address=True)


def test_the_whole_default_cadence_then_nurture():
    """Each step logged when due, by its own channel: the schedule of PRODUCT.md."""
    expected = [
        (ny(2026, 11, 23, 15, 0), "call"),  # +1 h
        (ny(2026, 11, 24, 15, 0), "call"),  # +1 d, afternoon (call_dayparts rotate)
        (ny(2026, 11, 25, 14, 0), "email"),  # +2 d (mail keeps the first attempt's time)
        (ny(2026, 11, 27, 18, 0), "call"),  # +4 d, evening
        (ny(2026, 11, 30, 8, 0), "call"),  # +6 d is a Sunday: Monday 08:00
        (ny(2026, 12, 2, 14, 0), "email"),  # +9 d
        (ny(2026, 12, 7, 12, 0), "call"),  # +14 d, midday
        (ny(2026, 12, 14, 14, 0), "letter"),  # +21 d
        (ny(2026, 12, 23, 15, 0), "call"),  # +30 d, afternoon
    ]
    state, at = full_cadence_lead(), MON_2PM
    outcome_for = {"call": "no-answer", "email": "email", "letter": "letter"}
    channel = "call"
    for attempt, (due, next_channel) in enumerate(expected, start=1):
        d = plan(state, outcome_for[channel], at)
        state = d.state
        assert d.counted
        assert (state.attempts, state.cadence_step) == (attempt, attempt)
        assert (state.next_due_at, state.next_channel) == (due, next_channel), attempt
        assert state.priority == TIER_CADENCE
        at, channel = due, next_channel
    last = plan(state, "no-answer", at).state
    assert last.status == "nurture" and last.attempts == 10
    assert (last.next_due_at, last.next_channel) == (ny(2027, 1, 22, 15, 0), "call")
    assert last.priority == TIER_NURTURE
    # nurture goes on every 30 days
    again = plan(last, "voicemail", last.next_due_at).state
    assert again.next_due_at == ny(2027, 2, 22, 8, 0)  # +30 d is a Sunday
    assert again.status == "nurture"


def test_cadence_day_offsets_keep_the_local_wall_clock_across_dst():
    """+1 d from Saturday 10:00 EDT is Sunday EST at the afternoon daypart, 15:00 on the
    wall clock (a 25-hour day), not 14:00."""
    start = ny(2026, 10, 31, 10, 0)
    s1 = plan(full_cadence_lead(), "no-answer", start, settings=SUNDAYS_TOO).state
    s2 = plan(s1, "no-answer", start.add(hours=1), settings=SUNDAYS_TOO).state
    assert s2.next_due_at == ny(2026, 11, 1, 15, 0)
    s3 = plan(s2, "no-answer", s2.next_due_at, settings=SUNDAYS_TOO).state
    assert (s3.next_due_at, s3.next_channel) == (ny(2026, 11, 2, 10, 0), "email")


def test_nurture_days_keep_the_local_wall_clock_across_dst():
    spring = ny(2027, 3, 1, 14, 0)  # EST; +30 d is in EDT
    s = first_touch("won", now=spring).state
    assert s.next_due_at == ny(2027, 3, 31, 14, 0)


def test_email_step_becomes_a_call_when_there_is_no_email():
    s1 = first_touch().state
    s2 = plan(s1, "no-answer", MON_2PM.add(hours=1)).state
    s3 = plan(s2, "no-answer", s2.next_due_at).state
    # +2 d email becomes the fourth call, in the evening
    assert (s3.cadence_step, s3.next_channel) == (3, "call")
    assert s3.next_due_at == ny(2026, 11, 25, 18, 0)


def test_a_missed_follow_up_with_an_engaged_lead_is_retried_next_business_day():
    engaged = first_touch("connected").state
    friday = ny(2026, 11, 27, 15, 0)
    s = plan(engaged, "no-answer", friday).state
    assert s.status == "engaged" and s.attempts == 2
    assert s.next_due_at == ny(2026, 11, 30, 15, 0)


def test_explicit_next_time_overrides_the_schedule_and_is_placed_in_the_window():
    at = ny(2026, 11, 26, 22, 0)
    s = plan(fresh(MON_2PM), "no-answer", next_at=at.in_timezone("UTC")).state
    assert (s.next_due_at, s.next_channel) == (ny(2026, 11, 27, 8, 0), "call")


def test_explicit_next_time_never_puts_a_dnc_lead_back_on_the_phone():
    s = plan(fresh(MON_2PM), "dnc", next_at=ny(2026, 12, 1, 10, 0).in_timezone("UTC")).state
    assert s.do_not_call
    assert s.next_channel != "call"


def test_unknown_outcome_lists_the_known_ones():
    with pytest.raises(InvalidInput) as info:
        first_touch("hung-up")
    assert "hung-up" in str(info.value) and "no-answer" in str(info.value)


def test_an_open_promise_outranks_a_later_step():
    appt = MON_2PM.add(days=1)
    state = replace(
        fresh(MON_2PM),
        attempts=2,
        status="nurture",
        next_due_at=MON_2PM.add(days=30),
        has_email=True,
        open_promise_at=appt,
    )
    s = plan(state, "email").state
    assert (s.next_due_at, s.next_channel, s.priority) == (appt, "call", TIER_PROMISE)


def test_a_later_callback_does_not_hide_an_earlier_open_appointment():
    appt = ny(2026, 11, 24, 10, 0)
    state = replace(
        fresh(MON_2PM),
        attempts=2,
        status="appointment",
        next_due_at=appt,
        open_promise_at=appt,
        priority=TIER_PROMISE,
    )
    d = plan(state, "callback", next_at=ny(2026, 12, 1, 10, 0).in_timezone("UTC"))
    assert d.promise == ("callback", ny(2026, 12, 1, 10, 0))
    assert (d.state.next_due_at, d.state.priority) == (appt, TIER_PROMISE)


def test_dnc_with_an_open_appointment_never_schedules_a_call():
    appt = MON_2PM.add(days=7)
    state = replace(
        fresh(MON_2PM),
        attempts=3,
        status="appointment",
        next_due_at=appt,
        open_promise_at=appt,
        priority=TIER_PROMISE,
        has_email=True,
    )
    s = plan(state, "dnc").state
    assert s.do_not_call
    assert s.next_channel != "call"


def test_new_lead_state_is_due_at_once():
    at = MON_2PM.in_timezone("UTC")
    s = new_lead_state(at, has_phone=True)
    assert (s.status, s.next_due_at, s.next_channel) == ("new", at, "call")
    assert priority_for(s) == TIER_NEW
    assert new_lead_state(at, has_phone=False).next_channel == "email"


@pytest.mark.parametrize(
    ("minutes", "heat"), [(0, "hot"), (4, "hot"), (5, "warm"), (60, "warm"), (61, "cold")]
)
def test_waiting_heat(minutes, heat):
    assert waiting_heat(minutes, SETTINGS) == heat


def test_rules_come_from_settings():
    custom = replace(SETTINGS, rules=Rules(busy_retry_minutes=45, not_interested_nurture_days=10))
    assert first_touch_settings("busy", custom).next_due_at == MON_2PM.add(minutes=45)
    assert first_touch_settings("not-interested", custom).next_due_at == MON_2PM.add(days=10)


def first_touch_settings(name, settings):
    return plan(fresh(MON_2PM), name, settings=settings).state


# --- invariants over random histories ----------------------------------------

ZONE_SETS = [(), NY, LA, NY_LA, ALASKA, ("Europe/London",), ("Australia/Sydney",)]
NAMES = sorted(set(OUTCOMES) - set(LIST_OUTCOMES))  # written by the core, never typed
# Histories run with public holidays observed and a second cadence to move to.
HISTORY_SETTINGS = replace(
    SETTINGS,
    holidays=("US", "GB", "AU"),
    cadences={
        **SETTINGS.cadences,
        "short": Cadence(
            "short", (CadenceStep(0, "call"), CadenceStep(1440, "email"), CadenceStep(4320, "call"))
        ),
    },
)


@st.composite
def histories(draw):
    start = draw(
        st.datetimes(
            min_value=datetime(2026, 1, 1),
            max_value=datetime(2028, 6, 30),
            timezones=st.just(UTC),
        )
    )
    lead = {
        "zones": draw(st.sampled_from(ZONE_SETS)),
        "phones": draw(st.integers(1, 3)),
        "email": draw(st.booleans()),
        "address": draw(st.booleans()),
    }
    steps = draw(
        st.lists(
            st.tuples(
                st.sampled_from(NAMES),
                st.integers(0, 60 * 24 * 40),  # minutes since the previous touch
                st.one_of(st.none(), st.integers(-3 * 24 * 60, 60 * 24 * 60)),  # next_at offset
                st.booleans(),  # the rep confirms closing early
                st.sampled_from(sorted(HISTORY_SETTINGS.cadences)),  # a cadence to move to
            ),
            min_size=1,
            max_size=14,
        )
    )
    return pendulum.instance(start).in_timezone("UTC"), lead, steps


def check_decision(before: LeadState, d, now, next_at, promises, settings, name=""):
    """Every invariant a single decision must keep. `promises` = open after the touch."""
    s = d.state
    assert s.attempts == before.attempts + (1 if d.counted else 0)
    assert s.no_count >= before.no_count
    if name != "dnc-clear":
        assert s.do_not_call or not before.do_not_call, "DNC is only lifted by hand"
    if s.do_not_call:
        assert s.next_channel != "call", "a DNC lead is never scheduled for a call"
    changed = s.next_due_at != before.next_due_at
    if s.next_channel == "call" and s.next_due_at is not None:
        assert s.has_phone, "no call without a good phone"
        # Exempt: a promise (callback or appointment) keeps the time the lead asked
        # for, and a due time the touch did not change (a new lead is due the moment
        # it arrives; the queue holds it under LATER until the window opens).
        promised = any(at == s.next_due_at for _, at in promises)
        if changed and not promised:
            assert window_open(s.next_due_at, s.call_zones, settings), (
                "call outside the window",
                s.next_due_at.in_timezone(settings.rep_timezone),
            )
    promise_times = [at for _, at in promises]
    explicit_past = next_at is not None and next_at < now
    if s.next_due_at is not None and changed and not explicit_past:
        # Computed dates are never in the past; only a promise given (or left
        # open) in the past may be due before now.
        assert s.next_due_at >= now or s.next_due_at in promise_times
    # tiers
    if s.next_due_at is None or s.status in ("lost", "bad"):
        assert s.priority is None
    elif promise_times and s.next_due_at == min(promise_times):
        assert s.priority == TIER_PROMISE
    elif s.status == "new" and s.attempts == 0:
        assert s.priority == TIER_NEW
    elif s.status in ("nurture", "won"):
        assert s.priority == TIER_NURTURE
    else:
        assert s.priority == TIER_CADENCE
    if promise_times and not s.do_not_call and s.has_phone and s.status not in ("bad", "lost"):
        # a promise is never missed silently: the lead is due no later than it
        assert s.next_due_at is not None and s.next_due_at <= min(promise_times)


@given(histories())
@hsettings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_invariants_hold_over_random_histories(history):
    """Mirrors writes.outcomes.log_outcome: calls are refused to DNC leads and leads with no
    good phone, and a call closes every promise due within the next hour."""
    start, lead, steps = history
    state = replace(
        new_lead_state(start, has_phone=True),
        call_zones=lead["zones"],
        has_email=lead["email"],
        has_address=lead["address"],
        spare_phones=lead["phones"] - 1,
    )
    promises: list[tuple[str, pendulum.DateTime]] = []
    now = start
    for name, gap, offset, confirmed, cadence in steps:
        now = now.add(minutes=gap)
        spec = OUTCOMES[name]
        is_call = spec.channel == "call"
        if is_call and (state.do_not_call or not state.has_phone):
            continue  # services refuse these
        slack = now.add(minutes=60)
        kept = [p for p in promises if not (is_call and p[1] <= slack)]
        if spec.needs_time and offset is None:
            offset = 24 * 60
        next_at = now.add(minutes=offset) if offset is not None and name != "lost" else None
        before = replace(state, open_promise_at=min((p[1] for p in kept), default=None))
        try:
            d = plan_outcome(
                before, name, now, HISTORY_SETTINGS, next_at, confirmed=confirmed, cadence=cadence
            )
        except NeedsConfirmation:
            floor = HISTORY_SETTINGS.rules.min_attempts_before_lost
            assert name == "lost" and not confirmed and before.attempts < floor
            continue
        except InvalidInput as exc:
            # only a flag that is not set can't be cleared (nor set twice)
            assert name in ("lost", "dnc-clear", "dnm", "dnm-clear"), exc
            continue
        # closing as lost closes every promise (services do it)
        promises = [] if name == "lost" else sorted(kept, key=lambda p: p[1])
        if d.promise:
            promises = sorted([*promises, d.promise], key=lambda p: p[1])
        check_decision(before, d, now, next_at, promises, HISTORY_SETTINGS, name)
        state = d.state


def test_invariant_checker_catches_a_call_outside_the_window():
    """The checker itself must be able to fail."""
    s = fresh(MON_2PM)
    bad = replace(s, next_due_at=ny(2026, 11, 23, 22, 0), last_touch_at=MON_2PM)
    d = type("D", (), {"state": bad, "counted": False})()
    with pytest.raises(AssertionError, match="window"):
        check_decision(s, d, MON_2PM, None, [], SETTINGS)


def test_all_outcomes_are_known():
    assert set(OUTCOMES) == {
        "no-answer",
        "voicemail",
        "busy",
        "gatekeeper",
        "connected",
        "callback",
        "appointment",
        "not-interested",
        "dnc",
        "wrong-number",
        "won",
        "email",
        "letter",
        "lost",
        "dnc-clear",
        "dnm",
        "dnm-clear",
        "cadence",
        "dnc-list",  # another lead's request or a list put the number on do-not-call
        "dnm-list",
        "replied",
        "bounced",
        "unsubscribed",
    }
    assert all(OUTCOMES[n].needs_time for n in ("callback", "appointment"))
    assert {OUTCOMES[n].channel for n in ("email", "letter")} == {"email", "letter"}


def test_outcome_before_received_never_schedules_before_now():
    # a lead received "in the future" (clock skew on import) still gets a sane schedule
    d = plan(fresh(MON_2PM.add(hours=3)), "no-answer")
    assert d.state.next_due_at >= MON_2PM


# --- attempt caps: calls per rolling 24 h and the gap between calls -----------------

CAP_2 = replace(SETTINGS, rules=Rules(max_calls_per_24h=2))
NO_CAP = replace(SETTINGS, rules=Rules(max_calls_per_24h=0))
SAT = (2026, 11, 28)


def working(*calls, **changes) -> LeadState:
    """A lead on the cadence whose earlier calls (NY wall clock) were at `calls`."""
    started = calls[0] if calls else MON_2PM
    return replace(
        fresh(started.subtract(minutes=5)),
        status="working",
        attempts=len(calls),
        cadence_started_at=started,
        recent_calls=tuple(c.in_timezone("UTC") for c in calls),
        **changes,
    )


# (what, earlier calls, outcome, logged at, settings, expected next due) — NY wall clock
CAP_CASES = [
    ("busy retry, no history", (), "busy", ny(2026, 11, 23, 10, 0), SETTINGS,
     ny(2026, 11, 23, 10, 30)),
    ("third busy of the morning: fourth call 24 h after the first",
     (ny(2026, 11, 23, 8, 0), ny(2026, 11, 23, 8, 30)), "busy", ny(2026, 11, 23, 9, 0),
     SETTINGS, ny(2026, 11, 24, 8, 0)),
    ("earlier calls given out of order",
     (ny(2026, 11, 23, 9, 30), ny(2026, 11, 23, 9, 0)), "busy", ny(2026, 11, 23, 10, 0),
     SETTINGS, ny(2026, 11, 24, 9, 0)),
    ("cap frees up on Sunday (closed): moved into Monday's window",
     (ny(*SAT, 20, 0), ny(*SAT, 20, 30)), "busy", ny(*SAT, 20, 45), SETTINGS,
     ny(2026, 11, 30, 8, 0)),
    ("the +1 h cadence step waits for the cap",
     (ny(2026, 11, 23, 8, 0), ny(2026, 11, 23, 8, 40)), "no-answer", ny(2026, 11, 23, 9, 20),
     SETTINGS, ny(2026, 11, 24, 8, 0)),
    ("a call exactly 24 h ago no longer counts",
     (ny(2026, 11, 22, 10, 0), ny(2026, 11, 23, 9, 0)), "busy", ny(2026, 11, 23, 10, 0),
     SETTINGS, ny(2026, 11, 23, 10, 30)),
    ("a call 23 h 15 ago still counts",
     (ny(2026, 11, 22, 10, 45), ny(2026, 11, 23, 9, 0)), "busy", ny(2026, 11, 23, 10, 0),
     SETTINGS, ny(2026, 11, 23, 10, 45)),
    ("a cap of 2 per day (configured)",
     (ny(2026, 11, 23, 8, 0),), "busy", ny(2026, 11, 23, 9, 0), CAP_2, ny(2026, 11, 24, 8, 0)),
    ("a cap of 0 means no cap",
     (ny(2026, 11, 23, 8, 0), ny(2026, 11, 23, 8, 30)), "busy", ny(2026, 11, 23, 9, 0),
     NO_CAP, ny(2026, 11, 23, 9, 30)),
    ("a third call on Friday evening: Saturday is open",
     (ny(2026, 11, 27, 19, 0), ny(2026, 11, 27, 19, 30)), "voicemail", ny(2026, 11, 27, 20, 0),
     SETTINGS, ny(2026, 11, 28, 19, 0)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("calls", "name", "at", "settings", "expected"),
    [c[1:] for c in CAP_CASES],
    ids=[c[0] for c in CAP_CASES],
)
def test_attempt_caps(calls, name, at, settings, expected):
    d = plan(working(*calls), name, at, settings)
    assert d.state.next_channel == "call"
    assert d.state.next_due_at == expected.in_timezone("UTC"), d.state.next_due_at.in_timezone(
        "America/New_York"
    )
    assert d.state.calls_free_at is None, "a planning aid, never returned"
    assert d.state.recent_calls[-1] == at.in_timezone("UTC"), "this call is counted"


def test_the_cap_is_exact_elapsed_time_across_dst():
    # Saturday 2027-03-13 08:00 EST; 24 h later is Sunday 09:00 EDT (clocks went forward).
    calls = (
        local("America/New_York", 2027, 3, 13, 8, 0),
        local("America/New_York", 2027, 3, 13, 8, 30),
    )
    d = plan(working(*calls), "busy", local("America/New_York", 2027, 3, 13, 9, 0), SUNDAYS_TOO)
    assert d.state.next_due_at == local("America/New_York", 2027, 3, 14, 9, 0)


def test_promises_and_typed_times_are_not_held_back_by_the_cap():
    calls = (ny(2026, 11, 23, 9, 0), ny(2026, 11, 23, 9, 30))
    at = ny(2026, 11, 23, 10, 0)
    callback = plan(working(*calls), "callback", at, next_at=ny(2026, 11, 23, 11, 0))
    assert callback.state.next_due_at == ny(2026, 11, 23, 11, 0)
    typed = plan(working(*calls), "no-answer", at, next_at=ny(2026, 11, 23, 15, 0))
    assert typed.state.next_due_at == ny(2026, 11, 23, 15, 0)


def test_a_wrong_number_is_no_call_to_the_lead():
    calls = (ny(2026, 11, 23, 9, 0), ny(2026, 11, 23, 9, 30))
    at = ny(2026, 11, 23, 10, 0)
    d = plan(working(*calls, spare_phones=1), "wrong-number", at)
    assert d.state.next_due_at == at  # the spare phone, at once: two calls, 30 min apart
    assert len(d.state.recent_calls) == 2
    third = (*calls, ny(2026, 11, 23, 9, 45))
    d = plan(working(*third, spare_phones=1), "wrong-number", at)
    assert d.state.next_due_at == ny(2026, 11, 24, 9, 0)  # the earlier calls filled the day


def test_the_gap_counts_from_the_last_call_not_from_mail():
    # email step, then a call step due at once: it waits 30 min after the last call only
    tight = Cadence("tight", (CadenceStep(0, "email"), CadenceStep(0, "call")))
    s = replace(SETTINGS, cadences={"new-lead": tight})
    mail_at = ny(2026, 11, 23, 10, 10)
    state = replace(fresh(mail_at.subtract(hours=1), has_email=True), next_channel="email")
    assert plan(state, "email", mail_at, settings=s).state.next_due_at == mail_at
    called = replace(state, recent_calls=(ny(2026, 11, 23, 10, 0),))
    assert plan(called, "email", mail_at, settings=s).state.next_due_at == ny(2026, 11, 23, 10, 30)


@st.composite
def call_sessions(draw):
    cap = draw(st.integers(1, 4))
    gap = draw(st.integers(0, 120))
    settings = replace(
        SETTINGS,
        rules=Rules(max_calls_per_24h=cap, min_call_gap_minutes=gap, busy_retry_minutes=gap),
    )
    start = draw(
        st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 6, 30),
                     timezones=st.just(UTC))
    )  # fmt: skip
    zones = draw(st.sampled_from(ZONE_SETS))
    names = ["no-answer", "voicemail", "busy", "gatekeeper", "connected", "not-interested"]
    steps = draw(
        st.lists(st.tuples(st.sampled_from(names), st.integers(0, 6 * 60)), min_size=1, max_size=25)
    )
    return settings, pendulum.instance(start).in_timezone("UTC"), zones, steps


@given(call_sessions())
@hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_rolling_day_holds_more_calls_than_the_cap(session):
    """A rep who calls only when the schedule says so (at or after the due time,
    mail when mail is due) never exceeds the cap or the gap: neither the calls
    logged nor the next call scheduled."""
    settings, start, zones, steps = session
    cap, gap = settings.rules.max_calls_per_24h, settings.rules.min_call_gap_minutes
    state = replace(new_lead_state(start, has_phone=True), call_zones=zones, has_email=True)
    logged: list[pendulum.DateTime] = []
    for name, delay in steps:
        if state.next_due_at is None:
            break
        now = state.next_due_at.add(minutes=delay)
        if state.next_channel != "call":
            name = state.next_channel
        else:
            logged.append(now)
        state = plan_outcome(state, name, now, settings).state
        calls = list(logged)
        if state.next_channel == "call":
            calls.append(state.next_due_at)  # the call it schedules
        for i, first in enumerate(calls):
            within = [c for c in calls[i:] if c < first.add(hours=24)]
            assert len(within) <= cap, (cap, [c.isoformat() for c in within])
        for a, b in itertools.pairwise(calls):
            assert b >= a.add(minutes=gap), ("gap", a.isoformat(), b.isoformat())
