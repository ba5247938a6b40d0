"""The posting tables' bulk fills fold an ASCII text without translate() (issue 15, point 5).

Every posting key is a piece of the folded text, `translate(lower(text), ACCENTED,
PLAIN)` (migration 0014's folding). translate() looks each of the text's characters up
in the 256-letter ACCENTED string, a scan of it per character: ~40 µs for a lead's
four fields joined, the larger part of the lead keys' cost in a demo fill (at 100k
leads, 7.0 of their 10.2 s of server CPU went to it; measured in BENCHMARKS.md, branch
s9b-pgfill). Every letter of ACCENTED is outside ASCII, so an ASCII text comes out of
translate() as it went in: the bulk fills of 0025 (`leaddesk_index_leads`,
`leaddesk_index_notes`, `leaddesk_index_phones`, a demo fill's and a restore's end)
now hand such a text an empty ACCENTED, which replaces nothing and costs nothing.

A text is ASCII when it has as many bytes as characters (`octet_length` counts bytes,
`length` characters: https://www.postgresql.org/docs/16/functions-string.html) — in
UTF-8, where every other character takes two to four bytes
(https://www.postgresql.org/docs/16/multibyte.html). In a single-byte encoding
(LATIN1, SQL_ASCII) every text has as many bytes as characters, so the test also asks
for a UTF8 database and translates everything elsewhere. The keys are the same as
before, character for character (tests/core/store/test_ascii_fold.py compares them
with the per-row functions on accented, mixed and ASCII texts). The triggers' per-row
functions (`leaddesk_lead_grams`, `leaddesk_grams`) keep the plain folding: one row at
a time, a few µs do not matter there.
"""

import peewee as pw

from leaddesk.core.store.migrations import sibling

_m0025 = sibling("0025_lean_lead_view.py")
ACCENTED, PLAIN = _m0025.ACCENTED, _m0025.PLAIN


def _folded(expression: str, alias: str) -> str:
    """FROM items naming the folded `expression` `alias` (each evaluated once a row, as
    0025's): lowered, then translated unless it is ASCII in a UTF8 database."""
    low = f"{alias}_low"
    ascii_here = (
        f"octet_length({low}) = length({low}) AND current_setting('server_encoding') = 'UTF8'"
    )
    return (
        f"lower({expression}) AS {low}, translate({low}, CASE WHEN {ascii_here}"
        f" THEN '' ELSE '{ACCENTED}' END, '{PLAIN}') AS {alias}"
    )


# 0025's folded texts in its fills: (the expression, its name in FROM)
_TEXTS = (
    ("' ' || l.name", "n"),
    ("l.name || ' ' || l.company || ' ' || l.email || ' ' || l.notes", "t"),
    ("t.note", "f"),
    ("p.e164", "f"),
)


def _fill(sql: str) -> str:
    """0025's fill `sql` with each folded text folded as `_folded` does."""
    for expression, alias in _TEXTS:
        sql = sql.replace(f"{_m0025._folded(expression)} AS {alias}", _folded(expression, alias))
    assert "translate(lower(" not in sql, sql
    return sql


FILLS = [_fill(sql) for sql in _m0025.FILLS]


def up(migrator, db):
    if not isinstance(db, pw.PostgresqlDatabase):
        return
    keys = list(_m0025.FILLED)
    sql = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    here = {name for (name,) in db.execute_sql(f"{sql} AND indexname = ANY(%s)", (keys,))}
    for fill, key in zip(FILLS, _m0025.FILLED, strict=True):
        if key in here:  # (as 0025: only where its posting table was made)
            db.execute_sql(fill)
