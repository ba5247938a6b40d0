"""`S`: a call session — started with an optional goal, ended with a summary that
offers to resume it; one left open since an earlier run is closed at start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from leaddesk.core.writes.sessions import (
    SessionView,
    close_stale_sessions,
    end_session,
    resume_session,
    start_session,
)
from leaddesk.ui.desk.base import DeskBase
from leaddesk.ui.desk.loading import DeskLoader
from leaddesk.ui.desk.writes import DeskWrites

# The session modals load on first use (`S`), not before the desk's first paint.
if TYPE_CHECKING:
    from leaddesk.ui.screens.session import SessionRequest


class DeskSessions:
    def __init__(self, screen: DeskBase, loader: DeskLoader, writes: DeskWrites) -> None:
        self.screen = screen
        self.loader = loader
        self.writes = writes

    def close_stale(self) -> None:
        async def close() -> None:
            screen = self.screen
            closed = await screen.db(close_stale_sessions, screen.app.now(), screen.app.settings)
            for session in closed or ():
                when = session.started_at.in_timezone(screen.app.settings.rep_timezone)
                screen.status.info(f"closed the call session left open since {when:%a %H:%M}")

        self.screen.write(close)

    def toggle(self) -> None:
        """Start a session (asking for an optional goal), or end the running one."""
        from leaddesk.ui.screens.session import SessionStart

        if self.loader.session is not None:
            self.screen.write(self._end)
            return

        def chosen(request: SessionRequest | None) -> None:
            if request is None:
                self.screen.status.info("no session started")
            else:
                self.screen.write(lambda: self._start(request.goal))

        self.screen.app.push_screen(SessionStart(), chosen)

    def _set(self, session: SessionView | None) -> None:
        self.loader.session = session
        self.screen.header.set_session(session)

    async def _start(self, goal: int | None) -> None:
        aim = f" — goal {goal} dials" if goal else ""

        def said(started: SessionView) -> str:
            self._set(started)
            return f"call session started{aim} · S ends it"

        now, settings = self.screen.app.now(), self.screen.app.settings
        await self.writes.written(start_session, now, settings, goal, said=said)

    async def _end(self) -> None:
        now = self.screen.app.now()

        def said(_: SessionView) -> str:
            self._set(None)
            return "call session ended — its summary is saved"

        ended = await self.writes.written(end_session, now, self.screen.app.settings, said=said)
        if ended is None:
            return

        from leaddesk.ui.screens.session import SessionSummary

        def after(resume: bool | None) -> None:
            if resume:
                self.screen.write(lambda: self._resume(ended.id))

        self.screen.app.push_screen(SessionSummary(ended, now), after)

    async def _resume(self, session_id: int) -> None:
        def said(resumed: SessionView) -> str:
            self._set(resumed)
            return "call session resumed"

        await self.writes.written(resume_session, session_id, self.screen.app.settings, said=said)
