"""Opening the store: one deferred database, a UTC time field, the model base.

SQLite is the default (one file per rep); PostgreSQL is reached through a
`postgresql://` URL. Nothing here may depend on SQLite-only SQL without a
PostgreSQL equivalent.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar, cast

import peewee
from pendulum import DateTime

# Re-exported: the models and most reads take them from here.
from leaddesk.core.store.sql import from_ms as from_ms
from leaddesk.core.store.sql import to_ms as to_ms

database = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "full",  # an acknowledged keystroke survives power loss
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "cache_size": -32_000,  # 32 MB
}
BUSY_TIMEOUT_S = 5.0
CONNECT_TIMEOUT_S = 5  # PostgreSQL: give up connecting after this long
# A write that still finds the file locked after the busy timeout is tried
# again from the start (its reads included) this many times in all, after a
# short, jittered pause. Bounded: the rep gets a clear message, not a hang.
WRITE_ATTEMPTS = 3
RETRY_PAUSE_S = 0.1
_pause = time.sleep  # tests replace it to act between attempts

T = TypeVar("T")


class UTCTimestamp(peewee.BigIntegerField):
    """An instant stored as integer milliseconds since the epoch (UTC).

    Integers order chronologically, subtract to durations and compare the same
    way on SQLite and PostgreSQL; Python sees timezone-aware pendulum values.
    """

    def db_value(self, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, int):
            return value
        return to_ms(value)

    def python_value(self, value: Any) -> DateTime | None:
        if value is None:
            return None
        return from_ms(int(value))


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


Row = tuple[Any, ...]


def tuples(query: peewee.BaseQuery) -> Iterator[Row]:
    """The rows of `query` as plain tuples.

    peewee's stubs type `.tuples()` as the query itself, whose rows are model
    instances; this is the one place that says otherwise.
    """
    return iter(cast("Iterable[Row]", query.tuples()))


def dicts(query: peewee.BaseQuery) -> Iterator[dict[str, Any]]:
    """The rows of `query` as dicts keyed by field name (see `tuples`)."""
    return iter(cast("Iterable[dict[str, Any]]", query.dicts()))


def is_url(target: str) -> bool:
    return "://" in target


def mask_url(target: str) -> str:
    """A database target safe to print: any password is replaced by ***."""
    if not is_url(target):
        return target
    scheme, rest = target.split("://", 1)
    if "@" in rest:
        creds, host = rest.rsplit("@", 1)
        if ":" in creds:
            creds = creds.split(":", 1)[0] + ":***"
        rest = f"{creds}@{host}"
    # libpq also takes the password as a query option
    rest = re.sub(r"(?i)([?&]password=)[^&]*", r"\1***", rest)
    return f"{scheme}://{rest}"


def sqlite_path(target: str) -> str | None:
    """The file behind a SQLite target (a path or sqlite:///path), else None."""
    if not is_url(target):
        return target
    if target.startswith("sqlite:///"):
        return target[len("sqlite:///") :]
    return None


def make_database(target: str) -> peewee.Database:
    """Build (not yet connect) the database named by a path or URL."""
    path = sqlite_path(target)
    if path is not None:
        return _sqlite(path)
    # A server that is down should fail a call in seconds, not the OS's minutes
    # (the desk's database thread would wait behind it).
    extra = {} if "connect_timeout" in target else {"connect_timeout": CONNECT_TIMEOUT_S}
    # Here, not at the top: playhouse.db_url imports every dialect's module, and
    # psycopg2 is loaded only for a server URL (store/drivers.py).
    from playhouse.db_url import connect as connect_url

    from leaddesk.core.store.drivers import enable_psycopg2

    enable_psycopg2()
    try:
        db: peewee.Database = connect_url(target, autoconnect=True, **extra)
        return db
    except (ValueError, RuntimeError) as exc:
        from leaddesk.core.domain.errors import StoreError

        raise StoreError(
            f"cannot use database URL {mask_url(target)}: {mask_secrets(str(exc))} "
            "(give a file path, or postgresql://user@host/database)"
        ) from None


def _sqlite(path: str) -> peewee.SqliteDatabase:
    return peewee.SqliteDatabase(
        path,
        pragmas={**SQLITE_PRAGMAS, "busy_timeout": round(BUSY_TIMEOUT_S * 1000)},
        timeout=BUSY_TIMEOUT_S,
        # Only the owning thread uses a connection; workers open their own.
        check_same_thread=False,
    )


def prepare_sqlite_file(path: str) -> None:
    """Create the file owner-only before SQLite does, so no one else can read it."""
    if path in ("", ":memory:") or path.startswith("file:"):
        return
    p = Path(path).expanduser()
    if p.is_dir():
        from leaddesk.core.domain.errors import StoreError

        raise StoreError(f"database path {p} is a directory, not a SQLite file")
    if not p.exists():
        from leaddesk.core.store.files import create_private

        create_private(p)


def is_sqlite(db: peewee.Database | None = None) -> bool:
    target = db if db is not None else database.obj
    return isinstance(target, peewee.SqliteDatabase)


def atomic_write(fn: Callable[[], T]) -> T:
    """Run a read-then-write function in one transaction.

    SQLite takes the write lock up front (BEGIN IMMEDIATE) so two desks on one
    file never deadlock on a lock upgrade; the busy timeout makes the other
    writer wait instead of failing, and a write still locked out after it is
    retried whole a bounded number of times. A database failure becomes one
    StoreError line that says nothing was saved.
    """
    db = database.obj
    if not isinstance(db, peewee.SqliteDatabase):
        with db.atomic():
            result = fn()
            if isinstance(db, peewee.PostgresqlDatabase):
                from leaddesk.core.store.changes import note_own_write  # PostgreSQL only

                note_own_write(db)  # so our own change check does not reload for it
            return result
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with db.atomic("IMMEDIATE"):
                return fn()
        except (sqlite3.Error, peewee.PeeweeException) as exc:
            # Inside an outer transaction the retry belongs to its owner.
            if is_busy(exc) and attempt < WRITE_ATTEMPTS and not db.in_transaction():
                import random  # only a busy file needs the jitter: not loaded at start-up

                _pause(RETRY_PAUSE_S * attempt * (1 + random.random()))
                continue
            if not isinstance(exc, peewee.DatabaseError | sqlite3.DatabaseError):
                raise
            from leaddesk.core.domain.errors import StoreError

            message = sqlite_error_message(_reason(exc), db.database, attempts=attempt)
            raise StoreError(f"not saved: {message}") from exc
    raise AssertionError("unreachable")  # pragma: no cover


def lock_row(model: type[peewee.Model], row_id: int) -> None:
    """Inside a write: lock one row until commit, so a read-then-write of it is not
    lost to another rep's write in between. (SQLite's BEGIN IMMEDIATE already
    serialises writers.)"""
    if not is_sqlite():
        model.select(model._meta.primary_key).where(
            model._meta.primary_key == row_id
        ).for_update().execute()


def drop_if_disconnected(exc: BaseException) -> bool:
    """After a failed call: if the PostgreSQL connection is gone (server restarted,
    backend killed, network down), forget it so the next call connects afresh.
    True when that was the failure."""
    db = database.obj
    if db is None or is_sqlite(db) or not isinstance(exc, peewee.DatabaseError):
        return False
    conn = db._state.conn
    broken = conn is None or getattr(conn, "closed", 0) != 0
    if not broken and "connection" not in str(exc).lower():
        return False
    if conn is not None:
        with contextlib.suppress(Exception):  # already broken: closing only tidies up
            conn.close()
    db._state.reset()
    return True


def translate_error(exc: BaseException, target: str) -> BaseException:
    """A driver's error (sqlite3, peewee, psycopg2) as the core's own error type.

    The database thread (the desk's, and the CLI's) raises what this returns, so
    no caller above the store needs to know which driver failed: a dropped
    PostgreSQL connection is ConnectionLost (and forgotten, so the next call
    reconnects); any other database failure is a StoreError worded in one line.
    Anything else, the core's own errors included, is returned unchanged.
    """
    from leaddesk.core.domain.errors import ConnectionLost, StoreError

    if drop_if_disconnected(exc):
        name = mask_url(getattr(database.obj, "database", "") or "")
        return ConnectionLost(f"lost the connection to database {name} (reconnecting)")
    # psycopg2's own errors can escape peewee's wrapper (a raw cursor in a batch)
    raw_driver = type(exc).__module__.startswith("psycopg2")
    if isinstance(exc, sqlite3.Error | peewee.PeeweeException) or raw_driver:
        return StoreError(sqlite_error_message(_reason(exc), target))
    return exc


def _reason(exc: BaseException) -> BaseException:
    """The failure itself, not the failed ROLLBACK after it: SQLite rolls back
    by itself on some errors (a full disk), and then ROLLBACK finds nothing."""
    item: BaseException | None = exc
    for _ in range(6):
        if item is None or "no transaction is active" not in str(item):
            break
        item = item.__context__
    return item or exc


def sqlite_code(exc: BaseException) -> str:
    """SQLite's extended error name (SQLITE_BUSY, …) behind an exception, or ""."""
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        item = todo.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        name = getattr(item, "sqlite_errorname", None)
        if isinstance(name, str) and name:
            return name
        # peewee wraps the driver's exception as its first argument.
        todo += [*item.args[:1], item.__cause__, item.__context__]
    return ""


def is_busy(exc: BaseException) -> bool:
    code = sqlite_code(exc)
    if code:
        return code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))
    return "locked" in str(exc) or "busy" in str(exc)


