"""Calling rules by jurisdiction (issue 13): a lead's window key gains its
jurisdictions ("America/New_York|US US-FL"), computed from its phones and
address, so the queue still asks one IN over the few distinct keys; every call
touch records the rules that allowed it and the packs' version (the audit)."""

import importlib.util
from collections import defaultdict
from pathlib import Path

import peewee as pw

from leaddesk.core.domain.jurisdictions import place_codes, split_key, window_key


def up(migrator, db):
    # Plain ADD COLUMN … DEFAULT on both engines: peewee's add_column of a NOT NULL
    # column copies the table on SQLite, which would drop the search triggers.
    for column in ("rules", "rules_version"):
        db.execute_sql(
            f'ALTER TABLE "touch" ADD COLUMN "{column}" VARCHAR(255) NOT NULL DEFAULT \'\''
        )
    _recompute_keys(db)
    if isinstance(db, pw.SqliteDatabase):
        _restore_search_triggers(db)


def _restore_search_triggers(db):
    """0010's add_column copied `lead` and `touch` on SQLite, which dropped the
    search triggers of 0004 and 0009: put back each one missing and reindex what
    was written without them."""
    have = {
        name for (name,) in db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    tables = {
        name for (name,) in db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    restored = set()
    for script, listing in (
        ("0004_search.py", "SQLITE_SEARCH"),
        ("0009_folded_search.py", "WORDS"),
    ):
        spec = importlib.util.spec_from_file_location(f"_leaddesk_{script[:4]}", HERE / script)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for statement in getattr(module, listing):
            words = statement.split()
            if words[:2] == ["CREATE", "TRIGGER"] and words[2] not in have:
                index = words[2].rsplit("_", 1)[0]
                if index in tables:
                    db.execute_sql(statement)
                    restored.add(index)
    for index in sorted(restored & {"lead_fts", "lead_words"}):
        db.execute_sql(f"INSERT INTO {index}({index}) VALUES ('rebuild')")
    if "note_fts" in restored:
        noted = "note != '' AND channel != 'system'"  # 0004's _NOTED
        db.execute_sql("INSERT INTO note_fts(note_fts) VALUES ('delete-all')")
        db.execute_sql(
            f"INSERT INTO note_fts(rowid, note) SELECT id, note FROM touch WHERE {noted}"
        )


HERE = Path(__file__).parent


def _recompute_keys(db):
    # Frozen SQL, not today's models: only the columns this step reads and writes.
    phones = defaultdict(list)
    for lead_id, e164 in db.execute_sql('SELECT "lead_id", "e164" FROM "phone"'):
        phones[lead_id].append(e164 or "")
    rows = db.execute_sql('SELECT "id", "call_zones", "country", "region" FROM "lead"')
    changes = []
    for lead_id, key, country, region in list(rows):
        places = place_codes(phones.get(lead_id, []), country or "", region or "")
        new = window_key(split_key(key or "")[0], places)
        if new != (key or ""):
            changes.append((new, lead_id))
    mark = db.param
    cursor = db.cursor()
    cursor.executemany(f'UPDATE "lead" SET "call_zones" = {mark} WHERE "id" = {mark}', changes)
    for key in sorted({new for new, _ in changes}):
        db.execute_sql(
            f'INSERT INTO "zone_set" ("key") SELECT {mark} WHERE NOT EXISTS '
            f'(SELECT 1 FROM "zone_set" WHERE "key" = {mark})',
            (key, key),
        )
