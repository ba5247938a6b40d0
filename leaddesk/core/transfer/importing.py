"""Spreadsheet import: read, map, validate, dedupe and write — never losing or
duplicating a row.

Every data row ends up in exactly one of four counts — imported, updated,
skipped as a duplicate, rejected — so they add up to the rows read. A rejected
row goes to the rejects file with its original line number, the reason and its
original fields (fix it there and import that file).

The whole file is ONE transaction: all of it is committed, or none of it (a
kill mid-import leaves the database as it was). `dry_run` runs exactly the
same code and rolls the transaction back, so it shows exactly what would
happen. Rows go in with `executemany` on peewee's connection, a batch at a
time; duplicates are looked up per batch against the database, which by then
also holds the earlier rows of this file — so memory stays flat however long
the file is.

A leaddesk JSONL export (see `fulldump`) is recognised by its first line and
imported with full fidelity instead.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

import peewee
import pendulum
from pendulum import DateTime

from leaddesk.core.domain.emails import normalise_email
from leaddesk.core.domain.errors import InvalidInput, LeadDeskError
from leaddesk.core.domain.phones import ParsedPhone, parse_phone, resolve_zone
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tz import tz
from leaddesk.core.domain.validate import LeadDraft, check_draft_fields, require_name
from leaddesk.core.domain.when import MONTHS
from leaddesk.core.reads.queue import zone_key
from leaddesk.core.store.db import (
    atomic_write,
    database,
    execute_many,
    from_ms,
    insert_sql,
    sync_sequences,
    to_ms,
)
from leaddesk.core.store.files import open_private
from leaddesk.core.store.models import BaseModel, Lead, Phone, Touch, ZoneSet
from leaddesk.core.transfer.mapping import Mapping, parse_overrides, plan_mapping
from leaddesk.core.transfer.tabular import Record, Table, trim_trailing
from leaddesk.core.writes.leads import new_lead_rows

BATCH = 1000  # rows per dedupe lookup and executemany round
MAX_NOTES = 50  # row notes (rejects, duplicates, warnings) kept in the summary
ON_DUPLICATE = ("skip", "update")
# What our CSV export puts before a cell a spreadsheet would evaluate.
_NEUTRALISED = re.compile(r"^'[=+\-@\t\r]")

Progress = Callable[[int, int], None]  # (bytes read, file size)
# What a lead is known by: ("p", e164), ("e", email), or for a lead reachable
# by post only ("a", address, name).
Key = tuple[str, ...]


class ImportCancelled(LeadDeskError):
    """Raised by a progress callback to stop an import; nothing is written."""


@dataclass(frozen=True)
class RowNote:
    line: int
    text: str


@dataclass
class ImportSummary:
    file: str
    kind: str  # csv | jsonl
    encoding: str
    delimiter: str
    dry_run: bool
    on_duplicate: str
    mapping: Mapping | None
    rows_read: int = 0
    imported: int = 0
    updated: int = 0
    skipped_duplicate: int = 0
    rejected: int = 0
    blank_lines: int = 0
    warnings: int = 0
    rejects_file: str | None = None
    rejects: list[RowNote] = field(default_factory=list)
    duplicates: list[RowNote] = field(default_factory=list)
    warning_notes: list[RowNote] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        counted = self.imported + self.updated + self.skipped_duplicate + self.rejected
        return counted == self.rows_read

    def headline(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        text = (
            f"{verb} {self.imported} · updated {self.updated} · "
            f"skipped {self.skipped_duplicate} duplicate"
            f"{'s' if self.skipped_duplicate != 1 else ''} · rejected {self.rejected}"
            f" — of {self.rows_read} row{'s' if self.rows_read != 1 else ''} read"
        )
        return text

    def as_json(self) -> dict[str, Any]:
        def notes(items: list[RowNote]) -> list[dict[str, Any]]:
            return [{"line": n.line, "reason": n.text} for n in items]

        return {
            "file": self.file,
            "kind": self.kind,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "dry_run": self.dry_run,
            "on_duplicate": self.on_duplicate,
            "rows_read": self.rows_read,
            "imported": self.imported,
            "updated": self.updated,
            "skipped_duplicate": self.skipped_duplicate,
            "rejected": self.rejected,
            "blank_lines": self.blank_lines,
            "warnings": self.warnings,
            "rejects_file": self.rejects_file,
            "mapping": self.mapping.as_json() if self.mapping else None,
            "rejects": notes(self.rejects),
            "duplicates": notes(self.duplicates),
            "warning_notes": notes(self.warning_notes),
        }

    def note(self, kind: str, line: int, text: str) -> None:
        bucket = {"reject": self.rejects, "duplicate": self.duplicates}.get(kind)
        if bucket is None:
            self.warnings += 1
            bucket = self.warning_notes
        if len(bucket) < MAX_NOTES:
            bucket.append(RowNote(line, text))


@dataclass
class Source:
    """A file ready to import: what it is and how its columns map."""

    path: Path
    kind: str  # csv | jsonl
    table: Table | None = None
    header: list[str] = field(default_factory=list)
    header_line: int = 0
    mapping: Mapping | None = None

    @property
    def encoding(self) -> str:
        return self.table.encoding if self.table else "utf-8"

    @property
    def delimiter(self) -> str:
        return self.table.delimiter if self.table else ""

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def open_source(
    path: str | Path,
    *,
    overrides: Sequence[str] = (),
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Source:
    """Inspect a file: JSONL export or delimited text; for text, its header and mapping.

    Raises InvalidInput when it cannot be imported at all (no such file, no
    header, no column that names a person or a way to reach them).
    """
    from leaddesk.core.transfer import fulldump

    p = Path(path).expanduser()
    if fulldump.is_export(p):
        if overrides:
            raise InvalidInput("--map does not apply to a leaddesk JSONL export")
        return Source(p, "jsonl")
    table = Table(p, encoding, delimiter)
    header: list[str] | None = None
    header_line = 0
    for record in table.records():
        if not record.blank:
            header, header_line = [h.strip() for h in record.fields], record.line
            break
    if header is None:
        raise InvalidInput(f"{p.name} has no header row (the file holds only blank lines)")
    mapping = plan_mapping(header, parse_overrides(list(overrides)))
    _check_mapping(mapping, header, p)
    return Source(p, "csv", table, header, header_line, mapping)


def _check_mapping(mapping: Mapping, header: list[str], path: Path) -> None:
    fields = mapping.fields()
    shown = ", ".join(repr(h) for h in header[:12] if h) + (" …" if len(header) > 12 else "")
    hint = "; name them with --map COLUMN=field"
    if not fields & {"phone", "email", "street", "address"}:
        raise InvalidInput(f"{path.name}: no phone, email or address column among {shown}{hint}")
    if not fields & {"name", "first_name", "last_name", "company"}:
        raise InvalidInput(f"{path.name}: no name or company column among {shown}{hint}")


def import_file(
    source: Source,
    now: DateTime,
    settings: Settings,
    *,
    dry_run: bool = False,
    on_duplicate: str = "skip",
    rejects_path: str | Path | None = None,
    progress: Progress | None = None,
    owner: str | None = None,
) -> ImportSummary:
    """Import `source` in one transaction (rolled back when `dry_run`).

    Rejected rows are written to `rejects_path` (default for a real import:
    `<file>.rejects.csv` beside the input) only when there are any. `owner`
    gives new leads to a rep by name, or "round-robin" across the reps (team
    mode); without it they go to the pool.
    """
    if on_duplicate not in ON_DUPLICATE:
        raise InvalidInput(f"--on-duplicate {on_duplicate!r}: use skip or update")
    summary = ImportSummary(
        file=str(source.path),
        kind=source.kind,
        encoding=source.encoding,
        delimiter=source.delimiter,
        dry_run=dry_run,
        on_duplicate=on_duplicate,
        mapping=source.mapping,
    )
    if rejects_path is None and not dry_run:
        rejects_path = default_rejects_path(source.path)
    rejects = RejectsFile(Path(rejects_path).expanduser() if rejects_path else None, source)

    def work() -> ImportSummary:
        if source.kind == "jsonl":
            from leaddesk.core.transfer.fulldump import import_records

            import_records(source, summary, now, settings, rejects, progress)
        else:
            _CsvImport(source, summary, now, settings, rejects, progress, owner).run()
        if dry_run:
            raise _RollBack()
        return summary

    try:
        atomic_write(work)
    except _RollBack:
        pass
    except BaseException:
        rejects.discard()
        raise
    summary.rejects_file = rejects.finish()
    return summary


def default_rejects_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejects.csv")


class _RollBack(Exception):
    """Raised inside the transaction of a dry run so nothing is kept."""


class RejectsFile:
    """Rejected rows, streamed to `<target>.partial` and renamed at the end.

    Columns: line, reason, then the file's own columns with the original
    values, unaltered — so the rejects file imports again once fixed.
    """

    def __init__(self, target: Path | None, source: Source) -> None:
        self.target = target
        self.source = source
        self.count = 0
        self._handle: IO[str] | None = None
        self._writer: Any = None
        if target is not None and target.resolve() == source.path.resolve():
            raise InvalidInput("the rejects file cannot be the file being imported")

    @property
    def partial(self) -> Path:
        assert self.target is not None
        return self.target.with_name(self.target.name + ".partial")

    def add(self, line: int, reason: str, fields: Sequence[str]) -> None:
        self.count += 1
        if self.target is None:
            return
        if self._writer is None:
            self._handle = open_private(self.partial, "w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._handle)
            header = self.source.header or ["record"]
            self._writer.writerow(["line", "reason", *header])
        self._writer.writerow([line, reason, *fields])

    def _close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def discard(self) -> None:
        self._close()
        if self.target is not None:
            self.partial.unlink(missing_ok=True)

    def finish(self) -> str | None:
        self._close()
        if self.target is None or self._writer is None:
            return None
        os.replace(self.partial, self.target)
        return str(self.target)


# --- cells and values ------------------------------------------------------------


GOOGLE_SYSTEM_GROUPS = frozenset({"mycontacts", "starred"})


def one_line(text: str) -> str:
    """A single-line field: a newline or tab inside it becomes a space."""
    if "\n" in text or "\r" in text or "\t" in text:
        return " ".join(text.split())
    return text


def lines(text: str) -> str:
    """A multi-line field with plain newlines (files from Windows carry CRLF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def clean_cell(value: str) -> str:
    text = value.strip()
    if text[:1] == "'" and _NEUTRALISED.match(text):
        return text[1:].strip()  # our own export's formula guard
    return text


_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
_YMD = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?P<time>.*)$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?P<time>.*)$")
_DAY_MONTH = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([a-z]+)\.?,?[\s\-]+(\d{4})(?P<time>.*)$"
)
_MONTH_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?P<time>.*)$")
_TIME = re.compile(r"^[\sT,]*(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap])?\.?m?\.?$")
MONTH_FIRST_REGIONS = frozenset({"US", "CA", "PH", "FM", "MH", "PW"})


