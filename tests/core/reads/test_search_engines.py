"""One corpus, one ranking on both engines: SQLite's FTS5 and PostgreSQL's posting
tables (migrations 0021 and 0024; GIN trigram indexes, 0014, without them) give the
same hits in the same order, and on PostgreSQL the index — not a scan — answers."""

from __future__ import annotations

import importlib.util

import pytest

from leaddesk.core.reads import search_engines, search_trigram
from leaddesk.core.reads.search import default_engine, search
from leaddesk.core.reads.search_engines import (
    Fts5Engine,
    LikeEngine,
    search_method,
)
from leaddesk.core.reads.search_trigram import TrigramEngine
from leaddesk.core.store import migrations
from leaddesk.core.store.db import database
from leaddesk.core.store.schema import close_store, open_store
from leaddesk.core.writes.leads import add_note

# (name, phones, company, email, notes, a touch note)
CORPUS = [
    ("Dana Whitfield", ["(212) 555-0142"], "Whitfield Roofing", "dana@whitfield.example", "", ""),
    ("Zoë Ångström", ["(212) 555-0101"], "Nordic Dana", "", "prefers mornings", ""),
    ("José Álvarez", ["+1 312 555 0177"], "Álvarez & Hijos", "jose@alvarez.example", "", "call"),
    ("Danielle Roy", ["+44 20 7946 0000"], "", "droy@mail.example", "met at booth 237", ""),
    ("Jürgen Müller", [], "Müller Bau", "", "", "asked for the brochure in German"),
    ("Sam Ito", ["(312) 555-0188"], "Ito Roofing", "sam@ito.example", "", "roofing quote"),
    ("Li Ng", ["(646) 555-0142"], "", "", "", ""),
    ("Amanda Dale", ["(718) 555-0123"], "Dale & Dana LLC", "", "callback after 5", ""),
]

# What a rep types → (lead, field) in rank order, the same on both engines.
EXPECTED = {
    "dana": [(1, "name"), (8, "company"), (2, "company")],  # a name first, newest within
    "DAN": [(4, "name"), (1, "name"), (8, "company"), (2, "company")],
    "angstrom": [(2, "name")],
    "ÅNGSTRÖM": [(2, "name")],
    "alvarez": [(3, "name")],
    "muller bau": [(5, "company")],
    "roofing": [(6, "company"), (1, "company")],
    "555-0142": [(7, "phone"), (1, "phone")],
    "(312) 555": [(6, "phone"), (3, "phone")],
    "020 7946": [(4, "phone")],
    "booth 237": [(4, "notes")],
    "brochure": [(5, "note")],
    "in germ": [(5, "note")],  # two terms in one touch note (migration 0024 on PostgreSQL)
    "QUOTE": [(6, "note")],
    "0177": [(3, "phone")],
    "555-01": [
        (8, "phone"),
        (7, "phone"),
        (6, "phone"),
        (3, "phone"),
        (2, "phone"),
        (1, "phone"),
    ],
    "da": [(4, "name"), (1, "name"), (8, "name")],  # names starting with it come first
    "li n": [(7, "name")],
    "example": [(6, "email"), (4, "email"), (3, "email"), (1, "email")],
    "zzqx": [],
}


@pytest.fixture
def corpus(make_lead, settings, now) -> dict[int, int]:
    """Position in CORPUS (from 1) → lead id."""
    ids = {}
    for n, (name, phones, company, email, notes, note) in enumerate(CORPUS, start=1):
        lead_id = make_lead(name, phones=phones, company=company, email=email, notes=notes)
        if note:
            add_note(lead_id, note, now, settings)
        ids[n] = lead_id
    return ids


def hits(text: str, engine=None) -> list[tuple[int, str]]:
    return [(h.lead_id, h.field) for h in search(text, 10, engine)]


@pytest.mark.parametrize("text", list(EXPECTED))
def test_one_corpus_ranks_the_same_on_both_engines(corpus, text):
    engine = default_engine()
    assert isinstance(engine, Fts5Engine | TrigramEngine)  # the indexed engine of each store
    wanted = [(corpus[n], field) for n, field in EXPECTED[text]]
    assert hits(text) == wanted, [(n, f) for i, f in hits(text) for n in corpus if corpus[n] == i]


@pytest.mark.postgresql_only  # (SQLite's LIKE does not fold accents: FTS5 finds more)
def test_the_indexed_engine_agrees_with_the_scan(corpus):
    for text in EXPECTED:
        assert hits(text) == hits(text, LikeEngine()), text


