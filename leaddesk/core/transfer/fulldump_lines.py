"""The JSONL export's lead lines read by two connections at once, written in order.

The database writes each line (fulldump_sql), and that is nearly all of the export's
work: one connection keeps one core busy — 57.7 s of user CPU for the 1M-lead store
(BENCHMARKS.md, "Bulk work at scale"). Here two connections each read every other
batch of leads and the batches are written in lead order as they come back. On
PostgreSQL the work is the server's, in a backend per connection, and two threads
here suffice, each batch read by a binary COPY (see `_write_batches`); on SQLite it
is this process's own, and two threads measured no faster than one (see
`_fork_batches`), so each connection reads in a forked child.

Both connections read one snapshot, as pg_dump's parallel workers do: on PostgreSQL
the second imports the first's (`pg_export_snapshot`, `SET TRANSACTION SNAPSHOT`,
https://www.postgresql.org/docs/16/functions-admin.html#FUNCTIONS-SNAPSHOT-SYNCHRONIZATION);
SQLite has no such call in Python's driver, so the write lock is held (BEGIN
IMMEDIATE, nothing written) while both begin to read: no commit can fall between
them (https://sqlite.org/wal.html#concurrency). Where that cannot be done — a store
open in a transaction of its own, an in-memory database, a file the lock cannot be
taken on, a process running other threads (no fork) — `parallel_lines` says so and
the export runs on the one connection, as before.

Lines travel as UTF-8 bytes and go to the file's byte stream as they are.
"""

from __future__ import annotations

import codecs
import io
import os
import sqlite3
import stat
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from queue import SimpleQueue
from typing import IO, TYPE_CHECKING, Any

import peewee

from leaddesk.core.domain.errors import StoreError
from leaddesk.core.store.db import is_sqlite
from leaddesk.core.transfer.fulldump_sql import LinesQuery

if TYPE_CHECKING:
    from concurrent.futures import Future

WORKERS = 2  # the machine this is measured on has two cores; more only queue
AHEAD = 2  # PostgreSQL: batches in flight per connection (a batch is a few MB of text)
LOCK_WAIT_MS = 5_000  # an import's batch holds the lock for well under this
DROP_EVERY = 64 << 20  # bytes of output between two posix_fadvise calls
CACHE_KB = 2_000  # SQLite's page cache per connection: the export reads each page about once


def parallel_lines(
    db: peewee.Database,
    out: IO[str],
    query: LinesQuery,
    step: str,
    statuses: list[Any],
    size: int,
) -> int | None:
    """Write every lead's line to `out` (`query`: fulldump_sql.lines_sql's statement,
    batches of `size`; `step`: its batch_end_sql); how many. None when the store
    cannot be read this way."""
    workers = WORKERS if (os.cpu_count() or 1) > 1 else 1
    if workers < 2 or (is_sqlite(db) and not _can_fork()):
        return None
    with _snapshot(db, workers) as conns:
        if conns is None:
            return None
        starts = _starts(conns[0], step, statuses)
        batches = [query.args(after, upto, statuses, size) for after, upto in _ranges(starts)]
        if is_sqlite(db):
            return _fork_batches(out, conns, query.sql, batches)
        return _write_batches(out, conns, query.sql, batches)


def _can_fork() -> bool:
    """SQLite reads in forked children: not where there is no fork, nor beside other
    threads (a child would inherit whatever lock they held)."""
    import multiprocessing  # here: ~35 ms that only a parallel export needs

    forks = "fork" in multiprocessing.get_all_start_methods()
    return forks and threading.active_count() == 1


def _starts(conn: Any, step: str, statuses: list[Any]) -> list[int]:
    """The id after which each batch begins, read at the workers' snapshot: the
    batches then are exactly the serial export's (keyset paging). `step` gives
    the last id of the batch after an id (fulldump_sql.batch_end_sql): one short
    index walk per batch, so a million ids never sit in memory."""
    starts, after = [0], 0
    while True:
        cursor = conn.cursor()
        cursor.execute(step, [after, *statuses])
        row = cursor.fetchone()
        cursor.close()
        if row is None:
            return starts
        after = row[0]
        starts.append(after)


def _ranges(starts: list[int]) -> list[tuple[int, int | None]]:
    """Each batch's (after, last id): the next batch's start, none for the last."""
    return list(zip(starts, [*starts[1:], None], strict=True))


