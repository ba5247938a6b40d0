"""One spreadsheet row read through a mapping: a LeadDraft, checked by the one
validator (`domain.validate.validate_draft`), or the reason it is rejected."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import Any, NamedTuple

import pendulum
from pendulum import DateTime

from leaddesk.core.domain.emails import normalise_email
from leaddesk.core.domain.errors import InvalidDraft, InvalidInput
from leaddesk.core.domain.phones import ParsedPhone, parse_phone
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tz import tz
from leaddesk.core.domain.validate import LeadDraft, phone_warning, validate_draft
from leaddesk.core.transfer.dedupe import Key, address_key
from leaddesk.core.transfer.mapping import Mapping
from leaddesk.core.transfer.sheet_values import (
    GOOGLE_SYSTEM_GROUPS,
    MONTH_FIRST_REGIONS,
    clean_cell,
    country_code,
    lines,
    one_line,
    parse_sheet_date,
)
from leaddesk.core.transfer.tabular import Record, trim_trailing

Row = tuple[Any, ...]


class Prepared(NamedTuple):
    """A new lead's rows as they will be stored, built when its row was read (by the
    import's reader process, read_ahead.py) from the draft as read: no owner yet, its
    source and tags as typed, every id 0. `LeadWriter.add_prepared` fills in the ids and the
    owner, or builds them again if the file's first spelling of the source or a tag
    differs. A named tuple: it crosses the pipe as one, ~25 % cheaper to pickle and
    unpickle than a dataclass's state dict."""

    lead: Row
    phones: list[Row]
    touch: Row
    zone_key: str
    numbers: list[str]  # its numbers, in order, for the do-not-call lists
    email: str  # as stored ("" for none)
    source: str  # as read, to check the spelling
    tags: str


class Candidate:
    """A valid row: what the lead will be, and the keys it dedupes on.

    Sent from an import's reader process (read_ahead.py) it carries its row's cells,
    not its draft and phones: the writing process needs those only for a row to
    update or a spelling to change, and reads that row again then (`Reread`). Packing
    every row's draft for the few that need it was ~10 µs a row of the reader's time.
    """

    def __init__(
        self,
        line: int,
        draft: LeadDraft,
        phones: list[ParsedPhone],
        email: str,
        rows: Prepared | None = None,
    ) -> None:
        self.line = line
        self._draft: LeadDraft | None = draft
        self._phones = phones
        # (how it was read, its cells): set by the reader before it is sent
        self.source: tuple[Reread, list[str]] | None = None
        self.email = email
        # the lead's rows worked out ahead (read_ahead), to be written if the row is new
        self.rows = rows
        keys: list[Key] = [("p", p.e164) for p in phones]
        if email:
            keys.append(("e", email))
        if not keys:
            # Reachable by post only: the same name at the same address.
            # the name as stored: a company stands in for a missing name
            name = draft.name.strip() or draft.company.strip()
            keys.append(address_key(draft.address.strip(), name))
        self.keys = keys

    @property
    def draft(self) -> LeadDraft:
        return self._open()[0]

    @property
    def phones(self) -> list[ParsedPhone]:
        return self._open()[1]

    def _open(self) -> tuple[LeadDraft, list[ParsedPhone]]:
        if self._draft is None:
            assert self.source is not None
            reread, cells = self.source
            again = reread.read(Record(self.line, cells))
            self._draft, self._phones = again._open()
        return self._draft, self._phones

    def __reduce__(self) -> tuple[Any, ...]:
        assert self.source is not None, "a candidate crosses with its row's cells"
        return _revive, (self.line, self.email, self.keys, self.rows, self.source)


def _revive(
    line: int,
    email: str,
    keys: list[Key],
    rows: Prepared | None,
    source: tuple[Reread, list[str]],
) -> Candidate:
    candidate = Candidate.__new__(Candidate)
    candidate.line, candidate.email, candidate.keys, candidate.rows = line, email, keys, rows
    candidate._draft, candidate._phones, candidate.source = None, [], source
    return candidate


