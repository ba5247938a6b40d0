"""Your numbers (`F` in the desk, `leaddesk stats`): every figure a SQL aggregate.

Nothing here loads touches into Python: each figure is a GROUP BY / COUNT /
CASE over an index, and Python only adds up the few rows that come back.
The SQL is portable (no SQLite-only functions): instants are integer UTC
milliseconds, so ranges and differences are plain integer arithmetic.

Definitions (README "Your numbers"):
- touch figures (dials, connects, …, by hour, attempts before connect) count
  the rep's own touches; lead figures (speed to lead, abandoned, pipeline,
  overdue promises) count every lead in the store;
- a dial is a touch on the call channel; a connect is a dial whose outcome
  reached the person (CONNECT_OUTCOMES); contact rate = connects / dials;
- periods start at a local midnight of the rep's zone (this week: Monday) and
  end at `now`, inclusive; "30 days" is today and the 29 days before it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

import peewee as pw
import pendulum
from pendulum import DateTime

from leaddesk.core.domain.rules import NOT_A_CALL_TO_THE_LEAD, OUTCOMES
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tz import tz
from leaddesk.core.store.db import database, to_ms
from leaddesk.core.store.models import STATUSES, Appointment, Lead, Rep, Touch

B = TypeVar("B")
R = TypeVar("R")

CONNECT_OUTCOMES = ("connected", "callback", "appointment", "not-interested", "dnc", "won")
CALL_OUTCOMES = tuple(name for name, spec in OUTCOMES.items() if spec.channel == "call")
ATTEMPT_CHANNELS = ("call", "email", "letter")
SPARK_DAYS = 30
HOUR_MS = 3_600_000
MINUTE_MS = 60_000
# Abandoned: a lead left with its next step this many days overdue (or closed).
ABANDON_OVERDUE_DAYS = 7
# Attempts-before-connect buckets: 0 … 9, then "10+".
ATTEMPT_BUCKETS = 10
OVERDUE_LISTED = 5


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


def _calls(rep: int, start: DateTime, end: pw.Expression) -> pw.Expression:
    """The rep's calls from `start` until `end`: every figure of a Tally is a call.

    Naming every call outcome lets the index
    touch(rep, channel, outcome, at, …) seek each outcome's time range, so the
    counts come out of the index, grouped, without a sort.
    """
    return (
        (Touch.rep == rep)
        & (Touch.channel == "call")
        & Touch.outcome.in_(CALL_OUTCOMES)
        & (Touch.at >= start)
        & end
    )


def _outcome_counts(rep: int, start: DateTime, end: pw.Expression) -> pw.ModelSelect:
    return (
        Touch.select(Touch.outcome, pw.fn.COUNT(Touch.id))
        .where(_calls(rep, start, end))
        .group_by(Touch.outcome)
    )


def rep_tally(rep: int | None, start: DateTime, end: DateTime) -> Tally:
    """The rep's dials, connects, … in [start, end]: one aggregate over an index."""
    if rep is None:
        return Tally()
    return tally_of(dict(_outcome_counts(rep, start, Touch.at <= end).tuples()))


# --- periods ------------------------------------------------------------------


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


# --- the figures ------------------------------------------------------------------


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
class PeriodStats:
    period: Period
    tally: Tally
    speed: SpeedToLead
    abandoned: int  # leads abandoned after two or fewer attempts


@dataclass(frozen=True)
class HourRate:
    hour: int  # the lead's local hour, 0-23
    dials: int
    connects: int

    @property
    def rate(self) -> float | None:
        return self.connects / self.dials if self.dials else None


@dataclass(frozen=True)
class OverduePromise:
    lead_id: int
    name: str
    at: DateTime
    kind: str


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


def daily_tallies(rep: int | None, starts: list[DateTime], now: DateTime) -> list[Tally]:
    """One Tally per local day: [starts[i], starts[i+1]), the last day up to `now`.

    One statement: a UNION ALL of per-day counts by outcome, each read off the
    index touch(rep, channel, outcome, at, …) in order — cheaper than grouping
    the whole range by a computed day (which needs a temporary sort). Written
    out rather than built by peewee: compiling 30 parts cost ~10 ms.
    """
    days = len(starts) - 1
    if rep is None:
        return [Tally()] * days
    marks = ", ".join("?" * len(CALL_OUTCOMES))
    parts, params = [], []
    for i in range(days):
        last = i == days - 1
        parts.append(
            f"""SELECT {i}, outcome, COUNT(*) FROM touch
            WHERE rep_id = ? AND channel = ? AND outcome IN ({marks})
              AND "at" >= ? AND "at" {"<=" if last else "<"} ?
            GROUP BY outcome"""
        )
        end = now if last else starts[i + 1]
        params += [rep, "call", *CALL_OUTCOMES, to_ms(starts[i]), to_ms(end)]
    counts: list[Counter[str]] = [Counter() for _ in range(days)]
    sql = _sql(" UNION ALL ".join(parts))
    for i, outcome, n in database.obj.execute_sql(sql, params).fetchall():
        counts[i][outcome] += n
    return [tally_of(c) for c in counts]


