"""The export's lines read by two connections at one snapshot (fulldump_lines), on
both engines: the same bytes as one connection writes, to a file as to a StringIO; a
commit after the snapshot is in neither connection; and where the snapshot cannot
be shared, the export says so and runs on its own connection."""

from __future__ import annotations

import io
import itertools
import threading

import pytest

from leaddesk.core.demo import fill_demo
from leaddesk.core.domain.errors import StoreError
from leaddesk.core.store.db import database, is_sqlite
from leaddesk.core.store.models import Lead
from leaddesk.core.store.schema import close_store, open_store
from leaddesk.core.transfer import fulldump, fulldump_lines
from leaddesk.core.transfer.fulldump_sql import LinesQuery, batch_end_sql, lines_sql

_real_active_count = threading.active_count


@pytest.fixture(autouse=True)
def _one_thread(monkeypatch):
    """Another test's leftover thread would keep SQLite's export on one connection
    (no fork beside threads): these tests are about the two."""
    monkeypatch.setattr(fulldump_lines.threading, "active_count", lambda: 1)


def _serial(size: int, statuses: tuple[str, ...] = ()) -> str:
    """The lines as one connection writes them (the path before fulldump_lines)."""
    db = database.obj
    query = lines_sql(db, Lead, fulldump.CHILDREN, len(statuses))
    assert query is not None
    out = io.StringIO()
    step = batch_end_sql(db, Lead, len(statuses), size)
    fulldump.one_connection(out, query, step, list(statuses), size)
    return out.getvalue()


def _parallel(out, size: int, statuses: tuple[str, ...] = ()) -> int | None:
    db = database.obj
    query = lines_sql(db, Lead, fulldump.CHILDREN, len(statuses))
    assert query is not None
    step = batch_end_sql(db, Lead, len(statuses), size)
    return fulldump_lines.parallel_lines(db, out, query, step, list(statuses), size)


@pytest.mark.parametrize("statuses", [(), ("new", "working")])
def test_two_connections_write_what_one_writes(store, now, settings, tmp_path, statuses):
    fill_demo(14, now, settings, seed=5)
    Lead.delete_by_id(Lead.select(Lead.id).order_by(Lead.id).offset(6).scalar())  # a gap
    expected = _serial(3, statuses)
    assert expected.count("\n") >= 4  # several batches, more than are ever in flight
    text = io.StringIO()
    assert _parallel(text, 3, statuses) == expected.count("\n")
    assert text.getvalue() == expected
    path = tmp_path / "out.jsonl"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("header\n")  # what the text layer holds goes before the lines
        assert _parallel(handle, 3, statuses) == expected.count("\n")
        handle.write("after\n")
    assert path.read_text(encoding="utf-8") == "header\n" + expected + "after\n"


def test_batches_that_end_with_the_leads_and_outnumber_the_buffers(store, now, settings):
    """A last batch with no lead (the leads a multiple of the batch size) counts none,
    and a buffer reused for a later, shorter batch holds only that batch's lines."""
    fill_demo(12, now, settings, seed=3)
    buffers = fulldump_lines.AHEAD * fulldump_lines.WORKERS + 1
    assert buffers < 12 // 2  # every buffer is used again
    expected = _serial(2)
    text = io.StringIO()
    assert _parallel(text, 2) == 12
    assert text.getvalue() == expected


def test_lines_are_taken_out_of_binary_copy_messages():
    """What PostgreSQL 16 sends for `COPY (SELECT line …) TO STDOUT (FORMAT binary)`:
    the header with the first row, a row a message, the trailer alone; or, for no
    row, the header and the trailer in one message."""
    header = fulldump_lines._SIGNATURE + bytes(8)
    trailer = b"\xff\xff"

    def row(line: bytes) -> bytes:
        return b"\x00\x01" + len(line).to_bytes(4, "big") + line

    lines = fulldump_lines._Lines()
    for message in (header + row(b'{"a":1}\n'), row(b"\n"), row("é\n".encode()), trailer):
        lines.write(message)
    assert (bytes(lines.buffer[: lines.end]), lines.count) == (b'{"a":1}\n\n' + "é\n".encode(), 3)
    lines.clear()  # the next batch: shorter, over the same buffer
    for message in (header + row(b"x\n"), trailer):
        lines.write(message)
    assert (bytes(lines.buffer[: lines.end]), lines.count) == (b"x\n", 1)
    lines.clear()
    lines.write(header + trailer)
    assert (lines.end, lines.count) == (0, 0)


def test_a_commit_after_the_snapshot_is_in_neither_connection(store, now, settings):
    fill_demo(4, now, settings, seed=2)
    with fulldump_lines._snapshot(database.obj, 2) as conns:
        assert conns is not None
        Lead.insert(name="Late", received_at=now, created_at=now, updated_at=now).execute()
        for conn in conns:
            cursor = conn.cursor()
            cursor.execute("SELECT count(*) FROM lead")
            assert cursor.fetchone() == (4,)
    assert Lead.select().count() == 5