class Reread:
    """What an import's rows are read with (the mapping, the settings, `now`), so that
    the writing process can read a row sent by the reader process again, exactly as it
    was read there. One per import, shared by its candidates: it crosses the pipe once
    per chunk (pickle keeps one copy of an object per message) as a token and its
    pickled state, which is opened once per process."""

    def __init__(self, mapping: Mapping, settings: Settings, now: DateTime) -> None:
        self.token = os.urandom(8).hex()
        self._state = pickle.dumps((mapping, settings, now), pickle.HIGHEST_PROTOCOL)
        self._reader: tuple[RowReader, DateTime] | None = None

    def read(self, record: Record) -> Candidate:
        if self._reader is None:
            mapping, settings, now = pickle.loads(self._state)
            self._reader = RowReader(mapping, settings), now
        reader, now = self._reader
        again = reader.read(record, now, _ignore)
        assert isinstance(again, Candidate), "a row read the same way again"
        return again

    def __reduce__(self) -> tuple[Any, ...]:
        return _reread, (self.token, self._state)


_REREADS: dict[str, Reread] = {}


def _reread(token: str, state: bytes) -> Reread:
    found = _REREADS.get(token)
    if found is None:
        if len(_REREADS) >= 8:  # one per import; a long-lived desk runs many
            _REREADS.clear()
        found = Reread.__new__(Reread)
        found.token, found._state, found._reader = token, state, None
        _REREADS[token] = found
    return found


def _ignore(_: str) -> None:
    """A row's warnings, read again: the reader process gave them already."""


SINGLE_FIELDS = (
    "name", "first_name", "middle_name", "last_name", "company", "title", "source",
    "interest", "received", "first_contact", "timezone",
)  # fmt: skip


# Mapping targets that land in another field of the draft.
DRAFT_FIELD = {
    "first_name": "name", "middle_name": "name", "last_name": "name", "street": "address",
    "street2": "address", "phone": "phones", "phone_label": "phones", "timezone": "tz_override",
    "received": "received_at", "first_contact": "first_contact_on",
}  # fmt: skip


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
        # draft field -> the headers of the columns that feed it, to name them in rejections
        self.columns: dict[str, list[str]] = {}
        for c in used:
            t = c.target
            assert t is not None
            self.columns.setdefault(DRAFT_FIELD.get(t.field, t.field), []).append(c.header)
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
        # one look at the whole row first: most rows hold no quote and no line break
        whole = "\x1f".join(v)
        if "'" in whole and any(x[:1] == "'" for x in v):
            v = [clean_cell(x) for x in v]
        # a row without a line break or tab in any cell is one line throughout
        line = one_line if "\n" in whole or "\r" in whole or "\t" in whole else str
        v.extend([""] * (width + 1 - len(v)))
        at = self.single
        notes: list[str] = []
        address: dict[str, str] = {}
        for indexes, group in self.groups:
            if any(v[i] for i in indexes):
                address = {part: v[i] for part, i in group.items()}
                break
        country = address.get("country", "")
        code = country_code(country)
        region_hint = code or self.settings.default_region
        phones: list[ParsedPhone] = []
        labels: list[str] = []
        unusable: list[str] = []
        seen: set[str] = set()
        for index, label, label_index in self.phones:
            if label_index is not None:
                label = v[label_index].lstrip("* ").lower() or label
            if not v[index]:
                continue
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
                    if doubt := phone_warning(parsed):
                        warn(doubt)
                    seen.add(parsed.e164)
                    phones.append(parsed)
                    labels.append(label)
        email = ""
        for index in self.emails:
            if not v[index]:
                continue
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
            name=line(name),
            phones=list(zip([p.raw for p in phones], labels, strict=True)),
            email=email,
            company=line(v[at["company"]]),
            title=line(v[at["title"]]),
            address=lines(street),
            city=line(address.get("city", "")),
            region=line(address.get("region", "")),
            postcode=line(address.get("postcode", "")),
            country=code or line(country),
            source=line(v[at["source"]]),
            interest=line(v[at["interest"]]),
            tags=", ".join(self._tags(v)) if self.tags else "",
        )
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
            validate_draft(draft, self.settings, phones)
        except InvalidDraft as exc:
            return "; ".join(self._where(f, text) for f, text in exc.errors.items())
        return Candidate(record.line, draft, phones, email)

    def _where(self, draft_field: str, text: str) -> str:
        """A validation message with the column(s) it came from."""
        kind = "phones" if draft_field.startswith("phones.") else draft_field
        headers = self.columns.get(kind, [])
        if not headers:
            return text
        return f"{text} (column {', '.join(repr(h) for h in headers)})"

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
