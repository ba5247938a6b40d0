"""Opening the store: one deferred database, a UTC time field, the model base.

SQLite is the default (one file per rep); PostgreSQL is reached through a
`postgresql://` URL. Nothing here may depend on SQLite-only SQL without a
PostgreSQL equivalent.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import peewee
import pendulum
from pendulum import DateTime
from playhouse.db_url import connect as connect_url

database = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "full",  # an acknowledged keystroke survives power loss
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "cache_size": -32_000,  # 32 MB
}
BUSY_TIMEOUT_S = 5.0

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


def to_ms(value: Any) -> int:
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


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


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
    return f"{scheme}://{rest}"


def make_database(target: str) -> peewee.Database:
    """Build (not yet connect) the database named by a path or URL."""
    if is_url(target):
        if target.startswith("sqlite:///"):
            return _sqlite(target[len("sqlite:///") :])
        return connect_url(target, autoconnect=True)
    return _sqlite(target)


def _sqlite(path: str) -> peewee.SqliteDatabase:
    return peewee.SqliteDatabase(
        path,
        pragmas=SQLITE_PRAGMAS,
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
        from leaddesk.core.errors import StoreError

        raise StoreError(f"database path {p} is a directory, not a SQLite file")
    if not p.exists():
        from leaddesk.core.files import create_private

        create_private(p)


def is_sqlite(db: peewee.Database | None = None) -> bool:
    target = db if db is not None else database.obj
    return isinstance(target, peewee.SqliteDatabase)


def atomic_write(fn: Callable[[], T]) -> T:
    """Run a read-then-write function in one transaction.

    SQLite takes the write lock up front (BEGIN IMMEDIATE) so two desks on one
    file never deadlock on a lock upgrade; the busy timeout makes the other
    writer wait instead of failing.
    """
    db = database.obj
    if isinstance(db, peewee.SqliteDatabase):
        with db.atomic("IMMEDIATE"):
            return fn()
    with db.atomic():
        return fn()


def sqlite_error_message(exc: BaseException, target: str) -> str:
    """One clear line for a database failure."""
    text = str(exc)
    where = mask_url(target)
    if isinstance(exc, (sqlite3.DatabaseError, peewee.DatabaseError)):
        if "locked" in text:
            return f"database {where} is locked by another program (waited {BUSY_TIMEOUT_S:g} s)"
        if "readonly" in text or "read-only" in text:
            return f"database {where} is read-only: cannot save changes"
        if "not a database" in text or "malformed" in text:
            return f"{where} is not a leaddesk database (or it is corrupted): {text}"
        if "unable to open" in text:
            return f"cannot open database {where}: {text}"
        if "disk" in text and "full" in text:
            return f"disk full while writing {where}"
    return f"database {where}: {text}"


def insert_sql(model: type[BaseModel], fields: Sequence[str], db: peewee.Database) -> str:
    """INSERT for `fields` of `model`, in `db`'s quoting and placeholder style.

    For bulk writes with `executemany` on `db.connection()` (FACTS.md: ~10x
    faster than peewee's insert_many).
    """
    ctx = db.get_sql_context()
    table = ctx.sql(peewee.Entity(model._meta.table_name)).query()[0]
    columns = ", ".join(
        db.get_sql_context().sql(peewee.Entity(model._meta.fields[f].column_name)).query()[0]
        for f in fields
    )
    marks = ", ".join([db.param] * len(fields))
    return f"INSERT INTO {table} ({columns}) VALUES ({marks})"


def sync_sequences(db: peewee.Database, models: Sequence[type[BaseModel]]) -> None:
    """After rows were inserted with explicit ids: move each PostgreSQL serial past them."""
    if is_sqlite(db):
        return
    for model in models:
        table = model._meta.table_name
        db.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'(SELECT MAX(id) FROM "{table}"))'
        )
