"""Dials, connects, voicemails, appointments and wins: the rep's call tallies.

A Tally is what one period's calls add up to; every figure of it is a call by
the rep, counted by outcome from the rollup `call_tally` (reads/stats/rollup.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from pendulum import DateTime

from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.stats.rollup import CALL_OUTCOMES, by_outcome, call_counts
from leaddesk.core.store.db import to_ms
from leaddesk.core.store.models import Rep

CONNECT_OUTCOMES = ("connected", "callback", "appointment", "not-interested", "dnc", "won")


@dataclass(frozen=True)
class Tally:
    dials: int = 0
    connects: int = 0
    voicemails: int = 0
    appointments: int = 0
    wins: int = 0

    @property
    def contact_rate(self) -> float | None:
        """connects / dials, None without dials."""
        return self.connects / self.dials if self.dials else None

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.dials + other.dials,
            self.connects + other.connects,
            self.voicemails + other.voicemails,
            self.appointments + other.appointments,
            self.wins + other.wins,
        )


def tally_of(by_outcome: dict[str, int]) -> Tally:
    """Outcome counts (outcome names are unique across channels) -> a Tally."""
    dials = sum(n for name, n in by_outcome.items() if name in CALL_OUTCOMES)
    return Tally(
        dials=dials,
        connects=sum(by_outcome.get(name, 0) for name in CONNECT_OUTCOMES),
        voicemails=by_outcome.get("voicemail", 0),
        appointments=by_outcome.get("appointment", 0),
        wins=by_outcome.get("won", 0),
    )


def rep_of(settings: Settings) -> int | None:
    row = Rep.select(Rep.id).where(Rep.name == settings.rep_name).tuples().first()
    return row[0] if row else None


def rep_tally(rep: int | None, start: DateTime, end: DateTime) -> Tally:
    """The rep's dials, connects, … in [start, end]: the rollup and the hours' ends."""
    if rep is None:
        return Tally()
    return tally_of(by_outcome(call_counts([to_ms(start), to_ms(end) + 1], rep), rep, 0))


def daily_tallies(rep: int | None, starts: list[DateTime], now: DateTime) -> list[Tally]:
    """One Tally per local day: [starts[i], starts[i+1]), the last day up to `now`.

    One statement (`rollup.call_counts`): each day's whole UTC hours from the
    rollup, the hour up to `now` (and any hour a midnight cuts) from the touches.
    """
    days = len(starts) - 1
    if rep is None:
        return [Tally()] * days
    bounds = [to_ms(s) for s in starts[:days]] + [to_ms(now) + 1]
    counts = call_counts(bounds, rep)
    return [tally_of(by_outcome(counts, rep, i)) for i in range(days)]