def parse_sheet_date(text: str, zone: str, month_first: bool) -> DateTime:
    """A date (and maybe time) as spreadsheets write them; naive values are in `zone`.

    ISO 8601, 2024/03/05, 3/5/2024 (month first where the rep's region writes
    it so, else day first), 5.3.2024 (always day first), 5 Mar 2024, March 5,
    2024 — each with an optional 14:30 or 2:30 PM. Raises InvalidInput when it
    cannot be read.
    """
    raw = " ".join(text.strip().split())
    lower = raw.lower()
    try:
        iso = _ISO.match(raw)
        if iso:
            y, mo, d = int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
            hh, mm, ss = (int(iso.group(i) or 0) for i in (4, 5, 6))
            offset = iso.group(7)
            if offset:
                value = pendulum.parse(raw.replace(" ", "T", 1))
                if isinstance(value, DateTime):
                    return value.in_timezone("UTC")
            return local_instant(y, mo, d, hh, mm, ss, zone)
        for pattern, order in ((_YMD, "ymd"), (_NUMERIC, "mdy" if month_first else "dmy")):
            m = pattern.match(lower)
            if m:
                if pattern is _NUMERIC and "." in lower.split(" ", 1)[0]:
                    order = "dmy"  # 5.3.2024 is day first wherever it is written
                a, b, c = (int(m.group(i)) for i in (1, 2, 3))
                y, mo, d = {"ymd": (a, b, c), "mdy": (c, a, b), "dmy": (c, b, a)}[order]
                return _with_time(_year(y), mo, d, m.group("time"), zone, raw)
        m = _DAY_MONTH.match(lower)
        if m and m.group(2) in MONTHS:
            d, mo, y = int(m.group(1)), MONTHS[m.group(2)], int(m.group(3))
            return _with_time(y, mo, d, m.group("time"), zone, raw)
        m = _MONTH_DAY.match(lower)
        if m and m.group(1) in MONTHS:
            mo, d, y = MONTHS[m.group(1)], int(m.group(2)), int(m.group(3))
            return _with_time(y, mo, d, m.group("time"), zone, raw)
    except (ValueError, OverflowError, pendulum.parsing.exceptions.ParserError):
        raise InvalidInput(f"{raw!r} is not a real date") from None
    raise InvalidInput(f"{raw!r} is not a date leaddesk can read (e.g. 2024-03-05)")


