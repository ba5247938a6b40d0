"""Everything the desk shows at once, read in one call (one DB round trip).

The UI asks for a snapshot after each keystroke and on a timer; the queue is
paged so only the rows near the cursor are ever loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw
from pendulum import DateTime

from leaddesk.core.leads import LeadView, lead_count, lead_view
from leaddesk.core.models import Appointment, Touch
from leaddesk.core.queue import QueueCounts, QueueRow, counts, due_page, later_rows, open_zone_keys
from leaddesk.core.settings import Settings
from leaddesk.core.tz import tz

CONNECT_OUTCOMES = ("connected", "callback", "appointment", "not-interested", "dnc", "won")


@dataclass(frozen=True)
class DayCounts:
    dials: int
    connects: int
    appointments: int


@dataclass(frozen=True)
class DeskSnapshot:
    now: DateTime
    total_leads: int
    counts: QueueCounts
    offset: int  # index of `due[0]` in the DUE section
    due: tuple[QueueRow, ...]
    later: tuple[QueueRow, ...]
    today: DayCounts
    lead: LeadView | None  # the selected lead, if asked for


def day_counts(now: DateTime, settings: Settings) -> DayCounts:
    """Today's dials, connects and appointments set, in the rep's day."""
    start = now.in_timezone(tz(settings.rep_timezone)).start_of("day")
    calls = (
        Touch.select(
            pw.fn.COUNT(Touch.id),
            pw.fn.SUM(pw.Case(None, [(Touch.outcome.in_(CONNECT_OUTCOMES), 1)], 0)),
        )
        .where((Touch.at >= start) & (Touch.channel == "call"))
        .tuples()
        .get()
    )
    appointments = (
        Appointment.select()
        .where((Appointment.created_at >= start) & (Appointment.kind == "appointment"))
        .count()
    )
    return DayCounts(int(calls[0] or 0), int(calls[1] or 0), appointments)


def desk_snapshot(
    now: DateTime,
    settings: Settings,
    offset: int,
    limit: int,
    lead_id: int | None = None,
    later_limit: int = 100,
) -> DeskSnapshot:
    keys = open_zone_keys(now, settings)
    queue_counts = counts(now, settings, keys)
    offset = max(0, min(offset, max(queue_counts.due - 1, 0)))
    due = tuple(due_page(now, settings, offset, limit, keys))
    later = tuple(later_rows(now, settings, later_limit, keys))
    view = _view_or_none(lead_id, now, settings)
    return DeskSnapshot(
        now=now,
        total_leads=lead_count(),
        counts=queue_counts,
        offset=offset,
        due=due,
        later=later,
        today=day_counts(now, settings),
        lead=view,
    )


def _view_or_none(lead_id: int | None, now: DateTime, settings: Settings) -> LeadView | None:
    if lead_id is None:
        return None
    from leaddesk.core.errors import NotFound

    try:
        return lead_view(lead_id, now, settings, touches=100)
    except NotFound:
        return None
