"""The inbox read back (issue 16): every message `mail check` has handled, by its
Message-ID, so a second check does nothing — replies, bounces and unsubscribes
(which also leave a touch) and automatic or unmatched mail (which do not).

It also puts back the search triggers migration 0010 lost on SQLite: peewee adds
a NOT NULL column there by copying the table, and the copy of `lead` and `touch`
dropped the triggers of 0004 and 0009 (ARCHITECTURE.md: such a migration must
recreate them). The missing ones are created again from those migrations' own
statements and their indexes rebuilt, so rows written meanwhile are found too.
"""

import importlib.util
from pathlib import Path

import peewee as pw


def up(migrator, db):
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Lead(Base):
        class Meta:
            table_name = "lead"

    class InboxMessage(Base):
        message_id = pw.CharField(unique=True)
        kind = pw.CharField()
        lead = pw.ForeignKeyField(Lead, null=True, on_delete="SET NULL")
        seen_at = pw.BigIntegerField()

    db.create_tables([InboxMessage])
    if isinstance(db, pw.SqliteDatabase):
        _restore_search_triggers(db)


def _sibling(name):
    spec = importlib.util.spec_from_file_location(
        f"_migration_{name[:4]}", Path(__file__).with_name(name)
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _names(db, kind):
    rows = db.execute_sql("SELECT name FROM sqlite_master WHERE type = ?", (kind,)).fetchall()
    return {name for (name,) in rows}


def _restore_search_triggers(db):
    tables = _names(db, "table")
    if "lead_fts" not in tables:
        return  # built without FTS5: search uses LIKE, there are no triggers to restore
    statements = list(_sibling("0004_search.py").SQLITE_SEARCH)
    if "lead_words" in tables:
        statements += _sibling("0009_folded_search.py").WORDS
    have = _names(db, "trigger")
    rebuilt = set()
    for statement in statements:
        words = statement.split()
        if words[:2] == ["CREATE", "TRIGGER"] and words[2] not in have:
            db.execute_sql(statement)
            rebuilt.add(words[2].rsplit("_", 1)[0])
    for table in ("lead_fts", "lead_words"):
        if table in rebuilt:
            db.execute_sql(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
    if "note_fts" in rebuilt:
        # Only touches with a note are indexed (0004's own first fill, not 'rebuild').
        fill = next(s for s in statements if s.startswith("INSERT INTO note_fts(rowid, note)"))
        db.execute_sql("INSERT INTO note_fts(note_fts) VALUES ('delete-all')")
        db.execute_sql(fill)