def _year(y: int) -> int:
    if y >= 100:
        return y
    return 2000 + y if y < 70 else 1900 + y


def _with_time(y: int, mo: int, d: int, rest: str, zone: str, raw: str) -> DateTime:
    hh = mm = ss = 0
    if rest.strip():
        t = _TIME.match(rest)
        if not t:
            raise InvalidInput(f"{raw!r}: cannot read the time of day")
        hh, mm, ss = int(t.group(1)), int(t.group(2)), int(t.group(3) or 0)
        if t.group(4):
            if not 1 <= hh <= 12:
                raise InvalidInput(f"{raw!r}: {hh} is not an hour on a 12-hour clock")
            hh = hh % 12 + (12 if t.group(4) == "p" else 0)
    return local_instant(y, mo, d, hh, mm, ss, zone)


def local_instant(y: int, mo: int, d: int, hh: int, mm: int, ss: int, zone: str) -> DateTime:
    """A wall-clock time in `zone`, as a UTC instant (what pendulum.datetime gives).

    On a day without a clock change the offset is one number: it is worked out
    once per zone and day, not per row (pendulum takes ~5 µs a value).
    """
    if not (0 <= hh <= 23 and 0 <= mm <= 59 and 0 <= ss <= 59):
        raise ValueError(f"{hh:02d}:{mm:02d}:{ss:02d} is not a time of day")
    day = date(y, mo, d)  # ValueError for a day that does not exist
    offset = _day_offset(zone, day)
    if offset is None:  # the clocks change that day: pendulum's rules for gaps and folds
        return pendulum.datetime(y, mo, d, hh, mm, ss, tz=tz(zone)).in_timezone(pendulum.UTC)
    seconds = (day.toordinal() - _EPOCH_DAY) * 86400 + hh * 3600 + mm * 60 + ss - offset
    return from_ms(seconds * 1000)


