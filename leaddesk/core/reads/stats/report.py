"""The stats screen and `leaddesk stats` in one call: every figure, every period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pendulum import DateTime

from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tz import tz
from leaddesk.core.reads.stats.call_figures import HourRate, attempts_before_connect, by_hour
from leaddesk.core.reads.stats.lead_figures import (
    OverduePromise,
    SpeedToLead,
    abandoned,
    overdue_promises,
    pipeline,
    speed_to_lead,
)
from leaddesk.core.reads.stats.periods import Period, day_starts, periods
from leaddesk.core.reads.stats.tallies import Tally, daily_tallies, rep_of, rep_tally


@dataclass(frozen=True)
class PeriodStats:
    period: Period
    tally: Tally
    speed: SpeedToLead
    abandoned: int  # leads abandoned after two or fewer attempts


@dataclass(frozen=True)
class StatsReport:
    now: DateTime
    rep: str
    zone: str
    periods: tuple[PeriodStats, ...]
    by_hour: tuple[HourRate, ...]  # 24 hours, over the 30 days
    attempts_before_connect: tuple[tuple[str, int], ...]  # over the 30 days
    pipeline: tuple[tuple[str, int], ...]  # every status, in order
    overdue_count: int
    overdue: tuple[OverduePromise, ...]  # the oldest few
    sparkline: tuple[tuple[date, int], ...]  # dials per local day, 30 days

    def period(self, key: str) -> PeriodStats | None:
        return next((p for p in self.periods if p.period.key == key), None)


def stats_report(
    now: DateTime,
    settings: Settings,
    *,
    session_start: DateTime | None = None,
    since: date | None = None,
) -> StatsReport:
    """Every figure of the stats screen and `leaddesk stats`, read in one call."""
    zone = settings.rep_timezone
    rep = rep_of(settings)
    found = periods(now, zone, session_start=session_start, since=since)
    starts = day_starts(now, zone)
    days = daily_tallies(rep, starts, now)
    by_start = {p.key: p.start for p in found}
    tallies: dict[str, Tally] = {}
    for key in ("today", "week", "days30"):
        tallies[key] = sum(
            (t for s, t in zip(starts[:-1], days, strict=True) if s >= by_start[key]), Tally()
        )
    for p in found:
        if p.key not in tallies:
            tallies[p.key] = rep_tally(rep, p.start, now)
    period_starts = [p.start for p in found]
    speeds = speed_to_lead(period_starts, now)
    dropped = abandoned(period_starts, now)
    month = by_start["days30"]
    count, oldest = overdue_promises(now)
    return StatsReport(
        now=now,
        rep=settings.rep_name,
        zone=zone,
        periods=tuple(
            PeriodStats(p, tallies[p.key], speeds[i], dropped[i]) for i, p in enumerate(found)
        ),
        by_hour=by_hour(rep, month, now),
        attempts_before_connect=attempts_before_connect(rep, month, now),
        pipeline=pipeline(),
        overdue_count=count,
        overdue=oldest,
        sparkline=tuple(
            (s.in_timezone(tz(zone)).date(), t.dials)
            for s, t in zip(starts[:-1], days, strict=True)
        ),
    )