def _write_batches(out: IO[str], conns: list[Any], sql: str, batches: list[list[Any]]) -> int:
    """PostgreSQL: each connection in a thread, each batch a binary COPY of its lines
    into a buffer kept from batch to batch. Rows fetched as a result cost the client
    twice the kernel time at 1M leads (BENCHMARKS.md, branch i15x): every batch's
    PGresult and the bytes made of it were allocated afresh in the threads' malloc
    arenas, handed back to the kernel when freed and faulted in again (~1.1M page
    faults). A batch now goes to the file in one write, not one or two per line."""
    free: SimpleQueue[Any] = SimpleQueue()
    for conn in conns:
        free.put(conn)
    buffers: SimpleQueue[_Lines] = SimpleQueue()
    for _ in range(AHEAD * len(conns) + 1):  # one per batch in flight, one more submitted
        buffers.put(_Lines())
    copy = f"COPY (SELECT s.line FROM ({sql}) AS s(id, line)) TO STDOUT (FORMAT binary)"

    def batch(args: list[Any]) -> _Lines:
        lines = buffers.get()
        conn = free.get()
        try:
            cursor = conn.cursor()
            # COPY takes no parameters: the driver quotes them into the statement
            statement = cursor.mogrify(copy, args)
            lines.clear()
            cursor.copy_expert(statement, lines)
            cursor.close()
            return lines
        finally:
            free.put(conn)

    from concurrent.futures import ThreadPoolExecutor

    write = _writer(out)
    count = 0

    def take(future: Future[_Lines]) -> int:
        lines = future.result()
        write([memoryview(lines.buffer)[: lines.end]])
        buffers.put(lines)
        return lines.count

    with ThreadPoolExecutor(len(conns), thread_name_prefix="export") as pool:
        pending: deque[Future[_Lines]] = deque()
        for args in batches:
            pending.append(pool.submit(batch, args))
            if len(pending) >= AHEAD * len(conns):
                count += take(pending.popleft())
        while pending:
            count += take(pending.popleft())
    return count


# Binary COPY ("Binary Format", https://www.postgresql.org/docs/16/sql-copy.html): the
# stream begins with this signature and two 32-bit fields (19 bytes in all); each row
# is its field count (16 bits), then each field's length (32 bits) and bytes; the
# stream ends with a field count of -1. The server sends one CopyData message per row
# (https://www.postgresql.org/docs/16/protocol-flow.html#PROTOCOL-COPY), and psycopg2's
# copy_expert hands each message to `write` as it comes (psycopg/pqpath.c,
# _pq_copy_out_v3) — PostgreSQL 16 sends the header in the first row's message.
_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_HEADER = 19
_ROW_HEAD = 6  # a field count of 1 and the line's length
_TRAILER = 2


