"""Broken databases and config files at the command line: one clear line naming
what and where, a non-zero exit, no traceback, nothing half-written, and the
file left as it was.

Permissions do not bind root: as root the program runs under `setpriv` without
the capabilities that bypass them (no root needed otherwise).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from store_checks import check_store

from leaddesk.cli import main
from leaddesk.core.store import db as db_module
from leaddesk.core.store.schema import close_store

NOW = "2026-11-23T14:00:00-05:00"
FIXTURE = Path(__file__).parent / "data" / "schema" / "v0001.db"
PROGRAM = Path(sys.executable).with_name("leaddesk")


@pytest.fixture
def cli(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[rep]\nname = "tester"\ntimezone = "America/Chicago"\n')

    def run(db: Path | str, *args: str):
        argv = ["--db", str(db), "--config", str(config), "--now", NOW, *args]
        result = CliRunner().invoke(main, argv)
        close_store()  # as when the process ends
        return result

    yield run
    close_store()


def one_line(result, *needles: str) -> str:
    assert result.exit_code == 1, (result.output, result.exception)
    assert "Traceback" not in result.output and "internal error" not in result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("leaddesk: ")
    for needle in needles:
        assert needle in line, line
    return line


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def populated(tmp_path) -> Path:
    """A copy of a populated database (the schema fixture, upgraded)."""
    path = tmp_path / "data" / "leaddesk.db"
    path.parent.mkdir()
    shutil.copyfile(FIXTURE, path)
    return path


def rows(path: Path) -> tuple[int, int]:
    con = sqlite3.connect(path)
    try:
        return tuple(
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("lead", "touch")
        )
    finally:
        con.close()


# --- files that are not (whole) databases -------------------------------------------


def test_a_directory(cli, tmp_path):
    one_line(cli(tmp_path, "due"), "is a directory")


@pytest.mark.parametrize(
    "content",
    [b"my notes\n" * 500, os.urandom(64 * 1024), b"SQLite format 3\x00" + os.urandom(8192)],
    ids=["text", "garbage", "bad-header"],
)
def test_a_file_that_is_not_a_database_is_refused_untouched(cli, tmp_path, content):
    path = tmp_path / "x.db"
    path.write_bytes(content)
    line = one_line(cli(path, "due"), "not a leaddesk database")
    assert str(path) in line
    assert path.read_bytes() == content


def test_a_truncated_database(cli, populated):
    populated.write_bytes(populated.read_bytes()[: 96 * 1024])
    before = digest(populated)
    for args in (("due",), ("show", "1"), ("log", "1", "no-answer")):
        one_line(cli(populated, *args), "corrupted")
    assert digest(populated) == before


def test_a_database_with_garbage_in_the_middle(cli, populated):
    data = bytearray(populated.read_bytes())
    page = 4096
    for start in range(3 * page, len(data) - page, 5 * page):
        data[start : start + page] = os.urandom(page)
    populated.write_bytes(bytes(data))
    line = one_line(cli(populated, "due"), "corrupted")
    assert "malformed" in line or "not a database" in line


def test_a_database_from_a_newer_leaddesk_is_refused_untouched(cli, populated):
    con = sqlite3.connect(populated)
    con.execute("INSERT INTO schema_migration (name, applied) VALUES ('9999_future', '2030-01-01')")
    con.commit()
    con.close()
    before = digest(populated)
    one_line(cli(populated, "due"), "newer leaddesk", "upgrade leaddesk")
    one_line(cli(populated, "log", "1", "no-answer"), "newer leaddesk")
    assert digest(populated) == before
    assert not list(populated.parent.glob("*.bak"))


# --- full disk, lock held too long --------------------------------------------------


def test_a_full_disk_saves_nothing_and_says_so(cli, populated, monkeypatch):
    assert cli(populated, "due").exit_code == 0  # upgraded, settled
    con = sqlite3.connect(populated)
    (pages,) = con.execute("PRAGMA page_count").fetchone()
    con.close()
    # Every connection the program opens may grow the file by no page at all.
    monkeypatch.setitem(db_module.SQLITE_PRAGMAS, "max_page_count", pages)
    before = rows(populated)
    notes = "n" * 19_000  # more than the free space inside the file's pages
    one_line(cli(populated, "add", "--name", "Big", "--notes", notes), "disk full", "not saved")
    for _ in range(40):
        result = cli(populated, "log", "1", "no-answer", "--note", notes)
        if result.exit_code:
            one_line(result, "disk full", "not saved")
            break
    else:
        pytest.fail("the file never filled up")
    monkeypatch.delitem(db_module.SQLITE_PRAGMAS, "max_page_count")
    assert check_store(populated) == []
    assert rows(populated)[0] == before[0], "no half-added lead"


@pytest.fixture
def short_waits(monkeypatch):
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_S", 0.05)
    monkeypatch.setattr(db_module, "_pause", lambda seconds: None)


def test_a_write_lock_held_too_long(cli, populated, short_waits):
    assert cli(populated, "due").exit_code == 0
    before = rows(populated)
    other = sqlite3.connect(populated, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        one_line(cli(populated, "log", "1", "no-answer"), "locked by another program", "not saved")
        one_line(cli(populated, "add", "--name", "X"), "locked by another program")
        assert cli(populated, "due").exit_code == 0, "readers are not blocked by a writer"
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert rows(populated) == before
    assert cli(populated, "log", "1", "no-answer").exit_code == 0, "works once released"


def test_a_file_locked_for_everyone(cli, populated, short_waits):
    assert cli(populated, "due").exit_code == 0
    other = sqlite3.connect(populated, isolation_level=None)
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("UPDATE lead SET notes = notes")
    other.execute("COMMIT")  # the exclusive lock stays until this connection closes
    try:
        one_line(cli(populated, "due"), "locked by another program")
    finally:
        other.close()
    assert cli(populated, "due").exit_code == 0


# --- permissions ---------------------------------------------------------------------


def unprivileged() -> list[str]:
    """A prefix that makes permissions bind (root bypasses them)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def program(db: Path, *args: str) -> subprocess.CompletedProcess:
    argv = [*unprivileged(), str(PROGRAM), "--db", str(db), "--now", NOW, *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60)