_EPOCH_DAY = date(1970, 1, 1).toordinal()


@lru_cache(maxsize=4096)
def _day_offset(zone: str, day: date) -> int | None:
    """The zone's UTC offset in seconds all through `day`, or None if it changes."""
    start = pendulum.datetime(day.year, day.month, day.day, tz=tz(zone))
    end = start.add(hours=23, minutes=59, seconds=59)
    offset = start.utcoffset()
    if offset is None or offset != end.utcoffset() or end.day != day.day:
        return None
    return int(offset.total_seconds())


COUNTRIES = {
    "usa": "US", "united states": "US", "united states of america": "US", "america": "US",
    "us": "US", "u s": "US", "u s a": "US", "canada": "CA", "uk": "GB",
    "united kingdom": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "ireland": "IE", "germany": "DE", "deutschland": "DE", "france": "FR",
    "spain": "ES", "espana": "ES", "italy": "IT", "italia": "IT", "netherlands": "NL",
    "the netherlands": "NL", "belgium": "BE", "switzerland": "CH", "austria": "AT",
    "australia": "AU", "new zealand": "NZ", "mexico": "MX", "brazil": "BR", "india": "IN",
    "japan": "JP", "china": "CN", "sweden": "SE", "norway": "NO", "denmark": "DK",
    "finland": "FI", "poland": "PL", "portugal": "PT", "south africa": "ZA",
}  # fmt: skip


def country_code(text: str) -> str:
    """ISO 3166 alpha-2 for a country as people write it; "" when unsure."""
    value = text.strip()
    if len(value) == 2 and value.isalpha():
        return value.upper()
    return COUNTRIES.get(re.sub(r"[^a-z]+", " ", value.lower()).strip(), "")


# --- one row -----------------------------------------------------------------------


@dataclass
class Candidate:
    """A valid row: what the lead will be, and the keys it dedupes on."""

    line: int
    fields: list[str]
    draft: LeadDraft
    phones: list[ParsedPhone]
    email: str
    keys: list[Key] = field(default_factory=list)

    def __post_init__(self) -> None:
        keys: list[Key] = [("p", p.e164) for p in self.phones]
        if self.email:
            keys.append(("e", self.email))
        if not keys:
            # Reachable by post only: the same name at the same address.
            # the name as stored: a company stands in for a missing name
            name = self.draft.name.strip() or self.draft.company.strip()
            keys.append(address_key(self.draft.address.strip(), name))
        self.keys = keys


def address_key(address: str, name: str) -> Key:
    return ("a", address, " ".join(name.lower().split()))


SINGLE_FIELDS = (
    "name", "first_name", "middle_name", "last_name", "company", "title", "source",
    "interest", "received", "first_contact", "timezone",
)  # fmt: skip


