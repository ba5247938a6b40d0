"""Migration 0026: the posting tables' bulk fills skip translate() for an ASCII text, and
their keys stay exactly the per-row functions' keys — for accented, mixed and ASCII
names, notes and numbers alike."""

from __future__ import annotations

import pytest

from leaddesk.core.reads.search_postings import bulk_postings
from leaddesk.core.store.db import atomic_write, database
from leaddesk.core.writes.leads import add_note

pytestmark = pytest.mark.postgresql_only

NAMES = [
    ("Zoë Ångström", "Ørsted ÄB", "zoe@example.com", "İstanbul çay"),
    ("Dana Whitfield", "Roofing", "dana@w.example", "tall\tand\nquiet"),
    ("ŁUKASZ ŻÓŁĆ", "", "", "naïve café ☕"),
    ("Ann  Ann", "ann ann", "", ""),  # repeated pieces and initials: each key once
]
NOTES = ["Called: Ève said «non»", "asked for pricing", "ÀÉÎÕÜ ascii tail", "x"]


def _rows(sql: str) -> set[tuple]:
    return {tuple(r) for r in database.obj.execute_sql(sql).fetchall()}


def test_bulk_keys_are_the_per_row_keys(make_lead, now, settings):
    make_lead("Before The Fill")  # indexed by its trigger; the fill's rows come after it

    def fill() -> None:
        with bulk_postings(database.obj, fresh=False):  # the triggers skip these rows
            for (name, company, email, notes), note in zip(NAMES, NOTES, strict=True):
                lead = make_lead(name, company=company, email=email, notes=notes)
                add_note(lead, note, now, settings)

    atomic_write(fill)
    assert _rows("SELECT gram, lead_id FROM search_gram") == _rows(
        "SELECT unnest(leaddesk_lead_grams(name, company, email, notes)), id FROM lead"
    )
    held = _rows("SELECT gram, touch_id FROM search_note_gram")
    assert held == _rows(
        "SELECT unnest(leaddesk_grams(note)), id FROM touch"
        " WHERE note <> '' AND channel <> 'system'"
    )
    note_keys = {gram for gram, _ in held}
    assert "eve" in note_keys and " ev" in note_keys and "ève" not in note_keys  # folded
    assert _rows("SELECT gram, phone_id FROM search_phone_gram") == _rows(
        "SELECT unnest(leaddesk_grams(e164)), id FROM phone"
    )
    counted = _rows("SELECT gram, n FROM search_gram_count WHERE n <> 0")
    assert counted == _rows("SELECT gram, count(*) FROM search_gram GROUP BY gram")
    keys = {gram for (gram,) in _rows("SELECT gram FROM search_gram")}
    assert {"nzoe", "nang", "tors", "nluk", "nzol", "n l", "n z", "tdan"} <= keys


def test_the_fills_translate_only_a_text_that_is_not_ascii(store):
    """The fills as 0026 defines them (a store made by this program)."""
    for fill in ("leaddesk_index_leads", "leaddesk_index_notes", "leaddesk_index_phones"):
        (body,) = database.obj.execute_sql(
            "SELECT prosrc FROM pg_proc WHERE proname = %s", (fill,)
        ).fetchone()
        assert "octet_length(" in body and "translate(lower(" not in body, fill
