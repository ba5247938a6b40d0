"""Search on PostgreSQL: one typed letter finds a name's word start from an index.

Migration 0014's trigram index answers two letters or more (" da" is a trigram
of the padded name). One letter has no trigram, so "find as you type" scanned
the whole `lead` table at its first keystroke (0.2-0.3 s at 100k leads). This
adds the array of the first letters of the folded name's words (split on
spaces, as the search's `ILIKE 'w%' OR ILIKE '% w%'` reads them), under
built-in GIN like 0014's, so the index hands back every name the ILIKE can
accept. The folding is 0014's (`translate(lower(name), ACCENTED, PLAIN)`),
character for character: the search writes the same expression.

Nothing on SQLite (FTS5 answers there). If the function or the index cannot be
made (no CREATE right), nothing is made and the search scans as before.
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

FUNCTION = """CREATE OR REPLACE FUNCTION leaddesk_initials(t text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 5000
    AS $$ SELECT ARRAY(SELECT DISTINCT left(w, 1) FROM regexp_split_to_table(t, ' ') AS w
                      WHERE w <> '') $$"""

INDEX = (
    "CREATE INDEX lead_name_initials ON lead USING gin (leaddesk_initials("
    f"translate(lower(name), '{ACCENTED}', '{PLAIN}')))"
)


def up(migrator, db):
    if not isinstance(db, pw.PostgresqlDatabase):
        return
    try:
        with db.atomic():  # a savepoint: a refusal leaves the rest of the upgrade intact
            db.execute_sql(FUNCTION)
            db.execute_sql(INDEX)
    except pw.ProgrammingError:
        pass  # no right to create them here: one letter scans (doctor says so)
