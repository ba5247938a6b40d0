"""Shared fixtures: rep settings, a fixed `now`, a temp-file store, a quick lead.

Time is always injected and every database is a temp FILE (a `:memory:`
database would be empty for any other thread). Fixture names are generic on
purpose so the UI tests can reuse them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import peewee
import pendulum
import pytest
from pendulum import DateTime

from leaddesk.core.settings import Settings
from leaddesk.core.store import close_store, open_store

# Monday 2026-11-23, 19:00 UTC = 14:00 New York = 13:00 Chicago = 11:00 Los Angeles.
NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")

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


@pytest.fixture
def store(tmp_path) -> Iterator[peewee.Database]:
    """A fresh, migrated store in a temp file; closed afterwards."""
    db = open_store(str(tmp_path / "t.db"))
    yield db
    close_store()


@pytest.fixture
def make_lead(store, settings, now) -> Callable[..., int]:
    """add a lead quickly: make_lead("Dana", phone=NY_PHONE, minutes_ago=10, email=…)."""
    from leaddesk.core.services import LeadDraft, add_lead

    def make(
        name: str = "Dana Whitfield",
        phone: str | None = NY_PHONE,
        *,
        minutes_ago: int = 10,
        phones: list[str] | None = None,
        at: DateTime | None = None,
        **extra,
    ) -> int:
        numbers = phones if phones is not None else ([phone] if phone else [])
        received = (at or now).subtract(minutes=minutes_ago)
        draft = LeadDraft(
            name=name, phones=[(p, "") for p in numbers], received_at=received, **extra
        )
        return add_lead(draft, received, settings)

    return make