def _sql(text: str) -> str:
    """Portable SQL with `?` placeholders in the connection's own style."""
    param = database.obj.param
    return text if param == "?" else text.replace("?", param)


# Nested periods in one statement: each row goes to the band of the latest
# period start it follows (band 0: since the latest start), and a period is
# the sum of its own band and the bands of every later start.


def _latest_first(starts: list[DateTime]) -> tuple[list[int], list[int]]:
    """The periods' indexes ordered latest start first, and those starts in ms."""
    order = sorted(range(len(starts)), key=lambda i: starts[i], reverse=True)
    return order, [to_ms(starts[i]) for i in order]


def _band(column: str, edges: list[int]) -> str:
    """CASE mapping `column` to the band of the latest start (`edges`) it is at or after."""
    whens = " ".join(f"WHEN {column} >= ? THEN {i}" for i in range(len(edges)))
    return f"CASE {whens} ELSE {len(edges)} END"


def _per_period(order: list[int], bands: list[B], total: Callable[[list[B]], R]) -> list[R]:
    found: dict[int, R] = {}
    for rank, index in enumerate(order):
        found[index] = total(bands[: rank + 1])
    return [found[i] for i in range(len(order))]


def speed_to_lead(starts: list[DateTime], now: DateTime) -> list[SpeedToLead]:
    """Speed to lead for leads received since each of `starts` (up to `now`).

    One statement for every period: each lead received since the earliest start
    is put in the band of the latest start it follows, with its minutes to the
    first attempt (a correlated read of touch(lead, at, channel, outcome) that
    stops at the first call, email or letter) or a sentinel: -1 still young
    (under an hour, not attempted), -2 waited over an hour unattempted. Only
    the histogram (band, minutes) -> count comes back; medians are read off it.
    """
    if not starts:
        return []
    order, edges = _latest_first(starts)
    now_ms = to_ms(now)
    sql = _sql(
        f"""SELECT band, m, COUNT(*) FROM (
          SELECT {_band("l.received_at", edges)} AS band,
            COALESCE(
              (SELECT (t."at" - l.received_at) / {MINUTE_MS} FROM touch t
               WHERE t.lead_id = l.id AND t."at" <= ? AND t.channel IN (?, ?, ?)
               ORDER BY t."at" LIMIT 1),
              CASE WHEN l.received_at > ? THEN -1 ELSE -2 END) AS m
          FROM lead l WHERE l.received_at >= ? AND l.received_at <= ?
        ) x GROUP BY band, m"""
    )
    params = [*edges, now_ms, *ATTEMPT_CHANNELS, now_ms - HOUR_MS, edges[-1], now_ms]
    # bands[b][m] = count; band b holds leads received in [edges[b], edges[b-1]).
    bands: list[Counter[int]] = [Counter() for _ in edges]
    for band, minutes, n in database.obj.execute_sql(sql, params).fetchall():
        if band < len(edges):
            bands[band][minutes] += n
    return _per_period(order, bands, lambda mine: _speed(sum(mine, Counter())))


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


def abandoned(starts: list[DateTime], now: DateTime) -> list[int]:
    """Leads abandoned after two or fewer attempts, by when they were last touched.

    A lead counts when all of these hold (README "Your numbers"):
    - it had 1 or 2 attempts (`Lead.attempts`, the cadence attempts the desk shows);
    - it never reached the person: no "no" counted, not do-not-call, and its
      status is not engaged, appointment, won (nor bad: a wrong number is no
      one's choice to stop);
    - nothing is planned for it: it is out of the queue (next contact none) or
      its next step is more than ABANDON_OVERDUE_DAYS days overdue;
    - its last touch falls in the period.
    """
    if not starts:
        return []
    order, edges = _latest_first(starts)
    now_ms = to_ms(now)
    sql = _sql(
        f"""SELECT {_band("last_touch_at", edges)} AS band, COUNT(*) FROM lead
        WHERE attempts >= 1 AND attempts <= 2 AND no_count = 0 AND do_not_call = ?
          AND status NOT IN (?, ?, ?, ?)
          AND (next_due_at IS NULL OR next_due_at < ?)
          AND last_touch_at >= ? AND last_touch_at <= ?
        GROUP BY band"""
    )
    params = [
        *edges,
        False,
        "engaged",
        "appointment",
        "won",
        "bad",
        now_ms - ABANDON_OVERDUE_DAYS * 24 * HOUR_MS,
        edges[-1],
        now_ms,
    ]
    bands = [0] * (len(edges) + 1)
    for band, n in database.obj.execute_sql(sql, params).fetchall():
        bands[band] += n
    return _per_period(order, bands, sum)


