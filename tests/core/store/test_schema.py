"""Opening the store: refusals with one clear line, file mode, pragmas, UTC instants.

Migrations and model drift: test_migrations.py."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pendulum
import pytest

from leaddesk.core.domain.errors import StoreError
from leaddesk.core.store.db import UTCTimestamp, database, from_ms, mask_url, to_ms
from leaddesk.core.store.models import Lead
from leaddesk.core.store.schema import close_store, open_store


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_directory_is_refused_with_one_clear_line(tmp_path):
    with pytest.raises(StoreError) as info:
        open_store(str(tmp_path))
    message = str(info.value)
    assert "is a directory" in message and "\n" not in message


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 50)
    before = digest(path)
    with pytest.raises(StoreError, match="not a leaddesk database") as info:
        open_store(str(path))
    close_store()
    assert "\n" not in str(info.value)
    assert digest(path) == before
    assert not (tmp_path / "notes.db-wal").exists()


def test_a_path_under_a_file_is_refused(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError):
        open_store(str(blocker / "sub" / "t.db"))


def test_the_database_file_is_private(tmp_path):
    path = tmp_path / "deep" / "er" / "t.db"  # parent folders are created
    open_store(str(path))
    try:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    finally:
        close_store()


@pytest.mark.sqlite_only
def test_pragmas_are_in_effect(store):
    def pragma(name):
        return store.execute_sql(f"PRAGMA {name}").fetchone()[0]

    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 2  # FULL
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") == 5000


def test_foreign_keys_cascade(make_lead, now, settings):
    from leaddesk.core.store.models import Phone, Touch

    lead_id = make_lead()
    Lead.delete_by_id(lead_id)
    assert Phone.select().count() == 0 and Touch.select().count() == 0


def test_the_proxy_points_at_the_open_store(store):
    assert database.obj is store
    close_store()
    assert store.is_closed()


@pytest.mark.parametrize(
    "at",
    [
        pendulum.datetime(2026, 11, 23, 19, 0, 0, tz="UTC"),
        pendulum.datetime(2026, 11, 23, 14, 0, 0, tz="America/New_York"),
        pendulum.datetime(1970, 1, 1, tz="UTC"),
        pendulum.datetime(2026, 3, 8, 1, 59, 59, 999000, tz="America/Chicago"),
    ],
)
def test_instants_round_trip_as_utc_milliseconds(at):
    assert from_ms(to_ms(at)) == at
    assert from_ms(to_ms(at)).timezone_name == "UTC"


def test_naive_datetimes_are_refused():
    from datetime import datetime

    with pytest.raises(ValueError, match="naive"):
        UTCTimestamp().db_value(datetime(2026, 11, 23, 19, 0))


def test_stored_instants_order_chronologically(make_lead, settings, now):
    # an earlier instant written in a zone "ahead" of UTC still sorts first
    early = make_lead("Early", at=pendulum.datetime(2026, 11, 23, 18, 0, tz="Europe/Berlin"))
    late = make_lead("Late", at=now)
    order = [lead.id for lead in Lead.select().order_by(Lead.received_at)]
    assert order == [early, late]


@pytest.mark.parametrize(
    ("target", "shown"),
    [
        (
            "postgresql://rep:s3cret@db.example.com/leads",
            "postgresql://rep:***@db.example.com/leads",
        ),
        ("postgresql://db.example.com/leads", "postgresql://db.example.com/leads"),
        ("/home/rep/leaddesk.db", "/home/rep/leaddesk.db"),
    ],
)
def test_urls_are_shown_without_passwords(target, shown):
    assert mask_url(target) == shown