class RowReader:
    """Turns the cells of one row into a LeadDraft, following a mapping."""

    def __init__(self, mapping: Mapping, settings: Settings) -> None:
        self.settings = settings
        self.width = len(mapping.header)
        used = mapping.used
        self.single: dict[str, int] = {}
        self.phones: list[tuple[int, str, int | None]] = []
        self.emails: list[int] = []
        self.notes: list[tuple[int, str]] = []
        self.tags: list[int] = []
        groups: dict[str, dict[str, int]] = {}
        group_rank: dict[str, int] = {}
        labels = {
            c.target.group: c.index for c in used if c.target and c.target.field == "phone_label"
        }
        ranked = sorted(used, key=lambda c: (c.target.rank if c.target else 0, c.index))
        for c in used:
            t = c.target
            assert t is not None
            if t.field == "phone":
                self.phones.append((c.index, t.label, labels.get(t.group) if t.group else None))
            elif t.field == "notes":
                self.notes.append((c.index, c.header))
            elif t.field == "tags":
                self.tags.append(c.index)
            elif t.field in (
                "street",
                "street2",
                "city",
                "region",
                "postcode",
                "country",
                "address",
            ):
                groups.setdefault(t.group, {})[t.field] = c.index
                group_rank[t.group] = min(group_rank.get(t.group, t.rank), t.rank)
            elif t.field not in ("email", "phone_label"):
                self.single[t.field] = c.index
        self.emails = [c.index for c in ranked if c.target and c.target.field == "email"]
        self.groups = [
            (tuple(groups[g].values()), groups[g])
            for g in sorted(groups, key=lambda g: group_rank[g])
        ]
        self.month_first = settings.default_region.upper() in MONTH_FIRST_REGIONS
        for name in SINGLE_FIELDS:
            self.single.setdefault(name, self.width)  # the always-empty cell

    def read(self, record: Record, now: DateTime, warn: Callable[[str], None]) -> Candidate | str:
        """A candidate, or the reason the row is rejected."""
        cells = record.fields
        width = self.width
        if len(cells) > width and len(trim_trailing(cells)) > width:
            extra = len(trim_trailing(cells)) - width
            return (
                f"{extra} more value{'s' if extra > 1 else ''} than the header has columns"
                " (a delimiter inside an unquoted field?)"
            )
        # Every cell cleaned once; index `width` (and any short row's gap) is "".
        v = [c.strip() for c in cells[:width]]
        if any(x[:1] == "'" for x in v):
            v = [clean_cell(x) for x in v]
        v.extend([""] * (width + 1 - len(v)))
        at = self.single
        notes: list[str] = []
        address: dict[str, str] = {}
        for indexes, group in self.groups:
            if any(v[i] for i in indexes):
                address = {part: v[i] for part, i in group.items()}
                break
        country = address.get("country", "")
        region_hint = country_code(country) or self.settings.default_region
        phones: list[ParsedPhone] = []
        labels: list[str] = []
        unusable: list[str] = []
        seen: set[str] = set()
        for index, label, label_index in self.phones:
            if label_index is not None:
                label = v[label_index].lstrip("* ").lower() or label
            for raw in v[index].split(":::"):
                raw = raw.strip()
                if not raw:
                    continue
                try:
                    parsed = parse_phone(raw, region_hint)
                except InvalidInput as exc:
                    unusable.append(f"phone: {exc}")
                    continue
                if parsed.e164 not in seen:
                    seen.add(parsed.e164)
                    phones.append(parsed)
                    labels.append(label)
        email = ""
        for index in self.emails:
            for raw in v[index].split(":::"):
                raw = raw.strip()
                if not raw:
                    continue
                try:
                    value = normalise_email(raw)
                except InvalidInput as exc:
                    unusable.append(str(exc))
                    continue
                if not email:
                    email = value
                elif value != email:
                    notes.append(f"other email: {value}")
        street = "\n".join(x for x in (address.get("street", ""), address.get("street2", "")) if x)
        street = street or address.get("address", "")
        if not (phones or email or street):
            why = "; ".join(unusable) if unusable else "no phone, email or address"
            return f"no usable way to reach them: {why}"
        for problem in unusable:
            warn(f"{problem} — kept in the lead's notes")
            notes.append(f"not imported: {problem}")
        name = v[at["name"]] or " ".join(
            x for x in (v[at["first_name"]], v[at["middle_name"]], v[at["last_name"]]) if x
        )
        draft = LeadDraft(
            name=one_line(name),
            phones=list(zip([p.raw for p in phones], labels, strict=True)),
            email=email,
            company=one_line(v[at["company"]]),
            title=one_line(v[at["title"]]),
            address=lines(street),
            city=one_line(address.get("city", "")),
            region=one_line(address.get("region", "")),
            postcode=one_line(address.get("postcode", "")),
            country=country_code(country) or one_line(country),
            source=one_line(v[at["source"]]),
            interest=one_line(v[at["interest"]]),
            tags=", ".join(self._tags(v)),
        )
        try:
            require_name(draft)
        except InvalidInput as exc:
            return str(exc)
        draft.received_at = self._date(v[at["received"]], "received date", now, warn, notes)
        first = self._date(v[at["first_contact"]], "first contact date", now, warn, notes)
        if first is not None:
            draft.first_contact_on = first.in_timezone(tz(self.settings.rep_timezone)).date()
        zone = v[at["timezone"]]
        if zone:
            try:
                pendulum.timezone(zone)
                draft.tz_override = zone
            except Exception:
                warn(f"time zone {zone!r} is not an IANA zone (e.g. America/New_York); ignored")
        if self.notes:
            several = len(self.notes) > 1
            texts = [f"{h}: {v[i]}" if several else v[i] for i, h in self.notes if v[i]]
            notes = [*texts, *notes]
        draft.notes = lines("\n".join(notes))
        try:
            check_draft_fields(draft)
        except InvalidInput as exc:
            return str(exc)
        return Candidate(record.line, cells, draft, phones, email)

    def _tags(self, v: list[str]) -> list[str]:
        tags = []
        for index in self.tags:
            for tag in v[index].split(":::"):
                tag = one_line(tag.strip().lstrip("*").strip())
                if tag and tag.casefold() not in GOOGLE_SYSTEM_GROUPS and tag not in tags:
                    tags.append(tag)
        return tags

    def _date(
        self,
        text: str,
        what: str,
        now: DateTime,
        warn: Callable[[str], None],
        notes: list[str],
    ) -> DateTime | None:
        if not text:
            return None
        try:
            value = parse_sheet_date(text, self.settings.rep_timezone, self.month_first)
        except InvalidInput as exc:
            warn(f"{what}: {exc} — kept in the lead's notes")
            notes.append(f"{what} not read: {text}")
            return None
        if value > now:
            warn(f"{what} {text!r} is in the future; now is used")
            return None
        return value


