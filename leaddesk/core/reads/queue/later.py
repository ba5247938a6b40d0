"""The LATER TODAY section: calls whose window opens later today and work due later today.

Calls whose window stays closed past the rep's midnight are tomorrow's: counted
(`tomorrow_count`), not listed.
"""

from __future__ import annotations

import heapq
import itertools

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tiers import TIER_NAMES
from leaddesk.core.reads.queue.rows import LATER, QueueRow, queue_rows
from leaddesk.core.reads.queue.where import (
    COLUMNS,
    end_of_rep_day,
    later_where,
    open_zone_keys,
    opening_today_keys,
    shut_today_keys,
    tomorrow_where,
)
from leaddesk.core.reads.scope import scope_for
from leaddesk.core.store.db import tuples
from leaddesk.core.store.models import Lead


def later_rows(
    now: DateTime, settings: Settings, limit: int = 100, open_keys: list[str] | None = None
) -> list[QueueRow]:
    keys = open_zone_keys(now, settings) if open_keys is None else open_keys
    opening = opening_today_keys(now, settings, keys)
    where = later_where(now, end_of_rep_day(now, settings), opening, scope_for(settings))
    # One query per tier walks the index in due order and stops at `limit`;
    # a single query across tiers would sort every later-today row first.
    per_tier = [
        tuples(
            Lead.select(*COLUMNS)
            .where(where & (Lead.priority == tier))
            .order_by(Lead.next_due_at, Lead.id)
            .limit(limit)
        )
        for tier in TIER_NAMES
    ]
    merged = heapq.merge(*per_tier, key=lambda row: (row[4], row[0]))
    rows = queue_rows(list(itertools.islice(merged, limit)), LATER, now, settings, keys)
    return sorted(rows, key=lambda r: (r.opens_at or r.due_at, r.lead_id))


def later_count(
    now: DateTime, settings: Settings, open_keys: list[str], cap: int | None = None
) -> int:
    """LATER TODAY's rows; with `cap`, at most `cap` are counted ("cap or more")."""
    end = end_of_rep_day(now, settings)
    opening = opening_today_keys(now, settings, open_keys)
    query = Lead.select().where(later_where(now, end, opening, scope_for(settings)))
    return _counted(query, cap)


def tomorrow_count(
    now: DateTime, settings: Settings, open_keys: list[str], cap: int | None = None
) -> int:
    """Calls due whose window does not open again before the rep's midnight."""
    shut = shut_today_keys(open_keys, opening_today_keys(now, settings, open_keys))
    if not shut:  # every window opens today (most of a work day): nothing to count
        return 0
    return _counted(Lead.select().where(tomorrow_where(now, shut, scope_for(settings))), cap)


def _counted(query: pw.Select, cap: int | None) -> int:
    # With a LIMIT, peewee counts over a subquery: the scan stops at `cap` rows.
    count: int = (query if cap is None else query.limit(cap)).count()
    return count