def sqlite_error_message(exc: BaseException, target: str, *, attempts: int = 1) -> str:
    """One clear line for a database failure (no password, no traceback).

    What went wrong comes before the path: the desk's status line is one row, and a
    long path would push "read-only" or "locked" out of sight."""
    text = mask_secrets(" ".join(str(exc).split()))  # PostgreSQL messages span lines
    where = mask_url(target)
    code = sqlite_code(exc)
    if is_busy(exc):
        waited = f"{BUSY_TIMEOUT_S * attempts:g} s"
        return f"database is locked by another program (waited {waited}): {where}"
    if code == "SQLITE_READONLY_DIRECTORY" or (
        code.startswith("SQLITE_READONLY") and not _writable_dir(target)
    ):
        folder = os.path.dirname(os.path.abspath(target))
        return f"folder is read-only: leaddesk must write its journal beside {where} in {folder}"
    if code.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return f"database is read-only: {where}"
    if code.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or (
        "not a database" in text or "malformed" in text
    ):
        return f"not a leaddesk database (or it is corrupted): {where}: {text}"
    if code.startswith("SQLITE_FULL") or ("disk" in text and "full" in text):
        return f"disk full while writing {where}"
    if code.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return f"cannot open database {where}: {text}"
    return f"database {where}: {text}"


def _writable_dir(target: str) -> bool:
    if is_url(target) or target in ("", ":memory:"):
        return True
    return os.access(os.path.dirname(os.path.abspath(target)) or ".", os.W_OK)


# As text: compiled by `re` on the first message to mask (a failure), not at start-up.
_URL_PASSWORD = r"(?i)(?P<head>[a-z][a-z0-9+.-]*://[^\s:/@]+:)[^\s@]+@"


def mask_secrets(text: str) -> str:
    """Mask the password of every database URL inside a message or log line."""
    return re.sub(_URL_PASSWORD, r"\g<head>***@", text)


def portable_sql(text: str) -> str:
    """SQL written with `?` placeholders, in the open connection's own style (%s on
    PostgreSQL). For statements written out by hand: the text must hold no other `?`."""
    param: str = database.obj.param
    return text if param == "?" else text.replace("?", param)