def test_a_backup_shares_its_own_snapshot(store, now, settings):
    """PostgreSQL's backup exports inside its read-only transaction: the lines are
    read at that transaction's snapshot, not at a later one."""
    if is_sqlite(database.obj):
        pytest.skip("SQLite's backup copies the file (files.backup_sqlite)")
    fill_demo(4, now, settings, seed=2)
    db = database.obj
    with db.atomic():
        db.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        assert Lead.select().count() == 4  # the snapshot is taken here
        _insert_elsewhere(now)
        out = io.StringIO()
        assert _parallel(out, 3) == 4
    assert Lead.select().count() == 5


def _insert_elsewhere(now) -> None:
    """A lead committed by another connection (another rep's desk)."""
    sql, params = Lead.insert(name="Late", received_at=now, created_at=now, updated_at=now).sql()
    conn = database.obj._connect()
    try:
        cursor = conn.cursor()
        cursor.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def test_a_write_transaction_of_the_caller_keeps_the_export_on_its_connection(store, now, settings):
    fill_demo(3, now, settings, seed=1)
    with database.obj.atomic() as transaction:
        Lead.insert(name="Unsaved", received_at=now, created_at=now, updated_at=now).execute()
        assert _parallel(io.StringIO(), 3) is None  # the others could not see "Unsaved"
        out = io.StringIO()
        assert fulldump.export_jsonl(out, now) == 4
        assert "Unsaved" in out.getvalue()
        transaction.rollback()


@pytest.mark.sqlite_only
def test_an_in_memory_store_is_exported_on_its_one_connection(now, settings):
    open_store(":memory:")
    try:
        fill_demo(3, now, settings, seed=1)
        assert _parallel(io.StringIO(), 3) is None
        out = io.StringIO()
        assert fulldump.export_jsonl(out, now) == 3
    finally:
        close_store()


@pytest.mark.sqlite_only
def test_a_file_whose_lock_cannot_be_taken_is_exported_on_one_connection(
    store, now, settings, monkeypatch
):
    fill_demo(3, now, settings, seed=1)
    expected = _serial(2)
    monkeypatch.setattr(fulldump_lines, "LOCK_WAIT_MS", 0)
    writer = database.obj._connect()
    writer.execute("BEGIN IMMEDIATE")  # another program's write, not yet committed
    try:
        assert _parallel(io.StringIO(), 2) is None
        out = io.StringIO()
        assert fulldump._lines_from_sql(out, _sql(), [], size=2) == 3
        assert out.getvalue() == expected
    finally:
        writer.rollback()
        writer.close()


def _sql() -> LinesQuery:
    query = lines_sql(database.obj, Lead, fulldump.CHILDREN, 0)
    assert query is not None
    return query


def test_the_written_file_is_let_go_of_the_page_cache_as_it_grows(
    store, now, settings, tmp_path, monkeypatch
):
    """Every DROP_EVERY bytes the kernel is told the pages written so far will not be
    read again, each call covering the range of the call before (written back by
    then); a pipe or a StringIO is not advised."""
    fill_demo(9, now, settings, seed=4)
    expected = _serial(2)
    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(fulldump_lines, "DROP_EVERY", 4_000)
    monkeypatch.setattr(
        fulldump_lines.os, "posix_fadvise", lambda fd, at, size, advice: calls.append((at, size))
    )
    path = tmp_path / "out.jsonl"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("header\n")
        assert _parallel(handle, 2) == 9
    assert path.read_text(encoding="utf-8") == "header\n" + expected
    assert len(calls) >= 2
    assert calls[0][0] == 0
    for (at, size), (next_at, next_size) in itertools.pairwise(calls):
        assert at <= next_at < at + size < next_at + next_size  # overlapping, moving on
    assert calls[-1][0] + calls[-1][1] <= path.stat().st_size
    calls.clear()
    assert _parallel(io.StringIO(), 2) == 9
    assert calls == []


@pytest.mark.sqlite_only
def test_a_failing_batch_in_a_child_is_one_clear_error(store, now, settings):
    fill_demo(5, now, settings, seed=1)
    db = database.obj
    broken = "SELECT l.id, json('{') FROM lead l WHERE l.id > ? ORDER BY l.id LIMIT ?"
    with pytest.raises(StoreError, match="malformed JSON"):
        fulldump_lines.parallel_lines(
            db, io.StringIO(), LinesQuery(broken), batch_end_sql(db, Lead, 0, 2), [], 2
        )


@pytest.mark.sqlite_only
def test_beside_another_thread_sqlite_is_exported_on_one_connection(store, now, settings):
    fill_demo(3, now, settings, seed=1)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        with pytest.MonkeyPatch.context() as patch:
            # the real count, which the module's fixture replaced
            patch.setattr(fulldump_lines.threading, "active_count", _real_active_count)
            assert _parallel(io.StringIO(), 2) is None
    finally:
        release.set()
        other.join()
