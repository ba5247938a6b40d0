"""Figures about leads rather than the rep's calls: speed to lead, leads abandoned
after two or fewer attempts, the pipeline by status, overdue promises.

These count every lead in the store (README "Your numbers").
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import peewee as pw
from pendulum import DateTime

from leaddesk.core.store.db import database, portable_sql, to_ms, tuples
from leaddesk.core.store.models import STATUSES, Appointment, Lead

B = TypeVar("B")
R = TypeVar("R")

ATTEMPT_CHANNELS = ("call", "email", "letter")
HOUR_MS = 3_600_000
MINUTE_MS = 60_000
# Abandoned: a lead left with its next step this many days overdue (or closed).
ABANDON_OVERDUE_DAYS = 7
OVERDUE_LISTED = 5
# The fixed part of "abandoned", written out as the partial index lead_abandoned
# (migration 0018) has it: a planner uses a partial index only for its own terms.
ABANDONED_SQL = (
    "attempts >= 1 AND attempts <= 2 AND no_count = 0 AND do_not_call = FALSE"
    " AND status NOT IN ('engaged', 'appointment', 'won', 'bad')"
)


@dataclass(frozen=True)
class SpeedToLead:
    received: int  # leads received in the period
    attempted: int  # of those, attempted by now (call, email or letter)
    median_minutes: int | None  # received -> first attempt, whole minutes
    within_hour: int  # attempted within 60 minutes of arriving
    decided: int  # attempted, or waiting for more than an hour

    @property
    def within_hour_pct(self) -> float | None:
        return round(100 * self.within_hour / self.decided, 1) if self.decided else None


@dataclass(frozen=True)
class OverduePromise:
    lead_id: int
    name: str
    at: DateTime
    kind: str


# Nested periods in one statement: each row goes to the band of the latest
# period start it follows (band 0: since the latest start), and a period is
# the sum of its own band and the bands of every later start.


def latest_first(starts: list[DateTime]) -> tuple[list[int], list[int]]:
    """The periods' indexes ordered latest start first, and those starts in ms."""
    order = sorted(range(len(starts)), key=lambda i: starts[i], reverse=True)
    return order, [to_ms(starts[i]) for i in order]


def band_case(column: str, edges: list[int]) -> str:
    """CASE mapping `column` to the band of the latest start (`edges`) it is at or after."""
    whens = " ".join(f"WHEN {column} >= ? THEN {i}" for i in range(len(edges)))
    return f"CASE {whens} ELSE {len(edges)} END"


def per_period(order: list[int], bands: list[B], total: Callable[[list[B]], R]) -> list[R]:
    """One total per period (in the callers' order) from the bands, latest first."""
    found: dict[int, R] = {}
    for rank, index in enumerate(order):
        found[index] = total(bands[: rank + 1])
    return [found[i] for i in range(len(order))]


# Owner = the lead's owner id (None: the pool). The team view reads the same
# statements grouped by owner; a rep's own numbers add every owner up.
Owner = int | None
# The unary plus keeps SQLite off the index on owner_id: grouping by the bare
# column made it walk that index and look each lead up (3-4x slower at 100k).
OWNER_SQL = "+{}owner_id"


def speed_histograms(
    starts: list[DateTime], now: DateTime, *, by_owner: bool = False
) -> dict[Owner, list[Counter[int]]]:
    """Per owner (all under None unless `by_owner`), per band: minutes -> leads.

    One statement for every period, off the index lead(received_at, owner,
    first_attempt_at) alone (migration 0018): each lead received since the
    earliest start is put in the band of the latest start it follows, with its
    minutes to the first attempt (`first_attempt_at`, kept by triggers: the first
    call, email or letter; one after `now` is not yet made) or a sentinel: -1
    still young (under an hour, not attempted), -2 waited over an hour
    unattempted. Only the histogram (owner, band, minutes) -> count comes back.
    """
    _, edges = latest_first(starts)
    now_ms = to_ms(now)
    owner = OWNER_SQL.format("l.") if by_owner else "NULL"
    sql = portable_sql(
        f"""SELECT owner, band, m, COUNT(*) FROM (
          SELECT {owner} AS owner, {band_case("l.received_at", edges)} AS band,
            CASE WHEN l.first_attempt_at <= ?
                 THEN (l.first_attempt_at - l.received_at) / {MINUTE_MS}
                 WHEN l.received_at > ? THEN -1 ELSE -2 END AS m
          FROM lead l WHERE l.received_at >= ? AND l.received_at <= ?
        ) x GROUP BY owner, band, m"""
    )
    params = [*edges, now_ms, now_ms - HOUR_MS, edges[-1], now_ms]
    # found[owner][b][m] = count; band b holds leads received in [edges[b], edges[b-1]).
    found: dict[Owner, list[Counter[int]]] = {}
    for who, band, minutes, n in database.obj.execute_sql(sql, params).fetchall():
        if band < len(edges):
            found.setdefault(who, [Counter() for _ in edges])[band][minutes] += n
    return found


