"""A big spreadsheet is read by a worker process while this one writes
(transfer/read_ahead.py): the same file gives exactly the same store, summary,
notes and rejects file either way — and the same error, after the same rows,
when it stops."""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path

import pytest

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.store.schema import close_store, open_store
from leaddesk.core.transfer import read_ahead
from leaddesk.core.transfer.importing import (
    BATCH,
    ImportCancelled,
    import_file,
    open_source,
)
from leaddesk.core.transfer.rows import Reread, RowReader
from leaddesk.core.writes.spellings import Spellings
from leaddesk.core.writes.team import add_rep

HEADER = "First Name,Last Name,Company,Phone,Mobile,Email,Street,City,State,Zip,Created Date,Time Zone,Notes,Lead Source,Tags\n"  # noqa: E501
SHAPES = ("({a}) {b}-{c}", "{a}-{b}-{c}", "+1 {a} {b} {c}", "{a}{b}{c}", "+44 20 7946 {c}")


def row(n: int) -> str:
    """Row `n`: most rows plain, every kind of trouble now and then."""
    a = ("212", "305", "907", "800", "416")[n % 5]
    b, c = f"{200 + n // 1000 % 800}", f"{n % 1000:04d}"
    phone = SHAPES[n % len(SHAPES)].format(a=a, b=b, c=c)
    mobile = f"(512) {300 + n // 1000 % 600} {n % 1000:04d}" if n % 3 == 0 else ""
    email = f"p{n}@example{n % 7}.com" if n % 4 else ""
    date = ("3/5/2024 2:30 PM", "2024-13-40", "12/1/2031", "", "5 Mar 2024")[n % 5]
    zone = "Mars/Olympus" if n % 97 == 0 else ""
    notes = '"called\nback"' if n % 11 == 0 else ""
    source = ("Web Form", "web form", "Referral")[n % 3]
    tags = "VIP, Hot" if n % 13 == 0 else ""
    if n % 89 == 0:
        phone, mobile, email = "12", "", ""  # cannot be reached: rejected
    if n % 53 == 0:
        email = "not an email"
    fields = [f"P{n}", "Test", f"Co {n % 17}", phone, mobile, email, f"{n} Main St",
              "Town", "NY", "10001", date, zone, notes, source, tags]  # fmt: skip
    return ",".join(fields) + "\n"


def spreadsheet(path: Path, rows: int, tail: str = "") -> Path:
    lines = [HEADER]
    for n in range(rows):
        lines.append(row(n % 1500))  # past 1,500 every row is a duplicate of an earlier one
        if n % 400 == 7:
            lines.append(",,,,\n")  # a blank line
    path.write_text("".join(lines) + tail, encoding="utf-8")
    return path


def snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (the search index's too), but the migrations' log."""
    with sqlite3.connect(path) as con:
        tables = [
            name
            for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if "migrat" not in name
        ]
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"'), key=repr) for t in tables}


def run_import(tmp_path: Path, name: str, file: Path, settings, now, worker: bool, **kw):
    """Import `file` into a new store `name` (read in a worker or here): the summary, or
    the error it stopped with; the store's rows; the rejects file's text."""
    store = tmp_path / f"{name}.db"
    rejects = tmp_path / f"{name}.rejects.csv"
    saved = read_ahead.MIN_BYTES
    read_ahead.MIN_BYTES = 0 if worker else 1 << 60
    open_store(str(store))
    try:
        source = open_source(file)
        try:
            outcome: object = import_file(source, now, settings, rejects_path=rejects, **kw)
        except InvalidInput as exc:
            outcome = str(exc)
    finally:
        read_ahead.MIN_BYTES = saved
        close_store()
    text = rejects.read_text(encoding="utf-8") if rejects.exists() else None
    if not isinstance(outcome, str):
        summary = outcome.as_json()  # type: ignore[attr-defined]
        summary.pop("rejects_file")  # named after its store
        outcome = summary
    return outcome, snapshot(store), text


def both_ways(tmp_path: Path, file: Path, settings, now, **kw):
    here = run_import(tmp_path, "here", file, settings, now, worker=False, **kw)
    there = run_import(tmp_path, "there", file, settings, now, worker=True, **kw)
    return here, there


def test_a_file_read_by_a_worker_imports_exactly_as_in_one_process(tmp_path, settings, now):
    file = spreadsheet(tmp_path / "leads.csv", 3 * BATCH + 321)
    (summary, rows, rejects), there = both_ways(tmp_path, file, settings, now)
    assert there == (summary, rows, rejects)
    # the file held every kind of row the comparison is about
    assert summary["imported"] > 1000 and summary["skipped_duplicate"] > 1000
    assert summary["rejected"] > 10 and summary["warnings"] > 100 and summary["blank_lines"] > 5
    assert rejects is not None and "line" in rejects


def test_the_same_with_owners_update_and_a_dry_run(tmp_path, settings, now):
    file = spreadsheet(tmp_path / "leads.csv", BATCH + 200)
    for kw in ({"on_duplicate": "update"}, {"dry_run": True}, {"whole_file": True}):
        here, there = both_ways(tmp_path, file, settings, now, **kw)
        assert here == there, kw
        for name in ("here", "there"):
            for suffix in (".db", ".db-wal", ".db-shm", ".rejects.csv"):
                (tmp_path / f"{name}{suffix}").unlink(missing_ok=True)


def test_a_quote_left_open_stops_both_after_the_same_rows(tmp_path, settings, now):
    file = spreadsheet(tmp_path / "open.csv", 2 * BATCH + 50, tail='P,Q,"never closed,1\n')
    (message, rows, _), (message_there, rows_there, _) = both_ways(tmp_path, file, settings, now)
    assert message == message_there
    assert rows == rows_there
    assert "never ends" in message  # and the whole batches before it are kept:
    assert f"{len(rows['lead']):,} rows were imported before it stopped" in message
    assert len(rows["lead"]) > 0


def test_a_cancel_keeps_the_same_whole_batches(tmp_path, settings, now):
    file = spreadsheet(tmp_path / "leads.csv", 4 * BATCH)
    calls: list[int] = []

    def progress(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 2:
            raise ImportCancelled("stopped by the rep")

    kept = []
    for worker in (False, True):
        calls.clear()
        store = tmp_path / f"cancel-{worker}.db"
        saved = read_ahead.MIN_BYTES
        read_ahead.MIN_BYTES = 0 if worker else 1 << 60
        open_store(str(store))
        try:
            with pytest.raises(ImportCancelled):
                import_file(open_source(file), now, settings, rejects_path=None, progress=progress)
        finally:
            read_ahead.MIN_BYTES = saved
            close_store()
        kept.append(snapshot(store))
    assert kept[0] == kept[1]
    assert 0 < len(kept[0]["lead"]) <= 2 * BATCH


def test_only_a_big_file_on_two_cores_gets_a_worker(monkeypatch):
    monkeypatch.setattr(read_ahead, "_cores", lambda: 2)
    assert read_ahead.worth_a_worker(read_ahead.MIN_BYTES)
    assert not read_ahead.worth_a_worker(read_ahead.MIN_BYTES - 1)
    monkeypatch.setattr(read_ahead, "_cores", lambda: 1)
    assert not read_ahead.worth_a_worker(10 * read_ahead.MIN_BYTES)


@pytest.mark.parametrize("owner", [None, "round-robin"])
def test_rows_prepared_ahead_are_the_rows_the_draft_gives(tmp_path, settings, now, owner):
    """A new lead goes in from the rows its reader prepared, ids and owner filled in
    (`LeadWriter.add_prepared`); they are exactly what building them from its draft
    here writes (`LeadWriter.add`, what a row whose source takes the file's first
    spelling goes through)."""
    file = spreadsheet(tmp_path / "leads.csv", BATCH + 300)
    outcomes = []
    for from_draft in (False, True):
        store = tmp_path / f"draft-{from_draft}.db"
        open_store(str(store))
        try:
            for name in ("Ann", "Bo", "Cy"):
                add_rep(name)
            with pytest.MonkeyPatch.context() as patch:
                if from_draft:
                    patch.setattr(Spellings, "kept", lambda *_: False)
                summary = import_file(
                    open_source(file), now, settings, rejects_path=None, owner=owner
                ).as_json()
        finally:
            close_store()
        summary.pop("rejects_file")
        outcomes.append((summary, snapshot(store)))
    assert outcomes[0] == outcomes[1]
    owners = {row[19] for row in outcomes[0][1]["lead"]}  # Lead.owner's column
    assert owners == ({None} if owner is None else {1, 2, 3})


DESK_STDERR = """
import sys
from pathlib import Path

import pendulum

from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.schema import close_store, open_store
from leaddesk.core.transfer import read_ahead
from leaddesk.core.transfer.importing import import_file, open_source


class Captured:
    \"\"\"What Textual puts in sys.stderr while the desk runs: no descriptor.\"\"\"

    def write(self, text):
        return len(text)

    def flush(self):
        pass

    def fileno(self):
        return -1


NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")
folder = Path(sys.argv[1])
read_ahead.MIN_BYTES = 0
open_store(str(folder / "desk.db"))
sys.stderr = Captured()
try:
    summary = import_file(open_source(folder / "leads.csv"), NOW, Settings())
finally:
    sys.stderr = sys.__stderr__
    close_store()
print(summary.imported)
"""


def test_the_worker_starts_from_the_desk_whose_stderr_has_no_descriptor(tmp_path):
    """A fresh process (the resource tracker starts once per process), as the desk
    is: before, the spawn failed and the desk closed on a traceback."""
    import subprocess
    import sys

    spreadsheet(tmp_path / "leads.csv", 40)
    done = subprocess.run(
        [sys.executable, "-c", DESK_STDERR, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.split()[-1]) > 0


def test_a_candidate_crosses_the_pipe_with_its_cells_and_opens_as_read(tmp_path, settings, now):
    """What the worker sends of a row (its cells, and how it was read) opens in the
    writer as the very draft and phones the worker read — for every kind of row the
    test file holds (dates, zones, notes, several numbers, foreign ones) — and no
    longer carries the draft itself."""
    file = spreadsheet(tmp_path / "leads.csv", 1500)
    source = open_source(file)
    assert source.table is not None and source.mapping is not None
    reader = RowReader(source.mapping, settings)
    reread = Reread(source.mapping, settings, now)
    opened = 0
    for record in source.table.records():
        if record.line <= source.header_line or record.blank:
            continue
        read = reader.read(record, now, lambda _: None)
        if isinstance(read, str):
            continue
        read.source = reread, record.fields
        sent = pickle.dumps(read, pickle.HIGHEST_PROTOCOL)
        assert b"LeadDraft" not in sent and b"ParsedPhone" not in sent
        came = pickle.loads(sent)
        assert came._draft is None  # opened only when asked
        assert (came.line, came.email, came.keys) == (read.line, read.email, read.keys)
        assert came.draft == read.draft and came.phones == read.phones
        opened += 1
    assert opened > 1000
