"""Call sessions (`S`): a goal, a running count, and a summary stored at the end.

The writers here are like the rest of `writes/`: each is one
transaction. A session left open when the desk quits (or crashes) is still
open at the next start and simply continues; one that started more than
SESSION_MAX_HOURS ago is stale — nobody works a 12-hour session — and is
closed at its last call (or its start, without calls) the next time the
desk starts or a session is started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.stats.tallies import Tally, rep_of, rep_tally
from leaddesk.core.store.db import atomic_write
from leaddesk.core.store.models import CallSession, Touch
from leaddesk.core.writes.team import ensure_rep

# The stats report (five figure modules) loads with `F`, not with the desk's first
# screen, which needs only the session's tally (issue 15).
if TYPE_CHECKING:
    from leaddesk.core.reads.stats.report import StatsReport

SESSION_MAX_HOURS = 12
MAX_GOAL = 10_000


@dataclass(frozen=True)
class SessionView:
    id: int
    started_at: DateTime
    ended_at: DateTime | None
    goal: int | None  # dials
    tally: Tally  # live while open; as stored once ended

    @property
    def running(self) -> bool:
        return self.ended_at is None

    def elapsed_seconds(self, now: DateTime) -> int:
        end = self.ended_at or now
        return max(int(end.timestamp() - self.started_at.timestamp()), 0)


def _open_query(rep: int) -> pw.ModelSelect[CallSession]:
    return (
        CallSession.select()
        .where((CallSession.rep == rep) & CallSession.ended_at.is_null())
        .order_by(CallSession.started_at.desc())
    )


def _stale_before(now: DateTime) -> DateTime:
    return now.subtract(hours=SESSION_MAX_HOURS)


def _stored(row: CallSession) -> SessionView:
    tally = Tally(
        row.dials or 0, row.connects or 0, row.voicemails or 0, row.appointments or 0, row.wins or 0
    )
    return SessionView(row.id, row.started_at, row.ended_at, row.goal, tally)


def current_session(now: DateTime, settings: Settings) -> SessionView | None:
    """The rep's running session with its live numbers, or None (stale ones ignored).

    Two indexed reads: the open session, then one aggregate over the rep's
    calls since it started (the desk header runs this after every keystroke).
    """
    rep = rep_of(settings)
    if rep is None:
        return None
    # A session that starts after `now` (a --now in the past) was not running then.
    running = (CallSession.started_at > _stale_before(now)) & (CallSession.started_at <= now)
    row = _open_query(rep).where(running).first()
    if row is None:
        return None
    tally = rep_tally(rep, row.started_at, now)
    return SessionView(row.id, row.started_at, None, row.goal, tally)


def your_numbers(now: DateTime, settings: Settings, since: date | None = None) -> StatsReport:
    """The stats report, with the running session (if any) as one of its periods."""
    from leaddesk.core.reads.stats.report import stats_report

    session = current_session(now, settings)
    start = session.started_at if session is not None else None
    return stats_report(now, settings, session_start=start, since=since)


def _close(row: CallSession, end: DateTime) -> SessionView:
    tally = rep_tally(row.rep_id, row.started_at, end)
    row.ended_at = end
    row.dials, row.connects, row.voicemails = tally.dials, tally.connects, tally.voicemails
    row.appointments, row.wins = tally.appointments, tally.wins
    row.save()
    return _stored(row)


def _close_stale(rep: int, now: DateTime) -> list[SessionView]:
    closed = []
    for row in list(_open_query(rep).where(CallSession.started_at <= _stale_before(now))):
        limit = row.started_at.add(hours=SESSION_MAX_HOURS)
        last = (
            Touch.select(Touch.at)
            .where(
                (Touch.rep == rep)
                & (Touch.channel == "call")
                & (Touch.at >= row.started_at)
                & (Touch.at <= limit)
            )
            .order_by(Touch.at.desc())
            .scalar()
        )
        closed.append(_close(row, last or row.started_at))
    return closed


def close_stale_sessions(now: DateTime, settings: Settings) -> list[SessionView]:
    """Close sessions left open for more than SESSION_MAX_HOURS — one transaction."""

    def write() -> list[SessionView]:
        rep = rep_of(settings)
        return [] if rep is None else _close_stale(rep, now)

    return atomic_write(write)


def start_session(now: DateTime, settings: Settings, goal: int | None = None) -> SessionView:
    """Start a session (closing any stale one first) — one transaction."""
    if goal is not None and not 0 < goal <= MAX_GOAL:
        raise InvalidInput(f"a session goal is a number of dials from 1 to {MAX_GOAL}, not {goal}")

    def write() -> SessionView:
        rep = ensure_rep(settings.rep_name)
        _close_stale(rep, now)
        if _open_query(rep).exists():
            raise InvalidInput("a call session is already running (S ends it)")
        row = CallSession.create(rep=rep, started_at=now, goal=goal)
        return SessionView(row.id, row.started_at, None, goal, Tally())

    return atomic_write(write)


def end_session(now: DateTime, settings: Settings) -> SessionView:
    """End the running session and store its numbers — one transaction."""

    def write() -> SessionView:
        rep = rep_of(settings)
        row = None if rep is None else _open_query(rep).first()
        if row is None:
            raise InvalidInput("no call session is running (S starts one)")
        return _close(row, max(now, row.started_at))

    return atomic_write(write)


def resume_session(session_id: int, settings: Settings) -> SessionView:
    """Reopen a session ended by mistake (its numbers run on) — one transaction."""

    def write() -> SessionView:
        rep = rep_of(settings)
        row = None
        if rep is not None:
            row = CallSession.get_or_none((CallSession.id == session_id) & (CallSession.rep == rep))
        if rep is None or row is None:
            raise InvalidInput(f"no call session {session_id} to resume")
        if _open_query(rep).exists():
            raise InvalidInput("a call session is already running")
        row.ended_at = None
        row.dials = row.connects = row.voicemails = row.appointments = row.wins = None
        row.save()
        return SessionView(row.id, row.started_at, None, row.goal, Tally())

    return atomic_write(write)