# --- writing -----------------------------------------------------------------------


class BulkRows:
    """Rows of one model for `executemany`, defaults filled like Model.create.

    `add` takes field values as Python values (pendulum instants, dates, model
    instances); `rows` may also be fed raw column values directly.
    """

    def __init__(self, model: type[BaseModel], db: peewee.Database, with_id: bool) -> None:
        fields = [f for f in model._meta.sorted_fields if with_id or f.name != "id"]
        self.model = model
        self.names = [f.name for f in fields]
        self.sql = insert_sql(model, self.names, db)
        # Per row: merge with the defaults and pick the columns in C, then
        # convert only the few columns that need it (~3x faster than a loop).
        self._defaults = {f.name: f.default for f in fields if not callable(f.default)}
        self._made = [(f.name, f.default) for f in fields if callable(f.default)]
        self._pick = itemgetter(*self.names)
        self._convert = [(i, c) for i, f in enumerate(fields) if (c := _converter(f)) is not None]
        self.rows: list[tuple] = []

    def add(self, values: dict[str, Any], **more: Any) -> None:
        full = {**self._defaults, **values, **more}
        for name, make in self._made:
            if name not in full:
                full[name] = make()
        row = list(self._pick(full))
        for index, convert in self._convert:
            value = row[index]
            if value is not None:
                row[index] = convert(value)
        self.rows.append(tuple(row))

    def flush(self, db: peewee.Database) -> None:
        if self.rows:
            execute_many(db, self.sql, self.rows)
            self.rows.clear()


def _converter(f: peewee.Field) -> Callable[[Any], Any] | None:
    from leaddesk.core.store.db import UTCTimestamp

    if isinstance(f, UTCTimestamp):
        last: list[Any] = [None, None]  # the same `now` fills several columns of every row

        def convert(v: Any) -> int:
            if v.__class__ is int:
                return v
            if v is not last[0]:
                last[0], last[1] = v, to_ms(v)
            return last[1]

        return convert
    if isinstance(f, peewee.DateField):
        return lambda v: v.isoformat() if isinstance(v, date) else v
    if isinstance(f, peewee.ForeignKeyField):
        return lambda v: v if isinstance(v, int) else v.id
    return None


def next_id(model: type[BaseModel]) -> int:
    return (model.select(peewee.fn.MAX(model.id)).scalar() or 0) + 1


def known_keys(keys: Iterable[Key], before: int | None = None) -> dict[Key, set[int]]:
    """Which leads already hold each key (("p", "+1212…"), ("e", "dana@…"),
    ("a", address, name)), looked up in chunks.

    Written SQL through peewee's connection: peewee compiling a 900-value IN
    list costs more than the indexed lookup itself.
    """
    keys = list(keys)
    db = database.obj
    lookups = (
        ("p", _quoted(db, Phone, "e164", "lead")),
        ("e", _quoted(db, Lead, "email", "id")),
    )
    found: dict[Key, set[int]] = {}
    for prefix, (table, key_column, id_column) in lookups:
        values = sorted({k[1] for k in keys if k[0] == prefix})
        for chunk in _chunks(values, 900):
            marks = ", ".join([db.param] * len(chunk))
            sql = f"SELECT {key_column}, {id_column} FROM {table} WHERE {key_column} IN ({marks})"
            for value, lead_id in db.execute_sql(sql, chunk):
                found.setdefault((prefix, value), set()).add(lead_id)
    addresses = sorted({k[1] for k in keys if k[0] == "a"})
    if addresses:
        # No index on the address (post-only leads are rare): one scan per batch that has any.
        table, address_column, name_column, id_column = _quoted(db, Lead, "address", "name", "id")
        for chunk in _chunks(addresses, 900):
            marks = ", ".join([db.param] * len(chunk))
            sql = (
                f"SELECT {address_column}, {name_column}, {id_column} FROM {table}"
                f" WHERE {address_column} IN ({marks})"
            )
            for address, name, lead_id in db.execute_sql(sql, chunk):
                found.setdefault(address_key(address, name), set()).add(lead_id)
    if before is not None:
        found = {k: {i for i in ids if i < before} for k, ids in found.items()}
        found = {k: ids for k, ids in found.items() if ids}
    return found


