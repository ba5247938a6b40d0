"""The JSONL export's lines written by the database: each lead's whole line — its
row, its phones, touches and appointments — comes back as one text, byte for byte
what `json.dumps(record, ensure_ascii=False, separators=(",", ":"))` makes of the
record `fulldump` would build in Python.

Python building one dict per row and encoding it cost ~13 µs a row; the database
writing each row's object and Python joining a lead's rows still cost ~110 s of
CPU for the 1M-lead / 10M-touch store (BENCHMARKS.md, "Bulk work at scale"). Here
one statement per batch of leads returns finished lines: SQLite's `json_object`
writes a row in one call (measured ~15 % less CPU than the printf-over-json_quote
form it replaces, which converted every value to text separately), and the rows
of a lead are joined by the database too, so Python only writes.

Both engines escape strings as Python's encoder does with `ensure_ascii=False` —
`"`, `\\`, the short escapes \\b \\f \\n \\r \\t and `\\u00XX` (lowercase) for the
other controls below 0x20, nothing else (SQLite's json_quote and json_object share
one string writer: https://sqlite.org/json1.html#jquote; PostgreSQL's to_json:
https://www.postgresql.org/docs/16/functions-json.html) — which
tests/core/transfer/test_fulldump_sql.py checks character by character.

A model with a column of a kind not handled here has no SQL form (`row_json`
returns None) and the export builds its records in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import peewee

from leaddesk.core.store.db import BaseModel, UTCTimestamp, is_sqlite

_INTEGERS = (peewee.IntegerField, peewee.ForeignKeyField, peewee.AutoField)
_TEXTS = (peewee.CharField, peewee.TextField)
# Texts that are JSON themselves (a touch's snapshot for undo): always full of quotes,
# so they are always escaped (see _plain_row).
ALWAYS_ESCAPED = frozenset({"before"})


def quoted(db: peewee.Database, name: str) -> str:
    return str(db.get_sql_context().sql(peewee.Entity(name)).query()[0])


def _sqlite_value(f: peewee.Field, column: str) -> str | None:
    """The SQL for one column's value as json_object should write it."""
    if isinstance(f, UTCTimestamp):
        # `unixepoch` of fractional seconds rounds to the millisecond
        # (r*1000 + 0.5, sqlite/src/date.c) and %f writes SS.SSS, so this is
        # fulldump.iso_ms's text — before 1970 too, where integer division would not
        # floor; a NULL stays NULL, which json_object writes as null
        return f"strftime('%Y-%m-%dT%H:%M:%fZ', {column} / 1000.0, 'unixepoch')"
    if isinstance(f, peewee.BooleanField):
        # json('true') is a constant: SQLite computes it once per statement
        return (
            f"CASE WHEN {column} IS NULL THEN NULL WHEN {column} THEN json('true')"
            " ELSE json('false') END"
        )
    if isinstance(f, (*_INTEGERS, peewee.DateField, *_TEXTS)):
        return column  # a DateField is stored as its ISO text on SQLite
    return None


