"""Backups and restores of the SQLite store (PostgreSQL: `backup_pg.py`).

A backup is SQLite's online backup of the open connection: a consistent
snapshot even while a desk is writing. A restore checks the file is a
leaddesk database this program can read, upgrades a copy of it to the current
schema, keeps a copy of the current database aside, and then replaces the
live database's content in one step through the same backup API — so a desk
that is running sees either the old or the restored data, never a mix, and
never keeps writing to a file that was swapped away under it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import peewee
from pendulum import DateTime
from playhouse.migrations import Migration, Runner

from leaddesk.core.domain.errors import InvalidInput, StoreError
from leaddesk.core.store import migrations
from leaddesk.core.store.db import SQLITE_PRAGMAS, database, is_sqlite
from leaddesk.core.store.files import backup_sqlite, create_private
from leaddesk.core.store.schema import HISTORY_TABLE


def latest_schema() -> int:
    """The newest schema (migration number) this program knows."""
    return max((m.idx for m in Migration.load_directory(str(migrations.DIRECTORY))), default=0)


def _known_migrations() -> dict[str, int]:
    return {m.name: m.idx for m in Migration.load_directory(str(migrations.DIRECTORY))}


@dataclass(frozen=True)
class StoreFile:
    path: str
    schema: int
    leads: int
    touches: int
    bytes: int


NOT_SQLITE = "this copies a SQLite file; a PostgreSQL store is backed up as JSONL (backup_pg)"


def _live_path() -> Path:
    db = database.obj
    if not is_sqlite(db):
        raise StoreError(NOT_SQLITE)
    return Path(db.database).expanduser().resolve()


def check_backup_target(dest: str | Path) -> Path:
    """Where a backup may be written: a file name in a folder that exists."""
    target = Path(dest).expanduser()
    if target.is_dir():
        raise InvalidInput(f"{target} is a folder; give the backup a file name")
    if not target.parent.is_dir():
        # A mistyped folder should not silently become a new tree of folders.
        raise InvalidInput(f"no folder {target.parent} to back up into; create it first")
    return target


def backup_store(dest: str | Path) -> StoreFile:
    """A consistent, owner-only copy of the open database at `dest`."""
    live = _live_path()
    target = check_backup_target(dest)
    if target.resolve() == live:
        raise InvalidInput(f"{target} is the database itself; back it up to another file")
    backup_sqlite(database.obj.connection(), target)
    _as_plain_file(target)
    return inspect_store_file(target)


def inspect_store_file(path: str | Path) -> StoreFile:
    """What a database file holds; InvalidInput unless leaddesk can read it."""
    p = Path(path).expanduser()
    if not p.is_file():
        raise InvalidInput(f"no file {p}")
    con = _connect_ro(p)
    try:
        try:
            check = con.execute("PRAGMA quick_check").fetchone()[0]
            tables = {
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        except sqlite3.DatabaseError as exc:
            raise InvalidInput(f"{p} is not a SQLite database ({exc})") from None
        if check != "ok":
            raise InvalidInput(f"{p} is damaged: {check}")
        if HISTORY_TABLE not in tables or "lead" not in tables:
            raise InvalidInput(f"{p} is a SQLite file but not a leaddesk database")
        applied = [r[0] for r in con.execute(f"SELECT name FROM {HISTORY_TABLE}")]
        known = _known_migrations()
        newer = [name for name in applied if name not in known]
        if newer:
            raise InvalidInput(
                f"{p} was written by a newer leaddesk (schema {sorted(newer)[-1]}); "
                "upgrade leaddesk to use it"
            )
        leads = con.execute("SELECT COUNT(*) FROM lead").fetchone()[0]
        touches = (
            con.execute("SELECT COUNT(*) FROM touch").fetchone()[0] if "touch" in tables else 0
        )
    finally:
        con.close()
    schema = max((known[n] for n in applied), default=0)
    return StoreFile(str(p), schema, leads, touches, p.stat().st_size)


def _connect_ro(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    wal = path.with_name(path.name + "-wal")
    if not wal.exists() and _is_wal(path):
        # No writer is using it (a writer keeps a -wal file): read it as the
        # static file it is, without leaving -shm/-wal files beside it.
        uri += "&immutable=1"
    try:
        return sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise InvalidInput(f"cannot open {path}: {exc}") from None


def _is_wal(path: Path) -> bool:
    with open(path, "rb") as handle:
        header = handle.read(20)
    return header.startswith(b"SQLite format 3\x00") and header[18:20] == b"\x02\x02"


def _as_plain_file(path: Path) -> None:
    """A copy of a WAL database is itself in WAL mode: switch it to a rollback
    journal so it opens read-only anywhere without -wal/-shm companions."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=DELETE")
    finally:
        con.close()


