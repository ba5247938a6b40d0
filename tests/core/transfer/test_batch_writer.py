"""The one batch writer: columns from the models, ids handed out, sequences moved on."""

from __future__ import annotations

import pytest

from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.store.batch import BatchWriter
from leaddesk.core.store.db import atomic_write
from leaddesk.core.store.models import Lead, Phone, ZoneSet
from leaddesk.core.writes.leads import add_lead, new_lead_rows


def test_rows_go_in_with_ids_and_the_database_counts_on_after_them(store, settings, now):
    first = add_lead(LeadDraft(name="Before", email="b@example.com"), now, settings)

    def write() -> list[int]:
        batch = BatchWriter((Lead, Phone), without_ids=(Phone,))
        ids = []
        for n in range(3):
            rows = new_lead_rows(
                LeadDraft(name=f"Bulk {n}", email=f"bulk{n}@example.com"),
                [],
                now,
                settings,
            )
            lead_id = batch.take(Lead)
            batch.add(Lead, rows.lead, id=lead_id)
            batch.add(Phone, {"position": 0, "raw": "x", "e164": f"+1212555014{n}"}, lead=lead_id)
            batch.zone_keys.add("America/New_York")
            ids.append(lead_id)
        batch.finish()
        return ids

    ids = atomic_write(write)
    assert ids == [first + 1, first + 2, first + 3]
    assert [lead.name for lead in Lead.select().order_by(Lead.id)][1:] == [
        "Bulk 0",
        "Bulk 1",
        "Bulk 2",
    ]
    assert Phone.select().count() == 3
    assert ZoneSet.select().where(ZoneSet.key == "America/New_York").exists()
    # the engine's own counter (a PostgreSQL serial) was moved past the given ids
    after = add_lead(LeadDraft(name="After", email="a@example.com"), now, settings)
    assert after == first + 4


def test_a_raw_row_missing_a_column_is_refused(store):
    batch = BatchWriter((Phone,))
    with pytest.raises(KeyError):
        batch.add_raw(Phone, {"id": 1, "lead": 1, "position": 0, "raw": "", "e164": ""})
    assert batch.tables[Phone].names == [f.name for f in Phone._meta.sorted_fields]


def test_text_that_copy_would_read_as_syntax_goes_in_as_typed(store, settings, now):
    # PostgreSQL's batches go in by COPY: its delimiters, escapes and null marker are data here
    awkward = ["tab\there", "line\r\nbreak", "back\\slash", "\\N", "\\.", "", "naïve ✓"]

    def write() -> None:
        batch = BatchWriter((Lead,))
        for n, text in enumerate(awkward):
            rows = new_lead_rows(LeadDraft(name=f"Lead {n}", notes=text), [], now, settings)
            batch.add(Lead, rows.lead, id=batch.take(Lead), first_contact_on=None)
        batch.finish()

    atomic_write(write)
    got = Lead.select(Lead.notes, Lead.first_contact_on).order_by(Lead.id).tuples()
    assert list(got) == [(text, None) for text in awkward]