def _postgres_value(f: peewee.Field, column: str) -> str | None:
    """The SQL for one column's JSON value text ('null' for NULL)."""
    if isinstance(f, UTCTimestamp):
        # to_json writes a timestamp as ISO 8601 with a T whatever DateStyle says, its
        # fraction trimmed of zeros: one microsecond more keeps all six digits, the
        # first 24 characters are `"` and the instant to the millisecond (~1,000
        # instructions less than to_char, which prints each field with sprintf). An
        # instant before 1970 lands in the millisecond before it, as fulldump.iso_ms
        # floor-divides. An interval times a bigint is an interval times a float8
        # (https://www.postgresql.org/docs/16/functions-datetime.html): the instant's
        # microseconds, beyond 2^53 before 1685 or after 2255, lost the +1 (the year 1
        # was written without its fraction, a line that was not JSON). Whole seconds and
        # the microseconds within one (truncated alike, so they sum to the instant) are
        # both exact: ~6 % more of this expression's CPU (0.27 s for 2M, not 0.25 s).
        # (Swapping the text's ending `001"` for `Z"` would cost ~470 instructions less
        # than left(), but a float8 instant past 2^53 leaves other digits there.)
        seconds = f"({column} / 1000) * INTERVAL '1 second'"
        micros = f"({column} % 1000 * 1000 + 1) * INTERVAL '1 microsecond'"
        instant = f"TIMESTAMP '1970-01-01' + {seconds} + {micros}"
        text = f"""left(to_json({instant})::text, 24) || 'Z"'"""
    elif isinstance(f, peewee.BooleanField):
        return f"CASE WHEN {column} IS NULL THEN 'null' WHEN {column} THEN 'true' ELSE 'false' END"
    elif isinstance(f, _INTEGERS):
        text = f"CAST({column} AS TEXT)"
    elif isinstance(f, peewee.DateField):
        text = f"to_json(to_char({column}, 'YYYY-MM-DD'))::text"
    elif isinstance(f, _TEXTS):
        text = f"to_json({column})::text"
    else:
        return None
    return f"COALESCE({text}, 'null')"


def row_json(model: type[BaseModel], db: peewee.Database, alias: str = "") -> str | None:
    """A SQL expression giving each row of `model` (named `alias` in the query, if
    given) as its export JSON object, or None when a column's kind has no SQL form."""
    sqlite = is_sqlite(db)
    prefix = f"{alias}." if alias else ""
    fields = model._meta.sorted_fields
    columns = [prefix + quoted(db, f.column_name) for f in fields]
    values: list[str] = []
    for f, column in zip(fields, columns, strict=True):
        value = _sqlite_value(f, column) if sqlite else _postgres_value(f, column)
        if value is None:
            return None
        values.append(value)
    # Field names are Python identifiers: nothing in them needs escaping.
    names = [f.name for f in fields]
    if sqlite:
        pairs = ", ".join(f"'{name}', {value}" for name, value in zip(names, values, strict=True))
        return f"json_object({pairs})"
    # One `||` chain per row: format() cost ~3,000 instructions more per touch
    # (each argument copied three times, the template appended a byte at a time);
    # every value here is text and never NULL, as `||` needs.
    row = _chain([(f'"{name}":', value, "") for name, value in zip(names, values, strict=True)])
    plain = _plain_row(db, fields, columns, values)
    if plain is not None:
        row = f"CASE WHEN {plain[0]} THEN {plain[1]} ELSE {row} END"
    # psycopg2 reads `%` as its parameter mark: a literal one is written twice
    return row.replace("%", "%%")


def _chain(fields: Sequence[tuple[str, str, str]]) -> str:
    """The SQL joining each field's text (before, value, after) into `{…}` by `||`.
    The texts are keys and JSON punctuation: no quote of SQL's among them."""
    parts, text = [], "{"
    for n, (before, value, after) in enumerate(fields):
        parts += [f"'{text}{',' if n else ''}{before}'", value]
        text = after
    parts.append(f"'{text}}}'")
    return _joined(parts)


def _joined(parts: Sequence[str]) -> str:
    """`||` over `parts`, grouped in pairs, pairs of pairs and so on. Each `||` makes a
    new text of both sides: a chain a || b || c … copies the row so far at every
    step, ~40 times for a touch; in halves each byte is copied ~log2(40) times
    (callgrind, the batch statement: −3 % of its instructions)."""
    while len(parts) > 1:
        pairs = [f"({a} || {b})" for a, b in zip(parts[::2], parts[1::2], strict=False)]
        parts = pairs + ([parts[-1]] if len(parts) % 2 else [])
    return parts[0]


