"""Shared fixtures: rep settings, a fixed `now`, a fresh store, a quick lead.

Time is always injected and every SQLite database is a temp FILE (a `:memory:`
database would be empty for any other thread). Fixture names are generic on
purpose so the UI tests can reuse them.

The `store` fixture (and so `make_lead`) runs every test on both engines: a
temp SQLite file, and a fresh database on one throwaway PostgreSQL server per
session (pgserver, a PyPI wheel with the server binaries: nothing to install
by hand). LEADDESK_TEST_ENGINES=sqlite (or postgresql) narrows the run;
`@pytest.mark.sqlite_only` keeps a test about SQLite itself off PostgreSQL.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import orphans
import peewee
import pendulum
import pytest
from pendulum import DateTime

from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.schema import close_store, open_store

# Monday 2026-11-23, 19:00 UTC = 14:00 New York = 13:00 Chicago = 11:00 Los Angeles.
NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")

# pytest-xdist's workers inherit COLUMNS=80 and LINES=24 from execnet. Textual and
# Rich take a terminal's size from them first, so a desk a test starts in a
# 120×35 pseudo-terminal would lay itself out at 80×24 (its status line cut short).
for _size in ("COLUMNS", "LINES"):
    os.environ.pop(_size, None)

NY_PHONE = "+1 212 555 0142"  # America/New_York


@pytest.fixture(autouse=True)
def private_user_folders(tmp_path_factory, monkeypatch) -> None:
    """No test reads or writes the real user's data, config or log folders
    (subprocesses inherit this environment)."""
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.delenv("LEADDESK_DB", raising=False)
    monkeypatch.delenv("LEADDESK_CONFIG", raising=False)


# The same instant for the command line: Monday 14:00 in New York.
CLI_NOW = "2026-11-23T14:00:00-05:00"


@pytest.fixture
def cli(tmp_path):
    """run(*args, now=CLI_NOW) -> click Result, against tmp_path/cli.db and a fixed config."""
    from click.testing import CliRunner

    from leaddesk.cli import main

    config = tmp_path / "config.toml"
    config.write_text('[rep]\nname = "tester"\ntimezone = "America/Chicago"\n')
    db = tmp_path / "cli.db"
    runner = CliRunner()

    def run(
        *args: str, now: str | None = CLI_NOW, db_path: str | None = None, input: str | None = None
    ):
        argv = ["--db", db_path or str(db), "--config", str(config)]
        if now is not None:
            argv += ["--now", now]
        return runner.invoke(main, [*argv, *args], env={"LEADDESK_DB": None}, input=input)

    yield run
    close_store()


@pytest.fixture
def now() -> DateTime:
    """A fixed weekday afternoon: every US zone's calling window is open."""
    return NOW


@pytest.fixture
def settings() -> Settings:
    return Settings(rep_name="tester", rep_timezone="America/Chicago")


ENGINES = tuple(os.environ.get("LEADDESK_TEST_ENGINES", "sqlite,postgresql").split(","))


