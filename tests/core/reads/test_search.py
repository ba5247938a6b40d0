"""Find as you type: every kind of text finds its lead, both engines agree, and the
FTS5 indexes follow every write path (services, raw bulk inserts, undo, edits)."""

from __future__ import annotations

import pendulum
import pytest

from leaddesk.core.demo import fill_demo
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.reads.queue.due import due_page
from leaddesk.core.reads.queue.place import Place, locate
from leaddesk.core.reads.queue.rows import DUE, LATER
from leaddesk.core.reads.search import (
    Fts5Engine,
    LikeEngine,
    bulk_indexing,
    default_engine,
    has_fts,
    parse_query,
    search,
)
from leaddesk.core.store.db import database, is_sqlite
from leaddesk.core.store.models import Lead
from leaddesk.core.writes.leads import add_note, set_touch_note, update_lead
from leaddesk.core.writes.outcomes import log_outcome, undo_last


@pytest.fixture
def leads(make_lead):
    return {
        "dana": make_lead(
            "Dana Whitfield",
            phones=["(212) 555-0142"],
            company="Whitfield Roofing",
            email="dana@whitfieldroofing.com",
            notes="met at booth 237",
        ),
        "ravi": make_lead("Ravi Patel", phones=["+1 312 555 0177"], company="Patel Homes"),
        "li": make_lead("Li Ng", phones=["+44 20 7946 0000"]),
        "sam": make_lead("Sam Ito", phone=None, email="sam@ito.example"),
    }


def found(text: str, **kwargs) -> list[tuple[int, str]]:
    return [(h.lead_id, h.field) for h in search(text, **kwargs)]


@pytest.mark.parametrize(
    ("text", "who", "field"),
    [
        ("dana", "dana", "name"),
        ("WHITF", "dana", "name"),  # case does not matter; a name beats the company
        ("field dana", "dana", "name"),  # terms in any order
        ("patel homes", "ravi", "company"),  # the field that holds every term
        ("homes", "ravi", "company"),
        ("roofing.com", "dana", "email"),
        ("ito.example", "sam", "email"),
        ("booth 237", "dana", "notes"),
        ("2125550142", "dana", "phone"),
        ("555-0142", "dana", "phone"),
        ("(212) 555", "dana", "phone"),
        ("+1 212 555 0142", "dana", "phone"),
        ("312.555.0177", "ravi", "phone"),
        ("020 7946", "li", "phone"),  # the trunk 0 of a national number
        ("44 20 7946 0000", "li", "phone"),
        ("ng", "li", "name"),  # shorter than a trigram: the start of a word in the name
        ("li ng", "li", "name"),
        ("da", "dana", "name"),
    ],
)
@pytest.mark.parametrize("engine", [pytest.param("fts5", marks=pytest.mark.sqlite_only), "like"])
def test_each_kind_of_text_finds_its_lead(leads, text, who, field, engine):
    chosen = Fts5Engine(database.obj) if engine == "fts5" else LikeEngine()
    hits = found(text, engine=chosen)
    assert hits and hits[0] == (leads[who], field), hits


@pytest.mark.sqlite_only  # FTS5 is SQLite's
def test_the_store_uses_fts5_and_it_agrees_with_like(leads):
    assert has_fts(database.obj)
    for text in ("dana", "555", "roof", "whitfield roofing", "ito", "0142", "zzz"):
        assert found(text) == found(text, engine=LikeEngine()), text


@pytest.mark.parametrize(
    "text", ["zzz", "   ", "", "555-9999", "%", "_", '"', "dana zzz", "(2", "21", "+4"]
)
def test_nothing_matches_nonsense(leads, text):
    assert search(text) == []


def test_a_touch_note_is_found_with_an_excerpt_and_leaves_with_undo(leads, settings, now):
    add_note(leads["ravi"], "wants a quote for the metal roof on the barn", now, settings)
    hit = search("metal roof")[0]
    assert (hit.lead_id, hit.field) == (leads["ravi"], "note")
    assert "metal roof" in hit.excerpt
    undo_last(now, settings)
    assert search("metal roof") == []


def test_a_note_attached_to_a_logged_touch_is_found(leads, settings, now):
    result = log_outcome(leads["dana"], "no-answer", now, settings)
    assert search("voicemail box") == []
    set_touch_note(result.touch_id, "no voicemail box set up", now)
    assert found("voicemail box") == [(leads["dana"], "note")]


