"""Two desks, one file: writes serialise, a lock is waited out and retried, a lock
held too long is one clear line, and every write from several processes lands
exactly once."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pendulum
import pytest
from store_checks import check_store

from leaddesk.core.domain.errors import StoreError
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.store import db as db_module
from leaddesk.core.store.models import Lead, Touch
from leaddesk.core.store.schema import change_token, close_store, open_store
from leaddesk.core.writes.leads import add_lead
from leaddesk.core.writes.outcomes import log_outcome

PROCESSES = 4
WRITES = 50  # per process: half new leads, half touches on leads every process shares
SHARED = 3
NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")


@pytest.fixture
def quick_lock(monkeypatch):
    """Short busy timeouts, and a hook run in place of the pause between attempts."""
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_S", 0.05)
    pauses: list[float] = []

    def hook(action=None):
        def pause(seconds: float) -> None:
            pauses.append(seconds)
            if action is not None:
                action()

        monkeypatch.setattr(db_module, "_pause", pause)
        return pauses

    return hook


def holder(path: Path) -> sqlite3.Connection:
    """Another program holding the write lock."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_write_locked_out_once_is_retried_and_lands(tmp_path, quick_lock, settings, now):
    path = tmp_path / "t.db"
    open_store(str(path))
    try:
        other = holder(path)
        pauses = quick_lock(lambda: other.execute("COMMIT"))
        lead_id = add_lead(LeadDraft(name="Dana", phones=[("+1 212 555 0142", "")]), now, settings)
        assert len(pauses) == 1, "one retry after the busy timeout"
        assert Lead.get_by_id(lead_id).name == "Dana"
    finally:
        close_store()


def test_a_lock_held_too_long_is_one_clear_line_and_writes_nothing(
    tmp_path, quick_lock, settings, now
):
    path = tmp_path / "t.db"
    open_store(str(path))
    try:
        pauses = quick_lock()
        other = holder(path)
        with pytest.raises(StoreError) as info:
            add_lead(LeadDraft(name="Dana", phones=[("+1 212 555 0142", "")]), now, settings)
        other.execute("ROLLBACK")
        message = str(info.value)
        assert "is locked by another program" in message and "not saved" in message
        assert "\n" not in message
        assert len(pauses) == db_module.WRITE_ATTEMPTS - 1, "bounded retries"
        assert Lead.select().count() == 0
    finally:
        close_store()


def test_the_change_token_moves_only_for_other_writers(tmp_path, settings, now):
    path = tmp_path / "t.db"
    open_store(str(path))
    try:
        first = change_token()
        add_lead(LeadDraft(name="Mine", phones=[]), now, settings)
        assert change_token() == first, "our own commits are known to us"
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("UPDATE lead SET notes = 'theirs'")
        other.close()
        assert change_token() != first
    finally:
        close_store()


# --- several processes hammering one file ----------------------------------------


def hammer(path: str, proc: int, shared: list[int], go) -> None:
    """One process: WRITES writes, each its own transaction, with reads between."""
    from leaddesk.core.reads.queue.sections import whole_queue

    settings = Settings(rep_name=f"rep{proc}", rep_timezone="America/Chicago")
    open_store(path)
    go.wait(60)  # all processes start writing together
    try:
        for w in range(WRITES):
            at = NOW.add(seconds=w)
            if w % 2:
                log_outcome(shared[w % SHARED], "email", at, settings, note=f"p{proc}-w{w}")
            else:
                add_lead(LeadDraft(name=f"p{proc}-w{w}", phones=[]), at, settings)
            whole_queue(at, settings, 5)
    finally:
        close_store()


def test_several_processes_on_one_file_every_write_lands_exactly_once(tmp_path, settings):
    path = str(tmp_path / "shared.db")
    open_store(path)
    shared = [
        add_lead(LeadDraft(name=f"shared {n}", email=f"s{n}@example.com"), NOW, settings)
        for n in range(SHARED)
    ]
    close_store()
    # The real program joins in: a loop of CLI commands on the same leads.
    cli = Path(sys.executable).with_name("leaddesk")
    loop = " ; ".join(
        f"{cli} --db {path} --now 2026-11-23T14:00:00-05:00 log {shared[n % SHARED]} email"
        f" --note cli-w{n} >/dev/null"
        for n in range(10)
    )
    shell = subprocess.Popen(["sh", "-c", loop], env=dict(os.environ, LEADDESK_DB=path))
    spawn = multiprocessing.get_context("spawn")
    go = spawn.Event()
    workers = [spawn.Process(target=hammer, args=(path, p, shared, go)) for p in range(PROCESSES)]
    for worker in workers:
        worker.start()
    go.set()
    for worker in workers:
        worker.join(timeout=120)
    assert shell.wait(timeout=120) == 0
    assert [w.exitcode for w in workers] == [0] * PROCESSES

    assert check_store(path) == []
    open_store(path)
    try:
        names = Counter(name for (name,) in Lead.select(Lead.name).tuples())
        order = [
            note
            for (note,) in Touch.select(Touch.note)
            .where(Touch.channel == "email")
            .order_by(Touch.id)
            .tuples()
        ]
        notes = Counter(order)
    finally:
        close_store()
    expected = {f"p{p}-w{w}" for p in range(PROCESSES) for w in range(WRITES)}
    leads = {n for n in expected if int(n.split("w")[1]) % 2 == 0}
    touches = (expected - leads) | {f"cli-w{n}" for n in range(10)}
    assert {n: c for n, c in names.items() if not n.startswith("shared")} == dict.fromkeys(leads, 1)
    assert dict(notes) == dict.fromkeys(touches, 1)
    writers = [note.split("-")[0] for note in order]
    switches = sum(a != b for a, b in itertools.pairwise(writers))
    assert switches >= PROCESSES, f"the processes did not overlap: {writers}"


ROUNDS = 8


def first_open(paths: list[str], barrier, results) -> None:
    for path in paths:
        barrier.wait(60)  # all at once, on a file none of them has made yet
        try:
            open_store(path)
            close_store()
            results.put("ok")
        except StoreError as exc:
            results.put(str(exc))


def test_several_programs_creating_one_new_file_at_once_all_open_it(tmp_path):
    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(PROCESSES), spawn.Queue()
    paths = [str(tmp_path / f"new{n}.db") for n in range(ROUNDS)]
    openers = [
        spawn.Process(target=first_open, args=(paths, barrier, results)) for _ in range(PROCESSES)
    ]
    for opener in openers:
        opener.start()
    outcomes = [results.get(timeout=60) for _ in range(ROUNDS * PROCESSES)]
    for opener in openers:
        opener.join(timeout=60)
    assert Counter(outcomes) == {"ok": ROUNDS * PROCESSES}
    for path in paths:
        assert check_store(path) == []
