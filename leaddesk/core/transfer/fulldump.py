"""JSONL with full fidelity: every column of every lead, phone, touch (with its
`before` snapshot, so undo still works) and appointment, plus reps and zone sets.

The first line is a header (`{"format":"leaddesk-export","version":1,
"schema":N,…,"reps":[...],"zone_sets":[...]}`); then one line per lead:
`{"lead":{...},"phones":[...],"touches":[...],"appointments":[...]}` (compact JSON:
no spaces after separators; exports written before 2026-12-07 have them, and
both read the same).
Field names are the model's; instants are UTC ISO 8601 with milliseconds
(`2026-11-23T19:00:00.000Z`, exactly what is stored); dates `YYYY-MM-DD`;
references are ids.

Importing an export into an EMPTY database keeps every id and reproduces the
database row for row. Into a database that has leads, every id is renumbered
(references and undo snapshots too) and a lead whose phone or email a lead
already in the database has is a duplicate.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import peewee
from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.store.db import BaseModel, Row, UTCTimestamp, database, to_ms, tuples
from leaddesk.core.store.models import (
    Appointment,
    Lead,
    Phone,
    Rep,
    Touch,
    ZoneSet,
)
from leaddesk.core.transfer.fulldump_lines import parallel_lines
from leaddesk.core.transfer.fulldump_sql import LinesQuery, batch_end_sql, lines_sql, quoted

FORMAT = "leaddesk-export"
VERSION = 1
CHUNK = 500  # leads per write round (import)
EXPORT_CHUNK = 500  # leads per statement (export): a few MB of text, memory bounded
HEAD_BYTES = 1 << 20
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$")
CHILDREN: tuple[tuple[str, type[BaseModel]], ...] = (
    ("phones", Phone),
    ("touches", Touch),
    ("appointments", Appointment),
)


# --- values --------------------------------------------------------------------


def iso_ms(ms: int) -> str:
    # Ten million touches hold ~20M instants: the date is worked out once per day,
    # the time of day and the milliseconds are looked up (~6x faster than a datetime).
    seconds, millis = divmod(int(ms), 1000)
    day, second = divmod(seconds, 86_400)
    clock = _CLOCK or _fill_clock()
    return _day(day) + clock[second] + _MILLIS[millis]


@lru_cache(maxsize=4096)
def _day(day: int) -> str:
    # isoformat, not strftime: glibc's %Y writes the year 1 as "1"; both SQL forms
    # (fulldump_sql) and ms_of's pattern have four digits ("0001")
    return (_EPOCH + timedelta(days=day)).date().isoformat()


_CLOCK: list[str] = []  # "THH:MM:SS" of every second of a day, made on first use (~7 MB)
_MILLIS = [f".{m:03d}Z" for m in range(1000)]


def _fill_clock() -> list[str]:
    _CLOCK.extend(f"T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86_400))
    return _CLOCK


def ms_of(text: str) -> int:
    if not _INSTANT.match(text):
        raise ValueError(f"{text!r} is not an ISO 8601 instant with a zone")
    value = datetime.fromisoformat(text)
    return (value - _EPOCH) // timedelta(milliseconds=1)


def _dump(f: peewee.Field, raw: Any) -> Any:
    if raw is None:
        return None
    if isinstance(f, UTCTimestamp):
        return iso_ms(raw)
    if isinstance(f, peewee.DateField):
        return raw.isoformat() if isinstance(raw, date) else str(raw)
    if isinstance(f, peewee.BooleanField):
        return bool(raw)
    return raw


def _load(f: peewee.Field, value: Any, where: str) -> Any:
    """A JSON value as the column stores it; ValueError says what is wrong."""
    if value is None:
        if not f.null:
            raise ValueError(f"{where}.{f.name} is missing")
        return None
    if isinstance(f, UTCTimestamp):
        if not isinstance(value, str):
            raise ValueError(f"{where}.{f.name} must be an ISO 8601 instant")
        return ms_of(value)
    if isinstance(f, peewee.DateField):
        if not isinstance(value, str):
            raise ValueError(f"{where}.{f.name} must be a date YYYY-MM-DD")
        return date.fromisoformat(value).isoformat()
    if isinstance(f, peewee.BooleanField):
        if not isinstance(value, bool):
            raise ValueError(f"{where}.{f.name} must be true or false")
        return value
    if isinstance(f, (peewee.IntegerField, peewee.ForeignKeyField, peewee.AutoField)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"{where}.{f.name} must be a whole number")
        return value
    if not isinstance(value, str):
        raise ValueError(f"{where}.{f.name} must be text")
    if isinstance(f, peewee.CharField) and len(value) > 10_000:
        raise ValueError(f"{where}.{f.name} is too long")
    return value


def row_of(model: type[BaseModel], data: Any, where: str) -> dict[str, Any]:
    """Every column of `model` from a JSON object (defaults for missing keys)."""
    if not isinstance(data, dict):
        raise ValueError(f"{where} must be an object")
    out: dict[str, Any] = {}
    for f in model._meta.sorted_fields:
        if f.name in data:
            out[f.name] = _load(f, data[f.name], where)
        elif f.default is not None:
            default = f.default() if callable(f.default) else f.default
            out[f.name] = _load(f, default, where) if not isinstance(f, UTCTimestamp) else default
        elif f.null:
            out[f.name] = None
        else:
            raise ValueError(f"{where}.{f.name} is missing")
    return out


# --- export ----------------------------------------------------------------------

# No spaces after separators: the database's json_object writes none, and the lines
# are ~5 % smaller.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def select_raw(
    model: type[BaseModel], where: peewee.Expression | None, order: Sequence[Any]
) -> Iterator[dict[str, Any]]:
    query = model.select(*model._meta.sorted_fields)
    if where is not None:
        query = query.where(where)
    sql, params = query.order_by(*order).sql()
    return _Columns(model).dicts(database.obj.execute_sql(sql, params))


class _Columns:
    """A model's stored rows as the export's dicts: only the columns that need it
    are converted (instants, dates, booleans), the rest pass through."""

    def __init__(self, model: type[BaseModel]) -> None:
        fields = model._meta.sorted_fields
        self.names = [f.name for f in fields]
        self.instants = [i for i, f in enumerate(fields) if isinstance(f, UTCTimestamp)]
        self.flags = [i for i, f in enumerate(fields) if isinstance(f, peewee.BooleanField)]
        self.dates = [(i, f) for i, f in enumerate(fields) if isinstance(f, peewee.DateField)]

    def dicts(self, rows: Iterable[Sequence[Any]]) -> Iterator[dict[str, Any]]:
        names, instants, flags, dates = self.names, self.instants, self.flags, self.dates
        for raw in rows:
            row = list(raw)
            for i in instants:
                if row[i] is not None:
                    row[i] = iso_ms(row[i])
            for i in flags:
                if row[i] is not None:
                    row[i] = bool(row[i])
            for i, f in dates:
                row[i] = _dump(f, row[i])
            yield dict(zip(names, row, strict=True))


def export_jsonl(
    out: IO[str], now: DateTime, statuses: Sequence[str] = (), extra: dict[str, Any] | None = None
) -> int:
    """Write the export to `out`; returns how many leads it holds. `extra` adds keys
    to the header (a backup's counts and call sessions: `backup_pg`)."""
    from leaddesk.core.store.schema import schema_version

    header = {
        "format": FORMAT,
        "version": VERSION,
        "schema": schema_version(),
        "exported_at": iso_ms(to_ms(now)),
        "reps": list(select_raw(Rep, None, [Rep.id])),
        "zone_sets": [k for (k,) in tuples(ZoneSet.select(ZoneSet.key).order_by(ZoneSet.key))],
        **(extra or {}),
    }
    out.write(_encode(header) + "\n")
    query = lines_sql(database.obj, Lead, CHILDREN, len(statuses))
    if query is not None:
        return _lines_from_sql(out, query, list(statuses))
    from leaddesk.core.transfer.exporting import lead_id_chunks

    return _records(out, lead_id_chunks(statuses, EXPORT_CHUNK))


def _lines_from_sql(
    out: IO[str], query: LinesQuery, statuses: list[Any], size: int = EXPORT_CHUNK
) -> int:
    """The leads' lines as the database writes them (fulldump_sql.lines_sql), a batch
    per statement (keyset paging: each batch is one range of the lead table, however
    deep): two connections at once where the store allows (fulldump_lines), else
    this one."""
    step = batch_end_sql(database.obj, Lead, len(statuses), size)
    count = parallel_lines(database.obj, out, query, step, statuses, size)
    if count is not None:
        return count
    return one_connection(out, query, step, statuses, size)


def one_connection(
    out: IO[str], query: LinesQuery, step: str, statuses: list[Any], size: int
) -> int:
    """The lines read batch by batch on the store's own connection; a ranged
    statement's batch end is read first (`step`: fulldump_sql.batch_end_sql)."""
    count, after = 0, 0
    execute, write = database.obj.execute_sql, out.write
    while True:
        upto = None
        if query.ranged:
            row = execute(step, [after, *statuses]).fetchone()
            upto = row[0] if row else None
        before = count
        for lead_id, line in execute(query.sql, query.args(after, upto, statuses, size)):
            write(line)
            count += 1
            after = lead_id
        if count == before or (query.ranged and upto is None):
            return count


def _among(ids: list[int]) -> tuple[str, list[int]]:
    """`BETWEEN` when the ids are contiguous, as they usually are (peewee compiling a
    2,000-value IN costs more than the query), else an IN list."""
    param = database.obj.param
    if ids[-1] - ids[0] + 1 == len(ids):
        return f"BETWEEN {param} AND {param}", [ids[0], ids[-1]]
    return f"IN ({', '.join([param] * len(ids))})", ids


def _records(out: IO[str], chunks: Iterable[list[int]]) -> int:
    """Each lead's line built in Python (a column kind fulldump_sql cannot write)."""
    count = 0
    leads = _Rows(Lead, "id")
    readers = [(name, _Rows(model, "lead")) for name, model in CHILDREN]
    for ids in chunks:
        children = [(name, reader.by_key(ids)) for name, reader in readers]
        write = out.write
        for lead in leads.rows(ids):
            record: dict[str, Any] = {"lead": lead}
            for name, grouped in children:
                record[name] = grouped.get(lead["id"], [])
            write(_encode(record) + "\n")
            count += 1
    return count


class _Rows:
    """A model's rows whose `key` column is one of a chunk of lead ids, in (key, id)
    order: one written query per chunk — a range when the ids are contiguous, as
    they usually are (peewee compiling a 2,000-value IN costs more than the query)."""

    def __init__(self, model: type[BaseModel], key: str) -> None:
        db = database.obj
        fields = model._meta.sorted_fields
        columns = ", ".join(quoted(db, f.column_name) for f in fields)
        column = quoted(db, model._meta.fields[key].column_name)
        table = quoted(db, model._meta.table_name)
        self.select = f"SELECT {columns} FROM {table} WHERE {column} "
        self.order = f" ORDER BY {column}, {quoted(db, 'id')}"
        self.key = key
        self.columns = _Columns(model)

    def rows(self, ids: list[int]) -> Iterator[dict[str, Any]]:
        where, params = _among(ids)
        cursor = database.obj.execute_sql(self.select + where + self.order, params)
        return self.columns.dicts(cursor)

    def by_key(self, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
        grouped: dict[int, list[dict[str, Any]]] = {}
        key = self.key
        for row in self.rows(ids):
            grouped.setdefault(row[key], []).append(row)
        return grouped


# --- reading an export's header ------------------------------------------------


def read_header(path: Path) -> dict[str, Any] | None:
    """The export header when `path` is a leaddesk JSONL export, else None."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return None
    text = head.decode("utf-8-sig", errors="replace").lstrip()
    if not text.startswith("{"):
        return None
    first = text.split("\n", 1)[0]
    try:
        header = json.loads(first)
    except ValueError:
        return None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        return None
    return header


def is_export(path: Path) -> bool:
    return path.is_file() and read_header(path) is not None


def check_header(header: dict[str, Any], path: Path) -> None:
    from leaddesk.core.transfer.backup import latest_schema

    version, schema = header.get("version"), header.get("schema")
    if not isinstance(version, int) or version > VERSION:
        raise InvalidInput(
            f"{path.name}: export format version {version!r} is newer than this leaddesk reads"
        )
    if not isinstance(schema, int) or schema > latest_schema():
        raise InvalidInput(
            f"{path.name} was exported by a newer leaddesk (schema {schema}); upgrade to import it"
        )
    if not isinstance(header.get("reps", []), list) or not isinstance(
        header.get("zone_sets", []), list
    ):
        raise InvalidInput(f"{path.name}: the export header is damaged (reps, zone_sets)")


def table_rows(
    models: Iterable[type[BaseModel]] = (Rep, Lead, Phone, Touch, Appointment, ZoneSet),
) -> dict[str, list[Row]]:
    """Every row of every table as stored (raw values), for exact comparisons."""
    out: dict[str, list[Row]] = {}
    for model in models:
        order = model._meta.primary_key
        out[model._meta.table_name] = [tuple(r.values()) for r in select_raw(model, None, [order])]
    return out