def test_edits_reindex_names_and_numbers(leads, settings, now):
    draft = LeadDraft(name="Dana Whitfield-Okafor", phones=[("(415) 555-0100", "work")])
    update_lead(leads["dana"], draft, now, settings)
    assert found("okafor") == [(leads["dana"], "name")]
    assert found("555-0142") == []
    assert found("4155550100") == [(leads["dana"], "phone")]
    assert found("booth") == []  # the notes were cleared by the edit


@pytest.mark.sqlite_only  # the FTS5 index
def test_logging_an_outcome_does_not_touch_the_index(leads, settings, now):
    """Each outcome saves the whole lead row: the update trigger must not fire."""
    db = database.obj
    before = db.execute_sql("SELECT COUNT(*) FROM lead_fts_data").fetchone()[0]
    log_outcome(leads["ravi"], "no-answer", now, settings)
    assert db.execute_sql("SELECT COUNT(*) FROM lead_fts_data").fetchone()[0] == before


@pytest.mark.sqlite_only  # the FTS5 triggers
def test_rows_inserted_raw_by_any_code_are_indexed_by_the_triggers(store, make_lead):
    """An importer's executemany on peewee's connection, without any help."""
    seed = make_lead("Seed", phone="(212) 555-0100")
    db = database.obj
    with db.atomic():
        cursor = db.connection().cursor()
        copied = (
            "title, address, city, region, postcode, country, timezone, timezone_source,"
            " call_zones, source, interest, received_at, status, do_not_call, do_not_mail,"
            " no_count, attempts, cadence, cadence_step, next_channel, closed_early, tags,"
            " notes, created_at, updated_at"
        )
        cursor.executemany(
            f"INSERT INTO lead (name, company, email, {copied})"
            f" SELECT ?, ?, ?, {copied} FROM lead WHERE id = ?",
            [(f"Bulk {i}", f"Company {i}", f"b{i}@x.example", seed) for i in range(50)],
        )
        (last,) = db.execute_sql("SELECT MAX(id) FROM lead").fetchone()
        cursor.executemany(
            "INSERT INTO phone (lead_id, position, label, raw, e164, bad) VALUES (?,0,'',?,?,0)",
            [(last, "(646) 555-0199", "+16465550199")],
        )
        cursor.executemany(
            "INSERT INTO touch (lead_id, at, channel, outcome, note, phone, lead_local, counted,"
            " scheduled_channel, before) VALUES (?, 0, 'call', 'no-answer', ?, '', '', 0, '', '')",
            [(last, "asked about the warranty")],
        )
    assert found("bulk 49") == [(last, "name")]
    assert found("company 7")[0][1] == "company"
    assert found("646-555-0199") == [(last, "phone")]
    assert found("warranty") == [(last, "note")]


