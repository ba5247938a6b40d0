"""Every lead gets every step of its cadence (issue 12 point 7), and successive
day-later calls try it at different times of its day (point 8)."""

from __future__ import annotations

import itertools

import pytest
from core_helpers import NY, fresh, local
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from leaddesk.core.domain.lead_state import LeadState
from leaddesk.core.domain.record import replace
from leaddesk.core.domain.rules import plan_outcome
from leaddesk.core.domain.settings import Cadence, Rules, Settings, _default_steps
from leaddesk.core.domain.windows import window_open

SETTINGS = Settings(rep_name="tester", rep_timezone="America/Chicago")
MON_10AM = local("America/New_York", 2026, 11, 23, 10, 0).in_timezone("UTC")
STEPS = len(SETTINGS.cadence("new-lead").steps)


def work_to_nurture(
    state: LeadState, settings: Settings = SETTINGS, outcomes: list[str] | None = None
) -> tuple[list[str], list[LeadState]]:
    """Log attempts at each due time until the lead leaves its cadence; the
    channels of the steps it was given and the states after each touch."""
    channels, states = [], []
    now = state.next_due_at or MON_10AM
    for turn in range(40):
        if state.status not in ("new", "working"):
            break
        channel = state.next_channel
        channels.append(channel)
        name = (
            channel if channel != "call" else (outcomes[turn % len(outcomes)] if outcomes else "")
        )
        state = plan_outcome(state, name or "no-answer", now, settings).state
        states.append(state)
        if state.next_due_at is not None:
            now = max(now.add(minutes=1), state.next_due_at)
    return channels, states


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # phone only: every email and letter step becomes a call
        ({}, ["call"] * STEPS),
        # phone and email: the letter step becomes a call (no address)
        (
            {"has_email": True},
            ["call", "call", "call", "email", "call", "call", "email", "call", "call", "call"],
        ),
        # email and address, but do-not-mail: calls only
        ({"has_email": True, "has_address": True, "do_not_mail": True}, ["call"] * STEPS),
        # everything: the cadence as written
        (
            {"has_email": True, "has_address": True},
            ["call", "call", "call", "email", "call", "call", "email", "call", "letter", "call"],
        ),
    ],
)
def test_a_step_the_lead_cannot_receive_becomes_one_it_can(changes, expected):
    channels, states = work_to_nurture(fresh(MON_10AM, **changes))
    assert channels == expected
    assert states[-1].status == "nurture"
    assert states[-1].attempts == STEPS


def test_a_cadence_without_fallback_skips_what_the_lead_cannot_receive():
    cadence = Cadence("new-lead", _default_steps(), fallback=())
    settings = replace(SETTINGS, cadences={"new-lead": cadence})
    channels, states = work_to_nurture(fresh(MON_10AM), settings)
    assert channels == ["call"] * 7  # the old behaviour, chosen per cadence
    assert states[-1].status == "nurture"


@hsettings(max_examples=60, deadline=None)
@given(
    outcomes=st.lists(st.sampled_from(["no-answer", "voicemail", "gatekeeper"]), min_size=1),
    zone=st.sampled_from(["America/New_York", "America/Los_Angeles", "Europe/London"]),
    start_minutes=st.integers(min_value=0, max_value=60 * 24 * 400),
)
def test_a_phone_only_lead_gets_every_step_as_a_touch(outcomes, zone, start_minutes):
    received = MON_10AM.add(minutes=start_minutes)
    channels, states = work_to_nurture(fresh(received, (zone,)), outcomes=outcomes)
    assert channels == ["call"] * STEPS
    assert [s.attempts for s in states] == list(range(1, STEPS + 1))
    assert states[-1].status == "nurture"


# --- the time of day (point 8) -----------------------------------------------


def call_times(state: LeadState, settings: Settings = SETTINGS) -> list:
    _, states = work_to_nurture(state, settings)
    return [s.next_due_at for s in states[:-1]]


