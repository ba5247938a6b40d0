"""Whose queue: a rep's leads (and the pool), not claimed by others, as SQL; reps by
name. Peewee's form of the same filter is `scope_where` (its own module: the queue's
read needs no peewee, store/sql.py)."""

from __future__ import annotations

import weakref
from functools import lru_cache
from typing import Any

from pendulum import DateTime

from leaddesk.core.domain.record import Frozen
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.sql import current, to_ms

NO_REP = -1  # a rep with no record yet owns nothing and claims nothing


class Scope(Frozen):
    """Whose queue: the rep's id and `[team] queue` (mine+pool | mine | all), and
    when another owner's lead is handed off to it (`[team]` minutes). (A plain class:
    `domain.record`.)"""

    __slots__ = ("rep", "queue", "new_lead_minutes", "promise_minutes", "away_minutes")  # noqa: RUF023
    rep: int
    queue: str
    new_lead_minutes: int
    promise_minutes: int
    away_minutes: int

    def __init__(
        self, rep: int, queue: str, new_lead_minutes: int, promise_minutes: int, away_minutes: int
    ) -> None:
        self._set(
            rep=rep,
            queue=queue,
            new_lead_minutes=new_lead_minutes,
            promise_minutes=promise_minutes,
            away_minutes=away_minutes,
        )


_rep_ids: weakref.WeakKeyDictionary[Any, dict[str, int]] = weakref.WeakKeyDictionary()


def known_rep(name: str) -> int | None:
    """The id of the rep called `name`, or None; remembered per database."""
    db = current()
    cache = _rep_ids.setdefault(db, {})
    if name in cache:
        return cache[name]
    sql = f'SELECT "id" FROM "rep" WHERE "name" = {db.param}'
    row = db.execute_sql(sql, [name]).fetchone()
    found: int | None = row[0] if row is not None else None
    # Only a committed row is remembered: a rep created inside a write that
    # then rolls back (a refused claim) must not leave a dangling id.
    if found is not None and not db.in_transaction():
        cache[name] = found
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
