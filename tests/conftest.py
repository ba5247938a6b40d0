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
