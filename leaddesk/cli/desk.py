"""Opening the desk: the only CLI path that loads Textual, so it is imported late."""

from __future__ import annotations

from leaddesk.core.domain.clock import Clock
from leaddesk.core.domain.settings import Settings


def open_desk(settings: Settings, clock: Clock, target: str) -> None:
    from leaddesk.ui.app import make_app

    make_app(settings, clock, target).run()
