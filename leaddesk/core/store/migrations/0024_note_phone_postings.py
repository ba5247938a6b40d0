"""Touch notes and phone numbers get ordered posting tables too, as the lead fields did.

After migration 0021 the search's remaining cost on PostgreSQL was 0014's GIN
indexes of `touch.note` and `phone.e164`: a GIN index hands back every candidate in
no useful order, so a common term ("rec" at 100k leads: 8,087 notes) made the
search count the candidates and then read the touch table newest first (rows of
~730 bytes; 33 ms for "PO rec" under load), and an area code ("604") fetched and
sorted every number holding it. `search_note_gram(gram, touch_id)` and
`search_phone_gram(gram, phone_id)`, each with its primary key in that order, are
posting lists a B-tree reads backwards, newest row first: the search walks one key
of the typed terms, judges each row with the same ILIKE as before and stops when
the page is full (core/reads/search_postings.py; 0.6-0.8 ms for "rec", warm).

A key is a trigram of the folded text (0014's folding, `translate(lower(text),
ACCENTED, PLAIN)`, character for character): of a note of a touch the search reads
(`note <> ''`, `channel <> 'system'`, 0014's partial index), of every number's
E.164. Unlike 0021 there is no count table: which key to walk is read from the
column's statistics (`pg_stats`, a larger sample than the default: every key of
the numbers and a note's common ones). Counts would be updated by every logged
touch with a note, the most frequent write of a team: each desk would queue on
the rows of the common keys ("ask", "all") and two writes of several notes each
could deadlock. A stale statistic costs a longer walk, never a wrong hit.

Triggers keep both tables for every writer (raw writes included); a bulk writer
may switch them off for the rows it inserts and index those at the end
(`reads.search.bulk_indexing`: the settings `leaddesk.search_touch_after` and
`leaddesk.search_phone_after` hold the highest ids before the fill, as 0021's
`leaddesk.search_bulk_after` does for leads). 0014's GIN indexes stay: the
search no longer reads them where these tables exist, but a store where this
migration could not run still does.

Nothing on SQLite (FTS5 answers there). If the objects cannot be made (no CREATE
right), nothing is made: the search reads 0014's indexes as before.
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

# plpgsql, not sql: migration 0021 measured an inlined SQL function ~200x slower here.
GRAMS = f"""CREATE OR REPLACE FUNCTION leaddesk_grams(t text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    f text := translate(lower(t), '{ACCENTED}', '{PLAIN}');
BEGIN
    RETURN ARRAY(SELECT DISTINCT substr(f, i, 3) FROM generate_series(1, length(f) - 2) AS i);
END $$"""

# (table, posting table, its id column, the searched column, rows the search reads:
# 0014's partial index, `{r}` the row's prefix)
POSTED = (
    ("touch", "search_note_gram", "touch_id", "note", "{r}note <> '' AND {r}channel <> 'system'"),
    ("phone", "search_phone_gram", "phone_id", "e164", "TRUE"),
)
SETTINGS = {"touch": "leaddesk.search_touch_after", "phone": "leaddesk.search_phone_after"}
FILLS = {"touch": "leaddesk_index_notes", "phone": "leaddesk_index_phones"}


def table_sql(posting: str, id_column: str) -> str:
    return f'CREATE TABLE {posting} (gram text COLLATE "C" NOT NULL, {id_column} integer NOT NULL)'


def fill_sql(table: str, posting: str, id_column: str, column: str, read: str) -> str:
    """`FILLS[table](after)`: the keys of the rows with an id above `after`, in one
    statement — the migration's fill, and a bulk writer's at the end."""
    return f"""CREATE OR REPLACE FUNCTION {FILLS[table]}(after bigint) RETURNS void
    LANGUAGE sql AS $$
INSERT INTO {posting} (gram, {id_column})
SELECT unnest(leaddesk_grams({column})), id FROM {table}
WHERE id > after AND {read.format(r="")} $$"""


def trigger_sql(table: str, posting: str, id_column: str, column: str, read: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION leaddesk_search_{table}_grams() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    after bigint := NULLIF(current_setting('{SETTINGS[table]}', true), '')::bigint;
    rid integer;
    old_keys text[] := '{{}}';
    new_keys text[] := '{{}}';
BEGIN
    IF TG_OP = 'DELETE' THEN rid := OLD.id; ELSE rid := NEW.id; END IF;
    IF rid > after THEN
        RETURN NULL;  -- a bulk writer's row: indexed once at the end of its fill
    END IF;
    IF TG_OP <> 'INSERT' AND {read.format(r="OLD.")} THEN
        old_keys := leaddesk_grams(OLD.{column});
    END IF;
    IF TG_OP <> 'DELETE' AND {read.format(r="NEW.")} THEN
        new_keys := leaddesk_grams(NEW.{column});
    END IF;
    -- (each statement skipped when it has nothing to do: a logged touch only inserts)
    IF old_keys <> '{{}}' THEN
        DELETE FROM {posting}
            WHERE gram = ANY(old_keys) AND NOT gram = ANY(new_keys) AND {id_column} = rid;
    END IF;
    IF new_keys <> '{{}}' THEN
        INSERT INTO {posting} (gram, {id_column})
            SELECT k, rid FROM unnest(new_keys) AS k WHERE NOT k = ANY(old_keys);
    END IF;
    RETURN NULL;
END $$"""


def triggers_sql(table: str, columns: tuple[str, ...]) -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
    run = f"FOR EACH ROW EXECUTE FUNCTION leaddesk_search_{table}_grams()"
    return [
        f"CREATE TRIGGER search_{table}_gram_insert AFTER INSERT ON {table} {run}",
        f"CREATE TRIGGER search_{table}_gram_update AFTER UPDATE OF {', '.join(columns)}"
        f" ON {table} FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION"
        f" leaddesk_search_{table}_grams()",
        f"CREATE TRIGGER search_{table}_gram_delete AFTER DELETE ON {table} {run}",
    ]


WATCHED = {"touch": ("note", "channel"), "phone": ("e164",)}
# the statistics' sample is 300 rows per unit: 300,000 postings, and up to 1,000 keys
# with their share (https://www.postgresql.org/docs/16/planner-stats.html)
STATISTICS = 1000


def up(migrator, db):
    if not isinstance(db, pw.PostgresqlDatabase):
        return
    try:
        with db.atomic():  # a savepoint: a refusal leaves the rest of the upgrade intact
            db.execute_sql(GRAMS)
            # the keys sorted into their index once, not inserted into it one by one
            db.execute_sql("SET LOCAL maintenance_work_mem = '256MB'")
            for table, posting, id_column, column, read in POSTED:
                db.execute_sql(table_sql(posting, id_column))
                db.execute_sql(fill_sql(table, posting, id_column, column, read))
                db.execute_sql(f"SELECT {FILLS[table]}(0)")
                db.execute_sql(f"ALTER TABLE {posting} ADD PRIMARY KEY (gram, {id_column})")
                db.execute_sql(f"ALTER TABLE {posting} ALTER gram SET STATISTICS {STATISTICS}")
                db.execute_sql(f"ANALYZE {posting}")  # the walk chooses its key from these
                db.execute_sql(trigger_sql(table, posting, id_column, column, read))
                for statement in triggers_sql(table, WATCHED[table]):
                    db.execute_sql(statement)
    except pw.ProgrammingError:
        pass  # no right to create them here: search reads 0014's indexes (doctor says so)
