"""Where one lead is on the desk now (find, add): its DUE position, or LATER TODAY."""

from __future__ import annotations

from dataclasses import dataclass

from pendulum import DateTime

from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tiers import TIER_NEW, TIER_PROMISE
from leaddesk.core.reads.queue.due import band_counts, band_params, band_where_sql
from leaddesk.core.reads.queue.rows import DUE, LATER
from leaddesk.core.reads.queue.where import (
    due_where,
    end_of_rep_day,
    later_where,
    new_lead_cut,
    open_zone_keys,
    opening_today_keys,
)
from leaddesk.core.store.db import database, to_ms
from leaddesk.core.store.models import Lead


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
        .where((Lead.id == lead_id) & due_where(now, keys))
        .tuples()
        .first()
    )
    if row is None:
        later = Lead.select(Lead.id).where(
            (Lead.id == lead_id)
            & later_where(
                now, end_of_rep_day(now, settings), opening_today_keys(now, settings, keys)
            )
        )
        return Place(LATER if later.exists() else None)
    priority, due_at, _ = row
    cut = new_lead_cut(now, settings)
    segment = {TIER_PROMISE: 0, TIER_NEW: 1 if due_at >= cut else 2}.get(priority, priority + 1)
    db = database.obj
    before = (
        f'SELECT COUNT(*) FROM "lead" WHERE {band_where_sql(db.param, len(keys), segment)}'
        f' AND ("next_due_at" < {db.param} OR ("next_due_at" = {db.param} AND "id" < {db.param}))'
    )
    params = [*band_params(segment, now, keys, cut), to_ms(due_at), to_ms(due_at), lead_id]
    with db.atomic():
        above = sum(band_counts(now, keys, cut)[:segment])
        (within,) = db.execute_sql(before, params).fetchone()
    return Place(DUE, above + within)
