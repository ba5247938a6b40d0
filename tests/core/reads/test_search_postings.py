"""PostgreSQL's posting table (migration 0021): every writer keeps `search_gram` and its
counts exactly the keys of each lead's searched fields, and the search walks it."""

from __future__ import annotations

import dataclasses
import gc

import pytest
from core_helpers import plans_during, statements_during

from leaddesk.core.demo import fill_demo
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.reads import search_engines
from leaddesk.core.reads.search import default_engine, search
from leaddesk.core.reads.search_engines import LikeEngine, indexes_here, search_method
from leaddesk.core.reads.search_postings import PostingEngine
from leaddesk.core.store.db import atomic_write, database
from leaddesk.core.store.models import Lead
from leaddesk.core.transfer.importing import import_file, open_source
from leaddesk.core.writes.leads import update_lead

pytestmark = pytest.mark.postgresql_only


def _rows(sql: str, params: tuple = ()) -> set[tuple]:
    return {tuple(r) for r in database.obj.execute_sql(sql, params).fetchall()}


def keys_of(lead_id: int) -> set[str]:
    return {g for (g,) in _rows("SELECT gram FROM search_gram WHERE lead_id = %s", (lead_id,))}


def assert_in_step() -> None:
    """Each lead's keys are those of its fields now, and the counts count them."""
    held = _rows("SELECT gram, lead_id FROM search_gram")
    wanted = _rows("SELECT unnest(leaddesk_lead_grams(name, company, email, notes)), id FROM lead")
    assert held == wanted
    counted = _rows("SELECT gram, n FROM search_gram_count WHERE n <> 0")
    assert counted == _rows("SELECT gram, count(*) FROM search_gram GROUP BY gram")


def test_a_new_lead_is_posted_under_its_folded_keys(make_lead):
    lead = make_lead("Zoë Ångström", company="Ab", email="z@q.io", notes="")
    # the padded name's trigrams, its words' initials, and the four fields' trigrams
    name = {"n zo", "nzoe", "noe ", "ne a", "n an", "nang", "ngst", "nstr", "ntro", "nrom"}
    name |= {"nngs", "n z", "n a"}
    text = {"t" + t for t in ("zoe", "oe ", "e a", " an", "ang", "ngs", "gst", "str", "tro")}
    text |= {"t" + t for t in ("rom", "om ", "m a", " ab", "ab ", "b z", " z@", "z@q", "@q.")}
    text |= {"t" + t for t in ("q.i", ".io", "io ")}
    assert keys_of(lead) == name | text
    assert_in_step()


@pytest.mark.parametrize("field", ["name", "company", "email", "notes"])
def test_an_edit_of_a_searched_field_moves_its_keys(make_lead, now, settings, field):
    lead = make_lead("Dana Whitfield", company="Roofing", email="dana@w.example", notes="tall")
    other = make_lead("Sam Ito", company="Roofing")
    draft = LeadDraft(
        name="Dana Whitfield", company="Roofing", email="dana@w.example", notes="tall",
        phones=[("+1 212 555 0142", "")],
    )  # fmt: skip
    value = "kwame@qorvo.example" if field == "email" else "Kwame Qorvo"
    update_lead(lead, dataclasses.replace(draft, **{field: value}), now, settings)
    assert "tkwa" in keys_of(lead)
    assert_in_step()
    assert [h.lead_id for h in search("kwame", 10)] == [lead]
    roofing = [other] if field == "company" else [other, lead]
    assert [h.lead_id for h in search("roofing", 10)] == roofing


def test_an_outcome_leaves_the_keys_alone(make_lead, now, settings):
    from leaddesk.core.writes.outcomes import log_outcome

    lead = make_lead("Dana Whitfield")
    before = _rows("SELECT xmin::text, gram FROM search_gram WHERE lead_id = %s", (lead,))
    log_outcome(lead, "no-answer", now, settings)
    assert _rows("SELECT xmin::text, gram FROM search_gram WHERE lead_id = %s", (lead,)) == before


def test_a_deleted_lead_leaves_no_key(make_lead):
    lead = make_lead("Dana Whitfield")
    kept = make_lead("Dana Roy")
    atomic_write(lambda: Lead.delete().where(Lead.id == lead).execute())
    assert keys_of(lead) == set()
    assert keys_of(kept)
    assert_in_step()
    assert [h.lead_id for h in search("dana", 10)] == [kept]


