"""New leads of a spreadsheet import as bulk rows, a batch at a time (importing.py
reads, validates and dedupes them)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

from pendulum import DateTime

from leaddesk.core.domain.phones import ParsedPhone
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.reads.search import bulk_indexing
from leaddesk.core.store.batch import BatchWriter
from leaddesk.core.store.models import Lead, Phone, Touch
from leaddesk.core.store.rollups import batch_rollups
from leaddesk.core.writes.dnc import apply_lists
from leaddesk.core.writes.leads import NewLead, new_lead_rows
from leaddesk.core.writes.spellings import Spellings


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

    def add(
        self,
        draft: LeadDraft,
        phones: list[ParsedPhone],
        email: str,
        ahead: NewLead | None = None,
    ) -> int:
        """A new lead's rows into the batch; its id. `ahead`: its rows already worked
        out from `draft` as it was read (no owner, its own spellings)."""
        assert self.owners is not None, "begin() first"
        draft.owner = next(self.owners)
        spelled = self.spellings.draft(draft)
        if ahead is not None and spelled is draft:
            rows = ahead  # the owner is the one thing added since, and only to the lead row
            rows.lead["owner"] = draft.owner
        else:
            rows = new_lead_rows(spelled, phones, self.now, self.settings, email=email)
        lead_id = self.batch.take(Lead)
        self.made.append(lead_id)
        self.batch.add(Lead, rows.lead, id=lead_id)
        for phone in rows.phones:
            self.batch.add(Phone, phone, lead=lead_id)
        if rows.phones:
            self.numbers[lead_id] = [phone["e164"] for phone in rows.phones]
        if rows.lead["email"]:
            self.emails[lead_id] = rows.lead["email"].lower()
        self.batch.add(Touch, rows.received, lead=lead_id)
        self.batch.zone_keys.add(rows.zone_key)
        return lead_id

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
