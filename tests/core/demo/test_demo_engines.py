"""The demo on PostgreSQL: rows in by COPY, the search indexes built once at the end,
and the same leads and touches as on SQLite for one seed."""

from __future__ import annotations

import pendulum
import pytest

from leaddesk.core.demo import fill_demo
from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.search import search
from leaddesk.core.store.db import database
from leaddesk.core.store.models import Appointment, Lead, Phone, Rep, Touch, ZoneSet
from leaddesk.core.store.schema import close_store, open_store

DEMO_NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")
DEMO_SETTINGS = Settings(rep_name="demo-rep", rep_timezone="America/Chicago")
TABLES = (Lead, Phone, Touch, Appointment, ZoneSet, Rep)


def _content(target: str, leads: int, seed: int) -> dict[str, list[dict]]:
    """Every row of the demo's tables, read back through the models (so a boolean or a
    date reads the same whatever the engine stores)."""
    open_store(target)
    try:
        fill_demo(leads, DEMO_NOW, DEMO_SETTINGS, seed=seed)
        return {
            model._meta.table_name: list(model.select().order_by(model._meta.primary_key).dicts())
            for model in TABLES
        }
    finally:
        close_store()


def test_the_demo_writes_the_same_rows_on_both_engines(tmp_path, pg_url):
    on_sqlite = _content(str(tmp_path / "demo.db"), 150, seed=11)
    on_postgresql = _content(pg_url, 150, seed=11)
    assert len(on_sqlite["touch"]) > 500  # histories, not just leads
    for table, rows in on_sqlite.items():
        assert on_postgresql[table] == rows, table


def _trigram_indexes() -> dict[str, int]:
    """The search's indexes by name, with their object ids (a rebuilt index has a new one):
    0021's and 0024's posting tables' keys (0025 dropped 0014's last GIN indexes)."""
    rows = database.obj.execute_sql(
        "SELECT c.relname, c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relkind = 'i'"
        " AND (c.relname LIKE %s OR c.relname IN"
        " ('search_gram_pkey', 'search_note_gram_pkey', 'search_phone_gram_pkey'))",
        ("%\\_trigrams",),
    ).fetchall()
    return dict(rows)


@pytest.mark.postgresql_only
def test_a_postgresql_fill_rebuilds_the_search_indexes_and_analyzes(store, settings, now):
    made = _trigram_indexes()
    assert len(made) == 3
    fill_demo(40, now, settings, seed=2)  # into an empty store: the indexes rebuilt after
    first = _trigram_indexes()
    fill_demo(40, now, settings, seed=3)  # as big as the store: rebuilt over all 80
    second = _trigram_indexes()
    fill_demo(10, now, settings, seed=4)  # smaller than the store: kept up row by row
    assert set(first) == set(second) == set(made)
    assert all(made[name] != first[name] != second[name] != made[name] for name in made)
    assert _trigram_indexes() == second
    for lead_id, name in Lead.select(Lead.id, Lead.name).tuples():
        assert lead_id in [h.lead_id for h in search(name, limit=200)], name
    analyzed = database.obj.execute_sql(
        "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema()"
        " AND last_analyze IS NOT NULL AND last_vacuum IS NOT NULL ORDER BY 1"
    ).fetchall()
    tables = ["appointment", "lead", "phone", "search_gram", "search_gram_count"]
    tables += ["search_note_gram", "search_phone_gram", "touch"]
    assert [name for (name,) in analyzed] == tables