def _quoted(db: peewee.Database, model: type[BaseModel], *fields: str) -> tuple[str, ...]:
    def q(name: str) -> str:
        return db.get_sql_context().sql(peewee.Entity(name)).query()[0]

    columns = (q(model._meta.fields[f].column_name) for f in fields)
    return (q(model._meta.table_name), *columns)


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class LeadWriter:
    """New leads as bulk rows with ids given here (inside the write transaction)."""

    def __init__(self, now: DateTime, settings: Settings, owner: str | None = None) -> None:
        from leaddesk.core.writes.team import owner_cycle

        self.owners = owner_cycle(owner)  # inside the transaction: a bad name rolls back
        self.db = database.obj
        self.now = now
        self.settings = settings
        self.leads = BulkRows(Lead, self.db, with_id=True)
        self.phones = BulkRows(Phone, self.db, with_id=False)
        self.touches = BulkRows(Touch, self.db, with_id=False)
        self.zone_keys: set[str] = set()
        self.next = next_id(Lead)
        self.first = self.next

    def add(self, draft: LeadDraft, phones: list[ParsedPhone], email: str) -> int:
        draft.owner = next(self.owners)
        rows = new_lead_rows(draft, phones, self.now, self.settings, email=email)
        lead_id = self.next
        self.next += 1
        self.leads.add(rows.lead, id=lead_id)
        for phone in rows.phones:
            self.phones.add(phone, lead=lead_id)
        self.touches.add(rows.received, lead=lead_id)
        self.zone_keys.add(rows.zone_key)
        return lead_id

    def flush(self) -> None:
        for bulk in (self.leads, self.phones, self.touches):
            bulk.flush(self.db)
        if self.zone_keys:
            rows = [{"key": k} for k in sorted(self.zone_keys)]
            ZoneSet.insert_many(rows).on_conflict_ignore().execute()
            self.zone_keys.clear()

    def finish(self) -> None:
        self.flush()
        if self.next > self.first:
            sync_sequences(self.db, (Lead,))


Update = tuple[int, LeadDraft, list[ParsedPhone]]  # lead id, what the row holds


def update_leads(updates: Sequence[Update], now: DateTime) -> list[bool]:
    """`--on-duplicate update`: fill in what each lead is missing; for each
    update, whether it changed its lead (a lead may appear more than once).

    Fills company, title, email, source, interest and the first-contact date
    when the lead has none; the address (street, city, region, postcode,
    country together) when it has none; adds phone numbers it does not have
    (after its own), tags it does not have, and notes it does not already hold.
    Never overwrites or erases a value; never touches the schedule, status,
    history, do-not-call/mail or the received time. The leads and their phones
    are read in one query each, and only changed leads are written.
    """
    ids = sorted({lead_id for lead_id, _, _ in updates})
    leads = {lead.id: lead for lead in Lead.select().where(Lead.id.in_(ids))}
    phones: dict[int, list[Phone]] = {lead_id: [] for lead_id in ids}
    for phone in Phone.select().where(Phone.lead.in_(ids)).order_by(Phone.lead, Phone.position):
        phones[phone.lead_id].append(phone)
    changed: set[int] = set()
    results = []
    for lead_id, draft, parsed in updates:
        did = _fill(leads[lead_id], draft, parsed, phones[lead_id])
        results.append(did)
        if did:
            changed.add(lead_id)
    for lead_id in sorted(changed):
        lead = leads[lead_id]
        lead.updated_at = now
        lead.save()
        for phone in phones[lead_id]:
            if phone.id is None:
                phone.save()
        if lead.call_zones:
            ZoneSet.insert(key=lead.call_zones).on_conflict_ignore().execute()
    return results


def _fill(lead: Lead, draft: LeadDraft, parsed: list[ParsedPhone], existing: list[Phone]) -> bool:
    """Fill `lead` (and append to `existing`) in memory; True if anything changed."""
    changed = False
    for name in ("company", "title", "email", "source", "interest", "first_contact_on"):
        value = getattr(draft, name)
        if value and not getattr(lead, name):
            setattr(lead, name, value)
            changed = True
    if draft.address and not (lead.address or lead.city):
        for name in ("address", "city", "region", "postcode", "country"):
            setattr(lead, name, getattr(draft, name))
        changed = True
    if draft.tags:
        have = [t.strip() for t in lead.tags.split(",") if t.strip()]
        new = [t for t in (t.strip() for t in draft.tags.split(",")) if t and t not in have]
        if new:
            lead.tags = ", ".join([*have, *new])[:200]
            changed = True
    if draft.notes and draft.notes not in lead.notes:
        lead.notes = f"{lead.notes}\n{draft.notes}".strip()[:20_000]
        changed = True
    have_numbers = {p.e164 for p in existing}
    labels = dict(zip([p.e164 for p in parsed], [label for _, label in draft.phones], strict=True))
    added = [p for p in parsed if p.e164 not in have_numbers]
    position = max((p.position for p in existing), default=-1) + 1
    for offset, phone in enumerate(added):
        existing.append(
            Phone(lead=lead.id, position=position + offset, label=labels[phone.e164],
                  raw=phone.raw, e164=phone.e164)
        )  # fmt: skip
    if added and lead.timezone_source != "manual":
        zone = resolve_zone(lead.tz_override, [p.e164 for p in existing if not p.bad])
        key = zone_key(zone.call_zones)
        if (zone.timezone, zone.source, key) != (
            lead.timezone,
            lead.timezone_source,
            lead.call_zones,
        ):
            lead.timezone, lead.timezone_source, lead.call_zones = zone.timezone, zone.source, key
    return changed or bool(added)


