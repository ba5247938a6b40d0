"""Exports other tools read: a CSV for spreadsheets, an iCalendar file of
promises, and the letters due as a mail-merge CSV (JSONL lives in `fulldump`).

Spreadsheets evaluate a cell that starts with `=`, `+`, `-`, `@`, tab or
carriage return as a formula (CSV injection), so every such cell is written
with a leading `'`. That includes E.164 phone numbers (`'+12125550142`): the
number stays exact and is never evaluated — unquoted, Excel turns `+1 212…`
into a formula error and `+447911123456` into 4.47911E+11. `leaddesk import`
drops the quote again.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import peewee
from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.ical import Meeting, calendar_text
from leaddesk.core.domain.lead_state import OUTCOMES
from leaddesk.core.domain.phone_text import shown_phone, with_extension
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tz import tz
from leaddesk.core.store.db import atomic_write, dicts, tuples
from leaddesk.core.store.files import is_stream, open_private
from leaddesk.core.store.models import STATUSES, Appointment, Lead, Phone, Touch
from leaddesk.core.writes.outcomes import log_outcome

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 500
APPOINTMENT_MINUTES = {"appointment": 30, "callback": 15}

CSV_COLUMNS = (
    "id", "name", "company", "title", "phone", "phones", "email", "address", "city",
    "region", "postcode", "country", "lead_zone", "status", "attempts", "no_count",
    "do_not_call", "do_not_mail", "source", "interest", "tags", "received_at",
    "last_touch_at", "last_touch", "next_due_at", "next_due_local", "next_channel", "notes",
)  # fmt: skip
LETTER_COLUMNS = (
    "lead_id", "name", "company", "address_1", "address_2", "address_3", "city", "region",
    "postcode", "country", "due_at",
)  # fmt: skip


def neutralise(value: Any) -> Any:
    """A cell a spreadsheet will show as text, never evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def check_statuses(statuses: Sequence[str]) -> list[str]:
    wanted = [s.strip().lower() for item in statuses for s in item.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in STATUSES]
    if unknown:
        raise InvalidInput(f"unknown status {unknown[0]!r}; use: {' '.join(STATUSES)}")
    return wanted


@dataclass
class Written:
    path: str | None
    count: int


def write_output(
    target: str | None, produce: Callable[[IO[str]], int], *, bom: bool = False
) -> Written:
    """Run `produce` on `target` (None or "-" = stdout), owner-only, renamed in
    when complete so a failed export never leaves a half file under its name."""
    encoding = "utf-8-sig" if bom else "utf-8"
    if target in (None, "-"):
        import sys

        stream = sys.stdout
        if bom:
            stream.write("\ufeff")
        return Written(None, produce(stream))
    path = Path(target).expanduser()
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder; give a file name")
    if is_stream(path):
        with open(path, "w", encoding=encoding, newline="") as stream:
            return Written(str(path), produce(stream))
    partial = path.with_name(path.name + ".partial")
    try:
        with open_private(partial, "w", encoding=encoding, newline="") as handle:
            count = produce(handle)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return Written(str(path), count)


# --- CSV --------------------------------------------------------------------------


def lead_id_chunks(statuses: Sequence[str] = (), size: int = CHUNK) -> Iterator[list[int]]:
    """Every lead id (with one of `statuses`, if given), in order, `size` at a time
    (keyset paging: each chunk is one index range, however deep)."""
    last = 0
    while True:
        where = Lead.id > last
        if statuses:
            where &= Lead.status.in_(list(statuses))
        query = Lead.select(Lead.id).where(where).order_by(Lead.id).limit(size)
        ids = [i for (i,) in tuples(query)]
        if not ids:
            return
        yield ids
        last = ids[-1]


def _lead_chunks(statuses: Sequence[str]) -> Iterator[list[dict[str, Any]]]:
    # dicts, not model instances: a model per row costs more than the query
    for ids in lead_id_chunks(statuses):
        yield list(dicts(Lead.select().where(Lead.id.in_(ids)).order_by(Lead.id)))


