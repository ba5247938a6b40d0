"""The due queue: who to call next, in order, each with a one-line reason.

Two sections. DUE: everything actionable now (calls inside the lead's calling
window, email and letter steps), ranked promise > new > cadence > nurture and
most overdue first. LATER: calls whose window is closed, and work due later
today, each with the time it opens. Each page is one indexed query.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass
from functools import lru_cache

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.rules import next_open, waiting_heat, window_open, zones_or_rep
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.text import minutes_between, span_words, when_local
from leaddesk.core.domain.tiers import TIER_NAMES, TIER_NEW, TIER_NURTURE, TIER_PROMISE
from leaddesk.core.domain.tz import tz
from leaddesk.core.reads.scope import Scope, scope_for, scope_params, scope_sql, scope_where
from leaddesk.core.store.db import database, from_ms, to_ms
from leaddesk.core.store.models import Appointment, Lead, ZoneSet

DUE, LATER = "due", "later"


@dataclass(frozen=True)
class QueueRow:
    lead_id: int
    name: str
    company: str
    tier: str
    section: str  # due | later
    due_at: DateTime
    channel: str
    callable: bool  # a call is allowed right now
    reason: str
    attempts: int  # every attempt so far
    step: int  # the cadence step due (0-based); == steps when the cadence is done
    steps: int
    status: str
    opens_at: DateTime | None  # when the calling window opens (later section)
    waited_minutes: int | None  # new leads: time since received
    heat: str  # hot | warm | cold for new leads, "" otherwise
    zone: str  # the lead's zone (or the rep's)


@dataclass(frozen=True)
class QueueCounts:
    due: int
    later: int


def zones_of(key: str) -> tuple[str, ...]:
    return tuple(key.split()) if key else ()


def zone_key(zones: tuple[str, ...]) -> str:
    return " ".join(zones)


def open_zone_keys(now: DateTime, settings: Settings) -> list[str]:
    """The zone sets whose calling window is open at `now`."""
    keys = [row[0] for row in ZoneSet.select(ZoneSet.key).tuples()]
    return [k for k in keys if window_open(now, zones_of(k), settings)]


_COLUMNS = (
    Lead.id,
    Lead.name,
    Lead.company,
    Lead.priority,
    Lead.next_due_at,
    Lead.next_channel,
    Lead.call_zones,
    Lead.attempts,
    Lead.status,
    Lead.cadence,
    Lead.received_at,
    Lead.last_touch_at,
    Lead.cadence_step,
)


def _queued() -> pw.Expression:
    return Lead.priority.is_null(False)


def _callable_now(open_keys: list[str]) -> pw.Expression:
    is_call = Lead.next_channel == "call"
    if not open_keys:
        return is_call & (Lead.id < 0)  # no zone open: nothing callable
    return is_call & Lead.call_zones.in_(open_keys)


def _due_where(now: DateTime, open_keys: list[str]) -> pw.Expression:
    return (
        _queued()
        & (Lead.next_due_at <= now)
        & (_callable_now(open_keys) | Lead.next_channel.in_(["email", "letter"]))
    )


def _later_where(
    now: DateTime, end_of_day: DateTime, open_keys: list[str], scope: Scope | None = None
) -> pw.Expression:
    closed = (Lead.next_due_at <= now) & (Lead.next_channel == "call")
    if open_keys:
        closed &= Lead.call_zones.not_in(open_keys)
    upcoming = (Lead.next_due_at > now) & (Lead.next_due_at < end_of_day)
    where = _queued() & (closed | upcoming)
    return where & scope_where(scope, now) if scope is not None else where


def end_of_rep_day(now: DateTime, settings: Settings) -> DateTime:
    """The next midnight in the rep's zone: an exclusive bound.

    (`end_of("day")` is 23:59:59.999999, which rounds up to midnight when
    stored as milliseconds.)
    """
    today = now.in_timezone(tz(settings.rep_timezone)).start_of("day")
    return today.add(days=1).in_timezone("UTC")


# The DUE order is tier by tier, most overdue first, except that new leads
# received inside the last hour (speed to lead: still hot) come before older
# never-touched leads. Four bands, each one range of the `lead_queue` index:
#   0 promises · 1 new, due since the cut · 2 new, due before it · 3 cadence, nurture
# Each band reads at most offset + limit rows in index order (a subquery with
# its own LIMIT), and UNION ALL + ORDER BY band, … puts them together: the sort
# is over at most 4 × (offset + limit) rows, never over all due leads. Rows
# carry the band as a 14th column.
BANDS = 4
_ORDER = ("priority", "next_due_at", "id")


def new_lead_cut(now: DateTime, settings: Settings) -> DateTime:
    """New leads due at or after this instant are inside their first hour."""
    return now.subtract(minutes=settings.rules.new_lead_cold_minutes)


def _band_where(band: int, cut: DateTime) -> pw.Expression:
    if band == 0:
        return Lead.priority < TIER_NEW
    if band == 1:
        return (Lead.priority == TIER_NEW) & (Lead.next_due_at >= cut)
    if band == 2:
        return (Lead.priority == TIER_NEW) & (Lead.next_due_at < cut)
    return Lead.priority > TIER_NEW


def due_query(
    now: DateTime,
    open_keys: list[str],
    cut: DateTime,
    offset: int,
    limit: int,
    scope: Scope | None = None,
) -> pw.SelectBase:
    """The DUE page (rows offset … offset + limit) as peewee builds it; `due_rows` is
    the same SQL written out. `cut`: `new_lead_cut(now, settings)`. Its rows are
    raw (instants in ms, the band last): `_converted` makes them `due_rows` rows.
    `scope`: one rep's queue (team mode); None is every lead."""
    where = _due_where(now, open_keys)
    if scope is not None:
        where &= scope_where(scope, now)
    query = None
    for band in range(BANDS):
        inner = (
            Lead.select(*_COLUMNS, pw.SQL(f'{band} AS "band"'))
            .where(where & _band_where(band, cut))
            .order_by(Lead.priority, Lead.next_due_at, Lead.id)
            .limit(offset + limit)
        )
        part = pw.Select([inner.alias(f"b{band}")], [pw.SQL("*")])
        query = part if query is None else query.union_all(part)
    assert query is not None
    order = [pw.SQL(f'"{c}"') for c in ("band", *_ORDER)]
    return query.order_by(*order).limit(limit).offset(offset).bind(database)


