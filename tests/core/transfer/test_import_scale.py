"""A million-row import stays linear and cheap (issue 15, point 4): batches commit
without an fsync until the last, a post-only row is found by an index, and each
batch's stats are rolled up once."""

from __future__ import annotations

import threading
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


@pytest.mark.postgresql_only
def test_a_lead_added_while_a_batch_is_open_never_takes_one_of_its_ids(
    store, settings, now, tmp_path, monkeypatch
):
    """The batch's ids are reserved from the sequence before its rows are written, so
    a rep adding a lead right after the batch's leads went in (and before the batch
    ends) gets an id after them. Before, it took an id of the batch, waited for the
    batch's commit, then failed. (SQLite: the batch's write lock keeps the rep out.)"""
    from leaddesk.core.domain.validate import LeadDraft
    from leaddesk.core.store import batch as batch_module
    from leaddesk.core.writes.leads import add_lead

    added: list[int] = []
    failed: list[BaseException] = []
    workers: list[threading.Thread] = []

    def rep() -> None:  # another connection: a desk
        try:
            draft = LeadDraft(name="Walk In", phones=[("+1 312 555 0199", "")])
            added.append(add_lead(draft, now, settings))
        except BaseException as exc:  # reported below, not lost in the thread
            failed.append(exc)

    def copy_then_a_rep_adds(db, target, rows):
        real(db, target, rows)
        if target.startswith('"lead"') and not workers:
            workers.append(threading.Thread(target=rep))
            workers[0].start()
            workers[0].join(timeout=0.5)  # it may wait for the batch's tallies

    real = batch_module.copy_rows
    monkeypatch.setattr(batch_module, "copy_rows", copy_then_a_rep_adds)
    summary = import_file(open_source(_rows(tmp_path, 30)), now, settings)
    monkeypatch.undo()
    workers[0].join(timeout=10)
    assert not failed, failed
    assert summary.imported == 30
    imported = {i for (i,) in Lead.select(Lead.id).where(Lead.name.startswith("Lead ")).tuples()}
    assert len(imported) == 30 and added and added[0] not in imported
    assert Lead.get_by_id(added[0]).name == "Walk In"


def test_a_dry_run_leaves_the_next_id_where_it_was(store, make_lead, settings, now, tmp_path):
    """Its rows are rolled back; so are the ids it used (PostgreSQL's setval and
    nextval are not undone by a rollback: a dry run calls neither)."""
    first = make_lead("Before", "+1 312 555 0101")
    import_file(open_source(_rows(tmp_path, 40)), now, settings, dry_run=True)
    assert make_lead("After", "+1 312 555 0102") == first + 1
