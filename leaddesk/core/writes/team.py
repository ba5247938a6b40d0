"""Team mode: reps, owners and the pool, claims, reassigning, a cheap change check.

Several reps share one database (PostgreSQL, or one SQLite file). Each lead has
an owner or sits in the pool (owner NULL); a rep's queue is their own leads plus
the pool (`[team] queue`). Selecting a lead to call claims it for a few minutes
with one conditional UPDATE, so two reps never get the same lead at once; the
claim ends with an outcome, by moving on, by `release`, or by expiry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput, NotFound
from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.scope import known_rep
from leaddesk.core.reads.scope_where import rep_by_name
from leaddesk.core.store.db import atomic_write, database, from_ms, to_ms, tuples
from leaddesk.core.store.models import Lead, Rep, Touch
from leaddesk.core.writes.handoffs import take_handoff

ASSIGNED = "assigned"  # the outcome of the history touch a reassignment leaves
ROUND_ROBIN = "round-robin"


@dataclass(frozen=True)
class Claim:
    lead_id: int
    rep: str
    until: DateTime
    handoff: str = ""  # the lead was another owner's, offered to this rep: why (its touch's note)
    handed_from: str = ""  # that owner's name


class ClaimedElsewhere(InvalidInput):
    """Another rep is calling this lead right now."""


# --- reps ------------------------------------------------------------------------


def ensure_rep(name: str) -> int:
    """The rep's id, creating the record on first use."""
    found = known_rep(name)
    if found is not None:
        return found
    Rep.insert(name=name, created_at=from_ms(0)).on_conflict_ignore().execute()
    found = known_rep(name)
    assert found is not None
    return found


def add_rep(name: str) -> int:
    name = name.strip()
    if not name:
        raise InvalidInput("a rep needs a name")
    return atomic_write(lambda: ensure_rep(name))


# --- the queue's filter -------------------------------------------------------------


# --- claims ---------------------------------------------------------------------


_CLAIM_SQL = (
    'UPDATE "lead" SET "claimed_by_id" = {p}, "claimed_until" = {p}'
    ' WHERE "id" = {p} AND ("claimed_until" IS NULL OR "claimed_until" <= {p}'
    ' OR "claimed_by_id" = {p})'
)


def claim(lead_id: int, now: DateTime, settings: Settings) -> Claim:
    """Hold `lead_id` for this rep for `[team] claim_minutes` (renewing their own claim).

    One conditional UPDATE: of two reps claiming at once, exactly one row count
    is 1. Raises ClaimedElsewhere naming who holds it, NotFound for no such lead.
    """
    until = now.add(minutes=settings.team.claim_minutes)

    def write() -> Claim:
        rep = ensure_rep(settings.rep_name)
        db = database.obj
        sql = _CLAIM_SQL.format(p=db.param)
        for _attempt in range(3):
            cursor = db.execute_sql(sql, [rep, to_ms(until), lead_id, to_ms(now), rep])
            if cursor.rowcount == 1:
                owner, handoff = take_handoff(lead_id, rep, now, settings)
                return Claim(lead_id, settings.rep_name, until, handoff, owner)
            holder = (
                Lead.select(Rep.name, Lead.claimed_until)
                .join(Rep, pw.JOIN.LEFT_OUTER, on=(Lead.claimed_by == Rep.id))
                .where(Lead.id == lead_id)
                .tuples()
                .first()
            )
            if holder is None:
                raise NotFound(f"no lead with id {lead_id}")
            name, held_until = holder
            # PostgreSQL reads each statement afresh: the holder may have let go
            # between the UPDATE and this read. Then the lead is free: try again.
            if held_until is not None and held_until > now:
                break
        else:
            raise ClaimedElsewhere(f"lead {lead_id} is busy: another rep keeps claiming it")
        raise ClaimedElsewhere(
            f"lead {lead_id} is being called by {name} "
            f"(claimed until {held_until.in_timezone(settings.rep_timezone).format('HH:mm')})"
        )

    return atomic_write(write)


