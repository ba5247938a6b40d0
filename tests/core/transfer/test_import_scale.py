"""A million-row import stays linear and cheap (issue 15, point 4): batches commit
without an fsync until the last, a post-only row is found by an index, and each
batch's stats are rolled up once."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaddesk.core.store.db import database
from leaddesk.core.store.models import Lead
from leaddesk.core.transfer.importing import BATCH, import_file, open_source

FULL, NORMAL = 2, 1


def _rows(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "big.csv"
    lines = "".join(f"Lead {i},(212) 555-{i:04d}\n" for i in range(count))
    path.write_text("Name,Phone\n" + lines)
    return path


def _synchronous() -> int:
    return int(database.obj.execute_sql("PRAGMA synchronous").fetchone()[0])


@pytest.mark.sqlite_only
def test_batches_commit_without_an_fsync_and_the_last_one_with_it(store, settings, now, tmp_path):
    seen: list[int] = []
    source = open_source(_rows(tmp_path, 2 * BATCH + 10))
    summary = import_file(
        source, now, settings, progress=lambda done, total: seen.append(_synchronous())
    )
    assert summary.imported == 2 * BATCH + 10
    # between batches: NORMAL; the last batch, and everything after, FULL again
    assert seen[:-1] == [NORMAL, NORMAL] and seen[-1] == FULL
    assert _synchronous() == FULL


@pytest.mark.sqlite_only
def test_a_dry_run_never_changes_the_sync_level(store, settings, now, tmp_path):
    seen: list[int] = []
    source = open_source(_rows(tmp_path, BATCH + 10))
    import_file(
        source, now, settings, dry_run=True, progress=lambda d, t: seen.append(_synchronous())
    )
    assert set(seen) == {FULL}


@pytest.mark.sqlite_only
def test_a_post_only_row_is_looked_up_through_the_address_index(store):
    from leaddesk.core.transfer import dedupe

    plans: list[str] = []
    execute = database.obj.execute_sql

    def explained(sql, params=None, *args, **kwargs):
        if "address" in sql and sql.startswith("SELECT"):
            plans.extend(str(r[-1]) for r in execute("EXPLAIN QUERY PLAN " + sql, params))
        return execute(sql, params, *args, **kwargs)

    database.obj.execute_sql = explained
    try:
        dedupe.known_keys([dedupe.address_key("1 Main St", "Dana")])
    finally:
        del database.obj.execute_sql
    assert plans and all("lead_address" in p for p in plans), plans


def test_a_post_only_row_matches_the_lead_at_that_address(store, settings, now, tmp_path):
    path = tmp_path / "post.csv"
    path.write_text("Name,Street,City\n" + "Dana Whitfield,1 Main St,Springfield\n" * 2)
    summary = import_file(open_source(path), now, settings, rejects_path=tmp_path / "r.csv")
    assert (summary.imported, summary.skipped_duplicate) == (1, 1)
    assert Lead.select().where(Lead.address == "1 Main St").count() == 1
