"""Opening a store: create or upgrade the schema, refuse what we cannot read."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import peewee

from leaddesk.core.domain.clock import Clock, SystemClock
from leaddesk.core.domain.errors import StoreError
from leaddesk.core.store import db as db_module
from leaddesk.core.store import migrations
from leaddesk.core.store.db import (
    database,
    is_busy,
    is_sqlite,
    make_database,
    mask_secrets,
    mask_url,
    prepare_sqlite_file,
    sqlite_error_message,
    sqlite_path,
)

# Re-exported: backup and the tests name the history table from here.
from leaddesk.core.store.sql import HISTORY_TABLE as HISTORY_TABLE
from leaddesk.core.store.sql import script_names

if TYPE_CHECKING:
    from playhouse.migrations import Runner

# Programs upgrading one file at once collide at most once per migration (the
# loser waits for the winner's commit, then finds its step done): room for all.
MIGRATE_ATTEMPTS = 12
OPEN_ATTEMPTS = 3


def open_store(
    target: str,
    *,
    migrate: bool = True,
    clock: Clock | None = None,
    directory: Path | None = None,
) -> peewee.Database:
    """Connect the shared `database` to `target` (a path or URL) and migrate it.

    Before a migration touches an existing SQLite database, a backup copy is
    written beside it (`leaddesk.db.pre-0002-20261124T150000.bak`). `clock`
    stamps that name; `directory` holds the migration scripts (tests swap it).
    Raises StoreError with one clear line for anything that is not a usable
    leaddesk database, and leaves the connection closed.
    """
    new = False  # a file no one had written yet when this program came to open it
    for attempt in range(1, OPEN_ATTEMPTS + 1):
        try:
            path = sqlite_path(target)
            if attempt == 1 and path is not None:
                new = not Path(path).exists() or Path(path).stat().st_size == 0
            if path is not None:
                prepare_sqlite_file(path)
            db = make_database(target)
            database.initialize(db)
            db.connect(reuse_if_open=True)
            if migrate:
                _migrate(db, target, clock or SystemClock(), directory or migrations.DIRECTORY)
            return db
        except StoreError:
            close_store()
            raise
        except (sqlite3.Error, peewee.PeeweeException, OSError) as exc:
            close_store()
            # Turning a brand-new file to WAL while another program opens it
            # too can be refused at once, without the busy wait, or (rarely, as
            # the other sets up its -shm) fail as a disk I/O error: try again.
            racing = new and "disk I/O error" in str(exc)
            if (is_busy(exc) or racing) and attempt < OPEN_ATTEMPTS:
                db_module._pause(db_module.RETRY_PAUSE_S * attempt)
                continue
            raise StoreError(sqlite_error_message(exc, target)) from exc
    raise AssertionError("unreachable")  # pragma: no cover


def _runner(db: peewee.Database, directory: Path | None = None) -> Runner:
    from playhouse.migrations import Runner

    return Runner(db, str(directory or migrations.DIRECTORY), table_name=HISTORY_TABLE)


def _up_to_date(db: peewee.Database, directory: Path) -> bool:
    """Whether the history names exactly the scripts on disk: one small read.

    Nearly every open finds nothing to do; peewee's Runner (and the schema
    migrator it imports, ~14 ms) is then not loaded at all.
    """
    if not db.table_exists(HISTORY_TABLE):
        return False
    scripts = script_names(directory)
    applied = {name for (name,) in db.execute_sql(f"SELECT name FROM {HISTORY_TABLE}")}
    return applied == scripts


def _migrate(db: peewee.Database, target: str, clock: Clock, directory: Path) -> None:
    if _up_to_date(db, directory):
        return
    runner = _runner(db, directory)
    status = runner.status()
    unknown = [m.name for m in status if m.path is None]
    if unknown:
        raise StoreError(
            f"database {mask_url(target)} was written by a newer leaddesk "
            f"(schema {unknown[-1]}); upgrade leaddesk to open it"
        )
    pending = [m for m in status if m.applied is None]
    if not pending:
        return
    backup = None
    if any(m.applied for m in status) and isinstance(db, peewee.SqliteDatabase):
        backup = backup_before_migration(db, f"{pending[0].idx:04d}", clock)
    for attempt in range(1, MIGRATE_ATTEMPTS + 1):
        try:
            runner.up()
            if backup is not None:
                whole_statistics(db)
            return
        except Exception as exc:
            # Two programs opening a new or old file at once: the other one
            # applied a migration first. Go on with what is left, if anything.
            try:
                if not any(m.applied is None for m in _runner(db, directory).status()):
                    return
            except (sqlite3.Error, peewee.PeeweeException):
                pass
            if attempt < MIGRATE_ATTEMPTS:
                if is_busy(exc):
                    # A migration that read before the other program's commit is
                    # refused at once (SQLite's BUSY_SNAPSHOT skips the busy wait),
                    # and the other may have twenty more to apply: back off rather
                    # than spend every attempt within its run (6.6 s in all).
                    db_module._pause(db_module.RETRY_PAUSE_S * attempt)
                continue
            kept = f"; a copy from before is {backup}" if backup else ""
            if "malformed" in str(exc) or "not a database" in str(exc):
                # a damaged file, not a failed upgrade: say so in the usual words
                raise StoreError(sqlite_error_message(exc, target) + kept) from exc
            raise StoreError(
                f"upgrading database {mask_url(target)} failed ({type(exc).__name__}: "
                f"{mask_secrets(str(exc))}){kept}"
            ) from exc


def whole_statistics(db: peewee.Database) -> None:
    """After an upgrade: statistics for every table and index, counted whole.

    Left to PRAGMA optimize at close (`_OPTIMIZE`, analysis_limit=400), a table with a
    new index is re-sampled: on a 1M store `appointment_done_at` was costed at 401 rows
    per `done` value (220,185 really) and `touch_rep_id` at 401 rows per rep (4.9M),
    and the DUE page walked every open promise (2.4 → 31.9 ms). Whole: 12 s at 1M
    leads, beside the upgrade's own backup copy."""
    try:
        db.execute_sql("PRAGMA analysis_limit=0")
        db.execute_sql("ANALYZE")
    except peewee.OperationalError:
        pass  # another writer holds the file: PRAGMA optimize will sample at close


