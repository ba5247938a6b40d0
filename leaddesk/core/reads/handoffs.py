"""Hand-offs (`[team]`): which reps are away, and why another owner's lead is offered.

Whether a lead is a hand-off is decided in SQL (`scope.handoff_sql`, part of every
rep's queue filter); this module only names the owner and says why.
"""

from __future__ import annotations

from collections.abc import Iterable

from pendulum import DateTime

from leaddesk.core.reads.scope import Scope
from leaddesk.core.store.sql import current, from_ms, in_list

AWAY, INACTIVE = "away", "inactive"


def presence(active: bool, seen_at: DateTime | None, now: DateTime, away_minutes: int) -> str:
    """ "" (working), AWAY (their desk silent `away_minutes`) or INACTIVE — as the
    queue's SQL decides it; a rep who never opened a desk is not away."""
    if not active:
        return INACTIVE
    if seen_at is not None and seen_at < now.subtract(minutes=away_minutes):
        return AWAY
    return ""


def owners(ids: Iterable[int], now: DateTime, scope: Scope) -> dict[int, tuple[str, str]]:
    """Each rep id's name and presence (one query; none for no ids)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    db = current()
    reps = in_list(db.param, len(wanted))
    sql = f'SELECT "id", "name", "active", "seen_at" FROM "rep" WHERE "id" IN {reps}'
    found = {}
    for rep, name, active, seen in db.execute_sql(sql, wanted).fetchall():
        seen_at = from_ms(seen) if seen is not None else None
        found[rep] = (name, presence(bool(active), seen_at, now, scope.away_minutes))
    return found


def is_handoff(owner: int | None, scope: Scope) -> bool:
    """A row in `scope`'s queue owned by another rep is there as a hand-off."""
    return owner is not None and owner != scope.rep and scope.queue != "all"
