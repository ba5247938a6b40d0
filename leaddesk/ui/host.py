"""What every screen may ask of the app: settings, the clock, the database thread.

Screens type `self.app` as DeskHost, so none of them imports the app module
(which imports them): the app's screens and the app stay free of cycles.
"""

from __future__ import annotations

from concurrent.futures import Future

from pendulum import DateTime
from textual.app import App

from leaddesk.core.desk.snapshot import DeskSnapshot
from leaddesk.core.domain.clock import Clock
from leaddesk.core.domain.settings import Settings
from leaddesk.ui.dbthread import DbThread


class DeskHost(App[None]):
    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        target: str,
        db: DbThread | None = None,
        first_page: Future[DeskSnapshot] | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.clock = clock
        self.target = target
        self.db = db or DbThread(target)
        # The desk's first page, already asked for (ui/first_page.py); taken once.
        self.first_page = first_page
        self.startup_warnings: list[str] = []
        self.command = "leaddesk"  # how the rep runs leaddesk from a shell, as typed

    def now(self) -> DateTime:
        return self.clock.now()

    def take_first_page(self) -> Future[DeskSnapshot] | None:
        page, self.first_page = self.first_page, None
        return page
