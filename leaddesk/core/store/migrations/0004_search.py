"""Search: full-text indexes over leads, phones and notes (SQLite FTS5), and a name index.

Three FTS5 tables with the trigram tokenizer (case-insensitive substrings of
three characters or more), kept in sync by TRIGGERS, so rows written by any
path — services, or the raw `executemany` of the demo and import code — are
indexed in the same transaction:

- `lead_fts` (name, company, email, notes): external content on `lead`
  (rowid = lead id), nothing stored twice;
- `phone_fts` (digits of the E.164 number, digits of the number as typed):
  rowid = phone id;
- `note_fts` (note): external content on `touch` (rowid = touch id), only
  touches with a note that are not system touches ("received").

A later migration that rebuilds the `lead`, `phone` or `touch` table (a
SQLite ALTER that copies the table) drops these triggers and must recreate
them; tests/core/reads/test_search.py fails if rows stop being indexed.

On PostgreSQL (or a SQLite built without FTS5) only the name index is made;
`core/search.py` falls back to LIKE there until PostgreSQL full-text search
arrives.
"""

import peewee as pw

# Digits of a phone number as typed: the usual separators removed.
_RAW_DIGITS = "replace(replace(replace(replace(replace(replace({raw}, ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''), '+', '')"  # noqa: E501

_NOTED = "{t}.note != '' AND {t}.channel != 'system'"

SQLITE_SEARCH = [
    """CREATE VIRTUAL TABLE lead_fts USING fts5(
        name, company, email, notes,
        content='lead', content_rowid='id', tokenize='trigram')""",
    "INSERT INTO lead_fts(lead_fts) VALUES ('rebuild')",
    """CREATE TRIGGER lead_fts_insert AFTER INSERT ON lead BEGIN
        INSERT INTO lead_fts(rowid, name, company, email, notes)
        VALUES (new.id, new.name, new.company, new.email, new.notes);
    END""",
    """CREATE TRIGGER lead_fts_delete AFTER DELETE ON lead BEGIN
        INSERT INTO lead_fts(lead_fts, rowid, name, company, email, notes)
        VALUES ('delete', old.id, old.name, old.company, old.email, old.notes);
    END""",
    # Only when a searched column really changes: every logged outcome saves
    # the whole lead row, and must not pay for re-indexing it.
    """CREATE TRIGGER lead_fts_update AFTER UPDATE OF name, company, email, notes ON lead
    WHEN old.name IS NOT new.name OR old.company IS NOT new.company
        OR old.email IS NOT new.email OR old.notes IS NOT new.notes
    BEGIN
        INSERT INTO lead_fts(lead_fts, rowid, name, company, email, notes)
        VALUES ('delete', old.id, old.name, old.company, old.email, old.notes);
        INSERT INTO lead_fts(rowid, name, company, email, notes)
        VALUES (new.id, new.name, new.company, new.email, new.notes);
    END""",
    "CREATE VIRTUAL TABLE phone_fts USING fts5(digits, typed, tokenize='trigram')",
    f"""INSERT INTO phone_fts(rowid, digits, typed)
        SELECT id, substr(e164, 2), {_RAW_DIGITS.format(raw="raw")} FROM phone""",
    f"""CREATE TRIGGER phone_fts_insert AFTER INSERT ON phone BEGIN
        INSERT INTO phone_fts(rowid, digits, typed)
        VALUES (new.id, substr(new.e164, 2), {_RAW_DIGITS.format(raw="new.raw")});
    END""",
    """CREATE TRIGGER phone_fts_delete AFTER DELETE ON phone BEGIN
        DELETE FROM phone_fts WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER phone_fts_update AFTER UPDATE OF e164, raw ON phone
    WHEN old.e164 IS NOT new.e164 OR old.raw IS NOT new.raw
    BEGIN
        UPDATE phone_fts SET digits = substr(new.e164, 2),
            typed = {_RAW_DIGITS.format(raw="new.raw")} WHERE rowid = new.id;
    END""",
    """CREATE VIRTUAL TABLE note_fts USING fts5(
        note, content='touch', content_rowid='id', tokenize='trigram')""",
    # Not 'rebuild': that would index every touch, and the delete trigger
    # below must remove exactly what was indexed.
    f"""INSERT INTO note_fts(rowid, note)
        SELECT id, note FROM touch WHERE {_NOTED.format(t="touch")}""",
    f"""CREATE TRIGGER note_fts_insert AFTER INSERT ON touch
    WHEN {_NOTED.format(t="new")}
    BEGIN
        INSERT INTO note_fts(rowid, note) VALUES (new.id, new.note);
    END""",
    f"""CREATE TRIGGER note_fts_delete AFTER DELETE ON touch
    WHEN {_NOTED.format(t="old")}
    BEGIN
        INSERT INTO note_fts(note_fts, rowid, note) VALUES ('delete', old.id, old.note);
    END""",
    f"""CREATE TRIGGER note_fts_update AFTER UPDATE OF note, channel ON touch
    WHEN old.note IS NOT new.note OR old.channel IS NOT new.channel
    BEGIN
        INSERT INTO note_fts(note_fts, rowid, note)
        SELECT 'delete', old.id, old.note WHERE {_NOTED.format(t="old")};
        INSERT INTO note_fts(rowid, note)
        SELECT new.id, new.note WHERE {_NOTED.format(t="new")};
    END""",
]


def _has_trigram_fts5(db):
    """FTS5 with the trigram tokenizer (SQLite 3.34+ built with FTS5)."""
    try:
        db.execute_sql("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x, tokenize='trigram')")
    except pw.OperationalError:
        return False
    db.execute_sql("DROP TABLE temp.fts5_probe")
    return True


def up(migrator, db):
    # The lead list pages through leads in name order.
    migrator.migrate(migrator.add_index("lead", ("name",), False))
    # Without FTS5 (or on PostgreSQL) search falls back to LIKE scans.
    if isinstance(db, pw.SqliteDatabase) and _has_trigram_fts5(db):
        for statement in SQLITE_SEARCH:
            db.execute_sql(statement)
