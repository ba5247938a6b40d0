"""The only place that reads the wall clock.

Everything else receives a clock (or a `now`) so every rule can be tested at any
instant, daylight-saving changes included.
"""

from __future__ import annotations

import time
from typing import Protocol

import pendulum
from pendulum import DateTime


class Clock(Protocol):
    def now(self) -> DateTime: ...


class SystemClock:
    """Real time, always in UTC."""

    def now(self) -> DateTime:
        return pendulum.now("UTC")


class FixedClock:
    """A clock that only moves when told to: for tests and `--now` one-shots."""

    def __init__(self, at: DateTime) -> None:
        self._at = at.in_timezone("UTC")

    def now(self) -> DateTime:
        return self._at

    def set(self, at: DateTime) -> None:
        self._at = at.in_timezone("UTC")

    def advance(self, **delta: int) -> DateTime:
        self._at = self._at.add(**delta)
        return self._at


class ShiftedClock:
    """Starts at a chosen instant and then runs at real speed.

    `leaddesk --now …` uses it for the desk, so the session timer and waiting
    clocks keep ticking while the rep pretends it is another day.
    """

    def __init__(self, start: DateTime) -> None:
        self._start = start.in_timezone("UTC")
        self._origin = time.monotonic()

    def now(self) -> DateTime:
        return self._start.add(seconds=time.monotonic() - self._origin)


def monotonic() -> float:
    """Seconds on a clock that never jumps: spacing sends in a mail batch."""
    return time.monotonic()


def pause(seconds: float) -> None:
    """Wait (a mail batch's rate limit); tests pass their own instead."""
    time.sleep(seconds)