def backup_before_migration(db: peewee.SqliteDatabase, version: str, clock: Clock) -> Path:
    """Copy the database beside itself before migration `version` runs."""
    from leaddesk.core.store.files import backup_sqlite

    source = Path(db.database)
    stamp = clock.now().in_timezone("UTC").format("YYYYMMDD[T]HHmmss")
    return backup_sqlite(
        db.connection(), source.with_name(f"{source.name}.pre-{version}-{stamp}.bak")
    )


def schema_version(db: peewee.Database | None = None) -> int:
    """The number of the newest migration applied (0 for an empty database)."""
    applied = [m.idx for m in _runner(db or database.obj).status() if m.applied]
    return max(applied, default=0)


def program_schema_version() -> int:
    """The newest schema this program knows (its last migration script)."""
    from playhouse.migrations import Migration

    scripts = Migration.load_directory(str(migrations.DIRECTORY))
    return max((m.idx for m in scripts), default=0)


def change_token() -> object:
    """A value that changes when another connection has committed to the store.

    Our own commits do not move it (the caller knows about those). SQLite:
    `PRAGMA data_version` costs one call on this connection and no read of
    the data. PostgreSQL: a counter this module keeps from the server's
    snapshots, ignoring the ids of our own write transactions (`changes.py`).
    A reconnect restarts either counter, so the connection is part of the
    token. Returns None where changes cannot be detected cheaply: the caller
    then refreshes on its own schedule.
    """
    db = database.obj
    if isinstance(db, peewee.SqliteDatabase):
        (version,) = db.execute_sql("PRAGMA data_version").fetchone()
        return (id(db.connection()), version)
    if isinstance(db, peewee.PostgresqlDatabase):
        from leaddesk.core.store.changes import pg_token  # PostgreSQL only

        return pg_token(db)
    return None


# SQLite's planner needs statistics to pick between the queue's indexes (without them
# the LATER count chose `lead_owner_id`: 144 ms against 1.6 ms at 30k leads), and no
# store the program makes was ever ANALYZEd. SQLite's advice: "PRAGMA analysis_limit=400;
# PRAGMA optimize;" just before closing each connection — usually a no-op, an ANALYZE
# bounded by the limit when useful (https://www.sqlite.org/lang_analyze.html, §1).
_OPTIMIZE = ("PRAGMA analysis_limit=400", "PRAGMA optimize")


def close_store() -> None:
    db = database.obj
    if db is not None and not db.is_closed():
        if is_sqlite(db) and not db.in_transaction():
            try:
                for pragma in _OPTIMIZE:
                    db.execute_sql(pragma)
            except peewee.OperationalError:
                pass  # another writer holds the file: the statistics wait for the next close
        db.close()
