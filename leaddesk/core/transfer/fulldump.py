"""JSONL with full fidelity: every column of every lead, phone, touch (with its
`before` snapshot, so undo still works) and appointment, plus reps and zone sets.

The first line is a header (`{"format": "leaddesk-export", "version": 1,
"schema": N, …, "reps": [...], "zone_sets": [...]}`); then one line per lead:
`{"lead": {...}, "phones": [...], "touches": [...], "appointments": [...]}`.
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

FORMAT = "leaddesk-export"
VERSION = 1
CHUNK = 500  # leads per read (export) and per write round (import)
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
    seconds, millis = divmod(int(ms), 1000)
    return f"{datetime.fromtimestamp(seconds, UTC):%Y-%m-%dT%H:%M:%S}.{millis:03d}Z"


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


def select_raw(
    model: type[BaseModel], where: peewee.Expression | None, order: Sequence[Any]
) -> Iterator[dict[str, Any]]:
    fields = model._meta.sorted_fields
    query = model.select(*fields)
    if where is not None:
        query = query.where(where)
    sql, params = query.order_by(*order).sql()
    cursor = database.obj.execute_sql(sql, params)
    for raw in cursor:
        yield {f.name: _dump(f, v) for f, v in zip(fields, raw, strict=True)}


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
    out.write(json.dumps(header, ensure_ascii=False) + "\n")
    count = 0
    for leads in _lead_chunks(statuses):
        ids = [lead["id"] for lead in leads]
        children = {name: _by_lead(model, ids) for name, model in CHILDREN}
        for lead in leads:
            record: dict[str, Any] = {"lead": lead}
            for name, _ in CHILDREN:
                record[name] = children[name].get(lead["id"], [])
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def _lead_chunks(statuses: Sequence[str]) -> Iterator[list[dict[str, Any]]]:
    from leaddesk.core.transfer.exporting import lead_id_chunks

    for ids in lead_id_chunks(statuses, CHUNK):
        yield list(select_raw(Lead, Lead.id.in_(ids), [Lead.id]))


def _by_lead(model: type[BaseModel], ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = {}
    lead_field = model._meta.fields["lead"]
    for row in select_raw(model, lead_field.in_(ids), [lead_field, model._meta.primary_key]):
        grouped.setdefault(row["lead"], []).append(row)
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
