"""Upgrades: every fixture database kept in tests/data/schema (one per schema
version, made by make_fixture.py) opens under this program without losing or
changing a row; a backup is taken before any migration; a failed migration is
one clear line; a database from a newer leaddesk is refused untouched and closed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pendulum
import pytest
from core_helpers import schema_drift

from leaddesk.core.domain.clock import FixedClock
from leaddesk.core.domain.errors import StoreError
from leaddesk.core.domain.jurisdictions import split_key
from leaddesk.core.store.db import database
from leaddesk.core.store.schema import (
    HISTORY_TABLE,
    close_store,
    migrations,
    open_store,
    program_schema_version,
    schema_version,
)

FIXTURES = sorted((Path(__file__).parents[2] / "data" / "schema").glob("v*.db"))
NUMBERS = sorted(int(p.stem[:4]) for p in migrations.DIRECTORY.glob("[0-9][0-9][0-9][0-9]_*.py"))
CLOCK = FixedClock(pendulum.datetime(2026, 11, 24, 15, 0, 0, tz="UTC"))
STAMP = "20261124T150000"

Rows = dict[str, dict[tuple, dict[str, object]]]


def rows(path: Path) -> Rows:
    """Every row of every table, keyed by primary key (rowid where there is none).

    An FTS5 index's own pages (`<index>_data`, `_idx`, `_docsize`) are left out:
    a migration may rebuild an index (0014 does), which rewrites them, while the
    rows it indexes stay as they were (the index itself is read as a table)."""
    con = sqlite3.connect(path)
    try:
        found = con.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        virtual = [name for name, sql in found if sql.startswith("CREATE VIRTUAL TABLE")]
        pages = {f"{v}_{part}" for v in virtual for part in ("data", "idx", "docsize")}
        tables = [name for name, _ in found if name not in pages]
        everything: Rows = {}
        for table in tables:
            info = con.execute(f'PRAGMA table_info("{table}")').fetchall()
            columns = [c[1] for c in info]
            key = [c[1] for c in sorted(info, key=lambda c: c[5]) if c[5]] or ["rowid"]
            select = ", ".join(f'"{c}"' for c in key + columns)
            everything[table] = {
                tuple(row[: len(key)]): dict(zip(columns, row[len(key) :], strict=True))
                for row in con.execute(f'SELECT {select} FROM "{table}"')
            }
        return everything
    finally:
        con.close()


FTS_SHADOWS = ("_fts_data", "_fts_idx", "_fts_docsize", "_words_data", "_words_idx")
FTS_SHADOWS += ("_words_docsize",)


def _key_gained_places(table: str, column: str, old: object, new: object) -> bool:
    """A lead's window key that kept its zones and gained jurisdictions (0011)."""
    if (table, column) != ("lead", "call_zones") or not isinstance(new, str):
        return False
    return isinstance(old, str) and split_key(new)[0] == split_key(old)[0] and "|" not in old


def lost_or_changed(before: Rows, after: Rows) -> list[str]:
    """What an upgrade may not do: drop a table, lose or add a row to an existing
    table (the migration history aside), or change a value in an existing column."""
    problems = []
    for table, old in before.items():
        if table.endswith(FTS_SHADOWS):
            continue  # a search index's own storage: 0011 rebuilds what 0010 left unindexed
        new = after.get(table)
        if new is None:
            problems.append(f"table {table} is gone")
            continue
        # 0011 adds each lead's jurisdictions to its window key: new zone sets appear
        grows = table in (HISTORY_TABLE, "zone_set")
        if (set(new) < set(old)) if grows else (set(new) != set(old)):
            problems.append(f"{table}: rows {sorted(set(old) ^ set(new))[:5]} lost or added")
        for key, values in old.items():
            kept = new.get(key, {})
            changed = {
                c: (v, kept.get(c, "<gone>"))
                for c, v in values.items()
                if kept.get(c) != v and not _key_gained_places(table, c, v, kept.get(c))
            }
            if key in new and changed:
                problems.append(f"{table} {key}: {changed}")
    return problems


