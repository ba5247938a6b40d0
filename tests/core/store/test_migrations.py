"""Migrations: a fresh db is at the newest version, models and migrations never drift,
reopening changes nothing, and a newer schema is refused without being touched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import peewee
import pytest
from core_helpers import schema_drift
from playhouse.schema_diff import diff_models

from leaddesk.core.domain.errors import StoreError
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.store.db import BaseModel
from leaddesk.core.store.models import Lead
from leaddesk.core.store.schema import (
    HISTORY_TABLE,
    close_store,
    migrations,
    open_store,
    schema_version,
)
from leaddesk.core.writes.leads import add_lead

# Every migration script, in order (numbers may have gaps while branches merge).
SCRIPTS = sorted(p.stem for p in migrations.DIRECTORY.glob("[0-9][0-9][0-9][0-9]_*.py"))
NEWEST = int(SCRIPTS[-1][:4])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def applied(db) -> list[str]:
    return [row[0] for row in db.execute_sql(f"SELECT name FROM {HISTORY_TABLE} ORDER BY id")]


# a fresh database applies them all
ALL = SCRIPTS


def test_a_fresh_database_is_at_the_newest_schema_version(store):
    assert ALL[0] == "0001_initial"
    assert schema_version(store) == NEWEST
    assert applied(store) == ALL


def test_migrations_and_models_do_not_drift(store):
    diff = schema_drift(store)
    assert not diff, f"models and migrations differ:\n{diff}"


def test_the_drift_check_can_fail(store):
    """A model with a column the migrations never made is reported."""

    class Drifted(BaseModel):  # stands alone: subclassing Lead would re-bind its backrefs
        name = peewee.CharField()
        nickname = peewee.CharField(default="")

        class Meta:
            table_name = "lead"

    diff = diff_models(store, [Drifted])
    assert "add column lead.nickname" in str(diff)


def test_reopening_is_idempotent_and_keeps_rows(tmp_path, settings, now):
    path = str(tmp_path / "t.db")
    db = open_store(path)
    lead_id = add_lead(LeadDraft(name="Kept", phones=[("+1 212 555 0142", "")]), now, settings)
    close_store()
    try:
        db = open_store(path)
        assert applied(db) == ALL
        assert schema_version(db) == NEWEST
        assert Lead.get_by_id(lead_id).name == "Kept"
        assert not schema_drift(db)
    finally:
        close_store()


def test_a_database_from_a_newer_leaddesk_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "newer.db"
    db = open_store(str(path))
    db.execute_sql(
        f"INSERT INTO {HISTORY_TABLE} (name, applied) VALUES (?, ?)",
        ("9999_from_the_future", "2030-01-01 00:00:00"),
    )
    close_store()
    before = digest(path)
    with pytest.raises(StoreError, match="newer leaddesk") as info:
        open_store(str(path))
    assert "9999_from_the_future" in str(info.value)
    close_store()
    assert digest(path) == before
    check = peewee.SqliteDatabase(str(path))
    try:
        assert applied(check) == [*ALL, "9999_from_the_future"]
    finally:
        check.close()


def test_a_store_from_before_call_sessions_upgrades_and_keeps_its_rows(tmp_path):
    import shutil
    import sqlite3

    from leaddesk.core.store.models import CallSession

    # A store written by the 0001 program (the kept fixture): today's models
    # cannot write into its tables, later migrations add columns to them.
    path = tmp_path / "old.db"
    shutil.copyfile(Path(__file__).parents[2] / "data" / "schema" / "v0001.db", path)
    with sqlite3.connect(path) as raw:
        (lead_id, name), *_ = raw.execute("SELECT id, name FROM lead ORDER BY id").fetchall()
    try:
        db = open_store(str(path))
        assert "0003_sessions" in applied(db)
        assert Lead.get_by_id(lead_id).name == name
        assert CallSession.select().count() == 0
        assert not schema_drift(db)
    finally:
        close_store()