# The written SQL reads the bands as five segments, in DUE order: equality on
# `priority` lets each scan stop at `next_due_at <= now` (a `priority > 1` range
# would walk every queued cadence and nurture lead, due or not).
_SEGMENTS = (
    '"priority" = 0',
    '"priority" = 1 AND "next_due_at" >= {p}',
    '"priority" = 1 AND "next_due_at" < {p}',
    '"priority" = 2',
    '"priority" = 3',
)
_CUT_SEGMENTS = (1, 2)  # the segments that take the new-lead cut as a parameter
_DUE_WHERE = (
    '"priority" IS NOT NULL AND "next_due_at" <= {p} AND ({callable}'
    " \"next_channel\" IN ('email', 'letter')) AND {bounds}{scope}"
)
_BAND_PAGE = (
    'SELECT "id", "name", "company", "priority", "next_due_at", "next_channel", "call_zones",'
    ' "attempts", "status", "cadence", "received_at", "last_touch_at", "cadence_step"'
    ' FROM "lead"'
    ' WHERE {where} ORDER BY "priority", "next_due_at", "id" LIMIT {p} OFFSET {p}'
)


def _band_where_sql(param: str, open_count: int, band: int, queue: str | None = None) -> str:
    callable_now = ""
    if open_count:
        marks = ", ".join([param] * open_count)
        callable_now = f'("next_channel" = \'call\' AND "call_zones" IN ({marks})) OR'
    bounds = _SEGMENTS[band].format(p=param)
    scope = scope_sql(param, queue) if queue is not None else ""
    return _DUE_WHERE.format(p=param, callable=callable_now, bounds=bounds, scope=scope)


