"""Search on SQLite at a million leads: names get indexes of their own, words get prefixes.

Measured on the bench's 1M store (BENCHMARKS.md, "Search at scale"), three shapes
grew with the store:

- one or two letters ("ou") scanned every name for a word starting with them
  (0.2-0.8 s): FTS5 has no trigram shorter than three characters;
- the name pass (`{name} : "gmail.c"` on `lead_fts`) walked every lead whose
  email holds the text, then dropped it for the column (20-50 ms): an FTS5
  doclist has one entry per row, whatever the column;
- a typed word ending in a short piece (`"gmail.c"*` on `lead_words`: the word
  "gmail", then any word starting with "c") merged the doclist of every word
  starting with "c" (~100 ms).

So: `lead_names` (the name only, `unicode61 remove_diacritics 2` like 0009's
`lead_words`, with prefix indexes of one to three characters) answers a name's
word start at any length; `name_fts` (the name only, trigram) answers the name
pass; and `lead_words` is made again with the same prefix indexes. FTS5's
`prefix='1 2 3'` keeps an index of every token's first one, two and three
characters, so a prefix query of that length reads one doclist instead of
merging every matching token's ("com"* merged every word starting so: ~25 ms)
(https://sqlite.org/fts5.html#prefix_indexes). The lead indexes are then merged
into one segment each ('optimize', https://sqlite.org/fts5.html#the_optimize_command).

Kept by triggers like 0004's and 0009's (only when the name really changes: an
outcome saves the whole row and must not pay for it); `reads.search.bulk_indexing`
knows their insert triggers. Nothing on PostgreSQL (migrations 0014 and 0020 index
it) or on a SQLite without FTS5. Building and merging them at 1M leads takes about a
minute (BENCHMARKS.md).
"""

import peewee as pw

_COLUMNS = "name, company, email, notes"
_WORDS = "tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'"


def _name_table(table: str, tokenize: str) -> list[str]:
    return [
        f"CREATE VIRTUAL TABLE {table} USING fts5("
        f"name, content='lead', content_rowid='id', {tokenize})",
        f"INSERT INTO {table}({table}) VALUES ('rebuild')",
        f"""CREATE TRIGGER {table}_insert AFTER INSERT ON lead BEGIN
            INSERT INTO {table}(rowid, name) VALUES (new.id, new.name);
        END""",
        f"""CREATE TRIGGER {table}_delete AFTER DELETE ON lead BEGIN
            INSERT INTO {table}({table}, rowid, name) VALUES ('delete', old.id, old.name);
        END""",
        f"""CREATE TRIGGER {table}_update AFTER UPDATE OF name ON lead
        WHEN old.name IS NOT new.name
        BEGIN
            INSERT INTO {table}({table}, rowid, name) VALUES ('delete', old.id, old.name);
            INSERT INTO {table}(rowid, name) VALUES (new.id, new.name);
        END""",
    ]


NAMES = [
    *_name_table("lead_names", _WORDS),
    *_name_table("name_fts", "tokenize='trigram'"),
    # 0009's triggers name the table, not its layout: they keep writing to the new one
    "DROP TABLE lead_words",
    f"""CREATE VIRTUAL TABLE lead_words USING fts5(
        {_COLUMNS}, content='lead', content_rowid='id', {_WORDS})""",
    "INSERT INTO lead_words(lead_words) VALUES ('rebuild')",
    # A rebuild (and 0004's) leaves each index in many segments, every one read by
    # every query; merged into one, a query at 1M leads costs half (BENCHMARKS.md).
    *(
        f"INSERT INTO {table}({table}) VALUES ('optimize')"
        for table in ("lead_names", "name_fts", "lead_words", "lead_fts")
    ),
]


def _has_fts5(db):
    row = db.execute_sql(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'lead_words'"
    ).fetchone()
    return bool(row and row[0])


def up(migrator, db):
    if isinstance(db, pw.SqliteDatabase) and _has_fts5(db):
        for statement in NAMES:
            db.execute_sql(statement)
