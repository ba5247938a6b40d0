"""`leaddesk doctor` and the log file: what a bug report needs, nothing changed,
nothing private leaked."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from leaddesk import __version__, paths
from leaddesk.logs import PrivateRotatingFileHandler, log_file, logger, setup_logging

FIXTURE = Path(__file__).parent / "data" / "schema" / "v0001.db"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def copy(tmp_path) -> Path:
    path = tmp_path / "leaddesk.db"
    shutil.copyfile(FIXTURE, path)
    return path


def doctor(cli, db: Path, *args: str):
    return cli("doctor", *args, db_path=str(db))


def test_doctor_prints_versions_paths_schema_integrity_and_config(cli, copy):
    result = doctor(cli, copy)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for needle in (f"leaddesk {__version__}", "python 3.", "textual ", "peewee ", "sqlite 3."):
        assert needle in out, needle
    assert f"database  {copy}" in out
    assert f"log       {log_file()}" in out
    assert f"data      {paths.data_dir()}" in out
    assert "config    " in out and "config.toml" in out
    from leaddesk.core.store.schema import program_schema_version

    newest = program_schema_version()
    state = "up to date" if newest == 1 else "needs upgrade"
    assert f"schema    1 (this program: {newest}) — {state}" in out
    assert "integrity ok" in out
    assert "healthy" in out


def test_doctor_json(cli, copy):
    report = json.loads(doctor(cli, copy, "--json").stdout)
    assert report["healthy"] is True
    assert report["versions"]["leaddesk"] == __version__
    assert report["versions"]["sqlite"] == sqlite3.sqlite_version
    assert set(report["paths"]) == {"config", "data", "log", "database"}
    db = report["database"]
    from leaddesk.core.store.schema import program_schema_version

    newest = program_schema_version()
    state = "up to date" if newest == 1 else "needs upgrade"
    assert (db["schema_version"], db["program_schema_version"], db["state"]) == (1, newest, state)
    assert db["integrity"] == "ok"
    assert report["config_error"] is None and report["config_warnings"] == []


def test_doctor_creates_nothing(cli, tmp_path):
    missing = tmp_path / "none.db"
    result = doctor(cli, missing)
    assert result.exit_code == 0
    assert "not created yet" in result.stdout
    assert not missing.exists()


def test_doctor_does_not_upgrade(cli, copy, monkeypatch):
    from leaddesk.core.store import schema as store

    monkeypatch.setattr(store, "program_schema_version", lambda: 2)
    before = hashlib.sha256(copy.read_bytes()).hexdigest()
    report = json.loads(doctor(cli, copy, "--json").stdout)
    assert report["database"]["state"] == "needs upgrade"
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before
    assert not list(copy.parent.glob("*.bak"))


def test_doctor_reports_a_newer_database_and_fails(cli, copy):
    con = sqlite3.connect(copy)
    con.execute("INSERT INTO schema_migration (name, applied) VALUES ('0042_future', 'x')")
    con.commit()
    con.close()
    result = doctor(cli, copy)
    assert result.exit_code == 1
    from leaddesk.core.store.schema import program_schema_version

    newest = program_schema_version()
    assert f"schema    42 (this program: {newest}) — newer than this program" in result.stdout


def test_doctor_reports_corruption(cli, copy):
    data = bytearray(copy.read_bytes())
    data[20 * 4096 : 24 * 4096] = os.urandom(4 * 4096)
    copy.write_bytes(bytes(data))
    result = doctor(cli, copy, "--json")
    assert result.exit_code == 1
    db = json.loads(result.stdout)["database"]
    assert db["integrity"] != "ok" or db["error"], db


def test_doctor_reports_a_broken_config_instead_of_stopping(cli, copy, tmp_path):
    (tmp_path / "config.toml").write_text("[rules]\nmorning_hour = 99\n")
    result = doctor(cli, copy)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "settings  error: " in result.stdout and "line 2: rules.morning_hour" in result.stdout
    assert cli("due").exit_code == 1, "other commands still stop on it"


def test_doctor_reports_config_warnings(cli, copy, tmp_path):
    (tmp_path / "config.toml").write_text('[rep]\ntimezone = "America/Chicago"\nnick = "d"\n')
    result = doctor(cli, copy)
    assert "settings  warning: " in result.stdout and "rep.nick" in result.stdout


def test_doctor_does_not_load_the_desk(copy):
    code = (
        "import sys; from click.testing import CliRunner; from leaddesk.cli import main;"
        f"r = CliRunner().invoke(main, ['--db', {str(copy)!r}, 'doctor']);"
        "print(r.exit_code, 'textual' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["0", "False"], done.stderr


# --- the log file ------------------------------------------------------------------


def test_errors_go_to_a_private_log_file_with_their_detail(cli, tmp_path):
    assert cli("due").exit_code == 0
    assert not log_file().exists(), "nothing to log, no file"
    folder = tmp_path / "not-a-db"
    folder.mkdir()
    result = cli("due", db_path=str(folder))
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    assert log_file().parent == paths.log_dir()
    assert str(paths.log_dir()).startswith(os.environ["XDG_STATE_HOME"])
    assert mode(log_file()) == 0o600
    text = log_file().read_text()
    assert "is a directory" in text and "ERROR" in text and "Traceback" in text


def test_the_log_rotates_and_every_file_is_private(tmp_path):
    os.umask(0o022)
    path = tmp_path / "logs" / "leaddesk.log"
    setup_logging(path)
    handler = next(h for h in logger.handlers if isinstance(h, PrivateRotatingFileHandler))
    handler.maxBytes = 2_000
    try:
        for n in range(100):
            logger.error("line %d %s", n, "x" * 100)
    finally:
        setup_logging()  # back to the default place
    files = sorted(path.parent.iterdir())
    assert [f.name for f in files] == [
        "leaddesk.log",
        "leaddesk.log.1",
        "leaddesk.log.2",
        "leaddesk.log.3",
    ]
    assert {mode(f) for f in files} == {0o600}
    assert "line 99" in path.read_text()


def test_log_lines_never_hold_a_database_password(tmp_path):
    path = tmp_path / "leaddesk.log"
    setup_logging(path)
    try:
        logger.error("could not reach postgresql://rep:s3cret@db.example.com/leads")
        try:
            raise RuntimeError("connect postgresql://rep:s3cret@db.example.com/leads failed")
        except RuntimeError as exc:
            logger.error("oops", exc_info=exc)
    finally:
        setup_logging()
    text = path.read_text()
    assert "s3cret" not in text and text.count("rep:***@db.example.com") >= 2
    assert logging.getLogger("leaddesk").propagate is False


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"leaddesk, version {__version__}"


def test_the_desk_sets_up_the_log_file(monkeypatch, tmp_path):
    """The desk logs what it shows as one line (ui/desk/base.py): `open_desk` points
    the log at the file before the app runs. (A command that succeeds sets none up.)"""
    import gc

    import pendulum

    import leaddesk.ui.app
    import leaddesk.ui.dbthread
    import leaddesk.ui.first_page
    from leaddesk.cli.desk import open_desk
    from leaddesk.core.domain.clock import FixedClock
    from leaddesk.core.domain.settings import Settings

    def file_handlers() -> list[PrivateRotatingFileHandler]:
        return [h for h in logger.handlers if isinstance(h, PrivateRotatingFileHandler)]

    saved = file_handlers()
    for handler in saved:
        logger.removeHandler(handler)
    logged_to: list[str] = []

    class App:
        def run(self) -> None:
            logged_to.extend(h.baseFilename for h in file_handlers())

    monkeypatch.setattr(leaddesk.ui.dbthread, "DbThread", lambda target: None)
    monkeypatch.setattr(leaddesk.ui.first_page, "read_first_page", lambda *args: None)
    monkeypatch.setattr(leaddesk.ui.app, "make_app", lambda *args: App())
    collecting = gc.isenabled()
    clock = FixedClock(pendulum.datetime(2026, 11, 23, 19))
    try:
        open_desk(Settings(), clock, str(tmp_path / "desk.db"))
    finally:
        gc.unfreeze()  # open_desk froze this process's objects for the desk's lifetime
        (gc.enable if collecting else gc.disable)()
        for handler in file_handlers():
            logger.removeHandler(handler)
            handler.close()
        for handler in saved:
            logger.addHandler(handler)
    assert logged_to == [str(log_file().absolute())]
