"""The LATER TODAY section: calls whose window opens later today and work due later today.

Calls whose window stays closed past the rep's midnight are tomorrow's: counted
(`tomorrow_count`), not listed.
"""

from __future__ import annotations

import heapq
import itertools
from typing import Any

from pendulum import DateTime

from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tiers import TIER_NAMES
from leaddesk.core.reads.queue.keys import (
    COLUMNS_SQL,
    converted,
    end_of_rep_day,
    open_zone_keys,
    opening_today_keys,
    shut_today_keys,
    zone_set_keys,
)
from leaddesk.core.reads.queue.rows import LATER, QueueRow, queue_rows
from leaddesk.core.reads.scope import own_scope_params, own_scope_sql, scope_for
from leaddesk.core.store.sql import current, to_ms

# The due calls of a few window keys, key by key off `lead_zone_queue` (migration 0019):
# the keys as a VALUES list CROSS JOINed to the lead (SQLite takes a CROSS JOIN's
# tables in the order written), so each key is one seek whatever the statistics say;
# an IN list let SQLite walk every due lead in `lead_queue` instead (30 ms at 1M).
# The index's own WHERE is written out, as both engines must see it.
_ZONE_CALLS = (
    'FROM (VALUES {keys}) AS "k" CROSS JOIN "lead"'
    ' WHERE "call_zones" = "k"."column1" AND "priority" IS NOT NULL'
    ' AND "next_channel" = \'call\' AND "priority" IN ({tiers})'
    ' AND "next_due_at" <= {p}{tier}{scope}'
)


def _zone_calls(
    keys: list[str], now: DateTime, settings: Settings, tier: int | None = None
) -> tuple[str, list[Any]]:
    """FROM … WHERE for the calls due by now whose window key is one of `keys` (the
    rep's own: `scope_where(…, handoffs=False)`), of one tier if given."""
    param, scope = current().param, scope_for(settings)
    sql = _ZONE_CALLS.format(
        keys=", ".join([f"({param})"] * len(keys)),
        tiers=", ".join(str(t) for t in TIER_NAMES),
        p=param,
        tier=f' AND "priority" = {param}' if tier is not None else "",
        scope=own_scope_sql(param, scope.queue),
    )
    params = [*keys, to_ms(now), *([tier] if tier is not None else [])]
    return sql, params + own_scope_params(scope, now)


def _zone_count(keys: list[str], now: DateTime, settings: Settings, cap: int | None) -> int:
    if not keys:
        return 0
    db = current()
    where, params = _zone_calls(keys, now, settings)
    limit = f" LIMIT {db.param}" if cap is not None else ""
    sql = f'SELECT COUNT(*) FROM (SELECT 1 {where}{limit}) AS "c"'
    count: int = db.execute_sql(sql, params + ([cap] if cap is not None else [])).fetchone()[0]
    return count


# The rep's own work due after now and before their midnight: a range per tier.
_UPCOMING = (
    '"priority" IS NOT NULL AND "priority" IN ({tiers})'
    ' AND "next_due_at" > {p} AND "next_due_at" < {p}{scope}'
)


def _upcoming(now: DateTime, settings: Settings) -> tuple[str, list[Any]]:
    """WHERE for the rep's own work (`scope_where(…, handoffs=False)`) due after now and
    before their midnight, and its parameters."""
    param, scope = current().param, scope_for(settings)
    sql = _UPCOMING.format(
        tiers=", ".join(str(t) for t in TIER_NAMES),
        p=param,
        scope=own_scope_sql(param, scope.queue),
    )
    bounds = [to_ms(now), to_ms(end_of_rep_day(now, settings))]
    return sql, bounds + own_scope_params(scope, now)


def _rows(ids_sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Whole rows for the ids kept, in due order: the ids are found off the index alone,
    so a sort never looks up rows it then drops (thousands at 1M leads)."""
    sql = f'SELECT {COLUMNS_SQL} FROM "lead" WHERE "lead"."id" IN ({ids_sql})'
    sql += ' ORDER BY "lead"."next_due_at", "lead"."id"'
    return [converted(row) for row in current().execute_sql(sql, params).fetchall()]


def later_rows(
    now: DateTime,
    settings: Settings,
    limit: int = 100,
    open_keys: list[str] | None = None,
    opening: list[str] | None = None,
) -> list[QueueRow]:
    """LATER TODAY (`where.later_where`), at most `limit` rows. `opening`:
    `opening_today_keys` when the caller has it (computed otherwise)."""
    keys = open_zone_keys(now, settings) if open_keys is None else open_keys
    if opening is None:
        opening = opening_today_keys(now, settings, keys)
    param = current().param
    # Per tier, two disjoint arms in due order: the due calls whose window opens later
    # today (all due by now), then the work due later today, each stopping at `limit`.
    # One OR across them would walk every due lead; one query across tiers would sort
    # every later-today row first.
    per_tier = []
    for tier in TIER_NAMES:
        rows: list[tuple[Any, ...]] = []
        if opening:
            where, params = _zone_calls(opening, now, settings, tier)
            order = f' ORDER BY "next_due_at", "lead"."id" LIMIT {param}'
            rows += _rows(f'SELECT "lead"."id" {where}{order}', [*params, limit])
        if len(rows) < limit:
            upcoming, params = _upcoming(now, settings)
            ids = f'SELECT "id" FROM "lead" WHERE {upcoming} AND "priority" = {param}'
            ids += f' ORDER BY "next_due_at", "id" LIMIT {param}'
            rows += _rows(ids, [*params, tier, limit - len(rows)])
        per_tier.append(rows)
    merged = heapq.merge(*per_tier, key=lambda row: (row[4], row[0]))
    found = queue_rows(list(itertools.islice(merged, limit)), LATER, now, settings, keys)
    return sorted(found, key=lambda r: (r.opens_at or r.due_at, r.lead_id))


def later_count(
    now: DateTime,
    settings: Settings,
    open_keys: list[str],
    cap: int | None = None,
    opening: list[str] | None = None,
) -> int:
    """LATER TODAY's rows; with `cap`, at most `cap` are counted ("cap or more"):
    the calls whose window opens later today, then the work due later today."""
    if opening is None:
        opening = opening_today_keys(now, settings, open_keys)
    counted = _zone_count(opening, now, settings, cap)
    if cap is not None and counted >= cap:
        return cap
    left = None if cap is None else cap - counted
    return counted + _counted(*_upcoming(now, settings), left)


def tomorrow_count(
    now: DateTime,
    settings: Settings,
    open_keys: list[str],
    cap: int | None = None,
    opening: list[str] | None = None,
    known: list[str] | None = None,
) -> int:
    """Calls due whose window does not open again before the rep's midnight
    (`where.tomorrow_where`, read by window key). `known`: `zone_set_keys()`."""
    if known is None:
        known = zone_set_keys()
    if opening is None:
        opening = opening_today_keys(now, settings, open_keys, known)
    # none shut (most of a work day): nothing to count, no query
    return _zone_count(shut_today_keys(open_keys, opening, known), now, settings, cap)


def _counted(where: str, params: list[Any], cap: int | None) -> int:
    """The leads matching `where`; with `cap`, counted over a subquery whose scan stops
    at `cap` rows."""
    db = current()
    if cap is None:
        sql = f'SELECT COUNT(*) FROM "lead" WHERE {where}'
    else:
        sql = f'SELECT COUNT(*) FROM (SELECT 1 FROM "lead" WHERE {where} LIMIT {db.param}) AS "c"'
        params = [*params, cap]
    count: int = db.execute_sql(sql, params).fetchone()[0]
    return count
