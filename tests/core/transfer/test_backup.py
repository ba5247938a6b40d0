"""Backups made while another connection writes; restores that check the file,
keep the current database aside and replace its content in one step."""

from __future__ import annotations

import sqlite3
import stat
import threading

import peewee
import pytest

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.store.db import SQLITE_PRAGMAS
from leaddesk.core.store.models import Lead
from leaddesk.core.store.schema import HISTORY_TABLE, close_store, open_store
from leaddesk.core.transfer.backup import backup_store, inspect_store_file, restore_store
from leaddesk.core.writes.leads import add_lead

# The SQLite online backup API and a file swap (PostgreSQL: test_backup_pg.py).
sqlite_only = pytest.mark.sqlite_only


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def check_consistent(path) -> int:
    """integrity ok, and every lead has its phone and 'received' touch; the lead count."""
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        orphans = con.execute(
            "SELECT COUNT(*) FROM lead WHERE id NOT IN (SELECT lead_id FROM phone)"
            " OR id NOT IN (SELECT lead_id FROM touch WHERE outcome = 'received')"
        ).fetchone()[0]
        assert orphans == 0
        return con.execute("SELECT COUNT(*) FROM lead").fetchone()[0]
    finally:
        con.close()


@sqlite_only
def test_backup_while_another_connection_writes(tmp_path, store, make_lead, now, settings):
    for i in range(200):
        make_lead(f"Lead {i}", f"+1 212 555 {i:04d}")
    stop = threading.Event()
    written = []

    def writer() -> None:
        # a second desk: its own connection (peewee gives each thread one)
        i = 0
        while not stop.is_set():
            add_lead(LeadDraft(name=f"New {i}", phones=[(f"+1 312 555 {i % 10000:04d}", "")]),
                     now, settings)  # fmt: skip
            written.append(i)
            i += 1
        store.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        counts = []
        for n in range(5):
            while len(written) < (n + 1) * 5:
                stop.wait(0.01)
            made = backup_store(tmp_path / f"backup-{n}.db")
            counts.append(check_consistent(made.path))
            assert mode(tmp_path / f"backup-{n}.db") == 0o600
    finally:
        stop.set()
        thread.join()
    assert counts == sorted(counts) and counts[0] >= 200
    assert counts[-1] > counts[0], "the writer went on while backups were taken"
    assert Lead.select().count() >= counts[-1]
    assert not list(tmp_path.glob("backup-*.db-wal")), "a backup is one plain file"


@sqlite_only
def test_backup_refuses_the_database_itself_and_folders(tmp_path, store):
    with pytest.raises(InvalidInput, match="the database itself"):
        backup_store(tmp_path / "t.db")
    with pytest.raises(InvalidInput, match="is a folder"):
        backup_store(tmp_path)


@sqlite_only
def test_inspect_refuses_what_leaddesk_cannot_read(tmp_path, store):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(InvalidInput, match="not a SQLite database"):
        inspect_store_file(text)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (y)").connection.commit()
    with pytest.raises(InvalidInput, match="not a leaddesk database"):
        inspect_store_file(other)
    newer = backup_store(tmp_path / "newer.db").path
    con = sqlite3.connect(newer)
    con.execute(f"INSERT INTO {HISTORY_TABLE} (name, applied) VALUES ('0999_future', '2030')")
    con.commit()
    con.close()
    with pytest.raises(InvalidInput, match=r"newer leaddesk .*0999_future"):
        inspect_store_file(newer)
    with pytest.raises(InvalidInput, match="no file"):
        inspect_store_file(tmp_path / "missing.db")


@sqlite_only
def test_restore_replaces_the_content_and_keeps_the_old_one_aside(tmp_path, store, make_lead, now):
    make_lead("Kept", "+1 212 555 0100")
    backup = backup_store(tmp_path / "backup.db")
    make_lead("Added after the backup", "+1 212 555 0101")
    asked = []

    def confirm(incoming, current, aside) -> bool:
        asked.append((incoming.leads, current.leads, aside.name))
        return True

    result = restore_store(backup.path, now, confirm)
    assert asked == [(1, 2, "t.before-restore-20261123T190000.db")]
    assert [lead.name for lead in Lead.select()] == ["Kept"]
    assert result is not None and result.previous.leads == 2
    aside = tmp_path / "t.before-restore-20261123T190000.db"
    assert check_consistent(aside) == 2 and mode(aside) == 0o600
    assert mode(tmp_path / "t.db") == 0o600
    assert not list(tmp_path.glob("*.restoring*"))
    second = restore_store(backup.path, now, confirm)
    assert second is not None and second.aside.endswith("-2.db"), "never over an earlier copy"


@sqlite_only
def test_restore_that_is_not_confirmed_changes_nothing(tmp_path, store, make_lead, now):
    make_lead("Kept", "+1 212 555 0100")
    backup = backup_store(tmp_path / "backup.db")
    make_lead("Also kept", "+1 212 555 0101")
    assert restore_store(backup.path, now, lambda *_: False) is None
    assert Lead.select().count() == 2
    assert not list(tmp_path.glob("t.before-restore*")) and not list(tmp_path.glob("*.restoring*"))


@sqlite_only
def test_a_desk_holding_the_database_open_sees_the_restored_data(tmp_path, store, make_lead, now):
    make_lead("In the backup", "+1 212 555 0100")
    backup = backup_store(tmp_path / "backup.db")
    make_lead("Not in the backup", "+1 212 555 0101")
    desk = peewee.SqliteDatabase(str(tmp_path / "t.db"), pragmas=SQLITE_PRAGMAS)
    desk.connect()
    assert desk.execute_sql("SELECT COUNT(*) FROM lead").fetchone() == (2,)
    restore_store(backup.path, now, lambda *_: True)
    assert desk.execute_sql("SELECT name FROM lead").fetchall() == [("In the backup",)]
    desk.close()


@sqlite_only
def test_restore_refuses_a_bad_file_before_touching_anything(tmp_path, store, make_lead, now):
    make_lead("Kept", "+1 212 555 0100")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(InvalidInput):
        restore_store(junk, now, lambda *_: True)
    assert Lead.select().count() == 1
    close_store()
    open_store(str(tmp_path / "t.db"))
    assert Lead.select().count() == 1
