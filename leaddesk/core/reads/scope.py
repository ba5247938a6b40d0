"""Whose queue: a rep's leads (and the pool), not claimed by others; reps by name."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import lru_cache

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.errors import NotFound
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.db import database, to_ms, tuples
from leaddesk.core.store.models import Lead, Rep

NO_REP = -1  # a rep with no record yet owns nothing and claims nothing


@dataclass(frozen=True)
class Scope:
    """Whose queue: the rep's id and `[team] queue` (mine+pool | mine | all)."""

    rep: int
    queue: str


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
    return Scope(known_rep(settings.rep_name) or NO_REP, settings.team.queue)


# Owner and claim columns ride in the `lead_queue` index: the filter is decided
# inside it, as the zone filter is.
_OWNER_SQL = {
    "mine+pool": '("owner_id" = {p} OR "owner_id" IS NULL)',
    "mine": '"owner_id" = {p}',
    "all": "",
}


_FREE_SQL = '("claimed_until" IS NULL OR "claimed_until" <= {p} OR "claimed_by_id" = {p})'


@lru_cache(maxsize=16)
def scope_sql(param: str, queue: str) -> str:
    """` AND …` for a rep's queue: their leads (and the pool), not claimed by others."""
    owner = _OWNER_SQL[queue].format(p=param)
    free = _FREE_SQL.format(p=param)
    return f" AND {owner} AND {free}" if owner else f" AND {free}"


def scope_params(scope: Scope, now: DateTime) -> list[int]:
    owner = [] if scope.queue == "all" else [scope.rep]
    return [*owner, to_ms(now), scope.rep]


def scope_where(scope: Scope, now: DateTime) -> pw.Expression:
    """The same filter as `scope_sql`, for queries peewee builds."""
    free = (
        Lead.claimed_until.is_null() | (Lead.claimed_until <= now) | (Lead.claimed_by == scope.rep)
    )
    if scope.queue == "mine+pool":
        return ((Lead.owner == scope.rep) | Lead.owner.is_null()) & free
    if scope.queue == "mine":
        return (Lead.owner == scope.rep) & free
    return free
