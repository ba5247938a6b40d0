"""Find ignores accents: a word index of leads with the diacritics removed (SQLite FTS5).

`lead_words` (name, company, email, notes) uses FTS5's `unicode61` tokenizer
with `remove_diacritics 2`, so "angstrom" finds "Zoë Ångström" by a word's
start and "alvarez" finds "José Álvarez". The trigram index of migration 0004
keeps finding substrings as typed; SQLite 3.40 (our floor) has no
`remove_diacritics` for trigrams (added in 3.45), hence a second index.
Triggers written in plain SQL keep it in step, like 0004's, so rows written by
any connection (the sqlite3 shell included) are indexed; `reads/search.py`
`bulk_indexing` knows its insert trigger.

On PostgreSQL (or SQLite without FTS5) nothing is made: search folds accents in
the LIKE fallback itself.
"""

import peewee as pw

_COLUMNS = "name, company, email, notes"
_NEW = "new.id, new.name, new.company, new.email, new.notes"
_OLD = "old.id, old.name, old.company, old.email, old.notes"

WORDS = [
    f"""CREATE VIRTUAL TABLE lead_words USING fts5(
        {_COLUMNS}, content='lead', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    "INSERT INTO lead_words(lead_words) VALUES ('rebuild')",
    f"""CREATE TRIGGER lead_words_insert AFTER INSERT ON lead BEGIN
        INSERT INTO lead_words(rowid, {_COLUMNS}) VALUES ({_NEW});
    END""",
    f"""CREATE TRIGGER lead_words_delete AFTER DELETE ON lead BEGIN
        INSERT INTO lead_words(lead_words, rowid, {_COLUMNS}) VALUES ('delete', {_OLD});
    END""",
    # as lead_fts_update: only when a searched column really changes
    f"""CREATE TRIGGER lead_words_update AFTER UPDATE OF {_COLUMNS} ON lead
    WHEN old.name IS NOT new.name OR old.company IS NOT new.company
        OR old.email IS NOT new.email OR old.notes IS NOT new.notes
    BEGIN
        INSERT INTO lead_words(lead_words, rowid, {_COLUMNS}) VALUES ('delete', {_OLD});
        INSERT INTO lead_words(rowid, {_COLUMNS}) VALUES ({_NEW});
    END""",
]


def _has_fts5(db):
    row = db.execute_sql(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'lead_fts'"
    ).fetchone()
    return bool(row and row[0])


def up(migrator, db):
    if isinstance(db, pw.SqliteDatabase) and _has_fts5(db):
        for statement in WORDS:
            db.execute_sql(statement)
