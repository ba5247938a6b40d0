"""PostgreSQL's posting tables of touch notes and phone numbers (migration 0024): every
writer keeps `search_note_gram` and `search_phone_gram` exactly the keys of the rows
the search reads, and the search walks them newest first."""

from __future__ import annotations

import pytest
from core_helpers import plans_during, statements_during

from leaddesk.core.demo import fill_demo
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.reads.search import default_engine, search
from leaddesk.core.reads.search_engines import LikeEngine, per_connection
from leaddesk.core.store.db import atomic_write, database
from leaddesk.core.store.models import Lead, Touch
from leaddesk.core.transfer.backup_pg import backup_pg, restore_pg
from leaddesk.core.transfer.importing import import_file, open_source
from leaddesk.core.writes.leads import add_note, set_touch_note, update_lead
from leaddesk.core.writes.outcomes import log_outcome, undo_last

pytestmark = pytest.mark.postgresql_only


def _rows(sql: str, params: tuple = ()) -> set[tuple]:
    return {tuple(r) for r in database.obj.execute_sql(sql, params).fetchall()}


def assert_in_step() -> None:
    """The postings are the keys of every note the search reads and of every number."""
    assert _rows("SELECT gram, touch_id FROM search_note_gram") == _rows(
        "SELECT unnest(leaddesk_grams(note)), id FROM touch"
        " WHERE note <> '' AND channel <> 'system'"
    )
    assert _rows("SELECT gram, phone_id FROM search_phone_gram") == _rows(
        "SELECT unnest(leaddesk_grams(e164)), id FROM phone"
    )


def note_keys(touch_id: int) -> set[str]:
    return {
        g for (g,) in _rows("SELECT gram FROM search_note_gram WHERE touch_id = %s", (touch_id,))
    }


def test_a_note_is_posted_under_its_folded_trigrams(make_lead, now, settings):
    lead = make_lead("Dana Whitfield")
    touch = add_note(lead, "Ångström, BAU", now, settings).touch_id
    wanted = {"ang", "ngs", "gst", "str", "tro", "rom", "om,", "m, ", ", b", " ba", "bau"}
    assert note_keys(touch) == wanted
    assert_in_step()
    assert [h.field for h in search("angstrom, b", 10)] == ["note"]


def test_every_writer_of_touches_and_numbers_keeps_the_postings(make_lead, now, settings):
    lead = make_lead("Dana Whitfield", phones=["+1 212 555 0142", "+1 646 555 0100"])
    assert_in_step()
    log_outcome(lead, "no-answer", now, settings, note="asked for pricing on gutters")
    assert_in_step()
    touch = Touch.select().where(Touch.note.contains("gutters")).get()
    set_touch_note(touch.id, "and skylights", now)  # a note added to the touch
    assert_in_step()
    assert [h.lead_id for h in search("skylights", 10)] == [lead]
    undo_last(now, settings)  # the touch taken back
    assert_in_step()
    assert search("skylights", 10) == []
    draft = LeadDraft(name="Dana Whitfield", phones=[("+1 312 555 0177", "mobile")])
    update_lead(lead, draft, now, settings)  # the numbers replaced
    assert_in_step()
    assert [h.field for h in search("3125550177", 10)] == ["phone"]
    assert search("6465550100", 10) == []
    atomic_write(lambda: Lead.delete().where(Lead.id == lead).execute())  # and its touches
    assert_in_step()


def test_a_system_touch_is_not_posted_and_a_channel_change_moves_it(make_lead, now, settings):
    lead = make_lead("Dana Whitfield")
    add_note(lead, "brochure sent", now, settings)
    touch = Touch.select().where(Touch.note == "brochure sent").get()
    atomic_write(lambda: Touch.update(channel="system").where(Touch.id == touch.id).execute())
    assert note_keys(touch.id) == set()
    assert_in_step()
    atomic_write(lambda: Touch.update(channel="call").where(Touch.id == touch.id).execute())
    assert note_keys(touch.id)
    assert_in_step()


CSV = "name,phone,company,email\nDana Whitfield,(212) 555-0142,,dana@w.example\n"


@pytest.mark.parametrize("whole_file", [False, True])
def test_an_import_is_posted_at_the_end(make_lead, now, settings, tmp_path, whole_file):
    make_lead("Sam Ito", phone="+1 312 555 0188")
    path = tmp_path / "leads.csv"
    path.write_text(CSV + "Kwame Asante,(646) 555-0100,Qorvo,kwame@q.example\n")
    import_file(open_source(path), now, settings, whole_file=whole_file)
    assert_in_step()
    assert [h.name for h in search("646555", 10)] == ["Kwame Asante"]


