"""The one bulk writer: import, full-dump import and demo fill all go through it.

Columns come from the models (`Model._meta.sorted_fields`), never from a list
kept by hand, and rows go in with `executemany` on peewee's connection inside
the caller's transaction — FACTS.md: 3 s for 1.1M rows against 38 s through
`insert_many`. On PostgreSQL psycopg2's own executemany is one round trip per
row, so loose rows go in pages with `execute_batch` (~20x faster), and the
batch writer's rows go in with COPY, one in-memory stream per table per flush
(COPY is PostgreSQL's fastest way in: https://www.postgresql.org/docs/16/populate.html).
"""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from operator import itemgetter
from typing import Any

import peewee

from leaddesk.core.store.db import BaseModel, UTCTimestamp, database, is_sqlite, to_ms
from leaddesk.core.store.models import ZoneSet

PAGE = 1000  # rows per execute_batch round trip (PostgreSQL)


def _target(model: type[BaseModel], fields: Sequence[str], db: peewee.Database) -> str:
    """`"table" ("col", …)` in `db`'s quoting."""

    def quoted(name: str) -> str:
        return str(db.get_sql_context().sql(peewee.Entity(name)).query()[0])

    columns = ", ".join(quoted(model._meta.fields[f].column_name) for f in fields)
    return f"{quoted(model._meta.table_name)} ({columns})"


def insert_sql(model: type[BaseModel], fields: Sequence[str], db: peewee.Database) -> str:
    """INSERT for `fields` of `model`, in `db`'s quoting and placeholder style."""
    marks = ", ".join([db.param] * len(fields))
    return f"INSERT INTO {_target(model, fields, db)} VALUES ({marks})"


# COPY's text format: backslash, tab, newline and carriage return escaped, \N for NULL
# (https://www.postgresql.org/docs/16/sql-copy.html, "Text Format").
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_field(value: Any) -> str:
    """One stored value as a field of COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        # (most texts hold none of the four: a scan for each is 4-30x cheaper than
        # translate() for texts of 14-62 letters, which builds a new string whatever
        # it finds)
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_COPY_ESCAPES)
        return value
    return str(value)


def copy_line(row: Sequence[Any]) -> str:
    """One row as a line of COPY's text format."""
    return "\t".join(map(copy_field, row)) + "\n"


def copy_rows(db: peewee.Database, target: str, rows: Sequence[Sequence[Any]]) -> None:
    """Rows into `target` (`"table" (columns)`) with one PostgreSQL COPY from memory."""
    copy_text(db, target, "".join(map(copy_line, rows)))


def copy_text(db: peewee.Database, target: str, text: str) -> None:
    """Lines already in COPY's text format into `target`, with one COPY from memory."""
    cursor = db.connection().cursor()
    cursor.copy_expert(f"COPY {target} FROM STDIN", io.StringIO(text))


def execute_many(db: peewee.Database, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """`executemany` on `db`'s connection, fast on both engines."""
    cursor = db.connection().cursor()
    if is_sqlite(db):
        cursor.executemany(sql, rows)
        return
    from psycopg2.extras import execute_batch

    execute_batch(cursor, sql, rows, page_size=PAGE)


def sync_sequences(db: peewee.Database, models: Iterable[type[BaseModel]]) -> None:
    """After rows were inserted with explicit ids: move each PostgreSQL serial past them."""
    if is_sqlite(db):
        return
    for model in models:
        table = model._meta.table_name
        db.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'(SELECT MAX(id) FROM "{table}"))'
        )


@contextmanager
def deferred_indexes(db: peewee.Database, models: Iterable[type[BaseModel]]) -> Iterator[None]:
    """Build the secondary indexes of `models`' tables once, after a bulk load.

    Call inside the loading transaction. The indexes are dropped and made again at
    the end from their own definitions (SQLite: sqlite_master; PostgreSQL: the
    catalog), so each is one sort of its keys instead of a B-tree insert per row:
    once an index outgrows the page cache, each insert lands on a random page. In
    the caller's transaction, so a reader never sees a table without its indexes and
    an error restores them. Worth it only when the load is at least the rows already
    there (a rebuild sorts them all). Every index goes, whoever made it (the
    search's GIN trigram indexes, a later migration's), except those behind a
    primary key or a unique constraint. On PostgreSQL the foreign keys of those
    tables go too and are checked once at the end, by one join each, instead of by
    a trigger per row (https://www.postgresql.org/docs/16/populate.html, "Remove
    Indexes", "Remove Foreign Key Constraints").
    """
    tables = [m._meta.table_name for m in models]
    if not is_sqlite(db):
        yield from _deferred_pg(db, tables)
        return
    marks = ", ".join("?" * len(tables))
    saved = db.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name IN ({marks}) ORDER BY name",
        tables,
    ).fetchall()
    for name, _ in saved:
        db.execute_sql(f'DROP INDEX "{name}"')
    yield
    for _, sql in saved:
        db.execute_sql(sql)


