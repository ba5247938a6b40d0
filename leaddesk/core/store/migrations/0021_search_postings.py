"""Search on PostgreSQL reads an ordered posting table: trigram → lead ids, newest first.

Migration 0014's GIN indexes hand back every candidate of a trigram in no useful
order, so a page of 30 hits for "Kwame" fetched and judged all 1,235 candidates
(~3 µs each; p95 22 ms a keystroke at 100k leads, BENCHMARKS.md "Search at
scale"). `search_gram(gram, lead_id)`, with its primary key in that order, is a
posting list a B-tree reads backwards: the search walks the rarest key of the
typed terms newest lead first, judges each lead with the same ILIKE as before, and
stops when the page is full (core/reads/search_postings.py). `search_gram_count`
holds how many leads hold each key, so the rarest is one lookup.

A key is a kind letter and a piece of the folded text (0014's folding,
`translate(lower(text), ACCENTED, PLAIN)`, character for character):
- `t` + each trigram of name, company, email and notes joined by spaces (0014's
  `lead_text_trigrams`): a term in any field;
- `n` + each trigram of the name padded with a space (0014's `lead_name_trigrams`:
  a word's start " da" is one) — a term in the name, and two letters typed;
- `n ` + the first letter of each word of the name (0020's initials): one letter.
So this replaces the three GIN indexes of `lead`, which are dropped: a logged
outcome rewrites the lead row, and PostgreSQL added the new version to each of them
(no HOT update), while these triggers fire only when a searched field changes.
`phone` and `touch` keep their GIN indexes (0014).

Triggers keep both tables for every writer (raw writes included); a bulk writer may
switch them off for the rows it inserts and index those at the end
(`reads.search.bulk_indexing`: the setting `leaddesk.search_bulk_after` holds the
highest lead id before the fill). Counts change in the order of their keys, so two
writers never wait on each other in a cycle. The `C` collation compares keys as
bytes: their order means nothing, and it is the cheapest.

Nothing on SQLite (FTS5 answers there). If the objects cannot be made (no CREATE
right), nothing is made or dropped: the search reads 0014's indexes as before.
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

# plpgsql, not sql: a SQL function is inlined into the calling query, where this one ran
# ~200× slower (8.8 ms a lead, the CTE planned per row) than called as a function.
GRAMS = f"""CREATE OR REPLACE FUNCTION leaddesk_lead_grams(
        name text, company text, email text, notes text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    n text := translate(lower(' ' || name), '{ACCENTED}', '{PLAIN}');
    t text := translate(lower(name || ' ' || company || ' ' || email || ' ' || notes),
                        '{ACCENTED}', '{PLAIN}');
BEGIN
    RETURN ARRAY(SELECT DISTINCT k FROM (
        SELECT 'n' || substr(n, i, 3) FROM generate_series(1, length(n) - 2) AS i
        UNION ALL SELECT 'n ' || left(w, 1) FROM regexp_split_to_table(n, ' ') AS w
            WHERE w <> ''
        UNION ALL SELECT 't' || substr(t, i, 3) FROM generate_series(1, length(t) - 2) AS i
    ) AS g(k));
END $$"""

TABLES = [
    'CREATE TABLE search_gram (gram text COLLATE "C" NOT NULL, lead_id integer NOT NULL)',
    'CREATE TABLE search_gram_count (gram text COLLATE "C" PRIMARY KEY, n integer NOT NULL)',
]

# The keys of leads with an id above `after`, and their counts, in one statement: the
# migration's fill, and a bulk writer's at the end (`reads.search.bulk_indexing`).
FILL = """CREATE OR REPLACE FUNCTION leaddesk_index_leads(after bigint) RETURNS void
    LANGUAGE sql AS $$
WITH added AS (
    INSERT INTO search_gram (gram, lead_id)
    SELECT unnest(leaddesk_lead_grams(name, company, email, notes)), id FROM lead WHERE id > after
    RETURNING gram)
INSERT INTO search_gram_count AS c (gram, n)
SELECT gram, count(*) FROM added GROUP BY gram ORDER BY gram
ON CONFLICT (gram) DO UPDATE SET n = c.n + EXCLUDED.n $$"""

TRIGGER = """CREATE OR REPLACE FUNCTION leaddesk_search_grams() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    after bigint := NULLIF(current_setting('leaddesk.search_bulk_after', true), '')::bigint;
    lid integer;
    old_keys text[] := '{}';
    new_keys text[] := '{}';
BEGIN
    IF TG_OP = 'DELETE' THEN lid := OLD.id; ELSE lid := NEW.id; END IF;
    IF lid > after THEN
        RETURN NULL;  -- a bulk writer's row: indexed once at the end of its fill
    END IF;
    IF TG_OP <> 'INSERT' THEN
        old_keys := leaddesk_lead_grams(OLD.name, OLD.company, OLD.email, OLD.notes);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_keys := leaddesk_lead_grams(NEW.name, NEW.company, NEW.email, NEW.notes);
    END IF;
    DELETE FROM search_gram
        WHERE gram = ANY(old_keys) AND NOT gram = ANY(new_keys) AND lead_id = lid;
    INSERT INTO search_gram (gram, lead_id)
        SELECT k, lid FROM unnest(new_keys) AS k WHERE NOT k = ANY(old_keys);
    INSERT INTO search_gram_count AS c (gram, n)
        SELECT k, sum(d) FROM (
            SELECT k, 1 FROM unnest(new_keys) AS k WHERE NOT k = ANY(old_keys)
            UNION ALL SELECT k, -1 FROM unnest(old_keys) AS k WHERE NOT k = ANY(new_keys)
        ) AS change(k, d) GROUP BY k ORDER BY k
        ON CONFLICT (gram) DO UPDATE SET n = c.n + EXCLUDED.n;
    RETURN NULL;
END $$"""

_CHANGED = " OR ".join(
    f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in ("name", "company", "email", "notes")
)
TRIGGERS = [
    "CREATE TRIGGER search_gram_insert AFTER INSERT ON lead"
    " FOR EACH ROW EXECUTE FUNCTION leaddesk_search_grams()",
    "CREATE TRIGGER search_gram_update AFTER UPDATE OF name, company, email, notes ON lead"
    f" FOR EACH ROW WHEN ({_CHANGED}) EXECUTE FUNCTION leaddesk_search_grams()",
    "CREATE TRIGGER search_gram_delete AFTER DELETE ON lead"
    " FOR EACH ROW EXECUTE FUNCTION leaddesk_search_grams()",
]

REPLACED = ("lead_name_trigrams", "lead_text_trigrams", "lead_name_initials")


def up(migrator, db):
    if not isinstance(db, pw.PostgresqlDatabase):
        return
    try:
        with db.atomic():  # a savepoint: a refusal leaves the rest of the upgrade intact
            for statement in (GRAMS, *TABLES, FILL):
                db.execute_sql(statement)
            # the keys sorted into their index once, not inserted into it one by one
            db.execute_sql("SET LOCAL maintenance_work_mem = '256MB'")
            db.execute_sql("SELECT leaddesk_index_leads(0)")
            db.execute_sql("ALTER TABLE search_gram ADD PRIMARY KEY (gram, lead_id)")
            db.execute_sql("ANALYZE search_gram, search_gram_count")  # the walk's plan needs them
            db.execute_sql(TRIGGER)
            for statement in TRIGGERS:
                db.execute_sql(statement)
            for index in REPLACED:
                db.execute_sql(f'DROP INDEX IF EXISTS "{index}"')
    except pw.ProgrammingError:
        pass  # no right to create them here: search reads 0014's indexes (doctor says so)
