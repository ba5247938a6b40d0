"""What every screen may ask of the app: settings, the clock, the database thread.

Screens type `self.app` as DeskHost, so none of them imports the app module
(which imports them): the app's screens and the app stay free of cycles.
"""

from __future__ import annotations

from pendulum import DateTime
from textual.app import App

from leaddesk.core.domain.clock import Clock
from leaddesk.core.domain.settings import Settings
from leaddesk.ui.dbthread import DbThread


class DeskHost(App[None]):
    def __init__(self, settings: Settings, clock: Clock, target: str) -> None:
        super().__init__()
        self.settings = settings
        self.clock = clock
        self.target = target
        self.db = DbThread(target)
        self.startup_warnings: list[str] = []
        self.command = "leaddesk"  # how the rep runs leaddesk from a shell, as typed

    def now(self) -> DateTime:
        return self.clock.now()
