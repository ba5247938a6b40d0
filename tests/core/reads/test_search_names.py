"""The name's own indexes on SQLite (migration 0022): one or two letters read the word
index and find exactly what the scan finds; every writer keeps both indexes in step."""

from __future__ import annotations

import pytest

from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.reads.search import search
from leaddesk.core.reads.search_engines import Fts5Engine, LikeEngine
from leaddesk.core.store.db import database
from leaddesk.core.store.models import Lead
from leaddesk.core.transfer.importing import import_file, open_source
from leaddesk.core.writes.leads import update_lead
from leaddesk.core.writes.outcomes import log_outcome

pytestmark = pytest.mark.sqlite_only  # FTS5 is SQLite's

NAMES = [
    "Kevin O'Brien",
    "Anne-Marie Dubois",
    "Zoë Ångström",
    "Émile Zola",
    "Ou Yang",
    "li ng",
    "Dana_Whit",
    "  Padded   Name ",
    "Ola Nordmann",
    "Olav O. Olsen",
]
# one or two letters, with punctuation, accents and LIKE's wildcards
TERMS = ["o", "ou", "o'", "'b", "br", "ma", "an", "em", "zo", "an zo", "l", "li n", "w", "_w",
         "d_", "%", "-m", "pa na", "o.", "ol o", "zz"]  # fmt: skip


def integrity() -> None:
    db = database.obj
    for table in ("lead_names", "name_fts"):
        db.execute_sql(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")


def names_index(terms: tuple[str, ...], limit: int = 50) -> list[int]:
    engine = Fts5Engine(database.obj)
    assert engine.names
    return engine.name_starts(terms, limit)


@pytest.fixture
def named(make_lead) -> dict[str, int]:
    return {name: make_lead(name, phone=None) for name in NAMES}


@pytest.mark.parametrize("text", TERMS)
def test_a_word_start_from_the_index_is_exactly_the_scans(named, text):
    terms = tuple(text.split())
    for limit in (1, 3, 50):
        assert names_index(terms, limit) == LikeEngine().name_starts(terms, limit), limit


def test_the_index_offers_more_and_the_scan_judges(named):
    """The word index splits at punctuation and drops accents; the scan's LIKE does
    neither: the hits stay the scan's (a word after an apostrophe is not a word start)."""
    assert names_index(("br",)) == []
    assert names_index(("an",)) == [named["Anne-Marie Dubois"]]  # not "Ångström"
    assert names_index(("o'",)) == [named["Kevin O'Brien"]]


def test_a_long_limit_stops_at_the_limit_newest_first(make_lead):
    ids = [make_lead(f"Oscar {i}", phone=None) for i in range(30)]
    assert names_index(("os",), 7) == list(reversed(ids))[:7]
    assert [h.lead_id for h in search("os", limit=7)] == list(reversed(ids))[:7]


def test_a_new_lead_an_edit_and_a_delete_follow_the_name(named, settings, now):
    lead = named["Ola Nordmann"]
    update_lead(lead, LeadDraft(name="Ulla Sorensen"), now, settings)
    integrity()
    assert lead not in names_index(("ol",))
    assert lead in names_index(("ul",))
    assert [(h.lead_id, h.field) for h in search("Sorensen")] == [(lead, "name")]
    assert search("nordmann") == []
    Lead.delete_by_id(lead)
    integrity()
    assert names_index(("ul",)) == [] and search("sorensen") == []


def test_an_edit_of_the_other_fields_or_an_outcome_leaves_the_name_indexes(
    make_lead, settings, now
):
    lead = make_lead("Dana Whitfield", company="Old Co")
    db = database.obj

    def pages() -> tuple[int, int]:
        return tuple(  # type: ignore[return-value]
            db.execute_sql(f"SELECT COUNT(*), SUM(length(block)) FROM {t}_data").fetchone()[1]
            for t in ("lead_names", "name_fts")
        )

    before = pages()
    log_outcome(lead, "no-answer", now, settings)
    update_lead(lead, LeadDraft(name="Dana Whitfield", company="New Co"), now, settings)
    assert pages() == before
    assert [(h.lead_id, h.field) for h in search("new co")] == [(lead, "company")]
    assert [(h.lead_id, h.field) for h in search("whit")] == [(lead, "name")]


def test_an_import_and_a_merge_into_known_leads_are_indexed(make_lead, settings, now, tmp_path):
    known = make_lead("Quentin Blake", phone="(212) 555-0142")
    path = tmp_path / "leads.csv"
    path.write_text(
        "name,phone,company\n"
        "Quentin Blake,(212) 555-0142,Blake Books\n"  # the same lead: merged with update
        "Qiana Rowe,(312) 555-0177,\n"
        "Åsa Qvist,(646) 555-0199,\n",
        encoding="utf-8",
    )
    summary = import_file(
        open_source(path), now, settings, on_duplicate="update", rejects_path=tmp_path / "r.csv"
    )
    assert (summary.imported, summary.updated) == (2, 1)
    integrity()
    qiana, asa = (Lead.get(Lead.name == n).id for n in ("Qiana Rowe", "Åsa Qvist"))
    assert names_index(("q",)) == [asa, qiana, known]
    assert names_index(("qi",)) == [qiana]
    assert [(h.lead_id, h.field) for h in search("asa qvist")] == [(asa, "name")]
    assert [(h.lead_id, h.field) for h in search("blake books")] == [(known, "company")]


def test_the_name_pass_reads_only_names(make_lead):
    """Text that is in every email but no name: the name pass finds nothing at once."""
    ids = [make_lead(f"Lee {i}", phone=None, email=f"lee{i}@gmail.example") for i in range(5)]
    engine = Fts5Engine(database.obj)
    assert engine.leads(("gmail",), ("name",), 10) == []
    fields = ("name", "company", "email", "notes")
    assert engine.leads(("gmail",), fields, 10) == list(reversed(ids))
    assert engine.leads(("lee",), ("name",), 3) == list(reversed(ids))[:3]
