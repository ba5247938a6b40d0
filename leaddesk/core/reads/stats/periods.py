"""The periods the figures cover: today, this week, 30 days, the session, since a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pendulum
from pendulum import DateTime

from leaddesk.core.domain.tz import tz

SPARK_DAYS = 30


@dataclass(frozen=True)
class Period:
    key: str  # today | week | days30 | session | since
    label: str
    start: DateTime  # UTC instant; the period ends at `now`


def day_starts(now: DateTime, zone: str, days: int = SPARK_DAYS) -> list[DateTime]:
    """Local midnights of the last `days` days (oldest first), then the next one.

    Computed on the wall clock, so a day across a DST change is 23 or 25 hours.
    """
    today = now.in_timezone(tz(zone)).start_of("day")
    return [today.subtract(days=days - 1 - i) for i in range(days + 1)]


def periods(
    now: DateTime, zone: str, *, session_start: DateTime | None = None, since: date | None = None
) -> list[Period]:
    """Today, this week (from Monday), 30 days; the session and `since` when given."""
    today = now.in_timezone(tz(zone)).start_of("day")
    found = [
        Period("today", "today", today),
        Period("week", "this week", today.start_of("week")),
        Period("days30", "30 days", today.subtract(days=SPARK_DAYS - 1)),
    ]
    if session_start is not None:
        found.append(Period("session", "this session", session_start))
    if since is not None:
        start = pendulum.datetime(since.year, since.month, since.day, tz=tz(zone))
        found.append(Period("since", f"since {since.isoformat()}", start))
    return [Period(p.key, p.label, p.start.in_timezone(pendulum.UTC)) for p in found]
