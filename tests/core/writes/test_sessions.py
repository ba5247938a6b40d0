"""Call sessions: start, live numbers, end with a stored summary, resume, stale ones."""

from __future__ import annotations

import pytest

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.stats.tallies import Tally
from leaddesk.core.reads.stats_text import report_json
from leaddesk.core.store.models import CallSession
from leaddesk.core.writes.outcomes import log_outcome
from leaddesk.core.writes.sessions import (
    SESSION_MAX_HOURS,
    close_stale_sessions,
    current_session,
    end_session,
    resume_session,
    start_session,
    your_numbers,
)


def calls(make_lead, settings, start, outcomes: list[str]) -> None:
    """One new lead per outcome, each logged a minute apart from `start`."""
    for i, name in enumerate(outcomes):
        lead_id = make_lead(f"Lead {i}", at=start, minutes_ago=30)
        next_at = start.add(days=2) if name in ("callback", "appointment") else None
        log_outcome(lead_id, name, start.add(minutes=i), settings, next_at=next_at)


def test_a_session_counts_the_reps_calls_since_it_started(make_lead, settings, now):
    calls(make_lead, settings, now.subtract(hours=1), ["no-answer"])  # before: not counted
    started = start_session(now, settings, goal=60)
    assert (started.goal, started.tally, started.running) == (60, Tally(), True)
    calls(make_lead, settings, now, ["no-answer", "voicemail", "connected", "appointment"])
    calls(make_lead, Settings(rep_name="someone else"), now, ["connected"])
    live = current_session(now.add(minutes=10), settings)
    assert live is not None and live.id == started.id
    assert live.tally == Tally(dials=4, connects=2, voicemails=1, appointments=1, wins=0)
    assert live.elapsed_seconds(now.add(minutes=10)) == 600


def test_ending_stores_the_summary_and_it_stays_as_stored(make_lead, settings, now):
    start_session(now, settings)
    calls(make_lead, settings, now, ["won", "busy"])
    ended = end_session(now.add(minutes=30), settings)
    assert ended.tally == Tally(dials=2, connects=1, voicemails=0, appointments=0, wins=1)
    assert (ended.ended_at, ended.goal, ended.running) == (now.add(minutes=30), None, False)
    row = CallSession.get_by_id(ended.id)
    assert (row.dials, row.connects, row.wins, row.ended_at) == (2, 1, 1, now.add(minutes=30))
    # Later calls do not change a session that is over.
    calls(make_lead, settings, now.add(minutes=40), ["connected"])
    assert CallSession.get_by_id(ended.id).dials == 2
    assert current_session(now.add(minutes=45), settings) is None


def test_one_session_at_a_time_and_nothing_to_end(store, settings, now):
    with pytest.raises(InvalidInput, match="no call session is running"):
        end_session(now, settings)
    start_session(now, settings)
    with pytest.raises(InvalidInput, match="already running"):
        start_session(now.add(minutes=1), settings)
    for goal in (0, -5, 10_001):
        with pytest.raises(InvalidInput, match="a session goal"):
            start_session(now, settings, goal=goal)
    assert CallSession.select().count() == 1


def test_a_session_ended_by_mistake_can_be_resumed(make_lead, settings, now):
    first = start_session(now, settings, goal=20)
    calls(make_lead, settings, now, ["no-answer"])
    ended = end_session(now.add(minutes=5), settings)
    resumed = resume_session(ended.id, settings)
    assert (resumed.id, resumed.started_at, resumed.goal) == (first.id, now, 20)
    calls(make_lead, settings, now.add(minutes=6), ["connected"])
    assert current_session(now.add(minutes=7), settings).tally.dials == 2
    with pytest.raises(InvalidInput, match="no call session 999"):
        resume_session(999, settings)


def test_an_open_session_survives_a_restart_but_not_half_a_day(make_lead, settings, now):
    """Quitting the desk leaves the session open; after SESSION_MAX_HOURS it is stale."""
    session = start_session(now, settings)
    calls(make_lead, settings, now.add(minutes=20), ["no-answer", "connected"])
    later = now.add(hours=SESSION_MAX_HOURS - 1)
    assert close_stale_sessions(later, settings) == []
    assert current_session(later, settings).id == session.id
    assert current_session(now.subtract(minutes=1), settings) is None  # not yet started
    stale = now.add(hours=SESSION_MAX_HOURS, minutes=1)
    assert current_session(stale, settings) is None  # ignored at once …
    (closed,) = close_stale_sessions(stale, settings)  # … and closed at its last call
    assert closed.ended_at == now.add(minutes=21)
    assert closed.tally.dials == 2
    assert CallSession.get_by_id(session.id).ended_at == now.add(minutes=21)


def test_starting_closes_a_stale_session_first(store, settings, now):
    old = start_session(now, settings)
    new = start_session(now.add(days=1), settings)
    assert new.id != old.id
    assert CallSession.get_by_id(old.id).ended_at == now  # no calls: ended where it began


def test_your_numbers_include_the_running_session(make_lead, settings, now):
    start_session(now.subtract(minutes=30), settings)
    calls(make_lead, settings, now.subtract(minutes=10), ["no-answer", "connected"])
    data = report_json(your_numbers(now, settings))
    assert data["session"]["dials"] == 2 and data["session"]["connects"] == 1
    assert data["session"]["label"] == "this session"
    end_session(now, settings)
    assert "session" not in report_json(your_numbers(now, settings))