def speeds_of(order: list[int], bands: list[Counter[int]]) -> list[SpeedToLead]:
    """Speed to lead per period from one owner's (or everyone's) bands."""
    return per_period(order, bands, lambda mine: _speed(sum(mine, Counter())))


def speed_to_lead(starts: list[DateTime], now: DateTime) -> list[SpeedToLead]:
    """Speed to lead for leads received since each of `starts` (up to `now`),
    every lead in the store; medians are read off the histogram."""
    if not starts:
        return []
    order, edges = latest_first(starts)
    bands = speed_histograms(starts, now).get(None) or [Counter() for _ in edges]
    return speeds_of(order, bands)


def _speed(minutes: Counter[int]) -> SpeedToLead:
    attempted = sorted((m, n) for m, n in minutes.items() if m >= 0)
    count = sum(n for _, n in attempted)
    waited = minutes.get(-2, 0)
    within = sum(n for m, n in attempted if m < 60)
    return SpeedToLead(
        received=count + waited + minutes.get(-1, 0),
        attempted=count,
        median_minutes=_median(attempted, count),
        within_hour=within,
        decided=count + waited,
    )


def _median(histogram: list[tuple[int, int]], count: int) -> int | None:
    """The median of a sorted (value, count) histogram (the lower one of an even pair,
    averaged with the upper and rounded down)."""
    if not count:
        return None
    cumulative = [0]
    for _, n in histogram:
        cumulative.append(cumulative[-1] + n)
    values = [v for v, _ in histogram]

    def at(k: int) -> int:  # the k-th smallest value, 0-based
        return values[bisect_right(cumulative, k) - 1]

    low, high = at((count - 1) // 2), at(count // 2)
    return (low + high) // 2


def abandoned_bands(
    starts: list[DateTime], now: DateTime, *, by_owner: bool = False
) -> dict[Owner, list[int]]:
    """Per owner (all under None unless `by_owner`): leads abandoned after two or
    fewer attempts, per band of when they were last touched.

    A lead counts when all of these hold (README "Your numbers"):
    - it had 1 or 2 attempts (`Lead.attempts`, the cadence attempts the desk shows);
    - it never reached the person: no "no" counted, not do-not-call, and its
      status is not engaged, appointment, won (nor bad: a wrong number is no
      one's choice to stop);
    - nothing is planned for it: it is out of the queue (next contact none) or
      its next step is more than ABANDON_OVERDUE_DAYS days overdue;
    - its last touch falls in the period.
    """
    _, edges = latest_first(starts)
    now_ms = to_ms(now)
    owner = OWNER_SQL.format("") if by_owner else "NULL"
    sql = portable_sql(
        f"""SELECT owner, band, COUNT(*) FROM (
          SELECT {owner} AS owner, {band_case("last_touch_at", edges)} AS band FROM lead
          WHERE {ABANDONED_SQL}
            AND (next_due_at IS NULL OR next_due_at < ?)
            AND last_touch_at >= ? AND last_touch_at <= ?
        ) x GROUP BY owner, band"""
    )
    params = [
        *edges,
        now_ms - ABANDON_OVERDUE_DAYS * 24 * HOUR_MS,
        edges[-1],
        now_ms,
    ]
    found: dict[Owner, list[int]] = {}
    for who, band, n in database.obj.execute_sql(sql, params).fetchall():
        found.setdefault(who, [0] * (len(edges) + 1))[band] += n
    return found


def abandoned(starts: list[DateTime], now: DateTime) -> list[int]:
    """Leads abandoned after two or fewer attempts, by when they were last touched
    (every lead in the store; see `abandoned_bands`)."""
    if not starts:
        return []
    order, edges = latest_first(starts)
    bands = abandoned_bands(starts, now).get(None) or [0] * (len(edges) + 1)
    return per_period(order, bands, sum)


def pipeline() -> tuple[tuple[str, int], ...]:
    """Leads per status, every status listed (in the order of the lifecycle)."""
    counted = Lead.select(Lead.status, pw.fn.COUNT(Lead.id)).group_by(Lead.status)
    found: dict[str, int] = dict(tuples(counted))
    known = [(s, found.pop(s, 0)) for s in STATUSES]
    return tuple(known + sorted(found.items()))


def overdue_promises(
    now: DateTime, limit: int = OVERDUE_LISTED
) -> tuple[int, tuple[OverduePromise, ...]]:
    """Open callbacks and appointments whose time has passed: how many, and the oldest."""
    late = (Appointment.done == False) & (Appointment.at < now)  # noqa: E712
    count = Appointment.select().where(late).count()
    oldest = tuples(
        Appointment.select(Lead.id, Lead.name, Appointment.at, Appointment.kind)
        .join(Lead)
        .where(late)
        .order_by(Appointment.at)
        .limit(limit)
    )
    return count, tuple(OverduePromise(*row) for row in oldest)
