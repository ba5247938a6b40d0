"""Fewer bytes and fewer cold pages at a million leads (issue 15, point 5).

- PostgreSQL: migration 0014's GIN indexes over touch notes (`touch_note_trigrams`)
  and phone numbers (`phone_e164_trigrams`) are dropped where migration 0024's
  posting tables replace them. Since 0024 the search reads `search_note_gram` and
  `search_phone_gram` (core/reads/search_postings.py: a note term shorter than three
  letters scans, as before; a number is searched from three digits), so the GINs
  were kept up by every noted touch and built by every demo fill for nothing: at
  100k leads the notes' GIN took 14 of the fill's 54 s of index builds; at 1M the
  two hold 200 MB. A store where 0024 could not make its tables keeps them (the
  search still reads them there), as 0021 dropped the lead's only beside its own.
- Both engines: `appointment_open_lead`, the open promises of a lead in time order
  (`(lead_id, at) WHERE NOT done`), which is every lead-scoped question the program
  asks of `appointment` (the lead view, log outcome, the DUE page's rows, hand-offs,
  invitations). Nine in ten promises of a store are done; `appointment(lead_id,
  done)` holds them all (9 MB at 1M leads) and each lead view read one of its leaves
  from outside PostgreSQL's shared buffers (0.8 blocks a view at 1M, BENCHMARKS.md);
  the open ones alone are a few pages that stay in memory. `appointment(lead_id,
  done)` stays: deleting a lead finds every promise through it (ON DELETE CASCADE).
- Both engines: `phone(lead_id, position)` becomes `phone(lead_id, position, e164, raw,
  label, bad)`, so a lead's numbers come from the index alone (an index-only scan on
  PostgreSQL, a covering index on SQLite): the lead view, the DUE page's holds and
  the dialer read every column they ask of `phone` there, and skip the table's page
  (1.8 blocks a view were read from outside shared buffers at 1M for the numbers).
- PostgreSQL: the posting tables' bulk fills (`leaddesk_index_leads`,
  `leaddesk_index_notes`, `leaddesk_index_phones`: a demo fill's and a restore's end)
  compute each row's keys in the INSERT itself (a LATERAL subquery, planned once)
  instead of calling the plpgsql `leaddesk_grams()` per row: the same keys, with
  ~5x less server CPU (the notes of 100k demo leads, 9.2M keys: 24-31 s -> 4.5-5.7 s).
  The triggers keep calling the functions: one row at a time, that is their job.
"""

import importlib.util
from pathlib import Path

import peewee as pw

_spec = importlib.util.spec_from_file_location(
    "m0014", Path(__file__).with_name("0014_trigram_search.py")
)
assert _spec and _spec.loader
_m0014 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_m0014)
ACCENTED, PLAIN = _m0014.ACCENTED, _m0014.PLAIN


def _folded(expression: str) -> str:
    return f"translate(lower({expression}), '{ACCENTED}', '{PLAIN}')"


def _pieces(folded: str, prefix: str = "") -> str:
    """The three-letter pieces of a `folded` text (a name in FROM), each after
    `prefix`, as a subquery."""
    return (
        f"SELECT {prefix!r} || substr({folded}, i, 3)"
        f" FROM generate_series(1, length({folded}) - 2) AS i"
    )


# Each text is folded once, as a function in FROM (evaluated once a row): an
# expression would be copied into every piece's substr(), and translate() with the
# 256-letter table costs ~10 µs.


def _keys(column: str) -> str:
    """`leaddesk_grams(column)` as a subquery: the folded column's pieces, distinct."""
    return f"SELECT DISTINCT k FROM {_folded(column)} AS f, LATERAL ({_pieces('f')}) AS d(k)"


# 0021's keys of a lead `l` (its `leaddesk_lead_grams()`), distinct
LEAD_KEYS = (
    "SELECT DISTINCT k FROM "
    + _folded("' ' || l.name")
    + " AS n, "
    + _folded("l.name || ' ' || l.company || ' ' || l.email || ' ' || l.notes")
    + " AS t, LATERAL ("
    + _pieces("n", "n")
    + " UNION ALL SELECT 'n ' || left(w, 1) FROM regexp_split_to_table(n, ' ') AS w"
    + " WHERE w <> '' UNION ALL "
    + _pieces("t", "t")
    + ") AS g(k)"
)

# Every column read is NOT NULL, so no row meets the functions' STRICT NULL.
FILLS = [
    f"""CREATE OR REPLACE FUNCTION leaddesk_index_leads(after bigint) RETURNS void
    LANGUAGE sql AS $$
WITH added AS (
    INSERT INTO search_gram (gram, lead_id)
    SELECT g.k, l.id FROM lead l CROSS JOIN LATERAL ({LEAD_KEYS}) AS g WHERE l.id > after
    RETURNING gram)
INSERT INTO search_gram_count AS c (gram, n)
SELECT gram, count(*) FROM added GROUP BY gram ORDER BY gram
ON CONFLICT (gram) DO UPDATE SET n = c.n + EXCLUDED.n $$""",
    f"""CREATE OR REPLACE FUNCTION leaddesk_index_notes(after bigint) RETURNS void
    LANGUAGE sql AS $$
INSERT INTO search_note_gram (gram, touch_id)
SELECT g.k, t.id FROM touch t CROSS JOIN LATERAL ({_keys("t.note")}) AS g
WHERE t.id > after AND t.note <> '' AND t.channel <> 'system' $$""",
    f"""CREATE OR REPLACE FUNCTION leaddesk_index_phones(after bigint) RETURNS void
    LANGUAGE sql AS $$
INSERT INTO search_phone_gram (gram, phone_id)
SELECT g.k, p.id FROM phone p CROSS JOIN LATERAL ({_keys("p.e164")}) AS g
WHERE p.id > after $$""",
]
# each fill's posting table's key: redefined only where its table exists
FILLED = ("search_gram_pkey", "search_note_gram_pkey", "search_phone_gram_pkey")

# 0014's index → the primary key of the 0024 posting table that replaces it
REPLACED = {
    "touch_note_trigrams": "search_note_gram_pkey",
    "phone_e164_trigrams": "search_phone_gram_pkey",
}


def up(migrator, db):
    postgres = isinstance(db, pw.PostgresqlDatabase)
    # (SQLite stores a boolean as 0/1; the models declare the same predicate)
    closed = "false" if postgres else "0"
    db.execute_sql(
        'CREATE INDEX IF NOT EXISTS "appointment_open_lead" ON "appointment"'
        f' ("lead_id", "at") WHERE "done" = {closed}'
    )
    db.execute_sql('DROP INDEX IF EXISTS "phone_lead_id_position"')
    db.execute_sql(
        'CREATE INDEX IF NOT EXISTS "phone_lead_id_position_e164_raw_label_bad" ON "phone"'
        ' ("lead_id", "position", "e164", "raw", "label", "bad")'
    )
    if not postgres:
        # Whole statistics for the two tables now: left to PRAGMA optimize's sampled
        # ANALYZE at close (analysis_limit=400), `appointment_done_at` was costed at 401
        # rows per `done` value on a 1M store, and the DUE page's promises walked every
        # open promise through it (36 ms against 0.3 ms).
        db.execute_sql("ANALYZE appointment")
        db.execute_sql("ANALYZE phone")
        return
    here = {
        name
        for (name,) in db.execute_sql(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
        ).fetchall()
    }
    for index, posting in REPLACED.items():
        if posting in here:
            db.execute_sql(f'DROP INDEX IF EXISTS "{index}"')
    for fill, key in zip(FILLS, FILLED, strict=True):
        if key in here:
            db.execute_sql(fill)