def test_day_later_calls_rotate_through_the_parts_of_the_day():
    # first attempt Monday 10:00 New York; +1 h stays relative, mail keeps its offset
    times = call_times(fresh(MON_10AM, has_email=True, has_address=True))
    local_times = [t.in_timezone("America/New_York").format("ddd MM-DD HH:mm") for t in times]
    assert local_times == [
        "Mon 11-23 11:00",  # +1 h
        "Tue 11-24 15:00",  # +1 d: the third call, afternoon
        "Wed 11-25 10:00",  # +2 d email, at the first attempt's time
        "Fri 11-27 18:00",  # +4 d: the fourth call, evening
        "Mon 11-30 08:00",  # +6 d fell on Sunday (closed): Monday's opening
        "Wed 12-02 10:00",  # +9 d email
        "Mon 12-07 12:00",  # +14 d call, midday
        "Mon 12-14 10:00",  # +21 d letter
        "Wed 12-23 15:00",  # +30 d call
    ]


def test_successive_calls_of_a_phone_only_lead_never_repeat_the_part_of_the_day():
    times = call_times(fresh(MON_10AM))
    day_calls = [t.in_timezone("America/New_York") for t in times][1:]  # after the +1 h
    hours = [t.hour for t in day_calls]
    assert all(a != b for a, b in itertools.pairwise(hours)), hours
    assert {9, 12, 15, 18} <= set(hours)


def test_dayparts_are_data_in_rules():
    settings = replace(SETTINGS, rules=replace(Rules(), call_dayparts=(10, 16)))
    times = call_times(fresh(MON_10AM), settings)
    hours = {t.in_timezone("America/New_York").hour for t in times[1:]}
    assert hours == {8, 10, 16}  # 08:00: a step that fell on a closed Sunday, Monday's opening


def test_the_part_of_the_day_holds_across_a_dst_change():
    # first attempt Friday 2026-10-30 09:30 New York; clocks go back Sunday Nov 1
    start = local("America/New_York", 2026, 10, 30, 9, 30).in_timezone("UTC")
    state = fresh(start)
    s = plan_outcome(state, "no-answer", start, SETTINGS).state  # step 1: +1 h
    s = plan_outcome(s, "no-answer", s.next_due_at, SETTINGS).state  # step 2: +1 d → Sat
    s = plan_outcome(s, "no-answer", s.next_due_at, SETTINGS).state  # step 3: +2 d → Sun (closed)
    due = s.next_due_at.in_timezone("America/New_York")
    # Sunday is closed, so Monday 08:00 (the window opens) — after the change, on the wall clock
    assert (due.format("ddd HH:mm"), due.offset_hours) == ("Mon 08:00", -5)
    s = plan_outcome(s, "no-answer", s.next_due_at, SETTINGS).state  # step 4: +4 d → Tue
    due = s.next_due_at.in_timezone("America/New_York")
    assert (due.format("ddd MM-DD HH:mm"), due.offset_hours) == ("Tue 11-03 09:00", -5)


def test_no_computed_call_in_the_last_15_minutes_of_the_window():
    late = local("America/New_York", 2026, 11, 23, 20, 40).in_timezone("UTC")  # window ends 21:00
    s = plan_outcome(fresh(late.subtract(minutes=5)), "no-answer", late, SETTINGS).state
    due = s.next_due_at.in_timezone("America/New_York")
    assert due.format("ddd HH:mm") == "Tue 08:00"  # 21:40 and 20:45–21:00 are both refused
    assert window_open(s.next_due_at, NY, SETTINGS)
    earlier = local("America/New_York", 2026, 11, 23, 19, 40).in_timezone("UTC")
    s = plan_outcome(fresh(earlier), "no-answer", earlier, SETTINGS).state
    assert s.next_due_at.in_timezone("America/New_York").format("HH:mm") == "20:40"
