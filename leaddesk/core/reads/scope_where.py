"""A rep's queue filter as peewee expressions, and the roster of reps: for queries
peewee builds (the writers, the desk's `locate`, the team's stats). The queue's own
read uses the same filter written in SQL (`scope.scope_sql`)."""

from __future__ import annotations

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.errors import NotFound
from leaddesk.core.reads.scope import Scope, handoff_params, known_rep
from leaddesk.core.store.db import from_ms, tuples
from leaddesk.core.store.models import Lead, Rep


def rep_roster() -> list[tuple[int, str, int]]:
    """Every rep: id, name and how many leads they own, by name."""
    owned = pw.fn.COUNT(Lead.id)
    query = tuples(
        Rep.select(Rep.id, Rep.name, owned)
        .join(Lead, pw.JOIN.LEFT_OUTER, on=(Lead.owner == Rep.id))
        .group_by(Rep.id, Rep.name)
        .order_by(Rep.name)
    )
    return [(rep, name, count) for rep, name, count in query]


def rep_names() -> list[tuple[str, int]]:
    """Every rep and how many leads they own, by name."""
    return [(name, count) for _, name, count in rep_roster()]


def rep_by_name(name: str) -> int:
    found = known_rep(name.strip())
    if found is None:
        known = ", ".join(n for n, _ in rep_names()) or "none yet"
        raise NotFound(f"no rep named {name!r} (reps: {known}; add one: leaddesk rep add NAME)")
    return found


def handoff_where(scope: Scope, now: DateTime) -> pw.Expression:
    """The same condition as `handoff_sql`, for queries peewee builds."""
    new_cut, promise_cut, _, away_cut = (from_ms(ms) for ms in handoff_params(scope, now))
    away = Rep.select(Rep.id).where((Rep.active == False) | (Rep.seen_at < away_cut))  # noqa: E712
    return Lead.owner.is_null(False) & (
        ((Lead.priority == 1) & (Lead.next_due_at <= new_cut))
        | ((Lead.priority == 0) & (Lead.next_due_at <= promise_cut))
        | ((Lead.priority <= 1) & (Lead.next_due_at <= now) & Lead.owner.in_(away))
    )


def scope_where(scope: Scope, now: DateTime, handoffs: bool = True) -> pw.Expression:
    """The same filter as `scope_sql`, for queries peewee builds; `handoffs=False`
    leaves out other owners' leads offered to this rep (for a write to one's own)."""
    free = (
        Lead.claimed_until.is_null() | (Lead.claimed_until <= now) | (Lead.claimed_by == scope.rep)
    )
    if scope.queue == "all":
        return free
    mine = Lead.owner == scope.rep
    if scope.queue == "mine+pool":
        mine |= Lead.owner.is_null()
    return (mine | handoff_where(scope, now) if handoffs else mine) & free
