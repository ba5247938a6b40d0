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

import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import peewee
from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.phones import ParsedPhone
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.store.db import UTCTimestamp, database, to_ms
from leaddesk.core.store.models import (
    Appointment,
    BaseModel,
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


def _row(model: type[BaseModel], data: Any, where: str) -> dict[str, Any]:
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


def _select_raw(model: type[BaseModel], where: peewee.Expression | None, order: Sequence[Any]):
    fields = model._meta.sorted_fields
    query = model.select(*fields)
    if where is not None:
        query = query.where(where)
    sql, params = query.order_by(*order).sql()
    cursor = database.obj.execute_sql(sql, params)
    for raw in cursor:
        yield {f.name: _dump(f, v) for f, v in zip(fields, raw, strict=True)}


def export_jsonl(out: IO[str], now: DateTime, statuses: Sequence[str] = ()) -> int:
    """Write the export to `out`; returns how many leads it holds."""
    from leaddesk.core.store.schema import schema_version

    header = {
        "format": FORMAT,
        "version": VERSION,
        "schema": schema_version(),
        "exported_at": iso_ms(to_ms(now)),
        "reps": list(_select_raw(Rep, None, [Rep.id])),
        "zone_sets": [k for (k,) in ZoneSet.select(ZoneSet.key).order_by(ZoneSet.key).tuples()],
    }
    out.write(json.dumps(header, ensure_ascii=False) + "\n")
    count = 0
    for leads in _lead_chunks(statuses):
        ids = [lead["id"] for lead in leads]
        children = {name: _by_lead(model, ids) for name, model in CHILDREN}
        for lead in leads:
            record = {"lead": lead}
            for name, _ in CHILDREN:
                record[name] = children[name].get(lead["id"], [])
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def _lead_chunks(statuses: Sequence[str]) -> Iterator[list[dict[str, Any]]]:
    from leaddesk.core.transfer.exporting import lead_id_chunks

    for ids in lead_id_chunks(statuses, CHUNK):
        yield list(_select_raw(Lead, Lead.id.in_(ids), [Lead.id]))


def _by_lead(model: type[BaseModel], ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = {}
    lead_field = model._meta.fields["lead"]
    for row in _select_raw(model, lead_field.in_(ids), [lead_field, model.id]):
        grouped.setdefault(row["lead"], []).append(row)
    return grouped


# --- import ------------------------------------------------------------------------


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


def _check_header(header: dict[str, Any], path: Path) -> None:
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


def _lines(path: Path, progress_state: dict[str, Any]) -> Iterator[tuple[int, str]]:
    binary = open(path, "rb")  # noqa: SIM115 - closed by the `with` below
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="replace", newline="")
    progress_state["binary"] = binary
    with binary, text:
        yield from enumerate(text, start=1)


def import_records(source, summary, now: DateTime, settings: Settings, rejects, progress) -> None:
    """Import a JSONL export inside the caller's transaction (see module doc)."""
    path: Path = source.path
    header = read_header(path)
    if header is None:
        raise InvalidInput(f"{path.name} is not a leaddesk export")
    _check_header(header, path)
    keep_ids = all(not m.select().exists() for m in (Lead, Phone, Touch, Appointment, Rep))
    job = _JsonlImport(summary, now, settings, rejects, keep_ids)
    job.reps(header.get("reps", []), path)
    zone_sets = [k for k in header.get("zone_sets", []) if isinstance(k, str)]
    if zone_sets:
        ZoneSet.insert_many([{"key": k} for k in zone_sets]).on_conflict_ignore().execute()
    state: dict[str, Any] = {}
    size = path.stat().st_size
    batch: list[tuple[int, str, dict[str, Any]]] = []
    seen_header = False
    for number, line in _lines(path, state):
        if not line.strip():
            summary.blank_lines += 1
            continue
        if not seen_header:
            seen_header = True
            continue
        summary.rows_read += 1
        try:
            record = json.loads(line)
            parsed = _record(record, number)
        except (ValueError, RecursionError) as exc:
            reason = f"not a lead record: {exc}"[:300]
            summary.rejected += 1
            summary.note("reject", number, reason)
            rejects.add(number, reason, [line.rstrip("\r\n")])
            continue
        batch.append((number, line, parsed))
        if len(batch) >= CHUNK:
            job.write(batch)
            batch = []
            if progress:
                progress(state["binary"].tell(), size)
    job.write(batch)
    job.finish()
    if progress:
        progress(size, size)


def _record(record: Any, number: int) -> dict[str, Any]:
    if not isinstance(record, dict) or not isinstance(record.get("lead"), dict):
        raise ValueError('no "lead" object')
    where = f"line {number}"
    parsed: dict[str, Any] = {"lead": _row(Lead, record["lead"], "lead")}
    for name, model in CHILDREN:
        items = record.get(name, [])
        if not isinstance(items, list):
            raise ValueError(f"{name} must be a list")
        parsed[name] = [_row(model, item, f"{name}[{i}]") for i, item in enumerate(items)]
    for name, _ in CHILDREN:
        for item in parsed[name]:
            if item["lead"] != parsed["lead"]["id"]:
                raise ValueError(f"{where}: {name} of another lead ({item['lead']})")
    return parsed


class _JsonlImport:
    def __init__(self, summary, now: DateTime, settings: Settings, rejects, keep_ids: bool) -> None:
        from leaddesk.core.transfer.importing import BulkRows, next_id

        db = database.obj
        self.summary = summary
        self.now = now
        self.settings = settings
        self.rejects = rejects
        self.keep_ids = keep_ids
        self.bulk = {m: BulkRows(m, db, with_id=True) for m in (Lead, Phone, Touch, Appointment)}
        self.next = {m: next_id(m) for m in self.bulk}
        self.first_lead = self.next[Lead]
        self.rep_ids: dict[int, int] = {}
        self.zone_keys: set[str] = set()

    def reps(self, reps: list[Any], path: Path) -> None:
        for i, data in enumerate(reps):
            try:
                row = _row(Rep, data, f"reps[{i}]")
            except ValueError as exc:
                raise InvalidInput(f"{path.name}: the export header is damaged: {exc}") from None
            if self.keep_ids:
                Rep.insert(**row).execute()
                self.rep_ids[row["id"]] = row["id"]
            else:
                fields = {k: v for k, v in row.items() if k not in ("id", "name")}
                rep, _ = Rep.get_or_create(name=row["name"], defaults=fields)
                self.rep_ids[row["id"]] = rep.id

    def write(self, batch: list[tuple[int, str, dict[str, Any]]]) -> None:
        from leaddesk.core.transfer.importing import known_keys, update_leads

        if not batch:
            return
        known: dict[str, set[int]] = {}
        if not self.keep_ids:
            keys = [k for _, _, r in batch for k in _keys(r)]
            known = known_keys(keys, before=self.first_lead)
        updates = []
        for number, line, record in batch:
            matches = sorted({i for k in _keys(record) for i in known.get(k, ())})
            if matches:
                if self.summary.on_duplicate == "update" and len(matches) == 1:
                    updates.append((number, record, matches[0]))
                else:
                    self._duplicate(number, matches)
                continue
            try:
                self._add(record)
            except ValueError as exc:
                self.summary.rejected += 1
                self.summary.note("reject", number, str(exc))
                self.rejects.add(number, str(exc), [line.rstrip("\r\n")])
                continue
            self.summary.imported += 1
        self.flush(batch[0][0])
        done = update_leads(
            [(lead_id, *_draft(record)) for _, record, lead_id in updates], self.now
        )
        for (number, _, lead_id), changed in zip(updates, done, strict=True):
            if changed:
                self.summary.updated += 1
            else:
                self._duplicate(number, [lead_id], "nothing new to update")

    def _duplicate(self, number: int, lead_ids: list[int], why: str = "") -> None:
        self.summary.skipped_duplicate += 1
        shown = ", ".join(f"#{i}" for i in lead_ids)
        self.summary.note("duplicate", number, f"same phone or email as lead {shown} {why}".strip())

    def _take(self, model: type[BaseModel], old: int) -> int:
        if self.keep_ids:
            return old
        new = self.next[model]
        self.next[model] = new + 1
        return new

    def _add(self, record: dict[str, Any]) -> None:
        lead = dict(record["lead"])
        old_lead = lead["id"]
        lead["id"] = self._take(Lead, old_lead)
        lead["owner"] = self._rep(lead.get("owner"))
        phone_ids = {p["id"]: self._take(Phone, p["id"]) for p in record["phones"]}
        touch_ids = {t["id"]: self._take(Touch, t["id"]) for t in record["touches"]}
        appt_ids = {a["id"]: self._take(Appointment, a["id"]) for a in record["appointments"]}
        rows = {Phone: [], Touch: [], Appointment: []}
        for p in record["phones"]:
            rows[Phone].append({**p, "id": phone_ids[p["id"]], "lead": lead["id"]})
        for t in record["touches"]:
            before = t["before"]
            if not self.keep_ids and before:
                before = _renumber_before(before, phone_ids, appt_ids)
            rep = self._rep(t.get("rep"))
            rows[Touch].append(
                {**t, "id": touch_ids[t["id"]], "lead": lead["id"], "rep": rep, "before": before}
            )
        for a in record["appointments"]:
            touch = a.get("touch")
            if touch is not None:
                touch = touch_ids.get(touch)
            rows[Appointment].append(
                {**a, "id": appt_ids[a["id"]], "lead": lead["id"], "touch": touch}
            )
        self.bulk[Lead].rows.append(tuple(lead[n] for n in self.bulk[Lead].names))
        for model, items in rows.items():
            bulk = self.bulk[model]
            bulk.rows.extend(tuple(item[n] for n in bulk.names) for item in items)
        if lead["call_zones"]:
            self.zone_keys.add(lead["call_zones"])

    def _rep(self, old: int | None) -> int | None:
        if old is None:
            return None
        if old not in self.rep_ids:
            raise ValueError(f"rep {old} is not in the export header")
        return self.rep_ids[old]

    def flush(self, near_line: int) -> None:
        try:
            for bulk in self.bulk.values():
                bulk.flush(database.obj)
            if self.zone_keys:
                rows = [{"key": k} for k in sorted(self.zone_keys)]
                ZoneSet.insert_many(rows).on_conflict_ignore().execute()
                self.zone_keys.clear()
        except Exception as exc:
            # the driver's own IntegrityError (sqlite3, psycopg2): raw executemany
            if type(exc).__name__ != "IntegrityError":
                raise
            raise InvalidInput(
                f"records from line {near_line} on clash with rows already there: {exc}"
            ) from None

    def finish(self) -> None:
        from leaddesk.core.store.db import sync_sequences

        sync_sequences(database.obj, (Rep, Lead, Phone, Touch, Appointment))


def _keys(record: dict[str, Any]) -> list[tuple[str, ...]]:
    keys = [("p", p["e164"]) for p in record["phones"] if p["e164"]]
    email = record["lead"]["email"]
    if email:
        keys.append(("e", email.lower()))
    return keys


def _renumber_before(text: str, phones: dict[int, int], appointments: dict[int, int]) -> str:
    try:
        before = json.loads(text)
    except ValueError:
        return text
    if not isinstance(before, dict):
        return text
    closed = before.get("closed")
    if isinstance(closed, list):
        before["closed"] = [appointments.get(i, i) for i in closed]
    if isinstance(before.get("bad_phone"), int):
        before["bad_phone"] = phones.get(before["bad_phone"], before["bad_phone"])
    return json.dumps(before)


def _draft(record: dict[str, Any]) -> tuple[LeadDraft, list[ParsedPhone]]:
    lead = record["lead"]
    phones = [ParsedPhone(p["raw"], p["e164"], "", ()) for p in record["phones"] if p["e164"]]
    labels = {p["e164"]: p["label"] for p in record["phones"]}
    first = lead.get("first_contact_on")
    draft = LeadDraft(
        name=lead["name"],
        phones=[(p.raw, labels[p.e164]) for p in phones],
        email=lead["email"],
        company=lead["company"],
        title=lead["title"],
        address=lead["address"],
        city=lead["city"],
        region=lead["region"],
        postcode=lead["postcode"],
        country=lead["country"],
        source=lead["source"],
        interest=lead["interest"],
        first_contact_on=date.fromisoformat(first) if first else None,
        tags=lead["tags"],
        notes=lead["notes"],
    )
    return draft, phones


def table_rows(models: Iterable[type[BaseModel]] = (Rep, Lead, Phone, Touch, Appointment, ZoneSet)):
    """Every row of every table as stored (raw values), for exact comparisons."""
    out = {}
    for model in models:
        order = model._meta.primary_key
        out[model._meta.table_name] = [tuple(r.values()) for r in _select_raw(model, None, [order])]
    return out
