"""The JSONL export's records written by the database: each row's JSON object comes
back as one text, byte for byte what `json.dumps(row, ensure_ascii=False)` makes of
the dict `fulldump` would build (its default separators ", " and ": ").

Python building one dict per row and encoding it cost ~13 µs a row, ~160 s of CPU
for the 1M-lead / 10M-touch store (BENCHMARKS.md, "Bulk work at scale"); the
database writes the text in C and Python only joins a lead's rows. Both engines
escape strings as Python's encoder does with `ensure_ascii=False` — `"`, `\\`, the
short escapes \\b \\f \\n \\r \\t and `\\u00XX` (lowercase) for the other controls
below 0x20, nothing else (SQLite's json_quote: https://sqlite.org/json1.html#jquote;
PostgreSQL's to_json: https://www.postgresql.org/docs/16/functions-json.html) —
which tests/core/transfer/test_fulldump_sql.py checks character by character.

A model with a column of a kind not handled here has no SQL form (`row_json`
returns None) and the export builds its rows in Python as before.
"""

from __future__ import annotations

import peewee

from leaddesk.core.store.db import BaseModel, UTCTimestamp, is_sqlite

_INTEGERS = (peewee.IntegerField, peewee.ForeignKeyField, peewee.AutoField)
_TEXTS = (peewee.CharField, peewee.TextField)


def _quoted(db: peewee.Database, name: str) -> str:
    return str(db.get_sql_context().sql(peewee.Entity(name)).query()[0])


def _value(f: peewee.Field, column: str, sqlite: bool) -> str | None:
    """The SQL for one column's JSON value text ('null' for NULL)."""
    if isinstance(f, UTCTimestamp):
        # milliseconds since the epoch as fulldump.iso_ms writes them, floor-divided
        # as Python does (an instant before 1970 has a negative remainder in SQL)
        ms = f"((({column} % 1000) + 1000) % 1000)"
        seconds = f"(({column} - {ms}) / 1000)"
        if sqlite:
            clock = f"strftime('%Y-%m-%dT%H:%M:%S', {seconds}, 'unixepoch')"
            millis = f"printf('.%03dZ', {ms})"
        else:
            clock = (
                f"to_char(TIMESTAMP '1970-01-01' + {seconds} * INTERVAL '1 second',"
                " 'YYYY-MM-DD\"T\"HH24:MI:SS')"
            )
            millis = f"'.' || lpad(({ms})::text, 3, '0') || 'Z'"
        text = f"'\"' || {clock} || {millis} || '\"'"
    elif isinstance(f, peewee.BooleanField):
        return f"CASE WHEN {column} IS NULL THEN 'null' WHEN {column} THEN 'true' ELSE 'false' END"
    elif isinstance(f, _INTEGERS):
        text = f"CAST({column} AS TEXT)"
    elif isinstance(f, peewee.DateField):
        # stored as text on SQLite; PostgreSQL's date, as Python's isoformat writes it
        text = (
            f"json_quote({column})" if sqlite else f"to_json(to_char({column}, 'YYYY-MM-DD'))::text"
        )
    elif isinstance(f, _TEXTS):
        text = f"json_quote({column})" if sqlite else f"to_json({column})::text"
    else:
        return None
    return f"COALESCE({text}, 'null')"


def row_json(model: type[BaseModel], db: peewee.Database) -> str | None:
    """A SQL expression giving each row of `model` as its export JSON object, or None
    when a column's kind has no SQL form here."""
    sqlite = is_sqlite(db)
    values: list[str] = []
    for f in model._meta.sorted_fields:
        value = _value(f, _quoted(db, f.column_name), sqlite)
        if value is None:
            return None
        values.append(value)
    # One format call, not a chain of `||` (each of which copies the text so far).
    # Field names are Python identifiers: nothing in them needs escaping.
    template = "{" + ", ".join(f'"{f.name}": %s' for f in model._meta.sorted_fields) + "}"
    sql = f"{'printf' if sqlite else 'format'}('{template}', {', '.join(values)})"
    # psycopg2 reads `%` as its parameter mark: a literal one is written twice
    return sql.replace("%", "%%") if db.param == "%s" else sql
