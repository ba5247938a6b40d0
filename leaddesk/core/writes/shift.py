"""The vacation shift: every queued lead's next contact moved by whole days,
one transaction, each lead's move undoable like any touch."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tiers import TIER_PROMISE
from leaddesk.core.domain.windows import add_business_days, next_open, zones_or_rep
from leaddesk.core.reads.queue.rows import places_of, zones_of
from leaddesk.core.reads.scope import scope_for
from leaddesk.core.reads.scope_where import scope_where
from leaddesk.core.reads.search import bulk_indexing
from leaddesk.core.store.batch import execute_many
from leaddesk.core.store.db import Row, atomic_write, database, from_ms, to_ms
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
        plan = _plan(database.obj.execute_sql(*rows.sql()), days, settings)
        unit = "business day" if days == 1 else "business days"
        _apply(plan, now, ensure_rep(settings.rep_name), f"schedule shifted {days} {unit}")
        return ShiftResult(moved=len(plan), days=days, kept=kept)

    return atomic_write(write)


Moved = tuple[int, int, int, str]  # lead id, due before (ms), due after (ms), channel


def _plan(rows: Iterable[Row], days: int, settings: Settings) -> list[Moved]:
    """Each lead's new due time. The calendar rules (business days, holidays, calling
    windows, a jurisdiction's rules) are Python's, but leads share their window key and
    their due instant often (a cadence step at 10:00): each distinct (key, channel,
    instant) is worked out once."""
    worked: dict[tuple[str, str, int], int] = {}
    plan = []
    for lead_id, due_ms, channel, zones_key in rows:
        seen = (zones_key, channel, due_ms)
        later = worked.get(seen)
        if later is None:
            zones = zones_of(zones_key)
            zone = zones_or_rep(zones, settings)[0]
            moved = add_business_days(from_ms(due_ms), days, zone, settings.holidays)
            if channel == "call":
                rules = settings.compliance.book.for_places(places_of(zones_key))
                moved = next_open(moved, zones, settings, rules=rules)
            later = worked[seen] = to_ms(moved)
        plan.append((lead_id, due_ms, later, channel))
    return plan


def _apply(plan: list[Moved], now: DateTime, rep: int, note: str) -> None:
    """Write the plan set-based: the plan into a temporary table (one executemany),
    then one INSERT … SELECT of the history touches (each holding the due time it
    replaced, so the lead's step is undoable exactly) and one UPDATE of the leads."""
    db = database.obj
    db.execute_sql("DROP TABLE IF EXISTS shift_plan")
    db.execute_sql(
        "CREATE TEMPORARY TABLE shift_plan "
        "(lead_id BIGINT PRIMARY KEY, old_due BIGINT, new_due BIGINT, channel VARCHAR(40))"
    )
    execute_many(db, f"INSERT INTO shift_plan VALUES ({', '.join([db.param] * 4)})", plan)
    given = {
        "lead": "lead_id",
        "scheduled_due_at": "new_due",
        "scheduled_channel": "channel",
        "before": "'{\"lead\": {\"next_due_at\": ' || CAST(old_due AS VARCHAR(20)) || '}}'",
    }
    values = {"at": to_ms(now), "channel": "system", "outcome": SHIFTED, "note": note,
              "rep": rep}  # fmt: skip
    columns, selected, params = [], [], []
    for f in Touch._meta.sorted_fields:
        if f.name == "id":
            continue
        columns.append(_quoted(db, f.column_name))
        if f.name in given:
            selected.append(given[f.name])
            continue
        value = values.get(f.name, f.default)
        selected.append("NULL" if value is None else db.param)
        if value is not None:
            params.append(f.db_value(value) if f.name != "at" else value)
    with bulk_indexing(db):  # the notes indexed for search in one pass, not row by row
        db.execute_sql(
            f"INSERT INTO {_quoted(db, Touch._meta.table_name)} ({', '.join(columns)}) "
            f"SELECT {', '.join(selected)} FROM shift_plan ORDER BY lead_id",
            params,
        )
    lead, due, updated = (
        _quoted(db, n) for n in (Lead._meta.table_name, "next_due_at", "updated_at")
    )
    db.execute_sql(
        f"UPDATE {lead} SET {due} = (SELECT new_due FROM shift_plan WHERE lead_id = {lead}.id),"
        f" {updated} = {db.param} WHERE id IN (SELECT lead_id FROM shift_plan)",
        (to_ms(now),),
    )
    db.execute_sql("DROP TABLE shift_plan")


def _quoted(db: pw.Database, name: str) -> str:
    return str(db.get_sql_context().sql(pw.Entity(name)).query()[0])
