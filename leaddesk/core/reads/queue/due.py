"""The DUE page: what is actionable now, ranked, read one page at a time.

Everything actionable now (calls inside the lead's calling window, email and
letter steps), ranked promise > new > cadence > nurture and most overdue first.
Each page is one indexed query per band the page overlaps, read with the band
counts in one snapshot where the engine gives one (`one_snapshot`).
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from functools import lru_cache
from typing import Any

from pendulum import DateTime

from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.queue.keys import converted as _converted
from leaddesk.core.reads.queue.keys import new_lead_cut, open_zone_keys
from leaddesk.core.reads.queue.rows import DUE, QueueRow, queue_rows
from leaddesk.core.reads.scope import Scope, scope_for, scope_params, scope_sql
from leaddesk.core.store.sql import Connection, current, is_sqlite_param, to_ms

# The DUE order is tier by tier, most overdue first, except that new leads
# received inside the last hour (speed to lead: still hot) come before older
# never-touched leads. Four bands, each one range of the `lead_queue` index:
#   0 promises · 1 new, due since the cut · 2 new, due before it · 3 cadence, nurture
# Each band reads at most offset + limit rows in index order (a subquery with
# its own LIMIT), and UNION ALL + ORDER BY band, … puts them together: the sort
# is over at most 4 × (offset + limit) rows, never over all due leads. Rows
# carry the band as a 15th column.
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
    ' "attempts", "status", "cadence", "received_at", "last_touch_at", "cadence_step",'
    ' "owner_id" FROM "lead"'
    ' WHERE {where} ORDER BY "priority", "next_due_at", "id" LIMIT {p} OFFSET {p}'
)


# The open window keys number a few hundred in a store with leads all over the map
# (253 in the 1M-lead demo, 117 at 1k). Written as an IN list of that many values,
# PostgreSQL plans each statement in time linear in them (0.16 ms with 1 key, 0.45 ms
# with 128, 0.78 ms with 253, measured on the 1M demo; execution is ~0.05 ms), as its
# selectivity estimate weighs every value against the column's statistics: a fixed
# cost per statement that grew with the data. As one array parameter read by a
# subquery, PostgreSQL plans it as a hashed subplan (0.24 ms, whatever the count)
# and probes the hash per row. sqlite3 binds no lists, and SQLite plans an IN list
# in microseconds: it keeps one parameter per key.
def keys_as_array(param: str) -> bool:
    """Whether the open window keys are bound as one array (psycopg2's `%s` style)."""
    return param == "%s"


def _open_keys_sql(param: str, open_count: int) -> str:
    if keys_as_array(param):
        return f"(SELECT unnest({param}::text[]))"
    return "(" + ", ".join([param] * open_count) + ")"


def open_keys_params(open_keys: list[str], param: str | None = None) -> list[Any]:
    """The parameters `_open_keys_sql` takes for `open_keys` (none when none is open)."""
    if not open_keys:
        return []
    return [list(open_keys)] if keys_as_array(param or current().param) else list(open_keys)


def band_where_sql(param: str, open_count: int, band: int, queue: str | None = None) -> str:
    callable_now = ""
    if open_count:
        keys = _open_keys_sql(param, open_count)
        callable_now = f'("next_channel" = \'call\' AND "call_zones" IN {keys}) OR'
    bounds = _SEGMENTS[band].format(p=param)
    scope = scope_sql(param, queue) if queue is not None else ""
    return _DUE_WHERE.format(p=param, callable=callable_now, bounds=bounds, scope=scope)


@lru_cache(maxsize=256)
def _band_page_sql(param: str, open_count: int, band: int, queue: str | None = None) -> str:
    return _BAND_PAGE.format(where=band_where_sql(param, open_count, band, queue), p=param)


@lru_cache(maxsize=64)
def _band_count_sql(param: str, open_count: int, queue: str | None = None) -> str:
    def count(band: int) -> str:
        return f'SELECT COUNT(*) FROM "lead" WHERE {band_where_sql(param, open_count, band, queue)}'

    return "SELECT " + ", ".join(f"({count(band)})" for band in range(len(_SEGMENTS)))


@lru_cache(maxsize=256)
def segment_count_sql(param: str, open_count: int, band: int, queue: str | None = None) -> str:
    """One segment's count, stopped at its LIMIT (the last parameter): it costs the
    rows counted, not the rows due."""
    where = band_where_sql(param, open_count, band, queue)
    return f'SELECT COUNT(*) FROM (SELECT 1 FROM "lead" WHERE {where} LIMIT {param}) AS "c"'


def band_params(
    band: int, now: DateTime, open_keys: list[str], cut: DateTime, scope: Scope | None = None
) -> list[Any]:
    cut_ms = [to_ms(cut)] if band in _CUT_SEGMENTS else []
    params: list[Any] = [to_ms(now), *open_keys_params(open_keys), *cut_ms]
    if scope is not None:
        params += scope_params(scope, now)
    return params


def one_snapshot(db: Connection) -> AbstractContextManager[Any]:
    """A read transaction where it makes the statements inside it read one snapshot.

    On SQLite it does. PostgreSQL, as peewee runs it (READ COMMITTED, its default),
    takes a new snapshot per statement inside a transaction too ("each command starts
    with a new snapshot": PostgreSQL docs, Transaction Isolation, Read Committed
    Isolation Level), so there a BEGIN and a COMMIT would only add two round trips
    to every page and count. A read already inside a transaction needs no savepoint.
    """
    if is_sqlite_param(db) and not db.in_transaction():
        return db.atomic()
    return nullcontext()


def band_counts(
    now: DateTime,
    open_keys: list[str],
    cut: DateTime,
    scope: Scope | None = None,
    cap: int | None = None,
) -> tuple[int, ...]:
    """How many DUE rows each segment holds (their sum is the DUE count).

    Without `cap`: one statement, every segment counted in full. With `cap`, the
    segments are counted in DUE order, each only up to what is left of `cap`, and
    once it is reached the rest are not read: exact below `cap`, "cap or more" at
    it. The rows read are at most `cap`, however many are due — at 1M leads the
    promises alone fill the cap, and the four other segments cost nothing.
    """
    db = current()
    queue = scope.queue if scope is not None else None
    if cap is None:
        params: list[Any] = []
        for band in range(len(_SEGMENTS)):
            params += band_params(band, now, open_keys, cut, scope)
        sql = _band_count_sql(db.param, len(open_keys), queue)
        return tuple(db.execute_sql(sql, params).fetchone())
    kept: list[int] = []
    left = cap
    with one_snapshot(db):
        for band in range(len(_SEGMENTS)):
            if left <= 0:
                kept.append(0)
                continue
            sql = segment_count_sql(db.param, len(open_keys), band, queue)
            params = [*band_params(band, now, open_keys, cut, scope), left]
            (found,) = db.execute_sql(sql, params).fetchone()
            kept.append(found)
            left -= found
    return tuple(kept)


def due_statements(
    param: str,
    now: DateTime,
    open_keys: list[str],
    cut: DateTime,
    offset: int,
    limit: int,
    bands: tuple[int, ...],
    scope: Scope | None = None,
) -> list[tuple[str, list[Any]]]:
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
            params = [*band_params(band, now, open_keys, cut, scope), take, local]
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
) -> list[tuple[Any, ...]]:
    """The DUE page as tuples (`keys.COLUMN_NAMES`), in `where.due_query` order.

    The hottest read (every keystroke), so its SQL is written out rather than
    compiled by peewee on each call; it is plain SQL both engines accept, sent
    through the open connection (store/sql.current), checked row for row against
    `where.due_query` in
    tests/core/reads/test_queue.py. `bands` (from `band_counts`, counted at least up
    to `offset + limit`) saves a count when the caller has it; counts and rows are read
    in `one_snapshot`.
    """
    db = current()
    with one_snapshot(db):
        if bands is None:  # the page needs to know only the segments up to its end
            bands = band_counts(now, open_keys, cut, scope, cap=offset + limit)
        rows = []
        pages = due_statements(db.param, now, open_keys, cut, offset, limit, bands, scope)
        for sql, params in pages:
            rows += db.execute_sql(sql, params).fetchall()
    return [_converted(row) for row in rows]


def due_page(
    now: DateTime,
    settings: Settings,
    offset: int = 0,
    limit: int = 50,
    open_keys: list[str] | None = None,
    bands: tuple[int, ...] | None = None,
) -> list[QueueRow]:
    """The rep's DUE page (`bands` must be counted for the same rep's scope)."""
    keys = open_zone_keys(now, settings) if open_keys is None else open_keys
    cut = new_lead_cut(now, settings)
    rows = due_rows(now, keys, offset, limit, cut, bands, scope_for(settings))
    return queue_rows(rows, DUE, now, settings, keys)
