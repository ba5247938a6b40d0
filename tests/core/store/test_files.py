"""Owner-only files and the online SQLite backup; email syntax checks."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from leaddesk.core.domain.emails import normalise_email
from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.store.files import backup_sqlite, create_private, open_private


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_create_private_tightens_an_existing_world_readable_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("old")
    path.chmod(0o644)
    create_private(path)
    assert mode(path) == 0o600


def test_open_private_truncates_and_is_owner_only(tmp_path):
    path = tmp_path / "sub" / "out.csv"
    with open_private(path, "w", encoding="utf-8") as handle:
        handle.write("a,b\n")
    assert path.read_text() == "a,b\n"
    assert mode(path) == 0o600


def test_backup_copies_a_live_database_owner_only(tmp_path):
    live = sqlite3.connect(tmp_path / "live.db")
    live.execute("create table t (x)")
    live.executemany("insert into t values (?)", [(i,) for i in range(100)])
    live.commit()
    copy = backup_sqlite(live, tmp_path / "copy.db")
    assert mode(copy) == 0o600
    assert sqlite3.connect(copy).execute("select count(*) from t").fetchone() == (100,)
    assert not list(tmp_path.glob("copy.db*.partial"))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("  Dana@Example.COM ", "dana@example.com"), ("", ""), ("a.b+tag@sub.example.org", None)],
)
def test_normalise_email(typed, stored):
    assert normalise_email(typed) == (stored if stored is not None else typed.lower())


@pytest.mark.parametrize("typed", ["dana", "dana@", "@example.com", "da na@example.com", "a@b"])
def test_normalise_email_refuses_what_is_not_an_address(typed):
    with pytest.raises(InvalidInput, match="email"):
        normalise_email(typed)
