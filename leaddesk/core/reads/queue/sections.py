"""Both sections together: their counts and the whole queue `leaddesk due` prints
(where one lead is on the desk: `place.locate`)."""

from __future__ import annotations

from pendulum import DateTime

from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.queue.due import band_counts, due_page
from leaddesk.core.reads.queue.keys import (
    new_lead_cut,
    open_zone_keys,
    opening_today_keys,
    zone_set_keys,
)
from leaddesk.core.reads.queue.later import later_count, later_rows, tomorrow_count
from leaddesk.core.reads.queue.rows import COUNT_CAP, QueueCounts, QueueRow
from leaddesk.core.reads.scope import scope_for


def counts(
    now: DateTime, settings: Settings, open_keys: list[str] | None = None, cap: int = COUNT_CAP
) -> QueueCounts:
    """DUE, LATER and tomorrow, each counted up to `cap` rows (flat at any size)."""
    known = zone_set_keys()  # read once for the three sections
    keys = open_zone_keys(now, settings, known) if open_keys is None else open_keys
    cut, scope = new_lead_cut(now, settings), scope_for(settings)
    due = sum(band_counts(now, keys, cut, scope, cap=cap))
    opening = opening_today_keys(now, settings, keys, known)  # once for both
    return QueueCounts(
        due,
        later_count(now, settings, keys, cap=cap, opening=opening),
        tomorrow_count(now, settings, keys, cap=cap, opening=opening, known=known),
        cap=cap,
    )


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