@pytest.mark.sqlite_only  # the FTS5 triggers
def test_the_demo_indexes_in_bulk_and_puts_the_triggers_back(store, settings, now):
    db = database.obj
    triggers = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    before = db.execute_sql(triggers).fetchall()
    # 0004's nine, 0009's three, 0022's six; the stats' (0018, store/rollups.py) come back too
    assert len([name for name, _ in before if not name.startswith("stats_")]) == 18
    fill_demo(40, now, settings, seed=3)
    assert db.execute_sql(triggers).fetchall() == before
    db.execute_sql("INSERT INTO lead_fts(lead_fts, rank) VALUES ('integrity-check', 1)")
    for table in ("lead_words", "lead_names", "name_fts"):
        db.execute_sql(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
    for lead_id, name in Lead.select(Lead.id, Lead.name).tuples():
        assert (lead_id, "name") in found(name, limit=50), name
    (e164, lead_id) = db.execute_sql("SELECT e164, lead_id FROM phone LIMIT 1").fetchone()
    assert (lead_id, "phone") in found(e164[-7:], limit=200)
    # (counting note_fts itself would count its content table, every touch)
    note_rows = db.execute_sql("SELECT COUNT(*) FROM note_fts_docsize").fetchone()[0]
    noted = db.execute_sql(
        "SELECT COUNT(*) FROM touch WHERE note != '' AND channel != 'system'"
    ).fetchone()[0]
    assert note_rows == noted > 0
    fill_demo(5, now, settings, seed=4)  # a second fill indexes only its own rows
    db.execute_sql("INSERT INTO lead_fts(lead_fts, rank) VALUES ('integrity-check', 1)")
    for table in ("lead_fts", "lead_words", "lead_names", "name_fts"):
        db.execute_sql(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
        assert db.execute_sql(f"SELECT COUNT(*) FROM {table}_docsize").fetchone()[0] == 45


def test_deleting_a_lead_removes_it_from_every_index(leads):
    Lead.delete_by_id(leads["dana"])
    assert found("dana") == [] and found("555-0142") == [] and found("booth") == []
    if is_sqlite(database.obj):  # PostgreSQL has no index of its own to check (LIKE)
        database.obj.execute_sql(
            "INSERT INTO lead_fts(lead_fts, rank) VALUES ('integrity-check', 1)"
        )


@pytest.mark.postgresql_only
def test_postgresql_searches_with_like_and_demo_fills_need_no_index(store, leads, settings, now):
    assert not has_fts(database.obj) and isinstance(default_engine(), LikeEngine)
    with bulk_indexing(database.obj):  # no FTS5 here: the trigram indexes, dropped and rebuilt
        pass
    fill_demo(20, now, settings, seed=3)
    for lead_id, name in Lead.select(Lead.id, Lead.name).tuples():
        assert (lead_id, "name") in found(name, limit=50), name


def test_limit_is_respected_and_newest_come_first_within_a_kind(make_lead):
    ids = [make_lead(f"Jordan Lee {i}", phone=f"(212) 555-01{i:02d}") for i in range(12)]
    hits = search("jordan", limit=5)
    assert [h.lead_id for h in hits] == list(reversed(ids))[:5]


def test_query_parsing():
    assert parse_query("(212) 555-0142").digits == "2125550142"
    assert parse_query("dana 555").digits == ""
    assert parse_query("12").digits == ""  # too short to search digits
    assert parse_query("  Dana   WHIT ").terms == ("dana", "whit")


# --- where a found lead is on the desk ------------------------------------------


def test_locate_gives_the_due_index_the_desk_shows(make_lead, settings, now):
    for i in range(30):
        make_lead(f"Lead {i:02d}", phone=f"(212) 555-02{i:02d}", minutes_ago=5 + 7 * i)
    rows = due_page(now, settings, 0, 100)
    assert len(rows) == 30
    for index, row in enumerate(rows):
        assert locate(row.lead_id, now, settings) == Place(DUE, index)


def test_locate_later_and_nowhere(make_lead, settings, now):
    sydney = make_lead("Sam Ito", phone="+61 2 9374 4000")  # 06:00 there: window closed
    assert locate(sydney, now, settings).section == LATER
    quiet = make_lead("Quiet", phone=None)  # no way to reach them: in no queue
    assert locate(quiet, now, settings).section is None
    tomorrow = pendulum.datetime(2026, 11, 24, 15, tz="UTC")
    later_lead = make_lead("Later", phone="(212) 555-0300", at=tomorrow, minutes_ago=0)
    assert locate(later_lead, now, settings).section is None


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("angstrom", "zoe"),
        ("ÅNGSTRÖM", "zoe"),
        ("zoe", "zoe"),
        ("zoë ång", "zoe"),
        ("alvarez", "jose"),
        ("jose alvarez", "jose"),
        ("Álvarez", "jose"),
        ("jos", "jose"),
        ("muller", "muller"),
    ],
)
def test_find_ignores_accents_and_case_by_name(make_lead, text, who):
    ids = {
        "zoe": make_lead("Zoë Ångström", phones=["(212) 555-0101"]),
        "jose": make_lead("José Álvarez", phones=["(212) 555-0102"]),
        "muller": make_lead("Jürgen Müller", phones=["(212) 555-0103"]),
    }
    hits = found(text)
    assert hits and hits[0] == (ids[who], "name"), hits


def test_an_accented_name_edited_is_found_by_its_new_name(leads, settings, now):
    update_lead(
        leads["ravi"], LeadDraft(name="Raví Pátel", phones=[("(312) 555-0177", "")]), now, settings
    )
    assert found("ravi patel") == [(leads["ravi"], "name")]