class _CsvImport:
    def __init__(
        self,
        source: Source,
        summary: ImportSummary,
        now: DateTime,
        settings: Settings,
        rejects: RejectsFile,
        progress: Progress | None,
        owner: str | None = None,
    ) -> None:
        assert source.table is not None and source.mapping is not None
        self.source = source
        self.summary = summary
        self.now = now
        self.settings = settings
        self.rejects = rejects
        self.progress = progress
        self.reader = RowReader(source.mapping, settings)
        self.writer = LeadWriter(now, settings, owner)
        # Keys a skipped duplicate row brought that its lead does not hold (an
        # email beside a known phone). Only duplicates add to it.
        self.aliases: dict[Key, int] = {}

    def run(self) -> None:
        table = self.source.table
        assert table is not None
        batch: list[Candidate] = []
        size = table.size
        for record in table.records():
            if record.line <= self.source.header_line:
                continue
            if record.blank:
                self.summary.blank_lines += 1
                continue
            self.summary.rows_read += 1
            line = record.line

            def warn(text: str, line: int = line) -> None:
                self.summary.note("warning", line, text)

            outcome = self.reader.read(record, self.now, warn)
            if isinstance(outcome, str):
                self._reject(record.line, outcome, record.fields)
                continue
            batch.append(outcome)
            if len(batch) >= BATCH:
                self._batch(batch)
                batch = []
                if self.progress:
                    self.progress(table.position, size)
        self._batch(batch)
        self.writer.finish()
        if self.progress:
            self.progress(size, size)

    def _reject(self, line: int, reason: str, fields: Sequence[str]) -> None:
        self.summary.rejected += 1
        self.summary.note("reject", line, reason)
        self.rejects.add(line, reason, fields)

    def _batch(self, batch: list[Candidate]) -> None:
        if not batch:
            return
        known = known_keys(k for c in batch for k in c.keys)
        pending: dict[Key, int] = {}
        updates: list[tuple[Candidate, int]] = []
        aliases = self.aliases
        for c in batch:
            matches = set()
            for key in c.keys:
                matches |= known.get(key, set())
                if key in pending:
                    matches.add(pending[key])
                elif key in aliases:
                    matches.add(aliases[key])
            if not matches:
                lead_id = self.writer.add(c.draft, c.phones, c.email)
                for key in c.keys:
                    pending[key] = lead_id
                self.summary.imported += 1
                continue
            target = min(matches)
            if len(matches) == 1:
                # The row is that lead: its other phone or email finds it too,
                # in a later row of this file.
                for key in c.keys:
                    if key not in known and key not in pending:
                        aliases[key] = target
            if self.summary.on_duplicate == "update" and len(matches) == 1:
                updates.append((c, target))
                for key in c.keys:
                    pending[key] = target
                continue
            self._duplicate(c, sorted(matches))
        self.writer.flush()
        done = update_leads([(lead_id, c.draft, c.phones) for c, lead_id in updates], self.now)
        for (c, lead_id), changed in zip(updates, done, strict=True):
            if changed:
                self.summary.updated += 1
            else:
                self._duplicate(c, [lead_id], "nothing new to update")

    def _duplicate(self, c: Candidate, lead_ids: list[int], why: str = "") -> None:
        self.summary.skipped_duplicate += 1
        if len(self.summary.duplicates) >= MAX_NOTES:
            return
        first = self.writer.first
        shown = ", ".join(f"#{i}" + (" (from this file)" if i >= first else "") for i in lead_ids)
        text = f"same phone or email as lead {shown}" + (f": {why}" if why else "")
        if len(lead_ids) > 1:
            text = f"matches several leads ({shown}); not merged"
        self.summary.note("duplicate", c.line, text)


def preview_lines(summary: ImportSummary, limit: int = 10) -> list[str]:
    """The summary as lines for a person: headline, then the first notes."""
    lines = [summary.headline()]
    if summary.rejects_file:
        lines.append(f"rejected rows written to {summary.rejects_file}")
    if summary.blank_lines:
        lines.append(f"{summary.blank_lines} blank line(s) ignored")
    for title, notes in (
        ("rejected", summary.rejects),
        ("duplicates", summary.duplicates),
        ("warnings", summary.warning_notes),
    ):
        if notes:
            lines.append(f"{title}:")
            lines.extend(f"  line {n.line}: {n.text}" for n in notes[:limit])
            total = {"rejected": summary.rejected, "duplicates": summary.skipped_duplicate}.get(
                title, summary.warnings
            )
            if total > limit:
                lines.append(f"  … and {total - limit} more")
    return lines
