"""Importing a full-fidelity JSONL export (see `fulldump` for the format).

Into an EMPTY database every id is kept and the database is reproduced row for
row; into one that has leads, every id is renumbered (references and undo
snapshots too) and a lead whose phone or email is already there is a duplicate.
Runs inside the caller's transaction, through the one batch writer.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.jurisdictions import place_codes
from leaddesk.core.domain.phones import ParsedPhone
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.reads.queue.rows import zone_key, zones_of
from leaddesk.core.reads.search_postings import bulk_postings, has_postings
from leaddesk.core.store.batch import BatchWriter, sync_sequences
from leaddesk.core.store.db import BaseModel, database
from leaddesk.core.store.models import Appointment, Lead, Phone, Rep, Touch, ZoneSet
from leaddesk.core.transfer.dedupe import Key, known_keys, update_leads
from leaddesk.core.transfer.fulldump import CHILDREN, CHUNK, check_header, read_header, row_of
from leaddesk.core.transfer.import_report import ImportSummary, Progress, RejectsFile


def _lines(path: Path, progress_state: dict[str, Any]) -> Iterator[tuple[int, str]]:
    binary = open(path, "rb")  # noqa: SIM115 - closed by the `with` below
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="replace", newline="")
    progress_state["binary"] = binary
    with binary, text:
        yield from enumerate(text, start=1)


def import_records(
    path: Path,
    summary: ImportSummary,
    now: DateTime,
    settings: Settings,
    rejects: RejectsFile,
    progress: Progress | None,
) -> None:
    """Import a JSONL export inside the caller's transaction (see module doc)."""
    header = read_header(path)
    if header is None:
        raise InvalidInput(f"{path.name} is not a leaddesk export")
    check_header(header, path)
    keep_ids = all(not m.select().exists() for m in (Lead, Phone, Touch, Appointment, Rep))
    job = _JsonlImport(summary, now, settings, rejects, keep_ids)
    job.reps(header.get("reps", []), path)
    zone_sets = [k for k in header.get("zone_sets", []) if isinstance(k, str)]
    if zone_sets:
        ZoneSet.insert_many([{"key": k} for k in zone_sets]).on_conflict_ignore().execute()
    # PostgreSQL: the search's keys of every row written here go in once, at the end
    # (row by row they cost a restore of 10,000 leads minutes; SQLite's FTS5
    # triggers stay, as the update paths below expect every row indexed)
    db = database.obj
    with bulk_postings(db, fresh=False) if has_postings(db) else contextlib.nullcontext():
        _read_records(path, job, summary, rejects, progress)


def _read_records(
    path: Path,
    job: _JsonlImport,
    summary: ImportSummary,
    rejects: RejectsFile,
    progress: Progress | None,
) -> None:
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
    parsed: dict[str, Any] = {"lead": row_of(Lead, record["lead"], "lead")}
    for name, model in CHILDREN:
        items = record.get(name, [])
        if not isinstance(items, list):
            raise ValueError(f"{name} must be a list")
        parsed[name] = [row_of(model, item, f"{name}[{i}]") for i, item in enumerate(items)]
    for name, _ in CHILDREN:
        for item in parsed[name]:
            if item["lead"] != parsed["lead"]["id"]:
                raise ValueError(f"{where}: {name} of another lead ({item['lead']})")
    return parsed


