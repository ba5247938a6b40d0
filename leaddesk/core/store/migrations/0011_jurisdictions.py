"""Calling rules by jurisdiction (issue 13): a lead's window key gains its
jurisdictions ("America/New_York|US US-FL"), computed from its phones and
address, so the queue still asks one IN over the few distinct keys; every call
touch records the rules that allowed it and the packs' version (the audit)."""

from collections import defaultdict

from leaddesk.core.domain.jurisdictions import place_codes, split_key, window_key


def up(migrator, db):
    # Plain ADD COLUMN … DEFAULT on both engines: peewee's add_column of a NOT NULL
    # column copies the table on SQLite, which would drop the search triggers.
    for column in ("rules", "rules_version"):
        db.execute_sql(
            f'ALTER TABLE "touch" ADD COLUMN "{column}" VARCHAR(255) NOT NULL DEFAULT \'\''
        )
    _recompute_keys(db)


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
