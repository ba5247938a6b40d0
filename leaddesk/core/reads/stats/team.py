"""The manager's view (`leaddesk stats --team`, the Team tab of `F`): every rep's
numbers side by side for today, this week and 30 days, and the team's totals.

The definitions are those of a rep's own numbers (`report.stats_report`), so a
rep's row and their own `stats` agree:
- the call figures (dials, connects, contact rate, appointments, wins) count
  the rep's own touches, as in their own report;
- the lead figures (speed to lead, abandoned after ≤ 2 attempts, overdue
  promises, leads owned) count the leads the rep owns now; the totals count
  every lead, the pool's included — which is what a rep's own report shows.

Each figure is one statement for every rep and every period at once, grouped
by rep (or owner) and by band of time (the bands of `lead_figures`: a period
is its own band plus every later one); Python only adds up the few rows that
come back.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TypeVar

from pendulum import DateTime

from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.scope_where import rep_roster
from leaddesk.core.reads.stats.lead_figures import (
    Owner,
    abandoned_bands,
    latest_first,
    per_period,
    speed_histograms,
    speeds_of,
)
from leaddesk.core.reads.stats.periods import Period, periods
from leaddesk.core.reads.stats.report import PeriodStats
from leaddesk.core.reads.stats.rollup import call_counts
from leaddesk.core.reads.stats.tallies import tally_of
from leaddesk.core.store.db import database, portable_sql, to_ms

TEAM_PERIODS = ("today", "week", "days30")
K = TypeVar("K")


@dataclass(frozen=True)
class RepRow:
    """One rep's numbers (or the team's, in `TeamReport.totals`)."""

    name: str
    periods: tuple[PeriodStats, ...]  # in the order of TeamReport.periods
    overdue_promises: int  # open callbacks and appointments past their time, now
    leads_owned: int

    def period(self, key: str) -> PeriodStats:
        return next(p for p in self.periods if p.period.key == key)


@dataclass(frozen=True)
class TeamReport:
    now: DateTime
    zone: str
    periods: tuple[Period, ...]  # today, this week, 30 days
    reps: tuple[RepRow, ...]  # every rep, by name
    totals: RepRow


def _tallies(edges: list[int], now: DateTime) -> dict[int, list[Counter[str]]]:
    """Per rep, per band: calls by outcome, from the rollup (`rollup.call_counts`,
    every rep in one statement). Band 0 is [edges[0], now], band b [edges[b], edges[b-1])."""
    bounds = [*reversed(edges), to_ms(now) + 1]  # ascending: interval i is band len-1-i
    found: dict[int, list[Counter[str]]] = {}
    for (rep, interval), counts in call_counts(bounds, None).items():
        band = len(edges) - 1 - interval
        for (outcome, _), n in counts.items():
            found.setdefault(rep, [Counter() for _ in edges])[band][outcome] += n
    return found


def _overdue_by_owner(now: DateTime) -> dict[Owner, int]:
    """Open callbacks and appointments past their time, by the lead's owner
    (the same `late` as `lead_figures.overdue_promises`)."""
    sql = portable_sql(
        """SELECT l.owner_id, COUNT(*) FROM appointment a JOIN lead l ON l.id = a.lead_id
        WHERE a.done = ? AND a."at" < ? GROUP BY l.owner_id"""
    )
    rows = database.obj.execute_sql(sql, [False, to_ms(now)]).fetchall()
    return {owner: n for owner, n in rows}


def team_report(now: DateTime, settings: Settings) -> TeamReport:
    """Every rep's numbers and the totals, for today, this week and 30 days."""
    found = [p for p in periods(now, settings.rep_timezone) if p.key in TEAM_PERIODS]
    starts = [p.start for p in found]
    order, edges = latest_first(starts)
    calls = _tallies(edges, now)
    speeds = speed_histograms(starts, now, by_owner=True)
    dropped = abandoned_bands(starts, now, by_owner=True)
    overdue = _overdue_by_owner(now)
    no_speed = [Counter[int]() for _ in edges]
    no_drops = [0] * (len(edges) + 1)

    def row(
        name: str,
        days: list[Counter[str]],
        speed: list[Counter[int]],
        drops: list[int],
        late: int,
        owned: int,
    ) -> RepRow:
        tallies = per_period(order, days, lambda mine: tally_of(sum(mine, Counter())))
        gone = per_period(order, drops, sum)
        figures = zip(found, tallies, speeds_of(order, speed), gone, strict=True)
        return RepRow(name, tuple(PeriodStats(*f) for f in figures), late, owned)

    no_calls = [Counter[str]() for _ in edges]
    rows = tuple(
        row(
            name,
            calls.get(rep, no_calls),
            speeds.get(rep, no_speed),
            dropped.get(rep, no_drops),
            overdue.get(rep, 0),
            owned,
        )
        for rep, name, owned in rep_roster()
    )
    totals = row(
        "total",
        _sum_bands(list(calls.values()), len(edges)),
        _sum_bands(list(speeds.values()), len(edges)),
        [sum(b) for b in zip(no_drops, *dropped.values(), strict=True)],
        sum(overdue.values()),
        sum(r.leads_owned for r in rows),
    )
    return TeamReport(now, settings.rep_timezone, tuple(found), rows, totals)


def _sum_bands(owners: list[list[Counter[K]]], bands: int) -> list[Counter[K]]:
    """Band by band, the sum over every rep (or owner, the pool included)."""
    return [sum((o[i] for o in owners), Counter[K]()) for i in range(bands)]