def _phones(ids: list[int]) -> dict[int, list[tuple[str, str, bool, str]]]:
    """(e164, label, bad, raw) of each lead's phones, in their order."""
    out: dict[int, list[tuple[str, str, bool, str]]] = {}
    query = (
        Phone.select(Phone.lead, Phone.e164, Phone.label, Phone.bad, Phone.raw)
        .where(Phone.lead.in_(ids))
        .order_by(Phone.lead, Phone.position)
    )
    for lead_id, e164, label, bad, raw in tuples(query):
        out.setdefault(lead_id, []).append((e164, label, bool(bad), raw))
    return out


def _last_touches(ids: list[int]) -> dict[int, tuple[DateTime, str, str]]:
    """Each lead's latest touch by the rep (not the 'received' one): (at, channel, outcome).

    One probe of the (lead, at) index per lead, not every touch of the chunk.
    """
    inner = Touch.alias()
    latest = inner.select(peewee.fn.MAX(inner.at)).where(
        (inner.lead == Touch.lead) & (inner.outcome != "received")
    )
    query = (
        Touch.select(Touch.lead, Touch.at, Touch.channel, Touch.outcome)
        .where(Touch.lead.in_(ids) & (Touch.outcome != "received") & (Touch.at == latest))
        .order_by(Touch.lead, Touch.id.desc())
    )
    out: dict[int, tuple[DateTime, str, str]] = {}
    for lead_id, at, channel, outcome in tuples(query):
        out.setdefault(lead_id, (at, channel, outcome))
    return out


def _iso(at: DateTime | None, zone: str = "UTC") -> str:
    return at.in_timezone(tz(zone)).isoformat() if at is not None else ""


def export_csv(out: IO[str], settings: Settings, statuses: Sequence[str] = ()) -> int:
    """One row per lead; returns the number of leads written."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for leads in _lead_chunks(statuses):
        ids = [lead["id"] for lead in leads]
        phones = _phones(ids)
        touches = _last_touches(ids)
        for lead in leads:
            own = phones.get(lead["id"], [])
            good = [with_extension(e164, raw) for e164, _, bad, raw in own if not bad]
            zone = lead["timezone"] or settings.rep_timezone
            last = touches.get(lead["id"])
            last_text = ""
            if last is not None:
                spec = OUTCOMES.get(last[2])
                last_text = f"{last[1]}: {spec.label if spec else last[2]}"
            listed = "; ".join(
                with_extension(e164, raw)
                + (f" ({label})" if label else "")
                + (" bad" if bad else "")
                for e164, label, bad, raw in own
            )
            due = lead["next_due_at"]
            row = (
                lead["id"], lead["name"], lead["company"], lead["title"],
                good[0] if good else "", listed, lead["email"], lead["address"], lead["city"],
                lead["region"], lead["postcode"], lead["country"], zone, lead["status"],
                lead["attempts"], lead["no_count"], int(lead["do_not_call"]),
                int(lead["do_not_mail"]), lead["source"], lead["interest"], lead["tags"],
                _iso(lead["received_at"]), _iso(last[0] if last else None), last_text,
                _iso(due), _iso(due, zone), lead["next_channel"] if due else "", lead["notes"],
            )  # fmt: skip
            writer.writerow([neutralise(v) for v in row])
            count += 1
    return count


# --- iCalendar ----------------------------------------------------------------------


def export_ics(out: IO[str], now: DateTime, settings: Settings) -> int:
    """Open appointments and promised callbacks from `now` on, as VEVENTs in
    the lead's zone (through the one iCalendar writer); returns how many."""
    query = (
        Appointment.select(Appointment, Lead)
        .join(Lead)
        .where((Appointment.done == False) & (Appointment.at >= now))  # noqa: E712
        .order_by(Appointment.at, Appointment.id)
    )
    appointments = list(query)
    phones = _phones([a.lead_id for a in appointments]) if appointments else {}
    meetings = []
    for a in appointments:
        lead = a.lead
        zone = lead.timezone or settings.rep_timezone
        who = lead.name + (
            f" ({lead.company})" if lead.company and lead.company != lead.name else ""
        )
        lines = []
        for e164, label, bad, raw in phones.get(lead.id, []):
            if not bad:
                lines.append(f"phone: {shown_phone(e164, raw)}" + (f" ({label})" if label else ""))
        if lead.email:
            lines.append(f"email: {lead.email}")
        if a.note:
            lines.append(f"note: {a.note}")
        if lead.notes:
            lines.append(f"about them: {lead.notes}")
        lines.append(f"leaddesk lead #{lead.id} · their zone {zone}")
        meetings.append(
            Meeting(
                uid=f"appointment-{a.id}-lead-{lead.id}@leaddesk",
                start=a.at,
                minutes=APPOINTMENT_MINUTES.get(a.kind, 30),
                zone=zone,
                summary=f"Call back {who}" if a.kind == "callback" else f"Appointment: {who}",
                description="\n".join(lines),
                categories=(a.kind,),
            )
        )
    out.write(calendar_text(meetings, now, name="leaddesk"))
    return len(appointments)