# CREATE INDEX and the check of ALTER TABLE ADD FOREIGN KEY work in maintenance_work_mem
# (64 MB by default; populate.html, "Increase maintenance_work_mem"). For this
# transaction only. Measured at 100k leads the GIN builds cost the same CPU at 64 MB,
# 512 MB and 1 GB (their trigram function and keys are the cost, not the sort).
BUILD_MEMORY = "512MB"


def _deferred_pg(db: peewee.Database, tables: list[str]) -> Iterator[None]:
    indexes = db.execute_sql(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
        " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
        " WHERE t.relnamespace = current_schema()::text::regnamespace AND t.relname = ANY(%s)"
        " AND NOT x.indisunique ORDER BY i.relname",
        (tables,),
    ).fetchall()
    keys = db.execute_sql(
        "SELECT t.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k"
        " JOIN pg_class t ON t.oid = k.conrelid"
        " WHERE t.relnamespace = current_schema()::text::regnamespace AND t.relname = ANY(%s)"
        " AND k.contype = 'f' ORDER BY t.relname, k.conname",
        (tables,),
    ).fetchall()
    try:
        with db.atomic():  # a savepoint: without the right to drop them, they stay
            for table, name, _ in keys:
                db.execute_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            for name, _ in indexes:
                db.execute_sql(f'DROP INDEX "{name}"')
    except peewee.ProgrammingError:
        yield
        return
    yield
    db.execute_sql(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
    for _, definition in indexes:
        db.execute_sql(definition)
    for table, name, definition in keys:
        db.execute_sql(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')


def next_id(model: type[BaseModel]) -> int:
    return int(model.select(peewee.fn.MAX(model._meta.primary_key)).scalar() or 0) + 1


class RowShape:
    """How a model's Python values become one row in its column order: no database
    needed, so an import's worker process builds its rows with it too."""

    def __init__(self, model: type[BaseModel], with_id: bool) -> None:
        fields = [f for f in model._meta.sorted_fields if with_id or f.name != "id"]
        self.names: list[str] = [f.name for f in fields]
        # Per row: merge with the defaults and pick the columns in C, then
        # convert only the few columns that need it (~3x faster than a loop).
        self._defaults = {f.name: f.default for f in fields if not callable(f.default)}
        self.made = [(f.name, f.default) for f in fields if callable(f.default)]
        self.pick = itemgetter(*self.names)
        self._convert = [(i, c) for i, f in enumerate(fields) if (c := _converter(f)) is not None]

    def row(self, values: dict[str, Any], **more: Any) -> tuple[Any, ...]:
        """A row from Python values (instants, dates, model instances); defaults as
        `Model.create` fills them."""
        full = {**self._defaults, **values, **more}
        for name, make in self.made:
            if name not in full:
                full[name] = make()
        row = list(self.pick(full))
        for index, convert in self._convert:
            value = row[index]
            if value is not None:
                row[index] = convert(value)
        return tuple(row)


class Rows:
    """Pending rows of one model, in the model's column order."""

    def __init__(self, model: type[BaseModel], db: peewee.Database, with_id: bool) -> None:
        self.model = model
        self.shape = RowShape(model, with_id)
        self.names = self.shape.names
        self.sql = insert_sql(model, self.names, db)
        self.copy = None if is_sqlite(db) else _target(model, self.names, db)
        self.rows: list[tuple[Any, ...]] = []
        self.lines: list[str] = []  # rows already made into COPY's text (PostgreSQL)

    def add(self, values: dict[str, Any], **more: Any) -> None:
        """A row from Python values; see `RowShape.row`."""
        self.rows.append(self.shape.row(values, **more))

    def add_raw(self, values: dict[str, Any]) -> None:
        """A row of stored values, every column given (a missing one is a KeyError)."""
        self.rows.append(self.shape.pick(values))


class BatchWriter:
    """Rows of several models with ids handed out here, written in pages.

    Use inside one write transaction: `take` ids, `add`/`add_raw` rows, `flush`
    every few thousand rows (bounds memory), `finish` at the end. Models are
    flushed in the order given, so parents go before the rows that reference them.
    """

    def __init__(
        self, models: Sequence[type[BaseModel]], *, without_ids: Sequence[type[BaseModel]] = ()
    ) -> None:
        self.db = database.obj
        self.tables = {m: Rows(m, self.db, with_id=m not in without_ids) for m in models}
        self.next = {m: next_id(m) for m in models if m not in without_ids}
        self.zone_keys: set[str] = set()
        self._written: set[type[BaseModel]] = set()  # models given explicit ids
        self._reserved: dict[type[BaseModel], deque[int]] = {}

    def reserve(self, model: type[BaseModel], count: int) -> None:
        """PostgreSQL: take up to `count` ids of `model` from its sequence now, for
        `take` to hand out, so a rep adding a lead while this batch is open gets the
        next id after them — never one of them (ids from the store's maximum were
        written, then the sequence moved at the end: in between, a new lead took an
        id of the batch and waited for it, then failed). Ids left over stay unused, as
        a sequence never promised no gaps. SQLite needs none: the batch's write lock
        keeps every other writer out while the maximum is read and used."""
        if is_sqlite(self.db) or count <= 0:
            return
        table = model._meta.table_name
        cursor = self.db.execute_sql(
            f"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id'))"
            f" FROM generate_series(1, {int(count)})"
        )
        self._reserved[model] = deque(sorted(i for (i,) in cursor))

    def take(self, model: type[BaseModel], count: int = 1) -> int:
        """The first of `count` fresh ids of `model` (one at a time when reserved)."""
        reserved = self._reserved.get(model)
        if reserved:
            assert count == 1, "reserved ids are taken one at a time"
            return reserved.popleft()
        first = self.next[model]
        self.next[model] = first + count
        return first

    def add(self, model: type[BaseModel], values: dict[str, Any], **more: Any) -> None:
        self.tables[model].add(values, **more)

    def add_raw(self, model: type[BaseModel], values: dict[str, Any]) -> None:
        self.tables[model].add_raw(values)

    def add_row(self, model: type[BaseModel], row: tuple[Any, ...]) -> None:
        """A row already in the model's column order and stored form (`RowShape.row`)."""
        self.tables[model].rows.append(row)

    def add_rows(self, model: type[BaseModel], rows: Iterable[tuple[Any, ...]]) -> None:
        """Rows already in the model's column order and stored form."""
        self.tables[model].rows.extend(rows)

    def add_lines(self, model: type[BaseModel], text: str) -> None:
        """PostgreSQL: rows already in COPY's text format (`copy_line`), in the model's
        column order, each line ending with a newline."""
        if self.tables[model].copy is None:
            raise ValueError("COPY's text is for PostgreSQL")
        self.tables[model].lines.append(text)

    def flush(self) -> None:
        for model, rows in self.tables.items():
            if not (rows.rows or rows.lines):
                continue
            if rows.rows:
                if rows.copy is None:
                    execute_many(self.db, rows.sql, rows.rows)
                else:
                    copy_rows(self.db, rows.copy, rows.rows)
                rows.rows.clear()
            if rows.lines:
                assert rows.copy is not None  # (add_lines takes them only then)
                copy_text(self.db, rows.copy, "".join(rows.lines))
                rows.lines.clear()
            if model in self.next and model not in self._reserved:
                self._written.add(model)  # explicit ids past the sequence: move it
        if self.zone_keys:
            keys = [{"key": k} for k in sorted(self.zone_keys)]
            ZoneSet.insert_many(keys).on_conflict_ignore().execute()
            self.zone_keys.clear()

    def finish(self, sync: bool = True) -> None:
        """Flush; then move PostgreSQL's sequences past the explicit ids written —
        unless `sync` is False (a dry run: setval is not undone by a rollback)."""
        self.flush()
        if sync:
            sync_sequences(self.db, [m for m in self.tables if m in self._written])


def _converter(f: peewee.Field) -> Callable[[Any], Any] | None:
    if isinstance(f, UTCTimestamp):
        last: list[Any] = [None, None]  # the same `now` fills several columns of every row

        def convert(v: Any) -> int:
            if v.__class__ is int:
                return int(v)
            if v is not last[0]:
                last[0], last[1] = v, to_ms(v)
            return int(last[1])

        return convert
    if isinstance(f, peewee.DateField):
        return lambda v: v.isoformat() if isinstance(v, date) else v
    if isinstance(f, peewee.ForeignKeyField):
        return lambda v: v if isinstance(v, int) else v.id
    return None