class _JsonlImport:
    def __init__(
        self,
        summary: ImportSummary,
        now: DateTime,
        settings: Settings,
        rejects: RejectsFile,
        keep_ids: bool,
    ) -> None:
        self.summary = summary
        self.now = now
        self.settings = settings
        self.rejects = rejects
        self.keep_ids = keep_ids
        self.batch = BatchWriter((Lead, Phone, Touch, Appointment))
        self.first_lead = self.batch.next[Lead]
        self.rep_ids: dict[int, int] = {}

    def reps(self, reps: list[Any], path: Path) -> None:
        for i, data in enumerate(reps):
            try:
                row = row_of(Rep, data, f"reps[{i}]")
            except ValueError as exc:
                raise InvalidInput(f"{path.name}: the export header is damaged: {exc}") from None
            if self.keep_ids:
                Rep.insert(**row).execute()
                self.rep_ids[row["id"]] = row["id"]
            else:
                fields = {k: v for k, v in row.items() if k not in ("id", "name")}
                rep = Rep.get_or_none(Rep.name == row["name"])
                if rep is None:
                    rep = Rep.create(name=row["name"], **fields)
                self.rep_ids[row["id"]] = rep.id

    def write(self, batch: list[tuple[int, str, dict[str, Any]]]) -> None:
        if not batch:
            return
        known: dict[Key, set[int]] = {}
        if not self.keep_ids:
            keys = [k for _, _, r in batch for k in _keys(r)]
            known = known_keys(keys, before=self.first_lead)
        updates = []
        for number, line, record in batch:
            matches = sorted({i for k in _keys(record) for i in known.get(k, set())})
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
        return self.batch.take(model)

    def _add(self, record: dict[str, Any]) -> None:
        # email_bad: dumps from before schema 0010; first_attempt_at is derived from the
        # touches by triggers (0018), whatever the dump says
        lead = {"email_bad": False, **record["lead"], "first_attempt_at": None}
        old_lead = lead["id"]
        lead["id"] = self._take(Lead, old_lead)
        lead["owner"] = self._rep(lead.get("owner"))
        # a dump from before schema 0011 has no jurisdictions in its window key
        numbers = [p.get("e164", "") for p in record["phones"]]
        places = place_codes(numbers, lead.get("country", ""), lead.get("region", ""))
        lead["call_zones"] = zone_key(zones_of(lead.get("call_zones", "")), places)
        phone_ids = {p["id"]: self._take(Phone, p["id"]) for p in record["phones"]}
        touch_ids = {t["id"]: self._take(Touch, t["id"]) for t in record["touches"]}
        appt_ids = {a["id"]: self._take(Appointment, a["id"]) for a in record["appointments"]}
        rows: dict[type[BaseModel], list[dict[str, Any]]] = {Phone: [], Touch: [], Appointment: []}
        for p in record["phones"]:
            rows[Phone].append({**p, "id": phone_ids[p["id"]], "lead": lead["id"]})
        for t in record["touches"]:
            before = t["before"]
            if not self.keep_ids and before:
                before = _renumber_before(before, phone_ids, appt_ids)
            rep = self._rep(t.get("rep"))
            # Dumps written before schema 0008 have no outside_hours: unknown, stored NULL;
            # before 0010, no message_id; before 0011, no rules; before 0012, no calls_24h.
            t = {
                "outside_hours": None, "message_id": "", "rules": "", "rules_version": "",
                "calls_24h": None, **t,
            }  # fmt: skip
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
        self.batch.add_raw(Lead, lead)
        for model, items in rows.items():
            for item in items:
                self.batch.add_raw(model, item)
        if lead["call_zones"]:
            self.batch.zone_keys.add(lead["call_zones"])

    def _rep(self, old: int | None) -> int | None:
        if old is None:
            return None
        if old not in self.rep_ids:
            raise ValueError(f"rep {old} is not in the export header")
        return self.rep_ids[old]

    def flush(self, near_line: int) -> None:
        try:
            self.batch.flush()
        except Exception as exc:
            # the driver's own IntegrityError (sqlite3, psycopg2): raw executemany
            if type(exc).__name__ != "IntegrityError":
                raise
            raise InvalidInput(
                f"records from line {near_line} on clash with rows already there: {exc}"
            ) from None

    def finish(self) -> None:
        self.batch.finish()
        sync_sequences(self.batch.db, (Rep,))  # reps kept their ids too


def _keys(record: dict[str, Any]) -> list[Key]:
    keys: list[Key] = [("p", p["e164"]) for p in record["phones"] if p["e164"]]
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
