"""The quick opener (store/sql.open_quick): only a current SQLite file, as peewee opens it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from leaddesk.core.store import db as db_module
from leaddesk.core.store import migrations, sql
from leaddesk.core.store.schema import close_store, open_store


@pytest.fixture
def current_file(tmp_path) -> str:
    """A store at this program's schema, closed again."""
    target = str(tmp_path / "q.db")
    open_store(target)
    close_store()
    return target


def test_the_pragmas_are_peewees(current_file):
    assert dict(sql.QUICK_PRAGMAS) == db_module.SQLITE_PRAGMAS
    assert sql.QUICK_TIMEOUT_S == db_module.BUSY_TIMEOUT_S
    assert sql.HISTORY_TABLE == "schema_migration"


def test_a_current_file_opens_quickly_and_closes(current_file):
    assert sql.open_quick(current_file, migrations.DIRECTORY)
    try:
        handle = sql.current()
        assert isinstance(handle, sql.QuickSqlite)
        (mode,) = handle.execute_sql("PRAGMA journal_mode").fetchone()
        (keys,) = handle.execute_sql("PRAGMA foreign_keys").fetchone()
        assert (mode, keys) == ("wal", 1)
        with handle.atomic():
            with handle.atomic():  # joins the outer
                assert handle.in_transaction()
            assert handle.in_transaction()
        assert not handle.in_transaction()
    finally:
        sql.close_quick()
    assert sql._quick is None


def test_peewees_store_is_current_otherwise(current_file):
    db = open_store(current_file)
    try:
        assert sql.current() is db
    finally:
        close_store()


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def test_anything_unusual_is_declined(current_file, tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    declined = [
        "postgresql://u@localhost/x",
        f"sqlite:///{current_file}",
        ":memory:",
        "",
        str(tmp_path / "missing.db"),
        str(tmp_path),
        _write(tmp_path / "empty.db", b""),
        _write(tmp_path / "text.db", b"not a database at all, just text" * 100),
        str(other),
    ]
    for target in declined:
        assert not sql.open_quick(target, migrations.DIRECTORY), target
        assert sql._quick is None
    assert not (tmp_path / "missing.db").exists()  # nothing created


@pytest.mark.parametrize("change", ["older", "newer"])
def test_a_store_at_another_schema_is_declined(current_file, tmp_path, change):
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    names = sorted(p.name for p in migrations.DIRECTORY.glob("[0-9]*.py"))
    kept = [*names, "9999_next.py"] if change == "older" else names[:-1]
    for name in kept:
        (scripts / name).write_text("")
    assert not sql.open_quick(current_file, scripts)
    assert sql._quick is None
    assert sql.open_quick(current_file, migrations.DIRECTORY)
    sql.close_quick()
