"""The LATER TODAY section: calls whose window opens later today and work due later today.

Calls whose window stays closed past the rep's midnight are tomorrow's: counted
(`tomorrow_count`), not listed.
"""

from __future__ import annotations

import heapq
import itertools
from typing import Any

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tiers import TIER_NAMES
from leaddesk.core.reads.queue.rows import LATER, QueueRow, queue_rows
from leaddesk.core.reads.queue.where import (
    COLUMNS,
    end_of_rep_day,
    open_zone_keys,
    opening_today_keys,
    shut_today_keys,
)
from leaddesk.core.reads.scope import scope_for, scope_where
from leaddesk.core.store.db import tuples
from leaddesk.core.store.models import Lead

# The queued calls of a few window keys, as `lead_zone_queue` (migration 0019) holds
# them: its WHERE written out, so both engines see the index's own predicate.
_ZONE_CALLS = pw.SQL("\"next_channel\" = 'call'")


def _zone_calls(keys: list[str], now: DateTime) -> pw.Expression:
    """Calls due by now whose window key is one of `keys` (a few: read by key)."""
    return (
        Lead.priority.is_null(False)
        & _ZONE_CALLS
        & Lead.call_zones.in_(keys)
        & Lead.priority.in_(list(TIER_NAMES))
        & (Lead.next_due_at <= now)
    )


def _upcoming(now: DateTime, end: DateTime) -> pw.Expression:
    """Anything due after now and before the rep's midnight: a range per tier."""
    return (
        Lead.priority.is_null(False)
        & Lead.priority.in_(list(TIER_NAMES))
        & (Lead.next_due_at > now)
        & (Lead.next_due_at < end)
    )


def _arms(
    now: DateTime, settings: Settings, open_keys: list[str], opening: list[str] | None
) -> list[pw.Expression]:
    """LATER TODAY (`where.later_where`) as its two disjoint arms, each read off an index
    range: the due calls whose window opens later today (none when no window opens),
    then the work due later today. One OR would walk every due lead to find them."""
    if opening is None:
        opening = opening_today_keys(now, settings, open_keys)
    scope = scope_where(scope_for(settings), now, handoffs=False)
    upcoming = _upcoming(now, end_of_rep_day(now, settings)) & scope
    return [_zone_calls(opening, now) & scope, upcoming] if opening else [upcoming]


def later_rows(
    now: DateTime,
    settings: Settings,
    limit: int = 100,
    open_keys: list[str] | None = None,
    opening: list[str] | None = None,
) -> list[QueueRow]:
    """`opening`: `opening_today_keys` when the caller has it (computed otherwise)."""
    keys = open_zone_keys(now, settings) if open_keys is None else open_keys
    arms = _arms(now, settings, keys, opening)
    # Per tier, each arm walks its index in due order and stops at `limit`; the due
    # calls come before the work due later, so a tier's rows are one arm then the other.
    # A single query across tiers would sort every later-today row first.
    per_tier = []
    for tier in TIER_NAMES:
        rows: list[tuple[Any, ...]] = []
        for arm in arms:
            if len(rows) < limit:
                # The ids first, off the index alone: the calls of a few window keys come
                # key by key and are sorted, and a sort of whole rows would look up every
                # one of them (thousands at 1M leads) for the `limit` kept.
                ids = (
                    Lead.select(Lead.id)
                    .where(arm & (Lead.priority == tier))
                    .order_by(Lead.next_due_at, Lead.id)
                    .limit(limit - len(rows))
                )
                query = Lead.select(*COLUMNS).where(Lead.id.in_(ids))
                rows += tuples(query.order_by(Lead.next_due_at, Lead.id))
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
    """LATER TODAY's rows; with `cap`, at most `cap` are counted ("cap or more")."""
    counted = 0
    for arm in _arms(now, settings, open_keys, opening):
        left = None if cap is None else cap - counted
        if left is not None and left <= 0:
            break
        counted += _counted(Lead.select(pw.SQL("1")).where(arm), left)
    return counted


def tomorrow_count(
    now: DateTime,
    settings: Settings,
    open_keys: list[str],
    cap: int | None = None,
    opening: list[str] | None = None,
) -> int:
    """Calls due whose window does not open again before the rep's midnight
    (`where.tomorrow_where`, read by window key)."""
    if opening is None:
        opening = opening_today_keys(now, settings, open_keys)
    shut = shut_today_keys(open_keys, opening)
    if not shut:  # every window opens today (most of a work day): nothing to count
        return 0
    where = _zone_calls(shut, now) & scope_where(scope_for(settings), now, handoffs=False)
    return _counted(Lead.select(pw.SQL("1")).where(where), cap)


def _counted(query: pw.Select, cap: int | None) -> int:
    # With a LIMIT, peewee counts over a subquery: the scan stops at `cap` rows.
    count: int = (query if cap is None else query.limit(cap)).count()
    return count
