"""Opening a store: create or upgrade the schema, refuse what we cannot read."""

from __future__ import annotations

import sqlite3

import peewee
from playhouse.migrations import Runner

from leaddesk.core import migrations
from leaddesk.core.db import (
    database,
    is_url,
    make_database,
    mask_url,
    prepare_sqlite_file,
    sqlite_error_message,
)
from leaddesk.core.errors import StoreError

HISTORY_TABLE = "schema_migration"


def open_store(target: str, *, migrate: bool = True) -> peewee.Database:
    """Connect the shared `database` to `target` (a path or URL) and migrate it.

    Raises StoreError with one clear line for anything that is not a usable
    leaddesk database.
    """
    try:
        if not is_url(target):
            prepare_sqlite_file(target)
        db = make_database(target)
        database.initialize(db)
        db.connect(reuse_if_open=True)
        if migrate:
            _migrate(db, target)
        return db
    except StoreError:
        raise
    except (sqlite3.Error, peewee.PeeweeException, OSError) as exc:
        raise StoreError(sqlite_error_message(exc, target)) from exc


def _migrate(db: peewee.Database, target: str) -> None:
    runner = Runner(db, str(migrations.DIRECTORY), table_name=HISTORY_TABLE)
    status = runner.status()
    unknown = [m.name for m in status if m.path is None]
    if unknown:
        raise StoreError(
            f"database {mask_url(target)} was written by a newer leaddesk "
            f"(schema {unknown[-1]}); upgrade leaddesk to open it"
        )
    if any(m.applied is None for m in status):
        runner.up()


def schema_version(db: peewee.Database | None = None) -> int:
    """The number of the newest migration applied (0 for an empty database)."""
    runner = Runner(db or database.obj, str(migrations.DIRECTORY), table_name=HISTORY_TABLE)
    applied = [m.idx for m in runner.status() if m.applied]
    return max(applied, default=0)


def close_store() -> None:
    db = database.obj
    if db is not None and not db.is_closed():
        db.close()
