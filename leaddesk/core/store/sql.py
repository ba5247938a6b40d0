"""The queue's one read, written in SQL, and the connection it runs on.

The queue (reads/queue) is read by the desk and by `leaddesk due`. Its statements
are plain SQL both engines accept, sent through `current()`: peewee's open
database (store/db.py), or, for `leaddesk due` started without click (cli/fast.py),
a bare sqlite3 connection opened here (`open_quick`) — so that command's process
never imports peewee and its models (~190 M of its ~885 M instructions, issue 15).

Nothing here imports peewee; the import-linter contract "The queue's read needs no
peewee" (pyproject.toml) keeps it so for the queue's modules.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import pendulum
from pendulum import DateTime


class Cursor(Protocol):
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    """What the queue's reads use of a database: peewee's `Database` has all of it,
    and so has `QuickSqlite`."""

    param: str

    def execute_sql(self, sql: str, params: Sequence[Any] | None = None) -> Any: ...
    def in_transaction(self) -> bool: ...
    def atomic(self) -> AbstractContextManager[Any]: ...


def to_ms(value: datetime) -> int:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: instants must carry a time zone")
    ts = value.timestamp()
    return round(ts * 1000)


def from_ms(ms: int) -> DateTime:
    # Built directly: pendulum.from_timestamp costs ~10 µs, this ~1 µs, and a
    # queue page converts hundreds of these.
    seconds, millis = divmod(ms, 1000)
    d = datetime.fromtimestamp(seconds, UTC)
    return DateTime(
        d.year, d.month, d.day, d.hour, d.minute, d.second, millis * 1000, tzinfo=pendulum.UTC
    )


def is_sqlite_param(db: Connection) -> bool:
    """Whether `db` speaks SQLite (its `?` placeholders; psycopg2's are `%s`)."""
    return db.param == "?"


def in_list(param: str, count: int) -> str:
    """`(?, ?, …)`: `count` placeholders for an IN list."""
    return "(" + ", ".join([param] * count) + ")"


def chunked(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class QuickSqlite:
    """A current SQLite store opened without peewee: the subset of peewee's
    `Database` the queue's reads call, over one sqlite3 connection in autocommit
    (as peewee holds it), with peewee's pragmas."""

    param = "?"

    def __init__(self, conn: Any, path: str) -> None:
        self.conn, self.database = conn, path
        self._depth = 0

    def execute_sql(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        return self.conn.execute(sql, tuple(params or ()))

    def in_transaction(self) -> bool:
        return bool(self.conn.in_transaction)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """A read transaction (one snapshot); nested ones join the outer."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._depth = 1
        self.conn.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._depth = 0

    def close(self) -> None:
        self.conn.close()


_quick: QuickSqlite | None = None


def current() -> Connection:
    """The open store: the quick connection while one is open, else peewee's."""
    if _quick is not None:
        return _quick
    # Looked up, not imported: whoever opened the store through peewee loaded it.
    db = getattr(sys.modules.get("leaddesk.core.store.db"), "database", None)
    if db is None or db.obj is None:
        raise RuntimeError("no store is open")
    found: Connection = db.obj
    return found


# PRAGMAs as store/db.SQLITE_PRAGMAS sets them (a test holds the two equal); the
# busy timeout as store/db.BUSY_TIMEOUT_S.
QUICK_PRAGMAS = (
    ("journal_mode", "wal"),
    ("synchronous", "full"),
    ("foreign_keys", 1),
    ("busy_timeout", 5000),
    ("cache_size", -32_000),
)
QUICK_TIMEOUT_S = 5.0
HISTORY_TABLE = "schema_migration"  # the migrations applied, by script name


def script_names(migrations: Path) -> set[str]:
    """The migration scripts on disk, by name: a store is current when its history
    names exactly these (here and in store/schema.open_store)."""
    return {path.stem for path in migrations.glob("[0-9]*.py")}


def open_quick(target: str, migrations: Path) -> bool:
    """Open `target` without peewee when it is a plain SQLite file already at this
    program's schema (its history names exactly the scripts in `migrations`, as
    store/schema.open_store checks it). False, with nothing left open, for
    anything else — a URL, a missing, empty, read-only or locked file, another
    program's file, an older or newer schema: the caller then opens it the full
    way, which words any error and migrates as it always does."""
    import os
    import sqlite3

    close_quick()
    if "://" in target or target in ("", ":memory:") or target.startswith("file:"):
        return False
    path = Path(target).expanduser()
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return False
        folder = str(path.parent)
        if not (os.access(path, os.R_OK | os.W_OK) and os.access(folder, os.W_OK)):
            return False
    except OSError:
        return False
    conn = None
    try:
        conn = sqlite3.connect(
            target, timeout=QUICK_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        for name, value in QUICK_PRAGMAS:
            conn.execute(f"PRAGMA {name} = {value}")
        found = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (HISTORY_TABLE,)
        ).fetchone()
        if found is None:
            raise sqlite3.DatabaseError("no schema history")
        applied = {name for (name,) in conn.execute(f"SELECT name FROM {HISTORY_TABLE}")}
        if applied != script_names(migrations):
            raise sqlite3.DatabaseError("schema not current")
    except sqlite3.Error:
        if conn is not None:
            conn.close()
        return False
    global _quick
    _quick = QuickSqlite(conn, target)
    return True


def close_quick() -> None:
    global _quick
    if _quick is not None:
        _quick.close()
        _quick = None
