"""A fill into a store no bigger than itself runs with a rollback journal instead of
WAL (store/bulk_settings.fill_journal, used by the demo): WAL is back afterwards, and with
another connection on the store the fill keeps WAL and still succeeds. And a bulk
load's page cache and sorting threads (bulk_cache)."""

from __future__ import annotations

import sqlite3

import pendulum
import pytest

from leaddesk.core.demo import fill_demo
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store import bulk_settings
from leaddesk.core.store.bulk_settings import bulk_cache, fill_journal
from leaddesk.core.store.db import database
from leaddesk.core.store.models import Lead

NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")
pytestmark = pytest.mark.sqlite_only  # PostgreSQL has no journal mode


def mode(store) -> str:
    return store.execute_sql("PRAGMA journal_mode").fetchone()[0]


def test_a_fresh_fill_leaves_wal_for_its_length_and_comes_back(store):
    assert mode(store) == "wal"
    with fill_journal(store, fresh=True):
        assert mode(store) == "delete"
    assert mode(store) == "wal"
    with fill_journal(store, fresh=False):
        assert mode(store) == "wal"  # a small fill into a big store changes nothing


def test_the_demo_fill_ends_in_wal_with_every_lead(store):
    assert fill_demo(30, NOW, Settings(rep_name="t"), seed=3) == 30
    assert mode(store) == "wal"
    assert Lead.select().count() == 30


def test_another_connection_keeps_wal_and_the_fill_goes_on(store, tmp_path):
    path = database.obj.database
    other = sqlite3.connect(path)
    try:
        other.execute("SELECT COUNT(*) FROM lead").fetchone()  # holds the WAL open
        with fill_journal(store, fresh=True):
            assert mode(store) == "wal"
        assert fill_demo(10, NOW, Settings(rep_name="t"), seed=4) == 10
        assert other.execute("SELECT COUNT(*) FROM lead").fetchone()[0] == 10
    finally:
        other.close()
    assert mode(store) == "wal"


def test_a_bulk_load_gets_a_big_cache_and_sorting_threads_then_the_stores_own(store, monkeypatch):
    def pragma(name: str) -> int:
        return int(store.execute_sql(f"PRAGMA {name}").fetchone()[0])

    monkeypatch.setattr(bulk_settings, "cores", lambda: 2)
    kept = pragma("cache_size"), pragma("threads")
    with bulk_cache(store):
        assert pragma("cache_size") == -bulk_settings.FILL_CACHE_KB
        assert pragma("threads") == 1  # one helper beside the statement's own thread
    assert (pragma("cache_size"), pragma("threads")) == kept
    monkeypatch.setattr(bulk_settings, "cores", lambda: 1)
    with bulk_cache(store):
        assert pragma("threads") == 0