def _plain_row(
    db: peewee.Database, fields: Sequence[peewee.Field], columns: list[str], values: list[str]
) -> tuple[str, str] | None:
    """PostgreSQL: a condition true when none of a row's texts holds a character JSON
    escapes, and the row with those texts written as they are; None when the row has
    no text to spare or the server lacks `IS JSON`.

    to_json cost ~2,300 instructions per short text (json_categorize_type's four
    catalog lookups, copies, escape_json a byte at a time): ~37 % of the batch
    statement's instructions, where most texts are short and plain. Here a row's texts are joined
    and checked once: `"…"` of them IS JSON when none holds `"`, `\\` or a control
    character (the lexer ends the string at a `"` and then finds more input, and
    refuses a control character: https://www.postgresql.org/docs/16/datatype-json.html);
    a `\\` is first turned into a `"` so that it fails too (a valid escape such as
    `\\n` would pass). That is exactly the set json.dumps(ensure_ascii=False) escapes,
    so such a row's texts go between quotes untouched. A JSON snapshot (`before`)
    always holds quotes: it is escaped always, and left out of the check."""
    if not _has_is_json(db):
        return None
    checked = [
        i for i, f in enumerate(fields) if isinstance(f, _TEXTS) and f.name not in ALWAYS_ESCAPED
    ]
    if not checked:
        return None
    parts = []
    for i, f in enumerate(fields):
        # a NULL where the model allows none makes the check NULL too: the row is
        # then written the other way, which says null
        if i in checked and not f.null:
            parts.append((f'"{f.name}":"', columns[i], '"'))
        elif i in checked:
            parts.append((f'"{f.name}":', f"""COALESCE('"' || {columns[i]} || '"', 'null')""", ""))
        else:
            parts.append((f'"{f.name}":', values[i], ""))
    joined = _joined(
        [f"COALESCE({columns[i]}, '')" if fields[i].null else columns[i] for i in checked]
    )
    plain = f"""('"' || replace({joined}, E'\\\\', '"') || '"') IS JSON"""
    return plain, _chain(parts)


def _has_is_json(db: peewee.Database) -> bool:
    """The `IS JSON` predicate came with PostgreSQL 16."""
    version = db.server_version or db.connection().server_version
    return int(version) >= 160000


# The last batch's upper end when ids are compared as bigint: above any id.
LAST_ID = 2**63 - 1


@dataclass(frozen=True)
class LinesQuery:
    """A statement giving (id, line) for one batch of leads, in id order."""

    sql: str
    # PostgreSQL without a status filter: the batch's leads are the ids in (after,
    # upto], each table's rows read by that range and grouped (`_range`), and the
    # range is given once per table; else the leads after an id, then the status
    # values, then the batch size (keyset paging by LIMIT).
    ranged: int = 0

    def args(self, after: int, upto: int | None, statuses: Sequence[Any], size: int) -> list[Any]:
        """The parameters for the batch after `after` whose last id is `upto` (None:
        the last batch, however many leads it holds)."""
        if self.ranged:
            return [after, LAST_ID if upto is None else upto] * self.ranged
        return [after, *statuses, size]


