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

from pendulum import DateTime

from leaddesk.core.reads.stats.rollup import pieces
from leaddesk.core.store.db import database, portable_sql, to_ms, tuples
from leaddesk.core.store.models import STATUSES, Appointment, Lead
from leaddesk.core.store.rollup_models import StatusTally

B = TypeVar("B")
R = TypeVar("R")

ATTEMPT_CHANNELS = ("call", "email", "letter")
HOUR_MS = 3_600_000
MINUTE_MS = 60_000
# Abandoned: a lead left with its next step this many days overdue (or closed).
ABANDON_OVERDUE_DAYS = 7
OVERDUE_LISTED = 5
NO_ATTEMPT = -1_000_000_000  # speed_tally.m of a lead not attempted yet (migration 0018)
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

    Each lead received since the earliest start is put in the band of the latest
    start it follows, with its minutes to the first attempt (`lead.first_attempt_at`:
    the first call, email or letter; one after `now` is not yet made) or a
    sentinel: -1 still young (under an hour, not attempted), -2 waited over an
    hour unattempted. Leads that arrived in a whole UTC hour ending over an hour
    before `now` come from the rollup `speed_tally` (per owner, hour, minutes;
    migration 0018); the rest — a band's cut hours, the last hour — from the index
    lead(received_at, owner_id, first_attempt_at); leads first attempted after a
    pretended `now` are moved back to "waited" off the index on first_attempt_at.
    """
    _, edges = latest_first(starts)
    now_ms = to_ms(now)
    bounds = [*reversed(edges), now_ms + 1]  # ascending: interval i is band len-1-i
    settled = (now_ms - HOUR_MS + 1) // HOUR_MS * HOUR_MS  # older arrivals may be rolled up
    found: dict[Owner, list[Counter[int]]] = {}

    def add(who: Owner, interval: int, minutes: int, n: int) -> None:
        who = (who or None) if by_owner else None
        found.setdefault(who, [Counter() for _ in edges])[len(edges) - 1 - interval][minutes] += n

    parts: list[str] = []
    params: list[int] = []
    for i, start, end, whole in pieces(bounds):
        if whole and start < settled:
            parts += [ROLLED_UP.format(i=i), LATE.format(i=i)]
            params += [start // HOUR_MS, min(end, settled) // HOUR_MS]
            params += [now_ms, start, min(end, settled)]
            start = min(end, settled)
        if start < end:
            parts.append(ARRIVALS.format(i=i))
            params += [now_ms, now_ms - HOUR_MS, start, end]
    sql = portable_sql(" UNION ALL ".join(parts))
    for kind, i, who, minutes, n in database.obj.execute_sql(sql, params).fetchall():
        if kind == 0:  # rolled up: old enough that "not attempted" means waited
            add(who, i, -2 if minutes == NO_ATTEMPT else minutes, n)
        elif kind == 1:  # rolled up with its minutes, but attempted after `now`
            add(who, i, minutes, -n)
            add(who, i, -2, n)
        else:
            add(who, i, minutes, n)
    kept = {who: [+band for band in bands] for who, bands in found.items()}
    return {who: bands for who, bands in kept.items() if any(bands)}


# One statement for every period: a UNION ALL of these parts, one or two per band.
# 0: the rollup's whole hours; 1: of those, the leads first attempted after `now`
# (off the index on first_attempt_at: `+` keeps SQLite off the one on received_at);
# 2: the hours left, off the index
# lead(received_at, owner_id, first_attempt_at).
ROLLED_UP = """SELECT 0, {i}, owner, m, SUM(n) FROM speed_tally
    WHERE hour >= ? AND hour < ? GROUP BY owner, m"""
LATE = f"""SELECT 1, {{i}}, COALESCE(owner_id, 0), (first_attempt_at - received_at) / {MINUTE_MS},
      COUNT(*) FROM lead WHERE first_attempt_at > ? AND +received_at >= ? AND +received_at < ?
    GROUP BY COALESCE(owner_id, 0), (first_attempt_at - received_at) / {MINUTE_MS}"""
ARRIVALS = f"""SELECT 2, {{i}}, owner, m, COUNT(*) FROM (
      SELECT COALESCE(+owner_id, 0) AS owner,
        CASE WHEN first_attempt_at <= ? THEN (first_attempt_at - received_at) / {MINUTE_MS}
             WHEN received_at > ? THEN -1 ELSE -2 END AS m
      FROM lead WHERE received_at >= ? AND received_at < ?
    ) x GROUP BY owner, m"""


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
    """Leads per status, every status listed (in the order of the lifecycle), from the
    rollup `status_tally` (migration 0018: kept by triggers on `lead`)."""
    counted = StatusTally.select(StatusTally.status, StatusTally.n).where(StatusTally.n != 0)
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