def by_hour(rep: int | None, start: DateTime, now: DateTime) -> tuple[HourRate, ...]:
    """Dials and connects by the hour of the lead's local day (best time to call).

    The hour is read from the touch's stored local time (`lead_local`, ISO
    text: characters 12-13), through the covering index
    touch(rep, channel, outcome, at, lead_local, lead_id).
    """
    hours = {h: [0, 0] for h in range(24)}
    if rep is not None:
        hour = pw.fn.SUBSTR(Touch.lead_local, 12, 2)
        query = (
            Touch.select(hour, Touch.outcome, pw.fn.COUNT(Touch.id))
            .where(_calls(rep, start, Touch.at <= now))
            .group_by(hour, Touch.outcome)
            .tuples()
        )
        for text, outcome, n in query:
            if not (text or "").isdigit() or int(text) not in hours:
                continue  # a touch without a stored local time
            hours[int(text)][0] += n
            if outcome in CONNECT_OUTCOMES:
                hours[int(text)][1] += n
    return tuple(HourRate(h, d, c) for h, (d, c) in hours.items())


def attempts_before_connect(
    rep: int | None, start: DateTime, now: DateTime
) -> tuple[tuple[str, int], ...]:
    """How many dials it took: for each lead first reached in [start, now] by this
    rep, the calls to it before that first connect (0 … 9, "10+").

    Wrong numbers rang someone else and do not count. Each lead's earliest
    connect in the period comes off the index touch(rep, channel, outcome, at,
    …, lead); then two reads of touch(lead, at, channel, outcome): was there
    an earlier connect (it stops at the first), and if not, the calls before.
    """
    counts = [0] * (ATTEMPT_BUCKETS + 1)
    if rep is not None:
        marks = ", ".join("?" * len(CONNECT_OUTCOMES))
        sql = _sql(
            f"""SELECT n, COUNT(*) FROM (
              SELECT (SELECT COUNT(*) FROM touch p
                      WHERE p.lead_id = f.lead_id AND p."at" < f.first
                        AND p.channel = ? AND p.outcome <> ?) AS n
              FROM (SELECT c.lead_id AS lead_id, MIN(c."at") AS first FROM touch c
                    WHERE c.rep_id = ? AND c.channel = ? AND c.outcome IN ({marks})
                      AND c."at" >= ? AND c."at" <= ?
                    GROUP BY c.lead_id) f
              WHERE NOT EXISTS (SELECT 1 FROM touch p
                                WHERE p.lead_id = f.lead_id AND p."at" < f.first
                                  AND p.channel = ? AND p.outcome IN ({marks}))
            ) x GROUP BY n"""
        )
        params = [
            "call",
            NOT_A_CALL_TO_THE_LEAD[0],
            rep,
            "call",
            *CONNECT_OUTCOMES,
            to_ms(start),
            to_ms(now),
            "call",
            *CONNECT_OUTCOMES,
        ]
        for n, k in database.obj.execute_sql(sql, params).fetchall():
            counts[min(n, ATTEMPT_BUCKETS)] += k
    labels = [str(i) for i in range(ATTEMPT_BUCKETS)] + [f"{ATTEMPT_BUCKETS}+"]
    return tuple(zip(labels, counts, strict=True))


def pipeline() -> tuple[tuple[str, int], ...]:
    """Leads per status, every status listed (in the order of the lifecycle)."""
    found = dict(Lead.select(Lead.status, pw.fn.COUNT(Lead.id)).group_by(Lead.status).tuples())
    known = [(s, found.pop(s, 0)) for s in STATUSES]
    return tuple(known + sorted(found.items()))


def overdue_promises(
    now: DateTime, limit: int = OVERDUE_LISTED
) -> tuple[int, tuple[OverduePromise, ...]]:
    """Open callbacks and appointments whose time has passed: how many, and the oldest."""
    late = (Appointment.done == False) & (Appointment.at < now)  # noqa: E712
    count = Appointment.select().where(late).count()
    oldest = (
        Appointment.select(Lead.id, Lead.name, Appointment.at, Appointment.kind)
        .join(Lead)
        .where(late)
        .order_by(Appointment.at)
        .limit(limit)
        .tuples()
    )
    return count, tuple(OverduePromise(*row) for row in oldest)


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
