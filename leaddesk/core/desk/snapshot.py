"""Everything the desk shows at once, read in one call (one DB round trip).

The UI asks for a snapshot after each keystroke and on a timer; the queue is
paged so only the rows near the cursor are ever loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.errors import NotFound
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tz import tz
from leaddesk.core.domain.windows import zones_or_rep
from leaddesk.core.reads.leads import LeadView, lead_count, lead_view
from leaddesk.core.reads.queue.due import band_counts, due_page
from leaddesk.core.reads.queue.later import later_count, later_rows, tomorrow_count
from leaddesk.core.reads.queue.rows import COUNT_CAP, QueueRow, zones_of
from leaddesk.core.reads.queue.where import (
    new_lead_cut,
    open_zone_keys,
    opening_today_keys,
    zone_set_keys,
)
from leaddesk.core.reads.scope import scope_for
from leaddesk.core.reads.stats.tallies import CONNECT_OUTCOMES
from leaddesk.core.reads.suppressions import scrub_warning
from leaddesk.core.store.db import tuples
from leaddesk.core.store.models import Appointment, Lead, Rep, Touch
from leaddesk.core.writes.sessions import SessionView, current_session


@dataclass(frozen=True)
class DayCounts:
    dials: int
    connects: int
    appointments: int


@dataclass(frozen=True)
class StartingSoon:
    """An appointment about to start: the desk announces it once."""

    appointment_id: int
    lead_id: int
    name: str
    at: DateTime
    zone: str  # the lead's zone (or the rep's)


@dataclass(frozen=True)
class DeskExtras:
    """The slower parts of the desk, refreshed after each keystroke, not on it."""

    total_leads: int  # counted up to COUNT_CAP, like the sections: the desk asks "any?"
    later_count: int
    later: tuple[QueueRow, ...]
    today: DayCounts
    starting_soon: tuple[StartingSoon, ...] = ()
    session: SessionView | None = None  # the running call session, with its numbers
    tomorrow_count: int = 0  # calls due whose window opens only after the rep's midnight
    # "registry scrub 40 days old (over 31)" when the do-not-call scrub is stale (issue 13).
    stale_scrub: str = ""
    # LATER and tomorrow are counted up to COUNT_CAP rows: True = that many or more.
    later_capped: bool = False
    tomorrow_capped: bool = False


@dataclass(frozen=True)
class DeskSnapshot:
    now: DateTime
    due_count: int
    offset: int  # index of `due[0]` in the DUE section
    due: tuple[QueueRow, ...]
    extras: DeskExtras | None  # None when only the DUE page was asked for
    lead: LeadView | None = None  # the lead asked for, read in the same call
    # DUE is counted up to COUNT_CAP rows, or past the page asked for: True = `due_count`
    # rows or more (the desk says "1,000+"; paging deeper counts further).
    due_capped: bool = False


def day_counts(now: DateTime, settings: Settings) -> DayCounts:
    """This rep's dials, connects and appointments set today (the rep's day).

    One pass over the covering index touch(rep, at, channel, outcome).
    """
    start = now.in_timezone(tz(settings.rep_timezone)).start_of("day")
    rep = Rep.get_or_none(Rep.name == settings.rep_name)
    if rep is None:
        return DayCounts(0, 0, 0)
    is_call = Touch.channel == "call"

    def tally(condition: pw.Expression) -> pw.Function:
        return pw.fn.SUM(pw.Case(None, [(condition, 1)], 0))

    # An aggregate without GROUP BY: always exactly one row.
    dials, connects, appointments = next(
        tuples(
            Touch.select(
                tally(is_call),
                tally(is_call & Touch.outcome.in_(CONNECT_OUTCOMES)),
                tally(Touch.outcome == "appointment"),
            ).where((Touch.rep == rep.id) & (Touch.at >= start))
        )
    )
    return DayCounts(int(dials or 0), int(connects or 0), int(appointments or 0))


def desk_snapshot(
    now: DateTime,
    settings: Settings,
    offset: int,
    limit: int,
    *,
    full: bool = True,
    later_limit: int = 100,
    focus: int | None = None,
    avoid_lead: int | None = None,
    lead_id: int | None = None,
    count_cap: int | None = None,
) -> DeskSnapshot:
    """The DUE page at `offset`; with `full`, also LATER, today's counts, totals.

    `lead_id`, or the lead at DUE index `focus` (skipping `avoid_lead`), is read
    too, so the desk can show the next lead without a second round trip.

    The keystroke path asks for the page only (a few ms at 100k leads) and
    fetches the rest right after, so the next lead appears first.
    """
    known = zone_set_keys()  # read once: the open keys now, LATER's and tomorrow's
    keys = open_zone_keys(now, settings, known)
    # One row past the page, so the queue knows there is more below it to page to.
    count_cap = COUNT_CAP if count_cap is None else count_cap
    cap = max(count_cap, offset + limit + 1)
    bands = band_counts(now, keys, new_lead_cut(now, settings), scope_for(settings), cap=cap)
    total_due = sum(bands)
    offset = max(0, min(offset, max(total_due - 1, 0)))
    due = tuple(due_page(now, settings, offset, limit, keys, bands))
    extras = desk_extras(now, settings, later_limit, keys, count_cap, known) if full else None
    if lead_id is None and focus is not None:
        lead_id = _lead_at(due, focus - offset, avoid_lead)
    lead = None
    if lead_id is not None:
        try:
            lead = lead_view(lead_id, now, settings, touches=100)
        except NotFound:
            lead = None
    return DeskSnapshot(
        now=now,
        due_count=total_due,
        offset=offset,
        due=due,
        extras=extras,
        lead=lead,
        due_capped=total_due >= cap,
    )


def _lead_at(rows: tuple[QueueRow, ...], index: int, avoid_lead: int | None) -> int | None:
    """The lead at `index` of the page — the next one if that is `avoid_lead`."""
    if not rows:
        return None
    index = max(0, min(index, len(rows) - 1))
    if rows[index].lead_id == avoid_lead and index + 1 < len(rows):
        index += 1
    return rows[index].lead_id


def desk_extras(
    now: DateTime,
    settings: Settings,
    later_limit: int = 100,
    open_keys: list[str] | None = None,
    count_cap: int | None = None,
    known: list[str] | None = None,
) -> DeskExtras:
    """LATER, the counts and totals beside the DUE page. `known`: `zone_set_keys()`
    when the caller has read them (else read here, once)."""
    known = zone_set_keys() if known is None else known
    keys = open_zone_keys(now, settings, known) if open_keys is None else open_keys
    count_cap = COUNT_CAP if count_cap is None else count_cap
    opening = opening_today_keys(now, settings, keys, known)  # once for LATER's three reads
    later = later_count(now, settings, keys, cap=count_cap, opening=opening)
    tomorrow = tomorrow_count(now, settings, keys, cap=count_cap, opening=opening, known=known)
    return DeskExtras(
        total_leads=lead_count(cap=count_cap),
        later_count=later,
        later=tuple(later_rows(now, settings, later_limit, keys, opening)),
        today=day_counts(now, settings),
        starting_soon=starting_soon(now, settings),
        session=current_session(now, settings),
        tomorrow_count=tomorrow,
        stale_scrub=scrub_warning(now),
        later_capped=later >= count_cap,
        tomorrow_capped=tomorrow >= count_cap,
    )


def starting_soon(now: DateTime, settings: Settings) -> tuple[StartingSoon, ...]:
    """Open appointments starting within the notice period (or just started)."""
    notice = settings.rules.appointment_notice_minutes
    query = (
        Appointment.select(Appointment.id, Lead.id, Lead.name, Appointment.at, Lead.call_zones)
        .join(Lead)
        .where(
            (Appointment.done == False)  # noqa: E712
            & (Appointment.kind == "appointment")
            & (Appointment.at >= now.subtract(minutes=notice))
            & (Appointment.at <= now.add(minutes=notice))
        )
        .order_by(Appointment.at)
    )
    return tuple(
        StartingSoon(appointment_id, lead_id, name, at, zones_or_rep(zones_of(zones), settings)[0])
        for appointment_id, lead_id, name, at, zones in tuples(query)
    )