class _Lines:
    """A batch's lines from a binary COPY of one text column, gathered in a buffer
    that is overwritten, never shrunk, from batch to batch."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.end = 0
        self.count = 0

    def clear(self) -> None:
        self.end = self.count = 0

    def write(self, message: bytes) -> None:
        start = _HEADER if message.startswith(_SIGNATURE) else 0
        if len(message) - start <= _TRAILER:
            return  # the header alone, or the trailer (alone, or after the header)
        end = self.end + len(message) - start - _ROW_HEAD
        self.buffer[self.end : end] = memoryview(message)[start + _ROW_HEAD :]
        self.end = end
        self.count += 1


def _fork_batches(
    out: IO[str], conns: list[sqlite3.Connection], sql: str, batches: list[list[Any]]
) -> int:
    """SQLite: each connection in a process of its own. Two threads of one process
    measured no faster than one, at twice the CPU: SQLite's allocator takes one
    process-wide mutex (its memory statistics, on by default and not settable from
    Python), and building JSON allocates all the time. A forked child reads on the
    connection opened here — its read transaction, and so the snapshot, is held by
    this process, which alone closes it — and sends each batch's lines back whole;
    they are written in batch order, child by child."""
    import multiprocessing  # here: ~35 ms that only a parallel export needs

    context = multiprocessing.get_context("fork")
    receivers, children = [], []
    try:
        for k, conn in enumerate(conns):
            receiver, sender = context.Pipe(duplex=False)
            child = context.Process(
                target=_child,
                args=(conn, sql, batches[k :: len(conns)], sender),
                daemon=True,
            )
            child.start()
            sender.close()
            receivers.append(receiver)
            children.append(child)
        write, count = _writer(out), 0
        for number in range(len(batches)):
            try:
                blob = receivers[number % len(receivers)].recv_bytes()
            except EOFError:
                raise StoreError("the export stopped: a process reading the store ended") from None
            if blob[:1] == b"E":
                raise StoreError(blob[1:].decode("utf-8", "replace"))
            write([memoryview(blob)[9:]])
            count += int(blob[1:9])
        return count
    finally:
        for child in children:
            if child.is_alive() and sys.exc_info()[0] is not None:
                child.terminate()
            child.join()
        for receiver in receivers:
            receiver.close()


def _child(conn: sqlite3.Connection, sql: str, batches: list[list[Any]], sender: Any) -> None:
    """One child's batches, each sent as `L`, how many lines (8 digits) and the
    lines, or `E` and what failed."""
    try:
        for args in batches:
            rows = conn.execute(sql, args).fetchall()
            lines = [line for _, line in rows]
            sender.send_bytes(b"".join([b"L%08d" % len(lines), *lines]))
    except Exception as exc:  # the parent words it; a child has no terminal of its own
        sender.send_bytes(b"E" + str(exc).encode("utf-8", "replace"))
    finally:
        sender.close()
        # no interpreter shutdown: it would close the parent's connections too
        os._exit(0)


def _writer(out: IO[str]) -> Callable[[Sequence[bytes | memoryview]], None]:
    """Writes a batch's lines (UTF-8, in one piece or several) to `out`: to its byte
    stream when it has one in UTF-8, else decoded (a StringIO)."""
    raw = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None) or ""
    utf8 = encoding and codecs.lookup(encoding).name == "utf-8"
    if raw is not None and utf8:
        out.flush()  # whatever the text layer holds (the header) goes first
        drop = _dropper(out)

        def to_bytes(pieces: Sequence[bytes | memoryview]) -> None:
            raw.writelines(pieces)
            drop(sum(len(piece) for piece in pieces))

        return to_bytes

    def to_text(pieces: Sequence[bytes | memoryview]) -> None:
        out.writelines(bytes(piece).decode("utf-8") for piece in pieces)

    return to_text


def _dropper(out: IO[str]) -> Callable[[int], None]:
    """Tells the kernel, every DROP_EVERY bytes, that the file's pages written so
    far will not be read again: the 9 GB of a 1M export then do not push the store's
    own pages out of the page cache while it is being read. posix_fadvise DONTNEED
    starts writing a range back and drops what is already written back, so each call
    covers the range of the call before it too."""
    try:
        fd = out.fileno()
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
    except (OSError, ValueError, io.UnsupportedOperation):
        regular = False
    if not regular or not DROP_EVERY or not hasattr(os, "posix_fadvise"):
        return lambda size: None
    buffer = out.buffer  # type: ignore[attr-defined]
    offsets = [0, 0, buffer.tell()]  # two calls ago, the last call, written so far

    def drop(size: int) -> None:
        offsets[2] += size
        if offsets[2] - offsets[1] >= DROP_EVERY:
            buffer.flush()
            os.posix_fadvise(fd, offsets[0], offsets[2] - offsets[0], os.POSIX_FADV_DONTNEED)
            offsets[:2] = offsets[1:]

    return drop


@contextmanager
def _snapshot(db: peewee.Database, workers: int) -> Iterator[list[Any] | None]:
    """`workers` new connections reading one snapshot of the store, or None."""
    if db.in_transaction():
        # the caller's transaction: on SQLite it may hold writes others cannot see;
        # on PostgreSQL a read-only one (a backup's) is shared, see below
        if is_sqlite(db) or not _read_only(db):
            yield None
            return
    elif is_sqlite(db) and _in_memory(db):
        yield None  # every connection to :memory: is a database of its own
        return
    conns: list[Any] = []
    try:
        conns = [_connection(db) for _ in range(workers)]
        ok = _begin_sqlite(db, conns) if is_sqlite(db) else _begin_postgres(db, conns)
        yield conns if ok else None
    finally:
        for conn in conns:
            try:
                conn.rollback()
            finally:
                conn.close()


def _connection(db: peewee.Database) -> Any:
    """A new connection as the store's own are made (pragmas, server options), which
    peewee does not hand to this thread as its connection."""
    return db._connect()  # type: ignore[attr-defined]  # peewee's stubs omit it


def _in_memory(db: peewee.Database) -> bool:
    name = str(db.database)
    return name in ("", ":memory:") or "mode=memory" in name


def _read_only(db: peewee.Database) -> bool:
    (value,) = db.execute_sql("SHOW transaction_read_only").fetchone()
    return bool(value == "on")


def _begin_sqlite(db: peewee.Database, conns: list[sqlite3.Connection]) -> bool:
    holder = _connection(db)
    try:
        try:
            holder.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
            holder.execute("BEGIN IMMEDIATE")
        except sqlite3.Error:
            return False  # a read-only file, or a writer that kept the lock too long
        for conn in conns:
            conn.text_factory = bytes
            conn.execute(f"PRAGMA cache_size = -{CACHE_KB}")
            conn.execute("BEGIN")
            # the first read fixes the connection's snapshot (WAL read mark)
            conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        holder.execute("ROLLBACK")
        return True
    finally:
        holder.close()


def _begin_postgres(db: peewee.Database, conns: Sequence[Any]) -> bool:
    if db.in_transaction():
        source = db.connection()  # the caller's read-only transaction (a backup)
    else:
        source = conns[0]
        _begin_pg(source)
    cursor = source.cursor()
    cursor.execute("SELECT pg_export_snapshot()")
    (snapshot,) = cursor.fetchone()
    cursor.close()
    for conn in conns:
        if conn is source:
            continue
        _begin_pg(conn)
        cursor = conn.cursor()
        cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
        cursor.close()
    return True


def _begin_pg(conn: Any) -> None:
    cursor = conn.cursor()
    cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    cursor.close()
