"""A big fill's rows made ahead by a worker process (demo/making.py): the same store as
one process makes, on both engines; an error is one message; the worker goes with the
fill, even a killed one, and the store is left as it was."""

from __future__ import annotations

import multiprocessing
import os
import select
import signal
import sqlite3
import subprocess
import sys
from dataclasses import replace

import pendulum
import pytest

from leaddesk.core import demo
from leaddesk.core.demo import fill_demo, making
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.batch import copy_line
from leaddesk.core.store.models import Appointment, Lead, Phone, Rep, Touch, ZoneSet
from leaddesk.core.store.schema import close_store, open_store

DEMO_NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")
DEMO_SETTINGS = Settings(rep_name="demo-rep", rep_timezone="America/Chicago")
TABLES = (Lead, Phone, Touch, Appointment, ZoneSet, Rep)


def _filled(target: str, worker: bool, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[dict]]:
    """Every row of the demo's tables after a fill of 300 leads (40 replayed histories,
    batches of 64: several batches and a remainder), read back through the models."""
    monkeypatch.setattr(making, "MIN_LEADS", 0 if worker else 1 << 40)
    monkeypatch.setattr(making, "cores", lambda: 2)
    monkeypatch.setattr(demo, "HISTORY_POOL", 40)
    monkeypatch.setattr(demo, "BATCH", 64)
    open_store(target)
    try:
        assert fill_demo(300, DEMO_NOW, DEMO_SETTINGS, seed=17) == 300
        return {
            model._meta.table_name: list(model.select().order_by(model._meta.primary_key).dicts())
            for model in TABLES
        }
    finally:
        close_store()


def test_rows_made_in_a_worker_are_the_rows_made_here(store_target, tmp_path, monkeypatch):
    ahead = _filled(store_target, worker=True, monkeypatch=monkeypatch)
    here = _filled(str(tmp_path / "here.db"), worker=False, monkeypatch=monkeypatch)
    assert len(here["touch"]) > 1000  # histories, not just leads
    for table, rows in here.items():
        assert ahead[table] == rows, table
    assert not multiprocessing.active_children()


def test_only_a_big_fill_on_two_cores_gets_a_worker(monkeypatch):
    monkeypatch.setattr(making, "cores", lambda: 2)
    assert making.worth_a_worker(making.MIN_LEADS)
    assert not making.worth_a_worker(making.MIN_LEADS - 1)
    monkeypatch.setattr(making, "cores", lambda: 1)
    assert not making.worth_a_worker(10 * making.MIN_LEADS)


def test_a_failure_in_the_worker_is_one_message_and_the_worker_is_gone(monkeypatch):
    monkeypatch.setattr(making, "MIN_LEADS", 0)
    monkeypatch.setattr(making, "cores", lambda: 2)
    no_ids: dict[str, int] = {}  # the worker's Writer looks up the first ids: a KeyError
    made = making.batches_here_or_ahead(
        making.Fill(50, DEMO_NOW, DEMO_SETTINGS, 1, 1, no_ids, 10, 20)
    )
    with pytest.raises(RuntimeError) as raised:
        list(made)
    assert str(raised.value).startswith("making demo leads failed:")
    assert "KeyError" in str(raised.value)
    assert not multiprocessing.active_children()


KILLED = """
import os, signal, sys
import pendulum
from leaddesk.core import demo
from leaddesk.core.demo import making
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store import batch
from leaddesk.core.store.schema import open_store

if __name__ == "__main__":
    making.MIN_LEADS, making.cores = 0, lambda: 2
    demo.HISTORY_POOL, demo.BATCH = 20, 50
    flush = batch.BatchWriter.flush

    def flush_then_die(self):
        flush(self)  # the first batch went to the store, uncommitted: die with it
        import multiprocessing
        (worker,) = multiprocessing.active_children()
        print(worker.pid, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

    batch.BatchWriter.flush = flush_then_die
    open_store(sys.argv[1])
    now = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")
    demo.fill_demo(2_000_000, now, Settings(rep_name="t"), seed=1)
"""


def _ends_within(pid: int, seconds: float) -> bool:
    """Whether process `pid` (not a child of ours) has ended or ends within `seconds`:
    a pidfd turns readable when its process ends (Linux 5.3)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        waiting = select.poll()
        waiting.register(fd, select.POLLIN)
        return bool(waiting.poll(int(seconds * 1000)))
    finally:
        os.close(fd)


@pytest.mark.sqlite_only
@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="waits on a pidfd (Linux)")
def test_a_killed_fill_takes_its_worker_along_and_leaves_the_store_as_before(tmp_path):
    path = tmp_path / "killed.db"
    open_store(str(path))
    close_store()
    done = subprocess.run(
        [sys.executable, "-c", KILLED, str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    worker = int(done.stdout)
    # Two million leads would keep it busy for minutes: it stops at its next send (50
    # leads on), into a pipe nobody reads any more.
    if not _ends_within(worker, 20):
        os.kill(worker, signal.SIGKILL)
        pytest.fail(f"the worker {worker} outlived the fill")
    open_store(str(path))  # rolls the hot journal back
    close_store()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM lead").fetchone() == (0,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_rows_made_as_copy_text_are_the_rows_copy_rows_would_write(monkeypatch):
    """PostgreSQL's rows come from the worker as COPY's text, each template's fixed runs
    rendered once: the same lines `store.batch.copy_rows` makes of the tuples, escapes
    and NULLs included (names, notes and sources with a tab, a backslash, a newline)."""
    made = making.make_identity

    def awkward(*args, **kwargs):
        who = made(*args, **kwargs)
        return replace(
            who, name=who.name + "\t\\N", notes="line\nnext\r\\", source=who.source + "\\t"
        )

    monkeypatch.setattr(making, "make_identity", awkward)
    first = {m._meta.table_name: 1 for m in (Lead, Phone, Touch, Appointment)}
    fill = making.Fill(120, DEMO_NOW, DEMO_SETTINGS, 5, 1, first, 30, 50)
    as_rows = list(making.batches(fill))
    as_text = list(making.batches(replace(fill, text=True)))
    assert len(as_rows) == len(as_text) == 3
    for (rows, zones), (texts, text_zones) in zip(as_rows, as_text, strict=True):
        assert zones == text_zones
        for these, text in zip(rows, texts, strict=True):
            assert isinstance(these, list) and isinstance(text, str)
            assert text == "".join(map(copy_line, these))
    leads, touches = ("".join(str(texts[i]) for texts, _ in as_text) for i in (0, 2))
    assert leads.count("\\t\\\\N\t") == 120 and "line\\nnext\\r\\\\" in leads
    assert "\\\\t)" in touches  # the received touch's "received (source\t)"
