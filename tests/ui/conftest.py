"""Fixtures for desk tests: a temp-file store, a fixed clock, a pilot helper."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from desk_helpers import DESK_NOW

from leaddesk.core.domain.clock import FixedClock
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.schema import close_store, open_store
from leaddesk.ui.app import LeadDeskApp, make_app


@pytest.fixture
def desk_settings() -> Settings:
    return Settings(rep_name="tester", rep_timezone="America/Chicago")


@pytest.fixture
def desk_db(tmp_path):
    path = str(tmp_path / "desk.db")
    open_store(path)
    yield path
    close_store()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(DESK_NOW)


@pytest.fixture
def new_app(desk_db, desk_settings, clock) -> Callable[..., LeadDeskApp]:
    def build(settings: Settings | None = None) -> LeadDeskApp:
        return make_app(settings or desk_settings, clock, desk_db)

    return build