def aside_path(live: str | Path, now: DateTime) -> Path:
    """Where restore keeps the current database: beside it, named by `now`, never
    over an earlier copy."""
    base = Path(live).expanduser()
    stem = f"{base.stem}.before-restore-{now:%Y%m%dT%H%M%S}"
    suffix = base.suffix or ".db"
    candidate = base.with_name(stem + suffix)
    n = 2
    while candidate.exists():
        candidate = base.with_name(f"{stem}-{n}{suffix}")
        n += 1
    return candidate


@dataclass(frozen=True)
class RestoreResult:
    restored: StoreFile  # what the database now holds
    previous: StoreFile  # the copy of what it held before
    aside: str  # where that copy is


def restore_store(
    source: str | Path, now: DateTime, confirm: Callable[[StoreFile, StoreFile, Path], bool]
) -> RestoreResult | None:
    """Replace the open database's content with `source`.

    `confirm(incoming, current, aside)` is asked before anything changes; None
    when it says no. The current content is first copied to `aside`.
    """
    live = _live_path()
    aside = aside_path(live, now)
    src = Path(source).expanduser()
    if src.is_file() and src.resolve() == live:
        raise InvalidInput(f"{src} is the database itself")
    incoming = inspect_store_file(src)
    staging = live.with_name(live.name + ".restoring")
    try:
        _stage(src, staging)
        upgraded = inspect_store_file(staging)
        current = _inspect_live(live)
        if not confirm(incoming, current, aside):
            return None
        backup_sqlite(database.obj.connection(), aside)
        _as_plain_file(aside)
        previous = inspect_store_file(aside)
        copy = sqlite3.connect(staging)
        try:
            copy.backup(database.obj.connection())
        except sqlite3.Error as exc:
            raise StoreError(f"could not restore into {live}: {exc} (nothing changed)") from None
        finally:
            copy.close()
    finally:
        for leftover in (staging, *staging.parent.glob(staging.name + "-*")):
            leftover.unlink(missing_ok=True)
    return RestoreResult(upgraded, previous, str(aside))


def _stage(src: Path, staging: Path) -> None:
    """Copy `src` beside the live database and bring it to the current schema."""
    for leftover in (staging, *staging.parent.glob(staging.name + "-*")):
        leftover.unlink(missing_ok=True)
    create_private(staging)
    source = _connect_ro(src)
    target = sqlite3.connect(staging)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    db = peewee.SqliteDatabase(str(staging), pragmas={"foreign_keys": 1})
    try:
        runner = Runner(db, str(migrations.DIRECTORY), table_name=HISTORY_TABLE)
        if any(m.applied is None for m in runner.status()):
            runner.up()
        # the live database runs in WAL mode: the copy must too for a page copy
        db.execute_sql(f"PRAGMA journal_mode={SQLITE_PRAGMAS['journal_mode']}")
    finally:
        db.close()


def _inspect_live(live: Path) -> StoreFile:
    leads = database.obj.execute_sql("SELECT COUNT(*) FROM lead").fetchone()[0]
    touches = database.obj.execute_sql("SELECT COUNT(*) FROM touch").fetchone()[0]
    from leaddesk.core.store.schema import schema_version

    size = live.stat().st_size if live.exists() else 0
    return StoreFile(str(live), schema_version(), leads, touches, size)
