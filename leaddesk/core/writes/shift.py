"""The vacation shift: every queued lead's next contact moved by whole days,
one transaction, each lead's move undoable like any touch."""

from __future__ import annotations

import json
from dataclasses import dataclass

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tiers import TIER_PROMISE
from leaddesk.core.domain.windows import add_business_days, next_open, zones_or_rep
from leaddesk.core.reads.queue.rows import places_of, zones_of
from leaddesk.core.reads.scope import scope_for, scope_where
from leaddesk.core.store.db import atomic_write, to_ms, tuples
from leaddesk.core.store.models import Appointment, Lead, Touch
from leaddesk.core.writes.outcomes import SHIFTED
from leaddesk.core.writes.team import ensure_rep


@dataclass(frozen=True)
class ShiftResult:
    moved: int  # leads whose next due time moved
    days: int
    kept: int  # leads left alone: a promise (callback, appointment) is open


def shift_schedule(days: int, now: DateTime, settings: Settings) -> ShiftResult:
    """The vacation shift: every future due time `days` business days later — one
    transaction.

    Counts Monday–Friday on the lead's wall clock (a Friday 10:00 step moved one
    day is Monday 10:00 their time, across DST; observed holidays are skipped),
    then moves calls into the calling window. Promises are commitments made to a
    person: a lead with an open callback or appointment is left exactly as it
    is. Each moved lead gets a system touch in its history saying so; `undo`
    stops at a shift rather than reaching behind it.
    """
    if days < 1:
        raise InvalidInput(f"shift by at least one business day, not {days}")

    def write() -> ShiftResult:
        promised = Appointment.select(Appointment.lead).where(
            Appointment.done == False  # noqa: E712
        )
        future = (Lead.priority.is_null(False)) & (Lead.next_due_at > now)
        # Team mode: only the rep's own queue (theirs and, by default, the pool), and
        # not a lead a colleague is calling right now.
        future &= scope_where(scope_for(settings), now, handoffs=False)
        kept = Lead.select().where(future & Lead.id.in_(promised)).count()
        rows = Lead.select(Lead.id, Lead.next_due_at, Lead.next_channel, Lead.call_zones).where(
            future & (Lead.priority != TIER_PROMISE) & Lead.id.not_in(promised)
        )
        unit = "business day" if days == 1 else "business days"
        rep = ensure_rep(settings.rep_name)
        history = []
        for lead_id, due_at, channel, zones_key in list(tuples(rows)):
            zones = zones_of(zones_key)
            zone = zones_or_rep(zones, settings)[0]
            later = add_business_days(due_at, days, zone, settings.holidays)
            if channel == "call":
                rules = settings.compliance.book.for_places(places_of(zones_key))
                later = next_open(later, zones, settings, rules=rules)
            Lead.update(next_due_at=later, updated_at=now).where(Lead.id == lead_id).execute()
            history.append(
                {
                    "lead": lead_id,
                    "at": now,
                    "channel": "system",
                    "outcome": SHIFTED,
                    "note": f"schedule shifted {days} {unit}",
                    "rep": rep,
                    "scheduled_due_at": later,
                    "scheduled_channel": channel,
                    "before": json.dumps({"lead": {"next_due_at": to_ms(due_at)}}),
                }
            )
        for chunk in pw.chunked(history, 500):
            Touch.insert_many(chunk).execute()
        return ShiftResult(moved=len(history), days=days, kept=kept)

    return atomic_write(write)


# --- editing a lead, notes ---------------------------------------------------------