@pytest.mark.parametrize("existing", [0, 30])
def test_a_demo_fill_posts_its_rows_once_at_the_end(make_lead, now, settings, existing):
    """Into an empty store (the keys dropped and built again) or beside leads."""
    for n in range(existing):
        make_lead(f"Lead {n}")
    statements = statements_during(lambda: fill_demo(20, now, settings, seed=3))
    db = database.obj
    for fill in ("leaddesk_index_notes", "leaddesk_index_phones"):
        assert sum(fill in s for s in statements) == 1, fill
    for key in ("search_note_gram_pkey", "search_phone_gram_pkey"):
        assert sum(f"ADD CONSTRAINT {key}" in s for s in statements) == (existing == 0)
    # one row at a time would have run an INSERT into the postings per touch
    assert not any("INTO search_note_gram" in s for s in statements)
    # statistics before the keys are computed, so a repeated note's are computed once;
    # a fill beside a bigger store has its statistics already
    analyzed = [i for i, s in enumerate(statements) if s.startswith("ANALYZE lead, touch, phone")]
    first_fill = next(i for i, s in enumerate(statements) if "leaddesk_index_" in s)
    assert analyzed == ([first_fill - 1] if existing == 0 else [])
    assert_in_step()
    assert db.execute_sql("SELECT count(*) FROM search_note_gram").fetchone()[0] > 0


def test_a_restore_posts_what_it_restores(make_lead, now, settings, tmp_path):
    lead = make_lead("Dana Whitfield", phone="+1 312 555 0177")
    add_note(lead, "wants a site visit", now, settings)
    copy = tmp_path / "store.jsonl"
    backup_pg(copy, now)
    make_lead("Sam Ito", phone="+1 646 555 0100")
    add_note(lead, "went with a competitor", now, settings)
    restore_pg(copy, now, settings, tmp_path / "aside", lambda *a: True)
    assert_in_step()
    assert [h.field for h in search("site visit", 10)] == ["note"]
    assert search("competitor", 10) == [] and search("6465550100", 10) == []


def test_walks_find_what_the_scan_finds(make_lead, now, settings):
    notes = ["asked for pricing", "asked not to be called", "priced out", "left VM", "Über"]
    numbers = ["+1 212 555 0142", "+1 646 555 0142", "+44 20 7946 0000", "+1 312 555 0177"]
    for n in range(12):
        lead = make_lead(f"Lead {n}", phones=[numbers[n % 4]])
        add_note(lead, notes[n % 5], now, settings)
    engine, scan = default_engine(), LikeEngine()
    for terms in [("asked",), ("asked", "for"), ("pric",), ("uber",), ("zzz",), ("ask", "ed ")]:
        for limit in (1, 3, 20):
            assert engine.notes(terms, limit) == scan.notes(terms, limit), terms
    for digits in [("5550142",), ("555",), ("2079460000", "02079460000"), ("999",)]:
        for limit in (1, 3, 20):
            assert engine.phones(digits, limit) == scan.phones(digits, limit), digits


@pytest.mark.parametrize(
    ("kind", "posting"), [("note", "search_note_gram"), ("phone", "search_phone_gram")]
)
def test_the_walk_reads_the_postings_newest_first(make_lead, now, settings, kind, posting):
    for n in range(5):
        lead = make_lead(f"Lead {n}", phone=f"+1 212 555 {n:04d}")
        add_note(lead, "asked for pricing", now, settings)
    engine = default_engine()
    if kind == "note":
        plans, found = plans_during(f"FROM {posting} g", lambda: engine.notes(("pricing",), 2))
    else:
        plans, found = plans_during(f"FROM {posting} g", lambda: engine.phones(("2125550",), 2))
    assert len(found) == 2
    # the list read backwards, one row looked up per posting: no sort, no scan
    assert f"Backward using {posting}_pkey" in plans[0], plans[0]
    assert "Seq Scan" not in plans[0] and "Sort" not in plans[0].replace("Sort Key", ""), plans[0]


def test_the_walk_takes_the_key_the_statistics_call_rarest(make_lead, now, settings, monkeypatch):
    """ "asked" is in every note, "zebra" in one: after ANALYZE the walk reads a key of
    "zebra", not one of the common phrase (a wrong choice costs speed, not hits)."""
    lead = make_lead("Dana Whitfield")
    for n in range(40):
        add_note(lead, f"asked for pricing {n}", now, settings)
    add_note(lead, "asked about zebra stripes", now, settings)
    db = database.obj
    db.execute_sql("ANALYZE search_note_gram")
    per_connection(db).clear()  # (as a new connection sees them)
    walks: list[tuple[str, list]] = []
    original = db.execute_sql

    def recorded(sql, params=None, *args, **kwargs):
        if "FROM search_note_gram g" in sql:
            walks.append((sql, params))
        return original(sql, params, *args, **kwargs)

    monkeypatch.setattr(db, "execute_sql", recorded)
    assert [h.field for h in search("zebra asked", 10)] == ["note"]
    ((sql, params),) = walks
    walked = params[sql.split("g.gram = %s", 1)[0].count("%s")]
    assert walked in {"zeb", "ebr", "bra"}, walked