@lru_cache(maxsize=256)
def _band_page_sql(param: str, open_count: int, band: int, queue: str | None = None) -> str:
    return _BAND_PAGE.format(where=_band_where_sql(param, open_count, band, queue), p=param)


@lru_cache(maxsize=64)
def _band_count_sql(param: str, open_count: int, queue: str | None = None) -> str:
    counts = ", ".join(
        f'(SELECT COUNT(*) FROM "lead" WHERE {_band_where_sql(param, open_count, band, queue)})'
        for band in range(len(_SEGMENTS))
    )
    return f"SELECT {counts}"


def _band_params(
    band: int, now: DateTime, open_keys: list[str], cut: DateTime, scope: Scope | None = None
) -> list:
    params = [to_ms(now), *open_keys, *([to_ms(cut)] if band in _CUT_SEGMENTS else [])]
    return params + scope_params(scope, now) if scope is not None else params


def band_counts(
    now: DateTime, open_keys: list[str], cut: DateTime, scope: Scope | None = None
) -> tuple[int, ...]:
    """How many DUE rows each segment holds (their sum is the DUE count): one statement."""
    db = database.obj
    segments = range(len(_SEGMENTS))
    params = [p for band in segments for p in _band_params(band, now, open_keys, cut, scope)]
    queue = scope.queue if scope is not None else None
    sql = _band_count_sql(db.param, len(open_keys), queue)
    return tuple(db.execute_sql(sql, params).fetchone())


def due_statements(
    param: str,
    now: DateTime,
    open_keys: list[str],
    cut: DateTime,
    offset: int,
    limit: int,
    bands: tuple[int, ...],
    scope: Scope | None = None,
) -> list[tuple[str, list]]:
    """The statements that read DUE rows offset … offset + limit: one per band the
    page overlaps, each a range of the `lead_queue` index in index order with its
    own OFFSET — no sort, whatever the depth."""
    statements = []
    start = 0
    for band, size in enumerate(bands):
        end = start + size
        if offset < end and offset + limit > start:
            local = max(offset - start, 0)
            take = min(limit - max(start - offset, 0), size - local)
            params = [*_band_params(band, now, open_keys, cut, scope), take, local]
            queue = scope.queue if scope is not None else None
            statements.append((_band_page_sql(param, len(open_keys), band, queue), params))
        start = end
    return statements


def due_rows(
    now: DateTime,
    open_keys: list[str],
    offset: int,
    limit: int,
    cut: DateTime,
    bands: tuple[int, ...] | None = None,
    scope: Scope | None = None,
) -> list[tuple]:
    """The DUE page as tuples (the `_COLUMNS`), in `due_query` order.

    The hottest read (every keystroke), so its SQL is written out rather than
    compiled by peewee on each call; it is plain SQL both engines accept, sent
    through peewee's connection, checked row for row against `due_query` in
    tests/core/test_queue.py. `bands` (from `band_counts`) saves a count when
    the caller has it; counts and rows are read in one transaction.
    """
    db = database.obj
    with db.atomic():
        if bands is None:
            bands = band_counts(now, open_keys, cut, scope)
        rows = []
        pages = due_statements(db.param, now, open_keys, cut, offset, limit, bands, scope)
        for sql, params in pages:
            rows += db.execute_sql(sql, params).fetchall()
    return [_converted(row) for row in rows]


def _converted(row: tuple) -> tuple:
    # Columns 4, 10, 11 of _COLUMNS are instants (next_due_at, received_at, last_touch_at);
    # a band column (the 14th, from `due_query`) is dropped.
    values = list(row[:13])
    values[4] = from_ms(values[4])
    values[10] = from_ms(values[10])
    if values[11] is not None:
        values[11] = from_ms(values[11])
    return tuple(values)


