"""Has anyone else committed to the store? A token that ignores our own writes.

SQLite answers this itself: `PRAGMA data_version` moves only when another
connection commits. PostgreSQL has no such counter, so this module builds one
per connection from transaction ids:

- every write transaction of ours records its id just before it commits
  (`note_own_write`, called by `store.db.atomic_write`);
- `pg_token` reads the server's current snapshot (`xmin:xmax:in-progress`) and
  compares it with the one it read last time on this connection: a
  transaction that has finished since then (it was in progress, or its id was
  not handed out yet) and is not one of ours is another writer's commit (or
  rollback — one reload too many is harmless), and moves the counter.

Transaction ids are cluster-wide: a write to another database on the same
server also moves the counter (a reload, as before), never the reverse.
Readers take no transaction id, so other desks polling cost nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import peewee


@dataclass
class _Seen:
    xmax: int  # the first id not yet handed out when we last looked
    running: frozenset[int]  # ids in progress then
    counter: int = 0  # how many times another writer was seen
    own: set[int] = field(default_factory=set)  # our ids since we last looked


_SEEN: dict[int, _Seen] = {}  # by connection (a reconnect starts again)


def note_own_write(db: peewee.Database) -> None:
    """Inside a PostgreSQL write transaction: remember its id as ours.

    Only on a connection that watches for changes (a desk's): the CLI and
    imports pay no extra query."""
    seen = _SEEN.get(id(db.connection()))
    if seen is None:
        return
    row = db.execute_sql("SELECT pg_current_xact_id_if_assigned()::text").fetchone()
    if row and row[0] is not None:
        seen.own.add(int(row[0]))


def _snapshot(db: peewee.Database) -> tuple[int, frozenset[int]]:
    text = str(db.execute_sql("SELECT pg_current_snapshot()::text").fetchone()[0])
    _xmin, xmax, running = text.split(":")
    return int(xmax), frozenset(int(x) for x in running.split(",") if x)


def pg_token(db: peewee.PostgresqlDatabase) -> tuple[int, int]:
    """(this connection, how many times another writer committed since it opened)."""
    key = id(db.connection())
    xmax, running = _snapshot(db)
    seen = _SEEN.get(key)
    if seen is None:
        if len(_SEEN) > 64:  # connections long closed: their ids may be reused
            _SEEN.clear()
        _SEEN[key] = _Seen(xmax, running)
        return (key, 0)
    if _others_finished(seen, xmax, running):
        seen.counter += 1
    seen.xmax, seen.running = xmax, running
    seen.own.clear()  # ours all finished before this read (same connection)
    return (key, seen.counter)


def _others_finished(seen: _Seen, xmax: int, running: frozenset[int]) -> bool:
    """Whether a transaction not ours finished between the two snapshots."""
    new = max(0, xmax - seen.xmax)
    # More new ids than ours and the still-running ones can explain: someone else's.
    if new > len(seen.own) + len(running):
        return True
    candidates = set(seen.running) | set(range(seen.xmax, xmax))
    return bool(candidates - running - seen.own)