def release(lead_id: int, settings: Settings) -> bool:
    """End this rep's claim on `lead_id`; False when they held none."""

    def write() -> bool:
        rep = known_rep(settings.rep_name)
        if rep is None:
            return False
        released: int = (
            Lead.update(claimed_by=None, claimed_until=None)
            .where((Lead.id == lead_id) & (Lead.claimed_by == rep))
            .execute()
        )
        return released == 1

    return atomic_write(write)


def release_all(settings: Settings) -> int:
    """End every claim this rep holds (the desk closing)."""

    def write() -> int:
        rep = known_rep(settings.rep_name)
        if rep is None:
            return 0
        query = Lead.update(claimed_by=None, claimed_until=None).where(Lead.claimed_by == rep)
        released: int = query.execute()
        return released

    return atomic_write(write)


def check_not_claimed(lead: Lead, now: DateTime, settings: Settings) -> None:
    """Refuse to act on a lead another rep is calling (inside a write)."""
    if lead.claimed_until is None or lead.claimed_until <= now or lead.claimed_by_id is None:
        return
    if lead.claimed_by_id == known_rep(settings.rep_name):
        return
    holder = Rep.get_by_id(lead.claimed_by_id).name
    raise ClaimedElsewhere(f"lead {lead.id} ({lead.name}) is being called by {holder}")


# --- owners ---------------------------------------------------------------------


def owner_cycle(spec: str | None) -> Iterator[int | None]:
    """Owners for new leads: None (the pool), one rep by name, or round-robin over
    every active rep by name, continuing after the owner of the newest owned lead."""
    if not spec:
        while True:
            yield None
    if spec != ROUND_ROBIN:
        rep = rep_by_name(spec)
        while True:
            yield rep
    working = Rep.active == True  # noqa: E712
    reps = [r for (r,) in tuples(Rep.select(Rep.id).where(working).order_by(Rep.name))]
    if not reps:
        raise InvalidInput(
            "round-robin needs active reps: add them with `leaddesk rep add NAME`"
            " (or `leaddesk rep activate NAME`)"
        )
    last = (
        Lead.select(Lead.owner).where(Lead.owner.is_null(False)).order_by(Lead.id.desc()).scalar()
    )
    start = reps.index(last) + 1 if last in reps else 0
    i = start
    while True:
        yield reps[i % len(reps)]
        i += 1


def assign(lead_id: int, rep_name: str | None, now: DateTime, settings: Settings) -> str:
    """Give `lead_id` to `rep_name` (None: back to the pool) — a touch in the history,
    undoable like any other. Returns a one-line summary."""

    def write() -> str:
        lead = Lead.get_or_none(Lead.id == lead_id)
        if lead is None:
            raise NotFound(f"no lead with id {lead_id}")
        target = rep_by_name(rep_name) if rep_name else None
        old = lead.owner_id
        was = Rep.get_by_id(old).name if old is not None else "the pool"
        to = rep_name.strip() if rep_name else "the pool"
        if old == target:
            return f"lead {lead_id} ({lead.name}) already belongs to {to}"
        Touch.create(
            lead=lead,
            at=now,
            channel="system",
            outcome=ASSIGNED,
            note=f"assigned to {to} (was {was})",
            rep=ensure_rep(settings.rep_name),
            before=json.dumps({"lead": {"owner": old}}),
        )
        Lead.update(owner=target, updated_at=now).where(Lead.id == lead_id).execute()
        return f"lead {lead_id} ({lead.name}) assigned to {to} (was {was})"

    return atomic_write(write)


# --- who is working ---------------------------------------------------------------


def set_active(name: str, active: bool) -> str:
    """Mark the rep called `name` working or not (round-robin skips them, their leads
    are handed off at once); a one-line summary."""

    def write() -> str:
        rep = rep_by_name(name)
        Rep.update(active=active).where(Rep.id == rep).execute()
        return f"rep {name.strip()} {'active' if active else 'inactive'}"

    return atomic_write(write)


def seen(now: DateTime, settings: Settings) -> None:
    """Stamp this rep's desk as checked in at `now` (the heartbeat of `[team] away_minutes`)."""

    def write() -> None:
        rep = ensure_rep(settings.rep_name)
        Rep.update(seen_at=now).where(Rep.id == rep).execute()

    atomic_write(write)
