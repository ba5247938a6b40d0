"""Search on PostgreSQL from an index: GIN over the trigrams of the folded text.

SQLite finds text through FTS5 (migrations 0004, 0009); PostgreSQL scanned
with ILIKE (193 ms a keystroke at 100k leads). `pg_trgm` would index that
ILIKE, but the server the tests and team mode bundle (pgserver 0.1.4, PostgreSQL
16.2) ships no contrib extension (only plpgsql and vector), and a team's
server may not allow it. So this migration needs none: an IMMUTABLE SQL
function `leaddesk_trigrams(text)` returns a text's three-character pieces,
and built-in GIN (array_ops) indexes that array of each searched text, folded
the way the search's ILIKE folds it: `translate(lower(text), accented, plain)`
(`unaccent` is only STABLE, so no index can use it — and it is an extension
too; https://stackoverflow.com/questions/11005036). The search asks
`leaddesk_trigrams(folded text) @> leaddesk_trigrams(typed term)` and keeps
the ILIKE as the judge (core/reads/search_engines.py `TrigramEngine`): the
same rows as the scan, from an index. The index expressions must stay
exactly as the search writes them; the ACCENTED/PLAIN strings below are the
search's `_accent_table()` as it was (tests/core/reads/test_search_engines.py
compares them).

Indexes are kept by PostgreSQL itself, so raw `executemany` writes (demo,
import) are indexed too. Nothing on SQLite. If the function or the indexes
cannot be made (no CREATE right), nothing is made: search scans as before and
`leaddesk doctor` says so.
"""

import peewee as pw

ACCENTED = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöøùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĴĵĶķĹĺĻļĽľŁłŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻǾǿȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳ"  # noqa: E501
PLAIN = "aaaaaaceeeeiiiinoooooouuuuyaaaaaaceeeeiiiinoooooouuuuyyaaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiijjkkllllllllnnnnnnoooooorrrrrrssssssssttttuuuuuuuuuuuuwwyyyzzzzzzsoouuaaiioouuuuuuuuuuaaaaggkkoooojggnnaaooaaaaeeeeiiiioooorrrruuuusstthhaaeeooooooooyy"  # noqa: E501


def _folded(expression):
    return f"translate(lower({expression}), '{ACCENTED}', '{PLAIN}')"


# COST: computing a text's trigrams is dear (~10 µs); at the default cost the planner
# would rather run it on every row read newest first than read the index.
FUNCTION = """CREATE OR REPLACE FUNCTION leaddesk_trigrams(t text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 5000
    AS $$ SELECT ARRAY(SELECT substr(t, i, 3) FROM generate_series(1, length(t) - 2) AS i) $$"""

INDEXES = [
    # the name padded with a space: a word's start (" da") is a trigram too
    "CREATE INDEX lead_name_trigrams ON lead USING gin (leaddesk_trigrams("
    + _folded("' ' || name")
    + "))",
    "CREATE INDEX lead_text_trigrams ON lead USING gin (leaddesk_trigrams("
    + _folded("name || ' ' || company || ' ' || email || ' ' || notes")
    + "))",
    f"CREATE INDEX phone_e164_trigrams ON phone USING gin (leaddesk_trigrams({_folded('e164')}))",
    f"CREATE INDEX touch_note_trigrams ON touch USING gin (leaddesk_trigrams({_folded('note')}))"
    " WHERE note <> '' AND channel <> 'system'",
]


def up(migrator, db):
    if not isinstance(db, pw.PostgresqlDatabase):
        return
    try:
        with db.atomic():  # a savepoint: a refusal leaves the rest of the upgrade intact
            db.execute_sql(FUNCTION)
            for statement in INDEXES:
                db.execute_sql(statement)
    except pw.ProgrammingError:
        pass  # no right to create them here: search scans (doctor says so)
