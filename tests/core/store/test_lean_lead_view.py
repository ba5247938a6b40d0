"""Migration 0025 (issue 15, point 5): the lead view reads a lead's numbers from an
index alone and its open promises from a small partial index; on PostgreSQL 0014's
GIN indexes of notes and numbers are gone where 0024's posting tables replace them,
and kept where those could not be made."""

from __future__ import annotations

import shutil

import pytest
from core_helpers import plans_during, sqlite_plans_during

from leaddesk.core.reads.leads import lead_view
from leaddesk.core.reads.search import default_engine, search
from leaddesk.core.reads.search_engines import indexes_here, search_method
from leaddesk.core.reads.search_postings import PostingEngine
from leaddesk.core.reads.search_trigram import TrigramEngine
from leaddesk.core.store.schema import close_store, migrations, open_store
from leaddesk.core.writes.leads import add_note
from leaddesk.core.writes.outcomes import log_outcome

GINS = ("touch_note_trigrams", "phone_e164_trigrams")
PHONES = "phone_lead_id_position_e164_raw_label_bad"
PROMISES = "appointment_open_lead"


@pytest.fixture
def lead(make_lead, now, settings) -> int:
    lead_id = make_lead("Dana Whitfield", phones=["+1 212 555 0142", "+1 212 555 0143"])
    add_note(lead_id, "asked for the brochure", now, settings)
    log_outcome(lead_id, "callback", now, settings, next_at=now.add(days=1))
    return lead_id


@pytest.mark.sqlite_only
def test_the_lead_view_reads_numbers_and_promises_from_their_indexes(lead, now, settings):
    def view():
        return lead_view(lead, now, settings)

    assert sqlite_plans_during('FROM "phone"', view) == [
        f"SEARCH t1 USING COVERING INDEX {PHONES} (lead_id=?)"
    ]
    assert sqlite_plans_during('FROM "appointment"', view) == [
        f"SEARCH t1 USING INDEX {PROMISES} (lead_id=?)"
    ]


@pytest.mark.postgresql_only
def test_postgresql_reads_a_leads_numbers_from_the_index_alone(lead, now, settings):
    plans, view = plans_during('FROM "phone"', lambda: lead_view(lead, now, settings))
    assert [p.e164 for p in view.phones] == ["+12125550142", "+12125550143"]
    assert len(plans) == 1 and f"Index Only Scan using {PHONES}" in plans[0], plans
    plans, view = plans_during('FROM "appointment"', lambda: lead_view(lead, now, settings))
    assert [p.kind for p in view.promises] == ["callback"]
    assert len(plans) == 1 and f"using {PROMISES}" in plans[0], plans


@pytest.mark.postgresql_only
def test_postgresql_drops_the_gins_the_posting_tables_replace(lead, store):
    assert indexes_here(store).isdisjoint(GINS)
    assert isinstance(default_engine(), PostingEngine)
    assert [h.lead_id for h in search("brochure")] == [lead]
    assert [h.lead_id for h in search("555-0143")] == [lead]
    assert "search_note_gram" in search_method(store)


@pytest.mark.postgresql_only
def test_a_store_without_the_posting_tables_keeps_its_gins(pg_url, tmp_path, now, settings):
    """Where 0024 made nothing (no right to create), the search still reads 0014's GIN
    indexes: 0025 leaves them."""
    scripts = tmp_path / "migrations"
    scripts.mkdir()
    for path in migrations.DIRECTORY.glob("[0-9][0-9][0-9][0-9]_*.py"):
        if not path.name.startswith("0024_"):
            shutil.copy(path, scripts / path.name)
    store = open_store(pg_url, directory=scripts)
    try:
        here = indexes_here(store)
        assert set(GINS) <= here and "search_note_gram_pkey" not in here
        from leaddesk.core.domain.validate import LeadDraft
        from leaddesk.core.writes.leads import add_lead

        draft = LeadDraft(name="Sam Ito", phones=[("+1 312 555 0188", "")], received_at=now)
        lead_id = add_lead(draft, now, settings)
        add_note(lead_id, "roofing quote", now, settings)
        engine = default_engine()
        assert isinstance(engine, TrigramEngine)
        assert engine.notes(("quote",), 5) == [(lead_id, "roofing quote")]
        assert "GIN over leaddesk_trigrams()" in search_method(store)
    finally:
        close_store()
