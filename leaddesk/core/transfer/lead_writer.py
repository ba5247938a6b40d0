"""New leads of a spreadsheet import as bulk rows, a batch at a time (importing.py
reads, validates and dedupes them)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from itertools import chain

from pendulum import DateTime

from leaddesk.core.domain.phones import ParsedPhone
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.reads.search import bulk_indexing
from leaddesk.core.store.batch import BatchWriter, RowShape
from leaddesk.core.store.db import to_ms
from leaddesk.core.store.models import Lead, Phone, Touch
from leaddesk.core.store.rollups import batch_rollups
from leaddesk.core.transfer.rows import Candidate, Prepared
from leaddesk.core.writes.dnc import apply_lists
from leaddesk.core.writes.leads import new_lead_rows
from leaddesk.core.writes.spellings import Spellings


@cache
def _shapes() -> tuple[RowShape, RowShape, RowShape]:
    shapes = RowShape(Lead, with_id=True), RowShape(Phone, False), RowShape(Touch, False)
    # a default made per row (a clock, a random key) would be made by the reader
    assert not any(shape.made for shape in shapes)
    return shapes


def prepare(
    draft: LeadDraft, phones: list[ParsedPhone], now: DateTime, settings: Settings, email: str
) -> Prepared:
    """The rows `LeadWriter.add` writes for a new lead of `draft` (owner and spellings
    aside), worked out ahead."""
    lead, phone, touch = _shapes()
    rows = new_lead_rows(draft, phones, now, settings, email=email)
    values = rows.lead
    # the received instant fills three columns: made milliseconds once, not per column
    received, due = values["received_at"], values["next_due_at"]
    ms = to_ms(received)
    return Prepared(
        lead.row(values, id=0, received_at=ms, next_due_at=ms if due is received else due),
        [phone.row(values, lead=0) for values in rows.phones],
        touch.row(rows.received, lead=0, at=ms),
        rows.zone_key,
        [values["e164"] for values in rows.phones],
        rows.lead["email"],
        draft.source,
        draft.tags,
    )


class LeadWriter:
    """New leads as bulk rows, a batch at a time, each batch inside a write
    transaction (`begin` … `end`): ids are handed out from the store's maximum as
    the batch begins (SQLite: its write lock keeps other writers out) or reserved
    from the sequence first (PostgreSQL: `BatchWriter.reserve`), so a lead another
    program adds meanwhile never takes one of them."""

    def __init__(
        self, now: DateTime, settings: Settings, owner: str | None = None, dry_run: bool = False
    ) -> None:
        self.owner = owner
        self.dry_run = dry_run  # its rows are rolled back: it leaves the sequence be
        self.owners: Iterator[int | None] | None = None
        self.now = now
        self.settings = settings
        self.spellings = Spellings()  # sources and tags as first seen, in the file too
        # the ids this file's leads were given, as runs (one per batch, or fewer)
        self.ranges: list[range] = []
        self.made: list[int] = []  # this batch's
        lead, phone, touch = _shapes()  # where a prepared row's ids and owner go
        self._id_at, self._owner_at = lead.names.index("id"), lead.names.index("owner")
        self._phone_lead_at, self._touch_lead_at = (
            phone.names.index("lead"),
            touch.names.index("lead"),
        )

    def begin(self, rows: int) -> None:
        """A batch of at most `rows` new leads begins."""
        from leaddesk.core.writes.team import owner_cycle

        if self.owners is None:
            # the first owner now: a bad name stops the import before any id is reserved
            owners = owner_cycle(self.owner)
            self.owners = chain([next(owners)], owners)
        self.batch = BatchWriter((Lead, Phone, Touch), without_ids=(Phone, Touch))
        self.batch.reserve(Lead, 0 if self.dry_run else rows)
        self.made = []
        # what the batch's leads are reached by, for the do-not-call lists
        self.numbers: dict[int, list[str]] = {}
        self.emails: dict[int, str] = {}

    def add(self, draft: LeadDraft, phones: list[ParsedPhone], email: str) -> int:
        """A new lead's rows into the batch; its id."""
        assert self.owners is not None, "begin() first"
        draft.owner = next(self.owners)
        draft = self.spellings.draft(draft)
        rows = new_lead_rows(draft, phones, self.now, self.settings, email=email)
        lead_id = self.batch.take(Lead)
        self.batch.add(Lead, rows.lead, id=lead_id)
        for phone in rows.phones:
            self.batch.add(Phone, phone, lead=lead_id)
        self.batch.add(Touch, rows.received, lead=lead_id)
        self.batch.zone_keys.add(rows.zone_key)
        self._made(lead_id, [phone["e164"] for phone in rows.phones], rows.lead["email"])
        return lead_id

    def add_prepared(self, candidate: Candidate) -> int:
        """A read row's new lead from the rows prepared for it (`prepare`) — or, if
        its source or tags take another spelling, from its draft (`add`)."""
        assert self.owners is not None and candidate.rows is not None, "begin() first"
        ahead = candidate.rows
        if not self.spellings.kept(ahead.source, ahead.tags):
            return self.add(candidate.draft, candidate.phones, candidate.email)
        owner = next(self.owners)
        lead_id = self.batch.take(Lead)
        row = list(ahead.lead)
        row[self._id_at], row[self._owner_at] = lead_id, owner
        self.batch.add_row(Lead, tuple(row))
        at = self._phone_lead_at
        for values in ahead.phones:
            self.batch.add_row(Phone, (*values[:at], lead_id, *values[at + 1 :]))
        at, touch = self._touch_lead_at, ahead.touch
        self.batch.add_row(Touch, (*touch[:at], lead_id, *touch[at + 1 :]))
        self.batch.zone_keys.add(ahead.zone_key)
        self._made(lead_id, ahead.numbers, ahead.email)
        return lead_id

    def _made(self, lead_id: int, numbers: list[str], email: str) -> None:
        self.made.append(lead_id)
        if numbers:
            self.numbers[lead_id] = numbers
        if email:
            self.emails[lead_id] = email.lower()

    def end(self) -> None:
        # the batch's rows indexed for search and rolled up for the stats in one pass
        # each, not row by row (~10x cheaper; ~55 µs a lead)
        with batch_rollups(self.batch.db), bulk_indexing(self.batch.db):
            self.batch.finish(sync=not self.dry_run)
        for lead_id in self.made:
            last = self.ranges[-1] if self.ranges else None
            if last is not None and last.stop == lead_id:
                self.ranges[-1] = range(last.start, lead_id + 1)
            else:
                self.ranges.append(range(lead_id, lead_id + 1))
        # New leads whose number or address is on a do-not-call (-mail) list go off it.
        apply_lists(self.made, self.now, self.settings, (self.numbers, self.emails))

    def from_file(self, lead_id: int) -> bool:
        # this batch's own leads, or an earlier batch's
        return lead_id in self.made or any(lead_id in made for made in self.ranges)