def pytest_collection_modifyitems(config, items):
    """A test marked sqlite_only (postgresql_only) runs on that engine alone."""
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        engine = callspec.params.get("store_target") if callspec else None
        off = (engine == "postgresql" and item.get_closest_marker("sqlite_only")) or (
            engine == "sqlite" and item.get_closest_marker("postgresql_only")
        )
        (drop if off else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


class PgServer:
    """One throwaway PostgreSQL server with one database; each test gets its own
    empty schema in it (the URL sets `search_path`). A schema costs ~1 ms and
    migrating it ~60 ms, where CREATE DATABASE costs ~300 ms."""

    DATABASE = "leaddesk_tests"

    def __init__(self, server) -> None:
        import psycopg2

        self.server = server
        self.socket_dir = server.get_uri().split("host=", 1)[1]
        self.admin = psycopg2.connect(dbname="postgres", user="postgres", host=self.socket_dir)
        self.admin.autocommit = True
        # A throwaway server: durability only costs time.
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            self.sql(f"ALTER SYSTEM SET {setting} = off")
        self.sql("SELECT pg_reload_conf()")
        self.sql(f"CREATE DATABASE {self.DATABASE}")
        self.admin.close()
        self.admin = psycopg2.connect(dbname=self.DATABASE, user="postgres", host=self.socket_dir)
        self.admin.autocommit = True
        self.schemas = (f"t{n}" for n in itertools.count(1))

    def url(self, schema: str) -> str:
        return (
            f"postgresql://postgres@/{self.DATABASE}"
            f"?host={self.socket_dir}&options=-csearch_path%3D{schema}"
        )

    def sql(self, statement: str) -> None:
        with self.admin.cursor() as cursor:
            cursor.execute(statement)

    def empty_database(self) -> str:
        """A new, empty schema; returns the URL that works in it."""
        schema = next(self.schemas)
        self.sql(f"CREATE SCHEMA {schema}")
        return self.url(schema)

    def drop(self, url: str) -> None:
        schema = url.rsplit("%3D", 1)[1]
        self.sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


PG_HOME_PREFIX = "leaddesk-pg-"


def sweep_orphan_servers(tmp: Path) -> list[Path]:
    """Stop and remove the PostgreSQL servers of sessions that ended without cleanup
    (tests/orphans.py). pgserver lists the processes holding a server in
    `.handle_pids.json`; the postmaster is named in `postmaster.pid`, and SIGINT is
    PostgreSQL's "fast" shutdown. Their data is 50–200 MB each."""
    return orphans.sweep(
        tmp,
        PG_HOME_PREFIX,
        holders=lambda home: orphans.read_pids(home / "data" / ".handle_pids.json"),
        server=lambda home: orphans.first_pid(home / "data" / "postmaster.pid"),
        stop=signal.SIGINT,
    )


@pytest.fixture(scope="session")
def pg() -> Iterator[PgServer]:
    """The session's PostgreSQL server (started on first use, ~0.5 s)."""
    import pgserver

    sweep_orphan_servers(Path(tempfile.gettempdir()))
    # Run as root, pgserver starts the server as its own user, which must be able
    # to reach the data folder: pytest's tmp folders are private to root.
    home = Path(tempfile.mkdtemp(prefix=PG_HOME_PREFIX))
    home.chmod(0o755)
    server = pgserver.get_server(home / "data", cleanup_mode="stop")
    helper = PgServer(server)
    # No background writers: an autovacuum ANALYZE takes a transaction id, and ids are
    # cluster-wide, so a desk's change check (store/changes.py) rightly counts it as
    # another writer's commit — a reload the tests that count reloads did not cause
    # (test_one_trip failed once in a full run, not alone: the likeliest such writer).
    # Tests ANALYZE where they need it.
    helper.sql("ALTER SYSTEM SET autovacuum = off")
    helper.sql("SELECT pg_reload_conf()")
    try:
        yield helper
    finally:
        helper.admin.close()
        server.cleanup()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def pg_url(request) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL schema, dropped afterwards."""
    if "postgresql" not in ENGINES:
        pytest.skip("LEADDESK_TEST_ENGINES leaves PostgreSQL out")
    pg = request.getfixturevalue("pg")  # the server starts only when a test needs it
    url = pg.empty_database()
    yield url
    close_store()
    pg.drop(url)


@pytest.fixture(params=ENGINES)
def store_target(request, tmp_path) -> Iterator[str]:
    """Where a fresh store lives: a temp SQLite file or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "t.db")
        return
    yield request.getfixturevalue("pg_url")


@pytest.fixture
def store(store_target) -> Iterator[peewee.Database]:
    """A fresh, migrated store on each engine; closed afterwards."""
    db = open_store(store_target)
    yield db
    close_store()


@pytest.fixture
def make_lead(store, settings, now) -> Callable[..., int]:
    """add a lead quickly: make_lead("Dana", phone=NY_PHONE, minutes_ago=10, email=…)."""
    from leaddesk.core.domain.validate import LeadDraft
    from leaddesk.core.writes.leads import add_lead

    made = [0]

    def make(
        name: str = "Dana Whitfield",
        phone: str | None = NY_PHONE,
        *,
        minutes_ago: int = 10,
        phones: list[str] | None = None,
        at: DateTime | None = None,
        **extra,
    ) -> int:
        if phone is NY_PHONE and phones is None and made[0]:
            # Leads of one test have numbers of their own, as real leads do: caps and
            # do-not-call count per number (issue 13). The first keeps NY_PHONE.
            phone = f"+1 212 555 {143 + (made[0] - 1) % 57:04d}"
        made[0] += 1
        numbers = phones if phones is not None else ([phone] if phone else [])
        received = (at or now).subtract(minutes=minutes_ago)
        draft = LeadDraft(
            name=name, phones=[(p, "") for p in numbers], received_at=received, **extra
        )
        return add_lead(draft, received, settings)

    return make


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 (aiosmtpd in a thread) that keeps what it
    receives in `.messages`; stopped after the test."""
    from mail_server import SmtpServer, start

    server = SmtpServer()
    controller = start(server)
    yield server
    controller.stop()


@pytest.fixture
def smtp_auth_server():
    """The same, with AUTH: user "dana", password "s3cret-Pa55"."""
    from mail_server import SmtpServer, start

    server = SmtpServer(user="dana", password="s3cret-Pa55")
    controller = start(server)
    yield server
    controller.stop()


@pytest.fixture(scope="session")
def dovecot_server():
    """A real IMAP server (Dovecot) for the session; skipped, with the reason, without one."""
    from dovecot_server import Dovecot, ensure_dovecot, sweep_orphan_dovecots

    sweep_orphan_dovecots(Path(tempfile.gettempdir()))
    binary = ensure_dovecot()
    if not binary:
        pytest.skip("Dovecot is not installed and cannot be (apt-get dovecot-imapd needs root)")
    try:
        server = Dovecot(binary)
    except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"Dovecot would not start here: {exc}")
    yield server
    server.stop()


@pytest.fixture
def dovecot(dovecot_server, monkeypatch):
    """The IMAP server with an empty INBOX; its test certificate trusted (SSL_CERT_FILE)."""
    dovecot_server.empty()
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot_server.cert))
    return dovecot_server
