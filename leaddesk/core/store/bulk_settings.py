"""SQLite's settings for the length of a bulk load: a rollback journal for a fill into
a store no bigger than itself, a bigger page cache with helper threads for its sorts,
commits that do not wait for the disk. Each is put back when the load ends; nothing
here changes PostgreSQL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import peewee

from leaddesk.core.store.db import is_sqlite


@contextmanager
def fill_journal(db: peewee.Database, fresh: bool) -> Iterator[None]:
    """SQLite: a rollback journal instead of WAL while a fill into a store no bigger than
    itself runs (`fresh`); call it outside the fill's transaction. In WAL every page of
    the fill is written twice — into the log, then by the checkpoint into the file — and
    the log grows to the fill's size (8 GB at 1M leads) before it is folded in. A
    rollback journal keeps only the pages the store held before: a page numbered past
    the file's end at the start of the transaction needs no journal entry (SQLite's
    doc/pager-invariants.txt, "overwriteable" (c)), so a page the fill adds is written
    once. Measured at 100k leads: 0.81 GB written against 2.28 GB, 10 % less CPU
    (BENCHMARKS.md). Durability is the same: a killed fill leaves a hot journal that
    puts the store back as it was before the fill when it is next opened. Leaving WAL
    needs the store to itself: with another connection on it, WAL stays. The store's WAL
    is back before this returns (and every open sets it anyway).
    """
    if not fresh or not is_sqlite(db):
        yield
        return
    try:
        (mode,) = db.execute_sql("PRAGMA journal_mode = delete").fetchone()
    except peewee.OperationalError:
        mode = "wal"  # another connection holds the store: the fill runs in WAL
    try:
        yield
    finally:
        if mode != "wal":
            # someone who opened it meanwhile set WAL back already
            with suppress(peewee.OperationalError):
                db.execute_sql("PRAGMA journal_mode = wal")


FILL_CACHE_KB = 262_144  # SQLite's page cache during a bulk load (the store keeps 32 MB)


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


@contextmanager
def bulk_cache(db: peewee.Database) -> Iterator[None]:
    """A bigger SQLite page cache and helper threads for its sorts while a bulk load
    runs, the store's own settings after.

    Rebuilding a 10M-row table's indexes and full-text tables sorts and merges far
    more than 32 MB: with 256 MB fewer pages go back and forth to the disk. A sort
    bigger than the cache is written out in sorted runs, and with `PRAGMA threads`
    SQLite sorts and writes a run on a helper thread while the statement goes on
    filling the next (https://www.sqlite.org/pragma.html#pragma_threads; the sorter
    runs `threads` + 1 tasks, src/vdbesort.c): a 1M fill's CREATE INDEXes on the
    second core. Memory and threads only, nothing about durability changes.
    PostgreSQL: nothing (its builds take maintenance_work_mem, `deferred_indexes`).
    """
    if not is_sqlite(db):
        yield
        return
    (kept,) = db.execute_sql("PRAGMA cache_size").fetchone()
    (threads,) = db.execute_sql("PRAGMA threads").fetchone()
    db.execute_sql(f"PRAGMA cache_size = -{FILL_CACHE_KB}")
    db.execute_sql(f"PRAGMA threads = {cores() - 1}")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA cache_size = {int(kept)}")
        db.execute_sql(f"PRAGMA threads = {int(threads)}")


@contextmanager
def relaxed_sync(db: peewee.Database) -> Iterator[None]:
    """SQLite: commit without waiting for the disk (`synchronous = NORMAL`) until the
    block ends; the caller's next commit, at FULL again, makes all of them durable.

    A bulk import commits a batch at a time and an fsync per commit was most of its
    wall time. In WAL mode NORMAL stays consistent and durable across a killed
    program; only a power loss or an OS crash may roll back the last commits
    (https://www.sqlite.org/pragma.html#pragma_synchronous). The WAL is one file
    written in order, so the FULL commit after the block syncs every frame before it.
    Nothing changes on PostgreSQL, nor inside a transaction (one commit: its own)."""
    if not is_sqlite(db) or db.in_transaction():
        yield
        return
    db.execute_sql("PRAGMA synchronous = NORMAL")
    try:
        yield
    finally:
        db.execute_sql("PRAGMA synchronous = FULL")