def due_page(
    now: DateTime,
    settings: Settings,
    offset: int = 0,
    limit: int = 50,
    open_keys=None,
    bands: tuple[int, ...] | None = None,
) -> list[QueueRow]:
    """The rep's DUE page (`bands` must be counted for the same rep's scope)."""
    keys = open_zone_keys(now, settings) if open_keys is None else open_keys
    cut = new_lead_cut(now, settings)
    rows = due_rows(now, keys, offset, limit, cut, bands, scope_for(settings))
    return _rows(rows, DUE, now, settings, keys)


def later_rows(
    now: DateTime, settings: Settings, limit: int = 100, open_keys=None
) -> list[QueueRow]:
    keys = open_zone_keys(now, settings) if open_keys is None else open_keys
    where = _later_where(now, end_of_rep_day(now, settings), keys, scope_for(settings))
    # One query per tier walks the index in due order and stops at `limit`;
    # a single query across tiers would sort every later-today row first.
    per_tier = [
        Lead.select(*_COLUMNS)
        .where(where & (Lead.priority == tier))
        .order_by(Lead.next_due_at, Lead.id)
        .limit(limit)
        .tuples()
        for tier in TIER_NAMES
    ]
    merged = heapq.merge(*per_tier, key=lambda row: (row[4], row[0]))
    rows = _rows(list(itertools.islice(merged, limit)), LATER, now, settings, keys)
    return sorted(rows, key=lambda r: (r.opens_at or r.due_at, r.lead_id))


def later_count(now: DateTime, settings: Settings, open_keys: list[str]) -> int:
    end = end_of_rep_day(now, settings)
    return Lead.select().where(_later_where(now, end, open_keys, scope_for(settings))).count()


def counts(now: DateTime, settings: Settings, open_keys=None) -> QueueCounts:
    keys = open_zone_keys(now, settings) if open_keys is None else open_keys
    due = sum(band_counts(now, keys, new_lead_cut(now, settings), scope_for(settings)))
    return QueueCounts(due, later_count(now, settings, keys))


def whole_queue(now: DateTime, settings: Settings, limit: int) -> list[QueueRow]:
    """DUE then LATER, callable calls first: what `leaddesk due` prints."""
    keys = open_zone_keys(now, settings)
    due = due_page(now, settings, 0, limit, keys)
    calls = [r for r in due if r.callable]
    mail = [r for r in due if not r.callable]
    rows = calls + mail
    if len(rows) < limit:
        rows += later_rows(now, settings, limit - len(rows), keys)
    return rows[:limit]


def _promises(lead_ids: list[int]) -> dict[int, tuple[str, DateTime]]:
    if not lead_ids:
        return {}
    found: dict[int, tuple[str, DateTime]] = {}
    query = (
        Appointment.select(Appointment.lead, Appointment.kind, Appointment.at)
        .where(Appointment.lead.in_(lead_ids) & (Appointment.done == False))  # noqa: E712
        .order_by(Appointment.at)
        .tuples()
    )
    for lead_id, kind, at in query:
        found.setdefault(lead_id, (kind, at))
    return found


def _rows(
    rows: list[tuple], section: str, now: DateTime, settings: Settings, open_keys: list[str]
) -> list[QueueRow]:
    promise_ids = [r[0] for r in rows if r[3] == TIER_PROMISE]
    promises = _promises(promise_ids)
    open_set = set(open_keys)
    opening: dict[tuple[str, DateTime], DateTime] = {}
    result = []
    for (
        lead_id, name, company, priority, due_at, channel, zones_key,
        attempts, status, cadence, received_at, last_touch_at, step,
    ) in rows:  # fmt: skip
        zones = zones_of(zones_key)
        zone = zones_or_rep(zones, settings)[0]
        is_call = channel == "call"
        can_call = is_call and zones_key in open_set and due_at <= now
        opens_at = None
        if is_call and not can_call:
            start = max(due_at, now)
            # Overdue rows share `start == now`: one window search per zone set.
            key = (zones_key, start)
            if key not in opening:
                opening[key] = next_open(start, zones, settings)
            opens_at = opening[key] if opening[key] > start else None
        waited = minutes_between(received_at, now) if priority == TIER_NEW else None
        steps = len(settings.cadence(cadence).steps)
        reason = _reason(
            priority, status, channel, step, steps, due_at, now, zone, waited,
            promises.get(lead_id), last_touch_at, opens_at,
        )  # fmt: skip
        result.append(
            QueueRow(
                lead_id=lead_id,
                name=name,
                company=company,
                tier=TIER_NAMES[priority],
                section=section,
                due_at=due_at,
                channel=channel,
                callable=can_call,
                reason=reason,
                attempts=attempts,
                step=step,
                steps=steps,
                status=status,
                opens_at=opens_at,
                waited_minutes=waited,
                heat=waiting_heat(waited, settings) if waited is not None else "",
                zone=zone,
            )
        )
    return result