def applied_numbers(path: Path) -> set[int]:
    con = sqlite3.connect(path)
    try:
        return {int(name[:4]) for (name,) in con.execute(f"SELECT name FROM {HISTORY_TABLE}")}
    finally:
        con.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def backups(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.bak"))


def test_there_is_a_fixture_for_the_first_schema():
    assert FIXTURES and FIXTURES[0].name == "v0001.db"


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_each_old_schema_upgrades_without_losing_or_changing_a_row(fixture, tmp_path):
    path = tmp_path / "leaddesk.db"
    shutil.copyfile(fixture, path)
    before = rows(path)
    assert before["lead"] and before["touch"], "the fixture holds data"
    # Numbers are reserved per branch, so a file can lack one below its newest
    # (v0020 was made before 0019 merged): what is pending is what it has not applied.
    missing = [n for n in NUMBERS if n not in applied_numbers(path)]
    os.umask(0o022)
    db = open_store(str(path), clock=CLOCK)
    try:
        assert schema_version(db) == program_schema_version()
        assert not schema_drift(db), "an upgraded file matches the models"
    finally:
        close_store()
    assert lost_or_changed(before, rows(path)) == []
    if missing:
        (backup,) = backups(tmp_path)
        # named after the first migration the file did not have (numbers may skip)
        assert backup.name == f"leaddesk.db.pre-{min(missing):04d}-{STAMP}.bak"
        assert mode(backup) == 0o600
        assert rows(backup) == before
    else:
        assert backups(tmp_path) == [], "nothing to migrate, no backup"


def test_the_comparison_sees_a_lost_or_changed_row(tmp_path):
    path = tmp_path / "t.db"
    shutil.copyfile(FIXTURES[0], path)
    before = rows(path)
    con = sqlite3.connect(path)
    con.execute("DELETE FROM touch WHERE id = (SELECT max(id) FROM touch)")
    con.execute("UPDATE lead SET name = 'Changed' WHERE id = 1")
    con.commit()
    con.close()
    problems = lost_or_changed(before, rows(path))
    assert any(p.startswith("touch: rows") for p in problems)
    assert any(p.startswith("lead (1,)") and "Changed" in p for p in problems)


# --- a migration added after this fixture: a copy of the scripts plus one more ---

NEXT = program_schema_version() + 1
ADD_COLUMN = """
import peewee as pw


def up(migrator, db):
    # a plain ADD COLUMN: peewee's copying one on SQLite trips 0018's triggers (ARCHITECTURE.md)
    db.execute_sql("ALTER TABLE lead ADD COLUMN nickname VARCHAR(255) NOT NULL DEFAULT ''")
    db.execute_sql("CREATE TABLE badge (id INTEGER PRIMARY KEY, lead_id INTEGER)")
"""
BROKEN = """
def up(migrator, db):
    db.execute_sql("CREATE TABLE half_done (id INTEGER PRIMARY KEY)")
    raise RuntimeError("the script has a bug")
"""


def scripts_plus(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "migrations"
    shutil.copytree(migrations.DIRECTORY, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / f"{NEXT:04d}_next.py").write_text(body)
    return folder


@pytest.fixture
def current(tmp_path) -> Path:
    """A populated database at this program's schema, as the last fixture upgrades to."""
    path = tmp_path / "data" / "leaddesk.db"
    path.parent.mkdir()
    shutil.copyfile(FIXTURES[-1], path)
    open_store(str(path), clock=CLOCK)
    close_store()
    for old in backups(path.parent):
        old.unlink()
    return path


def test_a_backup_is_taken_before_a_migration_and_rows_survive_it(current, tmp_path):
    before = rows(current)
    os.umask(0o022)
    open_store(str(current), clock=CLOCK, directory=scripts_plus(tmp_path, ADD_COLUMN))
    try:
        assert schema_version() == NEXT
    finally:
        close_store()
    (backup,) = backups(current.parent)
    assert backup.name == f"leaddesk.db.pre-{NEXT:04d}-{STAMP}.bak"
    assert mode(backup) == 0o600
    assert rows(backup) == before
    after = rows(current)
    assert lost_or_changed(before, after) == []
    assert {r["nickname"] for r in after["lead"].values()} == {""}
    assert "badge" in after


INDEX_ON_TOUCH = """
def up(migrator, db):
    db.execute_sql("CREATE INDEX touch_outcome_next ON touch (outcome)")
"""


def test_an_upgrade_leaves_whole_statistics(current, tmp_path):
    """PRAGMA optimize at close would sample the new index (analysis_limit=400): wrong
    plans on a big store. The upgrade counts it whole before anything reads."""
    open_store(str(current), clock=CLOCK, directory=scripts_plus(tmp_path, INDEX_ON_TOUCH))
    try:
        db = database.obj
        (touches,) = db.execute_sql("SELECT COUNT(*) FROM touch").fetchone()
        found = db.execute_sql(
            "SELECT stat FROM sqlite_stat1 WHERE idx = 'touch_outcome_next'"
        ).fetchone()
        assert found is not None, "no statistics for the new index"
        assert int(found[0].split()[0]) == touches
    finally:
        close_store()


def test_a_new_database_needs_no_backup(tmp_path):
    open_store(str(tmp_path / "new.db"), clock=CLOCK)
    close_store()
    assert backups(tmp_path) == []


def test_a_failed_migration_is_one_line_and_names_the_backup(current, tmp_path):
    before = rows(current)
    with pytest.raises(StoreError) as info:
        open_store(str(current), clock=CLOCK, directory=scripts_plus(tmp_path, BROKEN))
    message = str(info.value)
    assert "upgrading database" in message and "the script has a bug" in message
    assert f"pre-{NEXT:04d}-{STAMP}.bak" in message and "\n" not in message
    assert database.obj.is_closed()
    assert rows(current) == before, "the failed migration was rolled back"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_newer_database_is_refused_untouched_and_closed(current):
    con = sqlite3.connect(current)
    con.execute(
        f"INSERT INTO {HISTORY_TABLE} (name, applied) VALUES (?, ?)",
        (f"{NEXT:04d}_from_the_future", "2030-01-01 00:00:00"),
    )
    con.commit()
    con.close()
    before = digest(current)
    with pytest.raises(StoreError, match="newer leaddesk") as info:
        open_store(str(current), clock=CLOCK)
    assert "upgrade leaddesk" in str(info.value)
    assert database.obj.is_closed(), "the refused file is not kept open"
    assert digest(current) == before
    assert backups(current.parent) == []


def test_a_store_upgraded_to_schema_9_finds_names_without_their_accents(tmp_path):
    from leaddesk.core.reads.search import search

    path = tmp_path / "leaddesk.db"
    shutil.copyfile(Path(__file__).parents[2] / "data" / "schema" / "v0008.db", path)
    open_store(str(path), clock=CLOCK)
    try:
        hostile = [h for h in search("zoe") if h.name.startswith("Zoë")]
        assert hostile and hostile[0].field == "name"  # "Zoë …", indexed by 0009's rebuild
    finally:
        close_store()


def test_an_upgrade_from_schema_10_keeps_the_search_triggers(tmp_path):
    """No later migration copies `lead` or `touch` (which would drop their search
    triggers): a store from schema 10 still finds its leads after the upgrade."""
    from leaddesk.core.reads.search import search
    from leaddesk.core.store.models import Lead

    path = tmp_path / "leaddesk.db"
    shutil.copyfile(next(f for f in FIXTURES if f.stem == "v0010"), path)
    db = open_store(str(path), clock=CLOCK)
    try:
        rows = db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {name for (name,) in rows.fetchall()}
        assert {"lead_fts_insert", "lead_words_update", "note_fts_delete"} <= triggers
        lead = Lead.select().order_by(Lead.id).first()
        assert lead.id in [hit.lead_id for hit in search(lead.name.split()[0], limit=100)]
    finally:
        close_store()
