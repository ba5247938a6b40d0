"""Taking a hand-off: the rep who claims another owner's offered lead leaves a touch.

A lead is offered to every rep's queue by a condition over its columns and `now`
(core/reads/scope.py), so nothing is written while it waits. The hand-off touch
(channel "system", outcome "handoff", the reason in the note) is written here,
inside the claim's transaction, by the rep who takes it — not by a job on every
desk: N desks would race to write the same touch (and make each other reload),
and a touch for a lead nobody takes would say something that did not happen.
With `[team] reassign_on_handoff` the taker becomes the owner.
"""

from __future__ import annotations

import json

from pendulum import DateTime

from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.text import minutes_between
from leaddesk.core.reads.handoffs import owners
from leaddesk.core.reads.queue.reasons import handoff_why
from leaddesk.core.reads.scope import handoff_params, handoff_sql, scope_for
from leaddesk.core.store.db import database, from_ms
from leaddesk.core.store.models import Appointment, Lead, Rep, Touch

HANDOFF = "handoff"  # the outcome of the touch a hand-off leaves

_OFFERED_SQL = (
    'SELECT "owner_id", "priority", "received_at", "next_due_at" FROM "lead"'
    ' WHERE "id" = {p} AND "owner_id" <> {p} AND {handoff}'
)


def take_handoff(lead_id: int, rep: int, now: DateTime, settings: Settings) -> tuple[str, str]:
    """Inside a claim's write: when `lead_id` is offered to `rep` as a hand-off, write
    its touch (once per taker) and, if the config says so, make `rep` the owner.
    Returns the owner's name and the touch's note, ("", "") when the lead is no
    hand-off for `rep` (or this rep took it already)."""
    db = database.obj
    scope = scope_for(settings)
    sql = _OFFERED_SQL.format(p=db.param, handoff=handoff_sql(db.param))
    found = db.execute_sql(sql, [lead_id, rep, *handoff_params(scope, now)]).fetchone()
    if found is None:
        return "", ""
    owner, priority, received_ms, due_ms = found
    newest = (
        Touch.select(Touch.rep, Touch.outcome)
        .where(Touch.lead == lead_id)
        .order_by(Touch.id.desc())
        .tuples()
        .first()
    )
    if newest == (rep, HANDOFF):
        return "", ""  # this rep took it already (a renewed claim, a second look)
    name, away = owners([owner], now, scope)[owner]
    kind = (
        Appointment.select(Appointment.kind)
        .where((Appointment.lead == lead_id) & (Appointment.done == False))  # noqa: E712
        .order_by(Appointment.at)
        .scalar()
    )
    waited = max(minutes_between(from_ms(received_ms), now), 0)
    late = minutes_between(from_ms(due_ms), now)
    note = handoff_why(priority, name, away, waited, late, kind)
    reassign = settings.team.reassign_on_handoff
    if reassign:
        taker = Rep.select(Rep.name).where(Rep.id == rep).scalar()
        note += f"; now {taker}'s"
        Lead.update(owner=rep, updated_at=now).where(Lead.id == lead_id).execute()
    Touch.create(
        lead=lead_id,
        at=now,
        channel="system",
        outcome=HANDOFF,
        note=note,
        rep=rep,
        before=json.dumps({"lead": {"owner": owner}}) if reassign else "",
    )
    return name, note