def _reason(
    priority: int,
    status: str,
    channel: str,
    step: int,
    steps: int,
    due_at: DateTime,
    now: DateTime,
    zone: str,
    waited: int | None,
    promise: tuple[str, DateTime] | None,
    last_touch_at: DateTime | None,
    opens_at: DateTime | None,
) -> str:
    """One line: why this lead is in the queue now."""
    late = minutes_between(due_at, now)
    when = when_local(due_at, zone, now)
    if priority == TIER_PROMISE:
        kind = promise[0] if promise else "callback"
        label = "promised callback" if kind == "callback" else "appointment"
        text = f"{label} {when}"
        text += f", {span_words(late)} overdue" if late > 0 else (", now" if late == 0 else "")
    elif priority == TIER_NEW:
        text = f"new lead, waiting {span_words(waited or 0)}"
    elif priority == TIER_NURTURE:
        if status == "won":
            text = "customer check-in"
        elif last_touch_at is not None:
            days = minutes_between(last_touch_at, now) // (24 * 60)
            text = f"nurture, {days} days since last touch"
        else:
            text = "nurture touch"
    elif status in ("engaged", "appointment"):
        text = f"follow-up after talking, due {'since ' if late > 0 else ''}{when}"
    else:
        what = "attempt" if channel == "call" else f"{channel} step"
        since = "since " if late > 0 else ""
        text = f"{what} {min(step + 1, steps)} of {steps}, due {since}{when}"
    if opens_at is not None:
        text += f" · window opens {when_local(opens_at, zone, now)} their time"
    return text


@dataclass(frozen=True)
class Place:
    """Where a lead is on the desk now: its DUE index, LATER TODAY, or neither."""

    section: str | None  # due | later | None
    index: int | None = None  # position in DUE (0 = top)


def locate(lead_id: int, now: DateTime, settings: Settings) -> Place:
    """Where `lead_id` is in the queue, so the desk can page to it (find, add).

    A DUE position is the rows of the segments above it plus the rows before
    it in its own segment: two counts over the `lead_queue` index.
    """
    keys = open_zone_keys(now, settings)
    row = (
        Lead.select(Lead.priority, Lead.next_due_at, Lead.id)
        .where((Lead.id == lead_id) & _due_where(now, keys))
        .tuples()
        .first()
    )
    if row is None:
        later = Lead.select(Lead.id).where(
            (Lead.id == lead_id) & _later_where(now, end_of_rep_day(now, settings), keys)
        )
        return Place(LATER if later.exists() else None)
    priority, due_at, _ = row
    cut = new_lead_cut(now, settings)
    segment = {TIER_PROMISE: 0, TIER_NEW: 1 if due_at >= cut else 2}.get(priority, priority + 1)
    db = database.obj
    before = (
        f'SELECT COUNT(*) FROM "lead" WHERE {_band_where_sql(db.param, len(keys), segment)}'
        f' AND ("next_due_at" < {db.param} OR ("next_due_at" = {db.param} AND "id" < {db.param}))'
    )
    params = [*_band_params(segment, now, keys, cut), to_ms(due_at), to_ms(due_at), lead_id]
    with db.atomic():
        above = sum(band_counts(now, keys, cut)[:segment])
        (within,) = db.execute_sql(before, params).fetchone()
    return Place(DUE, above + within)