# --- letters ------------------------------------------------------------------------


@dataclass(frozen=True)
class Letter:
    lead_id: int
    name: str
    company: str
    address_lines: tuple[str, str, str]
    city: str
    region: str
    postcode: str
    country: str
    due_at: DateTime
    zone: str

    def row(self) -> list[Any]:
        values = (
            self.lead_id, self.name, self.company, *self.address_lines, self.city, self.region,
            self.postcode, self.country, self.due_at.in_timezone(tz(self.zone)).isoformat(),
        )  # fmt: skip
        return [neutralise(v) for v in values]


def _three_lines(address: str) -> tuple[str, str, str]:
    """The address's first two lines as typed and the rest joined, padded to three."""
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    if len(lines) > 3:
        return (lines[0], lines[1], ", ".join(lines[2:]))
    padded = [*lines, "", "", ""]
    return (padded[0], padded[1], padded[2])


def letters_due(until: DateTime, settings: Settings) -> list[Letter]:
    """Leads whose next step is a letter, due by `until`, that may be mailed."""
    query = (
        Lead.select()
        .where(
            Lead.priority.is_null(False)
            & (Lead.next_channel == "letter")
            & (Lead.next_due_at <= until)
            & (Lead.do_not_mail == False)  # noqa: E712
        )
        .order_by(Lead.next_due_at, Lead.id)
    )
    letters = []
    for lead in query:
        letters.append(
            Letter(
                lead.id,
                lead.name,
                lead.company,
                _three_lines(lead.address),
                lead.city,
                lead.region,
                lead.postcode,
                lead.country,
                lead.next_due_at,
                lead.timezone or settings.rep_timezone,
            )
        )
    return letters


def write_letters(out: IO[str], letters: Sequence[Letter]) -> int:
    writer = csv.writer(out)
    writer.writerow(LETTER_COLUMNS)
    for letter in letters:
        writer.writerow(letter.row())
    return len(letters)


def take_letters(
    until: DateTime,
    now: DateTime,
    settings: Settings,
    *,
    mark_sent: bool,
    write: Callable[[list[Letter]], Any],
) -> list[Letter]:
    """The letters due, handed to `write`; with `mark_sent`, each is then logged
    as sent through `writes.outcomes.log_outcome` — the same rule as the `m` key —
    all in ONE transaction: if writing fails, nothing is logged."""

    def work() -> list[Letter]:
        letters = letters_due(until, settings)
        write(letters)
        if mark_sent:
            for letter in letters:
                # nested atomic_write: a savepoint inside this transaction
                log_outcome(letter.lead_id, "letter", now, settings, note="mail merge")
        return letters

    if not mark_sent:
        return work()
    return atomic_write(work)