@pytest.mark.postgresql_only
@pytest.mark.parametrize("cap", [0, 10_000])
def test_many_or_few_candidates_find_the_same(corpus, monkeypatch, cap):
    """Few candidates are fetched and judged; many make it read the table newest
    first: either way, the scan's hits in the scan's order."""
    monkeypatch.setattr(search_trigram, "_cap", lambda limit, table: cap)
    for text in EXPECTED:
        assert hits(text) == hits(text, LikeEngine()), text


@pytest.mark.postgresql_only
@pytest.mark.parametrize("window", [2, 100])
def test_a_common_term_reads_a_window_of_the_newest_rows(corpus, monkeypatch, window):
    """A window that fills the page answers; one that does not hands over to the index."""
    monkeypatch.setattr(TrigramEngine, "_window", lambda self, index, keys, limit: window)
    engine, scan = default_engine(), LikeEngine()
    fields = ("name", "company", "email", "notes")
    for limit in (1, 2, 10):
        assert engine.leads(("dan",), fields, limit) == scan.leads(("dan",), fields, limit)
        assert engine.name_starts(("d",), limit) == scan.name_starts(("d",), limit)
        assert engine.phones(("555",), limit) == scan.phones(("555",), limit)
        assert engine.notes(("the",), limit) == scan.notes(("the",), limit)


@pytest.mark.postgresql_only
def test_the_search_leaves_the_connection_as_it_was(corpus, store):
    search("dana", 10)
    assert store.execute_sql("SHOW max_parallel_workers_per_gather").fetchone()[0] != "0"
    assert store.execute_sql("SHOW enable_sort").fetchone()[0] == "on"


@pytest.mark.postgresql_only
@pytest.mark.parametrize(
    ("kind", "index"),
    [("phone", "phone_e164_trigrams"), ("note", "touch_note_trigrams")],
)
def test_postgresql_reads_the_trigram_indexes(corpus, kind, index):
    """The search's expressions are exactly the indexed ones (a difference means a scan).
    (The lead fields read migration 0021's posting table: test_search_postings.py.)
    Migration 0025 drops these indexes beside 0024's posting tables: made again here as
    0014 makes them, they are what a store without those tables searches with."""
    made = _migration("0014_trigram_search").INDEXES
    database.obj.execute_sql(next(sql for sql in made if f" {index} " in sql))
    engine = TrigramEngine(database.obj)
    select = {
        "phone": lambda: engine.phones(("5550142",), 5),
        "note": lambda: engine.notes(("brochure",), 5),
    }[kind]
    plans: list[str] = []
    db = database.obj
    original = db.execute_sql

    def explained(sql, params=None, *args, **kwargs):
        query = sql.rsplit("; ", 1)[-1]  # (after the SET LOCAL of the statement)
        if query.startswith(("SELECT", "WITH")) and "pg_" not in sql:
            rows = original("EXPLAIN " + query, params).fetchall()
            plans.append("\n".join(r[0] for r in rows))
        return original(sql, params, *args, **kwargs)

    with db.atomic():
        # a tiny table is cheaper to scan, and to read backwards by id: rule both out
        db.execute_sql("SET LOCAL enable_seqscan = off")
        db.execute_sql("SET LOCAL enable_indexscan = off")
        db.execute_sql = explained
        try:
            select()
        finally:
            db.execute_sql = original
    assert plans and index in plans[0], "\n\n".join(plans)


@pytest.mark.postgresql_only
def test_postgresql_doctor_line_says_indexed(store):
    line = search_method(store)
    assert "posting table search_gram" in line and "search_note_gram" in line
    assert "pg_trgm: not on this server" in line  # pgserver's PostgreSQL ships without it


def _migration(name: str):
    spec = importlib.util.spec_from_file_location(name, migrations.DIRECTORY / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_folds_as_the_search_does():
    module = _migration("0014_trigram_search")
    assert (module.ACCENTED, module.PLAIN) == (search_engines._ACCENTED, search_engines._PLAIN)


@pytest.mark.sqlite_only
def test_every_migration_keeps_the_search_triggers(tmp_path):
    """A migration that rebuilds `lead` or `touch` on SQLite (peewee's migrator
    copies a table to add a NOT NULL column) drops their FTS5 triggers, and
    search silently finds nothing new: 0010 once did. A store upgraded from the
    oldest fixture has every trigger a fresh store has."""
    import shutil
    from pathlib import Path

    def triggers(path: Path) -> set[str]:
        open_store(str(path))
        try:
            sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            return {name for (name,) in database.obj.execute_sql(sql)}
        finally:
            close_store()

    old = tmp_path / "old.db"
    shutil.copyfile(Path(__file__).parents[2] / "data" / "schema" / "v0001.db", old)
    fresh = triggers(tmp_path / "fresh.db")
    assert {"lead_fts_insert", "lead_words_insert"} <= fresh
    assert triggers(old) == fresh
