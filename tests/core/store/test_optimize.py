"""A SQLite store gets the statistics its planner needs: `close_store` runs SQLite's
advice (`PRAGMA analysis_limit=400; PRAGMA optimize`) before closing."""

from __future__ import annotations

import sqlite3

from leaddesk.core.reads.queue.sections import counts
from leaddesk.core.store.schema import close_store, open_store
from leaddesk.core.writes.leads import add_lead


def _stats(path) -> set[str]:
    raw = sqlite3.connect(path)
    try:
        if not raw.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            return set()
        return {row[0] for row in raw.execute("SELECT DISTINCT tbl FROM sqlite_stat1")}
    finally:
        raw.close()


def test_closing_a_store_leaves_statistics_for_the_tables_its_queries_used(tmp_path, settings, now):
    from leaddesk.core.domain.validate import LeadDraft

    path = tmp_path / "leads.db"
    open_store(str(path))
    try:
        for i in range(30):
            add_lead(
                LeadDraft(name=f"Lead {i}", phones=[(f"+1 212 555 01{i:02d}", "")]), now, settings
            )
        assert counts(now, settings).due == 30  # the queue's indexes used on this connection
    finally:
        close_store()
    assert "lead" in _stats(path)


def test_a_store_locked_by_another_writer_still_closes(tmp_path, settings, now):
    path = tmp_path / "leads.db"
    open_store(str(path))
    counts(now, settings)
    other = sqlite3.connect(path, timeout=0)
    other.execute("BEGIN EXCLUSIVE")
    try:
        close_store()  # the statistics wait for the next close; no error
    finally:
        other.rollback()
        other.close()
    assert "lead" not in _stats(path)