def lines_sql(
    db: peewee.Database,
    lead: type[BaseModel],
    children: Sequence[tuple[str, type[BaseModel]]],
    statuses: int,
) -> LinesQuery | None:
    """The statement for a batch of leads' lines (see LinesQuery); None when a model
    has no SQL form."""
    sqlite = is_sqlite(db)
    own = row_json(lead, db, "l")
    if own is None:
        return None
    ranged = not sqlite and not statuses
    key = quoted(db, lead._meta.fields["id"].column_name)
    names, values, joins = ["lead"], [own], []
    for n, (name, model) in enumerate(children):
        text = row_json(model, db, "c")
        if text is None:
            return None
        child = quoted(db, model._meta.table_name)
        column = quoted(db, model._meta.fields["lead"].column_name)
        order = f"c.{quoted(db, 'id')}"
        if sqlite:
            # SQLite before 3.44 has no ORDER BY inside an aggregate
            # (https://sqlite.org/lang_aggfunc.html); group_concat is fed by a sorted
            # subquery, which SQLite does not flatten into the aggregate and so reads in
            # order — relied on, not promised: test_fulldump_sql's out-of-order touch
            # fails if a SQLite release changes it
            joined = (
                f"(SELECT group_concat(j, ',') FROM (SELECT {text} AS j FROM {child} c"
                f" WHERE c.{column} = l.{key} ORDER BY {order}))"
            )
        elif ranged:
            alias = f"c{n}"
            joins.append(
                f"LEFT JOIN (SELECT c.{column} AS k, string_agg({text}, ',' ORDER BY {order})"
                f" AS j FROM {child} c WHERE {_range(db, f'c.{column}')} GROUP BY c.{column})"
                f" {alias} ON {alias}.k = l.{key}"
            )
            joined = f"{alias}.j"
        else:
            joined = (
                f"(SELECT string_agg({text}, ',' ORDER BY {order})"
                f" FROM {child} c WHERE c.{column} = l.{key})"
            )
        names.append(name)
        values.append(joined)
    # One format call for the line, not a chain of `||` (each copies the text so
    # far: ~12 % of the export's instructions went to memcpy). Both engines' %s
    # writes NULL — a lead without phones, say — as nothing, so `[]` stays `[]`.
    # The line ends in the database too: Python writes each text as it comes
    # (joining a batch's lines in Python first cost ~0.3M page faults at 100k leads).
    template = "{" + ",".join(f'"{n}":' + ("%s" if n == "lead" else "[%s]") for n in names)
    template += "}\n"
    mark = "%%" if db.param == "%s" else "%"  # psycopg2 reads a lone % as a parameter
    line = (
        f"{'printf' if sqlite else 'format'}('{template.replace('%', mark)}', {', '.join(values)})"
    )
    if not ranged:
        return LinesQuery(
            f"SELECT l.{key}, {line} FROM {_after(db, lead, statuses)} LIMIT {db.param}"
        )
    table = quoted(db, lead._meta.table_name)
    return LinesQuery(
        f"SELECT l.{key}, {line} FROM {table} l {' '.join(joins)}"
        f" WHERE {_range(db, f'l.{key}')} ORDER BY l.{key}",
        ranged=len(joins) + 1,
    )


def _range(db: peewee.Database, column: str) -> str:
    """PostgreSQL: a batch's rows by one range of lead ids (LinesQuery.ranged): each
    table's rows of the batch read in one pass and grouped, not by a subquery run
    per lead and table. Each such subquery sorted its few rows by id on its own (a
    Sort node per lead and table, set up and torn down 1,500 times a batch); here
    the rows come by (lead, …) from the table's index and one incremental sort
    orders them by (lead, id), which the planner then hands to the aggregate
    presorted (enable_presorted_aggregate, on by default since PostgreSQL 16:
    https://www.postgresql.org/docs/16/runtime-config-query.html#GUC-ENABLE-PRESORTED-AGGREGATE;
    the aggregate's ORDER BY holds whatever plan is chosen). The range's end is known
    before the batch is read (fulldump_lines._starts; the one-connection loop reads
    it first), so the batch needs no LIMIT, which the children could not follow."""
    return f"{column} > {db.param} AND {column} <= {db.param}"


def batch_end_sql(db: peewee.Database, lead: type[BaseModel], statuses: int, size: int) -> str:
    """The last id of the batch lines_sql gives after an id (parameters: the id, then
    `statuses` status values); no row when fewer than `size` leads follow."""
    key = quoted(db, lead._meta.fields["id"].column_name)
    return f"SELECT l.{key} FROM {_after(db, lead, statuses)} LIMIT 1 OFFSET {size - 1}"


def _after(db: peewee.Database, lead: type[BaseModel], statuses: int) -> str:
    """The leads after an id (and with one of `statuses` status values), in id order."""
    table = quoted(db, lead._meta.table_name)
    key, status = (quoted(db, lead._meta.fields[n].column_name) for n in ("id", "status"))
    where = f"l.{key} > {db.param}"
    if statuses:
        where += f" AND l.{status} IN ({', '.join([db.param] * statuses)})"
    return f"{table} l WHERE {where} ORDER BY l.{key}"