CSV = "name,phone,company,email\nDana Whitfield,(212) 555-0142,,dana@w.example\n"


@pytest.mark.parametrize("whole_file", [False, True])
def test_an_import_and_a_merge_are_indexed(make_lead, now, settings, tmp_path, whole_file):
    make_lead("Sam Ito", phone="+1 312 555 0188")
    path = tmp_path / "leads.csv"
    path.write_text(CSV + "Kwame Asante,(646) 555-0100,Qorvo,kwame@q.example\n")
    import_file(open_source(path), now, settings, whole_file=whole_file)
    assert_in_step()
    assert [h.name for h in search("qorvo", 10)] == ["Kwame Asante"]
    # the same person again, with a company: the duplicate fills in the lead's
    path.write_text(CSV.replace(",,", ",Zephyr Slate,"))
    import_file(open_source(path), now, settings, on_duplicate="update")
    assert_in_step()
    assert [h.name for h in search("zephyr", 10)] == ["Dana Whitfield"]


@pytest.mark.parametrize("existing", [0, 30])
def test_a_demo_fill_is_indexed_once_at_the_end(make_lead, now, settings, existing):
    """Into an empty store (the key dropped and built again) or beside leads."""
    for n in range(existing):
        make_lead(f"Lead {n}")
    statements = statements_during(lambda: fill_demo(20, now, settings, seed=3))
    db = database.obj
    assert sum("leaddesk_index_leads" in s for s in statements) == 1
    assert sum("ADD CONSTRAINT search_gram_pkey" in s for s in statements) == (existing == 0)
    assert_in_step()
    assert db.execute_sql("SELECT count(DISTINCT lead_id) FROM search_gram").fetchone()[0] == (
        existing + 20
    )
    name = Lead.select(Lead.name).order_by(Lead.id.desc()).first().name
    assert name in [h.name for h in search(name, 10)]


def test_the_walk_reads_the_posting_list_newest_first(make_lead):
    for n in range(5):
        make_lead(f"Kwame {n}")
    engine = default_engine()
    assert isinstance(engine, PostingEngine)
    plans, found = plans_during(
        "FROM search_gram g", lambda: engine.leads(("kwame",), ("name",), 2)
    )
    assert len(found) == 2
    # the list read backwards, one lead looked up per posting: no sort, no lead scan
    assert "Backward using search_gram_pkey" in plans[0], plans[0]
    assert "Sort" not in plans[0] and "Index Scan using lead_pkey" in plans[0], plans[0]


def test_terms_and_limits_find_what_the_scan_finds(make_lead):
    names = ["Carlos Nguyen", "Carla Nguyen", "Carlos Diaz", "Owen Kowalski", "Kowal Owens"]
    for name in names * 3:
        make_lead(name, company="Nguyen Carpentry" if "Diaz" in name else "")
    engine, scan = default_engine(), LikeEngine()
    fields = ("name", "company", "email", "notes")
    for terms in [("carlos", "nguyen"), ("owen", "kowal"), ("ngu",), ("zzz",), ("car", "diaz")]:
        for limit in (1, 4, 20):
            assert engine.leads(terms, fields, limit) == scan.leads(terms, fields, limit), terms
            assert engine.leads(terms, ("name",), limit) == scan.leads(terms, ("name",), limit)
    for terms in [("c",), ("ca", "n"), ("o",), ("ow", "k"), ("x",)]:
        for limit in (1, 4, 20):
            assert engine.name_starts(terms, limit) == scan.name_starts(terms, limit), terms


def test_doctor_names_the_posting_table(store):
    line = search_method(store)
    assert "posting table search_gram" in line and "migration 0021" in line


def test_what_the_search_asked_the_catalog_goes_with_its_connection(store):
    """Kept by `id(connection)`, a closed connection's answers (which indexes this
    schema has, the statistics) were handed to a new connection that reused its
    address: the suite once met another schema's "no trigram indexes" in the
    doctor's line. They must go when their connection goes."""
    assert "posting table" in search_method(store)  # fills the cache
    kept = len(search_engines._PER_CONNECTION)
    store.close()
    gc.collect()
    assert len(search_engines._PER_CONNECTION) == kept - 1
    store.connect()
    assert indexes_here(store)  # asked again on the new connection
