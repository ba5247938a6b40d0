"""A fill into a store no bigger than itself runs with a rollback journal instead of
WAL (store/batch.fill_journal, used by the demo): WAL is back afterwards, and with
another connection on the store the fill keeps WAL and still succeeds."""

from __future__ import annotations

import sqlite3

import pendulum
import pytest

from leaddesk.core.demo import fill_demo
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.batch import fill_journal
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