def one_line_from(done: subprocess.CompletedProcess, *needles: str) -> str:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.splitlines()
    for needle in needles:
        assert needle in line, line
    return line


@pytest.fixture
def settled(tmp_path, populated) -> Path:
    done = subprocess.run([str(PROGRAM), "--db", str(populated), "--now", NOW, "due"],
                          capture_output=True, timeout=60)  # fmt: skip
    assert done.returncode == 0
    return populated


def test_a_read_only_database_file(settled):
    settled.chmod(0o444)
    try:
        assert program(settled, "due").returncode == 0, "reading is fine"
        before = rows(settled)
        one_line_from(program(settled, "log", "1", "no-answer"), "read-only", "not saved")
        one_line_from(program(settled, "add", "--name", "X"), "read-only")
        assert rows(settled) == before
    finally:
        settled.chmod(0o600)


def test_a_read_only_folder(settled):
    settled.parent.chmod(0o555)
    try:
        line = one_line_from(program(settled, "due"), "read-only")
        assert str(settled.parent) in line
        one_line_from(program(settled.parent / "new.db", "due"), "new.db")
    finally:
        settled.parent.chmod(0o755)
    assert check_store(settled) == []


def test_the_desk_on_a_read_only_file_says_so_and_goes_on(settled):
    from test_terminal import Terminal

    settled.chmod(0o444)
    env = dict(os.environ, LEADDESK_DB=str(settled), TERM="xterm-256color")
    # a rep who has set up leaddesk: no first-run questions before the desk
    config = settled.parent / "desk.toml"
    config.write_text('[rep]\nname = "tester"\ntimezone = "America/Chicago"\n')
    config.chmod(0o644)
    try:
        desk = Terminal(["--now", NOW, "--config", str(config)], env, prefix=tuple(unprivileged()))
        desk.wait_for("DUE (")
        desk.wait_for("why now:")  # the lead is on screen: a key now acts on it
        desk.send("n")
        screen = desk.wait_for("read-only")
        assert "not saved" in screen and "Traceback" not in screen
        desk.send("j")  # still moving
        desk.send("q")
        assert desk.finish() == 0
    finally:
        settled.chmod(0o600)


# --- database URLs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://rep:s3cret@127.0.0.1:1/leads",
        "postgresql://rep:s3cret@[bad/leads",
        "mysql://rep:s3cret@localhost/leads",
        "nosuch://rep:s3cret@host/leads",
    ],
)
def test_a_password_in_a_database_url_is_never_printed_or_logged(cli, url):
    from leaddesk.logs import log_file

    line = one_line(cli(url, "due"))
    assert "s3cret" not in line and "rep:***@" in line
    logged = log_file().read_text() if log_file().exists() else ""
    assert "s3cret" not in logged


def test_a_database_url_for_sqlite_is_created_private(cli, tmp_path):
    path = tmp_path / "url.db"
    assert cli(f"sqlite:///{path}", "due").exit_code == 0
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)
