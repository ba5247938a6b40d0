"""Whose queue: a rep's leads (and the pool), not claimed by others; reps by name."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import lru_cache

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.errors import NotFound
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.db import database, from_ms, to_ms, tuples
from leaddesk.core.store.models import Lead, Rep

NO_REP = -1  # a rep with no record yet owns nothing and claims nothing


@dataclass(frozen=True)
class Scope:
    """Whose queue: the rep's id and `[team] queue` (mine+pool | mine | all), and
    when another owner's lead is handed off to it (`[team]` minutes)."""

    rep: int
    queue: str
    new_lead_minutes: int
    promise_minutes: int
    away_minutes: int


_rep_ids: weakref.WeakKeyDictionary[pw.Database, dict[str, int]] = weakref.WeakKeyDictionary()


def known_rep(name: str) -> int | None:
    """The id of the rep called `name`, or None; remembered per database."""
    db = database.obj
    cache = _rep_ids.setdefault(db, {})
    if name in cache:
        return cache[name]
    found: int | None = Rep.select(Rep.id).where(Rep.name == name).scalar()
    # Only a committed row is remembered: a rep created inside a write that
    # then rolls back (a refused claim) must not leave a dangling id.
    if found is not None and not db.in_transaction():
        cache[name] = found
    return found


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


def scope_for(settings: Settings) -> Scope:
    team = settings.team
    rep = known_rep(settings.rep_name) or NO_REP
    return Scope(rep, team.queue, team.new_lead_minutes, team.promise_minutes, team.away_minutes)


# A hand-off: another owner's new lead (tier 1) still not attempted
# `new_lead_minutes` after it fell due, or their promise (tier 0) overdue by
# `promise_minutes` — at once when the owner is away (inactive, or their desk
# silent for `away_minutes`; a rep who never opened a desk is not away). It is an
# expression over the lead's indexed columns and `now` (plus the few reps who are
# away), so every rep's queue stays one set-based query and nothing is written
# until a rep claims the lead (core/writes/handoffs.py).
_HANDOFF_SQL = (
    '("owner_id" IS NOT NULL AND (("priority" = 1 AND "next_due_at" <= {p})'
    ' OR ("priority" = 0 AND "next_due_at" <= {p})'
    ' OR ("priority" <= 1 AND "next_due_at" <= {p} AND "owner_id" IN'
    ' (SELECT "id" FROM "rep" WHERE NOT "active" OR "seen_at" < {p}))))'
)

# Owner and claim columns ride in the `lead_queue` index: the filter is decided
# inside it, as the zone filter is.
_OWNER_SQL = {
    "mine+pool": '("owner_id" = {p} OR "owner_id" IS NULL OR ' + _HANDOFF_SQL + ")",
    "mine": '("owner_id" = {p} OR ' + _HANDOFF_SQL + ")",
    "all": "",
}


_FREE_SQL = '("claimed_until" IS NULL OR "claimed_until" <= {p} OR "claimed_by_id" = {p})'


@lru_cache(maxsize=16)
def scope_sql(param: str, queue: str) -> str:
    """` AND …` for a rep's queue: their leads (and the pool), not claimed by others."""
    owner = _OWNER_SQL[queue].format(p=param)
    free = _FREE_SQL.format(p=param)
    return f" AND {owner} AND {free}" if owner else f" AND {free}"


_OWN_SQL = {
    "mine+pool": '("owner_id" = {p} OR "owner_id" IS NULL) AND ',
    "mine": '"owner_id" = {p} AND ',
    "all": "",
}


def own_scope_sql(param: str, queue: str) -> str:
    """` AND …` for the rep's own work (`scope_where(…, handoffs=False)`): their leads
    (and the pool), not claimed by others; parameters from `own_scope_params`."""
    return " AND " + _OWN_SQL[queue].format(p=param) + _FREE_SQL.format(p=param)


def own_scope_params(scope: Scope, now: DateTime) -> list[int]:
    owner = [] if scope.queue == "all" else [scope.rep]
    return [*owner, to_ms(now), scope.rep]


def handoff_params(scope: Scope, now: DateTime) -> list[int]:
    """The parameters of `_HANDOFF_SQL`: the new-lead and promise cuts, now, the away cut."""
    cuts = (scope.new_lead_minutes, scope.promise_minutes, 0, scope.away_minutes)
    return [to_ms(now.subtract(minutes=m)) for m in cuts]


def handoff_sql(param: str) -> str:
    """The hand-off condition (see `_HANDOFF_SQL`), its parameters from `handoff_params`."""
    return _HANDOFF_SQL.format(p=param)


def scope_params(scope: Scope, now: DateTime) -> list[int]:
    owner = [] if scope.queue == "all" else [scope.rep, *handoff_params(scope, now)]
    return [*owner, to_ms(now), scope.rep]


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
